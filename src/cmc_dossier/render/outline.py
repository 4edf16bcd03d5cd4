"""Which CTD headings each target shows, how they are numbered, and where eCTD files go."""

from __future__ import annotations

import re
from dataclasses import dataclass

from cmc_dossier.model.ctd import SECTION_BY_CODE, SECTIONS, CtdSection

TARGETS = ("ind", "impd")
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


@dataclass(frozen=True, slots=True)
class Heading:
    section: CtdSection
    target: str

    @property
    def number(self) -> str:
        return self.section.code if self.target == "ind" else self.section.impd_code

    @property
    def title(self) -> str:
        return self.section.title if self.target == "ind" else self.section.eu_title

    @property
    def part(self) -> str:
        """S, P, A or R."""
        return self.section.code.split(".")[2]

    @property
    def anchor(self) -> str:
        return "ctd-" + self.section.code.replace(".", "-").lower()


def outline(target: str) -> list[Heading]:
    return [Heading(section, target) for section in SECTIONS if target in section.targets]


def cite(code: str, target: str) -> str:
    """How a section is cited in running text of the target."""
    return code if target == "ind" else SECTION_BY_CODE[code].impd_code


def children(code: str, target: str) -> list[Heading]:
    return [h for h in outline(target) if h.section.parent == code]


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
