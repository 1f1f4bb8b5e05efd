#!/usr/bin/env python3
"""Writes Tests/ReferenceCases/Fixtures/tiny-bert/: a tiny random BERT encoder saved by Hugging Face
transformers, and what transformers computes with it in float64.

    /tmp/torchenv/bin/python bench/make_tiny_bert.py

The folder holds
- config.json and model.safetensors (float32 weights), written by `save_pretrained`, exactly as a
  downloaded model folder would hold them;
- vocab.txt, a made-up WordPiece vocabulary of the model's size, so the folder is a complete model
  folder (the tokenizer is not needed for the numbers here: the cases give token ids);
- expected.json: for each id sequence, every layer's attention weights (layers x heads x n x n),
  every hidden state (layers + 1 x n x d_model, the embeddings first) and the sentence embedding
  (mean over all tokens of the last hidden state, L2-normalised, as sentence-transformers does),
  computed by BertModel in float64 from the float32 weights (which float64 holds exactly).

The weights are drawn with a fixed seed: embeddings from N(0, 1), Linear weights from
N(0, GAIN^2 / fan_in), biases and LayerNorm shifts from N(0, 0.2^2), LayerNorm gains from
N(1, 0.3^2), so that no part of the computation is an identity that would hide a bug (the default
initialisation sets every LayerNorm gain to 1 and every bias to 0), the attention is sharp, and
the tokens' vectors stay apart through both layers. The files are reference
data: regenerate them only on purpose, never edit them.
"""

import json
import os

import torch
from transformers import BertConfig, BertModel

SEED = 20251130
GAIN = 3.0
FOLDER = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                      "Tests", "ReferenceCases", "Fixtures", "tiny-bert")

CONFIG = dict(vocab_size=60, hidden_size=16, num_hidden_layers=2, num_attention_heads=2,
              intermediate_size=32, max_position_embeddings=32, type_vocab_size=2,
              hidden_act="gelu", layer_norm_eps=1e-12)

# Special tokens where BERT's uncased vocabulary has them relative to each other, then words and
# word pieces: one token a line, 60 lines.
VOCAB = (["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
         + list(".,!?'-")
         + ["the", "a", "cat", "dog", "sat", "on", "mat", "it", "was", "tired", "and", "then",
            "ran", "away", "over", "hill", "attention", "is", "all", "you", "need", "head",
            "query", "key", "value", "token", "layer", "learn", "word", "piece"]
         + ["##s", "##ed", "##ing", "##er", "##ly", "##ion", "##al", "##ment", "##ness", "##y",
            "##e", "##a", "##o", "##t", "##n", "##d", "##r", "##l", "##i"])[:60]

# Token ids: one token, a short sentence, a longer one and one filling every position.
CASES = [
    [2],
    [2, 13, 14, 15, 3],
    [2, 11, 13, 27, 16, 17, 12, 41, 5, 0, 59, 3],
]


def main():
    assert len(VOCAB) == CONFIG["vocab_size"] and len(set(VOCAB)) == len(VOCAB)
    generator = torch.Generator().manual_seed(SEED)
    cases = CASES + [[2] + torch.randint(0, CONFIG["vocab_size"], (30,), generator=generator).tolist() + [3]]

    torch.manual_seed(SEED)
    model = BertModel(BertConfig(**CONFIG, attn_implementation="eager"), add_pooling_layer=False)
    with torch.no_grad():
        for name, parameter in model.named_parameters():
            noise = torch.randn(parameter.shape, generator=generator)
            if name.endswith("LayerNorm.weight"):
                parameter.copy_(1 + 0.3 * noise)               # gains around 1, none equal to 1
            elif name.endswith("bias"):
                parameter.copy_(0.2 * noise)                   # LayerNorm shifts and Linear biases
            elif "embeddings" in name:
                parameter.copy_(noise)
            else:
                # A Linear layer's weight (out x in): 1 / sqrt(in) would keep the outputs near
                # unit size; GAIN times that makes the attention sharp enough to tell heads
                # apart and keeps the tokens' vectors from collapsing onto one another.
                parameter.copy_(noise * GAIN / parameter.shape[1] ** 0.5)
    model.eval()

    os.makedirs(FOLDER, exist_ok=True)
    model.save_pretrained(FOLDER, safe_serialization=True)
    with open(os.path.join(FOLDER, "vocab.txt"), "w", encoding="utf-8") as file:
        file.write("".join(token + "\n" for token in VOCAB))

    model = model.double()
    expected = []
    with torch.no_grad():
        for ids in cases:
            out = model(torch.tensor([ids]), output_attentions=True, output_hidden_states=True)
            last = out.hidden_states[-1][0]                                   # n x d_model
            embedding = torch.nn.functional.normalize(last.mean(dim=0), p=2, dim=0)
            expected.append({
                "ids": ids,
                "attentions": [a[0].tolist() for a in out.attentions],        # layers x heads x n x n
                "hidden_states": [h[0].tolist() for h in out.hidden_states],  # layers + 1 x n x d
                "sentence_embedding": embedding.tolist(),
            })
    with open(os.path.join(FOLDER, "expected.json"), "w") as file:
        json.dump({"seed": SEED, "gain": GAIN, "config": CONFIG, "cases": expected}, file)
        file.write("\n")
    for name in os.listdir(FOLDER):     # save_pretrained writes some files readable by the owner only
        os.chmod(os.path.join(FOLDER, name), 0o644)
    print("wrote", FOLDER, [len(c) for c in cases])


if __name__ == "__main__":
    main()
