"""The CAR-T example's lentiviral vector: producer cells, plasmids, residuals, stability and
the vector maker's master file, as 3.2.S.2.3 and 3.2.A.2 show them."""

from __future__ import annotations

from pathlib import Path

import pytest

from cmc_dossier.render.documents import Renderer
from cmc_dossier.validation import validate_folder

EXAMPLE = Path(__file__).resolve().parent.parent / "dossier"


@pytest.fixture(scope="module")
def documents() -> dict[str, str]:
    dossier = validate_folder(EXAMPLE).dossier
    return {target: Renderer(dossier, target).combined().markdown for target in ("ind", "impd")}


def _section(markdown: str, number: str) -> str:
    start = markdown.index(f"# {number} ")
    return markdown[start : markdown.index("\n#", start)]


def test_the_vector_specification_covers_titres_and_residuals(documents) -> None:
    materials = _section(documents["ind"], "3.2.S.2.3")
    for test in (
        "Functional titre", "Physical titre (p24)", "Residual host-cell DNA",
        "Residual host-cell protein", "Residual plasmid DNA", "Residual nuclease",
    ):  # fmt: skip
        assert f"| {test} |" in materials


def test_producer_cells_and_plasmids_form_a_bank_system_with_testing(documents) -> None:
    materials = _section(documents["ind"], "3.2.S.2.3")
    assert (
        "| HEK 293T end-of-production cells | End-of-production cells | Mammalian (HEK 293T) "
        "| HEK 293T master cell bank OVS-MCB-293T-01 |"
    ) in materials
    assert "Testing of Transfer plasmid pOVS-CD19BBz lot PL-0241" in materials
    appendix = _section(documents["ind"], "3.2.A.2")
    assert "Testing of HEK 293T master cell bank OVS-MCB-293T-01 (Master cell bank)" in appendix
    assert "Testing of Transfer plasmid" not in appendix  # plasmids carry no adventitious agents


def test_vector_stability_is_shown_with_the_material(documents) -> None:
    materials = _section(documents["ind"], "3.2.S.2.3")
    assert "Long-term stability of the lentiviral vector: batch LV019-0001, ≤ −65 °C" in materials
    assert "proposed shelf life of 6 months at ≤ −65 °C" in materials


def test_the_master_file_is_cited_only_where_it_is_referenced(documents) -> None:
    assert "BB-MF 0000" in _section(documents["ind"], "3.2.S.2.3")
    assert "BB-MF" not in documents["impd"]
