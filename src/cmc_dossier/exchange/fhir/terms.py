"""Typed values → the PQ/CMC IG's code lists for 3.2.P.1, by one rule kept with its data.

data/pqcmc-terms.yaml holds the IG's value sets (copied from its Terminologies.fsh) and the
few synonyms, spellings and ignored words, each with its basis. A value maps when its words
equal those of exactly one display, or it is a listed synonym; anything else is not mapped
and the caller lists it. No code is ever guessed.
"""

from __future__ import annotations

import re
from functools import cache
from importlib.resources import files
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from cmc_dossier.loader import SourceFile, load_source

TERMS_FILE = "pqcmc-terms.yaml"
DOSE_FORM = "SplPharmaceuticalDosageFormTerminology"
ROUTE = "SplDrugRouteofAdministrationTerminology"
MANUFACTURED_DOSE_FORM = "PqcmcManufacturedDoseFormTerminology"
CONTAINER_TYPE = "PqcmcContainerTypeTerminology"
CLOSURE_TYPE = "PqcmcClosureTypeTerminology"
FUNCTION_CATEGORY = "PqcmcDrugProductComponentFunctionCategoryTerminology"
EXCIPIENT_FUNCTION = "PqcmcExcipientFunctionTerminology"
QUALITY_STANDARD = "PqcmcQualityBenchmarkTerminology"
STRENGTH_TYPE = "PqcmcStrengthTypeTerminology"
UNITS = "PqcmcUnitsMeasure"
_SEPARATORS = re.compile(r"[\s,/-]+")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Synonym(_Strict):
    term: str
    code: str
    basis: str


class IgnoredWords(_Strict):
    words: list[str]
    basis: str


class Terms(_Strict):
    system: str
    spellings: dict[str, str]
    ignored_words: dict[str, IgnoredWords]
    material_classes: dict[str, list[str]]
    synonyms: dict[str, list[Synonym]]
    value_sets: dict[str, dict[str, str]]


@cache
def terms() -> Terms:
    text = (files("cmc_dossier") / "data" / TERMS_FILE).read_text(encoding="utf-8")
    documents, problems = load_source(SourceFile(Path(TERMS_FILE), text))
    if problems or len(documents) != 1:  # a packaging defect, caught by the tests
        raise ValueError(f"{TERMS_FILE}: " + "; ".join(p.message for p in problems))
    return Terms.model_validate(documents[0].data)


def words(text: str, value_set: str = "") -> tuple[str, ...]:
    """The words of a value, lower case and sorted, British spellings as the IG's US ones."""
    data = terms()
    ignored = data.ignored_words.get(value_set)
    found = (data.spellings.get(w, w) for w in _SEPARATORS.split(text.casefold()) if w)
    return tuple(sorted(w for w in found if not ignored or w not in ignored.words))


@cache
def _by_words(value_set: str) -> dict[tuple[str, ...], list[str]]:
    index: dict[tuple[str, ...], list[str]] = {}
    for code, display in terms().value_sets[value_set].items():
        index.setdefault(words(display), []).append(code)
    return index


def display(value_set: str, code: str) -> str:
    return terms().value_sets[value_set][code]


def code_for(value_set: str, typed: str) -> tuple[str, str] | None:
    """(code, display) for a typed value, or None when it does not map unambiguously."""
    key = words(typed, value_set)
    codes = _by_words(value_set).get(key, [])
    if len(codes) == 1:
        return codes[0], display(value_set, codes[0])
    if codes:  # two displays with the same words: ambiguous
        return None
    for synonym in terms().synonyms.get(value_set, []):
        if words(synonym.term, value_set) == key:
            return synonym.code, display(value_set, synonym.code)
    return None


def closure_code(name: str, material: str | None) -> tuple[str, str] | None:
    """A closure by its name alone ("Stopper"), or its name with the class of the material
    it is made of ("Child-resistant cap" of polypropylene → "Child-resistant, Plastic")."""
    found = code_for(CLOSURE_TYPE, name)
    material_class = _material_class(material) if material else None
    if found or material_class is None:
        return found
    return code_for(CLOSURE_TYPE, f"{name} {material_class}")


def _material_class(material: str) -> str | None:
    typed = material.strip().casefold()
    for material_class, materials in terms().material_classes.items():
        if typed in materials:
            return material_class
    return None


def manufactured_dose_form(dose_form_code: str) -> tuple[str, str] | None:
    """The manufactured dose form named by the head of an SPL dose form ("TABLET, FILM
    COATED" → Tablet): SPL names put the form first and its qualifiers after a comma
    [U: our reading of the SPL naming]."""
    head = display(DOSE_FORM, dose_form_code).split(",", 1)[0]
    return code_for(MANUFACTURED_DOSE_FORM, head)
