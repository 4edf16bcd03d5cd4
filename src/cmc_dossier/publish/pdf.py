"""PDF leaves from the DOCX: LibreOffice (headless, through UNO), then pikepdf.

LibreOffice converts, fills the table of contents and writes bookmarks from the headings;
pikepdf then removes what differs from run to run (dates, the document ID, the XMP packet,
font subset tags), which gives the conversion the build caches. `stamped` applies what
changes with every commit and is not on the pages: the commit time as the dates and the
commit as the document information entry /Commit; one commit gives byte-identical PDFs.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from importlib.resources import as_file, files
from pathlib import Path

import pikepdf

from cmc_dossier.publish.cache import content_key

PYTHON_WITH_UNO = "/usr/bin/python3"
CONVERTER_VERSION = "pdf-4"  # bump when the conversion or normalisation changes


class PdfError(RuntimeError):
    pass


def available() -> bool:
    return shutil.which("soffice") is not None and Path(PYTHON_WITH_UNO).is_file()


def cache_key(conversion_key: str, visible_stamp: str) -> str:
    """From the DOCX conversion's key and what the stamp puts on the pages (product, title,
    version, draft mark; never the commit), so an unchanged leaf's PDF is reused across
    commits without its DOCX being made again."""
    return content_key(conversion_key, visible_stamp, CONVERTER_VERSION)


_SUBSET = re.compile(r"^/[A-Z]{6}\+")


def _subset_tags(document: pikepdf.Pdf) -> None:
    """Font subset tags from the font's name, not from the order LibreOffice met it in."""
    for item in document.objects:
        if not isinstance(item, pikepdf.Dictionary):
            continue
        for key in ("/BaseFont", "/FontName"):
            name = item.get(key)
            if isinstance(name, pikepdf.Name) and _SUBSET.match(str(name)):
                base = str(name)[8:]
                digest = hashlib.sha256(base.encode()).digest()
                tag = "".join(chr(65 + b % 26) for b in digest[:6])
                item[key] = pikepdf.Name(f"/{tag}+{base}")


def _saved(document: pikepdf.Pdf) -> bytes:
    out = io.BytesIO()
    document.save(out, deterministic_id=True, compress_streams=True)
    return out.getvalue()


def normalised(data: bytes) -> bytes:
    """LibreOffice's PDF without what differs from run to run: no dates, no XMP packet, font
    subset tags from the font names, an ID from its content."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        _subset_tags(pdf)
        if "/Metadata" in pdf.Root:
            del pdf.Root["/Metadata"]
        for key in ("/DocChecksum", "/ID"):  # LibreOffice's checksum and random ID
            if key in pdf.trailer:
                del pdf.trailer[key]
        for key in ("/CreationDate", "/ModDate"):
            if key in pdf.docinfo:
                del pdf.docinfo[key]
        return _saved(pdf)


def stamped(data: bytes, epoch: int, commit: str) -> bytes:
    """A cached conversion made final: the commit time as its dates, the commit (a
    secondary identifier; the pages show the document's own version) as /Commit."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        when = datetime.fromtimestamp(epoch, UTC).strftime("D:%Y%m%d%H%M%SZ")
        pdf.docinfo["/CreationDate"] = when
        pdf.docinfo["/ModDate"] = when
        if commit:
            pdf.docinfo["/Commit"] = commit
        return _saved(pdf)


def _convert_batch(pairs: list[tuple[Path, Path]]) -> None:
    with tempfile.TemporaryDirectory(prefix="cmc-dossier-lo-") as profile:
        script = files("cmc_dossier") / "publish" / "uno_export.py"
        with as_file(script) as path:
            done = subprocess.run(
                [PYTHON_WITH_UNO, str(path), Path(profile).as_uri()],
                input=json.dumps([[str(a.resolve()), str(b.resolve())] for a, b in pairs]).encode(),
                capture_output=True,
                check=False,
                timeout=1800,
            )
    missing = [str(b) for _, b in pairs if not b.is_file()]
    if done.returncode != 0 or missing:
        message = done.stderr.decode("utf-8", errors="replace").strip()
        raise PdfError(message or f"LibreOffice wrote no PDF for {', '.join(missing)}")


def convert(pairs: list[tuple[Path, Path]], workers: int | None = None) -> None:
    """Convert each DOCX to its PDF, normalised; one LibreOffice per worker, documents
    shared out."""
    if not pairs:
        return
    if not available():
        raise PdfError(
            "LibreOffice is not installed: run `make build` (apt-get install "
            "libreoffice-writer-nogui poppler-utils python3-uno)"
        )
    count = max(1, min(workers or os.cpu_count() or 2, len(pairs)))
    ordered = sorted(pairs, key=lambda pair: -pair[0].stat().st_size)
    batches = [ordered[i::count] for i in range(count)]
    with ThreadPoolExecutor(max_workers=count) as pool:
        list(pool.map(_convert_batch, batches))
    for _, pdf in pairs:
        pdf.write_bytes(normalised(pdf.read_bytes()))
