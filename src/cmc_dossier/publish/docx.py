"""DOCX from pandoc, styled by a reference document, made reproducible.

A DOCX is made in two steps. `convert` runs pandoc (with SOURCE_DATE_EPOCH fixed at 0) and
the page layout: its bytes depend only on what `conversion_key` digests, so a conversion is
reused across commits. A large document is instead converted in parts (`convert_part`, each
cached by its own key) and `assembled` (`publish/assemble_docx.py`), so an edit re-runs
pandoc only for the part showing it. `stamp_docx` then applies what changes with every commit: the
@@TOKENS@@ of the reference document's header and footer (product, title, version, commit),
the draft watermark, the commit as a custom document property and the commit time as the
created/modified dates; the archive is re-zipped with fixed entry times, so a commit always
gives the same bytes.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from xml.sax.saxutils import escape as xml_escape

import pypandoc

from cmc_dossier.publish import layout
from cmc_dossier.publish.assemble_docx import DOCUMENT, assemble, entries_of
from cmc_dossier.publish.cache import content_key
from cmc_dossier.render.text import escape

FIXED_TIME = (1980, 1, 1, 0, 0, 0)
# Every CTD heading level (3.2.P.2.1.1 is level 5 in the IND), so the TOC lists 3.2.S.4.1.
TOC_DEPTH = 6
LAYOUT_VERSION = "layout-3"  # bump when publish/layout.py changes what it writes
PACKING_VERSION = "packed-2"  # bump when `convert` packs or assembles its output differently
# Our own Markdown is plain pandoc Markdown; these reader extensions could only ever add
# meaning to user text, so they are off even though the text is escaped.
READER = (
    "markdown-smart-raw_html-raw_tex-raw_attribute-tex_math_dollars"
    "-tex_math_single_backslash-citations-latex_macros"
)
_DATES = re.compile(r"(<dcterms:(?:created|modified)\b[^>]*>)[^<]*(</dcterms:)")
# A page without the commit (the PDF) drops the token with our reference's label before it.
_COMMIT_LABEL = re.compile(r"\s*\|\s*Commit @@COMMIT@@|@@COMMIT@@")
_STAMPED_PARTS = re.compile(r"word/(?:header|footer)\d*\.xml|docProps/(?:core|custom)\.xml")
_BASE, _PARTS = "base.docx", "parts/"  # the two halves of a packed conversion
_PROPERTY_ID = re.compile(r'\bpid="(\d+)"')
_WATERMARK = re.compile(r"<w:p\b(?:(?!<w:p\b).)*?cmc-dossier-draft-watermark.*?</w:p>", re.DOTALL)


class PandocError(RuntimeError):
    pass


@dataclass(frozen=True)
class Stamp:
    """What the header and footer of one document show. `commit` None: a page that leaves
    the commit out (the PDF, which carries it in its metadata)."""

    product: str
    title: str
    version: str
    commit: str | None
    draft: bool
    toc: bool = True  # the combined documents; a granular eCTD leaf has none


@cache
def pandoc_version() -> str:
    return str(pypandoc.get_pandoc_version())


def _fixed(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, FIXED_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


def zipped(entries: dict[str, bytes]) -> bytes:
    """Entries zipped in order with fixed timestamps."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(_fixed(name), data)
    return out.getvalue()


def deterministic_zip(data: bytes) -> bytes:
    """Re-zip with fixed timestamps, keeping entry order."""
    return zipped(entries_of(data))


def _stamped(part: bytes, stamp: Stamp) -> bytes:
    text = part.decode("utf-8")
    if stamp.commit is None:
        text = _COMMIT_LABEL.sub("", text)
    for token, value in (
        ("@@PRODUCT@@", stamp.product),
        ("@@TITLE@@", stamp.title),
        ("@@VERSION@@", stamp.version),
        ("@@COMMIT@@", stamp.commit or ""),
    ):
        text = text.replace(token, xml_escape(value))
    if not stamp.draft:
        text = _WATERMARK.sub("", text)
    return text.encode("utf-8")


def conversion_key(markdown: str, reference: bytes, stamp: Stamp, heading: bool = True) -> str:
    """Everything a conversion's bytes depend on: the Markdown, the reference document,
    pandoc's version and command (reader extensions, title, product, table of contents) and
    the layout step. Never the commit, version, draft mark or dates, stamped afterwards.
    `heading` False: a later part of a document, converted without title and contents."""
    command = pandoc_command("reference.docx", stamp, heading)[1:]
    versions = (pandoc_version(), LAYOUT_VERSION, PACKING_VERSION)
    return content_key(markdown, reference, *versions, *command, _titles(stamp, heading))


def pandoc_command(reference_path: str, stamp: Stamp, heading: bool = True) -> list[str]:
    """The one pandoc invocation of a document or of its first part (Markdown on stdin,
    DOCX on stdout); `heading` False: a later part, without contents (nor the title and
    subtitle, which `_titles` puts before the Markdown)."""
    return [
        pypandoc.get_pandoc_path(),
        "--from",
        READER,
        "--to",
        "docx",
        "--reference-doc",
        reference_path,
        *(["--toc", f"--toc-depth={TOC_DEPTH}"] if stamp.toc and heading else []),
        "--metadata",
        "toc-title=Table of Contents",
        "--output",
        "-",
    ]


def _titles(stamp: Stamp, heading: bool) -> str:
    """The title and subtitle (the product) as a YAML metadata block before the Markdown.
    Not `--metadata title=...`: pandoc reads a value true, True, TRUE, false, False or FALSE
    there as a boolean, and a product so named lost its subtitle. Block values are
    Markdown, so they are escaped as all user text is; a later part has none."""
    if not heading:
        return ""
    values = {"title": escape(stamp.title), "subtitle": escape(stamp.product)}
    lines = [f"{name}: {json.dumps(value, ensure_ascii=False)}" for name, value in values.items()]
    return "\n".join(["---", *lines, "---", "", ""])


def _pandoc(markdown: str, reference_path: str, stamp: Stamp, heading: bool = True) -> bytes:
    done = subprocess.run(
        pandoc_command(reference_path, stamp, heading),
        input=(_titles(stamp, heading) + markdown).encode("utf-8"),
        capture_output=True,
        # pandoc decodes its arguments (the title) in the locale's encoding: under LC_ALL=C
        # a non-ASCII title would be corrupted. Input and output are UTF-8 whatever the locale.
        env={**os.environ, "SOURCE_DATE_EPOCH": "0", "LC_ALL": "C.UTF-8"},
        check=False,
    )
    if done.returncode != 0:
        raise PandocError(done.stderr.decode("utf-8", errors="replace").strip())
    return done.stdout


def _packed(entries: dict[str, bytes]) -> bytes:
    """A laid-out DOCX packed for `stamp_docx`: the DOCX without the parts a stamp fills
    (a complete archive, compressed once) and those parts as pandoc wrote them (@@TOKENS@@,
    the watermark, dates for epoch 0), side by side in an uncompressed container, so
    stamping never re-compresses the document."""
    base = zipped({n: d for n, d in entries.items() if not _STAMPED_PARTS.fullmatch(n)})
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_STORED) as container:
        container.writestr(zipfile.ZipInfo(_BASE, FIXED_TIME), base)
        for name, data in entries.items():
            if _STAMPED_PARTS.fullmatch(name):
                container.writestr(zipfile.ZipInfo(f"{_PARTS}{name}", FIXED_TIME), data)
    return packed.getvalue()


def _toc_depth(stamp: Stamp) -> int | None:
    return TOC_DEPTH if stamp.toc else None


def convert(markdown: str, reference_path: str, stamp: Stamp) -> bytes:
    """One pandoc process and the page layout, packed for `stamp_docx`."""
    entries = entries_of(_pandoc(markdown, reference_path, stamp))
    entries[DOCUMENT] = layout.finish(entries[DOCUMENT], _toc_depth(stamp))
    return _packed(entries)


def convert_part(markdown: str, reference_path: str, stamp: Stamp, heading: bool) -> bytes:
    """One part of a document through pandoc, its tables fitted (cached as it is, then
    joined by `assembled`); `heading`: the first part, with title and contents."""
    entries = entries_of(_pandoc(markdown, reference_path, stamp, heading))
    entries[DOCUMENT] = layout.fit_tables(entries[DOCUMENT])
    return zipped(entries)


def assembled(parts: list[bytes], stamp: Stamp, continued: list[bool] | None = None) -> bytes:
    """A document's conversion from its converted parts, laid out as a whole and packed
    for `stamp_docx` like `convert`'s; `continued`: the parts that continue a table."""
    entries = assemble(parts, continued)
    entries[DOCUMENT] = layout.arrange(entries[DOCUMENT], _toc_depth(stamp))
    return _packed(entries)


def _with_commit(custom: bytes, commit: str) -> bytes:
    """The commit as the custom document property "commit" (Word: File > Properties)."""
    text = custom.decode("utf-8")
    number = max((int(n) for n in _PROPERTY_ID.findall(text)), default=1) + 1
    entry = (
        f'<property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="{number}" '
        f'name="commit"><vt:lpwstr>{xml_escape(commit)}</vt:lpwstr></property>'
    )
    return text.replace("</Properties>", entry + "</Properties>", 1).encode("utf-8")


def stamp_docx(converted: bytes, stamp: Stamp, epoch: int) -> bytes:
    """A conversion made final: header/footer stamp, watermark, commit property and the
    commit time as its dates, appended to the archive with fixed entry times."""
    container = zipfile.ZipFile(io.BytesIO(converted))
    parts = {
        name.removeprefix(_PARTS): container.read(name)
        for name in container.namelist()
        if name.startswith(_PARTS)
    }
    when = datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    for name, data in parts.items():
        if name == "docProps/core.xml":
            parts[name] = _DATES.sub(rf"\g<1>{when}\g<2>", data.decode("utf-8")).encode("utf-8")
        elif name == "docProps/custom.xml":
            parts[name] = _with_commit(data, stamp.commit) if stamp.commit else data
        else:
            parts[name] = _stamped(data, stamp)
    out = io.BytesIO(container.read(_BASE))
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(_fixed(name), data)
    return out.getvalue()


def to_docx(
    markdown: str, reference: bytes, reference_path: str, stamp: Stamp, epoch: int
) -> bytes:
    """Markdown to a finished DOCX in one go (documents the build does not cache)."""
    return stamp_docx(convert(markdown, reference_path, stamp), stamp, epoch)
