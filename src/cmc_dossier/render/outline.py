"""Which CTD headings each target shows, how they are numbered, and where eCTD files go."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

import yaml

from cmc_dossier.model.ctd import SECTION_BY_CODE, SECTIONS, CtdSection

TARGETS = ("ind", "impd")
# The region whose wording each Module 3 target shows (`RegionalText` keys): the IND is filed
# with FDA, the IMPD with the EU member states (Regulation (EU) No 536/2014).
REGION = {"ind": "us", "impd": "eu"}
ECTD_ROOT = ("m3", "32-body-data")

# Regulation (EU) 536/2014, Annex I, point 52, Table 1: which IMPD parts each case needs.
IMPD_PARTS: dict[str, frozenset[str]] = {
    "full": frozenset({"S", "P", "A"}),
    "authorised-within-smpc": frozenset(),
    "authorised-outside-smpc": frozenset(),
    "authorised-modified": frozenset({"P", "A"}),
    "other-form-authorised-same-mah": frozenset({"P", "A"}),
    "substance-authorised-same-manufacturer": frozenset({"P", "A"}),
    "substance-authorised-other-manufacturer": frozenset({"S", "P", "A"}),
    "previously-submitted": frozenset(),
}
IMPD_CASE_TEXT: dict[str, str] = {
    "authorised-within-smpc": (
        "the IMP is authorised and used within its SmPC; the SmPC replaces this part"
    ),
    "authorised-outside-smpc": "the IMP is authorised; the SmPC replaces this part",
    "authorised-modified": (
        "the IMP is an authorised product, modified; only P and A are submitted"
    ),
    "other-form-authorised-same-mah": (
        "another form or strength is authorised and supplied by the MAH; the SmPC replaces S"
    ),
    "substance-authorised-same-manufacturer": (
        "the active substance is in an authorised product from the same manufacturer; "
        "the SmPC replaces S"
    ),
    "substance-authorised-other-manufacturer": (
        "the active substance is authorised; S, P and A are submitted with the SmPC"
    ),
    "previously-submitted": (
        "the IMPD was submitted before in the Member State concerned and is unchanged; "
        "reference is made to it"
    ),
}


DEFAULT_PRODUCT_TYPE = "biological"


@dataclass(frozen=True, slots=True)
class Included:
    """A CTD section whose facts an IMPD heading presents under a subheading."""

    code: str
    label: str
    narratives: bool = True


@dataclass(frozen=True, slots=True)
class ImpdHeading:
    code: str
    title: str
    by_type: dict[str, str]
    includes: tuple[Included, ...]


@dataclass(frozen=True, slots=True)
class ImpdCatalogue:
    """The EU IMPD headings per product type, read from data/impd-headings.yaml."""

    headings: dict[str, ImpdHeading]
    product_types: dict[str, str]
    terms: dict[str, dict[str, str]]
    guidelines: dict[str, dict[str, str]]
    vocabulary: dict[str, dict[str, str]]
    wording: dict[str, dict[str, Any]]
    presented_in: dict[str, str]  # an included CTD code -> the IMPD heading's CTD code

    def product_type(self, modality: str | None) -> str:
        return self.product_types.get(modality or "", DEFAULT_PRODUCT_TYPE)


@cache
def impd_catalogue() -> ImpdCatalogue:
    raw = yaml.load(
        (files("cmc_dossier") / "data" / "impd-headings.yaml").read_text(encoding="utf-8"),
        Loader=yaml.CSafeLoader,
    )
    headings = {
        entry["ctd"]: ImpdHeading(
            entry["ctd"],
            entry["title"],
            dict(entry.get("by_type", {})),
            tuple(
                Included(i["ctd"], i["label"], i.get("narratives", True))
                for i in entry.get("includes", [])
            ),
        )
        for entry in raw["headings"]
    }
    presented_in = {i.code: h.code for h in headings.values() for i in h.includes}
    return ImpdCatalogue(
        headings,
        raw["product_types"],
        raw["terms"],
        raw["guidelines"],
        raw["vocabulary"],
        raw["wording"],
        presented_in,
    )


@dataclass(frozen=True, slots=True)
class Heading:
    section: CtdSection
    target: str
    product_type: str = DEFAULT_PRODUCT_TYPE

    @property
    def number(self) -> str:
        return self.section.code if self.target == "ind" else self.section.impd_code

    @property
    def title(self) -> str:
        if self.target == "ind":
            return self.section.title
        entry = impd_catalogue().headings[self.section.code]
        return entry.by_type.get(self.product_type, entry.title)

    @property
    def includes(self) -> tuple[Included, ...]:
        if self.target == "ind":
            return ()
        return impd_catalogue().headings[self.section.code].includes

    @property
    def part(self) -> str:
        """S, P, A or R."""
        return self.section.code.split(".")[2]

    @property
    def anchor(self) -> str:
        return "ctd-" + self.section.code.replace(".", "-").lower()


def shown_in(code: str, target: str) -> bool:
    """Whether the target has a heading of its own for this CTD section."""
    if target == "ind":
        return "ind" in SECTION_BY_CODE[code].targets
    return code in impd_catalogue().headings


def outline(target: str, product_type: str = DEFAULT_PRODUCT_TYPE) -> list[Heading]:
    return [
        Heading(section, target, product_type)
        for section in SECTIONS
        if shown_in(section.code, target)
    ]


def presenting(code: str, target: str) -> str | None:
    """The CTD code of the heading that presents a section's facts in the target, if any."""
    if shown_in(code, target):
        return code
    if target == "impd":
        return impd_catalogue().presented_in.get(code)
    return None


def cite(code: str, target: str) -> str:
    """How a section is cited in running text of the target: the heading presenting it."""
    if target == "ind":
        return code
    return SECTION_BY_CODE[presenting(code, target) or code].impd_code


def descendants(code: str, target: str) -> list[Heading]:
    return [h for h in outline(target) if h.section.code.startswith(code + ".")]


def slug(text: str, limit: int = 40) -> str:
    """An eCTD-safe name: lowercase a-z, 0-9 and hyphens (eCTD v3.2.2 naming rules)."""
    cleaned = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    if len(cleaned) > limit:
        cut = cleaned[: limit + 1]
        cleaned = cut.rsplit("-", 1)[0] if "-" in cut else cleaned[:limit]
    return cleaned or "unnamed"


def ectd_folders(code: str) -> list[str]:
    """The eCTD folders of a section's ancestors and itself, outermost first."""
    folders = []
    current: str | None = code
    while current is not None:
        section = SECTION_BY_CODE[current]
        if section.ectd_folder:
            folders.append(section.ectd_folder)
        current = section.parent
    return list(reversed(folders))
