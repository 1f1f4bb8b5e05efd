import Attention
import Teaching
import TensorIO

/// The bias on the scores and the temperature: `bias = ...`, `import bias FILE`, `bias none`,
/// `set temperature T`.
extension Interpreter {
    /// `bias = VALUE` (and `import bias FILE`): a queries x keys matrix added to every head's
    /// scaled scores. Refused when it holds a number that is not finite, or when the scores'
    /// shape is already known and the bias does not have it.
    func defineBias(_ array: NDArray, in session: inout Session) throws -> String {
        let bias = try matrix(array, name: "the bias")
        let shape = session.scoresShape ?? bias.shape
        do {
            try ScoreShaping(bias: bias).check(queries: shape.rows, keys: shape.cols)
        } catch let error as AttentionError {
            throw UserError("\(error)", hint: session.scoresShape.map { shape in
                session.direct ? "one row per query (Q has \(shape.rows) rows) and one column per key (K has \(shape.cols) rows)"
                    : "one row and one column per token (X has \(shape.rows) rows)"
            })
        }
        session.scoreBias = bias
        let table = Presenter.biasTable(bias, labels: Labels.make(tokens: session.tokens, queries: bias.rows, keys: bias.cols),
                                        format: NumberFormat(decimals: session.precision), style: style, width: width)
        let note = "Added to the scaled scores of every head before the temperature and the mask: masked = (scaled + bias) / T. "
            + "`step` shows it at the masked stage; `bias none` removes it."
        return try ([table, Prose.wrap(note, width: width)] + computeNote(session)).joined(separator: "\n")
    }

    /// `bias none`.
    func clearBias(in session: inout Session) throws -> String {
        let had = session.scoreBias != nil
        session.scoreBias = nil
        return try (["bias none: " + (had ? "the scores get nothing added" : "there was no bias")] + computeNote(session)).joined(separator: "\n")
    }

    /// `bias` alone and `show bias`.
    func showBias(_ session: Session) -> String {
        guard let bias = session.scoreBias else {
            return "no bias: nothing is added to the scores (set one with bias = [[...]], queries x keys, or import bias FILE)"
        }
        return Presenter.biasTable(bias, labels: Labels.make(tokens: session.tokens, queries: bias.rows, keys: bias.cols),
                                   format: NumberFormat(decimals: session.precision), style: style, width: width)
    }

    /// `set temperature T` (T > 0, checked by the parser).
    func setTemperature(_ T: Double, in session: inout Session) throws -> String {
        session.temperature = T
        let text = "temperature T = \(Presenter.temperature(T)): " + Presenter.temperatureEffect(T)
            + (T == 1 ? "" : " `set temperature 1` goes back to ordinary attention.")
        return try ([Prose.wrap(text, width: width)] + computeNote(session)).joined(separator: "\n")
    }
}
