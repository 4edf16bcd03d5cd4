"""Section catalogues as data: Module 2.3 in ICH M4Q(R1) and the M4Q(R2) draft structure.

A catalogue lists headings in order, each with the source of its title and a tag saying how
well it is sourced, and the M4Q(R1) Module 3 sections whose facts each heading shows. A new
structure is a new catalogue file, never new facts.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, model_validator

from cmc_dossier.loader import SourceFile, load_source
from cmc_dossier.model.base import Flag
from cmc_dossier.model.ctd import SECTION_BY_CODE

Tag = Literal["V", "S", "U"]
R1_QOS = "m4q-r1-qos.yaml"
R2 = "m4q-r2.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Item(_Strict):
    """A Module 3 section summarised here: shown through `template`, or pointed to."""

    section: str
    template: str | None = None
    cited_per_row: Flag = False  # the template cites each row's own section

    @model_validator(mode="after")
    def _known(self) -> Item:
        if self.section not in SECTION_BY_CODE:
            raise ValueError(f"unknown Module 3 section {self.section}")
        return self


class Heading(_Strict):
    code: str
    title: str
    us_title: str | None = None
    unnumbered: Flag = False
    names: Literal["substance", "product"] | None = None  # ICH: "[name, manufacturer]"...
    source: str
    tag: Tag
    items: list[Item] = []

    @property
    def level(self) -> int:
        return 2 if self.unnumbered else self.code.count(".")

    @property
    def number(self) -> str | None:
        return None if self.unnumbered else self.code


class Subsection(_Strict):
    title: str
    source: str
    tag: Tag
    sections: list[str]

    @model_validator(mode="after")
    def _known(self) -> Subsection:
        unknown = [code for code in self.sections if code not in SECTION_BY_CODE]
        if unknown:
            raise ValueError(f"unknown Module 3 sections {', '.join(unknown)}")
        return self


class Component(_Strict):
    component: str
    title: str
    source: str
    tag: Tag
    subsections: list[Subsection]


class Catalogue(_Strict):
    schema_version: str
    guideline: str
    status: str
    status_source: str | None = None
    sources: dict[str, str]
    sections: list[Heading]
    components: list[Component] = []

    @model_validator(mode="after")
    def _sourced(self) -> Catalogue:
        named = [s.source for s in self.sections] + [
            source
            for c in self.components
            for source in (c.source, *(s.source for s in c.subsections))
        ]
        if self.status_source:
            named.append(self.status_source)
        missing = sorted(set(named) - set(self.sources))
        if missing:
            raise ValueError(f"headings cite undefined sources: {', '.join(missing)}")
        return self

    def source_of(self, heading: Heading | Component | Subsection) -> str:
        return self.sources[heading.source]


class CatalogueError(Exception):
    """A shipped catalogue does not parse: a defect of the package, reported plainly."""


def read(text: str, name: str) -> Catalogue:
    documents, problems = load_source(SourceFile(Path(name), text))
    if problems or len(documents) != 1:
        raise CatalogueError(f"{name}: " + "; ".join(p.message for p in problems))
    return Catalogue.model_validate(documents[0].data)


@cache
def load(name: str) -> Catalogue:
    return read((files("cmc_dossier") / "data" / name).read_text(encoding="utf-8"), name)
