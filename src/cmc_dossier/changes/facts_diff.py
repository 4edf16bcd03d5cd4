"""Facts of two snapshots paired by ID, compared field by field.

Only files whose blob differs are parsed: a fact in an unchanged file is the same fact at
both revisions. A fact that moved to another file is paired by its ID and is no change.
A fact without a counterpart whose ID is named in a changed file that does not load at the
other revision is "not compared", never "added" or "removed": that file may hold it, changed
in a way the diff cannot see, and an addition can be classified lower than the change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any, Literal, get_args

from pydantic import BaseModel

from cmc_dossier.assemble import validate_document
from cmc_dossier.changes.snapshot import Snapshot
from cmc_dossier.diagnostics import Diagnostic, Location, Severity
from cmc_dossier.diagnostics.codes import diagnostic
from cmc_dossier.loader.discover import is_fact_file
from cmc_dossier.model.base import (
    REGIONS,
    FactBase,
    IdentifiedItem,
    MarkdownText,
    Range,
    RegionalText,
)
from cmc_dossier.model.comparison import Direction, criterion_direction, span_direction
from cmc_dossier.model.criteria import parse_criterion
from cmc_dossier.model.manufacture import Duration

Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class FieldChange:
    path: Path_
    old: Any
    new: Any
    direction: Direction | None = None
    prose: tuple[str, str] | None = None  # text at both revisions, where the field is prose
    regional: bool = False  # one region's text of a {us, eu} field

    @property
    def name(self) -> str:
        """The field changed; one region's text of a regional field is that field."""
        if len(self.path) > 1 and self.path[-1] in REGIONS and self.regional:
            return str(self.path[-2])
        return str(self.path[-1])


@dataclass
class FactChange:
    id: str
    kind: str
    change: Literal["added", "removed", "changed", "not compared"]
    old: FactBase | None
    new: FactBase | None
    old_file: Path | None
    new_file: Path | None
    fields: list[FieldChange] = field(default_factory=list)


@dataclass
class FactDiff:
    base: Snapshot
    head: Snapshot
    changes: list[FactChange]
    moved: list[tuple[str, Path, Path]]
    changed_files: list[Path]
    base_problems: list[Diagnostic]
    head_problems: list[Diagnostic]
    not_compared: list[Diagnostic] = field(default_factory=list)  # what the diff could not read


def _facts(
    snapshot: Snapshot, paths: list[Path]
) -> tuple[dict[str, tuple[FactBase, Path]], list[Diagnostic]]:
    documents, problems = snapshot.documents([p for p in paths if p in snapshot.blobs])
    facts: dict[str, tuple[FactBase, Path]] = {}
    for document in documents:
        fact, found = validate_document(document)
        problems.extend(found)
        if fact is not None:
            facts[fact.id] = (fact, document.source.name)
    return facts, problems


def changed_paths(base: Snapshot, head: Snapshot) -> list[Path]:
    paths = set(base.blobs) | set(head.blobs)
    return sorted(p for p in paths if base.blobs.get(p) != head.blobs.get(p))


def _unloaded(
    snapshot: Snapshot, paths: list[Path], problems: list[Diagnostic]
) -> dict[Path, bytes]:
    """The changed fact files with an error at this revision: facts in them may be missing."""
    failed = {d.location.file for d in problems if d.severity is Severity.ERROR and d.location}
    return snapshot.read([p for p in paths if p in snapshot.blobs and snapshot.root / p in failed])


def _named_in(fact_id: str, files: dict[Path, bytes]) -> Path | None:
    word = re.compile(rb"(?<![\w.-])" + re.escape(fact_id.encode()) + rb"(?![\w.-])")
    return next((path for path, content in files.items() if word.search(content)), None)


def _not_compared(fact_id: str, file: Path, side: Snapshot, other: Snapshot) -> Diagnostic:
    return diagnostic(
        "DOS514",
        f"{fact_id} is not compared: {file} does not load at {side.label}, and it names "
        f"{fact_id}; the change is shown at the highest category of each context",
        Location(side.root / file),
        hint=f"fix the file at {side.label} (`dossier validate`), or assess {fact_id}'s change "
        f"by hand against {other.label}",
    )


def _unread_files(files: dict[Path, bytes], side: Snapshot, other: Snapshot) -> list[Diagnostic]:
    """A file that does not load on one side and is not there on the other: the facts it
    holds cannot even be named, so nothing can stand for them in the report but this."""
    return [
        diagnostic(
            "DOS514",
            f"{path} does not load at {side.label} and is not in {other.label}: the facts "
            "it holds are not compared",
            Location(side.root / path),
            hint=f"fix the file at {side.label} (`dossier validate`), or assess by hand what "
            "it held",
        )
        for path in files
        if path not in other.blobs
    ]


def diff(base: Snapshot, head: Snapshot) -> FactDiff:
    changed = changed_paths(base, head)
    fact_files = [p for p in changed if is_fact_file(p)]
    old, base_problems = _facts(base, fact_files)
    new, head_problems = _facts(head, fact_files)
    base_unloaded = _unloaded(base, fact_files, base_problems)
    head_unloaded = _unloaded(head, fact_files, head_problems)
    changes: list[FactChange] = []
    moved: list[tuple[str, Path, Path]] = []
    not_compared: list[Diagnostic] = []
    for fact_id in sorted(set(old) | set(new)):
        before, after = old.get(fact_id), new.get(fact_id)
        if before and after:
            if before[0] == after[0]:
                if before[1] != after[1]:
                    moved.append((fact_id, before[1], after[1]))
                continue
            kind = after[0].kind
            fields = field_changes(before[0], after[0])
            changes.append(
                FactChange(
                    fact_id, kind, "changed", before[0], after[0], before[1], after[1], fields
                )
            )
        elif after:
            unread = _named_in(fact_id, base_unloaded)
            if unread is not None:
                not_compared.append(_not_compared(fact_id, unread, base, head))
            change = "added" if unread is None else "not compared"
            changes.append(
                FactChange(fact_id, after[0].kind, change, None, after[0], None, after[1])
            )
        elif before:
            unread = _named_in(fact_id, head_unloaded)
            if unread is not None:
                not_compared.append(_not_compared(fact_id, unread, head, base))
            change = "removed" if unread is None else "not compared"
            changes.append(
                FactChange(fact_id, before[0].kind, change, before[0], None, before[1], None)
            )
    changes += _narrative_file_changes(
        base, head, [p for p in changed if p.suffix == ".md"], changes
    )
    not_compared += _unread_files(base_unloaded, base, head) + _unread_files(
        head_unloaded, head, base
    )
    found = FactDiff(base, head, changes, moved, changed, base_problems, head_problems)
    found.not_compared = not_compared + base.not_compared() + head.not_compared()
    return found


def _narrative_file_changes(
    base: Snapshot, head: Snapshot, texts: list[Path], known: list[FactChange]
) -> list[FactChange]:
    """A Narrative whose Markdown file changed, though its YAML did not."""
    if not texts:
        return []
    names = [p.name.encode() for p in texts]
    holders = [
        p for p, content in head.read(head.fact_paths()).items() if any(n in content for n in names)
    ]
    facts, _ = _facts(head, holders)
    already = {change.id for change in known}
    found = []
    for fact_id, (fact, file) in facts.items():
        relative = _narrative_path(fact, file, head.root)
        if fact_id in already or relative not in texts:
            continue
        old = base.read([relative])[relative] if relative in base.blobs else b""
        new = head.read([relative])[relative] if relative in head.blobs else b""
        lines_before, lines_after = old.count(b"\n"), new.count(b"\n")
        shown_old = f"{relative} ({lines_before} lines before)" if old else None
        shown_new = f"{relative} ({lines_after} lines after)" if new else None
        texts = (old.decode("utf-8", "replace"), new.decode("utf-8", "replace"))
        field = FieldChange(("file",), shown_old, shown_new, prose=texts)
        found.append(FactChange(fact_id, "Narrative", "changed", fact, fact, file, file, [field]))
    return found


def _narrative_path(fact: FactBase, file: Path, root: Path) -> Path | None:
    name = getattr(fact, "file", None)
    if getattr(fact, "kind", None) != "Narrative" or not name:
        return None
    try:
        return (file.parent / name).resolve().relative_to(root.resolve())
    except ValueError:
        return None


def field_changes(old: BaseModel, new: BaseModel, path: Path_ = ()) -> list[FieldChange]:
    """Changed leaves; nested items with their own IDs are paired by ID, not position."""
    found: list[FieldChange] = []
    for name, info in type(new).model_fields.items():
        key = info.alias or name
        before, after = getattr(old, name), getattr(new, name)
        if before == after:
            continue
        here = (*path, key)
        if isinstance(before, RegionalText) and isinstance(after, RegionalText):
            markdown = is_markdown(info.metadata, info.annotation)
            found.extend(regional_changes(before, after, here, markdown))
        elif (
            isinstance(before, BaseModel)
            and type(before) is type(after)
            and not isinstance(before, Range | Duration)
        ):
            found.extend(field_changes(before, after, here))
        elif _items(before) or _items(after):
            found.extend(_item_changes(before or [], after or [], here))
        elif isinstance(before, list) and isinstance(after, list):
            found.extend(_list_changes(before, after, here))
        else:
            prose = (
                (before, after)
                if isinstance(before, str)
                and isinstance(after, str)
                and is_markdown(info.metadata, info.annotation)
                else None
            )
            found.append(FieldChange(here, before, after, direction(key, before, after), prose))
    return found


def regional_changes(
    before: RegionalText, after: RegionalText, path: Path_, markdown: bool = False
) -> list[FieldChange]:
    """Each region's text that changed, as prose where the field is prose."""
    found = []
    for region in REGIONS:
        old, new = before.text(region), after.text(region)
        if old != new:
            prose = (old, new) if markdown and old is not None and new is not None else None
            found.append(FieldChange((*path, region), old, new, None, prose, regional=True))
    return found


def is_markdown(metadata: list[Any], annotation: Any) -> bool:
    """Whether a field holds prose: Markdown, optional or not."""
    if any(isinstance(m, MarkdownText) for m in metadata):
        return True
    return any(
        is_markdown(list(getattr(arg, "__metadata__", ())), arg) for arg in get_args(annotation)
    )


def _list_changes(before: list[Any], after: list[Any], path: Path_) -> list[FieldChange]:
    """Only the items that changed: added and removed values, or the changed fields of an
    item that stayed in place."""

    def key(value: Any) -> str:
        return value.model_dump_json() if isinstance(value, BaseModel) else repr(value)

    a, b = [key(v) for v in before], [key(v) for v in after]
    found: list[FieldChange] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        pairs = list(zip(before[i1:i2], after[j1:j2], strict=False)) if i2 - i1 == j2 - j1 else []
        if pairs and all(isinstance(x, BaseModel) and type(x) is type(y) for x, y in pairs):
            for offset, (x, y) in enumerate(pairs):
                compare = regional_changes if isinstance(x, RegionalText) else field_changes
                found.extend(compare(x, y, (*path, j1 + offset)))
            continue
        found += [FieldChange(path, value, None) for value in before[i1:i2]]
        found += [FieldChange(path, None, value) for value in after[j1:j2]]
    return found


def _items(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and isinstance(value[0], IdentifiedItem)


def _item_changes(
    before: list[IdentifiedItem], after: list[IdentifiedItem], path: Path_
) -> list[FieldChange]:
    old = {item.id: item for item in before}
    new = {item.id: item for item in after}
    found: list[FieldChange] = []
    for item_id in [*old, *(i for i in new if i not in old)]:
        if item_id not in new:
            found.append(FieldChange((*path, item_id), old[item_id], None))
        elif item_id not in old:
            found.append(FieldChange((*path, item_id), None, new[item_id]))
        elif old[item_id] != new[item_id]:
            found.extend(field_changes(old[item_id], new[item_id], (*path, item_id)))
    return found


def direction(key: str, before: Any, after: Any) -> Direction | None:
    """Whether a criterion, range or duration became stricter, looser or just different."""
    if key == "acceptance_criterion" and isinstance(before, str) and isinstance(after, str):
        return criterion_direction(parse_criterion(before), parse_criterion(after))
    if isinstance(before, Range) and isinstance(after, Range):
        return span_direction(before.low, before.high, after.low, after.high)
    if isinstance(before, Duration) and isinstance(after, Duration):
        if hours(after) == hours(before):
            return "shifted"
        return "extended" if hours(after) > hours(before) else "reduced"
    return None


_HOURS = {"minutes": Decimal(1) / 60, "hours": Decimal(1), "days": Decimal(24),
          "weeks": Decimal(168), "months": Decimal("730.5"), "years": Decimal(8766)}  # fmt: skip


def hours(duration: Duration) -> Decimal:
    """A duration in hours (a month as 730.5 h), so durations in different units compare."""
    return duration.value * _HOURS[duration.unit]
