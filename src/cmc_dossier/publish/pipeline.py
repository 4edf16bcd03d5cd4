"""`dossier build`: validate, render every document, publish DOCX, swap the output in whole.

Output goes to a staging folder beside the target folder and replaces it only when every
document is written, so a failed build leaves the previous output as it was. Conversions
are cached by what they are made from (`publish/cache.py`): pandoc runs only for a document
whose Markdown, reference document or title changed (for a large document, converted in
parts and assembled, only for the parts whose Markdown changed), LibreOffice only for a PDF whose
conversion or visible stamp changed. What changes with every commit (commit id, dates) is
stamped onto the cached conversion; an output file whose key (conversion and stamp) is the
previous build's is linked from it. When the build makes PDF, the PDF is the granular eCTD
leaf: a leaf's DOCX is only the step to it and is not kept; the combined documents keep
their DOCX for editing.
"""

from __future__ import annotations

import difflib
import json
import os
import tempfile
import traceback
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from importlib.resources import as_file, files
from pathlib import Path

import jinja2

from cmc_dossier.diagnostics import Diagnostic, Location, Severity
from cmc_dossier.diagnostics.codes import diagnostic
from cmc_dossier.model.dossier import Dossier
from cmc_dossier.outputs import Generations, link_or_copy
from cmc_dossier.publish import pdf
from cmc_dossier.publish.assemble_docx import AssemblyError, continues_a_table, split
from cmc_dossier.publish.cache import ConversionCache, content_key
from cmc_dossier.publish.docx import (
    PandocError,
    Stamp,
    assembled,
    conversion_key,
    convert,
    convert_part,
    stamp_docx,
)
from cmc_dossier.render.documents import Document, Renderer, template_cache
from cmc_dossier.render.targets import DOCUMENT_TARGETS, renderer_for
from cmc_dossier.validation import validate_folder, without_cycle_collection
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
    # every DOCX and PDF written is counted once: converted, restamped or unchanged
    restamped: int = 0  # made from a cached conversion with this build's stamp
    reused: int = 0  # the previous build's file, unchanged
    converted: list[str] = field(default_factory=list)  # documents pandoc ran for
    # a large document is converted in parts (`publish/assemble_docx.py`): its parts pandoc
    # ran for, and those taken from the cache, in the documents it converted
    parts_converted: int = 0
    parts_reused: int = 0

    @property
    def failed(self) -> bool:
        return any(d.severity is Severity.ERROR for d in self.diagnostics)


def _template_place(error: Exception) -> Location | None:
    """The template line an error was raised at (Jinja2 puts templates in the traceback)."""
    if isinstance(error, jinja2.TemplateSyntaxError) and error.filename:
        return Location(Path(error.filename), error.lineno, 1)
    place = None
    for frame, line in traceback.walk_tb(error.__traceback__):
        name = frame.f_code.co_filename
        if name.endswith(".j2"):
            place = Location(Path(name), line, 1)
    return place


def _template_error(error: Exception, place: Location | None) -> Diagnostic:
    shown = error if isinstance(error, jinja2.TemplateError) else f"{type(error).__name__}: {error}"
    return diagnostic("DOS402", f"template error: {shown}", place, hint="fix the template named")


def _overrides_replacing_nothing(templates: Path | None) -> list[Diagnostic]:
    """A template in the dossier's templates folder whose name is close to a built-in one but
    is none: a misspelt override would otherwise be ignored without a word."""
    if templates is None or not templates.is_dir():
        return []
    built_in = jinja2.PackageLoader("cmc_dossier", "templates").list_templates()
    found = []
    for name in jinja2.FileSystemLoader(str(templates)).list_templates():
        close = difflib.get_close_matches(name, built_in, n=1, cutoff=0.85)
        if name.endswith(".j2") and name not in built_in and close:
            found.append(
                diagnostic(
                    "DOS405",
                    f"template {name} overrides no built-in template; did you mean {close[0]}?",
                    Location(templates / name),
                    hint="name an override exactly as the built-in template it replaces (they "
                    "are in cmc-dossier's templates/ folder), or ignore this if your other "
                    "templates include it",
                )
            )
    return found


def reference_document(templates: Path | None, paper: str) -> tuple[bytes, Path]:
    """The Word styling of a document: the dossier's own reference file, else ours."""
    name = f"reference-{paper}.docx"
    if templates is not None and (templates / name).is_file():
        path = templates / name
        return path.read_bytes(), path
    resource = files("cmc_dossier") / "templates" / name
    with as_file(resource) as path:
        return path.read_bytes(), Path(path)


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


@dataclass(frozen=True)
class _Output:
    """One file of the build and the key of everything its bytes depend on."""

    document: Document
    suffix: str  # md, docx or pdf
    key: str
    docx: str = ""  # the DOCX conversion it is made from (for a PDF: through its DOCX)
    pdf: str = ""  # a PDF's cached conversion
    parts: tuple[tuple[str, str], ...] = ()  # a large document's parts: (key, Markdown)


def _on_pages(stamp: Stamp) -> Stamp:
    """The stamp a PDF shows on its pages: without the commit, which goes into its metadata
    after conversion, so a new commit needs no new PDF conversion."""
    return replace(stamp, commit=None)


def _planned(
    documents: list[Document],
    formats: tuple[str, ...],
    reference: bytes,
    stamp_of: Callable[[Document], Stamp],
    epoch: int,
) -> dict[str, _Output]:
    """Every file this build writes for one target, by its path in the target folder."""
    planned: dict[str, _Output] = {}
    for document in documents:
        relative = str(document.path)
        if "md" in formats:
            planned[f"{relative}.md"] = _Output(document, "md", content_key(document.markdown))
        if "docx" not in formats:
            continue
        stamp = stamp_of(document)
        conversion = conversion_key(document.markdown, reference, stamp)
        parts = split(document.markdown)
        keyed = (
            tuple(
                (conversion_key(part, reference, stamp, heading=index == 0), part)
                for index, part in enumerate(parts)
            )
            if len(parts) > 1
            else ()
        )
        if _keeps_docx(document, formats):
            key = content_key(conversion, repr(stamp), str(epoch))
            planned[f"{relative}.docx"] = _Output(document, "docx", key, conversion, parts=keyed)
        if "pdf" in formats:
            leaf = pdf.cache_key(conversion, repr(_on_pages(stamp)))
            key = content_key(leaf, stamp.commit or "", str(epoch))
            planned[f"{relative}.pdf"] = _Output(
                document, "pdf", key, conversion, leaf, parts=keyed
            )
    return planned


def _unchanged(final: Path, keys: dict[str, str], old_keys: dict[str, str]) -> bool:
    """True when the target folder already holds exactly what this build would write."""
    if not final.is_dir() or keys != old_keys:
        return False
    present = {p for p in final.rglob("*") if p.is_file()}
    return present == {final / name for name in keys} | {final / CACHE_FILE}


def _write(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)


def _link(source: Path, path: Path) -> None:
    """The previous build's file in the new generation, sharing its data."""
    path.parent.mkdir(parents=True, exist_ok=True)
    link_or_copy(source, path)


def build(options: BuildOptions, progress: Progress | None = None) -> BuildReport:
    report = BuildReport()
    validation = validate_folder(options.root)
    report.diagnostics.extend(validation.diagnostics)
    if validation.errors or validation.dossier is None:
        return report
    dossier = validation.dossier
    report.diagnostics.extend(_overrides_replacing_nothing(options.templates))
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
    ind: Renderer | None = None
    for target in options.targets:
        renderer = renderer_for(dossier, target, options.templates, template_cache(), issued, ind)
        if isinstance(renderer, Renderer) and target == "ind":
            ind = renderer  # the summaries cite its Module 3 sections, rendered once
        try:
            with without_cycle_collection():
                documents = renderer.documents()
        except Exception as error:  # an error a template raised is the template's, not ours
            place = _template_place(error)
            if place is None and not isinstance(error, jinja2.TemplateError):
                raise
            report.diagnostics.append(_template_error(error, place))
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
    planned = _planned(documents, options.formats, reference, stamp_of, epoch)
    keys = {name: output.key for name, output in planned.items()}
    old_keys = _previous_cache(final)
    written = [final / name for name in planned]
    if _unchanged(final, keys, old_keys):
        report.reused += sum(output.suffix != "md" for output in planned.values())
        return written
    stale: dict[str, _Output] = {}
    for name, output in planned.items():
        if output.suffix == "md":
            _write(staging / name, output.document.markdown.encode("utf-8"))
        elif old_keys.get(name) == output.key and (final / name).is_file():
            _link(final / name, staging / name)
            report.reused += 1
        else:
            stale[name] = output
    docx_cache = ConversionCache(options.output, "docx", target)
    parts_cache = ConversionCache(options.output, "docx-parts", target)
    pdf_cache = ConversionCache(options.output, "pdf", target)
    pdfs = {name: pdf_cache.get(o.pdf) for name, o in stale.items() if o.suffix == "pdf"}
    conversions, fresh = _conversions(
        target,
        stale,
        pdfs,
        (docx_cache, parts_cache),
        reference_path,
        stamp_of,
        report,
        progress,
    )
    to_convert = [(name, o) for name, o in stale.items() if o.suffix == "pdf" and not pdfs[name]]
    pdfs.update(_convert_pdfs(to_convert, conversions, pdf_cache, stamp_of))
    report.pdf_runs += len(to_convert)
    report.restamped += sum(o.suffix == "docx" and o.docx not in fresh for o in stale.values())
    report.restamped += len(pdfs) - len(to_convert)

    def finish(item: tuple[str, _Output]) -> None:
        name, output = item
        stamp = stamp_of(output.document)
        if output.suffix == "docx":
            data = stamp_docx(conversions[output.docx], stamp, epoch)
        else:
            data = pdf.stamped(pdfs[name] or b"", epoch, stamp.commit or "")
        _write(staging / name, data)

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        list(pool.map(finish, stale.items()))
    if "docx" in options.formats:
        docx_cache.keep_only({o.docx for o in planned.values() if o.docx})
        parts_cache.keep_only({key for o in planned.values() for key, _ in o.parts})
    if "pdf" in options.formats:
        pdf_cache.keep_only({o.pdf for o in planned.values() if o.pdf})
    _write(staging / CACHE_FILE, json.dumps(keys, indent=1, sort_keys=True).encode())
    return written


def _conversions(
    target: str,
    stale: dict[str, _Output],
    pdfs: dict[str, bytes | None],
    caches: tuple[ConversionCache, ConversionCache],
    reference_path: Path,
    stamp_of: Callable[[Document], Stamp],
    report: BuildReport,
    progress: Progress | None,
) -> tuple[dict[str, bytes], set[str]]:
    """The DOCX conversions the stale files need (a DOCX to stamp, a PDF to convert): from
    the cache, else made and cached: a document by one pandoc process, a large one assembled
    from its parts, of which pandoc converts only those not cached (all side by side); with
    the keys made."""
    cache, parts_cache = caches
    needed = {o.docx: o for name, o in stale.items() if o.suffix == "docx" or not pdfs[name]}
    found = {key: cache.get(key) for key in needed}
    conversions = {key: data for key, data in found.items() if data is not None}
    pending = [output for key, output in needed.items() if found[key] is None]
    parts: dict[str, bytes | None] = {
        key: parts_cache.get(key) for output in pending for key, _ in output.parts
    }
    report.parts_reused += sum(data is not None for data in parts.values())
    jobs: dict[str, Callable[[], None]] = {}
    for output in pending:
        stamp = stamp_of(output.document)
        for index, (key, markdown) in enumerate(output.parts):
            if parts[key] is None and key not in jobs:
                jobs[key] = lambda k=key, m=markdown, s=stamp, first=index == 0: _part(
                    parts_cache, parts, k, convert_part(m, str(reference_path), s, first)
                )
        if not output.parts:
            jobs[output.docx] = lambda o=output, s=stamp: _part(
                cache, conversions, o.docx, convert(o.document.markdown, str(reference_path), s)
            )
    _run(list(jobs.values()), target, progress)
    report.pandoc_runs += len(jobs)
    report.parts_converted += len(jobs) - sum(not o.parts for o in pending)
    whole: list[str] = []

    def assemble(output: _Output) -> None:
        stamp = stamp_of(output.document)
        try:
            continued = [continues_a_table(markdown) for _, markdown in output.parts]
            data = assembled([parts[key] or b"" for key, _ in output.parts], stamp, continued)
        except AssemblyError:
            # parts that cannot be joined (not expected: pandoc always writes numbering,
            # relationships and footnotes): the document is converted whole, as a small one
            whole.append(output.docx)
            data = convert(output.document.markdown, str(reference_path), stamp)
        _part(cache, conversions, output.docx, data)

    _run([lambda o=output: assemble(o) for output in pending if output.parts], target, None)
    report.pandoc_runs += len(whole)
    report.converted += [f"{target}/{output.document.path}" for output in pending]
    return conversions, {output.docx for output in pending}


def _part(cache: ConversionCache, made: dict[str, bytes | None], key: str, data: bytes) -> None:
    """A conversion made: cached and kept for this build."""
    cache.put(key, data)
    made[key] = data


def _run(work: list[Callable[[], None]], target: str, progress: Progress | None) -> None:
    done = 0
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        for _ in pool.map(lambda job: job(), work):
            done += 1
            if progress:
                progress(target, done, len(work))


def _convert_pdfs(
    items: list[tuple[str, _Output]],
    conversions: dict[str, bytes],
    cache: ConversionCache,
    stamp_of: Callable[[Document], Stamp],
) -> dict[str, bytes]:
    """LibreOffice for the PDFs not in the cache, each from its DOCX stamped as its pages
    show it (no commit, epoch 0 dates: both are set on the PDF afterwards); then cached."""
    if not items:
        return {}
    made = {}
    with tempfile.TemporaryDirectory(prefix="cmc-dossier-pdf-") as folder:
        pairs = []
        for name, output in items:
            docx = Path(folder) / Path(name).with_suffix(".docx")
            stamp = _on_pages(stamp_of(output.document))
            _write(docx, stamp_docx(conversions[output.docx], stamp, 0))
            pairs.append((docx, Path(folder) / name))
        pdf.convert(pairs)
        for (name, output), (_, leaf) in zip(items, pairs, strict=True):
            made[name] = leaf.read_bytes()
            cache.put(output.pdf, made[name])
    return made
