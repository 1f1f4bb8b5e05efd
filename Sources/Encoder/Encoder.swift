/// A pretrained BERT-family encoder, computed in double precision: embeddings, then each layer's
/// self-attention (the session's own `Trace`), output projection, residual and LayerNorm,
/// feed-forward with GELU, residual and LayerNorm; and the sentence embedding. Pure: no I/O.
public enum Encoder {}
