#!/usr/bin/env python3
"""Writes Tests/ReferenceCases/Fixtures/reference-train/train_NNN.json: PyTorch float64 loss,
accuracy, logits and autograd gradients of the tiny attention model (bench/train_reference.py)
on a batch of sequences, for the three synthetic tasks.

    python3 bench/make_training_fixtures.py [--check-only]

Every case's gradients (every parameter entry and every gate) are checked against five-point
central finite differences before anything is written; the script stops if any disagree by more than 1e-7
relative to the largest gradient entry of that parameter (or to 1e-3, if that is larger). Needs torch and numpy. The files it
writes are reference data: regenerate them only on purpose, never edit them.
"""

import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import train_reference as ref  # noqa: E402
from fixture_files import write_cases  # noqa: E402

torch.set_default_dtype(torch.float64)

SEED = 20240611
SCALE = 0.5
FOLDER = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                      "Tests", "ReferenceCases", "Fixtures", "reference-train")

# (task, vocab, length, d_model, heads, batch, gates or None)
CASES = [
    ("previous-two",       5, 4,  4, 1, 1, None),
    ("previous-two",       8, 6,  8, 2, 2, None),
    ("previous-two",      16, 8, 16, 4, 4, None),
    ("previous-two",      11, 7, 12, 4, 3, [1.0, 0.0, 0.5, 1.0]),
    ("previous-and-first", 6, 5,  6, 1, 2, None),
    ("previous-and-first", 9, 8,  8, 2, 3, [0.0, 1.0]),
    ("previous-and-first", 16, 6, 16, 4, 4, None),
    ("previous-and-first", 7, 8, 12, 2, 1, [0.25, -0.75]),
    ("mod-sum",            5, 4,  4, 2, 4, None),
    ("mod-sum",           10, 6, 16, 1, 2, None),
    ("mod-sum",           13, 8,  8, 4, 3, [1.0, 0.0, 0.5, 1.0]),
    ("mod-sum",           16, 7, 16, 2, 1, [1.5, 0.5]),
]


def draw_parameters(rng, vocab, length, d, R):
    """Every parameter, biases included, ~ N(0, SCALE^2), as nested lists."""
    def normal(*shape):
        return (rng.standard_normal(shape) * SCALE).tolist()
    p = {"E": normal(vocab, d), "P": normal(length, d)}
    for name in ("Q", "K", "V"):
        p["W_" + name] = normal(d, d)
        p["b_" + name] = normal(d)
    p["W_O"] = normal(d, d)
    p["b_O"] = normal(d)
    p["U"] = [normal(d, vocab) for _ in range(R)]
    p["c"] = [normal(vocab) for _ in range(R)]
    return p


def to_tensors(p):
    t = {k: torch.tensor(v, requires_grad=True) for k, v in p.items() if k not in ("U", "c")}
    t["U"] = [torch.tensor(u, requires_grad=True) for u in p["U"]]
    t["c"] = [torch.tensor(c, requires_grad=True) for c in p["c"]]
    return t


def leaves(t, gates):
    """(name, tensor) for every differentiable input, gates last."""
    out = [(k, t[k]) for k in ref.PARAMETER_NAMES if k not in ("U", "c")]
    out += [("U[%d]" % r, u) for r, u in enumerate(t["U"])] + [("c[%d]" % r, c) for r, c in enumerate(t["c"])]
    return out + [("gates", gates)]


def finite_difference_check(case, t, gates, tokens, step=1e-3, tolerance=1e-7, chunk=2048):
    """Five-point central differences, dL/dx ~ (-L(x+2s) + 8L(x+s) - 8L(x-s) + L(x-2s)) / 12s, for
    every entry of every parameter and gate, evaluated in batches with torch.func.vmap. Returns the
    worst error relative to max(largest |gradient| of that parameter, 1e-3)."""
    task, heads = case["task"], case["heads"]
    named = leaves(t, gates)
    shapes = [x.shape for _, x in named]
    sizes = [x.numel() for _, x in named]
    base = torch.cat([x.detach().reshape(-1) for _, x in named])

    def loss_of(flat):
        pieces = list(torch.split(flat, sizes))
        values = [p.reshape(shape) for p, shape in zip(pieces, shapes)]
        p = dict(zip([k for k, _ in named], values))
        params = {k: p[k] for k in ref.PARAMETER_NAMES if k not in ("U", "c")}
        params["U"] = [p["U[%d]" % r] for r in range(len(t["U"]))]
        params["c"] = [p["c[%d]" % r] for r in range(len(t["c"]))]
        logits = ref.forward(params, tokens, heads, p["gates"])
        return ref.loss(task, logits, tokens)

    batched = torch.func.vmap(loss_of)
    total = base.numel()
    numeric = torch.empty(total)
    with torch.no_grad():
        for begin in range(0, total, chunk):
            index = torch.arange(begin, min(begin + chunk, total))
            rows = torch.arange(len(index))
            value = torch.zeros(len(index))
            for weight, multiple in ((-1, 2), (8, 1), (-8, -1), (1, -2)):
                perturbed = base.repeat(len(index), 1)
                perturbed[rows, index] += multiple * step
                value += weight * batched(perturbed)
            numeric[index] = value / (12 * step)

    worst = 0.0
    for (name, x), numeric_part in zip(named, torch.split(numeric, sizes)):
        analytic = x.grad.detach().reshape(-1)
        # b_K's gradient is zero in exact arithmetic (softmax ignores a shift shared by all keys),
        # so the relative test gets a floor: finite differences are only good to ~1e-12 absolute.
        scale = max(analytic.abs().max().item(), 1e-3)
        error = (numeric_part - analytic).abs().max().item() / scale
        worst = max(worst, error)
        if error > tolerance:
            raise SystemExit("%s: gradient of %s disagrees with finite differences (relative %.2e)"
                             % (case["file"], name, error))
    return worst


def build(index, spec, rng):
    task, vocab, length, d, heads, batch, gates = spec
    R = ref.readouts(task)
    tokens = rng.integers(0, vocab, size=(batch, length)).tolist()
    parameters = draw_parameters(rng, vocab, length, d, R)
    case = {"task": task, "vocab": vocab, "length": length, "d_model": d, "heads": heads}
    if gates is not None:
        case["gates"] = gates
    case.update({"tokens": tokens, "parameters": parameters})

    t = to_tensors(parameters)
    g = torch.tensor(gates if gates is not None else [1.0] * heads, requires_grad=True)
    tok = torch.tensor(tokens, dtype=torch.long)
    logits = ref.forward(t, tok, heads, g)
    loss, accuracy = ref.loss_and_accuracy(task, logits, tok)
    loss.backward()

    grad = {k: t[k].grad.tolist() for k in ref.PARAMETER_NAMES if k not in ("U", "c")}
    grad["U"] = [u.grad.tolist() for u in t["U"]]
    grad["c"] = [c.grad.tolist() for c in t["c"]]
    grad["gates"] = g.grad.tolist()
    case["expected"] = {"loss": loss.item(), "accuracy": accuracy, "logits": logits.detach().tolist(),
                        "grad": grad}
    case["file"] = "train_%03d.json" % index
    worst = finite_difference_check(case, t, g, tok)
    return case, worst


def build_file(index, spec, rng):
    case, worst = build(index, spec, rng)
    name = case.pop("file")
    return name, case, "%s  %-18s V=%2d n=%d d=%2d h=%d B=%d%s  loss %.6f  acc %.3f  fd rel err %.1e" % (
        name, case["task"], case["vocab"], case["length"], case["d_model"], case["heads"],
        len(case["tokens"]), " gated" if "gates" in case else "      ", case["expected"]["loss"],
        case["expected"]["accuracy"], worst)


def main():
    write_cases(__doc__, FOLDER, SEED, CASES, build_file)


if __name__ == "__main__":
    main()
