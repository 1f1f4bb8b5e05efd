#!/usr/bin/env python3
"""Times one training step of the tiny attention model in PyTorch float64, and optionally in
attention-repl, on one thread.

    python3 bench/train_compare.py [--binary .build-release/release/attention-repl] [--runs 3]

PyTorch: previous-two, h=2, V=16 n=8 d=32, batch 32, Adam lr 3e-3, 400 steps per run (the model
and loop of bench/train_reference.py: batch draw, forward, backward, Adam step), timing every
step after the first 20; the median over runs of each run's mean ms per step. With --binary it
also runs `BINARY bench --train previous-two --heads 2 --steps 400 --json` the same number of
times, alternating with PyTorch, reads the field "ms_per_step" from its JSON output, and prints
the ratio of the medians (Swift / PyTorch: below 1 means Swift is faster) and that of the fastest
runs. Prints JSON. Needs torch.

Thread counts (OMP, OpenBLAS, MKL and torch's own) are pinned to 1, and the OpenBLAS overrides
OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE are dropped: the script re-runs itself if needed, since the
libraries read them when loaded.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys

THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
OVERRIDES = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
TASK, HEADS, STEPS, BATCH, WARMUP = "previous-two", 2, 400, 32, 20


def restart_with_one_thread():
    if any(name in os.environ for name in OVERRIDES) or any(os.environ.get(k) != "1" for k in THREAD_VARIABLES):
        environment = {k: v for k, v in os.environ.items() if k not in OVERRIDES}
        environment.update({k: "1" for k in THREAD_VARIABLES})
        os.execve(sys.executable, [sys.executable] + sys.argv, environment)


def pytorch_ms_per_step(seed):
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import train_reference as ref
    return ref.train(TASK, HEADS, STEPS, seed, lr=3e-3, batch=BATCH, warmup=WARMUP)["ms_per_step"]


def swift_ms_per_step(binary):
    """ms per step reported by attention-repl, or raises RuntimeError with a readable reason."""
    command = [binary, "bench", "--train", TASK, "--heads", str(HEADS), "--steps", str(STEPS), "--json"]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    except FileNotFoundError:
        raise RuntimeError("no executable at %s (build it first)" % binary)
    except PermissionError:
        raise RuntimeError("%s is not executable" % binary)
    except subprocess.TimeoutExpired:
        raise RuntimeError("`%s` took over 600 s" % " ".join(command))
    if done.returncode != 0:
        lines = [line.strip() for line in (done.stderr or done.stdout).splitlines() if line.strip()]
        errors = [line for line in lines if "error" in line.lower()]
        detail = (errors or lines[-1:] or [""])[0]
        raise RuntimeError("`%s` exited with status %d%s (does this build have `bench --train`?)"
                           % (" ".join(command), done.returncode, ": " + detail if detail else ""))
    try:
        value = json.loads(done.stdout)["ms_per_step"]
        return float(value)
    except (ValueError, KeyError, TypeError):
        raise RuntimeError("`%s` printed no JSON object with a numeric \"ms_per_step\": %r"
                           % (" ".join(command), done.stdout.strip()[:200]))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--binary", help="attention-repl executable to compare against (optional)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each side; the median is reported")
    args = parser.parse_args()
    restart_with_one_thread()

    import torch
    torch.set_num_threads(1)
    torch.set_default_dtype(torch.float64)

    pytorch, swift, swift_error = [], [], None
    for run in range(args.runs):
        pytorch.append(pytorch_ms_per_step(seed=run))
        if args.binary and swift_error is None:
            try:
                swift.append(swift_ms_per_step(args.binary))
            except RuntimeError as error:
                swift_error = str(error)

    result = {"pytorch_ms_per_step": statistics.median(pytorch), "pytorch_runs": pytorch,
              "torch": torch.__version__, "threads": torch.get_num_threads(),
              "setup": "%s h=%d V=16 n=8 d=32 batch %d, %d steps, first %d untimed, float64"
                       % (TASK, HEADS, BATCH, STEPS, WARMUP)}
    if args.binary:
        if swift_error is None:
            result["swift_ms_per_step"] = statistics.median(swift)
            result["swift_runs"] = swift
            result["ratio_swift_over_pytorch"] = result["swift_ms_per_step"] / result["pytorch_ms_per_step"]
            # On a shared machine interference only ever adds time, so each side's fastest run
            # is the least disturbed: the ratio of the fastest runs is the second estimate.
            result["ratio_of_fastest_runs"] = min(swift) / min(pytorch)
        else:
            result["swift_error"] = swift_error
            print("Swift timing skipped: " + swift_error, file=sys.stderr)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
