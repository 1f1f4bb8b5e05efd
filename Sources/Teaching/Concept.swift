/// The ideas behind each part of attention, for `explain`: what it is, why it is there, and
/// the common pitfall where there is one. `Presenter.explain` adds the learner's own numbers.
public enum Concept: String, CaseIterable, Sendable {
    case input, projection, scores, scaled, masked, weights, head_out, concat, output, heads, temperature, bias, backward

    /// Topic names a learner may type, mapped to concepts (stage names, step names, aliases).
    public static func named(_ name: String) -> Concept? {
        if let concept = Concept(rawValue: name) { return concept }
        switch name.lowercased() {
        case "x", "tokens": return .input
        case "q", "k", "v", "w_q", "w_k", "w_v", "b_q", "b_k", "b_v", "dk", "d_k", "subspaces": return .projection
        case "scaling", "scale", "sqrt": return .scaled
        case "mask", "masking", "padding", "pad", "causal": return .masked
        case "softmax": return .weights
        case "head", "multihead", "multi-head": return .heads
        case "w_o", "b_o", "wo": return .output
        case "gradient", "gradients", "grad", "backprop", "backpropagation", "loss", "fit", "training": return .backward
        case "t", "sharpness": return .temperature
        case "alibi", "attn_mask", "position", "relative", "t5": return .bias
        default: return nil
        }
    }

    /// The step a concept belongs to, whose explanation carries the learner's numbers.
    public var step: Step? { Step(rawValue: rawValue) }

    public var idea: String {
        switch self {
        case .input:
            return "Attention works on a sequence of token vectors, the rows of X (n x d_model). Each row will be replaced by a mixture of information gathered from the other rows."
        case .projection:
            return "Every head projects each token three ways: a query (what this token is looking for), a key (what it offers to be found by) and a value (what it passes on when found). Head i uses its own column block of W_Q, W_K and W_V, so it works in its own d_k-dimensional subspace."
        case .scores:
            return "A score is the dot product of one query with one key: large when they point the same way. Row q of the scores says how well query q matches every key."
        case .scaled:
            return "The scores are divided by sqrt(d_k). A dot product sums d_k products; with entries of variance 1 the sum has variance d_k, so its typical size grows like sqrt(d_k). Dividing by sqrt(d_k) brings it back to about 1 whatever the width of the head."
        case .masked:
            return "A mask blocks query-key pairs by setting their score to -inf, so their softmax weight is exactly 0. A causal mask stops a token from seeing later tokens: in training all positions are computed at once, and each must predict the next token without seeing it (Vaswani et al. 2017, section 3.2.3); key padding hides the padding positions of a shorter sequence in a batch."
        case .weights:
            return "The softmax turns each row of scores into weights: exp(s) / Σ exp(s) is positive and the row sums to 1. Bigger scores get exponentially more weight. It is computed in the stable form, subtracting the row maximum first."
        case .head_out:
            return "Each query's head output is the average of the value rows weighted by its attention weights: it collects what the tokens it attends to carry. Heads do this independently, so they can run in parallel."
        case .concat:
            return "The h head outputs (n x d_v each) are put side by side into one n x (h·d_v) matrix. This only places them next to each other; nothing is mixed."
        case .output:
            return "The output projection W_O multiplies the concatenation: every output feature is a weighted sum over the columns of all heads, so this is the step where what the heads found is combined."
        case .backward:
            return "Training changes every weight a little, against its gradient: the derivative of the loss L with respect to that weight. Backpropagation computes every gradient in one pass backwards through the stages: each stage receives dL/d(its output) and, by the chain rule, hands on dL/d(each of its inputs), using the numbers the forward pass kept. Through attention: W_O carries the gradient back to the heads' columns; each head's weighted sum splits it between the weights and the values; the softmax turns gradients of weights into gradients of scores, w ⊙ (g − Σ w g); the scaling divides by sqrt(d_k) again; Q Kᵀ hands it to the queries and keys; and the projections turn those into gradients of W_Q, W_K, W_V and X."
        case .temperature:
            return "The temperature T divides the scores just before the softmax: weights = softmax(s / T). Below 1 it spreads them apart and the weights sharpen; as T goes to 0 all the weight goes to the largest score, an argmax. Above 1 it draws them together and the weights flatten; as T grows every visible key gets the same weight, and the output becomes a plain average of their values. Dividing by sqrt(d_k) is a temperature too, fixed at sqrt(d_k) so that the scores stay near unit size whatever the head width: `set scaling off` with T = sqrt(d_k) gives ordinary attention exactly. `set temperature T` is a knob on top of it."
        case .bias:
            return "A bias is a number added to the score of one query-key pair before the softmax: masked = (scaled + bias) / T. PyTorch's float attn_mask is one. A positive entry draws the query toward that key, a negative one pushes it away; only -inf would block it, which is what a mask does. ALiBi (Press et al. 2022) adds a penalty proportional to the distance between query and key, with a different slope in each head, and T5 adds a learned number for each bucket of relative position: both bring position in through the scores rather than through the token vectors."
        case .heads:
            return "One head computes one set of weights per query, so it must blend every relationship it cares about (say, the previous word and the subject of the sentence) into a single average. Several heads, each with its own projections, can attend to different tokens for different reasons at the same time. With d_k = d_model / h, h heads cost about as much as one full-width head."
        }
    }

    public var why: String {
        switch self {
        case .input: return "The input is what the layer refines; attention is how tokens share information."
        case .projection: return "Separate projections let a token ask for one thing while offering another, and let each head specialise in its own relationship."
        case .scores: return "Matching queries with keys is how a token decides where to look."
        case .scaled: return "Without scaling, wide heads give huge scores, the softmax saturates (one weight near 1, the rest near 0) and its gradients vanish, so learning stalls."
        case .masked: return "Some pairs must not exchange information: later tokens, when every position is trained at once to predict the token after it, or padding that is not real text."
        case .weights: return "Weights that are positive and sum to 1 make the head output an average of the values, on a stable scale."
        case .head_out: return "This is where information actually moves between tokens."
        case .concat: return "It assembles the heads' results into one vector per token, ready for W_O."
        case .output: return "Without W_O each head could write only its own slice of the output, whose width would be tied to h·d_v; later layers could still combine the slices, but W_O mixes the heads at once and maps the result to d_model for the next layer."
        case .backward: return "This is how the projections are learned: nothing tells a head what to attend to. Gradient descent moves W_Q and W_K so that the scores the loss wants raised go up; where heads end up specialised, it is because that lowered the loss."
        case .heads: return "Different relationships need different weights; many heads get many patterns for the price of one wide head."
        case .temperature: return "It isolates what the softmax does with the size of its inputs: the same ranking of keys gives anything from a plain average to a hard choice of one key. The same knob on a language model's next-token scores makes its sampling more or less random."
        case .bias: return "It lets something other than the queries and keys decide where attention goes, such as the distance between two tokens; ALiBi and T5 add no position embeddings to the token vectors at all."
        }
    }

    public var pitfall: String? {
        switch self {
        case .projection: return "Slicing the wrong way: a head's block of W_Q is a block of columns (Q = X W_Q), and its block of W_O is a block of rows."
        case .scaled: return "Dividing by d_k instead of sqrt(d_k), or forgetting to scale: both change the weights silently."
        case .masked: return "Masking after the softmax (the weights then no longer sum to 1), or blocking every key of a row (its weights become NaN)."
        case .weights: return "Taking the softmax over the wrong axis: each query's row must sum to 1, not each key's column."
        case .output: return "Leaving W_O out, so the heads are never mixed."
        case .backward: return "Reading a gradient as the change a step will make: it is a slope, right for small steps only, so a step too large overshoots (a fit whose loss blows up). And a lower loss does not prove that attention changed: other weights may have found another route (lesson 11 shows one)."
        case .heads: return "Reading too much into one head's pattern: real trained heads are rarely as clean as hand-built ones."
        case .temperature: return "Expecting T to change which key wins: dividing by a positive number keeps the order of the scores, so the key with the largest weight stays the same; only how much it gets changes. And T = 0 is not a temperature: the limit is an argmax, but the division is by zero."
        case .bias: return "Forgetting that the temperature divides the bias too (it is added before the division), or using a bias of -inf to block pairs: here blocking is the mask's job and a bias must be finite."
        case .input, .scores, .head_out, .concat: return nil
        }
    }
}

extension Presenter {
    /// `explain TOPIC`: the idea, why it is there, the pitfall, and the step's explanation in
    /// the learner's numbers.
    public func explain(_ concept: Concept, head: Int = 0) -> String {
        var parts = [style.title(concept.rawValue), concept.idea, style.strong("Why: ") + concept.why]
        if let pitfall = concept.pitfall { parts.append(style.strong("Pitfall: ") + pitfall) }
        if let step = concept.step, Step.all(direct: direct).contains(step) {
            parts.append(style.strong("In your numbers: ") + explanation(step, head: head))
        } else if concept == .heads {
            parts.append(style.strong("In your numbers: ") + headsInNumbers())
        } else if concept == .temperature {
            let tempered = temperatureInNumbers(head: head)
            parts.append(style.strong("In your numbers: ") + (tempered.isEmpty
                ? "T = \(Self.temperature(shaping.temperature)) here: ordinary attention. Try `set temperature 0.1` or `set temperature 10` and `goto weights`."
                : tempered))
        } else if concept == .bias {
            parts.append(style.strong("In your numbers: ") + (shaping.bias == nil
                ? "no bias is set. Try `bias = zeros \(trace.n)x\(trace.m)` and change an entry, then `goto masked`."
                : shapingExplanation(head: head)))
        }
        return Prose.wrap(parts.joined(separator: "\n\n"), width: width)
    }

    private func headsInNumbers() -> String {
        guard !direct else { return "direct mode has one head; define X and the weights to use several." }
        let q = exampleRow
        let favourites = (0..<headCount).prefix(6).map { i -> String in
            let w = trace.heads[i].weights.row(q)
            let best = argmax(w)
            return "head \(i + 1) -> \(labels.key(best)) (\(format.string(w[best])))"
        }
        return "\(headCount) head\(headCount == 1 ? "" : "s") of d_k = \(trace.dK). \(labels.query(q)) attends most to: " + favourites.joined(separator: ", ") + "."
    }
}
