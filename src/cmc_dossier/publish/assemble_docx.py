"""A large document's DOCX assembled from separately converted parts of its Markdown.

pandoc converts a whole document in one process (7 s for the 2.4 MiB IND Module 3 of a
10k-fact dossier) and cannot merge DOCX files. So a document is cut into parts at blank
lines before a block our renderer starts (a heading, a pipe table, a subheading's div),
outside any fenced div; each part is converted on its own and cached by its
content, and the parts' WordprocessingML is joined here: the first part's package (styles,
header, footer, title, table of contents), the bodies in order, each part's bookmark ids,
list numbers, relationship ids (hyperlinks, images) and footnote ids renumbered so none
collides, its images and list definitions merged in. The result, laid out, is what pandoc
gives for the whole Markdown up to those ids (tests/test_assemble_docx.py holds it to that).

Cuts are content-defined (the chunk before a candidate decides, by its digest, whether to
cut there), so an edit changes the part holding it and leaves the others' boundaries, and
with them their cached conversions, as they were.

A pipe table larger than a part (the QOS's table of every quality attribute is 350 KiB at
10k facts, 1.8 s of pandoc for one edited criterion) is cut between rows too: the part
after such a cut starts with a link definition pandoc writes nothing for (CONTINUED), the
table's header and separator lines again, then the rows; the assembly appends those rows
(not the repeated header) to the table before, moves the table's caption, which pandoc
writes in the last part, before it, and fits the joined table's columns again. pandoc
writes each row the same in any part; the column grid is the same where the header line
alone makes pandoc use relative widths (a line longer than its 72 columns), so only such
tables are cut between rows.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Callable

from lxml import etree

from cmc_dossier.publish import layout

# Part sizes from pandoc's cost on this machine: about 0.05 s of CPU per process plus about
# 5.7 ms per KiB of Markdown (slices of the 10k-fact QOS, 2 to 96 KiB), so what an edit
# costs is the size of the parts it changes; each part also costs its share of assembly.
# Cuts are rare among the candidates (one in CUT_ONE_IN, a table or heading about every KiB
# in a large document), so MIN_PART seldom decides where one falls: an edit that moves a cut
# leaves the next ones where they were. Dense cuts (one in four past 24 KiB) shifted every
# later cut by the same offset: one edited criterion changed 25 parts of one document.
WHOLE_BELOW = 48 * 1024  # a smaller document is converted whole
MIN_PART = 8 * 1024
MAX_PART = 64 * 1024
CUT_ONE_IN = 16  # a candidate past MIN_PART becomes a cut when its chunk's digest says so

# A block that never continues the one before it and converts alone as in the whole: an
# ATX heading, a pipe table or a custom-style div (a subheading), after a blank line (user
# text is escaped, so none of these starts a line of it). Not a paragraph: pandoc styles the
# first paragraph of a document (or after a heading) "First Paragraph", so a part starting
# with one would differ from the whole.
_CANDIDATE = re.compile(rb'\n\n(?=#{1,6} |\| |::: \{custom-style=")')
CONTINUED = "[cmc-dossier-continued-table]: #\n\n"
_RELATIVE_WIDTHS = 80  # a header line longer than pandoc's 72 columns, with a margin
_FENCE = re.compile(rb"^:::+[ \t]*(\S?)", re.MULTILINE)

DOCUMENT = "word/document.xml"
NUMBERING = "word/numbering.xml"
FOOTNOTES = "word/footnotes.xml"
CONTENT_TYPES = "[Content_Types].xml"
_RELATIONSHIPS = {
    DOCUMENT: "word/_rels/document.xml.rels",
    FOOTNOTES: "word/_rels/footnotes.xml.rels",
}
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_PACKAGE = "http://schemas.openxmlformats.org/package/2006/"
RELS = _PACKAGE + "relationships"
TYPES = _PACKAGE + "content-types"
_BOOKMARK = re.compile(rb'(<w:bookmark(?:Start|End) w:id=")(\d+)(")')
_NUMBER = re.compile(rb'(<w:numId w:val=")(\d+)(")')
_RELATIONSHIP = re.compile(rb'( r:(?:id|embed|link|pict)=")([^"]+)(")')
_FOOTNOTE = re.compile(rb'(<w:footnoteReference w:id=")(\d+)(")')
# pandoc bookmarks a heading's whole section: the start before the heading, the end where
# the next heading of its level or above (or the document) begins.
_SECTION_START = re.compile(
    rb'<w:bookmarkStart w:id="(\d+)" w:name="[^"]*"/>\s*'
    rb'<w:p><w:pPr><w:pStyle w:val="Heading([1-9])"/>'
)
_TRAILING_END = re.compile(rb'<w:bookmarkEnd w:id="(\d+)"/>\s*\Z')
_INDENT = b"\n    "  # pandoc's indentation of the body's elements
# pandoc puts an empty paragraph between two adjacent tables (Word would join them); a table
# starts with its caption when it has one.
_ENDS_WITH_TABLE = re.compile(rb"</w:tbl>\s*\Z")
_STARTS_WITH_TABLE = re.compile(rb'<w:tbl>|<w:p><w:pPr><w:pStyle w:val="TableCaption"/>')
_TABLE_SEPARATOR = b"<w:p/>" + _INDENT
_CAPTION = re.compile(rb'<w:p><w:pPr><w:pStyle w:val="TableCaption"\s*/></w:pPr>.*?</w:p>\s*')
_TABLE_PROPERTIES = re.compile(rb"<w:tblPr>.*?</w:tblPr>")
_ROW = re.compile(rb"<w:tr>.*?</w:tr>")


class AssemblyError(RuntimeError):
    pass


def _w(name: str) -> str:
    return f"{{{W}}}{name}"


def _cuts(markdown: bytes) -> list[int]:
    """Offsets of the blank lines a part may end at: candidates outside fenced divs."""
    fences = [(m.start(), bool(m.group(1))) for m in _FENCE.finditer(markdown)]
    cuts, depth, index = [], 0, 0
    for candidate in _CANDIDATE.finditer(markdown):
        while index < len(fences) and fences[index][0] < candidate.start():
            depth = depth + 1 if fences[index][1] else max(depth - 1, 0)
            index += 1
        if depth == 0:
            cuts.append(candidate.start())
    return cuts


def _row_cuts(markdown: bytes, cuts: list[int], largest: int) -> dict[int, bytes]:
    """Row boundaries (the line break after a row) inside each pipe table larger than
    `largest` whose header line makes pandoc use relative widths, with the header and
    separator lines a part starting there repeats."""
    found: dict[int, bytes] = {}
    for cut in cuts:
        if not markdown.startswith(b"| ", cut + 2):
            continue
        end = markdown.find(b"\n\n", cut + 2)
        end = len(markdown) if end < 0 else end
        header_end = markdown.find(b"\n", cut + 2)
        if end - cut < largest or header_end - cut - 2 <= _RELATIVE_WIDTHS:
            continue
        separator_end = markdown.find(b"\n", header_end + 1)
        if separator_end < 0 or separator_end >= end:
            continue
        repeated = markdown[cut + 2 : separator_end + 1]
        line = markdown.find(b"\n", separator_end + 1)
        while 0 <= line < end and markdown.startswith(b"|", line + 1):
            found[line] = repeated
            line = markdown.find(b"\n", line + 1)
    return found


def split(
    markdown: str,
    smallest: int = MIN_PART,
    largest: int = MAX_PART,
    whole_below: int = WHOLE_BELOW,
) -> list[str]:
    """The Markdown in parts that convert alone as they do in the whole; one part when the
    document is small. Joining the parts with blank lines gives the document back, except
    where a part CONTINUED a table (see the module's docstring)."""
    data = markdown.encode("utf-8")
    if len(data) < max(whole_below, 2 * smallest):
        return [markdown]
    blocks = _cuts(data)
    rows = _row_cuts(data, blocks, largest)
    parts, start, previous, prefix = [], 0, 0, b""
    for cut in sorted([*blocks, *rows]):
        size = cut - start + len(prefix)
        chunk = data[previous:cut]
        skip = 1 if cut in rows else 2  # a row's line break, or a blank line
        previous = cut + skip
        if size >= largest or (size >= smallest and zlib.crc32(chunk) % CUT_ONE_IN == 0):
            if len(data) - cut < smallest:
                break
            parts.append((prefix + data[start:cut]).decode("utf-8") + "\n")
            start = cut + skip
            prefix = CONTINUED.encode() + rows[cut] if cut in rows else b""
    parts.append((prefix + data[start:]).decode("utf-8"))
    return parts


def continues_a_table(part: str) -> bool:
    return part.startswith(CONTINUED)


def entries_of(docx: bytes) -> dict[str, bytes]:
    """A DOCX's archive entries, in order."""
    archive = zipfile.ZipFile(io.BytesIO(docx))
    return {name: archive.read(name) for name in archive.namelist()}


def _body(document_xml: bytes) -> tuple[int, int]:
    """Where the body's content starts (its first element) and ends (its own w:sectPr)."""
    opening = document_xml.index(b"<w:body>") + len(b"<w:body>")
    return document_xml.index(b"<", opening), document_xml.rindex(b"<w:sectPr")


def _renumbered(data: bytes, pattern: re.Pattern[bytes], new: Callable[[bytes], bytes]) -> bytes:
    return pattern.sub(lambda m: m.group(1) + new(m.group(2)) + m.group(3), data)


class _Package:
    """The first part's package, growing as the other parts are merged into it."""

    def __init__(self, entries: dict[str, bytes]) -> None:
        self.entries = entries
        self.relationships = {
            source: etree.fromstring(entries[rels])
            for source, rels in _RELATIONSHIPS.items()
            if rels in entries
        }
        self.numbering = etree.fromstring(entries[NUMBERING]) if NUMBERING in entries else None
        self.footnotes = etree.fromstring(entries[FOOTNOTES]) if FOOTNOTES in entries else None
        self.types = etree.fromstring(entries[CONTENT_TYPES])
        self.bookmarks = 0
        self.changed: dict[str, etree._Element] = {}
        self.abstracts: dict[bytes, str] = {}
        if self.numbering is not None:
            for abstract in self.numbering.findall(_w("abstractNum")):
                self.abstracts.setdefault(_definition(abstract), abstract.get(_w("abstractNumId")))

    def relationship_ids(self, source: str, entries: dict[str, bytes]) -> dict[bytes, bytes]:
        """Each relationship of a part's `source` under an id of the package: the same id
        when the package has it with the same target, else a new one."""
        rels = _RELATIONSHIPS[source]
        if rels not in entries:
            return {}
        if source not in self.relationships:
            raise AssemblyError(f"a later part has {rels} and the first has none")
        own = self.relationships[source]
        known = {r.get("Id"): _relation(r) for r in own}
        taken = {int(i[3:]) for i in known if i.startswith("rId") and i[3:].isdigit()}
        mapping = {}
        for relation in etree.fromstring(entries[rels]):
            old = relation.get("Id")
            if known.get(old) == _relation(relation):
                mapping[old.encode()] = old.encode()
                continue
            number = max(taken, default=0) + 1
            taken.add(number)
            relation.set("Id", f"rId{number}")
            own.append(relation)
            self.changed[rels] = own
            known[f"rId{number}"] = _relation(relation)
            mapping[old.encode()] = f"rId{number}".encode()
            target = relation.get("Target")
            if relation.get("TargetMode") != "External" and f"word/{target}" not in self.entries:
                self._add_media(f"word/{target}", entries)
        return mapping

    def _add_media(self, name: str, entries: dict[str, bytes]) -> None:
        if name not in entries:
            raise AssemblyError(f"a part refers to {name}, which it does not hold")
        self.entries[name] = entries[name]
        extension = name.rsplit(".", 1)[-1].lower()
        defaults = {d.get("Extension", "").lower() for d in self.types if d.tag.endswith("Default")}
        if extension not in defaults:
            for default in etree.fromstring(entries[CONTENT_TYPES]):
                if default.get("Extension", "").lower() == extension:
                    self.types.insert(0, default)
                    self.changed[CONTENT_TYPES] = self.types

    def list_numbers(self, entries: dict[str, bytes], used: set[bytes]) -> dict[bytes, bytes]:
        """Each list a part's body uses under a new number of the package, its definition
        merged with an equal one already there."""
        if not used:
            return {}
        if self.numbering is None or NUMBERING not in entries:
            raise AssemblyError("a part has lists and no numbering definitions")
        numbering = etree.fromstring(entries[NUMBERING])
        abstracts = {a.get(_w("abstractNumId")): a for a in numbering.findall(_w("abstractNum"))}
        existing = self.numbering.findall(_w("num"))
        next_number = max((int(n.get(_w("numId"))) for n in existing), default=0) + 1
        mapping = {}
        for number in numbering.findall(_w("num")):
            old = number.get(_w("numId")).encode()
            if old not in used:
                continue
            reference = number.find(_w("abstractNumId"))
            reference.set(_w("val"), self._abstract(abstracts[reference.get(_w("val"))]))
            number.set(_w("numId"), str(next_number))
            self.numbering.append(number)
            self.changed[NUMBERING] = self.numbering
            mapping[old] = str(next_number).encode()
            next_number += 1
        return mapping

    def _abstract(self, abstract: etree._Element) -> str:
        definition = _definition(abstract)
        if definition not in self.abstracts:
            number = max((int(i) for i in self.abstracts.values()), default=989) + 1
            abstract.set(_w("abstractNumId"), str(number))
            nsid = abstract.find(_w("nsid"))
            if nsid is not None:
                nsid.set(_w("val"), f"{number:08X}")
            last = self.numbering.findall(_w("abstractNum"))[-1]
            last.addnext(abstract)
            self.abstracts[definition] = str(number)
        return self.abstracts[definition]

    def footnote_ids(
        self, entries: dict[str, bytes], rename: dict[bytes, bytes]
    ) -> dict[bytes, bytes]:
        """A part's footnotes appended under new ids (their own links renumbered too)."""
        if FOOTNOTES not in entries:
            return {}
        notes = [n for n in etree.fromstring(entries[FOOTNOTES]) if int(n.get(_w("id"), "0")) > 0]
        if not notes:
            return {}
        if self.footnotes is None:
            raise AssemblyError("a later part has footnotes and the first has none")
        next_id = max(int(n.get(_w("id"), "0")) for n in self.footnotes) + 1
        mapping = {}
        for note in notes:
            mapping[note.get(_w("id")).encode()] = str(next_id).encode()
            note.set(_w("id"), str(next_id))
            data = _renumbered(etree.tostring(note), _RELATIONSHIP, lambda i: rename.get(i, i))
            self.footnotes.append(etree.fromstring(data))
            self.changed[FOOTNOTES] = self.footnotes
            next_id += 1
        return mapping

    def body(self, entries: dict[str, bytes]) -> bytes:
        """A later part's body content (without its section properties), its ids
        renumbered after those of the parts before it."""
        document = entries[DOCUMENT]
        start, end = _body(document)
        content = document[start:end]
        relationships = self.relationship_ids(DOCUMENT, entries)
        footnote_rels = self.relationship_ids(FOOTNOTES, entries)
        numbers = self.list_numbers(entries, {m.group(2) for m in _NUMBER.finditer(content)})
        footnotes = self.footnote_ids(entries, footnote_rels)
        offset = self.bookmarks
        self.count_bookmarks(content)
        content = _renumbered(content, _BOOKMARK, lambda i: str(int(i) + offset).encode())
        content = _renumbered(content, _NUMBER, lambda i: numbers.get(i, i))
        content = _renumbered(content, _RELATIONSHIP, lambda i: relationships.get(i, i))
        return _renumbered(content, _FOOTNOTE, lambda i: footnotes.get(i, i))

    def count_bookmarks(self, content: bytes) -> None:
        """Bookmark ids of the next part start after the highest of this one."""
        ids = [int(m.group(2)) for m in _BOOKMARK.finditer(content)]
        self.bookmarks += max(ids, default=-1) + 1

    def finished(self) -> dict[str, bytes]:
        """The entries, with the merged parts serialised where a later part changed them."""
        for name, root in self.changed.items():
            self.entries[name] = _xml(root)
        return self.entries


def _at_end(pattern: re.Pattern[bytes], body: bytes) -> re.Match[bytes] | None:
    """A match of a pattern anchored at the end (\\Z), looked for in the body's last
    bytes only: searched from the start, it scanned each part's whole body."""
    return pattern.search(body, max(len(body) - 1024, 0))


def _section_ends(ids: list[bytes]) -> bytes:
    return b"".join(b'<w:bookmarkEnd w:id="' + i + b'"/>' + _INDENT for i in ids)


def _sections_closed(bodies: list[bytes]) -> list[bytes]:
    """Each section's bookmark ended where it ends in the whole document: pandoc closed the
    sections still open at the end of a part there; they end before the next heading of
    their level or above in a later part (or at the end of the last)."""
    still_open: list[tuple[bytes, int]] = []  # outermost first
    closed = []
    for index, body in enumerate(bodies):
        if still_open:
            pieces, position = [], 0
            for heading in _SECTION_START.finditer(body):
                level = int(heading.group(2))
                ending = []
                while still_open and still_open[-1][1] >= level:
                    ending.append(still_open.pop()[0])
                if ending:
                    pieces += [body[position : heading.start()], _section_ends(ending)]
                    position = heading.start()
            body = b"".join([*pieces, body[position:]])
        if index == len(bodies) - 1:
            body += _section_ends([i for i, _ in reversed(still_open)])
        else:
            levels = {m.group(1): int(m.group(2)) for m in _SECTION_START.finditer(body)}
            ended = []
            while (last := _at_end(_TRAILING_END, body)) and last.group(1) in levels:
                ended.append(last.group(1))
                body = body[: last.start()]
            still_open += [(i, levels[i]) for i in ended]  # the last ended is outermost
        closed.append(body)
    return closed


def _relation(relation: etree._Element) -> tuple[str | None, ...]:
    return relation.get("Type"), relation.get("Target"), relation.get("TargetMode")


def _definition(abstract: etree._Element) -> bytes:
    """A list definition without its own ids, to find an equal one."""
    copy = etree.fromstring(etree.tostring(abstract))
    copy.attrib.pop(_w("abstractNumId"), None)
    for nsid in copy.findall(_w("nsid")):
        copy.remove(nsid)
    return etree.tostring(copy, method="c14n")


def _xml(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _joined_table(before: bytes, pieces: list[bytes], document: bytes) -> bytes:
    """`before` ending with a table, each of `pieces` starting with more of its rows (after
    its caption, in the last piece, and the repeated header row): one table, captioned
    and fitted (once, over every row) as pandoc and the layout make it from the whole."""
    table_start = before.rfind(_INDENT + b"<w:tbl>")
    lead, kept = (before[:table_start], _INDENT) if table_start >= 0 else (b"", b"")
    table = before[table_start + len(_INDENT) if table_start >= 0 else 0 :]
    table = table[: table.rindex(b"</w:tbl>")]
    rows: list[bytes] = []
    shown, after = b"", b""
    for piece in pieces:
        caption = _CAPTION.match(piece)
        later_start = caption.end() if caption else 0
        later_end = piece.index(b"</w:tbl>", later_start) + len(b"</w:tbl>")
        later = piece[later_start:later_end]
        properties = _TABLE_PROPERTIES.search(later)
        if properties is None or not later.startswith(b"<w:tbl>"):
            raise AssemblyError("a part continuing a table does not start with it")
        table = _TABLE_PROPERTIES.sub(lambda _, found=properties: found.group(0), table, count=1)
        rows += _ROW.findall(later)[1:]  # its own header row is the repeated one
        shown = caption.group(0) if caption else shown
        after = piece[later_end:]
    joined = layout.fitted_table(table + b"".join(rows) + b"</w:tbl>", document)
    return lead + kept + shown + joined + after


def assemble(parts: list[bytes], continued: list[bool] | None = None) -> dict[str, bytes]:
    """The archive entries of one DOCX from the parts' DOCX in order (the first converted
    with the title and table of contents), in the first part's entry order; its body's
    tables fitted as the parts had them, the rest of the layout still to do. `continued`:
    which parts continue the table the part before ends with (`split`)."""
    package = _Package(entries_of(parts[0]))
    document = package.entries[DOCUMENT]
    start, end = _body(document)
    package.count_bookmarks(document[start:end])
    bodies = [document[start:end], *(package.body(entries_of(part)) for part in parts[1:])]
    bodies = _sections_closed(bodies)
    joined = [bodies[0]]
    pieces: list[bytes] = []  # parts continuing the table the last joined body ends with
    for index in range(1, len(bodies) + 1):
        if index < len(bodies) and continued and continued[index]:
            pieces.append(bodies[index])
            continue
        if pieces:
            joined[-1] = _joined_table(joined[-1], pieces, document)
            pieces = []
        if index == len(bodies):
            break
        if _at_end(_ENDS_WITH_TABLE, joined[-1]) and _STARTS_WITH_TABLE.match(bodies[index]):
            bodies[index] = _TABLE_SEPARATOR + bodies[index]
        joined.append(bodies[index])
    entries = package.finished()
    entries[DOCUMENT] = document[:start] + b"".join(joined) + document[end:]
    return entries
