"""`dossier validate` on synthetic dossiers of 1k, 10k and 100k facts, against the floor.

The floor is a bare libyaml parse of the same files (yaml.load_all with CSafeLoader), the
least any YAML-based validator must do. Each run is a fresh process so that peak memory
(ru_maxrss) belongs to that size alone; the three modes alternate within each repeat so they
share the machine's load. "validate, collector on" is the same code with the cyclic garbage
collector left running (what `without_cycle_collection` saves). Judged by validate/floor;
the CPU seconds of each run (time.process_time) are printed too, since on a shared machine
they vary far less with the load than wall time does. Bytecode is compiled once before the
runs, as an installed package has it.
Usage: python benchmarks/bench_validate.py [SIZE ...]
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
SIZES = (1_000, 10_000, 100_000)
REPEATS = 3  # 1 at 100k facts and above: a run takes tens of seconds

MEASURE = r"""
import json, resource, sys, time
from pathlib import Path
import yaml
root, mode = Path(sys.argv[1]), sys.argv[2]
started, cpu_started = time.perf_counter(), time.process_time()
if mode == "floor":
    from cmc_dossier.loader import discover_fact_files
    for path in discover_fact_files(root):
        for _ in yaml.load_all(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader):
            pass
    problems = 0
else:
    import contextlib
    from cmc_dossier import validation
    if mode == "collector-on":
        validation.without_cycle_collection = contextlib.nullcontext
    from cmc_dossier.validation import validate_folder
    result = validate_folder(root)
    problems = len(result.diagnostics)
elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": elapsed, "cpu": cpu, "peak_mb": peak_mb, "problems": problems}))
"""


def _environment() -> dict[str, str]:
    """The caller's environment, with compiled bytecode kept (under benchmarks/out/pycache).

    An installed package runs from its .pyc files; with PYTHONDONTWRITEBYTECODE set (as on
    some CI and sandbox machines) every run would compile the package's sources again,
    which no user pays for and which is no part of validating."""
    environment = {**os.environ, "PYTHONPYCACHEPREFIX": str(OUT / "pycache")}
    environment.pop("PYTHONDONTWRITEBYTECODE", None)
    return environment


def run(root: Path, mode: str) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, str(root), mode],
        capture_output=True,
        text=True,
        check=True,
        env=_environment(),
    )
    return json.loads(done.stdout)


def warm_up() -> None:
    """Compile the bytecode once, before any run is timed."""
    code = "import yaml, cmc_dossier.loader, cmc_dossier.validation"
    subprocess.run([sys.executable, "-c", code], check=True, env=_environment())


MODES = ("floor", "validate", "collector-on")


def measure(root: Path, repeats: int) -> dict[str, dict[str, float]]:
    runs: dict[str, list[dict[str, float]]] = {mode: [] for mode in MODES}
    for _ in range(repeats):
        for mode in MODES:
            runs[mode].append(run(root, mode))
    best = {}
    for mode, results in runs.items():
        fastest = min(results, key=lambda result: result["seconds"])
        best[mode] = {
            **fastest,
            "cpu": min(result["cpu"] for result in results),
            "peak_mb": max(result["peak_mb"] for result in results),
        }
    return best


def main() -> None:
    sys.path.insert(0, str(HERE))
    from generate import generate

    sizes = [int(size) for size in sys.argv[1:]] or SIZES
    warm_up()
    rows = []
    for size in sizes:
        root = OUT / f"synthetic-{size}"
        count = generate(root, size)
        best = measure(root, REPEATS if size < 100_000 else 1)
        assert best["validate"]["problems"] == 0, f"synthetic dossier of {size} facts is not clean"
        rows.append((count, best))
    print(
        "| facts | floor: C-loader parse (s) | validate (s) | ratio validate/floor "
        "| CPU s, floor / validate (ratio) | validate, collector on (s) "
        "| validate peak RSS (MB) |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for count, best in rows:
        floor, validate, on = best["floor"], best["validate"], best["collector-on"]
        print(
            f"| {count:,} | {floor['seconds']:.2f} | {validate['seconds']:.2f} "
            f"| {validate['seconds'] / floor['seconds']:.2f}x "
            f"| {floor['cpu']:.2f} / {validate['cpu']:.2f} ({validate['cpu'] / floor['cpu']:.2f}x) "
            f"| {on['seconds']:.2f} | {validate['peak_mb']:.0f} |"
        )


if __name__ == "__main__":
    main()
