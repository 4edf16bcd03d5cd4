"""Wording that belongs to one region, shown in the other region's documents.

The terms, their patterns and their sources are data (data/regional-terms.yaml). A field
with one text is shown in both the IND and the IMPD; a `{us, eu}` mapping shows each
region its own text. Only facts that a document presents are checked, against the targets
that present their section.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cache, partial
from importlib.resources import files

import yaml

from cmc_dossier.checks.references import location_in_file
from cmc_dossier.diagnostics import Diagnostic, Location
from cmc_dossier.diagnostics.codes import diagnostic
from cmc_dossier.model.base import REGIONS, FactBase, RegionalText
from cmc_dossier.model.ctd import SECTION_BY_CODE
from cmc_dossier.model.dossier import Dossier
from cmc_dossier.model.product import Narrative
from cmc_dossier.model.prose import PROSE_REFERENCE
from cmc_dossier.model.regional import regional_fields
from cmc_dossier.model.sections import FactSections
from cmc_dossier.model.walk import Path

# The Module 3 target of each region, to read which sections a region's documents present.
_TARGET = {"us": "ind", "eu": "impd"}
_DOCUMENT = {"us": "IND", "eu": "IMPD"}
_REGION = {"us": "US", "eu": "EU"}


@dataclass(frozen=True, slots=True)
class RegionalTerm:
    term: str
    region: str
    pattern: re.Pattern[str]
    unless: re.Pattern[str] | None
    instead: str
    basis: str

    def found_in(self, words: str) -> re.Match[str] | None:
        """A match in `words`, a text as `_words` gives it."""
        if self.unless is not None and self.unless.search(words):
            return None
        return self.pattern.search(words)


def _words(text: str) -> str:
    """The text without its `[[ID]]` references (an ID such as PA-PPQ or SITE-FDA-1 is a
    name, not wording); they are blanked, so positions hold."""
    if "[[" not in text:
        return text
    return PROSE_REFERENCE.sub(lambda found: " " * len(found.group(0)), text)


@cache
def regional_terms() -> tuple[RegionalTerm, ...]:
    data = yaml.load(
        (files("cmc_dossier") / "data" / "regional-terms.yaml").read_text(encoding="utf-8"),
        Loader=yaml.CSafeLoader,
    )
    return tuple(
        RegionalTerm(
            row["term"],
            row["region"],
            re.compile(row["pattern"]),
            re.compile(row["unless"]) if row.get("unless") else None,
            row["instead"],
            row["basis"],
        )
        for row in data["terms"]
    )


@cache
def _any_term() -> re.Pattern[str]:
    """Every term's pattern in one: most texts name none, and one search over them says so."""
    return re.compile("|".join(f"(?:{term.pattern.pattern})" for term in regional_terms()))


def _shown(value: str | RegionalText, path: Path) -> Iterator[tuple[str, Path, tuple[str, ...]]]:
    """(text, its path, the regions whose documents show it)."""
    if isinstance(value, str):
        yield value, path, REGIONS
        return
    for region in REGIONS:
        if (text := value.text(region)) is not None:
            yield text, (*path, region), (region,)


def check_regional_terms(dossier: Dossier) -> list[Diagnostic]:
    found = []
    view = FactSections(dossier)
    for fact in dossier.facts:
        presenting: Iterable[str] | None = None  # looked up once a text names a term
        for text, regions, where, one_text in _texts(dossier, fact):
            words = _words(text)
            if _any_term().search(words) is None:
                continue
            if presenting is None:
                presenting = _presenting(view, dossier, fact.id)
            for term in regional_terms():
                readers = [r for r in regions if r != term.region and _TARGET[r] in presenting]
                match = term.found_in(words) if readers else None
                if match is None:
                    continue
                found.append(
                    diagnostic(
                        "DOS240",
                        f"{fact.id}: text shown in the {_DOCUMENT[readers[0]]} names "
                        f"'{match.group(0)}', which is {_REGION[term.region]}-only wording",
                        where(match.start()),
                        hint=_hint(term, readers[0], one_text),
                    )
                )
    return found


def _texts(
    dossier: Dossier, fact: FactBase
) -> Iterator[tuple[str, tuple[str, ...], Callable[[int], Location], bool]]:
    """(text, regions whose documents show it, offset -> place, whether it is one text)."""
    origin = dossier.origins[fact.id]
    for path, value, _ in regional_fields(fact):
        for text, where, regions in _shown(value, path):
            yield text, regions, partial(origin.locate_in_text, where, text), len(regions) > 1
    if isinstance(fact, Narrative) and fact.id in dossier.narrative_files:
        file, text = dossier.narrative_files[fact.id]
        yield text, REGIONS, partial(location_in_file, file, text), True


def _presenting(view: FactSections, dossier: Dossier, fact_id: str) -> Iterable[str]:
    """The targets whose documents present a fact; none where it is not presented, or where
    it names a fact that does not exist (the reference checks report that, and no document
    is built)."""
    try:
        home = view.home(dossier.index[fact_id])
    except KeyError:
        return ()
    return SECTION_BY_CODE[home].targets if home in SECTION_BY_CODE else ()


def _hint(term: RegionalTerm, reader: str, one_text: bool) -> str:
    wording = f"the {_DOCUMENT[reader]} says {term.instead} (data/regional-terms.yaml)"
    if one_text:
        return (
            "give the field (a narrative: `body:`) one text per region, "
            f"{{{term.region}: <this text>, {reader}: <the {_DOCUMENT[reader]} wording>}}; "
            f"{wording}"
        )
    return f"reword the `{reader}` text; {wording}"


def check_regional_coverage(dossier: Dossier) -> list[Diagnostic]:
    """A field that cannot be left out needs a text for each region."""
    found = []
    for fact in dossier.facts:
        origin = dossier.origins[fact.id]
        for path, value, omissible in regional_fields(fact):
            if isinstance(value, RegionalText) and not omissible:
                for region in REGIONS:
                    if value.text(region) is None:
                        found.append(
                            diagnostic(
                                "DOS241",
                                f"{fact.id}: `{'.'.join(map(str, path))}` has no "
                                f"`{region}` text, and the {_DOCUMENT[region]} needs one",
                                origin.locate(path),
                                hint=f"add `{region}:` to the mapping (or write one text "
                                "for both regions)",
                            )
                        )
    return found
