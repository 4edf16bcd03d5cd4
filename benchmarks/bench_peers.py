"""The daily loop (edit one fact -> build the documents -> build the site) next to StrictDoc
and sphinx-needs, each timed as a user runs it.

Every tool gets the synthetic dossier of N facts (`generate.py`) in its own form, written by
this script, and the same loop: an initial build from nothing, then one acceptance
criterion edited ("≤ 3.0 %" -> "≤ 3.5 %", its first occurrence in the first fact file, the
same fact in every corpus) and the same commands again (incremental where the tool is).
Each command is a fresh process; its wall-clock seconds and its CPU seconds (user + system
of the process and every child it waited for, from `os.wait4`) are recorded. The 2-core
machine is shared, so CPU seconds compare better than wall seconds.

- ours: the dossier committed in a git repository (the edit committed too, untimed);
  documents `dossier build dossier -o build` (Markdown and DOCX, the default), with --pdf
  also `dossier build dossier -o build -f pdf` as a separate column (LibreOffice dominates
  it; the DOCX is already built), then the site `dossier site dossier -o site`.
- StrictDoc (PyPI `strictdoc`): one `.sdoc` document per fact file, one requirement per
  fact (UID = fact ID, TITLE = its title or label, STATEMENT = the fact's YAML as typed in a
  literal block, a Parent relation per fact it refers to); site `strictdoc export --formats
  html`. It has no DOCX export; with --pdf, `--formats html2pdf` with its HTML2PDF feature
  switched on in a configuration file given only to that command (Chromium through the
  system's chromedriver, Debian package `chromium-driver`, if installed). Commands run with
  the peer's virtual environment first on PATH, as if activated (html2pdf needs that).
- sphinx-needs (PyPI `sphinx-needs==9.1.0` with Sphinx): one `.rst` document per fact file,
  one `req` need per fact (`:id:` fact ID, its title, `:links:` the facts it refers to, the
  fact's YAML as typed as a literal block); documents `sphinx-build -b docx source
  out/docx` (PyPI `docxbuilder`, the DOCX builder that runs offline), with --pdf `-b rinoh`
  (PyPI `rinohtype`, pure Python, no LaTeX), site `-b html`. Each command keeps its doctrees
  in its own output folder (Sphinx's default), so each stands alone like ours, which reads
  the dossier in `build` and again in `site`; the second build is Sphinx's own incremental
  one.

Each peer is installed into a throwaway virtual environment inside the run (never a project
dependency). Prints each command's times and peer/ours ratios for the site, the documents
and the whole loop, initial and after one edit.
Usage: python benchmarks/bench_peers.py [--facts N] [--pdf] [--only ours|strictdoc|sphinx-needs]
(--only may be repeated; the ratios need ours and a peer in the same run).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

from bench_build import git
from generate import generate

from cmc_dossier.model.walk import references
from cmc_dossier.validation import validate_folder

EDIT = ("≤ 3.0 %", "≤ 3.5 %")  # in the first fact file, as bench_site and bench_build edit it
FIRST_FILE = "facts-000000"
STEPS = ("initial build", "one edited fact")
PHASES = ("documents", "pdf", "site")


@dataclass(frozen=True)
class Run:
    wall: float
    cpu: float


def timed(command: list[str], cwd: Path, path: str) -> tuple[Run, str]:
    """One run of `command` in a fresh process with `path` as PATH (a peer's virtual
    environment first, as if activated), and its output; fails with its output's end if it
    fails."""
    environment = {**os.environ, "PATH": path}
    with tempfile.TemporaryFile() as output:
        started = time.perf_counter()
        process = subprocess.Popen(
            command, cwd=cwd, stdout=output, stderr=subprocess.STDOUT, env=environment
        )
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        output.seek(0)
        text = output.read().decode("utf-8", "replace")
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} exited {process.returncode}:\n{text[-3000:]}")
    return Run(wall, usage.ru_utime + usage.ru_stime), text


@dataclass(frozen=True)
class Fact:
    """One fact as each corpus gives it: where it was typed, and what it says."""

    file: Path  # relative to the dossier, without suffix
    id: str
    title: str
    typed: str  # its YAML document as typed
    parents: list[str]  # the facts it refers to (a nested item through its fact)


def facts_of(dossier: Path) -> list[Fact]:
    result = validate_folder(dossier)
    assert result.dossier is not None
    model = result.dossier
    facts = []
    for fact in model.facts:
        origin = model.origins[fact.id]
        path = Path(origin.start.file)
        lines = path.read_text(encoding="utf-8").split("\n")[origin.start.line - 1 :]
        typed = "\n".join(lines[: lines.index("---")] if "---" in lines else lines)
        title = str(getattr(fact, "title", None) or getattr(fact, "label", fact.id))
        parents = sorted(
            {model.index[r.target].fact.id for r in references(fact) if r.target in model.index}
            - {fact.id}
        )
        file = path.relative_to(dossier).with_suffix("")
        facts.append(Fact(file, fact.id, title.replace("\n", " "), typed.rstrip("\n"), parents))
    return facts


def by_file(facts: list[Fact]) -> dict[Path, list[Fact]]:
    files: dict[Path, list[Fact]] = {}
    for fact in facts:
        files.setdefault(fact.file, []).append(fact)
    return files


def _indented(text: str, indent: str) -> str:
    return "\n".join(f"{indent}{line}" if line else "" for line in text.split("\n"))


def strictdoc_corpus(facts: list[Fact], corpus: Path) -> None:
    """One .sdoc document per fact file, one requirement per fact."""
    for name, members in by_file(facts).items():
        requirements = []
        for fact in members:
            relations = "".join(f"- TYPE: Parent\n  VALUE: {p}\n" for p in fact.parents)
            requirements.append(
                f"[REQUIREMENT]\nUID: {fact.id}\nTITLE: {fact.title}\n"
                f"STATEMENT: >>>\n::\n\n{_indented(fact.typed, '    ')}\n<<<\n"
                + (f"RELATIONS:\n{relations}" if relations else "")
            )
        target = corpus / name.with_suffix(".sdoc")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(f"[DOCUMENT]\nTITLE: {name}\n\n" + "\n".join(requirements), "utf-8")


PDF_CONFIG = '[project]\ntitle = "Synthetic dossier"\nfeatures = ["HTML2PDF"]\n'
SPHINX_CONF = """project = "Synthetic product"
extensions = ["sphinx_needs", "docxbuilder"]
needs_id_regex = r"^[A-Za-z0-9][A-Za-z0-9_-]*$"
needs_types = [{"directive": "req", "title": "Fact", "prefix": "", "color": "#BFD8D2",
                "style": "node"}]
"""


def sphinx_needs_corpus(facts: list[Fact], corpus: Path) -> None:
    """One .rst document per fact file, one need per fact, and an index of them all."""
    names = []
    for name, members in by_file(facts).items():
        needs = []
        for fact in members:
            links = f"   :links: {', '.join(fact.parents)}\n" if fact.parents else ""
            needs.append(
                f".. req:: {fact.title}\n   :id: {fact.id}\n{links}\n"
                f"   ::\n\n{_indented(fact.typed, '      ')}\n"
            )
        target = corpus / name.with_suffix(".rst")
        target.parent.mkdir(parents=True, exist_ok=True)
        heading = str(name)
        target.write_text(f"{heading}\n{'=' * len(heading)}\n\n" + "\n".join(needs), "utf-8")
        names.append(str(name))
    toctree = "".join(f"   {name}\n" for name in names)
    (corpus / "index.rst").write_text(
        f"Synthetic dossier\n=================\n\n.. toctree::\n\n{toctree}", "utf-8"
    )
    (corpus / "conf.py").write_text(SPHINX_CONF, "utf-8")


def edit(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert EDIT[0] in text, path
    path.write_text(text.replace(*EDIT, 1), encoding="utf-8")


def venv(work: Path, name: str, packages: list[str]) -> Path:
    """A throwaway virtual environment with `packages` from the registry; its bin folder."""
    folder = work / f"venv-{name}"
    subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True)
    pip = [str(folder / "bin/pip"), "install", "-q", *packages]
    subprocess.run(pip, check=True, capture_output=True)
    return folder / "bin"


def installed(bin: Path, distribution: str) -> str:
    show = [str(bin / "pip"), "show", distribution]
    out = subprocess.run(show, capture_output=True, text=True, check=True).stdout
    return next(line.split(": ", 1)[1] for line in out.splitlines() if line.startswith("Version"))


@dataclass
class Tool:
    """A tool's loop: the commands of each phase, and the edit made between the two builds."""

    name: str
    version: str
    cwd: Path
    phases: dict[str, list[str]]
    edit: Callable[[], None]
    bin: Path | None = None  # its virtual environment's
    summary: re.Pattern[str] | None = None  # the lines of its output that say what it did
    notes: list[str] = field(default_factory=list)
    times: dict[tuple[str, str], Run] = field(default_factory=dict)


def ours(work: Path, dossier: Path, pdf: bool) -> Tool:
    repository = work / "ours"
    shutil.copytree(dossier, repository / "dossier")

    git(repository, "init", "-q", "-b", "main")
    git(repository, "add", "-A")
    git(repository, "commit", "-q", "-m", "Dossier")
    dossier_command = str(Path(sys.executable).with_name("dossier"))
    build = [dossier_command, "build", "dossier", "-o", "build"]
    phases = {"documents": build, "site": [dossier_command, "site", "dossier", "-o", "site"]}
    if pdf:
        phases["pdf"] = [*build, "-f", "pdf"]

    def edited() -> None:
        edit(next((repository / "dossier").rglob(f"{FIRST_FILE}.yaml")))
        git(repository, "commit", "-q", "-am", "Widen one criterion")

    summary = re.compile(r"^pandoc runs: .*$", re.MULTILINE)
    return Tool("ours", version("cmc-dossier"), repository, phases, edited, summary=summary)


def strictdoc(work: Path, facts: list[Fact], pdf: bool) -> Tool:
    folder = work / "strictdoc"
    strictdoc_corpus(facts, folder / "corpus")
    bin = venv(work, "strictdoc", ["strictdoc"])
    export = [str(bin / "strictdoc"), "export", "--output-dir", "out", "corpus", "--formats"]
    phases = {"site": [*export, "html"]}
    notes = ["no DOCX export"]
    driver, chromium = shutil.which("chromedriver"), shutil.which("chromium")
    if pdf and driver and chromium:
        (folder / "pdf.toml").write_text(PDF_CONFIG, "utf-8")
        phases["pdf"] = [*export[:2], "--config", "pdf.toml", *export[2:], "html2pdf",
                         "--chromedriver", driver, "--chrome-binary", chromium]  # fmt: skip
    elif pdf:
        notes.append("html2pdf not run: no chromedriver or chromium on this machine")
    return Tool(
        "StrictDoc",
        installed(bin, "strictdoc"),
        folder,
        phases,
        lambda: edit(next((folder / "corpus").rglob(f"{FIRST_FILE}.sdoc"))),
        bin,
        notes,
    )


def sphinx_needs(work: Path, facts: list[Fact], pdf: bool) -> Tool:
    folder = work / "sphinx-needs"
    sphinx_needs_corpus(facts, folder / "source")
    packages = ["sphinx-needs==9.1.0", "sphinx", "docxbuilder"] + (["rinohtype"] if pdf else [])
    bin = venv(work, "sphinx-needs", packages)

    def build(builder: str) -> list[str]:  # its doctrees in out/<builder>/.doctrees
        return [str(bin / "sphinx-build"), "-q", "-b", builder, "source", f"out/{builder}"]

    phases = {"documents": build("docx"), "site": build("html")}
    if pdf:
        phases["pdf"] = build("rinoh")
    sphinx = installed(bin, "sphinx")
    return Tool(
        "sphinx-needs",
        f"{installed(bin, 'sphinx-needs')} (Sphinx {sphinx}, docxbuilder "
        f"{installed(bin, 'docxbuilder')})",
        folder,
        phases,
        lambda: edit(next((folder / "source").rglob(f"{FIRST_FILE}.rst"))),
        bin,
    )


def loop(tool: Tool) -> None:
    """The initial build, the edit, the same commands again; each printed as it ends."""
    for step in STEPS:
        if step != STEPS[0]:
            tool.edit()
        for phase in PHASES:
            if phase in tool.phases:
                path = os.environ["PATH"]
                run, output = timed(
                    tool.phases[phase], tool.cwd, f"{tool.bin}:{path}" if tool.bin else path
                )
                tool.times[step, phase] = run
                said = tool.summary.findall(output) if tool.summary else []
                print(f"  {tool.name}, {step}, {phase}: {run.cpu:.2f} s CPU, {run.wall:.2f} s "
                      f"wall" + "".join(f"; {line}" for line in said), flush=True)  # fmt: skip
        if step == STEPS[0]:
            print(f"  {tool.name} wrote {outputs(tool.cwd)}", flush=True)


def outputs(folder: Path) -> str:
    """How many DOCX, PDF and HTML files a tool wrote (symbolic links not followed)."""
    counts = dict.fromkeys((".docx", ".pdf", ".html"), 0)
    for _, _, names in os.walk(folder):
        for name in names:
            suffix = Path(name).suffix
            if suffix in counts:
                counts[suffix] += 1
    return ", ".join(f"{n:,} {suffix[1:].upper()}" for suffix, n in counts.items() if n)


def total(tool: Tool, step: str, phases: tuple[str, ...]) -> Run | None:
    runs = [tool.times[step, phase] for phase in phases if (step, phase) in tool.times]
    return Run(sum(r.wall for r in runs), sum(r.cpu for r in runs)) if runs else None


def rows(tool: Tool) -> Iterator[tuple[str, str, Run | None]]:
    """(step, what, time) of every line of the table, the loop's sum after its parts."""
    for step in STEPS:
        for phase in PHASES:
            yield step, phase, tool.times.get((step, phase))
        yield step, "loop (documents + site)", total(tool, step, ("documents", "site"))


def _cell(run: Run | None) -> str:
    return f"{run.cpu:.2f} s CPU ({run.wall:.2f} s wall)" if run else "—"


def _ratio(peer: Run | None, mine: Run | None) -> str:
    if not peer or not mine:
        return "—"
    return f"{peer.cpu / mine.cpu:.2f}x CPU, {peer.wall / mine.wall:.2f}x wall"


def table(tools: list[Tool]) -> None:
    """A Markdown table: each tool's times, and each peer's over ours when ours ran."""
    mine = next((tool for tool in tools if tool.name == "ours"), None)
    peers = [tool for tool in tools if tool is not mine]
    header = ["step", "what"] + [tool.name for tool in tools]
    header += [f"{peer.name}/ours" for peer in peers if mine]
    print("| " + " | ".join(header) + " |")
    print("|---|---|" + "---:|" * (len(header) - 2))
    lines = zip(*(list(rows(tool)) for tool in tools), strict=True)
    for line in lines:
        step, what = line[0][0], line[0][1]
        if all(run is None for _, _, run in line):
            continue
        cells = [_cell(run) for _, _, run in line]
        if mine:
            own = line[tools.index(mine)][2]
            cells += [_ratio(line[tools.index(peer)][2], own) for peer in peers]
        print(f"| {step} | {what} | " + " | ".join(cells) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--facts", type=int, default=1000)
    parser.add_argument("--pdf", action="store_true", help="also the PDF of each tool")
    parser.add_argument("--only", action="append", choices=("ours", "strictdoc", "sphinx-needs"))
    arguments = parser.parse_args()
    chosen = arguments.only or ["ours", "strictdoc", "sphinx-needs"]
    work = Path(tempfile.mkdtemp(prefix="bench-peers-"))
    count = generate(work / "dossier", arguments.facts)
    facts = facts_of(work / "dossier")
    print(f"{count:,} facts, {len(by_file(facts))} files; load average "
          f"{', '.join(f'{load:.1f}' for load in os.getloadavg())}", flush=True)  # fmt: skip
    makers = {
        "ours": lambda: ours(work, work / "dossier", arguments.pdf),
        "strictdoc": lambda: strictdoc(work, facts, arguments.pdf),
        "sphinx-needs": lambda: sphinx_needs(work, facts, arguments.pdf),
    }
    tools = []
    for name in ("ours", "strictdoc", "sphinx-needs"):
        if name in chosen:
            tool = makers[name]()
            print(f"{tool.name} {tool.version}" + "".join(f"; {n}" for n in tool.notes), flush=True)
            loop(tool)
            tools.append(tool)
    print(f"load average at the end {', '.join(f'{load:.1f}' for load in os.getloadavg())}")
    table(tools)
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
