"""Module 2.3 (the Quality Overall Summary) and the M4Q(R2) preview, from the Module 3 facts.

Nothing here selects or formats a value of its own: every summary shows facts through the
same view, filters and (mostly) the same templates as Module 3, headed by the Module 3
section it comes from, so a number in Module 2.3 is always the Module 3 fact. The headings
come from the catalogues (`data/m4q-r1-qos.yaml`, `data/m4q-r2.yaml`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from cmc_dossier.diagnostics import Diagnostic
from cmc_dossier.model.ctd import SECTION_BY_CODE
from cmc_dossier.model.dossier import Dossier
from cmc_dossier.model.product import CQA, DrugProduct, QTPPElement
from cmc_dossier.render import text
from cmc_dossier.render.catalogue import R1_QOS, R2, Catalogue, Component, Heading, Item, load
from cmc_dossier.render.documents import Document, Renderer, _TableCounter
from cmc_dossier.render.outline import Heading as Module3Heading
from cmc_dossier.render.views import SECTION_BUILDERS, DossierView, Part

SUMMARY_TARGETS = {"qos": R1_QOS, "m4q-r2": R2}


def _introduction(view: DossierView) -> list[Part]:
    products = view.all(DrugProduct)
    manifest = view.dossier.manifest
    sponsor = view.get(manifest.sponsor) if manifest else None
    return [Part({"product": p, "sponsor": sponsor}) for p in products]


def _control_strategy(view: DossierView) -> list[Part]:
    """QTPP → quality attribute → process parameters and controls, as in the traceability."""
    rows = [
        {
            "cqa": cqa,
            "parameters": view.parameters_affecting.get(cqa.id, []),
            "controls": view.controls_of.get(cqa.id, []),
        }
        for cqa in view.all(CQA)
    ]
    return [Part({"qtpp": view.all(QTPPElement), "rows": rows})] if rows else []


def _established_conditions(view: DossierView) -> list[Part]:
    """Every fact (or specification test) declared an ICH Q12 established condition."""
    declared = [
        entry
        for entry in view.dossier.index.values()
        if getattr(entry.value, "established_condition", None) is not None
    ]
    return [Part({"entries": declared})] if declared else []


# Contexts of the summary templates that show more than one Module 3 section's builder.
SUMMARY_BUILDERS: dict[str, Callable[[DossierView], list[Part]]] = {
    "qos/introduction": _introduction,
    "qos/control-strategy": _control_strategy,
    "qos/established-conditions": _established_conditions,
}


@dataclass
class SummaryRenderer:
    """Renders a catalogue's documents; Module 3 content comes from an IND renderer."""

    dossier: Dossier
    target: str
    overrides: Path | None = None
    cache: Path | None = None
    flavor: text.Flavor = text.PANDOC
    link: Callable[[str], str | None] | None = None
    # the build's IND renderer, whose Module 3 sections are already rendered (rendering
    # them again took about 1.3 s of the two summaries' 1.8 s at 10k facts); else its own
    ind: Renderer | None = None

    def __post_init__(self) -> None:
        self.catalogue: Catalogue = load(SUMMARY_TARGETS[self.target])
        self.module3 = self.ind or Renderer(
            self.dossier, "ind", self.overrides, self.cache, self.flavor, self.link
        )
        self.view = self.module3.view

    @property
    def gaps(self) -> list[Diagnostic]:
        return self.module3.gaps

    def _escape(self, value: object) -> str:
        return text.escape(value, self.flavor)

    def _cited(self, code: str) -> str:
        """A Module 3 section by number and title, linked where this flavor links."""
        shown = self._escape(f"{code} {SECTION_BY_CODE[code].title}")
        url = self.link(code) if self.link else None
        return f"[{shown}]({url})" if url else shown

    # --- Module 2.3 -------------------------------------------------------------------------

    def heading_text(self, heading: Heading) -> str:
        title = f"{heading.number} {heading.title}" if heading.number else heading.title
        if heading.names == "substance" and (substance := self.view.all_substances()):
            title += f" [{substance}]"
        if heading.names == "product" and (product := self.view.product_name()):
            title += f" [{product}]"
        return self._escape(title)

    def anchor(self, heading: Heading) -> str:
        return "qos-" + heading.code.replace(".", "-").lower()

    def summary(self, heading: Heading) -> str:
        """The body of a Module 2.3 heading: each Module 3 section it summarises, cited."""
        counter = _TableCounter(heading.number or "2.3", flavor=self.flavor)
        blocks = [self._item(item, counter) for item in heading.items]
        if not heading.items and not self._has_children(heading):
            blocks.append(
                "**To be provided.** No fact of the dossier is presented in this section."
            )
        return "\n\n".join(block for block in blocks if block)

    def _has_children(self, heading: Heading) -> bool:
        return any(other.code.startswith(heading.code + ".") for other in self.catalogue.sections)

    def _item(self, item: Item, counter: _TableCounter) -> str:
        section = Module3Heading(SECTION_BY_CODE[item.section], "ind")
        statements = self.module3.statements(item.section)
        said = [f"{self._cited(item.section)}: " + " ".join(statements)] if statements else []
        if item.template is not None:
            build = SUMMARY_BUILDERS.get(item.template) or SECTION_BUILDERS[item.section][1]
            parts = build(self.view)
            if parts:
                template = self.module3.environment.get_template(f"{item.template}.md.j2")
                bodies = [
                    template.render(section=section, table_caption=counter, **part.context).strip()
                    for part in parts
                ]
                lead = (
                    "*From the Module 3 sections named in each row.*"
                    if item.cited_per_row
                    else f"*From {self._cited(item.section)}.*"
                )
                return "\n\n".join([lead, *bodies, *said])
        if self.module3.has_facts(section):
            return "\n\n".join([f"Presented in {self._cited(item.section)}.", *said])
        return "\n\n".join(said) or f"{self._cited(item.section)}: **To be provided.**"

    def _module_2_3(self, preamble: list[str]) -> Document:
        blocks = list(preamble)
        for heading in self.catalogue.sections:
            marks = "#" * heading.level
            title = f"{marks} {self.heading_text(heading)} {{#{self.anchor(heading)}}}"
            blocks.append(f"{title}\n\n{self.summary(heading)}".rstrip())
        if self.target == "qos":
            return Document(
                PurePosixPath("module-2-3-quality-overall-summary"),
                "Module 2.3: Quality Overall Summary",
                "\n\n".join(blocks) + "\n",
            )
        return Document(
            PurePosixPath("module-2-3-quality-overall-summary-m4q-r2"),
            "Module 2.3: Quality Overall Summary (ICH M4Q(R2) draft structure, preview)",
            "\n\n".join(blocks) + "\n",
        )

    # --- M4Q(R2) preview --------------------------------------------------------------------

    def preview_notice(self) -> str:
        """Says on every R2 document that it follows a draft, with the draft's date."""
        catalogue = self.catalogue
        source = catalogue.sources[catalogue.status_source] if catalogue.status_source else ""
        return (
            f"**Preview of a draft guideline.** This document follows the structure of "
            f"{self._escape(catalogue.guideline)}, {self._escape(catalogue.status)} "
            f"(source: {self._escape(source)}). The draft may change before it is adopted. "
            "Module 3 sections are cited by their ICH M4Q(R1) numbers."
        )

    def _component(self, component: Component) -> list[str]:
        """One component's headings, each with an explicit id (a section may sit in two
        subsections): pandoc's own ids would differ when the document is converted in parts
        (`publish/assemble_docx.py`), as a repeated title is numbered in order."""
        title = component.title
        if component.component == "drug-substance" and (name := self.view.all_substances()):
            title += f" [{name}]"
        if component.component == "drug-product" and (name := self.view.product_name()):
            title += f" [{name}]"
        anchor = f"m4q-r2-{component.component}"
        blocks = [f"## {self._escape(title)} {{#{anchor}}}"]
        for number, subsection in enumerate(component.subsections, start=1):
            blocks.append(f"### {self._escape(subsection.title)} {{#{anchor}-{number}}}")
            if not subsection.sections:
                blocks.append(
                    "No M4Q(R1) Module 3 section is placed here; the facts hold nothing for "
                    "this subsection."
                )
            for code in subsection.sections:
                section = Module3Heading(SECTION_BY_CODE[code], "ind")
                shown = self._escape(f"{section.title} (M4Q(R1) {code})")
                identifier = f"{anchor}-{number}-{code.replace('.', '-').lower()}"
                body = self.module3.section_body(section)
                blocks.append(f"#### {shown} {{#{identifier}}}\n\n{body}".rstrip())
        return blocks

    def _module_3(self) -> Document:
        blocks = [self.preview_notice(), "# Module 3: Quality, by component {#m4q-r2-module-3}"]
        for component in self.catalogue.components:
            blocks.extend(self._component(component))
        return Document(
            PurePosixPath("module-3-quality-by-component-m4q-r2"),
            "Module 3: Quality by component (ICH M4Q(R2) draft structure, preview)",
            "\n\n".join(blocks) + "\n",
        )

    def documents(self) -> list[Document]:
        if self.target == "qos":
            return [self._module_2_3([])]
        return [self._module_2_3([self.preview_notice()]), self._module_3()]
