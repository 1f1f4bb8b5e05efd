import Platform

/// Ctrl-C during a long computation. The REPL's SIGINT handler raises a flag (module
/// Platform); a trace computed with `Kernels.interruptibly` looks at it between heads and
/// between its steps, and stops with `AttentionError.interrupted` once it is raised. Nothing
/// else sets the flag, so in scripts, lessons and tests a computation never stops part-way.
public enum Interruption {
    /// Throws `AttentionError.interrupted` when `kernels` may be interrupted and Ctrl-C has
    /// been pressed since the flag was last cleared.
    @inline(__always)
    public static func check(_ kernels: Kernels) throws {
        if kernels.interruptible, attention_interrupt_requested() != 0 { throw AttentionError.interrupted }
    }
}
