"""The `dossier` command line. Thin: every command calls the package and formats results."""

from __future__ import annotations

import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

    from cmc_dossier.changes.snapshot import Snapshot

from cmc_dossier import __version__
from cmc_dossier.diagnostics.codes import CODES
from cmc_dossier.diagnostics.formatters import FORMATTERS

app = typer.Typer(
    name="dossier",
    help="CMC regulatory dossiers (EU IMPD quality, US IND Module 3) as code.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

EXIT_CLEAN, EXIT_ERRORS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


class OutputFormat(StrEnum):
    text = "text"
    json = "json"
    github = "github"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"cmc-dossier {__version__}")
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
) -> None:
    """Check every fact file: YAML, schema, references and domain rules."""
    from cmc_dossier.validation import validate_folder

    result = validate_folder(path)
    typer.echo(FORMATTERS[output_format.value](result.diagnostics))
    raise typer.Exit(EXIT_ERRORS if result.errors else EXIT_CLEAN)


class Target(StrEnum):
    ind = "ind"
    impd = "impd"
    all = "all"


class Format(StrEnum):
    md = "md"
    docx = "docx"
    pdf = "pdf"  # Markdown, DOCX and the PDF converted from it (LibreOffice)
    all = "all"


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
        Format, typer.Option("--format", "-f", help="Markdown, DOCX or both.")
    ] = Format.all,
    draft: Annotated[
        bool, typer.Option("--draft", help="DRAFT watermark even on a clean commit.")
    ] = False,
    templates: Annotated[
        Path | None,
        typer.Option(help="Folder of templates overriding the built-in ones by name."),
    ] = None,
) -> None:
    """Validate, then build the IND Module 3 and the IMPD as Markdown and DOCX."""
    from cmc_dossier.diagnostics.formatters import as_text
    from cmc_dossier.publish.pipeline import BuildOptions
    from cmc_dossier.publish.pipeline import build as run_build

    if templates is None and (path.parent / "templates").is_dir():
        templates = path.parent / "templates"
    options = BuildOptions(
        root=path,
        output=output,
        targets=("ind", "impd") if target is Target.all else (target.value,),
        formats={Format.all: ("md", "docx"), Format.pdf: ("md", "docx", "pdf")}.get(
            output_format, (output_format.value,)
        ),
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
        typer.echo(as_text(report.diagnostics))
    if report.failed:
        typer.echo("build stopped; the previous output is unchanged", err=True)
        raise typer.Exit(EXIT_ERRORS)
    for name, files in report.written.items():
        typer.echo(f"{name}: {len(files)} files in {output / name}")
    typer.echo(
        f"pandoc runs: {report.pandoc_runs}, PDF conversions: {report.pdf_runs}, "
        f"reused unchanged: {report.reused}"
    )


@app.command()
def site(
    path: Annotated[Path, typer.Argument(help="Dossier folder.")] = Path("dossier"),
    config: Annotated[Path, typer.Option("--config", help="mkdocs configuration.")] = Path(
        "mkdocs.yml"
    ),
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

    if not config.is_file():
        typer.echo(f"no mkdocs configuration at {config}", err=True)
        raise typer.Exit(EXIT_USAGE)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    if serve:
        serve_site(config, address)
        return
    try:
        written = build_site(config, dossier=path, site_dir=output)
    except SystemExit as aborted:  # mkdocs strict mode stops on warnings it has logged
        typer.echo("site build stopped by the warnings above", err=True)
        raise typer.Exit(EXIT_ERRORS) from aborted
    typer.echo(f"site: {written}")


class ReportFormat(StrEnum):
    text = "text"
    markdown = "markdown"
    json = "json"


def _write_output(text: str, output: Path | None) -> None:
    if output is None:
        typer.echo(text)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    temporary = output.with_name(output.name + ".tmp")
    temporary.write_text(text + ("" if text.endswith("\n") else "\n"), encoding="utf-8")
    temporary.replace(output)


def _snapshots(path: Path, base: str, head: str, worktree: bool) -> tuple[Snapshot, Snapshot]:
    """The dossier at BASE and at HEAD (or in the working tree); git problems end the command."""
    from cmc_dossier.changes.snapshot import at_revision, working_tree
    from cmc_dossier.vcs import GitError

    try:
        return at_revision(path, base), working_tree(path) if worktree else at_revision(path, head)
    except GitError as error:
        typer.echo(f"error: {error}\n    hint: {error.hint}", err=True)
        raise typer.Exit(EXIT_ERRORS) from None


@app.command()
def diff(
    base: Annotated[str, typer.Argument(help="Base revision (branch, tag, commit).")],
    head: Annotated[str, typer.Argument(help="Head revision.")] = "HEAD",
    path: Annotated[Path, typer.Option("--path", help="Dossier folder.")] = Path("dossier"),
    worktree: Annotated[
        bool, typer.Option("--worktree", help="Compare BASE with the uncommitted working tree.")
    ] = False,
    output_format: Annotated[
        ReportFormat, typer.Option("--format", "-f", help="Report format.")
    ] = ReportFormat.text,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to a file.")] = None,
    rules: Annotated[
        Path | None, typer.Option(help="Impact rules overriding the shipped ones.")
    ] = None,
    full: Annotated[
        bool, typer.Option("--full", help="Validate both revisions completely, all checks.")
    ] = False,
) -> None:
    """Fact-level diff between two git revisions, with its regulatory impact."""
    from cmc_dossier.changes import report as formats
    from cmc_dossier.changes.facts_diff import diff as fact_diff
    from cmc_dossier.changes.impact import assess
    from cmc_dossier.changes.rules import RULES_FILE, RulesError, load_rules
    from cmc_dossier.diagnostics.formatters import as_text

    try:
        table = load_rules(rules or (path.parent / RULES_FILE))
    except RulesError as error:
        typer.echo(as_text(error.diagnostics), err=True)
        raise typer.Exit(EXIT_ERRORS) from None
    before, after = _snapshots(path, base, head, worktree)
    found = fact_diff(before, after)
    if full:
        found.base_problems = before.validate().diagnostics
        found.head_problems = after.validate().diagnostics
    report = assess(found, table)
    render = {"text": formats.as_text, "markdown": formats.as_markdown, "json": formats.as_json}
    _write_output(render[output_format.value](report), output)


@app.command()
def redline(
    base: Annotated[str, typer.Argument(help="Base revision.")],
    head: Annotated[str, typer.Argument(help="Head revision.")] = "HEAD",
    path: Annotated[Path, typer.Option("--path", help="Dossier folder.")] = Path("dossier"),
    output: Annotated[Path, typer.Option("--output", "-o", help="Output folder.")] = Path(
        "build/redline"
    ),
    worktree: Annotated[
        bool, typer.Option("--worktree", help="Compare BASE with the uncommitted working tree.")
    ] = False,
) -> None:
    """DOCX with Word tracked changes for every document that differs between revisions."""
    from datetime import UTC, datetime

    from cmc_dossier.changes.redline import redline_documents
    from cmc_dossier.diagnostics.formatters import as_text

    before, after = _snapshots(path, base, head, worktree)
    if after.commit is not None:
        author, date = after.commit.author, after.commit.date
    else:
        author, date = "working tree", datetime.now(UTC).isoformat(timespec="seconds")
    templates = path.parent / "templates"
    written, problems = redline_documents(
        before, after, output, author, date, templates if templates.is_dir() else None
    )
    if problems:
        typer.echo(as_text(problems))
        typer.echo("redline stopped: a revision does not validate", err=True)
        raise typer.Exit(EXIT_ERRORS)
    typer.echo(f"redline: {len(written) // 2} documents with tracked changes in {output}")


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
        typer.echo(as_text(result.diagnostics))
        raise typer.Exit(EXIT_ERRORS)
    repository = repository_root(path) or Path.cwd()
    text, problems = owners(result.dossier, path, repository)
    if problems:
        typer.echo(as_text(problems))
    _write_output(text, output)
    typer.echo(f"wrote {output}")


@app.command()
def comment(
    report: Annotated[Path, typer.Argument(help="Markdown report to post.")],
    pr: Annotated[
        int | None, typer.Option(help="Pull request number (default: from the event).")
    ] = None,
) -> None:
    """Post the impact report as one sticky pull-request comment (GitHub Actions)."""
    import json

    from cmc_dossier.changes.comment import PullRequest, post_or_update

    environment = os.environ
    missing = [k for k in ("GITHUB_REPOSITORY", "GITHUB_TOKEN") if not environment.get(k)]
    if pr is None and environment.get("GITHUB_EVENT_PATH"):
        event = json.loads(Path(environment["GITHUB_EVENT_PATH"]).read_text(encoding="utf-8"))
        pr = (event.get("pull_request") or {}).get("number")
    if missing or pr is None:
        typer.echo(
            f"cannot post: missing {', '.join(missing) or 'the pull request number'}", err=True
        )
        raise typer.Exit(EXIT_USAGE)
    target = PullRequest(
        environment.get("GITHUB_API_URL", "https://api.github.com"),
        environment["GITHUB_REPOSITORY"],
        pr,
        environment["GITHUB_TOKEN"],
    )
    typer.echo(post_or_update(target, report.read_text(encoding="utf-8")))


@app.command()
def explain(
    code: Annotated[str | None, typer.Argument(help="A diagnostic code, e.g. DOS201.")] = None,
) -> None:
    """Explain a diagnostic code, or list them all."""
    if code is None:
        for info in CODES.values():
            typer.echo(f"{info.code}  {info.severity:<7}  {info.title}")
        return
    info = CODES.get(code.upper())
    if info is None:
        typer.echo(f"unknown code '{code}'; `dossier explain` lists them", err=True)
        raise typer.Exit(EXIT_USAGE)
    typer.echo(f"{info.code} ({info.severity}): {info.title}\n\n{info.explanation}")


@app.command()
def schema(
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder for the schemas.")] = Path(
        "schemas"
    ),
) -> None:
    """Write the JSON Schema of fact files (for editors and CI)."""
    from cmc_dossier.schema import write_schemas

    for written in write_schemas(output):
        typer.echo(f"wrote {written}")


def main(argv: list[str] | None = None) -> None:
    """Entry point: never show a Python traceback for input problems."""
    try:
        app(args=argv)
    except SystemExit:
        raise
    except Exception as error:  # a bug in cmc-dossier, not in the user's dossier
        if os.environ.get("CMC_DOSSIER_DEBUG"):
            raise
        print(
            f"internal error: {type(error).__name__}: {error}\n"
            "this is a bug in cmc-dossier; rerun with CMC_DOSSIER_DEBUG=1 for details",
            file=sys.stderr,
        )
        sys.exit(EXIT_INTERNAL)
