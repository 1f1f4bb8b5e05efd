/// The ready example every session starts with: three tokens, d_model 4, two heads, weights
/// rounded to one decimal so the arithmetic is easy to follow. Head 1 spreads its attention
/// out; head 2 focuses, which makes the point that heads differ. It is a script of ordinary
/// commands, run by the same interpreter as everything else.
enum Example {
    static let commands = [
        "tokens the cat sat",
        "X = [[0.0, 0.3, -0.3, -0.9], [-0.5, -1.0, 0.1, 1.3], [-0.5, -0.6, 0.5, 0.4]]",
        "heads 2",
        "W_Q = [[0.1, -0.7, 0.0, 0.6], [-1.1, -0.4, -1.5, -1.0], [-1.5, -0.2, -1.0, 0.2], [0.1, -0.1, -2.0, -0.4]]",
        "W_K = [[0.0, 0.1, -1.2, -0.4], [-0.8, -0.6, 0.8, -0.6], [0.0, 0.7, -0.5, -0.1], [0.1, 0.1, -1.0, 0.1]]",
        "W_V = [[1.1, -1.2, 0.7, 0.1], [-0.5, 1.6, 0.6, -1.0], [0.1, 0.5, -0.2, 0.5], [-0.1, 0.5, 1.2, -0.5]]",
        "W_O = [[0.2, -0.4, 0.1, -0.9], [-0.5, -0.2, 0.7, 0.9], [-1.1, -0.6, 0.5, -1.6], [-0.4, -0.1, 1.0, 0.6]]",
    ]

    static let summary = "3 tokens 'the cat sat', d_model 4, 2 heads of d_k 2"
}
