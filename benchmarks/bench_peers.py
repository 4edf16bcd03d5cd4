"""The daily loop's site step next to StrictDoc: full HTML build, then one edited fact.

Ours: `dossier site` of the synthetic dossier (`generate.py`), from nothing, then again
after one acceptance criterion is edited (incremental). StrictDoc (PyPI `strictdoc`,
installed into a throwaway virtual environment, never a project dependency): an equivalent
corpus written by this script, one `.sdoc` document per fact file, one requirement per fact
(UID = fact ID, TITLE = its title or label, STATEMENT = the fact's YAML as typed, a Parent
relation per fact it refers to), exported with `strictdoc export --formats html` from
nothing, then again after the same criterion is edited in its requirement. Each step is
timed as wall-clock and as CPU seconds of the child processes (this 2-core machine is
shared, so CPU time compares better than wall time); the ratio printed is peer/ours.
Not covered yet (issue 15 point 5): the document formats in the loop, sphinx-needs.
Usage: python benchmarks/bench_peers.py [--facts N]
"""

from __future__ import annotations

import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from generate import generate

from cmc_dossier.model.walk import references
from cmc_dossier.validation import validate_folder

EDIT = ("≤ 3.0 %", "≤ 3.5 %")  # in the first fact file, as bench_site edits it


def timed(command: list[str], cwd: Path) -> tuple[float, float]:
    """(wall, CPU) seconds of one run of `command`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, capture_output=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _block(text: str) -> str:
    """A StrictDoc multi-line field (RST) holding the YAML as a literal block."""
    body = "\n".join(f"    {line}" if line else "" for line in text.rstrip("\n").split("\n"))
    return f">>>\n::\n\n{body}\n<<<"


def strictdoc_corpus(dossier: Path, corpus: Path) -> int:
    """One .sdoc document per fact file; returns the number of requirements written."""
    result = validate_folder(dossier)
    assert result.dossier is not None
    model = result.dossier
    documents: dict[Path, list[str]] = {}
    for fact in model.facts:
        origin = model.origins[fact.id]
        path = Path(origin.start.file)
        lines = path.read_text(encoding="utf-8").split("\n")[origin.start.line - 1 :]
        typed = "\n".join(lines[: lines.index("---")] if "---" in lines else lines)
        title = str(getattr(fact, "title", None) or getattr(fact, "label", fact.id))
        parents = sorted(  # a nested item (a specification test) through its fact
            {model.index[r.target].fact.id for r in references(fact) if r.target in model.index}
            - {fact.id}
        )
        relations = "".join(f"- TYPE: Parent\n  VALUE: {target}\n" for target in parents)
        documents.setdefault(path, []).append(
            f"[REQUIREMENT]\nUID: {fact.id}\nTITLE: {title.replace(chr(10), ' ')}\n"
            f"STATEMENT: {_block(typed)}\n" + (f"RELATIONS:\n{relations}" if relations else "")
        )
    for path, requirements in documents.items():
        name = path.relative_to(dossier).with_suffix(".sdoc")
        target = corpus / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(
            f"[DOCUMENT]\nTITLE: {name.with_suffix('')}\n\n" + "\n".join(requirements),
            encoding="utf-8",
        )
    return sum(len(requirements) for requirements in documents.values())


def _edit(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert EDIT[0] in text
    path.write_text(text.replace(*EDIT, 1), encoding="utf-8")


def main() -> None:
    facts = int(sys.argv[sys.argv.index("--facts") + 1]) if "--facts" in sys.argv else 1000
    work = Path(tempfile.mkdtemp())
    count = generate(work / "dossier", facts)
    requirements = strictdoc_corpus(work / "dossier", work / "corpus")
    venv = work / "peers"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [str(venv / "bin/pip"), "install", "-q", "strictdoc"]
    subprocess.run(pip, check=True, capture_output=True)
    version = subprocess.run([str(venv / "bin/strictdoc"), "--version"], capture_output=True,
                             text=True, check=True).stdout.strip().splitlines()[-1]  # fmt: skip
    ours = [str(Path(sys.executable).with_name("dossier")), "site", "dossier", "-o", "site"]
    theirs = [str(venv / "bin/strictdoc"), "export", "--formats", "html", "--output-dir",
              "strictdoc-out", "corpus"]  # fmt: skip
    ours_full, theirs_full = timed(ours, work), timed(theirs, work)
    _edit(next((work / "dossier").rglob("facts-000000.yaml")))
    _edit(next((work / "corpus").rglob("facts-000000.sdoc")))
    ours_edit, theirs_edit = timed(ours, work), timed(theirs, work)
    print(f"{count:,} facts / {requirements:,} StrictDoc {version} requirements")
    for step, mine, peer in (("full HTML build", ours_full, theirs_full),
                             ("one edited fact", ours_edit, theirs_edit)):  # fmt: skip
        print(f"  {step}: ours {mine[0]:.2f} s wall, {mine[1]:.2f} s CPU; StrictDoc "
              f"{peer[0]:.2f} s wall, {peer[1]:.2f} s CPU; peer/ours {peer[0] / mine[0]:.2f}x "
              f"wall, {peer[1] / mine[1]:.2f}x CPU")  # fmt: skip
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
