"""A document assembled from separately converted parts is the whole document's conversion.

For the worked example, the AAV and tablet examples and a generated dossier, every combined
document (and the largest eCTD leaf) is converted once whole by pandoc and once in parts
(cut smaller than the build does, so many cuts are crossed); after canonicalising only ids
(tests/docx_canonical.py) every entry of the two DOCX is equal. Real pandoc throughout.
"""

from __future__ import annotations

import re
import sys
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path, PurePosixPath

import pytest
from docx_canonical import canonical, entries

from cmc_dossier.publish.assemble_docx import (
    CONTINUED,
    MIN_PART,
    _cuts,
    assemble,
    continues_a_table,
    split,
)
from cmc_dossier.publish.docx import Stamp, assembled, convert, convert_part
from cmc_dossier.render.documents import Document
from cmc_dossier.render.targets import DOCUMENT_TARGETS, renderer_for
from cmc_dossier.validation import validate_folder

REPO = Path(__file__).resolve().parents[1]
REFERENCE = str(REPO / "src/cmc_dossier/templates/reference-a4.docx")
sys.path.insert(0, str(REPO / "benchmarks"))


def _documents(root: Path) -> list[Document]:
    """Every combined document of every target, and the largest granular leaf."""
    dossier = validate_folder(root).dossier
    assert dossier is not None
    combined, leaves = [], []
    for target in DOCUMENT_TARGETS:
        for document in renderer_for(dossier, target).documents():
            (leaves if len(document.path.parts) > 1 else combined).append(document)
    return [*combined, max(leaves, key=lambda d: len(d.markdown))]


def _stamp(document: Document) -> Stamp:
    return Stamp("Product", document.title, "1.0", None, False, toc=len(document.path.parts) == 1)


def _bookmarks(document_xml: bytes) -> list[bytes]:
    return re.findall(rb'<w:bookmarkStart w:id="\d+" w:name="([^"]*)"', document_xml)


def _rejoined(parts: list[str]) -> str:
    """The document back from its parts: joined by blank lines, a part continuing a table
    without the link definition and the header and separator lines it repeats."""
    text = parts[0]
    for part in parts[1:]:
        if continues_a_table(part):
            text += part.removeprefix(CONTINUED).split("\n", 2)[2]
        else:
            text += "\n" + part
    return text


def _check(document: Document, smallest: int, largest: int) -> int:
    stamp = _stamp(document)
    parts = split(document.markdown, smallest, largest, whole_below=2 * smallest)
    continued = [continues_a_table(part) for part in parts]
    assert _rejoined(parts) == document.markdown
    with ThreadPoolExecutor(max_workers=2) as pool:
        whole = pool.submit(convert, document.markdown, REFERENCE, stamp)
        converted = list(
            pool.map(lambda i: convert_part(parts[i], REFERENCE, stamp, i == 0), range(len(parts)))
        )
    joined = assemble(converted, continued)["word/document.xml"]
    names = _bookmarks(joined)
    assert len(names) == len(set(names)), f"{document.path}: duplicate bookmark names"
    anchors = set(re.findall(rb'<w:hyperlink w:anchor="([^"]*)"', joined))
    # every id the Markdown gives is a bookmark, and every link to one of them resolves
    # (a summary's links into Module 3 name another document and are unwrapped by the layout)
    ids = {i.encode() for i in re.findall(r"\{#([^}\s]+)", document.markdown)}
    assert ids <= set(names), f"{document.path}: {sorted(ids - set(names))[:5]}"
    if document.path.name in ("module-3-quality", "impd-quality"):
        assert anchors and anchors <= ids, f"{document.path}: {sorted(anchors - ids)[:5]}"
    expected = canonical(whole.result())
    found = canonical(assembled(converted, stamp, continued))
    assert sorted(found) == sorted(expected)
    for name in expected:
        assert found[name] == expected[name], f"{document.path}: {name} differs"
    return len(parts)


@pytest.mark.parametrize(
    "root",
    ["dossier", "examples/aav-gene-therapy", "examples/small-molecule-tablet"],
)
def test_parts_assemble_to_the_whole_conversion(root: str) -> None:
    documents = _documents(REPO / root)
    cuts = [_check(document, 6 * 1024, 24 * 1024) for document in documents]
    assert max(cuts) >= 4, cuts  # the large documents were really cut


def test_generated_dossier_assembles_with_the_build_part_sizes(tmp_path: Path) -> None:
    from generate import generate

    generate(tmp_path / "dossier", 1_000)
    documents = _documents(tmp_path / "dossier")
    ind = next(d for d in documents if d.path.name == "module-3-quality")
    assert len(ind.markdown.encode()) > 4 * MIN_PART
    assert _check(ind, MIN_PART, 4 * MIN_PART) >= 3
    for document in documents:
        if document is not ind:
            _check(document, 4 * 1024, 16 * 1024)


def test_cuts_are_kept_by_an_edit_elsewhere() -> None:
    """Content-defined cuts: changing one value changes only the part holding it."""
    markdown = (REPO / "tests/golden/ind-module-3-quality.md").read_text(encoding="utf-8")
    parts = split(markdown, 2048, 8192, whole_below=0)
    assert len(parts) > 8
    middle = len(parts) // 2
    assert "°C" in parts[middle] or "%" in parts[middle] or "mL" in parts[middle]
    unit = next(u for u in ("°C", "%", "mL") if u in parts[middle])
    edited = parts[middle].replace(unit, unit + " ", 1)
    changed = split("\n".join([*parts[:middle], edited, *parts[middle + 1 :]]), 2048, 8192, 0)
    assert len(set(changed) - set(parts)) <= 2  # the edited part, perhaps merged with one
    assert changed[:middle] == parts[:middle]
    assert changed[-3:] == parts[-3:]


def test_an_edit_that_moves_a_cut_leaves_the_later_cuts(tmp_path: Path) -> None:
    """Whichever block an edit lands in, even one whose digest decides a cut, the parts a
    few cuts later are the ones before the edit, at the build's part sizes: no shift runs on
    through the document (with one cut in four candidates past 24 KiB, one edited criterion
    changed 25 parts of a 10k-fact document; here 6 of the 3k-fact IND)."""
    from generate import generate

    generate(tmp_path / "dossier", 3_000)
    ind = next(d for d in _documents(tmp_path / "dossier") if d.path.name == "module-3-quality")
    data = ind.markdown.encode("utf-8")
    parts = set(split(ind.markdown))
    candidates = _cuts(data)
    assert len(parts) > 5 and len(candidates) > 200
    changed = []
    for cut in candidates[:: len(candidates) // 200]:
        edited = data[: cut - 1] + b"x" + data[cut - 1 :]  # the block's last line changed
        changed.append(len(set(split(edited.decode("utf-8"))) - parts))
    assert max(changed) <= 3, changed


def test_every_kind_of_cut_assembles_to_the_whole() -> None:
    """A part after every candidate: headings of each level, tables after tables (pandoc's
    empty paragraph between them), subheadings, lists, links across parts, a paragraph
    right after a cut and sections still open across several parts."""
    table = "| Test | Criterion |\n|------|-----------|\n| Purity | ≥ 95 % |\n\n: Table {n}"
    blocks = ["# Top {#top}", "See [the end](#end) and [sub](#sub-2)."]
    for n in range(1, 4):
        blocks += [
            f"## Section {n} {{#sec-{n}}}",
            "- one\n- two",
            table.format(n=f"{n}-1"),
            table.format(n=f"{n}-2"),
            '::: {custom-style="Subheading"}\nSub\n:::',
            "Text after the subheading; back to [top](#top).",
            f"### Sub {n} {{#sub-{n}}}",
            "1. first\n2. second",
            "**Lead.** A paragraph.",
            f"#### Deep {n} {{#deep-{n}}}",
            table.format(n=f"{n}-3"),
        ]
    blocks += ["# End {#end}", "The end."]
    markdown = "\n\n".join(blocks) + "\n"
    document = Document(PurePosixPath("combined"), "Combined", markdown)
    assert _check(document, 1, 1) == 23  # before each heading, table and subheading


def test_a_small_document_is_one_part() -> None:
    assert split("# A {#a}\n\nText.\n") == ["# A {#a}\n\nText.\n"]
    assert entries  # the canonical helper unpacks what `convert` packs


def test_parts_that_cannot_be_joined_fall_back_to_a_whole_conversion(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Defensive path (pandoc always writes what the joining needs): the build converts the
    document whole instead of ending in a traceback, and counts that pandoc run."""
    from cmc_dossier.publish import pipeline
    from cmc_dossier.publish.assemble_docx import AssemblyError

    def refuse(parts: list[bytes], stamp: Stamp, continued: list[bool]) -> bytes:
        raise AssemblyError("a part refers to word/media/x.png, which it does not hold")

    monkeypatch.setattr(pipeline, "assembled", refuse)
    options = pipeline.BuildOptions(REPO / "dossier", tmp_path / "out", ("impd",), ("docx",))
    report = pipeline.build(options)
    assert not report.failed
    combined = tmp_path / "out" / "impd" / "impd-quality.docx"
    with zipfile.ZipFile(combined) as archive:
        document = archive.read("word/document.xml")
    assert b"Investigational Medicinal Product Dossier" in document
    assert report.pandoc_runs == report.parts_converted + 1  # the whole conversion


def test_a_part_one_target_converted_serves_another(tmp_path: Path) -> None:
    """The IND's Module 3 and the M4Q(R2) Module 3 share most of their parts; a part's key
    names all its bytes depend on, so pandoc converts each shared part once, and the
    result is the one a build of that target alone makes."""
    from generate import generate

    from cmc_dossier.publish.pipeline import BuildOptions, build

    generate(tmp_path / "dossier", 1_000)
    both = build(
        BuildOptions(tmp_path / "dossier", tmp_path / "both", ("ind", "m4q-r2"), ("docx",))
    )
    alone = build(BuildOptions(tmp_path / "dossier", tmp_path / "alone", ("m4q-r2",), ("docx",)))
    assert not both.failed and not alone.failed
    assert both.parts_reused > 0 and alone.parts_reused == 0  # nothing to reuse in a fresh build
    cache = tmp_path / "both/.cache/docx-parts"
    made = [{entry.name for entry in (cache / target).iterdir()} for target in ("ind", "m4q-r2")]
    in_both = made[0] & made[1]
    assert len(in_both) == both.parts_reused
    for leaf in (tmp_path / "alone/m4q-r2").rglob("*.docx"):
        assert (
            leaf.read_bytes()
            == (tmp_path / "both/m4q-r2" / leaf.relative_to(tmp_path / "alone/m4q-r2")).read_bytes()
        )


def test_a_large_table_is_cut_between_rows_and_joined_whole() -> None:
    """A table larger than a part is converted in pieces of rows; joined, it is the table
    pandoc and the layout make from the whole: one table, its caption before it, its
    columns fitted over every row. A table whose header line does not make pandoc use
    relative widths is not cut (its pieces could get other column widths)."""
    header = "| QTPP element | Quality attribute (criticality) | Process parameters | Controls |"
    rows = [
        f"| Quality | Attribute {n} (Critical) | Parameter {n}.{n % 7} | Test {n}: ≤ {n % 9}.0 % "
        f"([3.2.P.5.1](#spec)); {'long ' * (n % 13)}words |"
        for n in range(400)
    ]
    wide = "\n".join([header, "|---|---|---|---|", *rows, "", ": Table 1. Attributes"])
    narrow = "\n".join(["| A | B |", "|---|---|", *(f"| {n} | x |" for n in range(900))])
    markdown = (
        "\n\n".join(
            ["# Top {#top}", "Intro.", wide, "## Next {#spec}", "Text.", narrow, ": Table 2. Short"]
        )
        + "\n"
    )
    document = Document(PurePosixPath("combined"), "Combined", markdown)
    parts = split(markdown, 2048, 8192, whole_below=4096)
    cut_rows = [part for part in parts if continues_a_table(part)]
    assert len(cut_rows) > 5 and all(header in part for part in cut_rows)
    assert not any("| A | B |" in part for part in cut_rows)
    assert _check(document, 2048, 8192) == len(parts)


def test_the_layout_refuses_a_body_it_cannot_split_into_elements() -> None:
    """The layout reads the body's elements by pandoc's line layout (one per line, indented
    by four spaces); a body written otherwise is an error, not a document laid out wrong."""
    from cmc_dossier.publish.layout import arrange

    head = b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    section = (
        b'<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:left="1417" w:right="1417"/>'
        b"</w:sectPr></w:body></w:document>"
    )
    one_line = head + b"<w:body><w:p><w:r><w:t>a</w:t></w:r></w:p><w:p/>" + section
    with pytest.raises(ValueError, match="one per line"):
        arrange(one_line, None)
    laid_out = head + b"<w:body>\n    <w:p><w:r><w:t>a</w:t></w:r></w:p>\n    <w:p/>\n  " + section
    assert arrange(laid_out, None) == laid_out
