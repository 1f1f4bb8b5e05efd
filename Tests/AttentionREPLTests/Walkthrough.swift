/// The script most tests run: two steps from the example, a per-head table and the arithmetic
/// behind one weight, with what its output must contain.
enum Walkthrough {
    static let commands = [
        "step",
        "step",
        "show weights head 2",
        "why weights sat cat head 2",
    ]

    static var script: String { commands.joined(separator: "\n") + "\n" }

    /// Text the output must contain: the second step's title, the head-2 weights table and
    /// the weight of 'cat' for the query 'sat' in head 2.
    static let expectedOutput = ["Stage 2 of 9", "weights · head 2", "0.483"]
}
