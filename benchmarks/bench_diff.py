"""`dossier diff` between two revisions of a 10k-fact dossier that differ in one fact.

The synthetic dossier is committed to a temporary git repository, one acceptance criterion
is widened in a second commit, and the CLI diff is timed (fresh process per run, best of
5). Only blobs that differ are parsed. Usage: python benchmarks/bench_diff.py
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
GIT = {**os.environ, "GIT_AUTHOR_NAME": "Bench", "GIT_AUTHOR_EMAIL": "b@example.org",
       "GIT_COMMITTER_NAME": "Bench", "GIT_COMMITTER_EMAIL": "b@example.org"}  # fmt: skip


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, env=GIT)


def main() -> None:
    sys.path.insert(0, str(HERE))
    from generate import generate

    repo = Path(tempfile.mkdtemp()) / "repo"
    count = generate(repo / "dossier", 10_000)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "base")
    files = sorted((repo / "dossier").rglob("facts-*.yaml"))
    changed = files[len(files) // 2]
    text = changed.read_text(encoding="utf-8")
    widened = text.replace("acceptance_criterion: ≤ 1.0 %", "acceptance_criterion: ≤ 1.5 %", 1)
    changed.write_text(widened, encoding="utf-8")
    git(repo, "commit", "-q", "-am", "widen one criterion")
    dossier = str(Path(sys.executable).with_name("dossier"))
    command = [dossier, "diff", "HEAD~1", "HEAD", "--format", "json"]
    times = []
    for _ in range(5):
        started = time.perf_counter()
        done = subprocess.run(command, cwd=repo, check=True, capture_output=True, text=True)
        times.append(time.perf_counter() - started)
    assert '"change_type": "spec-criterion-widened"' in done.stdout, done.stdout[:500]
    print(f"dossier diff, {count:,} facts, one changed: {min(times):.2f} s (best of 5)")
    shutil.rmtree(repo.parent)


if __name__ == "__main__":
    main()
