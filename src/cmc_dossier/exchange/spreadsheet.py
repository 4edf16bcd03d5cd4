"""A partner's CSV or XLSX as the text each cell shows, refusing what Excel may have changed.

A cell is taken as the text the lab sees. What cannot be trusted is reported, never
converted: formulas (the value is computed, not written), merged cells (one value standing
for several rows), date cells (a lot number such as 1-10 or a value such as 3-5 silently
becomes a date), booleans and error values, and numbers whose shown form cannot be
reproduced. Every problem names the sheet, row and column.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from cmc_dossier.diagnostics import Diagnostic, Location
from cmc_dossier.diagnostics.codes import diagnostic

CSV_SUFFIXES = (".csv", ".tsv", ".txt")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
# Number formats whose shown text we reproduce exactly: General, fixed decimals, percent.
_FIXED = re.compile(r"^0(?:\.(0+))?(%?)$")
_SHEET_NAMESPACE = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def column_letter(index: int) -> str:
    """1 → A, 27 → AA, as spreadsheets name columns."""
    letters = ""
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


@dataclass(frozen=True, slots=True)
class Cell:
    """The text of one cell as shown, and where it is."""

    text: str
    sheet: str | None  # None for CSV
    row: int  # 1-based
    column: int  # 1-based
    number: bool = False  # a numeric XLSX cell in General format (Excel drops trailing zeros)
    refused: bool = False  # reported already; its text is not used

    def location(self, file: Path) -> Location:
        return Location(file, self.row, self.column)

    @property
    def place(self) -> str:
        cell = f"{column_letter(self.column)}{self.row}"
        return (
            f"sheet '{self.sheet}', cell {cell}"
            if self.sheet
            else f"row {self.row}, column {self.column}"
        )


@dataclass
class Table:
    """The header row and the data rows of one sheet, cells keyed by header text."""

    file: Path
    sheet: str | None
    header: list[Cell]
    rows: list[list[Cell]]


def _problem(code: str, file: Path, cell: Cell, message: str, hint: str) -> Diagnostic:
    return diagnostic(code, f"{cell.place}: {message}", cell.location(file), hint)


def read_table(
    file: Path, sheet: str | None = None, header_row: int = 1
) -> tuple[Table | None, list[Diagnostic]]:
    """The sheet as text cells; None with the reason when the file itself cannot be read."""
    suffix = file.suffix.lower()
    try:
        if suffix in CSV_SUFFIXES:
            return _read_csv(file, header_row)
        if suffix in XLSX_SUFFIXES:
            return _read_xlsx(file, sheet, header_row)
    except OSError as error:
        return None, [_unreadable(file, f"cannot read the file: {error.strerror}")]
    return None, [
        _unreadable(file, f"unsupported file type '{suffix}'", "give a .csv or .xlsx file")
    ]


def _unreadable(file: Path, message: str, hint: str | None = None) -> Diagnostic:
    return diagnostic(
        "DOS600", message, Location(file), hint or "export the sheet again as CSV (UTF-8) or XLSX"
    )


def _split(file: Path, sheet: str | None, rows: list[list[Cell]], header_row: int) -> Table:
    header = next((row for row in rows if row and row[0].row == header_row), [])
    data = [row for row in rows if row and row[0].row > header_row]
    return Table(file, sheet, header, data)


def _read_csv(file: Path, header_row: int) -> tuple[Table | None, list[Diagnostic]]:
    raw = file.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return None, [
            _unreadable(
                file,
                f"not UTF-8 (byte {error.start})",
                "save as 'CSV UTF-8'; other encodings garble symbols such as ≥ and µ",
            )
        ]
    first_line = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first_line.count)
    problems: list[Diagnostic] = []
    rows: list[list[Cell]] = []
    # A quoted cell may hold a line break: records are read from the text as a whole and
    # counted as the spreadsheet counts its rows, one per record.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        for number, values in enumerate(reader, 1):
            cells = [
                Cell(value, None, number, column, refused=value.startswith("="))
                for column, value in enumerate(values, 1)
            ]
            if any(cell.text.strip() for cell in cells):
                rows.append(cells)
            for cell in cells:
                if cell.refused:
                    problems.append(
                        _problem(
                            "DOS603",
                            file,
                            cell,
                            f"formula {cell.text!r} instead of a value",
                            "export the values, not the formulas; a formula's result is "
                            "computed, not what the lab reported",
                        )
                    )
    except csv.Error as error:
        return None, [
            diagnostic("DOS600", f"malformed CSV: {error}", Location(file, reader.line_num, 1))
        ]
    return _split(file, None, rows, header_row), problems


def _shown_number(value: float | int, number_format: str) -> str | None:
    """The text Excel shows for a number in this format, or None where we cannot be sure."""
    exact = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if number_format == "General":
        if exact == exact.to_integral_value() and abs(exact) < Decimal("1e11"):
            return str(exact.quantize(Decimal(1)))
        text = format(exact, "f")
        return text if len(text.replace("-", "").replace(".", "")) <= 11 else None
    fixed = _FIXED.match(number_format)
    if fixed is None:
        return None
    decimals = len(fixed.group(1) or "")
    if fixed.group(2):
        exact *= 100
    shown = exact.quantize(Decimal(1).scaleb(-decimals))
    if shown != exact:  # the cell holds more digits than it shows
        return None
    return f"{shown}{fixed.group(2)}"


def _xlsx_cell(file: Path, where: Cell, cell: object) -> tuple[Cell | None, Diagnostic | None]:
    """`where` places the cell: in read-only mode an empty cell carries no row or column."""
    sheet, row, column = where.sheet, where.row, where.column
    value = cell.value  # type: ignore[attr-defined]
    if value is None:
        return where, None
    data_type = cell.data_type  # type: ignore[attr-defined]
    if data_type == "f" or (isinstance(value, str) and value.startswith("=")):
        return None, _problem(
            "DOS603",
            file,
            where,
            f"formula {value!s} instead of a value",
            "paste the values (Paste Special → Values); a formula's result is computed, "
            "not what the lab reported",
        )
    if cell.is_date:  # type: ignore[attr-defined]
        return None, _problem(
            "DOS605",
            file,
            where,
            f"date cell ({value})",
            "Excel turns lot numbers such as 1-10 and values such as 3-5 into dates; "
            "format the column as Text and type the value again",
        )
    if data_type == "b" or data_type == "e":
        return None, _problem(
            "DOS606",
            file,
            where,
            f"{'boolean' if data_type == 'b' else 'error'} cell ({value})",
            "type the result as text",
        )
    if isinstance(value, int | float):
        shown = _shown_number(value, cell.number_format)  # type: ignore[attr-defined]
        if shown is None:
            return None, _problem(
                "DOS606",
                file,
                where,
                f"number {value!r} in format {cell.number_format!r} "  # type: ignore[attr-defined]
                "whose shown text cannot be reproduced exactly",
                "format the column as Text and type the value as reported",
            )
        number_format = cell.number_format  # type: ignore[attr-defined]
        return Cell(shown, sheet, row, column, number=number_format == "General"), None
    return Cell(str(value), sheet, row, column), None


def _sheet_marks(workbook: Any, worksheet: Any) -> tuple[list[str], set[int]]:
    """The sheet's merged ranges (`<mergeCell ref=...>`) and hidden rows (`<row hidden="1">`,
    also how a filter hides rows), which read-only mode does not read: lxml picks them out of
    the sheet part openpyxl resolved from the workbook."""
    from lxml import etree

    merged: list[str] = []
    hidden: set[int] = set()
    tags = (f"{{{_SHEET_NAMESPACE}}}mergeCell", f"{{{_SHEET_NAMESPACE}}}row")
    with workbook._archive.open(worksheet._worksheet_path) as source:
        for _, element in etree.iterparse(source, tag=tags):
            if element.tag == tags[0]:
                merged.append(element.get("ref"))
            elif element.get("hidden") in ("1", "true") and element.get("r"):
                hidden.add(int(element.get("r")))
            element.clear()
    return merged, hidden


def _hidden(file: Path, workbook: Any, worksheet: Any) -> Diagnostic:
    """The sheet Excel opens at (the active one) is hidden or a chart: which one was meant
    cannot be told, and data on a hidden sheet is easily out of date."""
    visible = [s.title for s in workbook.worksheets if s.sheet_state == "visible"]
    state = "a chart sheet" if worksheet not in workbook.worksheets else "hidden"
    title = getattr(worksheet, "title", "")
    return diagnostic(
        "DOS623",
        f"the active sheet {title!r} is {state}",
        Location(file),
        f"name the sheet to read with --sheet or the mapping's `sheet`; visible sheets: "
        f"{', '.join(map(repr, visible)) or 'none'}",
    )


def _read_xlsx(
    file: Path, sheet: str | None, header_row: int
) -> tuple[Table | None, list[Diagnostic]]:
    """Read-only mode streams the cells (value, type, number format) without building the
    sheet in memory: about 30 % faster on 50,000 rows (benchmarks/bench_import.py)."""
    import openpyxl
    from openpyxl.utils.cell import range_boundaries
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = openpyxl.load_workbook(file, read_only=True, data_only=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError) as error:
        return None, [_unreadable(file, f"not a readable XLSX workbook: {error}")]
    try:
        if sheet is not None and sheet not in workbook.sheetnames:
            return None, [
                _unreadable(
                    file,
                    f"no sheet named {sheet!r}",
                    f"sheets in this workbook: {', '.join(workbook.sheetnames)}",
                )
            ]
        if sheet is not None:
            worksheet = workbook[sheet]
        else:
            worksheet = workbook.active
            if worksheet not in workbook.worksheets or worksheet.sheet_state != "visible":
                return None, [_hidden(file, workbook, worksheet)]
        name = worksheet.title
        problems: list[Diagnostic] = []
        merged_ranges, hidden_rows = _sheet_marks(workbook, worksheet)
        merged = [(range_boundaries(ref), ref) for ref in merged_ranges]
        for (min_col, min_row, _, _), ref in sorted(merged, key=lambda m: (m[0][1], m[0][0])):
            problems.append(
                _problem(
                    "DOS604",
                    file,
                    Cell("", name, min_row, min_col),
                    f"merged cells {ref}",
                    "unmerge and repeat the value in every row it applies to; a merged cell "
                    "leaves the other rows empty",
                )
            )
        worksheet.reset_dimensions()  # the file's stored <dimension> may be wrong
        rows: list[list[Cell]] = []
        for row_number, row in enumerate(worksheet.iter_rows(min_row=1, min_col=1), 1):
            cells: list[Cell] = []
            for column, cell in enumerate(row, 1):
                found, problem = _xlsx_cell(file, Cell("", name, row_number, column), cell)
                if problem is not None:
                    problems.append(problem)
                    found = Cell("", name, row_number, column, refused=True)
                cells.append(found)  # type: ignore[arg-type]
            if any(cell.text.strip() for cell in cells):
                rows.append(cells)
                if row_number in hidden_rows:
                    problems.append(
                        _problem(
                            "DOS625",
                            file,
                            Cell("", name, row_number, 1),
                            "a hidden or filtered-out row",
                            "a row hidden in Excel often holds a superseded or invalidated "
                            "result: show the row to import it, or delete it",
                        )
                    )
    finally:
        workbook.close()
    return _split(file, name, rows, header_row), problems
