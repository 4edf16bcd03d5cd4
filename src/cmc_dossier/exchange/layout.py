"""Column layouts of result spreadsheets, and the mapping file for a partner's own layout.

Two kinds, each with its documented columns (header text, case and spaces ignored):

- batch results (certificate of analysis, release testing): batch, test, result[, unit]
- stability results: study, batch, condition, time_point, test, result[, unit]

A sheet whose header has a `time_point` column is read as stability results. A partner
keeps its own headers by a mapping file (YAML) naming the kind, the sheet, the header row
and, per column, the header it uses.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError

from cmc_dossier.diagnostics import Diagnostic, Location
from cmc_dossier.diagnostics.codes import diagnostic
from cmc_dossier.loader import SourceFile, load_source
from cmc_dossier.loader.strict_yaml import decode
from cmc_dossier.model.base import Number, StrictModel, Text

ResultKind = Literal["batch-results", "stability-results"]
Column = Literal["study", "batch", "condition", "time_point", "test", "result", "unit"]

REQUIRED: dict[str, tuple[str, ...]] = {
    "batch-results": ("batch", "test", "result"),
    "stability-results": ("study", "batch", "condition", "time_point", "test", "result"),
}
OPTIONAL = ("unit",)


class ColumnMapping(StrictModel):
    """A partner's layout: which of its headers holds each of our columns."""

    kind: ResultKind
    sheet: Text | None = Field(default=None, description="XLSX sheet (default: the active one)")
    header_row: Number = Field(default=1, description="Row of the headers, 1-based")
    columns: dict[Column, Text] = Field(default={}, description="our column → partner header")


@dataclass(frozen=True)
class Layout:
    kind: ResultKind
    sheet: str | None
    header_row: int
    headers: dict[str, str]  # our column → expected header text (normalised)


def normalise(header: str) -> str:
    return " ".join(header.replace("_", " ").split()).casefold()


def default_layout(header_texts: list[str]) -> Layout:
    names = {normalise(text) for text in header_texts}
    kind: ResultKind = "stability-results" if normalise("time_point") in names else "batch-results"
    columns = (*REQUIRED[kind], *OPTIONAL)
    return Layout(kind, None, 1, {column: normalise(column) for column in columns})


def read_mapping(file: Path) -> tuple[Layout | None, list[Diagnostic]]:
    """The layout a mapping file describes, read with the dossier's strict YAML loader."""
    try:
        raw = file.read_bytes()
    except OSError as error:
        return None, [
            diagnostic("DOS602", f"cannot read mapping: {error.strerror}", Location(file))
        ]
    text, problems = decode(file, raw)
    if text is None:
        return None, problems
    documents, problems = load_source(SourceFile(file, text))
    if problems:
        return None, problems
    if len(documents) != 1:
        return None, [
            diagnostic("DOS602", "a mapping file holds one YAML document", Location(file))
        ]
    document = documents[0]
    try:
        mapping = ColumnMapping.model_validate(document.data)
    except ValidationError as error:
        problems = []
        for item in error.errors(include_url=False):
            path = tuple(part for part in item["loc"] if part != "[key]")
            problems.append(
                diagnostic(
                    "DOS602",
                    f"mapping `{'.'.join(map(str, path)) or 'document'}`: {item['msg']}",
                    document.locate(path, key="[key]" in item["loc"]),
                    "keys: kind (batch-results | stability-results), sheet, header_row, columns",
                )
            )
        return None, problems
    if mapping.header_row % 1 or mapping.header_row < 1:  # the default is the int 1
        return None, [
            diagnostic(
                "DOS602",
                "mapping `header_row` must be a whole number from 1",
                document.locate(("header_row",)),
            )
        ]
    columns = (*REQUIRED[mapping.kind], *OPTIONAL)
    headers = {column: normalise(mapping.columns.get(column, column)) for column in columns}
    shared = [c for c in columns if list(headers.values()).count(headers[c]) > 1]
    if shared:
        return None, [
            diagnostic(
                "DOS602",
                f"mapping `columns`: {', '.join(shared)} read the same header "
                f"{headers[shared[0]]!r}",
                document.locate(("columns",)),
                "each of our columns reads its own header",
            )
        ]
    return Layout(mapping.kind, mapping.sheet, int(mapping.header_row), headers), []
