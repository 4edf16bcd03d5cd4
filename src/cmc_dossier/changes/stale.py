"""Text a change leaves stale: other places that still state the old value or now
contradict the new one. Each is a warning with file:line, listed "to check" in the comment.

Prose is found without parsing every file: the old value is searched in the raw bytes, and
a hit counts when its line belongs to a Markdown field or a narrative file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from cmc_dossier.changes.facts_diff import is_markdown
from cmc_dossier.changes.impact import AssessedChange, ImpactReport
from cmc_dossier.diagnostics import Diagnostic, Location
from cmc_dossier.diagnostics.codes import diagnostic
from cmc_dossier.model.base import REGIONS, Range
from cmc_dossier.model.comparison import criterion_direction
from cmc_dossier.model.control import Specification, SpecificationTest
from cmc_dossier.model.criteria import parse_criterion
from cmc_dossier.model.kinds import FactKinds
from cmc_dossier.model.manufacture import Duration

_KEY = re.compile(rb"^(\s*)(?:- )?([A-Za-z_][\w-]*):")
# the key of a value inside a flow mapping (`- {id: T-1, acceptance_criterion: ≤ 1.0 %}`)
_FLOW_KEY = re.compile(rb"[{,]\s*([A-Za-z_][\w-]*):[^,{}]*$")


@cache
def markdown_fields() -> frozenset[str]:
    """Names of every Markdown (prose) field of every fact kind and nested model."""
    names: set[str] = set()
    seen: set[type] = set()

    def walk(model: type[BaseModel]) -> None:
        if model in seen:
            return
        seen.add(model)
        for name, info in model.model_fields.items():
            if is_markdown(info.metadata, info.annotation):
                names.add(info.alias or name)
            for inner in _models(info.annotation):
                walk(inner)

    for kind in FactKinds:
        walk(kind)
    return frozenset(names)


def _models(annotation: Any) -> Iterator[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    for argument in getattr(annotation, "__args__", ()):
        yield from _models(argument)


def _number(value: Any) -> str:
    """The value as a literal, not preceded by a digit, point or comma. The check follows
    the literal so that the regular expression engine can search for the literal first."""
    literal = re.escape(str(value))
    return rf"{literal}(?<![\d.,]{literal})"


def old_value_patterns(old: Any, new: Any) -> list[str]:
    """Regular expressions for the ways prose quotes the old value."""
    found: list[str] = []
    if isinstance(old, str):
        parsed = parse_criterion(old)
        if parsed and parsed.form == "limit" and parsed.value is not None:
            if parsed.unit:
                found.append(rf"{_number(parsed.value)}\s?{re.escape(parsed.unit)}")
            else:
                found.append(rf"{re.escape(parsed.comparator or '')}\s?{_number(parsed.value)}")
        elif parsed and parsed.form == "range" and parsed.low is not None:
            found.append(rf"{_number(parsed.low)}\s?(?:–|-|to)\s?{_number(parsed.high)}")
    elif isinstance(old, Range) and old.low is not None and old.high is not None:
        found.append(rf"{_number(old.low)}\s?(?:–|-|to)\s?{_number(old.high)}(?![\d.])")
    elif isinstance(old, Duration):
        unit = old.unit.rstrip("s")
        found.append(rf"{_number(old.value)}[\s-]?(?:{unit}s?|{unit[0]}\b)")
    new_text = str(new or "")
    return [p for p in found if not re.search(p, new_text)]


def _owner_key(content: bytes, line_start: int) -> tuple[str | None, int]:
    """The key whose value holds the line starting here, with the start of its line: its
    own, or the nearest less-indented one above it."""
    line_end = content.find(b"\n", line_start)
    line = content[line_start : line_end if line_end >= 0 else len(content)]
    found = _KEY.match(line)
    if found:
        return found.group(2).decode(), line_start
    indent = len(line) - len(line.lstrip())
    end = line_start - 1
    while end > 0:
        start = content.rfind(b"\n", 0, end) + 1
        found = _KEY.match(content[start:end])
        if found and len(found.group(1)) < indent:
            return found.group(2).decode(), start
        end = start - 1
    return None, 0


def _field_key(content: bytes, line_start: int, key: str | None, key_line: int) -> str | None:
    """The field a text belongs to: one region's text ({us, eu}) belongs to the field above."""
    if key not in REGIONS:
        return key
    own, start = _owner_key(content, line_start)
    if own != key or start != key_line:  # `field: {us: ...}` on one line
        return own
    parent, _ = _owner_key(content, _enclosing_line(content, key_line))
    return parent


def _enclosing_line(content: bytes, line_start: int) -> int:
    """The start of the nearest less-indented line above this one."""
    line_end = content.find(b"\n", line_start)
    line = content[line_start : line_end if line_end >= 0 else len(content)]
    indent = len(line) - len(line.lstrip())
    end = line_start - 1
    while end > 0:
        start = content.rfind(b"\n", 0, end) + 1
        text = content[start:end]
        if text.strip() and len(text) - len(text.lstrip()) < indent:
            return start
        end = start - 1
    return 0


def quoting_old_value(
    report: ImpactReport, item: AssessedChange, contents: dict[Path, bytes], root: Path
) -> list[Diagnostic]:
    fc = item.field
    if fc is None or fc.old is None or fc.new is None:
        return []
    prose = markdown_fields()
    found = []
    for pattern in old_value_patterns(fc.old, fc.new):
        compiled = re.compile(pattern.encode())
        for path, content in contents.items():
            for hit in compiled.finditer(content):
                line_start = content.rfind(b"\n", 0, hit.start()) + 1
                if path.suffix != ".md":
                    flow = _FLOW_KEY.search(content, line_start, hit.start())
                    key, key_line = (
                        (flow.group(1).decode(), line_start)
                        if flow
                        else _owner_key(content, line_start)
                    )
                    if _field_key(content, line_start, key, key_line) not in prose:
                        continue
                line = content.count(b"\n", 0, line_start) + 1
                column = len(content[line_start : hit.start()].decode("utf-8", "replace")) + 1
                found.append(
                    diagnostic(
                        "DOS510",
                        f"still states the old value {hit.group().decode()!r} of "
                        f"{item.label} ({item.fact_id}), now {fc.new}",
                        Location(root / path, line, column),
                        hint="update the text, or confirm that it means the old value",
                    )
                )
    return found


def _spec_id(report: ImpactReport, item: AssessedChange) -> str | None:
    dossier = report.head_dossier
    if dossier is None or item.fact_id not in dossier.index:
        return None
    return dossier.index[item.fact_id].fact.id


def contradictions(report: ImpactReport, item: AssessedChange) -> list[Diagnostic]:
    """A justification left as it was, a DS limit now looser than the DP limit, a
    specification version left unchanged."""
    fc = item.field
    dossier = report.head_dossier
    base = report.base_dossier
    if dossier is None or base is None or fc is None or item.kind != "Specification":
        return []
    if fc.name != "acceptance_criterion":
        return []
    spec_id = _spec_id(report, item)
    spec = dossier.get(spec_id or "", Specification)
    old_spec = base.get(spec_id or "", Specification)
    test = dossier.get(item.fact_id, SpecificationTest)
    old_test = base.get(item.fact_id, SpecificationTest)
    if spec is None or test is None:
        return []
    found = []
    for holder, before, where in (
        (test, old_test, item.fact_id), (spec, old_spec, spec.id)
    ):  # fmt: skip
        if holder.justification is not None:
            if before is not None and before.justification == holder.justification:
                found.append(
                    diagnostic(
                        "DOS511",
                        f"justification unchanged while the criterion of {item.label} changed "
                        f"({fc.old} → {fc.new})",
                        dossier.locate(where, ("justification",)),
                        hint="say why the new criterion is justified (batch and clinical data)",
                    )
                )
            break
    if old_spec is not None and old_spec.version == spec.version:
        found.append(
            diagnostic(
                "DOS513",
                f"specification {spec.id} changed a test but keeps version {spec.version}",
                dossier.locate(spec.id, ("version",)),
                hint="raise the specification version",
            )
        )
    found += _substance_looser_than_product(report, test)
    return found


def _substance_looser_than_product(report: ImpactReport, changed: Any) -> list[Diagnostic]:
    dossier = report.head_dossier
    assert dossier is not None
    specs = list(dossier.of_kind(Specification))
    substance = [
        (s, t) for s in specs if s.applies_to == "drug-substance" for t in s.tests
        if t.attribute == changed.attribute
    ]  # fmt: skip
    product = [
        (s, t) for s in specs if s.applies_to == "drug-product" for t in s.tests
        if t.attribute == changed.attribute
    ]  # fmt: skip
    found = []
    for _, ds_test in substance:
        for _, dp_test in product:
            if changed.id not in (ds_test.id, dp_test.id):
                continue
            looser = criterion_direction(
                parse_criterion(dp_test.acceptance_criterion),
                parse_criterion(ds_test.acceptance_criterion),
            )
            if looser == "widened":
                found.append(
                    diagnostic(
                        "DOS512",
                        f"drug substance limit {ds_test.acceptance_criterion!r} ({ds_test.id}) "
                        f"is looser than the drug product limit "
                        f"{dp_test.acceptance_criterion!r} ({dp_test.id})",
                        dossier.locate(ds_test.id, ("acceptance_criterion",)),
                        hint="a drug substance meeting its limit could fail the product limit",
                    )
                )
    return found


def stale_text(report: ImpactReport, root: Path) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    for item in report.changes:
        found += quoting_old_value(report, item, report.head_texts, root)
        found += contradictions(report, item)
    return list(dict.fromkeys(found))
