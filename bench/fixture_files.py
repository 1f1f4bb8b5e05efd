"""The part every fixture script shares: its command line, and writing each case as one line of
JSON that reads back to the same numbers."""

import argparse
import json
import os

import numpy as np


def write_cases(doc, folder, seed, specs, build):
    """Builds every case from `specs` with one random generator seeded by `seed`, and writes each
    to `folder` unless --check-only is given. `build(index, spec, rng)` returns the file name,
    the case (plain JSON values) and a line saying what was checked, which is printed."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("--check-only", action="store_true", help="build and check, write nothing")
    args = parser.parse_args()
    rng = np.random.default_rng(seed)
    os.makedirs(folder, exist_ok=True)
    for index, spec in enumerate(specs):
        name, case, line = build(index, spec, rng)
        # json writes floats with repr, the shortest string that reads back to the same float64.
        text = json.dumps(case, separators=(",", ":")) + "\n"
        assert json.loads(text) == case
        if not args.check_only:
            with open(os.path.join(folder, name), "w") as f:
                f.write(text)
        print(line)
