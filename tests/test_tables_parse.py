"""Every table the generator writes survives pandoc: one table per caption, none swallowed.

A caption line (`: Table …`) directly followed by the next table's header makes pandoc read
the whole table as caption text; the Markdown still looks right, the DOCX loses the table.
The built Markdown of every example, the worked dossier and the modality fixtures is parsed
with the real pandoc.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pypandoc
import pytest
from conftest import MODALITIES, REPO

from cmc_dossier.publish.docx import READER
from cmc_dossier.render.documents import Renderer
from cmc_dossier.validation import validate_folder

SOURCES = [
    REPO / "dossier",
    *sorted(p for p in (REPO / "examples").iterdir() if p.is_dir()),
    *sorted(p for p in MODALITIES.iterdir() if p.is_dir()),
]
CAPTION = re.compile(r"^: Table \S+\. ", re.MULTILINE)


def _tables(node: object) -> list[dict]:
    """Every Table block of a pandoc JSON AST, nested ones included."""
    if isinstance(node, dict):
        found = [node] if node.get("t") == "Table" else []
        return found + [t for value in node.values() for t in _tables(value)]
    if isinstance(node, list):
        return [t for item in node for t in _tables(item)]
    return []


def _caption_text(table: dict) -> str:
    caption_blocks = table["c"][1][1]
    return json.dumps(caption_blocks, ensure_ascii=False)


@pytest.mark.parametrize("target", ["ind", "impd"])
@pytest.mark.parametrize("source", SOURCES, ids=[p.name for p in SOURCES])
def test_each_caption_has_its_own_table(source: Path, target: str) -> None:
    result = validate_folder(source)
    assert not result.errors
    markdown = Renderer(result.dossier, target).combined().markdown
    ast = json.loads(pypandoc.convert_text(markdown, "json", format=READER))
    every_table = _tables(ast["blocks"])
    # the cover's document-control table is captioned "Document control", not numbered
    cover = '"Document"}, {"t": "Space"}, {"t": "Str", "c": "control"'
    tables = [t for t in every_table if cover not in _caption_text(t)]
    assert len(every_table) - len(tables) == 1
    captions = CAPTION.findall(markdown)
    assert captions, "the example renders no table"
    assert len(tables) == len(captions)
    for table in tables:  # a swallowed table would leave its pipes in the caption
        caption = _caption_text(table)
        assert '"Table"' in caption and "|" not in caption
