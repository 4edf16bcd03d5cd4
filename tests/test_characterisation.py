"""Characterisation, impurities and the analytical strategy, generated from facts."""

from __future__ import annotations

from pathlib import Path

import pytest

from cmc_dossier.render.documents import Renderer
from cmc_dossier.validation import validate_folder

EXAMPLE = Path(__file__).resolve().parent.parent / "dossier"


@pytest.fixture(scope="module")
def impd() -> str:
    return Renderer(validate_folder(EXAMPLE).dossier, "impd").combined().markdown


def _section(markdown: str, number: str) -> str:
    start = markdown.index(f"# {number} ")
    return markdown[start : markdown.index("\n#", start)]


def test_a_characterisation_only_method_is_in_s31_and_p2_not_in_a_specification(impd) -> None:
    title = "Integration site analysis"
    assert title in _section(impd, "S.3.1")
    strategy = _section(impd, "P.2")
    assert (
        f"| {title} | Characterisation | Qualified (Phase 1) | Phase 1: qualified | — | S.3.1 |"
        in (strategy)
    )
    for section in ("S.4.1", "S.4.2", "P.5.1", "P.5.2"):
        assert title not in _section(impd, section)


def test_the_strategy_table_reads_uses_from_the_controls_that_cite_a_method(impd) -> None:
    strategy = _section(impd, "P.2")
    # declared nowhere, used by specifications and by an in-process control
    assert (
        "| Viable cell count and viability by image cytometry | Release; In-process "
        "| Qualified (Phase 1) | Phase 1: qualified | Phase 2 | P.5.2 |"
    ) in strategy
    assert "Analytical target profile: CD19-specific IFN-γ release" in strategy


def test_impurities_show_origin_fate_and_control(impd) -> None:
    impurities = _section(impd, "S.3.2")
    assert (
        "| Residual free vector | Process-related | Lentiviral vector added at transduction"
    ) in impurities
    assert (
        "Steps: Expansion; Bead removal, harvest and wash "
        "| Replication-competent lentivirus ([P.5.1](#ctd-3-2-p-5-1)) |"
    ) in impurities


def test_a_drug_product_impurity_is_shown_in_p55(dossier_from) -> None:
    root = dossier_from(
        files={
            "impurity.yaml": "kind: Impurity\nid: IMP-N-OXIDE\ntitle: N-oxide\nsubject: DP-1\n"
            "type: product-related\nattribute_type: related-substances\n"
            "origin: Oxidation in the tablet.\ncontrols: [T-DEG]\nlimit: NMT 0.5 %\n"
        }
    )
    result = validate_folder(root)
    assert not result.errors, result.errors
    markdown = Renderer(result.dossier, "ind").combined().markdown
    assert "| N-oxide | Product-related | Oxidation in the tablet. | — | " in _section(
        markdown, "3.2.P.5.5"
    )
    assert "NMT 0.5 %" in _section(markdown, "3.2.P.5.5")
