"""Text worded per region: one text for both, or {us, eu}; each document shows its region's,
the model and the diff keep both, and one region's wording in the other's document is
flagged (DOS240)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import REPO

from cmc_dossier.changes.facts_diff import field_changes
from cmc_dossier.model.base import RegionalText
from cmc_dossier.model.product import CQA
from cmc_dossier.model.regional import for_region
from cmc_dossier.render.documents import Renderer
from cmc_dossier.validation import validate_folder

REGIONAL_CQA = """kind: CQA
id: CQA-REGIONAL
title: Regional attribute
category: general
derived_from: [QTPP-DP]
criticality: non-critical
rationale:
  us: Limit set as FDA guidance on the assay recommends.
  eu: Limit set as the Ph. Eur. monograph requires.
clinical_relevance: {us: Named in 21 CFR 211.165.}
"""


@pytest.fixture
def regional(dossier_from) -> Path:
    return dossier_from(files={"regional.yaml": REGIONAL_CQA})


def test_each_document_shows_its_regions_text(regional: Path) -> None:
    result = validate_folder(regional)
    assert not [d for d in result.diagnostics if d.severity.name != "INFO"]
    ind = Renderer(result.dossier, "ind").combined().markdown
    impd = Renderer(result.dossier, "impd").combined().markdown
    assert "Limit set as FDA guidance on the assay recommends." in ind
    assert "Ph. Eur. monograph" not in ind
    assert "Limit set as the Ph. Eur. monograph requires." in impd
    assert "FDA" not in impd


def test_the_model_keeps_both_and_a_region_alone_leaves_the_other_out(regional: Path) -> None:
    dossier = validate_folder(regional).dossier
    cqa = dossier.get("CQA-REGIONAL", CQA)
    assert isinstance(cqa.rationale, RegionalText)
    assert cqa.rationale.us.startswith("Limit set as FDA") and cqa.rationale.eu is not None
    eu, us = for_region(dossier, "eu"), for_region(dossier, "us")
    assert eu.get("CQA-REGIONAL", CQA).clinical_relevance is None
    assert us.get("CQA-REGIONAL", CQA).clinical_relevance == "Named in 21 CFR 211.165."
    # the index and the fact list agree on the replaced fact
    assert eu.index["CQA-REGIONAL"].value is next(f for f in eu.facts if f.id == "CQA-REGIONAL")


def test_a_dossier_with_one_text_everywhere_is_not_copied(dossier_from) -> None:
    dossier = validate_folder(dossier_from()).dossier
    assert for_region(dossier, "eu") is dossier


def test_the_diff_reports_each_regions_text_under_its_field(regional: Path) -> None:
    dossier = validate_folder(regional).dossier
    before = dossier.get("CQA-REGIONAL", CQA)
    after = before.model_copy(
        update={"rationale": RegionalText(us=before.rationale.us, eu="Limit per Ph. Eur. 2.2.")}
    )
    (change,) = field_changes(before, after)
    assert change.path == ("rationale", "eu")
    assert change.name == "rationale"  # impact rules read the field, not the region
    assert change.prose == (
        "Limit set as the Ph. Eur. monograph requires.",
        "Limit per Ph. Eur. 2.2.",
    )


def test_references_in_each_regions_prose_are_checked(dossier_from) -> None:
    root = dossier_from(
        files={
            "regional.yaml": REGIONAL_CQA.replace(
                "  eu: Limit set as the Ph. Eur. monograph requires.",
                "  eu: Limit set as [[T-NOPE]] requires.",
            )
        }
    )
    (found,) = [d for d in validate_folder(root).diagnostics if d.code == "DOS201"]
    assert (found.location.line, found.location.column) == (9, 20)


def test_one_regions_wording_in_the_eu_text_is_flagged_there(dossier_from) -> None:
    root = dossier_from(
        files={"regional.yaml": REGIONAL_CQA.replace("the Ph. Eur. monograph", "the USP monograph")}
    )
    (found,) = [d for d in validate_folder(root).diagnostics if d.code == "DOS240"]
    assert (found.location.line, found.location.column) == (9, 24)
    assert "IMPD" in found.message and "'USP'" in found.message
    assert "reword the `eu` text" in (found.hint or "")


def test_fdas_process_validation_stage_2_term_is_flagged_in_the_impd(dossier_from) -> None:
    """FDA's "process performance qualification" is not the EU guidelines' term."""
    wording = "the Ph. Eur. monograph requires"
    root = dossier_from(
        files={"regional.yaml": REGIONAL_CQA.replace(wording, "PPQ batches confirm")}
    )
    (found,) = [d for d in validate_folder(root).diagnostics if d.code == "DOS240"]
    assert "'PPQ'" in found.message and "Annex 15" in (found.hint or "")


def test_a_term_inside_a_referenced_id_is_not_wording(dossier_from) -> None:
    wording = "the Ph. Eur. monograph requires"
    root = dossier_from(
        files={"regional.yaml": REGIONAL_CQA.replace(wording, "[[PA-PPQ]] and [[SITE-FDA]] ask")}
    )
    assert not [d for d in validate_folder(root).diagnostics if d.code == "DOS240"]


@pytest.mark.parametrize("dual", ["Ph. Eur. 2.6.1; USP <71>", "Ph. Eur. 2.9.40 / USP <905>"])
def test_a_usp_chapter_beside_its_ph_eur_one_is_not_us_only(dossier_from, dual: str) -> None:
    root = dossier_from(files={"regional.yaml": REGIONAL_CQA.split("rationale:")[0]})
    root.joinpath("regional.yaml").write_text(
        REGIONAL_CQA.split("rationale:")[0] + f"rationale: {dual}\n", encoding="utf-8"
    )
    assert not [d for d in validate_folder(root).diagnostics if d.code == "DOS240"]


@pytest.mark.parametrize(
    "folder", ["dossier", "examples/aav-gene-therapy", "examples/small-molecule-tablet"]
)
def test_the_examples_keep_us_citations_in_the_ind_only(folder: str) -> None:
    result = validate_folder(REPO / folder)
    assert not [d for d in result.diagnostics if d.code in ("DOS240", "DOS241")]
    ind = Renderer(result.dossier, "ind").combined().markdown
    impd = Renderer(result.dossier, "impd").combined().markdown
    assert "21 CFR" not in impd and not re.search(r"\bINDs?\b", impd)
    assert not re.search(r"(?i)process performance qualification|\bPPQ\b", impd)
    assert "competent authorities" not in ind and "member states" not in ind
    assert "FDA" in ind


def test_a_process_validation_stage_is_worded_per_region() -> None:
    """FDA's numbered stages in the IND; the EU guidelines' words in the IMPD (data)."""
    dossier = validate_folder(REPO / "examples" / "small-molecule-tablet").dossier
    ind = Renderer(dossier, "ind").combined().markdown
    impd = Renderer(dossier, "impd").combined().markdown
    assert "| Process design (stage 1) |" in ind and "stage 1" not in impd
    assert "| Process evaluation (development) |" in impd


def test_a_narrative_file_is_checked_where_its_section_is_shown(dossier_from) -> None:
    """A Markdown file has one text for both documents; the IND-only 3.2.R may name FDA."""
    root = dossier_from(
        files={
            "narratives.yaml": "kind: Narrative\nid: N-P2\nsection: 3.2.P.2\nfile: p2.md\n---\n"
            "kind: Narrative\nid: N-R\nsection: 3.2.R\nfile: r.md\n",
            "p2.md": "The development is summarised below.\nAs FDA guidance expects.\n",
            "r.md": "Executed batch records are provided to FDA.\n",
        }
    )
    found = [d for d in validate_folder(root).diagnostics if d.code == "DOS240"]
    assert [(d.location.file.name, d.location.line, d.location.column) for d in found] == [
        ("p2.md", 2, 4)
    ]
    assert "`body:`" in (found[0].hint or "")


def test_a_quoted_regional_field_reads_in_each_documents_words(dossier_from) -> None:
    root = dossier_from(
        files={
            "regional.yaml": REGIONAL_CQA,
            "narrative.yaml": "kind: Narrative\nid: N-P2\nsection: 3.2.P.2\n"
            "body: 'Rationale: [[CQA-REGIONAL:rationale]]'\n",
        }
    )
    result = validate_folder(root)
    assert not [d for d in result.diagnostics if d.code == "DOS203"]
    ind = Renderer(result.dossier, "ind").combined().markdown
    impd = Renderer(result.dossier, "impd").combined().markdown
    assert "Rationale: Limit set as FDA guidance on the assay recommends." in ind
    assert "Rationale: Limit set as the Ph. Eur. monograph requires." in impd
