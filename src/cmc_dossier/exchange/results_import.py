"""`dossier import results`: a partner's result sheet → new values in the fact files.

Rows are matched to batches (ID or batch number), specification tests (ID) and stability
time points (as the study writes them). Every problem is collected with its cell; the
fact files change only when no row has an error, and only after the edited dossier has
passed the full validation in memory.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import yaml

from cmc_dossier.diagnostics import Diagnostic, Location, Severity
from cmc_dossier.diagnostics.codes import diagnostic
from cmc_dossier.diagnostics.hints import did_you_mean
from cmc_dossier.exchange.judgement import PLAIN_RESULT, decimals, outside
from cmc_dossier.exchange.layout import REQUIRED, Layout, default_layout, normalise
from cmc_dossier.exchange.spreadsheet import Cell, Table, read_table
from cmc_dossier.exchange.yaml_edit import FactFile, NotEditable, child, key_position
from cmc_dossier.loader import RawDocument, SourceFile, load_source, read_folder
from cmc_dossier.model.comparison import same_unit
from cmc_dossier.model.control import Batch, Specification, SpecificationTest
from cmc_dossier.model.criteria import ParsedCriterion, read_result
from cmc_dossier.model.dossier import Dossier
from cmc_dossier.model.stability import StabilityStudy
from cmc_dossier.outputs import replace_file
from cmc_dossier.validation import validate_documents

# Text Excel (or a person) made of a lot number or a value: 2026-03-01, 3/1/2026, 1-Oct, Oct-21
_MONTH = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*"
_DATE_LIKE = re.compile(
    rf"^(\d{{4}}-\d{{1,2}}-\d{{1,2}}|\d{{1,2}}[/.]\d{{1,2}}[/.]\d{{2,4}}"
    rf"|\d{{1,2}}[- ]{_MONTH}([- ]\d{{2,4}})?|{_MONTH}[- ]\d{{2,4}})$",
    re.IGNORECASE,
)
_STABILITY_GROUP = ("batch", "condition", "time_point")
_SCIENTIFIC = re.compile(r"^\d(\.\d+)?E\+\d+$", re.IGNORECASE)
# C0 and C1 controls (NUL, tab, line breaks, escape) and the Unicode line and paragraph
# separators: a value is one line of visible text; the loader refuses such characters in a
# fact file (DOS019), and a line break would change how the value reads.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# A remark after a result's unit, "< 2.5 ppm (LOQ)": not part of the unit.
_REMARK = re.compile(r"\s*\([^()]*\)$")
_LINE_BREAKS = "\n\r\x85\u2028\u2029"


@dataclass(frozen=True)
class Row:
    """One data row: our column name → its cell."""

    cells: dict[str, Cell]

    def text(self, column: str) -> str:
        cell = self.cells.get(column)
        return cell.text.strip() if cell else ""


@dataclass
class ImportResult:
    kind: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    changes: dict[Path, tuple[str, str]] = field(default_factory=dict)  # file → (old, new)
    added: int = 0
    unchanged: int = 0

    @property
    def blocked(self) -> bool:
        return any(d.severity is Severity.ERROR for d in self.diagnostics)

    @property
    def out_of_specification(self) -> bool:
        return any(d.code == "DOS614" for d in self.diagnostics)


@dataclass
class _Pending:
    """New values per fact, in sheet order: key (batch test, or batch/condition/time point)."""

    values: dict[str, dict[tuple[str, ...], dict[str, str]]] = field(default_factory=dict)
    seen: dict[tuple[str, ...], Cell] = field(default_factory=dict)

    def add(self, fact_id: str, group: tuple[str, ...], test: str, value: str) -> None:
        self.values.setdefault(fact_id, {}).setdefault(group, {})[test] = value


def _columns(table: Table, layout: Layout) -> tuple[dict[str, int], list[Diagnostic]]:
    """Our column → its index; a header the layout uses must head one column only."""
    found: dict[str, Cell] = {}
    problems: list[Diagnostic] = []
    wanted = set(layout.headers.values())
    for cell in table.header:
        header = normalise(cell.text)
        first = found.setdefault(header, cell) if header else cell
        if first is not cell and header in wanted:
            problems.append(
                diagnostic(
                    "DOS621",
                    f"{cell.place}: a second column headed {cell.text.strip()!r} "
                    f"(first at {first.place})",
                    cell.location(table.file),
                    "keep one column per header (or map another header in a mapping file); "
                    "which of the two holds the values cannot be told",
                    related=(first.location(table.file),),
                )
            )
    columns = {c: found[h].column for c, h in layout.headers.items() if h in found}
    missing = [c for c in REQUIRED[layout.kind] if c not in columns]
    if not missing:
        return columns, problems
    where = Cell("", table.sheet, layout.header_row, 1)
    headers = ", ".join(repr(layout.headers[c]) for c in missing)
    return columns, [
        *problems,
        diagnostic(
            "DOS601",
            f"{where.place}: no column {headers} in the header row for {layout.kind}",
            where.location(table.file),
            "use the documented headers (see README, Data exchange) or a mapping file (--mapping)",
        ),
    ]


class _Matcher:
    """Finds what a row names in the validated dossier and reports what it cannot find."""

    def __init__(self, dossier: Dossier, file: Path, problems: list[Diagnostic]) -> None:
        self.dossier = dossier
        self.file = file
        self.problems = problems
        self.batches: dict[str, list[Batch]] = {}  # ID or batch number → the batches it names
        self.criteria: dict[str, ParsedCriterion | None] = {}
        for batch in dossier.of_kind(Batch):
            for name in dict.fromkeys((batch.id, batch.batch_number)):
                self.batches.setdefault(name, []).append(batch)

    def criterion(self, test: SpecificationTest) -> ParsedCriterion | None:
        """The parsed criterion, once per test rather than once per row."""
        if test.id not in self.criteria:
            self.criteria[test.id] = test.parsed_criterion
        return self.criteria[test.id]

    def report(self, code: str, cell: Cell, message: str, hint: str | None = None) -> None:
        self.problems.append(
            diagnostic(code, f"{cell.place}: {message}", cell.location(self.file), hint)
        )

    def mangled(self, cell: Cell, what: str) -> bool:
        """Report text that looks like Excel's rewriting of an ID; True when reported."""
        if _DATE_LIKE.match(cell.text.strip()):
            self.report(
                "DOS605",
                cell,
                f"{what} {cell.text!r} looks like a date",
                "Excel turns lot numbers and values such as 1-10 into dates; format the "
                "column as Text, type the value as the lab reported it, and import again",
            )
            return True
        if _SCIENTIFIC.match(cell.text.strip()):
            self.report(
                "DOS606",
                cell,
                f"{what} {cell.text!r} is in Excel's scientific notation",
                "Excel shows long numbers such as lot 123456789012 as 1.23457E+11 and "
                "loses digits; format the column as Text and type the value again",
            )
            return True
        return False

    def control(self, cell: Cell) -> bool:
        """Report a control character or line break in the cell; True when reported."""
        found = _CONTROL.search(cell.text)
        if found is None:
            return False
        character = found.group()
        what = "line break" if character in _LINE_BREAKS else "control character"
        self.report(
            "DOS620",
            cell,
            f"{what} U+{ord(character):04X} in the cell",
            "a value is one line of visible text: delete the character (a line break typed "
            "in the cell, a NUL or escape left by an export) and import again",
        )
        return True

    def batch(self, cell: Cell, allowed: list[str] | None = None) -> Batch | None:
        named = self.batches.get(cell.text.strip(), [])
        if len(named) > 1:
            self.ambiguous(cell, named)
            return None
        found = named[0] if named else None
        if found is not None and (allowed is None or found.id in allowed):
            return found
        if self.mangled(cell, "batch"):
            return None
        if found is not None:
            self.report("DOS610", cell, f"batch {cell.text!r} is not in this stability study")
            return None
        names = list(self.batches)
        self.report(
            "DOS608",
            cell,
            f"unknown batch {cell.text!r}",
            did_you_mean(cell.text.strip(), names) or "give the Batch fact's ID or batch number",
        )
        return None

    def ambiguous(self, cell: Cell, batches: list[Batch]) -> None:
        lot = cell.text.strip()
        names = ", ".join(f"{b.id} ({'ID' if b.id == lot else 'batch number'})" for b in batches)
        self.problems.append(
            diagnostic(
                "DOS622",
                f"{cell.place}: {lot!r} names {len(batches)} batches: {names}",
                cell.location(self.file),
                "a lot must name one batch: give batch numbers that no other batch uses as "
                "its number or ID, then import again",
                related=tuple(self.dossier.origins[b.id].start for b in batches),
            )
        )

    def test(self, cell: Cell, specification_id: str | None) -> SpecificationTest | None:
        specification = self.dossier.get(specification_id or "", Specification)
        if specification is None:
            self.report(
                "DOS609",
                cell,
                f"test {cell.text!r}: the batch names no specification",
                "add `specification:` to the Batch fact first",
            )
            return None
        tests = {t.id: t for t in specification.tests}
        found = tests.get(cell.text.strip())
        if found is None:
            self.report(
                "DOS609",
                cell,
                f"test {cell.text!r} is not in specification {specification.id}",
                did_you_mean(cell.text.strip(), tests) or "give the specification test's ID",
            )
        return found


def _value(matcher: _Matcher, row: Row, test: SpecificationTest) -> str | None:
    """The result as it will be stored, after the unit, Excel and criterion checks."""
    cell = row.cells["result"]
    result = cell.text.strip()
    if matcher.mangled(cell, "result"):
        return None
    criterion = matcher.criterion(test)
    unit = row.text("unit")
    if unit:
        expected = criterion.unit if criterion else None
        if expected is not None and " ".join(unit.split()) != " ".join(expected.split()):
            matcher.report(
                "DOS611",
                row.cells["unit"],
                f"unit {unit!r} but {test.id} is specified in {expected!r} "
                f"({test.acceptance_criterion})",
                "report the result in the specification's unit; no conversion is made",
            )
            return None
        if not result.endswith(unit):
            result = f"{result} {unit}"
    if cell.number and criterion is not None:
        wanted = max(decimals(v) for v in (criterion.value, criterion.low, criterion.high))
        if decimals_in(cell.text) < wanted:
            matcher.report(
                "DOS606",
                cell,
                f"number {cell.text!r} has fewer decimals than the criterion "
                f"{test.acceptance_criterion!r}: Excel's General format drops trailing zeros",
                "format the column as Text and type the result as reported (e.g. 1.10)",
            )
            return None
    if _other_unit(matcher, cell, test, criterion, result):
        return None
    if outside(criterion, result):
        matcher.report(
            "DOS614",
            cell,
            f"{test.id}: result {result!r} is outside the acceptance criterion "
            f"{test.acceptance_criterion!r}",
            "check the value with the lab; an out-of-specification result is imported only "
            "with --accept-out-of-specification",
        )
    return result


def _other_unit(
    matcher: _Matcher,
    cell: Cell,
    test: SpecificationTest,
    criterion: ParsedCriterion | None,
    result: str,
) -> bool:
    """Report a numeric result whose unit (typed in the cell, or none) is not the unit of
    its limit or range: it would be stored unjudged and read as if in the criterion's unit.
    A remark in brackets after the unit is not part of it; a criterion written `pH 6.5–7.5`
    takes a bare number. True when reported."""
    if criterion is None or criterion.form not in ("limit", "range"):
        return False
    plain = PLAIN_RESULT.match(result)
    if plain and plain.group("unit") == criterion.unit:  # the usual case, without the full
        return False  # reading (decimals, powers, labels): a tenth of the time on 50,000 rows
    reading = read_result(result)
    if reading is None:
        return False
    unit = _REMARK.sub("", reading.unit or "") or None
    if same_unit(criterion.unit, unit) or (criterion.unit == "pH" and unit is None):
        return False
    expected = criterion.unit or "no unit"
    matcher.report(
        "DOS611",
        cell,
        f"result {result!r} is {f'in {unit!r}' if unit else 'a bare number'} "
        f"but {test.id} is specified in {expected!r} ({test.acceptance_criterion})",
        "report the result in the specification's unit, typed with the value or in a unit "
        "column; a bare number is not taken to be in that unit, and no conversion is made",
    )
    return True


def decimals_in(text: str) -> int:
    whole, _, fraction = text.partition(".")
    return len(fraction) if whole.lstrip("-").isdigit() and fraction.isdigit() else 0


def _batch_row(matcher: _Matcher, row: Row, pending: _Pending) -> None:
    batch = matcher.batch(row.cells["batch"])
    test = matcher.test(row.cells["test"], batch.specification) if batch else None
    if batch is None or test is None:
        return
    _record(matcher, row, pending, batch.id, (), test, batch.results.get(test.id))


def _stability_row(matcher: _Matcher, row: Row, pending: _Pending) -> None:
    study_cell = row.cells["study"]
    study = matcher.dossier.get(study_cell.text.strip(), StabilityStudy)
    if study is None:
        studies = [s.id for s in matcher.dossier.of_kind(StabilityStudy)]
        matcher.report(
            "DOS610",
            study_cell,
            f"unknown stability study {study_cell.text!r}",
            did_you_mean(study_cell.text.strip(), studies) or "give the StabilityStudy's ID",
        )
        return
    batch = matcher.batch(row.cells["batch"], study.batches)
    ok = batch is not None
    condition, time_point = row.cells["condition"], row.cells["time_point"]
    keys = [c.key for c in study.conditions]
    if condition.text.strip() not in keys:
        ok = False
        matcher.report(
            "DOS610",
            condition,
            f"condition {condition.text!r} is not in {study.id}",
            f"conditions of the study: {', '.join(keys)}",
        )
    if time_point.text.strip() not in study.time_points and not matcher.mangled(
        time_point, "time point"
    ):
        ok = False
        matcher.report(
            "DOS610",
            time_point,
            f"time point {time_point.text!r} is not in {study.id}",
            f"time points as the study writes them: {', '.join(study.time_points)}",
        )
    test = matcher.test(row.cells["test"], study.specification)
    if not ok or batch is None or test is None:
        return
    group = (batch.id, condition.text.strip(), time_point.text.strip())
    existing = next(
        (
            r.values.get(test.id)
            for r in study.results
            if (r.batch, r.condition, r.time_point) == group
        ),
        None,
    )
    _record(matcher, row, pending, study.id, group, test, existing)


def _record(
    matcher: _Matcher,
    row: Row,
    pending: _Pending,
    fact_id: str,
    group: tuple[str, ...],
    test: SpecificationTest,
    existing: str | None,
) -> None:
    value = _value(matcher, row, test)
    if value is None:
        return
    key = (fact_id, *group, test.id)
    cell = row.cells["result"]
    first = pending.seen.get(key)
    if first is not None:
        matcher.problems.append(
            diagnostic(
                "DOS612",
                f"{cell.place}: a second result for {' / '.join(key)} (first at {first.place})",
                cell.location(matcher.file),
                "keep one row per result; replicates belong in one reported value",
                related=(first.location(matcher.file),),
            )
        )
        return
    pending.seen[key] = cell
    if existing is None:
        pending.add(fact_id, group, test.id, value)
    elif existing != value:
        matcher.report(
            "DOS613",
            cell,
            f"{' / '.join(key)} is already reported as {existing!r}; the sheet says {value!r}",
            "an import never overwrites a reported result; correct it in the fact file "
            "with the reason in the commit message",
        )


def _apply(
    dossier: Dossier, documents: list[RawDocument], pending: _Pending, kind: str
) -> tuple[dict[Path, tuple[str, list[RawDocument]]], list[tuple[Path, str]]]:
    """New text and its documents per changed file; files that cannot take the values."""
    by_file: dict[Path, list[str]] = {}
    for fact_id in pending.values:
        by_file.setdefault(dossier.origins[fact_id].start.file, []).append(fact_id)
    read: dict[Path, list[RawDocument]] = {}
    for document in documents:
        read.setdefault(document.source.name, []).append(document)
    edited: dict[Path, tuple[str, list[RawDocument]]] = {}
    refused: list[tuple[Path, str]] = []
    edit, expect = (
        (_add_batch_results, _batch_results_after)
        if kind == "batch-results"
        else (_add_stability_results, _stability_results_after)
    )
    for file, fact_ids in by_file.items():
        before = read[file]
        try:
            facts = FactFile(before[0].source.text)
            for fact_id in fact_ids:
                edit(facts, fact_id, pending.values[fact_id])
            expected = {f: partial(expect, groups=pending.values[f]) for f in fact_ids}
            edited[file] = _read_back(file, facts, before, expected)
        except NotEditable as reason:
            refused.append((file, str(reason)))
    return edited, refused


def _read_back(
    file: Path,
    facts: FactFile,
    before: list[RawDocument],
    expected: dict[str, Callable[[object], object]],
) -> tuple[str, list[RawDocument]]:
    """The new text, after checking it reads as the old documents plus the new values only."""
    text = facts.text()
    after, problems = load_source(SourceFile(file, text))
    if problems or len(before) != len(after):
        raise NotEditable("the edited file does not read back")
    for old, new in zip(before, after, strict=True):
        results = old.data.get("results")
        expect = expected.get(str(old.data.get("id")))
        if new.data != {**old.data, "results": expect(results) if expect else results}:
            raise NotEditable(f"the edit would change {old.data.get('id')} beyond its results")
    return text, after


def _batch_results_after(results: object, groups: dict) -> dict:
    return {**(results if isinstance(results, dict) else {}), **groups[()]}


def _stability_results_after(results: object, groups: dict) -> list:
    entries = [{**e, "values": dict(e["values"])} for e in results or []]  # type: ignore[union-attr]
    by_group = {tuple(str(e[k]) for k in _STABILITY_GROUP): e for e in entries}
    for (batch, condition, time_point), values in groups.items():
        entry = by_group.get((batch, condition, time_point))
        if entry is None:
            entries.append(
                {"batch": batch, "condition": condition, "time_point": time_point, "values": {}}
            )
            entry = entries[-1]
        entry["values"].update(values)
    return entries


def _add_batch_results(facts: FactFile, fact_id: str, groups: dict) -> None:
    document = facts.document(fact_id)
    results = child(document, "results")
    if results is None:
        position = key_position(document, "results", _keys(Batch))
        facts.add_entries(document, {"results": dict(groups[()])}, position)
    else:
        facts.add_entries(results, dict(groups[()]))


def _add_stability_results(facts: FactFile, fact_id: str, groups: dict) -> None:
    document = facts.document(fact_id)
    results = child(document, "results")
    entries = {} if results is None else {_entry_key(e): e for e in results.value}
    new: list[dict] = []
    for (batch, condition, time_point), values in groups.items():
        entry = entries.get((batch, condition, time_point))
        if entry is None:
            new.append(
                {"batch": batch, "condition": condition, "time_point": time_point, "values": values}
            )
        else:
            facts.add_entries(child(entry, "values"), dict(values))
    if not new:
        return
    if results is None:
        position = key_position(document, "results", _keys(StabilityStudy))
        facts.add_entries(document, {"results": new}, position)
    else:
        last = results.value[-1] if results.value else None
        values = child(last, "values") if last is not None else None
        facts.append_items(results, new, flow_values=bool(values and values.flow_style))


def _entry_key(entry: yaml.MappingNode) -> tuple[str, ...]:
    return tuple(str(getattr(child(entry, k), "value", "")) for k in _STABILITY_GROUP)


def _keys(cls: type) -> list[str]:
    return [info.alias or name for name, info in cls.model_fields.items()]


def _revalidate(
    root: Path, documents: list[RawDocument], edited: dict[Path, tuple[str, list[RawDocument]]]
) -> list[Diagnostic]:
    """The dossier as it would be after writing, through every check (edited files re-read)."""
    after: list[RawDocument] = []
    replaced: set[Path] = set()
    for document in documents:
        file = document.source.name
        if file not in edited:
            after.append(document)
        elif file not in replaced:  # once, where the file's first document was
            replaced.add(file)
            after.extend(edited[file][1])
    return validate_documents(after, root, []).errors


def import_results(
    root: Path,
    sheet_file: Path,
    layout: Layout | None,
    accept_out_of_specification: bool = False,
    sheet: str | None = None,
) -> ImportResult:
    """Check every row, then plan the edits; nothing is written here. `sheet` (--sheet)
    overrides the mapping's; without either, an XLSX is read at its active sheet."""
    documents, read_problems = read_folder(root)
    validation = validate_documents(documents, root, read_problems)
    if validation.errors or validation.dossier is None:
        return ImportResult(layout.kind if layout else "unknown", validation.errors)
    dossier = validation.dossier
    table, problems = read_table(
        sheet_file,
        sheet or (layout.sheet if layout else None),
        layout.header_row if layout else 1,
    )
    if table is None:
        return ImportResult(layout.kind if layout else "unknown", problems)
    layout = layout or default_layout([cell.text for cell in table.header])
    outcome = ImportResult(layout.kind, problems)
    columns, missing = _columns(table, layout)
    if missing:
        outcome.diagnostics.extend(missing)
        return outcome
    matcher = _Matcher(dossier, sheet_file, outcome.diagnostics)
    pending = _Pending()
    handle: Callable[[_Matcher, Row, _Pending], None] = (
        _batch_row if layout.kind == "batch-results" else _stability_row
    )
    for cells in table.rows:
        by_column = {cell.column: cell for cell in cells}
        row = Row(
            {
                name: by_column.get(index, Cell("", table.sheet, cells[0].row, index))
                for name, index in columns.items()
            }
        )
        if any(cell.refused for cell in row.cells.values()):
            continue  # already reported where the sheet was read
        if sum(matcher.control(cell) for cell in row.cells.values()):
            continue
        empty = [c for c in REQUIRED[layout.kind] if not row.text(c)]
        if empty:
            for column in empty:
                matcher.report("DOS607", row.cells[column], f"empty {column} cell")
            continue
        handle(matcher, row, pending)
    outcome.added = sum(len(v) for groups in pending.values.values() for v in groups.values())
    outcome.unchanged = len(pending.seen) - outcome.added
    if outcome.blocked or (outcome.out_of_specification and not accept_out_of_specification):
        return outcome
    edited, refused = _apply(dossier, documents, pending, layout.kind)
    for file, reason in refused:
        outcome.diagnostics.append(
            diagnostic(
                "DOS615",
                f"{file} cannot take the new values without changing other text: {reason}",
                Location(file),
                "normalise the file (LF line breaks, facts as block mappings) in a separate "
                "commit, then import again",
            )
        )
    if refused:
        return outcome
    errors = _revalidate(root, documents, edited)
    if errors:
        outcome.diagnostics.extend(errors)
        return outcome
    old = {document.source.name: document.source.text for document in documents}
    outcome.changes = {path: (old[path], text) for path, (text, _) in sorted(edited.items())}
    return outcome


def write_changes(changes: dict[Path, tuple[str, str]]) -> list[Diagnostic]:
    """Replace the edited fact files, none unless each still holds the text that was
    checked (call under the folder's `source_lock`, which other imports wait for)."""
    changed = [file for file, (old, _) in changes.items() if _current(file) != old]
    if changed:
        return [
            diagnostic(
                "DOS624",
                f"{file} changed after it was read for the import; no fact file was replaced",
                Location(file),
                "import again; an editor or another tool wrote the file meanwhile",
            )
            for file in changed
        ]
    for file, (_, new) in changes.items():
        replace_file(file, new.encode("utf-8"))  # as built: line breaks and all
    return []


def _current(file: Path) -> str | None:
    try:
        return file.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None
