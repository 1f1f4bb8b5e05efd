/// What stops an encoder from being built or run: a configuration that cannot work, weights
/// that do not fit it, or token ids it cannot take. Each case carries what is needed to say what
/// is wrong and how to fix it; `description` words it.
public enum EncoderError: Error, Equatable, Sendable, CustomStringConvertible {
    /// An impossible configuration, worded in full.
    case invalidConfiguration(String)
    /// A weight the configuration needs is not among the tensors.
    case missingTensor(name: String)
    /// A weight whose shape is not the one the configuration implies; `meaning` names the
    /// expected dimensions ("intermediate_size x hidden_size").
    case wrongShape(name: String, shape: [Int], expected: [Int], meaning: String)
    /// A tensor whose number of values is not the product of its shape.
    case wrongValueCount(name: String, shape: [Int], count: Int)
    /// No token ids to encode.
    case noTokens
    /// More tokens than the model has positions for.
    case tooManyTokens(count: Int, maxPositions: Int)
    /// A token id outside the vocabulary, at 0-based `position` in the input.
    case tokenOutOfRange(id: Int, position: Int, vocabSize: Int)

    public var description: String {
        switch self {
        case let .invalidConfiguration(message):
            return message
        case let .missingTensor(name):
            return "the weights have no tensor \"\(name)\", which the configuration needs"
        case let .wrongShape(name, shape, expected, meaning):
            return "tensor \"\(name)\" has shape \(shape) but the configuration needs \(expected) (\(meaning))"
        case let .wrongValueCount(name, shape, count):
            return "tensor \"\(name)\" has shape \(shape) but \(count) values"
        case .noTokens:
            return "there are no tokens to encode"
        case let .tooManyTokens(count, maxPositions):
            return "\(count) tokens are more than the model's \(maxPositions) positions; shorten the text"
        case let .tokenOutOfRange(id, position, vocabSize):
            return "token id \(id) at position \(position) is outside the vocabulary (ids 0 to \(vocabSize - 1))"
        }
    }
}
