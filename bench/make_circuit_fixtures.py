#!/usr/bin/env python3
"""Writes Tests/ReferenceCases/Fixtures/circuits/cases.json: heads' circuits computed with NumPy,
independently of the Swift code, for the tests of `circuit` and HeadCircuit.

Each case is a layer's W_Q, W_K, W_V, W_O (the session's convention: Q = X W_Q, head h owns
column block h of W_Q, W_K, W_V and row block h of W_O), its heads and d_k, and per head:
W_QK = W_Q^h W_K^h^T, W_OV = W_V^h W_O^h, their singular values (numpy.linalg.svd) and ranks
(numpy.linalg.matrix_rank, default tolerance). Some heads are built with less than full rank.

    python3 bench/make_circuit_fixtures.py
"""

import json
import os

import numpy as np


def case(name, rng, d_model, heads, d_k, d_v, d_out, deficient=()):
    w_q = rng.standard_normal((d_model, heads * d_k))
    w_k = rng.standard_normal((d_model, heads * d_k))
    w_v = rng.standard_normal((d_model, heads * d_v))
    w_o = rng.standard_normal((heads * d_v, d_out))
    for head in deficient:
        # Head `head`'s query block of rank 1 (every column a multiple of one), and its value
        # block with one column a sum of two others.
        block = slice(head * d_k, (head + 1) * d_k)
        w_q[:, block] = np.outer(rng.standard_normal(d_model), rng.standard_normal(d_k))
        values = slice(head * d_v, (head + 1) * d_v)
        v = w_v[:, values]
        if d_v >= 3:
            v[:, 2] = v[:, 0] + v[:, 1]
    result = {"name": name, "heads": heads, "d_k": d_k,
              "W_Q": w_q.tolist(), "W_K": w_k.tolist(), "W_V": w_v.tolist(), "W_O": w_o.tolist(), "circuits": []}
    for h in range(heads):
        q = w_q[:, h * d_k:(h + 1) * d_k]
        k = w_k[:, h * d_k:(h + 1) * d_k]
        v = w_v[:, h * d_v:(h + 1) * d_v]
        o = w_o[h * d_v:(h + 1) * d_v, :]
        qk, ov = q @ k.T, v @ o
        result["circuits"].append({
            "W_QK": qk.tolist(), "W_OV": ov.tolist(),
            "qk_singular_values": np.linalg.svd(qk, compute_uv=False).tolist(),
            "ov_singular_values": np.linalg.svd(ov, compute_uv=False).tolist(),
            "qk_rank": int(np.linalg.matrix_rank(qk)), "ov_rank": int(np.linalg.matrix_rank(ov)),
        })
    return result


def main():
    rng = np.random.default_rng(2026)
    cases = [
        case("lesson size", rng, d_model=4, heads=2, d_k=2, d_v=2, d_out=4),
        case("d_k wider than d_model", rng, d_model=3, heads=2, d_k=5, d_v=4, d_out=3),
        case("rank-deficient heads", rng, d_model=12, heads=3, d_k=4, d_v=4, d_out=12, deficient=(1,)),
        case("MiniLM-like head widths", rng, d_model=32, heads=2, d_k=16, d_v=16, d_out=48, deficient=(0,)),
    ]
    folder = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "ReferenceCases", "Fixtures", "circuits")
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "cases.json"), "w") as out:
        json.dump({"numpy": np.__version__, "cases": cases}, out)
        out.write("\n")


if __name__ == "__main__":
    main()
