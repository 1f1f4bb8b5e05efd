#!/usr/bin/env python3
"""Writes Tests/ReferenceCases/Fixtures/reference-temperature/shaped_NNN.json: attention with a
temperature T and an additive bias (PyTorch's float attn_mask), weights = softmax(mask((scaled +
bias) / T)), forward and backward, in float64.

    /tmp/torchenv/bin/python bench/make_temperature_bias_fixtures.py [--check-only]

Each case is computed three ways, which must agree before anything is written:
- PyTorch's own attention: `nn.MultiheadAttention` (need_weights=True, average_attn_weights=False)
  for a layer, `F.scaled_dot_product_attention` for direct Q, K, V. Neither has a temperature, so
  it is put in from outside: MultiheadAttention's query projection (weight and bias) is divided by
  T, and scaled_dot_product_attention gets scale = 1 / (sqrt(d_k) T); both get attn_mask =
  bias / T with -inf where a pair is blocked. The causal mask with an offset is checked against
  `torch.nn.attention.bias.causal_lower_right` (offset m - n) and `causal_upper_left` (offset 0).
- NumPy, stage by stage, as the formula reads.
- A plain PyTorch function of the same formula, whose autograd gives the gradients of
  L = mean((output - target)^2); every gradient entry is checked against five-point central
  finite differences.
Needs torch and numpy. The files are reference data: regenerate them only on purpose.
"""

import json
import math
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F
from torch.nn.attention.bias import causal_lower_right, causal_upper_left

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fixture_files import write_cases  # noqa: E402

torch.set_default_dtype(torch.float64)

SEED = 20261214
FOLDER = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                      "Tests", "ReferenceCases", "Fixtures", "reference-temperature")

# mode, n (queries), m (keys; = n for a layer), d_model or d_k, heads, d_v (direct), temperature,
# bias ("random", "alibi" or None), mask (None, "causal", ("offset", K) or "grid"),
# key padding (list of keys or None), layer biases b_Q.. (bool)
CASES = [
    ("mha", 3, 3, 4, 2, None, 0.5, "random", None, None, False),
    ("mha", 4, 4, 6, 3, None, 2.0, "random", "causal", None, True),
    ("mha", 5, 5, 8, 2, None, 1.0, "alibi", None, [4], False),
    ("mha", 4, 4, 4, 1, None, 0.1, None, "grid", None, True),
    ("mha", 3, 3, 4, 2, None, 3.0, "random", ("offset", 1), None, False),
    ("mha", 6, 6, 8, 4, None, 0.05, "alibi", "causal", [2], True),
    ("single", 2, 5, 3, 1, 2, 0.7, "random", ("offset", 3), None, False),
    ("single", 4, 4, 2, 1, 3, 1.5, None, "causal", None, False),
    ("single", 3, 6, 4, 1, 2, 0.25, "random", ("offset", 0), None, False),
    ("single", 3, 4, 2, 1, 2, 1.0, "random", None, [1], False),
    ("single", 2, 6, 2, 1, 1, 10.0, "alibi", ("offset", 4), [5], False),
]


def blocked_grid(n, m, mask, padding, rng):
    """n x m booleans, True = blocked, and the case's description of the mask."""
    grid = np.zeros((n, m), dtype=bool)
    described = None
    if mask == "causal":
        grid |= np.triu(np.ones((n, m), dtype=bool), k=1)
        described = "causal"
    elif isinstance(mask, tuple):
        offset = mask[1]
        grid |= np.arange(m)[None, :] > np.arange(n)[:, None] + offset
        described = {"causal_offset": offset}
        # PyTorch's named causal masks are the offsets m - n and 0 (True = allowed there).
        if offset == m - n:
            assert np.array_equal(~grid, causal_lower_right(n, m)._materialize().numpy())
        if offset == 0:
            assert np.array_equal(~grid, causal_upper_left(n, m)._materialize().numpy())
    elif mask == "grid":
        custom = rng.random((n, m)) < 0.3
        custom[:, 0] = False   # every query keeps a key
        grid |= custom
        described = custom.tolist()
    if padding:
        grid[:, padding] = True
    assert not grid.all(axis=1).any(), "no query row may be fully blocked here"
    return grid, described


def make_bias(kind, n, m, rng):
    if kind == "random":
        return rng.standard_normal((n, m))
    if kind == "alibi":
        # ALiBi's bias for one head: -slope (i - j) for a key j before query i (Press et al. 2022),
        # here with the key positions of a cache of m - n earlier tokens, slope 1/2.
        i = np.arange(n)[:, None] + (m - n)
        j = np.arange(m)[None, :]
        return -0.5 * np.abs(i - j)
    return None


def numpy_forward(case, bias, blocked):
    """Stage by stage: (per-head masked, per-head weights, output)."""
    T = case["temperature"]
    zero = 0 if bias is None else bias

    def attend(Q, K, V):
        scaled = Q @ K.T / math.sqrt(Q.shape[1])
        masked = np.where(blocked, -np.inf, (scaled + zero) / T)
        shifted = np.exp(masked - masked.max(axis=1, keepdims=True))
        weights = shifted / shifted.sum(axis=1, keepdims=True)
        return masked, weights, weights @ V

    if case["mode"] == "single":
        masked, weights, out = attend(*(np.array(case[k]) for k in ("Q", "K", "V")))
        return [masked], [weights], out
    X, h = np.array(case["X"]), case["heads"]
    Q, K, V = (X @ np.array(case["W_" + k]) + np.array(case.get("b_" + k, 0)) for k in "QKV")
    dK = Q.shape[1] // h
    heads = [attend(Q[:, i * dK:(i + 1) * dK], K[:, i * dK:(i + 1) * dK], V[:, i * dK:(i + 1) * dK])
             for i in range(h)]
    concat = np.concatenate([head[2] for head in heads], axis=1)
    out = concat @ np.array(case["W_O"]) + np.array(case.get("b_O", 0))
    return [head[0] for head in heads], [head[1] for head in heads], out


def torch_library_forward(case, bias, blocked):
    """PyTorch's own attention modules, the temperature put in from outside: (weights, output)."""
    T = case["temperature"]
    float_mask = torch.tensor(np.where(blocked, -np.inf, (0 if bias is None else bias) / T))
    if case["mode"] == "single":
        Q, K, V = (torch.tensor(case[k])[None, None] for k in ("Q", "K", "V"))
        dK = Q.shape[-1]
        out = F.scaled_dot_product_attention(Q, K, V, attn_mask=float_mask, scale=1 / (math.sqrt(dK) * T))
        weights = torch.softmax(Q @ K.transpose(-1, -2) / (math.sqrt(dK) * T) + float_mask, dim=-1)
        return weights[0].numpy(), out[0, 0].numpy()
    X = torch.tensor(case["X"])
    d, h = X.shape[1], case["heads"]
    layer = torch.nn.MultiheadAttention(d, h, bias=True, batch_first=True)
    with torch.no_grad():
        # nn.Linear computes x Wᵀ + b: the weights go in transposed. Dividing the query projection
        # by T divides every score, and so every scaled score, by T.
        W = [np.array(case["W_" + k]).T for k in "QKV"]
        W[0] = W[0] / T
        b = [np.array(case.get("b_" + k, np.zeros(d))) for k in "QKV"]
        b[0] = b[0] / T
        layer.in_proj_weight.copy_(torch.tensor(np.concatenate(W)))
        layer.in_proj_bias.copy_(torch.tensor(np.concatenate(b)))
        layer.out_proj.weight.copy_(torch.tensor(np.array(case["W_O"]).T))
        layer.out_proj.bias.copy_(torch.tensor(np.array(case.get("b_O", np.zeros(d)))))
        out, weights = layer(X[None], X[None], X[None], attn_mask=float_mask,
                             need_weights=True, average_attn_weights=False)
    return weights[0].numpy(), out[0].numpy()


def torch_formula(inputs, case, bias, blocked):
    """The formula written plainly in PyTorch, for autograd: the output."""
    T = case["temperature"]
    block = torch.tensor(blocked)
    extra = torch.zeros(blocked.shape) if bias is None else torch.tensor(bias)

    def attend(Q, K, V):
        scaled = Q @ K.T / math.sqrt(Q.shape[1])
        masked = ((scaled + extra) / T).masked_fill(block, -math.inf)
        return torch.softmax(masked, dim=1) @ V

    if case["mode"] == "single":
        return attend(inputs["Q"], inputs["K"], inputs["V"])
    X, h = inputs["X"], case["heads"]
    proj = {k: X @ inputs["W_" + k] + (inputs["b_" + k] if "b_" + k in inputs else 0) for k in "QKV"}
    dK = proj["Q"].shape[1] // h
    concat = torch.cat([attend(*(proj[k][:, i * dK:(i + 1) * dK] for k in "QKV")) for i in range(h)], dim=1)
    return concat @ inputs["W_O"] + (inputs["b_O"] if "b_O" in inputs else 0)


def gradients(case, bias, blocked, target, step=1e-4, tolerance=1e-8):
    """Autograd's dL/d(every input), each entry checked against finite differences."""
    names = ["Q", "K", "V"] if case["mode"] == "single" else \
        ["X", "W_Q", "W_K", "W_V", "W_O"] + [b for b in ("b_Q", "b_K", "b_V", "b_O") if b in case]
    inputs = {k: torch.tensor(case[k], requires_grad=True) for k in names}
    target_t = torch.tensor(target)
    loss = torch.mean((torch_formula(inputs, case, bias, blocked) - target_t) ** 2)
    loss.backward()
    worst = 0.0
    with torch.no_grad():
        for name in names:
            analytic = inputs[name].grad
            numeric = torch.zeros_like(analytic)
            flat = inputs[name].view(-1)
            for index in range(flat.numel()):
                original = flat[index].item()
                value = 0.0
                for weight, multiple in ((-1, 2), (8, 1), (-8, -1), (1, -2)):
                    flat[index] = original + multiple * step
                    value += weight * torch.mean((torch_formula(inputs, case, bias, blocked) - target_t) ** 2).item()
                flat[index] = original
                numeric.view(-1)[index] = value / (12 * step)
            scale = max(analytic.abs().max().item(), 1e-3)
            error = (numeric - analytic).abs().max().item() / scale
            worst = max(worst, error)
            if error > tolerance:
                raise SystemExit("%s: dL/d%s disagrees with finite differences (relative %.2e)" % (case, name, error))
    return loss.item(), {k: inputs[k].grad.tolist() for k in names}, worst


def nulled(array):
    """A nested list with -inf and NaN written as None (JSON null)."""
    return [[None if not math.isfinite(x) else x for x in row] for row in array.tolist()]


def build(index, spec, rng):
    mode, n, m, width, heads, dV, T, bias_kind, mask, padding, layer_biases = spec
    case = {"mode": mode}
    if mode == "mha":
        case.update({"X": rng.standard_normal((n, width)).tolist(), "heads": heads})
        for k in ("W_Q", "W_K", "W_V", "W_O"):
            case[k] = (rng.standard_normal((width, width)) / math.sqrt(width)).tolist()
        if layer_biases:
            for k in ("b_Q", "b_K", "b_V", "b_O"):
                case[k] = (0.3 * rng.standard_normal(width)).tolist()
        d_out = width
    else:
        case.update({"Q": rng.standard_normal((n, width)).tolist(), "K": rng.standard_normal((m, width)).tolist(),
                     "V": rng.standard_normal((m, dV)).tolist()})
        d_out = dV
    case["temperature"] = T
    bias = make_bias(bias_kind, n, m, rng)
    if bias is not None:
        case["bias"] = bias.tolist()
    blocked, described = blocked_grid(n, m, mask, padding, rng)
    if described is not None:
        case["mask"] = described
    if padding:
        case["key_padding"] = [j in padding for j in range(m)]
    target = rng.standard_normal((n, d_out))
    case["target"] = target.tolist()

    masked, weights, out = numpy_forward(case, bias, blocked)
    library_weights, library_out = torch_library_forward(case, bias, blocked)
    agreement = max(np.abs(np.array(weights) - library_weights).max(), np.abs(out - library_out).max())
    assert agreement < 1e-12, "NumPy and PyTorch disagree by %.1e" % agreement
    loss, grad, worst = gradients(case, bias, blocked, target)
    formula_out = torch_formula({k: torch.tensor(case[k]) for k in case if isinstance(case[k], list) and k != "target"
                                 and k not in ("bias", "mask", "key_padding")}, case, bias, blocked).detach().numpy()
    assert np.abs(formula_out - library_out).max() < 1e-12

    expected = {"masked": [nulled(x) for x in masked], "weights": library_weights.tolist(),
                "output": library_out.tolist(), "loss": loss, "grad": grad}
    return {"seed": SEED, "index": index, "case": case, "expected": expected}, agreement, worst


def build_file(index, spec, rng):
    case, agreement, worst = build(index, spec, rng)
    c = case["case"]
    mask = c.get("mask")
    return "shaped_%03d.json" % index, case, "shaped_%03d.json  %-6s T=%-5g bias=%-6s mask=%-20s numpy vs torch %.1e  fd rel err %.1e" % (
        index, c["mode"], c["temperature"], spec[7], "grid" if isinstance(mask, list) else json.dumps(mask), agreement, worst)


def main():
    write_cases(__doc__, FOLDER, SEED, CASES, build_file)


if __name__ == "__main__":
    main()
