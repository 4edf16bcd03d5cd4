"""Long review pages cut into pages a reader can open, each rebuilt on its own.

A page that grows with the dossier (a CTD section listing hundreds of specifications, the
QOS, the traceability matrix, the diagnostics) becomes an index page and pages of at most
PAGE_BUDGET bytes of Markdown. A page starts at an item a reviewer looks for: a heading or
a table's caption (one specification, one process, one batch-analysis table); only a table
too long for one page is cut between its rows, its caption and header repeated. Where a
page ends is decided by the content (a hash of the item that starts the next page), not by
counting, so an edit changes the one page that shows it and leaves the other pages, and
their names, as they were: an incremental build then renders only that page.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass, field

from cmc_dossier.render.outline import slug

# Bytes of Markdown a page holds at most (about three times as much HTML): a page of a few
# hundred table rows that opens at once. A fact page holds about 0.1 MB at 10,000 facts.
PAGE_BUDGET = 64_000
# A page may end before an item only once it holds this much, and then where the item's
# text hashes to a multiple of ITEM_BOUNDARY (or a table row's to one of ROW_BOUNDARY).
PAGE_MINIMUM = 32_000
ITEM_BOUNDARY = 4
_TITLE_ROOM = 2_000  # a page's title, made of the items it shows first and last
ROW_BOUNDARY = 16

_HEADING = re.compile(r"#{2,6} (.*?)(?: \{#([^}]+)\})?$")
_CAPTION = re.compile(r"\*(Table [^*]+)\*$")  # the site flavor's table caption
_TABLE_NUMBER = re.compile(r"Table [\w.\-]+-\d+\. ")
# A relative link's target: "](" after an even number of backslashes (an escaped "\\]"
# is text), not a URL with a scheme, an anchor on the same page or an absolute path.
_LINK = re.compile(r"(?<!\\)((?:\\\\)*)\]\((?![a-z][a-z0-9+.-]*:|#|/)")


@dataclass
class _Unit:
    """Lines that stay on one page: a paragraph, a fenced block, a table row."""

    text: str
    kind: str  # "heading", "caption", "row" or "other"
    title: str = ""  # the heading's or caption's text, for the index
    anchor: str | None = None  # the heading's explicit anchor


def _units(body: str) -> list[_Unit]:
    units: list[_Unit] = []
    lines = body.split("\n")
    index = 0
    while index < len(lines):
        line = lines[index]
        if line.startswith("```"):
            end = index + 1
            while end < len(lines) and not lines[end].startswith("```"):
                end += 1
            units.append(_Unit("\n".join(lines[index : end + 1]), "other"))
            index = end + 1
            continue
        if line.startswith("|"):
            units.append(_Unit(line, "row"))
        elif line.startswith("##") and (heading := _HEADING.match(line)):
            units.append(_Unit(line, "heading", heading.group(1), heading.group(2)))
        elif line.startswith("*Table ") and (caption := _CAPTION.match(line)):
            units.append(_Unit(line, "caption", caption.group(1)))
        else:
            units.append(_Unit(line, "other"))
        index += 1
    return units


def _hash(text: str) -> int:
    return zlib.crc32(text.encode("utf-8"))


@dataclass
class Piece:
    """One page of a split page: its Markdown and what its index entry shows."""

    lines: list[str] = field(default_factory=list)
    size: int = 0
    titles: list[str] = field(default_factory=list)  # its headings and captions, in order
    headings: list[tuple[str, str]] = field(default_factory=list)  # (title, anchor)
    rows: list[str] = field(default_factory=list)  # its first and last table row's label

    def add(self, text: str) -> None:
        self.lines.append(text)
        self.size += len(text.encode("utf-8")) + 1

    @property
    def markdown(self) -> str:
        return "\n".join(self.lines).strip("\n")

    @property
    def span(self) -> str:
        """The first and last item it shows."""
        shown = self.titles or self.rows or ["Continued"]
        return shown[0] if shown[0] == shown[-1] else f"{shown[0]} to {shown[-1]}"


def _shown(title: str) -> str:
    """A caption without its table number, which changes when a table is added before it."""
    return _TABLE_NUMBER.sub("", title, count=1)


def _cells(row: str) -> list[str]:
    """A row's cells as shown: link targets dropped."""
    cells = re.split(r"(?<!\\)\|", row.strip().strip("|"))
    return [re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", cell).strip() for cell in cells]


def _label(row: str, first: str, column: int | None) -> str:
    """What names a row: the cell in `column`, or the first cell in which it differs from
    the table's first row (a column such as "QTPP element" may repeat one value)."""
    cells = _cells(row)
    if column is None:
        others = _cells(first)
        column = next(
            (i for i, cell in enumerate(cells) if i >= len(others) or cell != others[i]), 0
        )
    return cells[column] if column < len(cells) else ""


def pieces(body: str, label_column: int | None = None) -> list[Piece]:
    """The body cut into pages. A page starting inside a table repeats its caption and
    header; a page of rows only is named after its rows' `label_column` cells."""
    done: list[Piece] = []
    page = Piece()
    caption, caption_used = "", False  # the caption of the table being read
    header: list[str] = []  # that table's header and separator rows, and its first row
    previous = _Unit("", "other")  # the last unit that is not a blank line
    in_table = False
    rows: list[tuple[str, str]] = []  # the page's first and last row (and its table's first)
    for unit in _units(body):
        in_header = False
        if unit.kind == "row":
            if not in_table:
                header, in_header = [unit.text], True
                caption, caption_used = ("", False) if caption_used else (caption, True)
            elif len(header) == 1:
                header.append(unit.text)
                in_header = True
            elif len(header) == 2:
                header.append(unit.text)
        elif unit.kind == "caption":
            caption, caption_used = unit.title, False
        elif unit.text.strip():
            caption = ""
        forced = page.size + len(unit.text.encode("utf-8")) + 1 > PAGE_BUDGET - _TITLE_ROOM
        natural = page.size >= PAGE_MINIMUM and (
            (unit.kind in {"heading", "caption"} and _hash(_shown(unit.title)) % ITEM_BOUNDARY == 0)
            or (unit.kind == "row" and _hash(unit.text) % ROW_BOUNDARY == 0)
        )
        movable = not in_header and previous.kind != "caption"
        if page.lines and movable and (forced or natural):
            done.append(_named(page, rows, label_column))
            page, rows = Piece(), []
            if unit.kind == "row":  # a table goes on: its caption and header again
                if caption:
                    row = _label(unit.text, header[2], label_column)
                    page.titles.append(f"{_shown(caption)} from {row}")
                    page.add(f"*{caption} (continued)*\n")
                for line in header[:2]:
                    page.add(line)
        if unit.kind in {"heading", "caption"}:
            page.titles.append(_shown(unit.title))
            if unit.kind == "heading" and unit.anchor:  # the index links to it
                page.headings.append((unit.title, unit.anchor))
        elif (unit.kind == "row" and not in_header) or unit.text.startswith("- "):
            rows[1:] = [(unit.text, header[2] if unit.kind == "row" else "")]
        page.add(unit.text)
        in_table = unit.kind == "row"
        if unit.text.strip():
            previous = unit
    if page.lines:
        done.append(_named(page, rows, label_column))
    return done


def _named(page: Piece, rows: list[tuple[str, str]], label_column: int | None) -> Piece:
    """The page with the labels of its first and last table row or list item."""
    page.rows = [
        _label(text, first, label_column) if first else " ".join(text[2:].split()[:8])
        for text, first in rows
    ]
    return page


def split_page(
    path: str,
    heading: str,
    body: str,
    tail: str = "",
    label_column: int | None = None,
    intro: str = "",
) -> dict[str, str]:
    """The page at `path` (its `# ` heading line, intro, body and tail): itself when it
    fits in PAGE_BUDGET, else an index page at `path` (the heading, the intro, an entry per
    page, the tail) and the pages of the body beside it (in a folder named after it, or in
    its own folder for an index.md page), their relative links rebased."""
    whole = "\n\n".join(part for part in (heading, intro, body, tail) if part) + "\n"
    if len(whole.encode("utf-8")) <= PAGE_BUDGET:
        return {path: whole}
    if path.endswith("/index.md"):
        folder, up = path.removesuffix("index.md"), ""
    else:
        folder, up = path.removesuffix(".md") + "/", "../"
    listed = folder.removeprefix(path.rsplit("/", 1)[0] + "/") if "/" in path else folder
    title = heading.removeprefix("# ").split(" {#", 1)[0]
    pages: dict[str, str] = {}
    entries = []
    for piece in pieces(body, label_column):
        name, number = slug(_plain(piece.span.split(" to ", 1)[0]), 60), 2
        page = f"{folder}{name}.md"
        while page in pages or page == path or page == f"{folder}index.md":
            page, number = f"{folder}{name}-{number}.md", number + 1
        text = f"# {title}: {piece.span}\n\n{piece.markdown}\n"
        pages[page] = _LINK.sub(r"\1](" + up, text) if up else text
        here = listed + page.rsplit("/", 1)[1]
        entries.append(f"- [{piece.span}]({here})")
        entries += [
            f"    - [{shown}]({here}#{anchor})" for shown, anchor in piece.headings if anchor
        ]
    index = f"Shown on {len(pages)} pages:\n\n" + "\n".join(entries)
    pages[path] = "\n\n".join(part for part in (heading, intro, index, tail) if part) + "\n"
    return pages


def _plain(markdown: str) -> str:
    return re.sub(r"\\(.)", r"\1", markdown)
