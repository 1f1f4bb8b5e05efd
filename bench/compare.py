#!/usr/bin/env python3
"""Times attention-repl's full trace against NumPy float64 doing the same stages, in one run.

    swift build -c release --static-swift-stdlib --scratch-path .build-release
    python3 bench/compare.py [--threads 1] [--binary .build-release/release/attention-repl]

For each size (lesson n 3 d_model 4 h 2, MiniLM n 128 d_model 384 h 12, BERT-base n 128
d_model 768 h 12) it times NumPy and `attention-repl bench --json` with the same thread count,
alternating them for a few rounds, and prints the median of each and the ratio (Swift / NumPy:
below 1 means Swift is faster), then the ratio of each side's fastest round (on a shared
machine whose speed swings from round to round, the steadier figure), and each side's GFLOP/s
on one product alone, (128 x 768)(768 x 768), the bulk of a trace's arithmetic. NumPy runs
twice: keeping every stage, as the Swift trace does, and lean, keeping only what the output
needs ("r. lean" is the ratio against that), and a third time doing only the lean trace's matrix
products: the part of the lean time that only a faster product than OpenBLAS's could undercut.
Swift's figure is its cold trace, packing the
weights in every trace as NumPy does; its warm trace (the weights kept packed, as in the REPL)
is shown beside it. Then the whole-process comparison at lesson size: a `--script` run of
attention-repl, process start to exit, against `python3` importing NumPy and computing the
same stages; and the time for the REPL to show its prompt in a terminal. Build with
--static-swift-stdlib as above: a dynamically linked attention-repl starts about 10 ms slower.

OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE, set on some machines to work around old OpenBLAS
builds, slow a current NumPy down; this script drops both for its own measurements only (it
re-runs itself without them) and prints the OpenBLAS kernel NumPy then uses.

--avx2 is the comparison for a CPU without AVX-512, emulated on one that has it: OpenBLAS is
made to use its Haswell (AVX2) kernel (OPENBLAS_CORETYPE=Haswell) and attention-repl its fused
AVX2 kernel (--kernels fused). Both then run the instructions an AVX2-only CPU runs, on this
CPU's caches and memory, which an AVX2-only CPU would not have; so it compares the two
programs' AVX2 code, not the speed of such a CPU.
"""

import argparse
import json
import os
import pty
import resource
import select
import statistics
import subprocess
import sys
import tempfile
import time

SIZES = [("lesson", 3, 4, 2), ("MiniLM layer", 128, 384, 12), ("BERT-base layer", 128, 768, 12)]
OVERRIDES = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    parser.add_argument("--binary", default=os.path.join(root, ".build-release", "release", "attention-repl"))
    parser.add_argument("--threads", type=int, default=1, help="threads for both NumPy (OpenBLAS) and Swift")
    parser.add_argument("--rounds", type=int, default=3, help="alternating NumPy / Swift rounds per size")
    parser.add_argument("--min-time", type=float, default=0.5, help="seconds per size and round, each side")
    parser.add_argument("--processes", type=int, default=20, help="process runs for the start-up comparison")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--avx2", action="store_true",
                        help="emulate an AVX2-only CPU: OpenBLAS's Haswell kernel against the fused AVX2 kernel")
    return parser.parse_args()


def restart_with_clean_environment(threads, avx2):
    """Sets the thread count and drops the OpenBLAS overrides (or, with --avx2, asks for the
    Haswell kernel), then re-runs this script, since OpenBLAS reads them when NumPy is imported."""
    wanted = {"OPENBLAS_NUM_THREADS": str(threads), "OMP_NUM_THREADS": str(threads)}
    if avx2:
        wanted["OPENBLAS_CORETYPE"] = "Haswell"
    unwanted = [name for name in OVERRIDES if name not in wanted]
    if any(name in os.environ for name in unwanted) or any(os.environ.get(k) != v for k, v in wanted.items()):
        environment = {k: v for k, v in os.environ.items() if k not in unwanted}
        environment.update(wanted)
        os.execve(sys.executable, [sys.executable] + sys.argv, environment)


def openblas_description(np):
    """The OpenBLAS kernel and thread count NumPy runs with, read from the library itself."""
    import ctypes
    import glob
    folder = os.path.dirname(os.path.dirname(np.__file__))
    for path in glob.glob(os.path.join(folder, "numpy.libs", "*openblas*")) + glob.glob(
            os.path.join(folder, "scipy_openblas*", "lib", "*.so*")):
        library = ctypes.CDLL(path)
        for corename, threads in (("scipy_openblas_get_corename64_", "scipy_openblas_get_num_threads64_"),
                                  ("openblas_get_corename", "openblas_get_num_threads")):
            if hasattr(library, corename):
                getattr(library, corename).restype = ctypes.c_char_p
                return "OpenBLAS %s, %d thread(s)" % (getattr(library, corename)().decode(),
                                                      getattr(library, threads)())
    return "OpenBLAS (kernel unknown)"


def layer(np, n, d_model, heads, seed=2017):
    rng = np.random.default_rng(seed)
    w = 1 / np.sqrt(d_model)
    X = rng.standard_normal((n, d_model))
    W = [rng.standard_normal((d_model, d_model)) * w for _ in range(4)]
    b = [rng.standard_normal(d_model) * 0.1 for _ in range(4)]
    return X, W, b


def trace(np, X, W_Q, W_K, W_V, W_O, b_Q, b_K, b_V, b_O, heads, blocked):
    """Every stage the Swift trace keeps, kept here too: per head Q, K, V (contiguous copies,
    as the trace stores them), scores, scaled, masked, weights, head_out; concat; output."""
    n, d_model = X.shape
    d_k = W_Q.shape[1] // heads
    Q = X @ W_Q + b_Q
    K = X @ W_K + b_K
    V = X @ W_V + b_V
    stages = []
    for i in range(heads):
        block = slice(i * d_k, (i + 1) * d_k)
        q, k, v = (np.ascontiguousarray(M[:, block]) for M in (Q, K, V))
        scores = q @ k.T
        scaled = scores / np.sqrt(d_k)
        masked = np.where(blocked, -np.inf, scaled)
        shifted = np.exp(masked - masked.max(axis=1, keepdims=True))
        weights = shifted / shifted.sum(axis=1, keepdims=True)
        stages.append((q, k, v, scores, scaled, masked, weights, weights @ v))
    concat = np.concatenate([s[-1] for s in stages], axis=1)
    return stages, concat, concat @ W_O + b_O


def lean_trace(np, X, W_Q, W_K, W_V, W_O, b_Q, b_K, b_V, b_O, heads, blocked):
    """The same stages, the same arithmetic (a division by sqrt(d_k), the stable softmax), but
    keeping nothing the output does not need: the heads read views of Q, K and V, each head's
    scores become its weights in place, and its output is written straight into concat."""
    n, d_model = X.shape
    d_k = W_Q.shape[1] // heads
    Q = X @ W_Q
    Q += b_Q
    K = X @ W_K
    K += b_K
    V = X @ W_V
    V += b_V
    root = np.sqrt(d_k)
    concat = np.empty((n, V.shape[1]))
    any_blocked = blocked.any()
    for i in range(heads):
        block = slice(i * d_k, (i + 1) * d_k)
        weights = Q[:, block] @ K[:, block].T
        weights /= root
        if any_blocked:
            weights[blocked] = -np.inf
        weights -= weights.max(axis=1, keepdims=True)
        np.exp(weights, out=weights)
        weights /= weights.sum(axis=1, keepdims=True)
        np.matmul(weights, V[:, block], out=concat[:, block])
    output = concat @ W_O
    output += b_O
    return output


def products_only(np, X, W_Q, W_K, W_V, W_O, heads):
    """Only the matrix products of the lean trace, on the same shapes (the scores stand in for
    the weights): what is left of a trace at NumPy's own product speed, the floor for any
    program whose products are no faster than OpenBLAS's."""
    d_k = W_Q.shape[1] // heads
    Q, K, V = X @ W_Q, X @ W_K, X @ W_V
    concat = np.empty((X.shape[0], V.shape[1]))
    for i in range(heads):
        block = slice(i * d_k, (i + 1) * d_k)
        np.matmul(Q[:, block] @ K[:, block].T, V[:, block], out=concat[:, block])
    return concat @ W_O


def median_seconds(run, min_time):
    """Median seconds per call of `run`, sampled until the median settles (as `bench` does)."""
    run()
    start = time.perf_counter()
    run()
    once = time.perf_counter() - start
    batch = max(1, int(0.002 / max(once, 1e-9)) + 1)
    samples, began = [], time.perf_counter()
    while True:
        start = time.perf_counter()
        for _ in range(batch):
            run()
        samples.append((time.perf_counter() - start) / batch)
        spent = time.perf_counter() - began
        if spent >= 10 * min_time:
            break
        if len(samples) >= 5 and spent >= min_time:
            everything, later = statistics.median(samples), statistics.median(samples[len(samples) // 2:])
            if abs(later - everything) <= 0.02 * everything:
                break
    return statistics.median(samples)


def time_numpy(np, n, d_model, heads, min_time, lean=False, products=False):
    """Median seconds per trace (lean, or only its products)."""
    X, W, b = layer(np, n, d_model, heads)
    blocked = np.zeros((n, n), dtype=bool)
    if products:
        run = lambda: products_only(np, X, *W, heads)
    elif lean:
        run = lambda: lean_trace(np, X, *W, *b, heads, blocked)
    else:
        run = lambda: trace(np, X, *W, *b, heads, blocked)
    return median_seconds(run, min_time)


PRODUCT = (128, 768, 768)   # Q = X W_Q at the BERT-base size


def time_numpy_product(np, min_time):
    rng = np.random.default_rng(2017)
    a, b = rng.standard_normal(PRODUCT[:2]), rng.standard_normal(PRODUCT[1:])
    return median_seconds(lambda: a @ b, min_time)


def swift_bench(binary, arguments, threads, min_time, kernels):
    """What `attention-repl bench --json ARGUMENTS` prints, with the thread count, the time and
    the kernels given."""
    output = subprocess.run([binary, "bench", "--json"] + [str(argument) for argument in arguments]
                            + ["--threads", str(threads), "--min-time", str(min_time), "--kernels", kernels],
                            check=True, capture_output=True, text=True).stdout
    return json.loads(output)


def time_swift_product(binary, threads, min_time, kernels):
    return swift_bench(binary, ["--product", *PRODUCT], threads, min_time, kernels)["seconds"]


def time_swift(binary, n, d_model, heads, threads, min_time, kernels):
    return swift_bench(binary, ["--n", n, "--d-model", d_model, "--heads", heads], threads, min_time, kernels)[0]


EXAMPLE = {
    "X": [[0.0, 0.3, -0.3, -0.9], [-0.5, -1.0, 0.1, 1.3], [-0.5, -0.6, 0.5, 0.4]],
    "W_Q": [[0.1, -0.7, 0.0, 0.6], [-1.1, -0.4, -1.5, -1.0], [-1.5, -0.2, -1.0, 0.2], [0.1, -0.1, -2.0, -0.4]],
    "W_K": [[0.0, 0.1, -1.2, -0.4], [-0.8, -0.6, 0.8, -0.6], [0.0, 0.7, -0.5, -0.1], [0.1, 0.1, -1.0, 0.1]],
    "W_V": [[1.1, -1.2, 0.7, 0.1], [-0.5, 1.6, 0.6, -1.0], [0.1, 0.5, -0.2, 0.5], [-0.1, 0.5, 1.2, -0.5]],
    "W_O": [[0.2, -0.4, 0.1, -0.9], [-0.5, -0.2, 0.7, 0.9], [-1.1, -0.6, 0.5, -1.6], [-0.4, -0.1, 1.0, 0.6]],
}

# The lesson-size session: define the layer, compute every stage, print the output.
REPL_SCRIPT = "\n".join(["heads 2"] + ["%s = %s" % (name, json.dumps(value)) for name, value in EXAMPLE.items()]
                        + ["run", "show output"]) + "\n"

# The same stages in NumPy, as a python3 program started from scratch.
PYTHON_SCRIPT = """
import numpy as np
X, W_Q, W_K, W_V, W_O = (np.array(m) for m in %s)
heads = 2
d_k = W_Q.shape[1] // heads
Q, K, V = X @ W_Q, X @ W_K, X @ W_V
outs = []
for i in range(heads):
    block = slice(i * d_k, (i + 1) * d_k)
    scores = Q[:, block] @ K[:, block].T
    scaled = scores / np.sqrt(d_k)
    masked = np.where(np.zeros(scores.shape, bool), -np.inf, scaled)
    e = np.exp(masked - masked.max(axis=1, keepdims=True))
    weights = e / e.sum(axis=1, keepdims=True)
    outs.append(weights @ V[:, block])
print(np.concatenate(outs, axis=1) @ W_O)
""" % json.dumps(list(EXAMPLE.values()))


def time_process(command, runs):
    """Median wall seconds from start to exit, and median CPU seconds (user + system)."""
    walls, cpus = [], []
    for _ in range(runs):
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(process.pid, 0)
        walls.append(time.perf_counter() - start)
        cpus.append(usage.ru_utime + usage.ru_stime)
        if status != 0:
            raise SystemExit("failed: %s" % " ".join(command))
    return statistics.median(walls), statistics.median(cpus)


def time_prompt(binary, runs):
    """The REPL in a pseudo-terminal: median wall seconds until its prompt appears, and the
    median CPU seconds of the whole process (start, prompt, `quit`)."""
    walls, cpus = [], []
    environment = dict(os.environ, TERM="dumb", ATTENTION_REPL_HISTORY=os.devnull)
    for _ in range(runs):
        start = time.perf_counter()
        pid, fd = pty.fork()
        if pid == 0:
            os.execve(binary, [binary], environment)
        seen = b""
        while b"attention>" not in seen:
            ready, _, _ = select.select([fd], [], [], 5)
            if not ready:
                raise SystemExit("no prompt within 5 s")
            seen += os.read(fd, 4096)
        walls.append(time.perf_counter() - start)
        os.write(fd, b"quit\n")
        while True:
            try:
                if not os.read(fd, 4096):
                    break
            except OSError:
                break
        _, _, usage = os.wait4(pid, 0)
        os.close(fd)
        cpus.append(usage.ru_utime + usage.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def main():
    arguments = parse_arguments()
    restart_with_clean_environment(arguments.threads, arguments.avx2)
    kernels = "fused" if arguments.avx2 else "fast"
    import numpy as np
    if not os.access(arguments.binary, os.X_OK):
        raise SystemExit("no binary at %s: build it with "
                         "`swift build -c release --static-swift-stdlib --scratch-path .build-release`" % arguments.binary)

    results = {"numpy": np.__version__, "blas": openblas_description(np), "threads": arguments.threads,
               "sizes": [], "date": time.strftime("%Y-%m-%d"), "emulated_avx2": arguments.avx2}
    if not arguments.json:
        print("NumPy %s, %s; attention-repl bench with --threads %d" % (np.__version__, results["blas"], arguments.threads))
        kernel_announced = False
        print("%-16s %5s %8s %6s %11s %11s %11s %7s %7s %11s %8s %8s" % (
            "size", "n", "d_model", "heads", "NumPy", "NumPy lean", "Swift", "ratio", "r. lean",
            "Swift warm", "GFLOP/s", "peak MiB"))
    for name, n, d_model, heads in SIZES:
        numpy_times, lean_times, product_times, swift_runs = [], [], [], []
        for _ in range(arguments.rounds):
            numpy_times.append(time_numpy(np, n, d_model, heads, arguments.min_time))
            lean_times.append(time_numpy(np, n, d_model, heads, arguments.min_time, lean=True))
            product_times.append(time_numpy(np, n, d_model, heads, arguments.min_time, products=True))
            swift_runs.append(time_swift(arguments.binary, n, d_model, heads, arguments.threads, arguments.min_time, kernels))
        numpy_seconds = statistics.median(numpy_times)
        lean_seconds = statistics.median(lean_times)
        # The cold trace (weights packed in every trace, as NumPy's products pack theirs) is the
        # one compared; the warm one (weights kept packed, as in the REPL) is shown beside it.
        swift_seconds = statistics.median(run["seconds"] for run in swift_runs)
        warm = [run["warm_seconds"] for run in swift_runs if run.get("warm_seconds") is not None]
        warm_seconds = statistics.median(warm) if warm else None
        row = {"name": name, "n": n, "d_model": d_model, "heads": heads, "numpy_seconds": numpy_seconds,
               "numpy_lean_seconds": lean_seconds, "numpy_products_seconds": statistics.median(product_times),
               "swift_seconds": swift_seconds,
               "swift_warm_seconds": warm_seconds, "ratio": swift_seconds / numpy_seconds,
               "ratio_lean": swift_seconds / lean_seconds,
               # Each side's fastest round: on a shared machine whose speed swings between
               # rounds, the ratio of the best rounds is the steadier one.
               "ratio_best": min(run["seconds"] for run in swift_runs) / min(numpy_times),
               "ratio_lean_best": min(run["seconds"] for run in swift_runs) / min(lean_times),
               "flops": swift_runs[0]["flops"], "swift_gflops": swift_runs[0]["flops"] / swift_seconds / 1e9,
               "numpy_gflops": swift_runs[0]["flops"] / numpy_seconds / 1e9,
               "swift_peak_memory_bytes": max(run["peak_memory_bytes"] for run in swift_runs)}
        row["kernels"] = swift_runs[0]["kernels"]
        results["sizes"].append(row)
        if not arguments.json:
            if not kernel_announced:
                print("(Swift's kernels: %s)" % row["kernels"])
                kernel_announced = True
            print("%-16s %5d %8d %6d %11s %11s %11s %6.2fx %6.2fx %11s %8.2f %8.1f" % (
                name, n, d_model, heads, duration(numpy_seconds), duration(lean_seconds), duration(swift_seconds),
                row["ratio"], row["ratio_lean"], duration(warm_seconds) if warm_seconds else "-",
                row["swift_gflops"], row["swift_peak_memory_bytes"] / 2**20))

    # One product alone, the bulk of a trace's arithmetic: each side's rate against the CPU's.
    numpy_product, swift_product = [], []
    for _ in range(arguments.rounds):
        numpy_product.append(time_numpy_product(np, arguments.min_time))
        swift_product.append(time_swift_product(arguments.binary, arguments.threads, arguments.min_time, kernels))
    flops = 2 * PRODUCT[0] * PRODUCT[1] * PRODUCT[2]
    results["product"] = {"n": PRODUCT[0], "k": PRODUCT[1], "m": PRODUCT[2], "flops": flops,
                          "numpy_gflops": flops / statistics.median(numpy_product) / 1e9,
                          "swift_gflops": flops / statistics.median(swift_product) / 1e9,
                          "numpy_best_gflops": flops / min(numpy_product) / 1e9,
                          "swift_best_gflops": flops / min(swift_product) / 1e9}
    if not arguments.json:
        print("fastest round of each side (steadier on a shared machine): " + "; ".join(
            "%s %.2fx, %.2fx lean" % (row["name"], row["ratio_best"], row["ratio_lean_best"]) for row in results["sizes"]))
        print("NumPy's products alone, the lean trace without its biases, scaling and softmax: " + "; ".join(
            "%s %s (%.2f of the lean)" % (row["name"], duration(row["numpy_products_seconds"]),
                                          row["numpy_products_seconds"] / row["numpy_lean_seconds"])
            for row in results["sizes"]))
        product = results["product"]
        print("one product (%d x %d)(%d x %d), as Q = X W_Q: NumPy %.1f GFLOP/s, Swift %.1f GFLOP/s (fastest rounds %.1f and %.1f)" % (
            PRODUCT[0], PRODUCT[1], PRODUCT[1], PRODUCT[2], product["numpy_gflops"], product["swift_gflops"],
            product["numpy_best_gflops"], product["swift_best_gflops"]))

    with tempfile.TemporaryDirectory() as folder:
        script = os.path.join(folder, "lesson-size.txt")
        with open(script, "w") as handle:
            handle.write(REPL_SCRIPT)
        program = os.path.join(folder, "lesson_size.py")
        with open(program, "w") as handle:
            handle.write(PYTHON_SCRIPT)
        swift_wall, swift_cpu = time_process([arguments.binary, "--script", script, "--color", "never"], arguments.processes)
        python_wall, python_cpu = time_process([sys.executable, program], arguments.processes)
    prompt_wall, prompt_cpu = time_prompt(arguments.binary, arguments.processes)
    results["process"] = {"script_seconds": swift_wall, "script_cpu_seconds": swift_cpu,
                          "python_seconds": python_wall, "python_cpu_seconds": python_cpu,
                          "ratio": swift_wall / python_wall,
                          "prompt_seconds": prompt_wall, "prompt_cpu_seconds": prompt_cpu}
    if arguments.json:
        print(json.dumps(results, indent=2))
        return
    print()
    print("lesson size, whole process (median of %d, start to exit):" % arguments.processes)
    print("  attention-repl --script   %s wall, %s CPU (target under 20 ms CPU)" % (duration(swift_wall), duration(swift_cpu)))
    print("  python3 + NumPy           %s wall, %s CPU" % (duration(python_wall), duration(python_cpu)))
    print("  ratio                     %.3f (target at most 0.2)" % (swift_wall / python_wall))
    print("REPL in a terminal: prompt after %s wall; %s CPU for start, prompt and quit" % (
        duration(prompt_wall), duration(prompt_cpu)))


def duration(seconds):
    if seconds >= 1e-3:
        return "%.2f ms" % (seconds * 1e3)
    return "%.2f µs" % (seconds * 1e6)


if __name__ == "__main__":
    main()
