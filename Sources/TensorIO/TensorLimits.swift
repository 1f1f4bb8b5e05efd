/// Hard limits that every reader enforces before allocating memory, so that a
/// hostile or corrupt file cannot make the program reserve huge buffers.
public enum TensorLimits {
    /// The largest number of values any reader accepts: 16,777,216 (2^24),
    /// which is 128 MiB of `Double`s.
    public static let maxElementCount = 16_777_216

    /// The largest text (JSON or CSV) any reader accepts, in bytes: 64 MiB.
    public static let maxTextBytes = 64 * 1024 * 1024

    /// The deepest nesting of brackets the JSON reader accepts (rank 3).
    public static let maxNestingDepth = 3

    /// The largest `.npy` file ``TensorFile/read(path:)`` loads: room for the
    /// maximum number of float64 values plus a generous 1 MiB header.
    public static let maxNPYFileBytes = maxElementCount * 8 + 1024 * 1024
}
