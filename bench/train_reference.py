#!/usr/bin/env python3
"""PyTorch float64 reference for attention-repl's tiny attention model and its synthetic tasks.

    python3 bench/train_reference.py            # multi-seed prototype table

Imported by bench/make_training_fixtures.py (reference losses and gradients) and
bench/train_compare.py (time per training step). Needs torch and numpy.

The model (row vectors): X = E[tokens] + P; Q = X W_Q + b_Q, K = X W_K + b_K, V = X W_V + b_V;
head i (0-based) uses columns i*d_k:(i+1)*d_k; scores = Q_i K_i^T / sqrt(d_k) with a causal mask;
head_i = softmax(scores) V_i, times gate g_i (default 1); O = concat(heads) W_O + b_O;
logits_r = O U_r + c_r for each readout r. Loss: mean cross-entropy over (sequence, readout,
scored position); accuracy: fraction of those where argmax(logits) is the target.

Tasks (target at position t; scored positions only):
  previous-two        R=2: token[t-1], token[t-2]; scored t = 2..n-1
  previous-and-first  R=2: token[t-1], token[0];   scored t = 1..n-1
  mod-sum             R=1: (token[t-1] + token[0]) mod V; scored t = 1..n-1
"""

import math
import time

import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)

TASKS = {"previous-two": (2, 2), "previous-and-first": (2, 1), "mod-sum": (1, 1)}  # name: (R, first scored t)
PARAMETER_NAMES = ["E", "P", "W_Q", "b_Q", "W_K", "b_K", "W_V", "b_V", "W_O", "b_O", "U", "c"]


def readouts(task):
    return TASKS[task][0]


def first_scored(task):
    return TASKS[task][1]


def targets(task, tokens, vocab):
    """(B, R, n) long tensor of targets; entries before the first scored position are 0 (unused)."""
    B, n = tokens.shape
    R, t0 = TASKS[task]
    out = torch.zeros(B, R, n, dtype=torch.long)
    if task == "previous-two":
        out[:, 0, 1:] = tokens[:, :-1]
        out[:, 1, 2:] = tokens[:, :-2]
    elif task == "previous-and-first":
        out[:, 0, 1:] = tokens[:, :-1]
        out[:, 1, :] = tokens[:, :1]
    elif task == "mod-sum":
        out[:, 0, 1:] = (tokens[:, :-1] + tokens[:, :1]) % vocab
    else:
        raise ValueError("unknown task %r" % task)
    return out


def forward(params, tokens, heads, gates=None, return_weights=False):
    """Logits (B, R, n, V) for a batch of token sequences (B, n); optionally the attention
    weights (B, h, n, n). `params` maps names to tensors; "U" and "c" are lists (one per readout)."""
    B, n = tokens.shape
    d = params["W_Q"].shape[0]
    dk = d // heads
    X = params["E"][tokens] + params["P"][:n]                      # (B, n, d)

    def split(M):                                                  # (B, n, d) -> (B, h, n, dk)
        return M.reshape(B, n, heads, dk).transpose(1, 2)

    Q = split(X @ params["W_Q"] + params["b_Q"])
    K = split(X @ params["W_K"] + params["b_K"])
    Vv = split(X @ params["W_V"] + params["b_V"])
    scores = Q @ K.transpose(-1, -2) / math.sqrt(dk)
    blocked = torch.triu(torch.ones(n, n, dtype=torch.bool), diagonal=1)
    scores = scores.masked_fill(blocked, float("-inf"))
    weights = torch.softmax(scores, dim=-1)
    H = weights @ Vv                                               # (B, h, n, dk)
    if gates is not None:
        H = H * gates.reshape(1, heads, 1, 1)
    concat = H.transpose(1, 2).reshape(B, n, d)
    O = concat @ params["W_O"] + params["b_O"]
    logits = torch.stack([O @ U + c for U, c in zip(params["U"], params["c"])], dim=1)
    return (logits, weights) if return_weights else logits


def scored(task, logits, tokens):
    """Logits (B, R, s, V) and targets (B, R, s) at the s scored positions."""
    t0 = first_scored(task)
    return logits[:, :, t0:, :], targets(task, tokens, logits.shape[-1])[:, :, t0:]


def loss(task, logits, tokens):
    """Mean cross-entropy over (sequence, readout, scored position), as a 0-d tensor."""
    z, y = scored(task, logits, tokens)
    return F.cross_entropy(z.reshape(-1, z.shape[-1]), y.reshape(-1))


def loss_and_accuracy(task, logits, tokens):
    """Mean cross-entropy (tensor) and accuracy (float) over (sequence, readout, scored position)."""
    z, y = scored(task, logits, tokens)
    return loss(task, logits, tokens), (z.argmax(-1) == y).double().mean().item()


def init_parameters(vocab, length, d_model, heads, R, generator):
    """E, P ~ N(0,1); W_Q, W_K, W_V, U_r ~ N(0, 1/d); W_O ~ N(0, 1/(h d_k)); biases 0."""
    d, dk = d_model, d_model // heads

    def normal(*shape, std=1.0):
        return (torch.randn(*shape, generator=generator) * std).requires_grad_()

    p = {"E": normal(vocab, d), "P": normal(length, d)}
    for name in ("Q", "K", "V"):
        p["W_" + name] = normal(d, d, std=1 / math.sqrt(d))
        p["b_" + name] = torch.zeros(d, requires_grad=True)
    p["W_O"] = normal(d, d, std=1 / math.sqrt(heads * dk))
    p["b_O"] = torch.zeros(d, requires_grad=True)
    p["U"] = [normal(d, vocab, std=1 / math.sqrt(d)) for _ in range(R)]
    p["c"] = [torch.zeros(vocab, requires_grad=True) for _ in range(R)]
    return p


def flat_parameters(p):
    return [p[k] for k in PARAMETER_NAMES if k not in ("U", "c")] + list(p["U"]) + list(p["c"])


def train(task, heads, steps, seed, lr=3e-3, batch=32, examples=None, vocab=16, length=8, d_model=32,
          held_out=2000, warmup=20):
    """Trains one model with Adam and returns a dict:
      train_accuracy   accuracy on the training set after training when `examples` is given (a
                       fixed set of that many sequences, batches drawn from it with replacement);
                       otherwise the mean accuracy of the last min(20, steps) fresh batches, measured
                       before each step's update
      test_accuracy    accuracy on `held_out` fixed uniform random sequences
      test_loss
      ms_per_step      mean wall time of a step (batch draw, forward, backward, Adam) after the
                       first `warmup` steps
      attention        (h, n, n) mean attention weights per head over the held-out sequences
    All randomness comes from one torch.Generator seeded with `seed`."""
    R = readouts(task)
    g = torch.Generator().manual_seed(seed)
    params = init_parameters(vocab, length, d_model, heads, R, g)
    test_tokens = torch.randint(0, vocab, (held_out, length), generator=g)
    train_tokens = torch.randint(0, vocab, (examples, length), generator=g) if examples else None
    optimizer = torch.optim.Adam(flat_parameters(params), lr=lr, betas=(0.9, 0.999), eps=1e-8)
    recent = []
    started = None
    for step in range(steps):
        if step == min(warmup, steps - 1):
            started = time.perf_counter()
            timed_from = step
        if train_tokens is None:
            tokens = torch.randint(0, vocab, (batch, length), generator=g)
        else:
            tokens = train_tokens[torch.randint(0, examples, (batch,), generator=g)]
        logits = forward(params, tokens, heads)
        loss, accuracy = loss_and_accuracy(task, logits, tokens)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        recent = (recent + [accuracy])[-20:]
    elapsed = time.perf_counter() - started
    ms_per_step = 1000 * elapsed / (steps - timed_from)
    with torch.no_grad():
        logits, weights = forward(params, test_tokens, heads, return_weights=True)
        test_loss, test_accuracy = loss_and_accuracy(task, logits, test_tokens)
        if train_tokens is not None:
            train_accuracy = loss_and_accuracy(task, forward(params, train_tokens, heads), train_tokens)[1]
        else:
            train_accuracy = sum(recent) / len(recent)
    return {"train_accuracy": train_accuracy, "test_accuracy": test_accuracy, "test_loss": test_loss.item(),
            "ms_per_step": ms_per_step, "attention": weights.mean(0)}


def offset_weights(attention, offset, first_query=2):
    """Per head, the mean weight on key t+offset (offset < 0) over queries t >= first_query."""
    h, n, _ = attention.shape
    rows = [attention[:, t, t + offset] for t in range(first_query, n)]
    return torch.stack(rows, dim=1).mean(1).tolist()


def prototype(seeds=(0, 1, 2)):
    torch.set_num_threads(1)
    plan = [("previous-two", h, 400) for h in (1, 2, 4, 8)] + \
           [("previous-and-first", h, 400) for h in (1, 2)] + \
           [("mod-sum", h, 800) for h in (1, 2, 4)]
    print("V=16 n=8 d=32, batch 32, Adam lr 3e-3, 2000 held-out sequences; test accuracy per seed")
    print("%-19s %2s %5s  %-23s %6s %6s" % ("task", "h", "steps", "test acc (seeds %s)" % ",".join(map(str, seeds)),
                                            "mean", "ms/st"))
    heads_report = []
    for task, h, steps in plan:
        results = [train(task, h, steps, seed) for seed in seeds]
        accs = [r["test_accuracy"] for r in results]
        print("%-19s %2d %5d  %-23s %6.3f %6.2f" % (task, h, steps, " ".join("%.3f" % a for a in accs),
                                                    sum(accs) / len(accs),
                                                    sum(r["ms_per_step"] for r in results) / len(results)))
        if task == "previous-two" and h == 2:
            for seed, r in zip(seeds, results):
                heads_report.append((seed, offset_weights(r["attention"], -1), offset_weights(r["attention"], -2)))
    print("\nprevious-two h=2: mean weight on key t-1 / t-2 over held-out queries t>=2")
    for seed, w1, w2 in heads_report:
        print("  seed %d: " % seed + "   ".join("head %d: %.3f / %.3f" % (i, a, b) for i, (a, b) in enumerate(zip(w1, w2))))


if __name__ == "__main__":
    prototype()
