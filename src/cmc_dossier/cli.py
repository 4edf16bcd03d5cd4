"""The `dossier` command line. Thin: every command calls the package and formats results."""

from __future__ import annotations

import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn, get_args

import typer

if TYPE_CHECKING:
    from datetime import date

    from rich.progress import Progress, TaskID

    from cmc_dossier.changes.impact import ImpactReport
    from cmc_dossier.changes.rules import RuleTable
    from cmc_dossier.changes.snapshot import Snapshot
    from cmc_dossier.model.dossier import Dossier
    from cmc_dossier.model.product import Manifest

from cmc_dossier import __version__
from cmc_dossier.console import echo, say
from cmc_dossier.diagnostics.codes import CODES
from cmc_dossier.diagnostics.formatters import FORMATTERS
from cmc_dossier.model.vocabulary import Context, Modality, Phase, ViralVector

app = typer.Typer(
    name="dossier",
    help="CMC regulatory dossiers (EU IMPD quality, US IND Module 3) as code.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
)

EXIT_CLEAN, EXIT_ERRORS, EXIT_USAGE, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 1, 2, 3, 130


class OutputFormat(StrEnum):
    text = "text"
    json = "json"
    github = "github"
    sarif = "sarif"


def _stop(message: str, hint: str) -> NoReturn:
    """End a command on a problem with its input or environment: exit 1, named, with a hint."""
    echo(f"error: {message}\n    hint: {hint}", err=True)
    raise typer.Exit(EXIT_ERRORS)


def _version(value: bool) -> None:
    if value:
        echo(f"cmc-dossier {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show version.")
    ] = False,
) -> None:
    """CMC regulatory dossiers (EU IMPD quality, US IND Module 3) as code."""


@app.command()
def validate(
    path: Annotated[Path, typer.Argument(help="Dossier folder (or one fact file).")] = Path(
        "dossier"
    ),
    output_format: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="Output format.")
    ] = OutputFormat.text,
    strategy: Annotated[
        bool,
        typer.Option(
            "--strategy/--no-strategy",
            help="Add the CMC strategy findings (readiness, over-specification, gaps).",
        ),
    ] = True,
) -> None:
    """Check every fact file: YAML, schema, references, domain rules and CMC strategy."""
    from cmc_dossier.validation import validate_folder

    result = validate_folder(path)
    diagnostics = result.diagnostics
    if strategy and result.dossier is not None and not result.errors:
        from cmc_dossier.diagnostics import sort_key
        from cmc_dossier.strategy.findings import strategy_findings

        found = strategy_findings(result.dossier).active
        diagnostics = sorted([*diagnostics, *found], key=sort_key)
    text = FORMATTERS[output_format.value](diagnostics)
    # annotations are commands on purpose, their data escaped; anything else must not be
    (typer.echo if output_format is OutputFormat.github else echo)(text)
    raise typer.Exit(EXIT_ERRORS if result.errors else EXIT_CLEAN)


class ReportFormat(StrEnum):
    text = "text"
    markdown = "markdown"
    json = "json"


class Milestone(StrEnum):
    phase_1 = "1"
    phase_1_2 = "1/2"
    phase_2 = "2"
    phase_2_3 = "2/3"
    phase_3 = "3"
    marketing = "marketing-application"


def _validated(path: Path) -> Dossier:
    """The validated dossier, or the errors and exit 1."""
    from cmc_dossier.diagnostics.formatters import as_text
    from cmc_dossier.validation import validate_folder

    result = validate_folder(path)
    if result.errors or result.dossier is None or result.dossier.manifest is None:
        echo(as_text(result.errors or result.diagnostics), err=True)
        raise typer.Exit(EXIT_ERRORS)
    return result.dossier


@app.command()
def readiness(
    path: Annotated[Path, typer.Argument(help="Dossier folder.")] = Path("dossier"),
    phase: Annotated[
        Milestone | None,
        typer.Option("--phase", help="Assess at this milestone instead of the dossier's phase."),
    ] = None,
    output_format: Annotated[
        ReportFormat, typer.Option("--format", "-f", help="Report format.")
    ] = ReportFormat.text,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to a file.")] = None,
) -> None:
    """Per CTD section: what meets the phase, what does not, what the next phase needs."""
    from cmc_dossier.strategy import report as formats

    found = formats.readiness(_validated(path), phase.value if phase else None)
    render = {"text": formats.as_text, "markdown": formats.as_markdown, "json": formats.as_json}
    _write_output(render[output_format.value](found), output, path)


def _as_of(value: str | None) -> date:
    from datetime import date

    if value is None:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"'{value}' is not an ISO date (YYYY-MM-DD)") from None


class DocumentFormat(StrEnum):
    text = "text"
    markdown = "markdown"
    json = "json"
    docx = "docx"


def _write_document(
    markdown: str, title: str, dossier: Dossier, output: Path | None, folder: Path
) -> None:
    """A strategy document as DOCX: one pandoc call, styled by the default reference."""
    from cmc_dossier.publish.docx import Stamp, to_docx
    from cmc_dossier.publish.pipeline import reference_document

    if output is None:
        raise typer.BadParameter("DOCX needs --output FILE.docx")
    assert dossier.manifest is not None
    reference, reference_path = reference_document(None, "a4")
    stamp = Stamp(dossier.manifest.product.name, title, dossier.manifest.document_version,
                  "", True)  # fmt: skip
    from cmc_dossier.outputs import outside, replace_file

    outside(output, folder)
    replace_file(output, to_docx(markdown, reference, str(reference_path), stamp, 0))


@app.command()
def roadmap(
    path: Annotated[Path, typer.Argument(help="Dossier folder.")] = Path("dossier"),
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Judge overdue dates as of YYYY-MM-DD.")
    ] = None,
    output_format: Annotated[
        DocumentFormat, typer.Option("--format", "-f", help="Report format.")
    ] = DocumentFormat.text,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to a file.")] = None,
) -> None:
    """The CMC roadmap: per milestone up to BLA/MAA, activities due and gaps to close."""
    from cmc_dossier.render.text import PANDOC, escape
    from cmc_dossier.strategy import roadmap_report as formats
    from cmc_dossier.strategy.roadmap import roadmap as plan

    dossier = _validated(path)
    found = plan(dossier, _as_of(as_of))
    assert dossier.manifest is not None
    product = dossier.manifest.product.name
    if output_format is DocumentFormat.docx:
        markdown = formats.as_markdown(found, product, lambda text: escape(text, PANDOC))
        _write_document(markdown, "CMC roadmap", dossier, output, path)
        return
    render = {
        "text": lambda: formats.as_text(found, product),
        "markdown": lambda: formats.as_markdown(found, product),
        "json": lambda: formats.as_json(found),
    }
    _write_output(render[output_format.value](), output, path)


class AnnexFormat(StrEnum):
    markdown = "markdown"
    docx = "docx"


@app.command()
def responsibilities(
    path: Annotated[Path, typer.Argument(help="Dossier folder.")] = Path("dossier"),
    output_format: Annotated[
        AnnexFormat, typer.Option("--format", "-f", help="Annex format.")
    ] = AnnexFormat.markdown,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to a file.")] = None,
) -> None:
    """The responsibilities annex: per activity and fact, who maintains, approves, performs
    and holds the raw data."""
    from cmc_dossier.render.text import PANDOC, escape
    from cmc_dossier.strategy.report import cell
    from cmc_dossier.strategy.responsibilities import as_markdown
    from cmc_dossier.strategy.responsibilities import responsibilities as matrix

    dossier = _validated(path)
    found = matrix(dossier)
    if output_format is AnnexFormat.docx:
        markdown = as_markdown(found, lambda text: escape(text, PANDOC))
        _write_document(markdown, "Responsibilities", dossier, output, path)
        return
    _write_output(as_markdown(found, cell), output, path)


@app.command("transfer-package")
def transfer_package(
    site: Annotated[str, typer.Argument(help="ID of the sending site.")],
    path: Annotated[Path, typer.Argument(help="Dossier folder.")] = Path("dossier"),
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Folder to write (must not exist).")
    ] = Path("transfer-package"),
) -> None:
    """The product facts a receiving site needs, without the sending site's specifics."""
    from cmc_dossier.strategy.transfer import TransferError, write_package

    dossier = _validated(path)
    try:
        written = write_package(dossier, path, site, output)
    except TransferError as error:
        echo(f"error: {error}", err=True)
        raise typer.Exit(EXIT_ERRORS) from None
    echo(f"wrote {written} files to {output}")


class Target(StrEnum):
    ind = "ind"
    impd = "impd"
    qos = "qos"
    m4q_r2 = "m4q-r2"
    all = "all"


class Format(StrEnum):
    md = "md"
    docx = "docx"
    pdf = "pdf"  # Markdown, DOCX and the PDF converted from it (LibreOffice)
    all = "all"  # every format: the same as pdf


# What each --format writes; without one, Markdown and DOCX (no LibreOffice needed).
_FORMATS = {
    None: ("md", "docx"),
    Format.md: ("md",),
    Format.docx: ("docx",),
    Format.pdf: ("md", "docx", "pdf"),
    Format.all: ("md", "docx", "pdf"),
}


def _progress_bar() -> Progress | None:
    """A progress display on a terminal; nothing in CI or when output is redirected."""
    if os.environ.get("CI") or not sys.stderr.isatty():
        return None
    from rich.progress import Progress

    return Progress(transient=True)


@app.command()
def build(
    path: Annotated[Path, typer.Argument(help="Dossier folder.")] = Path("dossier"),
    output: Annotated[Path, typer.Option("--output", "-o", help="Output folder.")] = Path("build"),
    target: Annotated[Target, typer.Option("--target", "-t", help="Document set.")] = Target.all,
    output_format: Annotated[
        Format | None,
        typer.Option(
            "--format",
            "-f",
            help="md, docx, or pdf (Markdown, DOCX and the PDF made from it; in the eCTD tree "
            "the PDF is the leaf); all: every format, as pdf. Default: Markdown and DOCX.",
            show_default=False,
        ),
    ] = None,
    draft: Annotated[
        bool, typer.Option("--draft", help="DRAFT watermark even on a clean commit.")
    ] = False,
    templates: Annotated[
        Path | None,
        typer.Option(
            help="Folder of templates overriding the built-in ones by name.",
            exists=True,
            file_okay=False,
        ),
    ] = None,
) -> None:
    """Validate, then build the IND Module 3, the IMPD, the Module 2.3 QOS and the M4Q(R2)
    preview as Markdown and DOCX (and PDF with -f pdf or -f all)."""
    from cmc_dossier.diagnostics.formatters import as_text
    from cmc_dossier.publish.pipeline import BuildOptions
    from cmc_dossier.publish.pipeline import build as run_build
    from cmc_dossier.render.targets import DOCUMENT_TARGETS

    if templates is None and (path.parent / "templates").is_dir():
        templates = path.parent / "templates"
    options = BuildOptions(
        root=path,
        output=output,
        targets=DOCUMENT_TARGETS if target is Target.all else (target.value,),
        formats=_FORMATS[output_format],
        draft=draft,
        templates=templates,
    )
    bar = _progress_bar()
    if bar is None:
        report = run_build(options)
    else:
        with bar:
            tasks: dict[str, TaskID] = {}

            def show(name: str, done: int, total: int) -> None:
                if name not in tasks:
                    tasks[name] = bar.add_task(f"DOCX {name}", total=total)
                bar.update(tasks[name], completed=done)

            report = run_build(options, show)
    if report.diagnostics:
        echo(as_text(report.diagnostics))
    if report.failed:
        echo("build stopped; the previous output is unchanged", err=True)
        raise typer.Exit(EXIT_ERRORS)
    for name, files in report.written.items():
        echo(f"{name}: {len(files)} files in {output / name}")
    echo(
        f"pandoc runs: {report.pandoc_runs}, PDF conversions: {report.pdf_runs}, "
        f"reused unchanged: {report.reused}, restamped: {report.restamped}"
    )
    if report.converted:
        shown = ", ".join(report.converted[:10])
        more = len(report.converted) - 10
        echo(f"converted by pandoc: {shown}" + (f" and {more} more" if more > 0 else ""))
    if report.parts_converted or report.parts_reused:
        echo(
            f"document parts: {report.parts_converted} converted by pandoc, "
            f"{report.parts_reused} reused from the cache"
        )


@app.command()
def site(
    path: Annotated[Path, typer.Argument(help="Dossier folder.")] = Path("dossier"),
    config: Annotated[
        Path | None,
        typer.Option(
            "--config",
            help="mkdocs configuration (default: ./mkdocs.yml, else the one cmc-dossier ships).",
        ),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Site folder (default: site_dir).")
    ] = None,
    serve: Annotated[
        bool, typer.Option("--serve", help="Preview with live reload instead of building.")
    ] = False,
    address: Annotated[str, typer.Option(help="Address for --serve.")] = "127.0.0.1:8000",
) -> None:
    """Build the review website (mkdocs-material, offline) from the dossier."""
    import logging

    from cmc_dossier.site.mkdocs_site import build_site, serve_site

    if config is None and Path("mkdocs.yml").is_file():
        config = Path("mkdocs.yml")
    if config is not None and not config.is_file():
        _stop(
            f"no mkdocs configuration at {config}",
            "pass --config FILE: a mkdocs.yml using the cmc-dossier plugin",
        )
    if not path.is_dir():
        _stop(
            f"no dossier folder at {path}; the site was not changed",
            "pass the folder that holds the dossier's YAML facts",
        )
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    if serve:
        echo(f"serving the review site of {path} at http://{address}/ (Ctrl-C stops)")
        serve_site(config, path, address)
        return
    try:
        written = build_site(config, dossier=path, site_dir=output)
    except SystemExit as aborted:  # mkdocs strict mode stops on warnings it has logged
        echo("site build stopped by the warnings above", err=True)
        raise typer.Exit(EXIT_ERRORS) from aborted
    echo(f"site: {written}")


def _choices(name: str, vocabulary: object) -> type[StrEnum]:
    """The model's vocabulary (a Literal) as the choices of an option."""
    return StrEnum(name, {value: value for value in get_args(vocabulary)})  # type: ignore[return-value]


ModalityChoice = _choices("ModalityChoice", Modality)
PhaseChoice = _choices("PhaseChoice", Phase)
ContextChoice = _choices("ContextChoice", Context)
ViralVectorChoice = _choices("ViralVectorChoice", ViralVector)


@app.command()
def init(
    path: Annotated[Path, typer.Argument(help="Repository folder (created if missing).")] = Path(),
    product: Annotated[str, typer.Option(help="Product name, as in the documents.")] = ...,
    code: Annotated[str, typer.Option(help="Product code, e.g. EX-101.")] = ...,
    modality: Annotated[ModalityChoice, typer.Option(help="Modality.")] = ...,
    sponsor: Annotated[str, typer.Option(help="Sponsor organisation's name.")] = ...,
    sponsor_country: Annotated[
        str, typer.Option(help="Sponsor's country, ISO 3166-1 alpha-2 (GB, US, DE).")
    ] = ...,
    phase: Annotated[PhaseChoice, typer.Option(help="Clinical phase.")] = "1",
    context: Annotated[
        list[ContextChoice] | None,
        typer.Option(help="Filing context (repeat for several; default us-ind)."),
    ] = None,
    inn: Annotated[str | None, typer.Option(help="International non-proprietary name.")] = None,
    viral_vector: Annotated[
        ViralVectorChoice | None, typer.Option(help="Vector of a gene therapy.")
    ] = None,
) -> None:
    """Start a product repository: manifest, schema, workflow, pre-commit, site config."""
    from cmc_dossier.scaffold import DOSSIER, Product, ScaffoldError, scaffold

    facts = Product(
        name=product,
        code=code,
        modality=str(modality),
        phase=str(phase),
        contexts=tuple(dict.fromkeys(str(item) for item in context or ["us-ind"])),
        sponsor=sponsor,
        sponsor_country=sponsor_country,
        inn=inn,
        viral_vector=str(viral_vector) if viral_vector else None,
    )
    try:
        written = scaffold(path, facts)
    except ScaffoldError as error:
        _stop(str(error), error.hint)
    for file in written:
        echo(f"wrote {file}")
    echo(f"next: cd {path}; dossier validate {DOSSIER}; dossier build {DOSSIER}; dossier site")


BaseRevision = Annotated[str, typer.Argument(help="Base revision (branch, tag, commit).")]
HeadRevision = Annotated[str, typer.Argument(help="Head revision.")]
DossierFolder = Annotated[Path, typer.Option("--path", help="Dossier folder.")]
Worktree = Annotated[
    bool, typer.Option("--worktree", help="Compare BASE with the uncommitted working tree.")
]
RulesOption = Annotated[
    Path | None,
    typer.Option(help="Impact rules overriding the shipped ones.", exists=True, dir_okay=False),
]


def _write_output(text: str, output: Path | None, dossier: Path) -> None:
    _write_outputs([(text, output)], dossier)


def _write_outputs(writes: list[tuple[str, Path | None]], dossier: Path) -> None:
    """Each text to standard output (no -o, or -o -), else whole into the file named; no
    file is written when one of them would go into the dossier folder."""
    from cmc_dossier.outputs import outside, write_file

    files = [output for _, output in writes if output is not None and str(output) != "-"]
    for output in files:
        outside(output, dossier)
    for text, output in writes:
        if output in files:
            write_file(output, text)
        else:
            echo(text)


def _snapshots(path: Path, base: str, head: str, worktree: bool) -> tuple[Snapshot, Snapshot]:
    """The dossier at BASE and at HEAD (or in the working tree); git problems end the command."""
    from cmc_dossier.changes.snapshot import at_revision, working_tree
    from cmc_dossier.vcs import GitError

    if not path.is_dir():
        _stop(
            f"no dossier folder at {path}",
            "--path names the dossier folder inside the git repository",
        )
    try:
        return at_revision(path, base), working_tree(path) if worktree else at_revision(path, head)
    except GitError as error:
        _stop(str(error), error.hint)


def _rules_at_base(
    before: Snapshot, after: Snapshot, explicit: Path | None
) -> tuple[RuleTable, Path | None]:
    """The impact rules of the base revision (a branch cannot reclassify itself), and the
    rules file if the branch changed it. An explicit --rules file is used as given."""
    from cmc_dossier.changes.rules import RULES_FILE, load_rules

    if explicit is not None:
        return load_rules((explicit, explicit.read_text(encoding="utf-8"))), None
    name = before.root.parent / RULES_FILE
    at_base, at_head = before.beside(RULES_FILE), after.beside(RULES_FILE)
    table = load_rules((name, at_base.decode("utf-8")) if at_base is not None else None)
    return table, (Path(RULES_FILE) if at_base != at_head else None)


@app.command()
def diff(
    base: BaseRevision,
    head: HeadRevision = "HEAD",
    path: DossierFolder = Path("dossier"),
    worktree: Worktree = False,
    output_format: Annotated[
        ReportFormat, typer.Option("--format", "-f", help="Report format.")
    ] = ReportFormat.text,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to a file (- for stdout).")
    ] = None,
    rules: RulesOption = None,
    full: Annotated[
        bool, typer.Option("--full", help="Validate both revisions completely, all checks.")
    ] = False,
    json_output: Annotated[
        Path | None,
        typer.Option("--json", help="Also write the JSON report (one diff, two files)."),
    ] = None,
) -> None:
    """Fact-level diff between two git revisions, with its regulatory impact."""
    from cmc_dossier.changes import report as formats

    report, before, after = _assessed(path, base, head, worktree, rules, full)
    render = {"text": formats.as_text, "markdown": formats.as_markdown, "json": formats.as_json}
    text = render[output_format.value](report)
    if output_format is ReportFormat.markdown:
        text += _readiness_change(before, after)
    writes = [(text, output)]
    if json_output is not None:
        writes.append((formats.as_json(report), json_output))
    _write_outputs(writes, path)


def _assessed(
    path: Path, base: str, head: str, worktree: bool, rules: Path | None, full: bool
) -> tuple[ImpactReport, Snapshot, Snapshot]:
    """The impact report of BASE..HEAD with its stale-text items, and both snapshots."""
    from cmc_dossier.changes.facts_diff import diff as fact_diff
    from cmc_dossier.changes.impact import assess
    from cmc_dossier.changes.rules import RulesError
    from cmc_dossier.changes.stale import stale_text
    from cmc_dossier.diagnostics.formatters import as_text

    before, after = _snapshots(path, base, head, worktree)
    try:
        table, rules_changed = _rules_at_base(before, after, rules)
    except RulesError as error:
        echo(as_text(error.diagnostics), err=True)
        raise typer.Exit(EXIT_ERRORS) from None
    found = fact_diff(before, after)
    if full:
        found.base_problems = before.validate().diagnostics
        found.head_problems = after.validate().diagnostics
    report = assess(found, table, rules_changed)
    report.problems_of_whole_revisions = full
    report.to_check = found.not_compared + stale_text(report, after.root)
    return report, before, after


@app.command()
def comparability(
    base: BaseRevision,
    head: HeadRevision = "HEAD",
    path: DossierFolder = Path("dossier"),
    output: Annotated[Path, typer.Option("--output", "-o", help="Output folder.")] = Path(
        "build/comparability"
    ),
    worktree: Worktree = False,
    rules: RulesOption = None,
) -> None:
    """A comparability protocol draft (Markdown and DOCX) for the changes BASE..HEAD."""
    from cmc_dossier.changes.comparability import as_markdown, plan
    from cmc_dossier.diagnostics.formatters import as_text

    report, before, after = _assessed(path, base, head, worktree, rules, False)
    at_base, at_head = before.validate(), after.validate()
    problems = at_base.errors + at_head.errors
    if problems or at_head.dossier is None or at_base.dossier is None:
        echo(as_text(problems))
        echo("comparability stopped: a revision does not validate", err=True)
        raise typer.Exit(EXIT_ERRORS)
    manifest = at_head.dossier.manifest
    assert manifest is not None  # a valid dossier has its manifest
    planned = plan(report, at_head.dossier, at_base.dossier)
    markdown = as_markdown(report, planned, manifest)
    _publish_pair(markdown, "Comparability protocol (draft)", manifest, after.label, path,
                  output / "comparability-protocol")  # fmt: skip
    echo(f"comparability: {len(planned)} changes planned in {output}")


def _readiness_change(before: Snapshot, after: Snapshot) -> str:
    """The comment's readiness section, when both revisions validate without errors."""
    from cmc_dossier.changes.report import readiness_markdown
    from cmc_dossier.strategy.delta import readiness_delta

    base, head = before.validate(), after.validate()
    if base.errors or head.errors or base.dossier is None or head.dossier is None:
        return ""
    if base.dossier.manifest is None or head.dossier.manifest is None:
        return ""
    return readiness_markdown(readiness_delta(base.dossier, head.dossier))


@app.command()
def redline(
    base: BaseRevision,
    head: HeadRevision = "HEAD",
    path: DossierFolder = Path("dossier"),
    output: Annotated[Path, typer.Option("--output", "-o", help="Output folder.")] = Path(
        "build/redline"
    ),
    worktree: Worktree = False,
    change_table: Annotated[
        bool | None,
        typer.Option(
            "--change-table/--no-change-table",
            help="Write the EU change table (default: when the EU CTA category is substantial).",
        ),
    ] = None,
) -> None:
    """DOCX with Word tracked changes for every document that differs between revisions,
    and the EU change table for a substantial modification."""
    from datetime import UTC, datetime

    from cmc_dossier.changes.redline import redline_documents
    from cmc_dossier.diagnostics.formatters import as_text
    from cmc_dossier.outputs import Generations

    before, after = _snapshots(path, base, head, worktree)
    if after.commit is not None:
        author, date = after.commit.author, after.commit.date
    else:
        author, date = "working tree", datetime.now(UTC).isoformat(timespec="seconds")
    templates = path.parent / "templates"
    with Generations(output.parent, f".{output.name}.generations", (output.name,)) as fresh:
        staging = fresh.staging / output.name
        staging.mkdir()
        written, problems = redline_documents(
            before, after, staging, author, date, templates if templates.is_dir() else None
        )
        if not problems:
            fresh.commit()  # replaces the whole folder: no file of an earlier run stays
    if problems:
        echo(as_text(problems))
        echo("redline stopped: a revision does not validate", err=True)
        raise typer.Exit(EXIT_ERRORS)
    echo(f"redline: {len(written) // 2} documents with tracked changes in {output}")
    if change_table is not False:
        _write_change_table(before, after, path, output, change_table is True)


def _publish_pair(
    markdown: str, title: str, manifest: Manifest, label: str, path: Path, stem: Path
) -> None:
    """One generated document as Markdown and DOCX (the drafts' reference document and
    header stamp), each written whole."""
    from cmc_dossier.publish.docx import Stamp, to_docx
    from cmc_dossier.publish.pipeline import reference_document

    templates = path.parent / "templates"
    reference, reference_path = reference_document(templates if templates.is_dir() else None, "a4")
    stamp = Stamp(manifest.product.name, title, manifest.document_version, label, True)
    from cmc_dossier.outputs import replace_file

    docx = to_docx(markdown, reference, str(reference_path), stamp, 0)
    for suffix, content in ((".md", markdown.encode("utf-8")), (".docx", docx)):
        replace_file(stem.with_suffix(suffix), content)


def _write_change_table(
    before: Snapshot, after: Snapshot, path: Path, output: Path, forced: bool
) -> None:
    """The change table (Markdown and DOCX) beside the IMPD redline, when it is due."""
    from cmc_dossier.changes import change_table as table
    from cmc_dossier.changes.facts_diff import diff as fact_diff
    from cmc_dossier.changes.impact import assess

    rules, rules_changed = _rules_at_base(before, after, None)
    report = assess(fact_diff(before, after), rules, rules_changed)
    if not (forced or table.needed(report)) or table.CONTEXT not in report.overall:
        return
    old_manifest = report.base_dossier.manifest if report.base_dossier else None
    manifest = report.head_dossier.manifest if report.head_dossier else None
    assert manifest is not None  # the redline validated the head
    old_version = old_manifest.document_version if old_manifest else "?"
    markdown = table.as_markdown(report, manifest, old_version)
    title = f"Change table: version {old_version} to version {manifest.document_version}"
    _publish_pair(markdown, title, manifest, after.label, path, output / "impd" / "change-table")
    echo(f"change table: {len(report.changes)} changes in {output / 'impd'}")


@app.command("migrate-established-conditions")
def migrate_established_conditions(
    path: Annotated[Path, typer.Argument(help="Dossier folder.")] = Path("dossier"),
    check: Annotated[
        bool, typer.Option("--check", help="List what would change; write nothing.")
    ] = False,
) -> None:
    """Rewrite established conditions to a reporting category per kind of change (ICH Q12)."""
    from cmc_dossier.changes.migrate import MIGRATED_KINDS, migrate_folder

    rewrites = migrate_folder(path, write=not check)
    for rewrite in rewrites:
        echo(f"{rewrite.file}:{rewrite.line}: {rewrite.old.strip()} -> {rewrite.new.strip()}")
    verb = "would rewrite" if check else "rewrote"
    echo(
        f"{verb} {len(rewrites)} declaration(s); the old category now applies to "
        f"{', '.join(MIGRATED_KINDS)}, and tightening and addition follow the impact rules"
    )
    if check and rewrites:
        raise typer.Exit(EXIT_ERRORS)


@app.command()
def codeowners(
    path: Annotated[Path, typer.Argument(help="Dossier folder.")] = Path("dossier"),
    output: Annotated[Path, typer.Option("--output", "-o", help="CODEOWNERS file.")] = Path(
        ".github/CODEOWNERS"
    ),
) -> None:
    """Write CODEOWNERS so each fact file requests review from the organisations approving it."""
    from cmc_dossier.changes.codeowners import codeowners as owners
    from cmc_dossier.diagnostics.formatters import as_text
    from cmc_dossier.validation import validate_folder
    from cmc_dossier.vcs import repository_root

    result = validate_folder(path)
    if result.errors or result.dossier is None:
        echo(as_text(result.diagnostics))
        raise typer.Exit(EXIT_ERRORS)
    repository = repository_root(path) or Path.cwd()
    text, problems = owners(result.dossier, path, repository)
    if problems:
        echo(as_text(problems))
    _write_output(text, output, path)
    echo(f"wrote {output}")


@app.command()
def comment(
    report: Annotated[Path, typer.Argument(help="Markdown report to post.")],
    pr: Annotated[
        int | None, typer.Option(help="Pull request number (default: from the event).")
    ] = None,
) -> None:
    """Post the impact report as one sticky pull-request comment (GitHub Actions)."""
    import json

    from cmc_dossier.changes.comment import CommentError, PullRequest, post_or_update

    environment = os.environ
    missing = [k for k in ("GITHUB_REPOSITORY", "GITHUB_TOKEN") if not environment.get(k)]
    if pr is None and environment.get("GITHUB_EVENT_PATH"):
        event = json.loads(Path(environment["GITHUB_EVENT_PATH"]).read_text(encoding="utf-8"))
        pr = (event.get("pull_request") or {}).get("number")
    if missing or pr is None:
        echo(f"cannot post: missing {', '.join(missing) or 'the pull request number'}", err=True)
        raise typer.Exit(EXIT_USAGE)
    target = PullRequest(
        environment.get("GITHUB_API_URL", "https://api.github.com"),
        environment["GITHUB_REPOSITORY"],
        pr,
        environment["GITHUB_TOKEN"],
    )
    try:
        echo(post_or_update(target, report.read_text(encoding="utf-8")))
    except CommentError as error:
        _stop(
            f"cannot post the comment: {error}",
            "check the job's `pull-requests: write` permission and GITHUB_TOKEN",
        )


import_app = typer.Typer(help="Bring partners' data into the fact files.", no_args_is_help=True)
app.add_typer(import_app, name="import")


@import_app.command("results")
def import_results(
    sheet: Annotated[Path, typer.Argument(help="CSV or XLSX of batch or stability results.")],
    path: Annotated[Path, typer.Option("--path", help="Dossier folder.")] = Path("dossier"),
    mapping: Annotated[
        Path | None, typer.Option("--mapping", help="YAML mapping for a partner's own layout.")
    ] = None,
    sheet_name: Annotated[
        str | None,
        typer.Option("--sheet", help="XLSX sheet to read (default: the mapping's, or the active)."),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show the change as a diff; write nothing.")
    ] = False,
    accept_out_of_specification: Annotated[
        bool,
        typer.Option(
            "--accept-out-of-specification",
            help="Write results outside their criterion (still reported).",
        ),
    ] = False,
) -> None:
    """Add batch or stability results from a spreadsheet to the fact files, all or nothing."""
    import difflib

    from cmc_dossier.diagnostics.formatters import as_text
    from cmc_dossier.exchange.layout import read_mapping
    from cmc_dossier.exchange.results_import import import_results as run_import
    from cmc_dossier.exchange.results_import import write_changes
    from cmc_dossier.outputs import source_lock

    layout = None
    if mapping is not None:
        layout, problems = read_mapping(mapping)
        if layout is None:
            echo(as_text(problems))
            raise typer.Exit(EXIT_ERRORS)
    with source_lock(path):  # another import into this folder waits until this one wrote
        outcome = run_import(path, sheet, layout, accept_out_of_specification, sheet_name)
        if outcome.diagnostics:
            echo(as_text(outcome.diagnostics))
        if outcome.blocked or (outcome.out_of_specification and not accept_out_of_specification):
            echo("import stopped; no fact file was changed", err=True)
            raise typer.Exit(EXIT_ERRORS)
        if not dry_run and (problems := write_changes(outcome.changes)):
            echo(as_text(problems))
            echo("import stopped; no fact file was changed", err=True)
            raise typer.Exit(EXIT_ERRORS)
    for file, (old, new) in outcome.changes.items() if dry_run else ():
        name = str(file)
        echo(
            "".join(
                difflib.unified_diff(
                    old.splitlines(True), new.splitlines(True), f"a/{name}", f"b/{name}"
                )
            ),
            nl=False,
        )
    verb = "would add" if dry_run else "added"
    echo(
        f"{outcome.kind}: {verb} {outcome.added} results in {len(outcome.changes)} files; "
        f"{outcome.unchanged} already present"
    )


class ExportFormat(StrEnum):
    json = "json"
    fhir = "fhir"


@app.command()
def export(
    path: Annotated[Path, typer.Argument(help="Dossier folder.")] = Path("dossier"),
    output_format: Annotated[
        ExportFormat, typer.Option("--format", "-f", help="JSON of every fact, or PQ/CMC FHIR.")
    ] = ExportFormat.json,
    output: Annotated[Path, typer.Option("--output", "-o", help="Output folder.")] = Path(
        "build/export"
    ),
) -> None:
    """Export the validated dossier for other tools (JSON) or FDA (PQ/CMC FHIR R5 bundles)."""
    from cmc_dossier.diagnostics.formatters import as_text
    from cmc_dossier.exchange.export import write_export

    written, problems = write_export(path, output_format.value, output)
    if problems:
        echo(as_text(problems))
    if written is None:
        echo("export stopped; nothing was written", err=True)
        raise typer.Exit(EXIT_ERRORS)
    echo(f"{output_format.value}: {len(written)} files in {output}")


@app.command()
def explain(
    code: Annotated[str | None, typer.Argument(help="A diagnostic code, e.g. DOS201.")] = None,
) -> None:
    """Explain a diagnostic code, or list them all."""
    if code is None:
        for info in CODES.values():
            echo(f"{info.code}  {info.severity:<7}  {info.title}")
        return
    info = CODES.get(code.upper())
    if info is None:
        echo(f"unknown code '{code}'; `dossier explain` lists them", err=True)
        raise typer.Exit(EXIT_USAGE)
    echo(f"{info.code} ({info.severity}): {info.title}\n\n{info.explanation}")


@app.command()
def schema(
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder for the schemas.")] = Path(
        "schemas"
    ),
) -> None:
    """Write the JSON Schema of fact files (for editors and CI)."""
    from cmc_dossier.schema import write_schemas

    for written in write_schemas(output):
        echo(f"wrote {written}")


def _fail(message: str, hint: str) -> NoReturn:
    say(f"error: {message}\n    hint: {hint}")
    sys.exit(EXIT_ERRORS)


def main(argv: list[str] | None = None) -> None:
    """Entry point: exit 0 clean, 1 a problem with the input or the environment (named, with a
    hint), 2 usage, 3 a bug in cmc-dossier, 130 interrupted; never a traceback otherwise."""
    from cmc_dossier.outputs import OutputError

    try:
        app(args=argv)
    except SystemExit as leaving:
        if leaving.code == EXIT_INTERRUPTED:  # typer's answer to Ctrl-C
            say(
                "interrupted: outputs are published whole or not at all, so each output "
                "folder holds its previous content or, if it was complete, the new one"
            )
        raise
    except OutputError as error:
        _fail(str(error), error.hint)
    except OSError as error:
        where = f"{error.filename}: " if error.filename else ""
        _fail(
            f"{where}{error.strerror or error}",
            "check that the path exists, that you may write there and the disk has space",
        )
    except Exception as error:  # a bug in cmc-dossier, not in the user's dossier
        if os.environ.get("CMC_DOSSIER_DEBUG"):
            raise
        say(
            f"internal error: {type(error).__name__}: {error}\n"
            "this is a bug in cmc-dossier; rerun with CMC_DOSSIER_DEBUG=1 for details"
        )
        sys.exit(EXIT_INTERNAL)
