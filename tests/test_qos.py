"""Module 2.3 and the M4Q(R2) preview: headings against their sources, and the same facts
reading identically in Module 2.3, Module 3 and the IMPD on every example dossier."""

from __future__ import annotations

import re

import pytest
from conftest import MODALITIES, REPO

from cmc_dossier.model.control import Specification
from cmc_dossier.model.dossier import Dossier
from cmc_dossier.model.manufacture import ProcessParameter
from cmc_dossier.model.product import Site
from cmc_dossier.model.stability import StabilityStudy
from cmc_dossier.render import text
from cmc_dossier.render.catalogue import R1_QOS, R2, load
from cmc_dossier.render.documents import Renderer
from cmc_dossier.render.qos import SummaryRenderer
from cmc_dossier.render.views import setting_lines
from cmc_dossier.validation import validate_folder

# ICH M4Q(R1), table of contents of Module 2.3 (see the catalogue's sources for where each
# was read): 2.3.S and 2.3.S.1-2.3.S.4 from the guideline's text, the rest as Module 3.
R1_HEADINGS = [
    ("2.3", "Quality Overall Summary"),
    ("introduction", "Introduction"),
    ("2.3.S", "Drug Substance"),
    ("2.3.S.1", "General Information"),
    ("2.3.S.2", "Manufacture"),
    ("2.3.S.3", "Characterisation"),
    ("2.3.S.4", "Control of Drug Substance"),
    ("2.3.S.5", "Reference Standards or Materials"),
    ("2.3.S.6", "Container Closure System"),
    ("2.3.S.7", "Stability"),
    ("2.3.P", "Drug Product"),
    ("2.3.P.1", "Description and Composition of the Drug Product"),
    ("2.3.P.2", "Pharmaceutical Development"),
    ("2.3.P.3", "Manufacture"),
    ("2.3.P.4", "Control of Excipients"),
    ("2.3.P.5", "Control of Drug Product"),
    ("2.3.P.6", "Reference Standards or Materials"),
    ("2.3.P.7", "Container Closure System"),
    ("2.3.P.8", "Stability"),
    ("2.3.A", "Appendices"),
    ("2.3.A.1", "Facilities and Equipment"),
    ("2.3.A.2", "Adventitious Agents Safety Evaluation"),
    ("2.3.A.3", "Excipients"),
    ("2.3.R", "Regional Information"),
]
# ICH M4Q(R2) Step 2 draft (14 May 2025) as summarised by starodub.nl.
R2_HEADINGS = [
    ("2.3", "Quality Overall Summary"),
    ("2.3.1", "General Information"),
    ("2.3.2", "Development and Control Strategy"),
    ("2.3.3", "Core Quality Information"),
    ("2.3.4", "Development Summary and Justification"),
    ("2.3.5", "Product Lifecycle Management"),
    ("2.3.6", "Product Quality Benefit-Risk Considerations"),
]
R2_SUBSECTIONS = ["Description", "Manufacture", "Control", "Storage"]

EXAMPLES = [
    REPO / "dossier",
    *sorted(p for p in MODALITIES.iterdir() if p.is_dir()),
    *sorted(p for p in (REPO / "examples").glob("*/") if p.is_dir()),
]


def test_r1_headings_are_the_guideline_s_in_order() -> None:
    catalogue = load(R1_QOS)
    assert [(h.code, h.title) for h in catalogue.sections] == R1_HEADINGS
    for heading in catalogue.sections:
        assert heading.tag in {"V", "S", "U"} and catalogue.source_of(heading)
    # only what was read in the guideline's own table of contents is tagged verified
    verified = {h.code for h in catalogue.sections if h.tag == "V"}
    assert verified == {"2.3", "introduction", "2.3.S", "2.3.S.1", "2.3.S.2", "2.3.S.3", "2.3.S.4"}


def test_r2_headings_and_components_follow_the_draft() -> None:
    catalogue = load(R2)
    assert [(h.code, h.title) for h in catalogue.sections] == R2_HEADINGS
    assert "14 May 2025" in catalogue.status and "draft" in catalogue.status.lower()
    drug = [c for c in catalogue.components if c.component in ("drug-substance", "drug-product")]
    assert len(drug) == 2
    for component in catalogue.components:
        assert component.tag in {"V", "S", "U"} and catalogue.source_of(component)
        if component.component != "other":
            assert [s.title for s in component.subsections] == R2_SUBSECTIONS
    # every Module 3 section of a drug substance and product is placed exactly once
    placed = [code for c in catalogue.components for s in c.subsections for code in s.sections]
    assert len(placed) == len(set(placed))
    from cmc_dossier.render.outline import outline

    leaves = {
        h.section.code
        for h in outline("ind")
        if not any(o.section.parent == h.section.code for o in outline("ind"))
    }
    assert leaves - set(placed) == set()


@pytest.fixture(scope="module")
def rendered() -> dict[str, tuple[Dossier, dict[str, str]]]:
    out = {}
    for folder in EXAMPLES:
        result = validate_folder(folder)
        assert result.dossier is not None and not result.errors, folder
        dossier = result.dossier
        documents = {
            "ind": Renderer(dossier, "ind").combined().markdown,
            "impd": Renderer(dossier, "impd").combined().markdown,
        }
        for target in ("qos", "m4q-r2"):
            for document in SummaryRenderer(dossier, target).documents():
                documents[f"{target}/{document.path}"] = document.markdown
        out[folder.name] = (dossier, documents)
    return out


def _m(value: object) -> str:
    return text.escape(value, text.PANDOC)


@pytest.mark.parametrize("name", [folder.name for folder in EXAMPLES])
def test_summaries_carry_module_3_headings_and_preview_notice(rendered, name: str) -> None:
    _, documents = rendered[name]
    qos = documents["qos/module-2-3-quality-overall-summary"]
    shown = re.findall(r"^#+ (2\.3[.\w]*|Introduction)", qos, flags=re.M)
    assert shown == [code if code != "introduction" else "Introduction" for code, _ in R1_HEADINGS]
    for key, markdown in documents.items():
        if key.startswith("m4q-r2/"):
            assert markdown.startswith("**Preview of a draft guideline.**")
            assert "14 May 2025" in markdown.split("\n\n")[0]


@pytest.mark.parametrize("name", [folder.name for folder in EXAMPLES])
def test_same_facts_read_identically_in_2_3_3_2_and_the_impd(rendered, name: str) -> None:
    """Specification criteria, shelf lives, sites and critical process settings."""
    dossier, documents = rendered[name]
    summaries = {k: v for k, v in documents.items() if k.startswith(("qos/", "m4q-r2/module-2-3"))}
    expected: list[str] = []
    for fact in dossier.facts:
        if isinstance(fact, Specification) and fact.applies_to in (
            "drug-substance",
            "drug-product",
        ):
            expected += [_m(t.acceptance_criterion) for t in fact.tests]
        if isinstance(fact, StabilityStudy) and fact.proposed_shelf_life:
            expected += [_m(fact.proposed_shelf_life.period)]
        if isinstance(fact, Site):
            expected.append(_m(fact.name))
        if isinstance(fact, ProcessParameter) and fact.criticality == "critical":
            expected += [_m(line) for line in setting_lines(fact)]
    assert expected
    for value in expected:
        for key in ("ind", "impd", *summaries):
            assert value in documents[key], (key, value)


NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
OWN_NUMBERS = re.compile(
    r"^#.*$|^: Table .*$|Table 2\.3[.\w-]*|\b2\.3(?:\.\w+)*|\b3\.2(?:\.\w+)*|Step \d+|"
    r"^\| \d+ \||M4Q\(R[12]\)|ICH Q\d+|14 May 2025|\(R\d\)",
    flags=re.M,
)


@pytest.mark.parametrize("name", [folder.name for folder in EXAMPLES])
def test_no_number_in_module_2_3_that_module_3_does_not_state(rendered, name: str) -> None:
    _, documents = rendered[name]
    module3 = documents["ind"]
    for key, markdown in documents.items():
        if not key.startswith(("qos/", "m4q-r2/module-2-3")):
            continue
        stripped = OWN_NUMBERS.sub(
            " ", markdown.split("\n\n", 1)[1] if key.startswith("m4q") else markdown
        )
        for number in set(NUMBER.findall(stripped)):
            assert number in module3, (key, number)
