"""Page layout pandoc does not do, applied to word/document.xml after pandoc wrote it.

- Column widths from the content: every column is at least as wide as its longest word, so
  no word breaks inside a header or cell; the rest of the text width goes to the columns
  with the most text.
- A table whose longest words do not fit the portrait text width is set in a landscape
  section (with its caption and any wide tables that follow it), carrying the header and
  footer references of the document's own section.
- Rows never split across pages (w:cantSplit); pandoc already repeats header rows.
- The table of contents field is pre-filled with one hyperlinked entry per heading, so
  viewers that never update fields still show it (Word and the PDF step refresh it).
- The document-control table comes first, then the table of contents, each from a new page.
- A hyperlink to a bookmark the document does not hold (a granular leaf citing another
  leaf) is unwrapped to plain text, so no link is dead.
"""

from __future__ import annotations

import copy
import math
import re

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
# Estimates for 9 pt Arial in table cells (the Table style): twips per character of the
# longest word (bold header text is wider), plus cell margins. Deliberately generous.
_TWIPS_PER_CHAR = 115
_CELL_PADDING = 260
_HEADING = re.compile(r"Heading([1-9])")


def _w(name: str) -> str:
    return f"{{{W}}}{name}"


def _text(element: etree._Element) -> str:
    return "".join(element.itertext())


def _section(body: etree._Element) -> etree._Element:
    return body.find("w:sectPr", NS)


def _text_width(sect: etree._Element, landscape: bool = False) -> int:
    size, margins = sect.find("w:pgSz", NS), sect.find("w:pgMar", NS)
    width, height = int(size.get(_w("w"))), int(size.get(_w("h")))
    page = max(width, height) if landscape else min(width, height)
    return page - int(margins.get(_w("left"))) - int(margins.get(_w("right")))


def _properties(element: etree._Element, name: str) -> etree._Element:
    """The element's properties child (w:pPr, w:trPr, w:tcPr), created first if missing."""
    properties = element.find(f"w:{name}", NS)
    if properties is None:
        properties = etree.Element(_w(name))
        element.insert(0, properties)
    return properties


def _columns(table: etree._Element) -> list[tuple[int, int]]:
    """Per column: (longest word, longest cell text) in characters."""
    stats: dict[int, tuple[int, int]] = {}
    for row in table.findall("w:tr", NS):
        for index, cell in enumerate(row.findall("w:tc", NS)):
            text = _text(cell)
            word = max((len(w) for w in text.split()), default=1)
            longest, longest_cell = stats.get(index, (1, 1))
            stats[index] = (max(longest, word), max(longest_cell, len(text)))
    return [stats[i] for i in sorted(stats)]


def _minimum(column: tuple[int, int]) -> int:
    return column[0] * _TWIPS_PER_CHAR + _CELL_PADDING


def _fit(table: etree._Element, width: int) -> None:
    """Grid widths: each column's minimum, plus a share of the rest by its text length."""
    columns = _columns(table)
    minimums = [_minimum(c) for c in columns]
    spare = max(width - sum(minimums), 0)
    weights = [
        math.sqrt(max(c[1] * _TWIPS_PER_CHAR + _CELL_PADDING - m, 1))
        for c, m in zip(columns, minimums, strict=True)
    ]
    total = sum(weights) or 1.0
    widths = [m + int(spare * w / total) for m, w in zip(minimums, weights, strict=True)]
    grid = table.find("w:tblGrid", NS)
    for column, value in zip(grid.findall("w:gridCol", NS), widths, strict=False):
        column.set(_w("w"), str(value))
    properties = table.find("w:tblPr", NS)
    table_width = properties.find("w:tblW", NS)
    table_width.set(_w("type"), "dxa")
    table_width.set(_w("w"), str(sum(widths)))
    for row in table.findall("w:tr", NS):
        row_properties = _properties(row, "trPr")
        if row_properties.find("w:cantSplit", NS) is None:
            row_properties.insert(0, etree.Element(_w("cantSplit")))
        for cell, value in zip(row.findall("w:tc", NS), widths, strict=False):
            cell_properties = _properties(cell, "tcPr")
            for old in cell_properties.findall("w:tcW", NS):
                cell_properties.remove(old)
            cell_properties.insert(
                0, etree.Element(_w("tcW"), {_w("w"): str(value), _w("type"): "dxa"})
            )


def _is_heading(element: etree._Element) -> bool:
    style = element.find("w:pPr/w:pStyle", NS)
    return style is not None and bool(_HEADING.fullmatch(style.get(_w("val"), "")))


def _break(sect: etree._Element, landscape: bool) -> etree._Element:
    """An empty paragraph ending a section laid out like `sect`, in either orientation."""
    properties = copy.deepcopy(sect)
    size = properties.find("w:pgSz", NS)
    width, height = int(size.get(_w("w"))), int(size.get(_w("h")))
    long_side, short_side = max(width, height), min(width, height)
    size.set(_w("w"), str(long_side if landscape else short_side))
    size.set(_w("h"), str(short_side if landscape else long_side))
    if landscape:
        size.set(_w("orient"), "landscape")
    elif _w("orient") in size.attrib:
        del size.attrib[_w("orient")]
    paragraph = etree.Element(_w("p"))
    paragraph_properties = etree.SubElement(paragraph, _w("pPr"))
    paragraph_properties.append(properties)
    return paragraph


def _fit_tables(body: etree._Element) -> None:
    """Each table of the body fitted to the portrait text width, or to the landscape width
    when its longest words do not fit portrait. Local to each table, so a document's parts
    can be fitted one by one (`fit_tables`) and `arrange` then sees the same tables."""
    sect = _section(body)
    portrait, landscape = _text_width(sect), _text_width(sect, landscape=True)
    for element in body:
        if element.tag == _w("tbl"):
            needed = sum(_minimum(c) for c in _columns(element))
            _fit(element, landscape if needed > portrait else portrait)


def _is_wide(table: etree._Element, portrait: int) -> bool:
    """A fitted table wider than the portrait text width (`_fit` gives a table that fits
    portrait at most that width, a wide one at least its minimum, above it)."""
    return int(table.find("w:tblPr/w:tblW", NS).get(_w("w"))) > portrait


def _lay_out_tables(body: etree._Element) -> None:
    """Fitted wide tables in landscape sections."""
    sect = _section(body)
    portrait = _text_width(sect)
    children = list(body)
    wide = {id(e) for e in children if e.tag == _w("tbl") and _is_wide(e, portrait)}
    # group each run of wide tables (with the captions and sub-headings between them)
    index = 0
    while index < len(children):
        element = children[index]
        if id(element) not in wide:
            index += 1
            continue
        start = index
        while (
            start > 0
            and children[start - 1].tag == _w("p")
            and not _is_heading(children[start - 1])
            and _text(children[start - 1]).startswith("Table ")
        ):
            start -= 1
        end = index
        probe = index + 1
        while probe < len(children):
            candidate = children[probe]
            if id(candidate) in wide:
                end = probe
            elif candidate.tag != _w("p") or _is_heading(candidate):
                break
            probe += 1
        children[start].addprevious(_break(sect, landscape=False))
        children[end].addnext(_break(sect, landscape=True))
        index = end + 1


def _fill_toc(body: etree._Element, depth: int) -> None:
    """Entries for the TOC field pandoc wrote (empty until a field update)."""
    field = body.find(".//w:sdt/w:sdtContent", NS)
    if field is None:
        return
    instruction = field.find(".//w:instrText", NS)
    if instruction is None:
        return
    instruction.text = f'TOC \\o "1-{depth}" \\h \\z \\u'
    holder = instruction.getparent().getparent()  # the paragraph holding the field
    runs = list(instruction.getparent())
    end = runs[-1]  # fldChar end, moved to the last entry
    instruction.getparent().remove(end)
    bookmark = None
    entries = []
    for element in body:
        if element.tag == _w("bookmarkStart"):
            bookmark = element.get(_w("name"))
            continue
        if element.tag == _w("p") and _is_heading(element) and bookmark:
            level = int(
                _HEADING.fullmatch(element.find("w:pPr/w:pStyle", NS).get(_w("val"))).group(1)
            )
            if level <= depth:
                entries.append((level, bookmark, _text(element)))
        bookmark = None if element.tag != _w("bookmarkStart") else bookmark
    # Word's own layout: the field starts in the first entry's paragraph and ends in the
    # last one, so LibreOffice imports the entries as the index and replaces them on update.
    last = None
    for level, anchor, title in entries:
        paragraph = holder if last is None else etree.Element(_w("p"))
        properties = _properties(paragraph, "pPr")
        for style in properties.findall("w:pStyle", NS):
            properties.remove(style)
        properties.insert(0, etree.Element(_w("pStyle"), {_w("val"): f"TOC{level}"}))
        link = etree.SubElement(
            paragraph, _w("hyperlink"), {_w("anchor"): anchor, _w("history"): "1"}
        )
        run = etree.SubElement(link, _w("r"))
        text = etree.SubElement(run, _w("t"))
        text.text = title
        if last is not None:
            last.addnext(paragraph)
        last = paragraph
    closing = etree.SubElement(last if last is not None else holder, _w("r"))
    closing.append(end)


def _cover_first(body: etree._Element) -> None:
    """The document-control table before the table of contents, each on its own page."""
    toc = body.find("w:sdt", NS)
    start = next(
        (b for b in body.iter(_w("bookmarkStart")) if b.get(_w("name")) == "document-control"),
        None,
    )
    if toc is None or start is None:
        return
    end = next(b for b in body.iter(_w("bookmarkEnd")) if b.get(_w("id")) == start.get(_w("id")))
    end.addnext(toc)
    for paragraph in (toc.find("w:sdtContent/w:p", NS), _next_paragraph(toc)):
        if paragraph is None:
            continue
        properties = _properties(paragraph, "pPr")
        if properties.find("w:pageBreakBefore", NS) is None:
            style = properties.find("w:pStyle", NS)
            position = 1 if style is not None else 0
            properties.insert(position, etree.Element(_w("pageBreakBefore")))


def _next_paragraph(element: etree._Element) -> etree._Element | None:
    for sibling in element.itersiblings():
        if sibling.tag == _w("p"):
            return sibling
    return None


def _unlink_missing(body: etree._Element) -> None:
    targets = {b.get(_w("name")) for b in body.iter(_w("bookmarkStart"))}
    for link in list(body.iter(_w("hyperlink"))):
        anchor = link.get(_w("anchor"))
        if anchor is not None and anchor not in targets:
            parent = link.getparent()
            position = parent.index(link)
            for child in reversed(list(link)):
                style = child.find("w:rPr/w:rStyle", NS)
                if style is not None and style.get(_w("val")) == "Hyperlink":
                    style.getparent().remove(style)
                parent.insert(position, child)
            parent.remove(link)


def _parsed(document_xml: bytes) -> tuple[etree._Element, etree._Element]:
    root = etree.fromstring(document_xml)
    return root, root.find("w:body", NS)


def _serialised(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _arrange(body: etree._Element, toc_depth: int | None) -> None:
    _lay_out_tables(body)
    if toc_depth:
        _cover_first(body)
        _fill_toc(body, toc_depth)
    _unlink_missing(body)


def fit_tables(document_xml: bytes) -> bytes:
    """The tables of one part of a document fitted (the costly, local half of `finish`)."""
    root, body = _parsed(document_xml)
    _fit_tables(body)
    return _serialised(root)


def arrange(document_xml: bytes, toc_depth: int | None) -> bytes:
    """The whole-document half of `finish`, for a document assembled from fitted parts:
    landscape sections, cover, table of contents, dead links unwrapped."""
    root, body = _parsed(document_xml)
    _arrange(body, toc_depth)
    return _serialised(root)


def finish(document_xml: bytes, toc_depth: int | None) -> bytes:
    """The laid-out word/document.xml; `toc_depth` None: the document has no TOC."""
    root, body = _parsed(document_xml)
    _fit_tables(body)
    _arrange(body, toc_depth)
    return _serialised(root)
