"""`dossier build` speed: Markdown rendering at 10k facts, DOCX against bare pandoc, rebuilds.

1. Rendering: validate the 10k-fact synthetic dossier, then time rendering both targets'
   Markdown (IND combined plus every granular eCTD file; IMPD), compiled templates cached.
2. DOCX: our conversion (pandoc plus header/footer stamp and deterministic re-zip) against a
   bare `pandoc -f markdown -t docx --reference-doc` of the same Markdown, for the example's
   IMPD and for the 10k-fact IMPD.
3. Rebuild: `dossier build` of the example with nothing changed, as a user runs it.
4. The daily loop at 10k facts inside git: generate, `git init` and commit, `dossier build`
   (every format: md and docx, with `--pdf` also the PDF), an empty commit and build (only
   stamps change), edit one acceptance criterion, commit, build again; prints each time
   with its CPU seconds (the build's and pandoc's), the load average, its pandoc runs (a
   large document's parts counted one by one) and PDF conversions, the parts converted and
   reused, and the ratio rebuild/full build. One run each (a full build is minutes).
Best of N for 1 to 3. Usage: python benchmarks/bench_build.py [--pdf] [--only-loop]
"""

from __future__ import annotations

import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent


def best(function, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return min(times)


def rendering(root: Path) -> dict[str, float]:
    from cmc_dossier.render.documents import Renderer
    from cmc_dossier.validation import validate_folder

    dossier = validate_folder(root).dossier
    cache = Path(tempfile.mkdtemp()) / "jinja"
    Renderer(dossier, "ind", cache=cache).documents()  # compile templates once
    return {
        target: best(lambda t=target: Renderer(dossier, t, cache=cache).documents(), 3)
        for target in ("ind", "impd")
    }


def docx_against_pandoc(markdown: str, repeats: int) -> tuple[float, float]:
    import pypandoc

    from cmc_dossier.publish.docx import READER, TOC_DEPTH, Stamp, to_docx

    reference = REPO / "src/cmc_dossier/templates/reference-a4.docx"
    out = Path(tempfile.mkdtemp()) / "bare.docx"
    # the same reader flags and table of contents as ours, so the ratio is our own work
    bare = [pypandoc.get_pandoc_path(), "-f", READER, "-t", "docx", "--toc",
            f"--toc-depth={TOC_DEPTH}", "--reference-doc", str(reference),
            "-o", str(out)]  # fmt: skip

    def run_bare() -> None:
        subprocess.run(bare, input=markdown.encode(), check=True, capture_output=True)

    stamp = Stamp("Product", "Title", "1.0", "0123456789ab", False)
    data = reference.read_bytes()

    def run_ours() -> None:
        to_docx(markdown, data, str(reference), stamp, 0)

    return best(run_bare, repeats), best(run_ours, repeats)


def rebuild() -> float:
    command = [str(Path(sys.executable).with_name("dossier")), "build", "dossier", "-o", "build"]
    subprocess.run(command, cwd=REPO, check=True, capture_output=True)  # make sure it is built

    def run() -> None:
        done = subprocess.run(command, cwd=REPO, check=True, capture_output=True, text=True)
        assert "pandoc runs: 0," in done.stdout, done.stdout

    return best(run, 5)


GIT_ENV = {
    "GIT_AUTHOR_NAME": "Benchmark",
    "GIT_AUTHOR_EMAIL": "benchmark@example.org",
    "GIT_COMMITTER_NAME": "Benchmark",
    "GIT_COMMITTER_EMAIL": "benchmark@example.org",
}


def git(repo: Path, *args: str) -> None:
    """A git command in `repo` as the benchmark's author."""
    env = {**os.environ, **GIT_ENV}
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, env=env)


def _timed_build(work: Path, pdf: bool) -> tuple[float, str]:
    """Wall time, and the build's counts with its CPU seconds (its own and its children's:
    pandoc, LibreOffice) and the load average it ran under."""
    command = [str(Path(sys.executable).with_name("dossier")), "build", "dossier", "-o", "build"]
    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(
        command + (["--format", "pdf"] if pdf else []),
        cwd=work,
        capture_output=True,
        text=True,
        check=True,
    )
    elapsed = time.perf_counter() - started
    cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = sum(getattr(cpu_after, f) - getattr(cpu_before, f) for f in ("ru_utime", "ru_stime"))
    counts = re.search(r"pandoc runs: \d+, PDF conversions: \d+.*", done.stdout)
    assert counts, done.stdout
    summary = f"{cpu:.2f} s CPU, load {os.getloadavg()[0]:.1f}; {counts[0]}"
    parts = re.search(r"document parts: .*", done.stdout)
    if parts:
        summary += f"; {parts[0]}"
    converted = re.search(r"converted by pandoc: (.*)", done.stdout)
    if converted and len(converted[1]) < 2000:  # name the few documents of a rebuild
        return elapsed, f"{summary}; {converted[1]}"
    return elapsed, summary


def daily_loop(root: Path, pdf: bool) -> None:
    """Full build of a committed dossier; a new commit without change (restamping only);
    then one edited criterion committed and rebuilt."""
    work = Path(tempfile.mkdtemp(prefix="bench-build-"))
    shutil.copytree(root, work / "dossier")
    git(work, "init", "-q", "-b", "main")
    git(work, "add", "-A")
    git(work, "commit", "-q", "-m", "Dossier")
    full, full_counts = _timed_build(work, pdf)
    git(work, "commit", "-q", "--allow-empty", "-m", "No change")
    empty, empty_counts = _timed_build(work, pdf)
    fact_file = next((work / "dossier").rglob("facts-000000.yaml"))
    text = fact_file.read_text(encoding="utf-8")
    assert "≤ 3.0 %" in text
    fact_file.write_text(text.replace("≤ 3.0 %", "≤ 3.5 %", 1), encoding="utf-8")
    git(work, "commit", "-q", "-am", "Widen one criterion")
    again, again_counts = _timed_build(work, pdf)
    formats = "md, docx and pdf" if pdf else "md and docx"
    print(f"Daily loop, 10k facts, {formats}, inside git:\n"
          f"  full build {full:.2f} s ({full_counts})\n"
          f"  new commit, no change: {empty:.2f} s ({empty_counts})\n"
          f"  one edited criterion, committed: {again:.2f} s ({again_counts})\n"
          f"  ratio rebuild/full {again / full:.3f}")  # fmt: skip
    shutil.rmtree(work)


def main() -> None:
    sys.path.insert(0, str(HERE))
    from generate import generate

    from cmc_dossier.render.documents import Renderer
    from cmc_dossier.validation import validate_folder

    root = HERE / "out" / "synthetic-10000"
    if not root.exists():
        generate(root, 10_000)
    daily_loop(root, "--pdf" in sys.argv)
    if "--only-loop" in sys.argv:
        return
    rendered = rendering(root)
    print(
        f"Markdown rendering, 10k facts: IND {rendered['ind']:.2f} s, IMPD {rendered['impd']:.2f} s"
    )

    example = Renderer(validate_folder(REPO / "dossier").dossier, "impd").combined().markdown
    large = Renderer(validate_folder(root).dossier, "impd").combined().markdown
    for name, markdown, repeats in (("example IMPD", example, 5), ("10k-fact IMPD", large, 3)):
        bare, ours = docx_against_pandoc(markdown, repeats)
        print(f"DOCX, {name} ({len(markdown) // 1024} KiB Markdown): bare pandoc {bare:.2f} s, "
              f"ours {ours:.2f} s, ratio {ours / bare:.2f}x")  # fmt: skip
    print(f"Rebuild of the example with nothing changed: {rebuild():.2f} s (0 pandoc runs)")


if __name__ == "__main__":
    main()
