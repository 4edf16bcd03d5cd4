"""`dossier validate` on synthetic dossiers of 1k, 10k and 50k facts, against the floor.

The floor is a bare libyaml parse of the same files (yaml.load_all with CSafeLoader), the
least any YAML-based validator must do. Each size runs in a fresh process so that peak
memory (ru_maxrss) belongs to that size alone. Usage: python benchmarks/bench_validate.py
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
SIZES = (1_000, 10_000, 50_000)
REPEATS = 3

MEASURE = r"""
import json, resource, sys, time
from pathlib import Path
import yaml
root, mode = Path(sys.argv[1]), sys.argv[2]
started = time.perf_counter()
if mode == "floor":
    from cmc_dossier.loader import discover_fact_files
    for path in discover_fact_files(root):
        for _ in yaml.load_all(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader):
            pass
    problems = 0
else:
    from cmc_dossier.validation import validate_folder
    result = validate_folder(root)
    problems = len(result.diagnostics)
elapsed = time.perf_counter() - started
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": elapsed, "peak_mb": peak_mb, "problems": problems}))
"""


def measure(root: Path, mode: str) -> dict[str, float]:
    runs = []
    for _ in range(REPEATS):
        done = subprocess.run(
            [sys.executable, "-c", MEASURE, str(root), mode],
            capture_output=True,
            text=True,
            check=True,
        )
        runs.append(json.loads(done.stdout))
    best = min(runs, key=lambda run: run["seconds"])
    return {**best, "peak_mb": max(run["peak_mb"] for run in runs)}


def main() -> None:
    sys.path.insert(0, str(HERE))
    from generate import generate

    rows = []
    for size in SIZES:
        root = OUT / f"synthetic-{size}"
        count = generate(root, size)
        floor = measure(root, "floor")
        validate = measure(root, "validate")
        assert validate["problems"] == 0, f"synthetic dossier of {size} facts is not clean"
        rows.append((count, floor, validate))
    print("| facts | floor: C-loader parse (s) | validate (s) | ratio | validate peak RSS (MB) |")
    print("|---:|---:|---:|---:|---:|")
    for count, floor, validate in rows:
        ratio = validate["seconds"] / floor["seconds"]
        print(
            f"| {count:,} | {floor['seconds']:.2f} | {validate['seconds']:.2f} "
            f"| {ratio:.2f}x | {validate['peak_mb']:.0f} |"
        )


if __name__ == "__main__":
    main()
