"""`dossier build`: validate, render every document, publish DOCX, swap the output in whole.

Output goes to a staging folder beside the target folder and replaces it only when every
document is written, so a failed build leaves the previous output as it was. A DOCX whose
inputs (Markdown, reference document, stamp, pandoc version) are unchanged is copied from
the previous output instead of running pandoc again. When the build makes PDF, the PDF is
the granular eCTD leaf: a leaf's DOCX is only the step to it and is not kept; the combined
documents keep their DOCX for editing.
"""

from __future__ import annotations

import json
import os
import traceback
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.resources import as_file, files
from pathlib import Path

import jinja2

from cmc_dossier.diagnostics import Diagnostic, Location, Severity
from cmc_dossier.diagnostics.codes import diagnostic
from cmc_dossier.model.dossier import Dossier
from cmc_dossier.outputs import Generations
from cmc_dossier.publish import pdf
from cmc_dossier.publish.docx import PandocError, Stamp, cache_key, to_docx
from cmc_dossier.render.documents import Document
from cmc_dossier.render.targets import DOCUMENT_TARGETS, renderer_for
from cmc_dossier.validation import validate_folder
from cmc_dossier.vcs import revision_of

CACHE_FILE = ".build-cache.json"
DOCUMENTS_STORE = ".documents"
FORMATS = ("md", "docx", "pdf")  # pdf needs docx: it is converted from it

Progress = Callable[[str, int, int], None]


@dataclass
class BuildOptions:
    root: Path
    output: Path
    targets: tuple[str, ...] = DOCUMENT_TARGETS
    formats: tuple[str, ...] = FORMATS
    draft: bool = False
    templates: Path | None = None


@dataclass
class BuildReport:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    written: dict[str, list[Path]] = field(default_factory=dict)
    pandoc_runs: int = 0
    pdf_runs: int = 0
    reused: int = 0

    @property
    def failed(self) -> bool:
        return any(d.severity is Severity.ERROR for d in self.diagnostics)


def _template_error(error: jinja2.TemplateError) -> Diagnostic:
    place = None
    for frame, line in traceback.walk_tb(error.__traceback__):
        name = frame.f_code.co_filename
        if name.endswith(".j2"):
            place = Location(Path(name), line, 1)
    if isinstance(error, jinja2.TemplateSyntaxError) and error.filename:
        place = Location(Path(error.filename), error.lineno, 1)
    return diagnostic("DOS402", f"template error: {error}", place, hint="fix the template named")


def reference_document(templates: Path | None, paper: str) -> tuple[bytes, Path]:
    """The Word styling of a document: the dossier's own reference file, else ours."""
    name = f"reference-{paper}.docx"
    if templates is not None and (templates / name).is_file():
        path = templates / name
        return path.read_bytes(), path
    resource = files("cmc_dossier") / "templates" / name
    with as_file(resource) as path:
        return path.read_bytes(), Path(path)


def _template_cache() -> Path:
    """Compiled templates live in the user's cache, never among the deliverables."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "cmc-dossier" / "jinja"


def _commit_date(timestamp: int) -> str | None:
    """The commit's date (UTC) for documents: deterministic, never the build's clock."""
    return datetime.fromtimestamp(timestamp, UTC).date().isoformat() if timestamp else None


def _previous_cache(folder: Path) -> dict[str, str]:
    try:
        return json.loads((folder / CACHE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _is_leaf(document: Document) -> bool:
    """A granular eCTD leaf sits in the eCTD folder tree; combined documents at the top."""
    return len(document.path.parts) > 1


def _keeps_docx(document: Document, formats: tuple[str, ...]) -> bool:
    """In the eCTD tree the PDF is the leaf (the ICH eCTD v3.2.2 Appendix 4 file names are
    `.pdf` [S]); the DOCX stays only where it is edited, in the combined documents."""
    return "docx" in formats and not ("pdf" in formats and _is_leaf(document))


def _outputs(final: Path, documents: list[Document], formats: tuple[str, ...]) -> list[Path]:
    return [
        final / f"{d.path}.{suffix}"
        for d in documents
        for suffix in FORMATS
        if suffix in formats and (suffix != "docx" or _keeps_docx(d, formats))
    ]


def _unchanged(
    final: Path,
    documents: list[Document],
    formats: tuple[str, ...],
    old_cache: dict[str, str],
    reference: bytes,
    stamp_of: Callable[[Document], Stamp],
) -> bool:
    """True when the target folder already holds exactly what this build would write."""
    if not final.is_dir():
        return False
    expected = set(_outputs(final, documents, formats)) | {final / CACHE_FILE}
    present = {p for p in final.rglob("*") if p.is_file()}
    if expected != present:
        return False
    for document in documents:
        markdown = document.markdown.encode("utf-8")
        if "md" in formats and (final / f"{document.path}.md").read_bytes() != markdown:
            return False
        key = cache_key(document.markdown, reference, stamp_of(document))
        if "docx" in formats and old_cache.get(str(document.path)) != key:
            return False
        if "pdf" in formats and old_cache.get(f"{document.path}.pdf") != pdf.cache_key(key):
            return False
    return ("docx" in formats) == bool(old_cache)


def _write(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)


def build(options: BuildOptions, progress: Progress | None = None) -> BuildReport:
    report = BuildReport()
    validation = validate_folder(options.root)
    report.diagnostics.extend(validation.diagnostics)
    if validation.errors or validation.dossier is None:
        return report
    dossier = validation.dossier
    revision = revision_of(options.root)
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH", revision.timestamp))
    draft = options.draft or revision.dirty
    commit = revision.short + (
        " (uncommitted changes)" if revision.dirty and revision.commit else ""
    )

    with Generations(options.output, DOCUMENTS_STORE, DOCUMENT_TARGETS) as generations:
        issued = _commit_date(revision.timestamp)
        _build_targets(
            options, dossier, commit, draft, epoch, issued, generations.staging, report, progress
        )
        if report.failed:
            return report
        if any((generations.staging / target).exists() for target in DOCUMENT_TARGETS):
            for target in DOCUMENT_TARGETS:
                generations.keep(target)
            generations.commit()
    return report


def _build_targets(
    options: BuildOptions,
    dossier: Dossier,
    commit: str,
    draft: bool,
    epoch: int,
    issued: str | None,
    staging: Path,
    report: BuildReport,
    progress: Progress | None,
) -> None:
    """Every target into the staging generation; a target already up to date is skipped."""
    manifest = dossier.manifest
    assert manifest is not None  # a dossier without manifest has an error above
    for target in options.targets:
        renderer = renderer_for(dossier, target, options.templates, _template_cache(), issued)
        try:
            documents = renderer.documents()
        except jinja2.TemplateError as error:
            report.diagnostics.append(_template_error(error))
            return
        seen = {d.message for d in report.diagnostics}
        for gap in renderer.gaps:
            if gap.message not in seen:
                seen.add(gap.message)
                report.diagnostics.append(gap)
        paper = manifest.ind_paper_size if target == "ind" else "a4"
        reference, reference_path = reference_document(options.templates, paper)
        stamp_of = lambda document: Stamp(  # noqa: E731
            manifest.product.name,
            document.title,
            manifest.document_version,
            commit,
            draft,
            toc=not _is_leaf(document),
        )
        try:
            report.written[target] = _publish(
                options,
                target,
                staging / target,
                documents,
                reference,
                reference_path,
                stamp_of,
                epoch,
                report,
                progress,
            )
        except PandocError as error:
            report.diagnostics.append(
                diagnostic("DOS403", f"pandoc failed: {error}", hint="see pandoc's message")
            )
            return
        except pdf.PdfError as error:
            report.diagnostics.append(
                diagnostic(
                    "DOS421",
                    f"PDF conversion failed: {error}",
                    hint="install LibreOffice (`make build`) or build without `-f pdf`",
                )
            )
            return


def _publish(
    options: BuildOptions,
    target: str,
    staging: Path,
    documents: list[Document],
    reference: bytes,
    reference_path: Path,
    stamp_of: Callable[[Document], Stamp],
    epoch: int,
    report: BuildReport,
    progress: Progress | None,
) -> list[Path]:
    final = options.output / target
    old_cache = _previous_cache(final)
    new_cache: dict[str, str] = {}
    written: list[Path] = []
    if _unchanged(final, documents, options.formats, old_cache, reference, stamp_of):
        outputs = _outputs(final, documents, options.formats)
        # each DOCX and PDF kept counts once (a leaf's cache holds a key for its PDF and one
        # for the DOCX it was made from, which is not kept)
        report.reused += sum(path.suffix in (".docx", ".pdf") for path in outputs)
        return outputs
    pending: list[tuple[Document, str]] = []
    for document in documents:
        relative = str(document.path)
        if "md" in options.formats:
            _write(staging / f"{relative}.md", document.markdown.encode("utf-8"))
            written.append(final / f"{relative}.md")
        if "docx" not in options.formats:
            continue
        key = cache_key(document.markdown, reference, stamp_of(document))
        new_cache[relative] = key
        if _keeps_docx(document, options.formats):
            written.append(final / f"{relative}.docx")
        elif (
            old_cache.get(f"{relative}.pdf") == pdf.cache_key(key)
            and (final / f"{relative}.pdf").is_file()
        ):
            continue  # the leaf's PDF is reused below; its DOCX is not needed
        old_file = final / f"{relative}.docx"
        if old_cache.get(relative) == key and old_file.is_file():
            _write(staging / f"{relative}.docx", old_file.read_bytes())
            report.reused += 1
        else:
            pending.append((document, relative))

    def convert(item: tuple[Document, str]) -> None:
        document, relative = item
        data = to_docx(document.markdown, reference, str(reference_path), stamp_of(document), epoch)
        _write(staging / f"{relative}.docx", data)

    done = 0
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        for _ in pool.map(convert, pending):
            done += 1
            if progress:
                progress(target, done, len(pending))
    report.pandoc_runs += len(pending)
    if "pdf" in options.formats:
        _publish_pdf(documents, staging, final, old_cache, new_cache, epoch, report)
        written.extend(final / f"{d.path}.pdf" for d in documents)
        for document in documents:
            if not _keeps_docx(document, options.formats):
                (staging / f"{document.path}.docx").unlink(missing_ok=True)
    _write(staging / CACHE_FILE, json.dumps(new_cache, indent=1, sort_keys=True).encode())
    return written


def _publish_pdf(
    documents: list[Document],
    staging: Path,
    final: Path,
    old_cache: dict[str, str],
    new_cache: dict[str, str],
    epoch: int,
    report: BuildReport,
) -> None:
    """A PDF from each DOCX; one whose DOCX is unchanged (same DOCX key) is reused."""
    pending = []
    for document in documents:
        relative = f"{document.path}.pdf"
        docx = staging / f"{document.path}.docx"
        key = pdf.cache_key(new_cache[str(document.path)])
        new_cache[relative] = key
        old_file = final / relative
        if old_cache.get(relative) == key and old_file.is_file():
            _write(staging / relative, old_file.read_bytes())
            report.reused += 1
        else:
            pending.append((docx, staging / relative))
    pdf.convert(pending, epoch)
    report.pdf_runs += len(pending)
