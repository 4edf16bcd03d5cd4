"""Every reference resolves, to a fact of a kind the field allows."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

from cmc_dossier.diagnostics import Diagnostic, Location
from cmc_dossier.diagnostics.codes import diagnostic
from cmc_dossier.diagnostics.hints import did_you_mean
from cmc_dossier.model.ctd import SECTION_BY_CODE
from cmc_dossier.model.dossier import Dossier
from cmc_dossier.model.product import Narrative
from cmc_dossier.model.prose import find_references, is_quotable, is_section, quotable_fields
from cmc_dossier.model.strategy import ANY_FACT


def _suggest(dossier: Dossier, target: str, kinds: tuple[str, ...]) -> str:
    candidates = (
        entry_id
        for entry_id, entry in dossier.index.items()
        if entry.kind in kinds or ANY_FACT in kinds
    )
    return did_you_mean(target, candidates, cutoff=0.5) or (
        f"no {_kinds(kinds)} has this ID; IDs are case-sensitive"
    )


def _kinds(kinds: tuple[str, ...]) -> str:
    return "fact" if ANY_FACT in kinds else " or ".join(kinds)


def check_references(dossier: Dossier) -> list[Diagnostic]:
    found = []
    for fact in dossier.facts:
        for reference in dossier.contents[fact.id].references:
            entry = dossier.index.get(reference.target)
            if entry is None:
                if reference.target in dossier.unreadable_ids:
                    continue  # that fact has its own schema error already
                found.append(
                    diagnostic(
                        "DOS201",
                        f"unknown {_kinds(reference.kinds)} '{reference.target}'",
                        dossier.locate(fact.id, reference.path, key=reference.is_key),
                        hint=_suggest(dossier, reference.target, reference.kinds),
                    )
                )
            elif entry.kind not in reference.kinds and ANY_FACT not in reference.kinds:
                found.append(
                    diagnostic(
                        "DOS202",
                        f"'{reference.target}' is a {entry.kind}, "
                        f"but this field takes a {' or '.join(reference.kinds)}",
                        dossier.locate(fact.id, reference.path, key=reference.is_key),
                        hint=_suggest(dossier, reference.target, reference.kinds),
                    )
                )
    return found


def _prose_sources(dossier: Dossier) -> Iterator[tuple[str, Callable[[int], Location]]]:
    """Each prose text with a function from an offset in it to its place in the source."""
    for fact in dossier.facts:
        origin = dossier.origins[fact.id]
        for path, text in dossier.contents[fact.id].prose:
            yield text, partial(origin.locate_in_text, path, text)
        if isinstance(fact, Narrative) and fact.id in dossier.narrative_files:
            file, text = dossier.narrative_files[fact.id]
            yield text, partial(location_in_file, file, text)


def location_in_file(file: Path, text: str, offset: int) -> Location:
    """The line and column of an offset in a narrative file's text."""
    before = text[:offset]
    return Location(file, before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1)


def check_prose(dossier: Dossier) -> list[Diagnostic]:
    found = []
    every_kind = tuple({entry.kind for entry in dossier.index.values()})
    for text, where in _prose_sources(dossier):
        for reference in find_references(text):
            if is_section(reference.target):
                if reference.target not in SECTION_BY_CODE:
                    found.append(
                        diagnostic(
                            "DOS201",
                            f"prose cites unknown CTD section '{reference.target}'",
                            where(reference.offset),
                            hint=did_you_mean(reference.target, list(SECTION_BY_CODE))
                            or "sections are cited by their US/ICH number, e.g. [[3.2.P.5.1]]",
                        )
                    )
                continue
            entry = dossier.index.get(reference.target)
            if entry is None:
                found.append(
                    diagnostic(
                        "DOS201",
                        f"prose refers to unknown ID '{reference.target}'",
                        where(reference.offset),
                        hint=_suggest(dossier, reference.target, every_kind),
                    )
                )
                continue
            if reference.field is None or is_quotable(entry.value, reference.field):
                continue
            fields = quotable_fields(entry.value)
            found.append(
                diagnostic(
                    "DOS203",
                    f"{entry.kind} '{entry.id}' has no field '{reference.field}' to quote",
                    where(reference.offset),
                    hint="fields that can be quoted: " + ", ".join(sorted(fields)),
                )
            )
    return found
