"""PDF leaves from the DOCX: LibreOffice (headless, through UNO), then pikepdf.

LibreOffice converts, fills the table of contents and writes bookmarks from the headings;
pikepdf then replaces what differs from run to run (creation and modification dates, the
document ID, the XMP packet), so one commit gives byte-identical PDFs.
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

PYTHON_WITH_UNO = "/usr/bin/python3"
CONVERTER_VERSION = "pdf-3"  # bump when the conversion or normalisation changes


class PdfError(RuntimeError):
    pass


def available() -> bool:
    return shutil.which("soffice") is not None and Path(PYTHON_WITH_UNO).is_file()


def cache_key(docx_key: str) -> str:
    """From the DOCX's own cache key (everything its bytes depend on), so an unchanged
    leaf's PDF is reused without its DOCX being kept or made again."""
    return hashlib.sha256((docx_key + CONVERTER_VERSION).encode()).hexdigest()


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


def normalised(data: bytes, epoch: int) -> bytes:
    """The PDF with dates from the commit, no XMP packet, font subset tags from the font
    names and an ID from its content."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        _subset_tags(pdf)
        stamp = datetime.fromtimestamp(epoch, UTC).strftime("D:%Y%m%d%H%M%SZ")
        if "/Metadata" in pdf.Root:
            del pdf.Root["/Metadata"]
        for key in ("/DocChecksum", "/ID"):  # LibreOffice's checksum and random ID
            if key in pdf.trailer:
                del pdf.trailer[key]
        pdf.docinfo["/CreationDate"] = stamp
        pdf.docinfo["/ModDate"] = stamp
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True, compress_streams=True)
        return out.getvalue()


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


def convert(pairs: list[tuple[Path, Path]], epoch: int, workers: int | None = None) -> None:
    """Convert each DOCX to its PDF; one LibreOffice per worker, documents shared out."""
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
        pdf.write_bytes(normalised(pdf.read_bytes(), epoch))
