"""One pandoc call per document, styled by a reference document, made reproducible.

pandoc writes zip entries and core properties with the current time unless
SOURCE_DATE_EPOCH is set; we set it from the commit time and re-zip with fixed entry times,
so a commit always gives the same bytes. The header and footer come from the reference
document with @@TOKENS@@ that are filled here per document.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import subprocess
import zipfile
from dataclasses import dataclass
from functools import cache
from xml.sax.saxutils import escape as xml_escape

import pypandoc

from cmc_dossier.publish.layout import finish

FIXED_TIME = (1980, 1, 1, 0, 0, 0)
# Every CTD heading level (3.2.P.2.1.1 is level 5 in the IND), so the TOC lists 3.2.S.4.1.
TOC_DEPTH = 6
LAYOUT_VERSION = "layout-3"  # bump when publish/layout.py changes what it writes
# Our own Markdown is plain pandoc Markdown; these reader extensions could only ever add
# meaning to user text, so they are off even though the text is escaped.
READER = (
    "markdown-smart-raw_html-raw_tex-raw_attribute-tex_math_dollars"
    "-tex_math_single_backslash-citations-latex_macros"
)
_WATERMARK = re.compile(r"<w:p\b(?:(?!<w:p\b).)*?cmc-dossier-draft-watermark.*?</w:p>", re.DOTALL)


class PandocError(RuntimeError):
    pass


@dataclass(frozen=True)
class Stamp:
    """What the header and footer of one document show."""

    product: str
    title: str
    version: str
    commit: str
    draft: bool
    toc: bool = True  # the combined documents; a granular eCTD leaf has none


@cache
def pandoc_version() -> str:
    return str(pypandoc.get_pandoc_version())


def deterministic_zip(data: bytes, replace: dict[str, bytes] | None = None) -> bytes:
    """Re-zip with fixed timestamps, keeping entry order; optionally replace some entries."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, FIXED_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            content = (replace or {}).get(info.filename, source.read(info.filename))
            target.writestr(fixed, content)
    return out.getvalue()


def _stamped(part: bytes, stamp: Stamp) -> bytes:
    text = part.decode("utf-8")
    for token, value in (
        ("@@PRODUCT@@", stamp.product),
        ("@@TITLE@@", stamp.title),
        ("@@VERSION@@", stamp.version),
        ("@@COMMIT@@", stamp.commit),
    ):
        text = text.replace(token, xml_escape(value))
    if not stamp.draft:
        text = _WATERMARK.sub("", text)
    return text.encode("utf-8")


def cache_key(markdown: str, reference: bytes, stamp: Stamp) -> str:
    """Everything the DOCX bytes depend on; equal keys mean pandoc need not run again."""
    digest = hashlib.sha256()
    for piece in (markdown, pandoc_version(), READER, repr(stamp), LAYOUT_VERSION):
        digest.update(piece.encode("utf-8") + b"\0")
    digest.update(reference)
    return digest.hexdigest()


def pandoc_command(reference_path: str, stamp: Stamp) -> list[str]:
    """The one pandoc invocation of a document (Markdown on stdin, DOCX on stdout)."""
    return [
        pypandoc.get_pandoc_path(),
        "--from",
        READER,
        "--to",
        "docx",
        "--reference-doc",
        reference_path,
        *(["--toc", f"--toc-depth={TOC_DEPTH}"] if stamp.toc else []),
        "--metadata",
        f"title={stamp.title}",
        "--metadata",
        f"subtitle={stamp.product}",
        "--metadata",
        "toc-title=Table of Contents",
        "--output",
        "-",
    ]


def to_docx(
    markdown: str, reference: bytes, reference_path: str, stamp: Stamp, epoch: int
) -> bytes:
    """Markdown to DOCX bytes: one pandoc process, then the header/footer stamp."""
    done = subprocess.run(
        pandoc_command(reference_path, stamp),
        input=markdown.encode("utf-8"),
        capture_output=True,
        # pandoc decodes its arguments (the title) in the locale's encoding: under LC_ALL=C
        # a non-ASCII title would be corrupted. Input and output are UTF-8 whatever the locale.
        env={**os.environ, "SOURCE_DATE_EPOCH": str(epoch), "LC_ALL": "C.UTF-8"},
        check=False,
    )
    if done.returncode != 0:
        raise PandocError(done.stderr.decode("utf-8", errors="replace").strip())
    archive = zipfile.ZipFile(io.BytesIO(done.stdout))
    parts = {
        name: _stamped(archive.read(name), stamp)
        for name in archive.namelist()
        if re.fullmatch(r"word/(header|footer)\d*\.xml", name)
    }
    parts["word/document.xml"] = finish(
        archive.read("word/document.xml"), TOC_DEPTH if stamp.toc else None
    )
    return deterministic_zip(done.stdout, parts)
