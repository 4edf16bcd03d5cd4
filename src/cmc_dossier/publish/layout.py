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
import html
import math
import re
from collections.abc import Callable

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


# pandoc writes each of the body's elements on a line of its own, indented by four spaces
# (deeper lines of an element by more): an element of the body starts after such a line
# break. User text cannot hold a "<" (it is written as &lt;).
_ELEMENT = re.compile(rb"\n    <(?!/)")
_TAG = re.compile(rb"<w:(\w+)")
_TABLE_WIDTH = re.compile(rb'<w:tblW\b[^>]*?\bw:w="(\d+)"')
_HEADING_STYLE = re.compile(rb'\A<w:p>\s*<w:pPr>\s*<w:pStyle w:val="Heading([1-9])"/>')
_MARKUP = re.compile(rb"<[^>]*>")
_BOOKMARK = re.compile(rb'<w:bookmarkStart\b[^>]*?\bw:name="([^"]*)"')
_ANCHOR = re.compile(rb'<w:hyperlink\b[^>]*?\bw:anchor="([^"]*)"')
_SDT = re.compile(rb"<w:sdt\b")


class _Body:
    """A word/document.xml as its body's elements, each kept as bytes with the whitespace
    after it: the layout reads them with regular expressions and rewrites only the few it
    changes (through lxml, in a wrapper with the document's namespaces), so a 20 MB
    document is not parsed and written whole for every edit."""

    def __init__(self, document_xml: bytes) -> None:
        opening = document_xml.index(b"<w:body>") + len(b"<w:body>")
        closing = document_xml.rindex(b"<w:sectPr")
        content = document_xml[opening:closing]
        starts = [m.start() + 5 for m in _ELEMENT.finditer(content)]
        if content.strip() and not starts:
            raise ValueError("pandoc no longer writes the body's elements one per line")
        self.head = document_xml[:opening] + content[: starts[0] if starts else len(content)]
        ends = [*starts[1:], len(content)] if starts else []
        self.elements = [content[a:b] for a, b in zip(starts, ends, strict=True)]
        self.rest = document_xml[closing:]
        for index, element in enumerate(self.elements):
            end = element.rstrip()
            if not (end.endswith(b"/>") or end.endswith(b"</w:%s>" % self.tag(index).encode())):
                raise ValueError(
                    f"a body element does not end where the next starts: {end[-60:]!r}"
                )
        root_start = document_xml.index(b"<w:document")
        self.root_tag = document_xml[root_start : document_xml.index(b">", root_start) + 1]

    def serialised(self) -> bytes:
        return self.head + b"".join(self.elements) + self.rest

    def tag(self, index: int) -> str:
        match = _TAG.match(self.elements[index])
        return match.group(1).decode() if match else ""

    def parsed(self, fragment: bytes) -> etree._Element:
        """A w:body holding `fragment` (elements of this body), namespaces declared."""
        wrapper = self.root_tag + b"<w:body>" + fragment + b"</w:body></w:document>"
        return etree.fromstring(wrapper)[0]

    @staticmethod
    def written(body: etree._Element) -> bytes:
        """The elements of a `parsed` body, as lxml writes them in the document."""
        text = etree.tostring(body.getparent(), encoding="UTF-8")
        return text[text.index(b"<w:body>") + len(b"<w:body>") : text.rindex(b"</w:body>")]

    def rewrite(self, index: int, change: Callable[[etree._Element], None]) -> None:
        body = self.parsed(self.elements[index])
        change(body[0])
        self.elements[index] = self.written(body)


def _is_heading_element(element: bytes) -> bool:
    return _HEADING_STYLE.match(element) is not None


def _lay_out_tables(document: _Body) -> None:
    """Fitted wide tables in landscape sections."""
    sect = document.parsed(document.rest[: document.rest.rindex(b"</w:body>")])[0]
    portrait = _text_width(sect)
    breaks = {}
    for landscape in (False, True):
        holder = document.parsed(b"")
        holder.append(_break(sect, landscape))
        breaks[landscape] = document.written(holder)
    elements, tags = document.elements, [document.tag(i) for i in range(len(document.elements))]
    wide = {
        i
        for i, element in enumerate(elements)
        if tags[i] == "tbl" and int(_TABLE_WIDTH.search(element).group(1)) > portrait
    }
    before: dict[int, bytes] = {}
    after: dict[int, bytes] = {}
    # group each run of wide tables (with the captions and sub-headings between them)
    index = 0
    while index < len(elements):
        if index not in wide:
            index += 1
            continue
        start = index
        while (
            start > 0
            and tags[start - 1] == "p"
            and not _is_heading_element(elements[start - 1])
            and _MARKUP.sub(b"", elements[start - 1]).startswith(b"Table ")
        ):
            start -= 1
        end = index
        probe = index + 1
        while probe < len(elements):
            if probe in wide:
                end = probe
            elif tags[probe] != "p" or _is_heading_element(elements[probe]):
                break
            probe += 1
        before[start] = breaks[False]
        after[end] = breaks[True]
        index = end + 1
    # a break goes right before the element (after the whitespace ending the one before it)
    # or right after the whitespace ending the element, as lxml's addprevious/addnext put it
    document.elements = [
        before.get(i, b"") + element + after.get(i, b"") for i, element in enumerate(elements)
    ]


def _page_break_before(paragraph: etree._Element) -> None:
    properties = _properties(paragraph, "pPr")
    if properties.find("w:pageBreakBefore", NS) is None:
        style = properties.find("w:pStyle", NS)
        position = 1 if style is not None else 0
        properties.insert(position, etree.Element(_w("pageBreakBefore")))


def _cover_first(document: _Body) -> None:
    """The document-control table before the table of contents, each on its own page."""
    elements = document.elements
    tags = [document.tag(i) for i in range(len(elements))]
    toc = next((i for i, tag in enumerate(tags) if tag == "sdt"), None)
    marker = b'w:name="document-control"'
    start = next((e for e in elements if marker in e and b"<w:bookmarkStart" in e), None)
    if toc is None or start is None:
        return
    found = re.search(rb'<w:bookmarkStart w:id="(\d+)" ' + marker, start)
    if found is None:
        return
    closing = b'<w:bookmarkEnd w:id="' + found.group(1) + b'"/>'
    end = next((i for i, e in enumerate(elements) if e.startswith(closing)), None)
    if end is None:
        return  # the bookmark ends inside an element: left where pandoc put it
    moved = elements.pop(toc)
    end = end - 1 if end > toc else end
    elements.insert(end + 1, moved)
    document.rewrite(end + 1, lambda sdt: _page_break_before(sdt.find("w:sdtContent/w:p", NS)))
    following = next((i for i in range(end + 2, len(elements)) if document.tag(i) == "p"), None)
    if following is not None:
        document.rewrite(following, _page_break_before)


def _fill_toc(document: _Body, depth: int) -> None:
    """Entries for the TOC field pandoc wrote (empty until a field update)."""
    holder = next((i for i, e in enumerate(document.elements) if _SDT.search(e)), None)
    if holder is None:
        return
    entries = []
    bookmark = None
    for index, element in enumerate(document.elements):
        tag = document.tag(index)
        if tag == "bookmarkStart":
            found = _BOOKMARK.match(element)
            bookmark = html.unescape(found.group(1).decode()) if found else None
            continue
        heading = _HEADING_STYLE.match(element) if tag == "p" else None
        if heading and bookmark:
            level = int(heading.group(1))
            if level <= depth:
                entries.append((level, bookmark, _text(document.parsed(element)[0])))
        bookmark = None
    document.rewrite(holder, lambda element: _write_toc(element, depth, entries))


def _write_toc(element: etree._Element, depth: int, entries: list[tuple[int, str, str]]) -> None:
    """The entries written into the TOC field pandoc wrote, in the element holding it."""
    if element.tag == _w("sdt"):
        field = element.find("w:sdtContent", NS)
    else:
        field = element.find(".//w:sdt/w:sdtContent", NS)
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


def _unlink_missing(document: _Body) -> None:
    """A hyperlink to a bookmark the document does not hold, unwrapped to plain text."""
    targets = {m.group(1) for e in document.elements for m in _BOOKMARK.finditer(e)}
    names: set[str] = set()  # the targets as lxml reads them, once one is needed
    for index, element in enumerate(document.elements):
        if any(m.group(1) not in targets for m in _ANCHOR.finditer(element)):
            names = names or {html.unescape(target.decode()) for target in targets}
            document.rewrite(index, lambda e, known=names: _unwrap_links(e, known))


def _unwrap_links(element: etree._Element, targets: set[str]) -> None:
    for link in list(element.iter(_w("hyperlink"))):
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


def fitted_table(table_xml: bytes, document_xml: bytes) -> bytes:
    """One table (a part's tables joined into it) fitted as `fit_tables` fits it in the
    section of `document_xml`."""
    document = _Body(document_xml)
    body = document.parsed(table_xml + document.rest[: document.rest.rindex(b"</w:body>")])
    _fit_tables(body)
    written = document.written(body)
    return written[: written.rindex(b"<w:sectPr")]


def fit_tables(document_xml: bytes) -> bytes:
    """The tables of one part of a document fitted (the costly, local half of the layout)."""
    root, body = _parsed(document_xml)
    _fit_tables(body)
    return _serialised(root)


def arrange(document_xml: bytes, toc_depth: int | None) -> bytes:
    """The whole-document half of the layout, for a document of fitted tables: landscape
    sections, cover, table of contents, dead links unwrapped."""
    document = _Body(document_xml)
    _lay_out_tables(document)
    if toc_depth:
        _cover_first(document)
        _fill_toc(document, toc_depth)
    _unlink_missing(document)
    return document.serialised()


def finish(document_xml: bytes, toc_depth: int | None) -> bytes:
    """The laid-out word/document.xml; `toc_depth` None: the document has no TOC."""
    return arrange(fit_tables(document_xml), toc_depth)
