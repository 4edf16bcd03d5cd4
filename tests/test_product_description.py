"""The product described for every modality: a protein's molecule, a small molecule's
structure, the formulation, and QTPP rows from a modality-neutral vocabulary."""

from __future__ import annotations

from conftest import MODALITIES

from cmc_dossier.render.documents import Renderer
from cmc_dossier.validation import validate_folder


def _section(modality: str, code: str, target: str = "ind") -> str:
    dossier = validate_folder(MODALITIES / modality).dossier
    markdown = Renderer(dossier, target).combined().markdown
    anchor = "{#ctd-" + code.replace(".", "-").lower() + "}"
    return markdown.split(anchor)[1].split("{#ctd-")[0]


def test_a_protein_shows_its_molecule_in_s12() -> None:
    s12 = _section("therapeutic-protein", "3.2.S.1.2")
    for line in (
        "**Format:** Humanised IgG1 monoclonal antibody",
        "**Isotype:** IgG1",
        "**Light chain:** Kappa",
        "**Expression system:** CHO-K1 cells",
        "(Asn297)",
        "**Molecular weight:** To be provided (Phase 2): Intact mass by LC-MS",
    ):
        assert line in s12


def test_a_small_molecule_shows_its_structure_in_s12() -> None:
    s12 = _section("small-molecule", "3.2.S.1.2")
    assert "**Molecular formula:** C20H21N5O2" in s12
    assert "**Relative molecular mass:** 363.42 g/mol" in s12
    assert "**Solid form (polymorph):** Form A (crystalline)" in s12
    assert "SMILES" not in s12  # not given, so not shown


def test_the_formulation_shows_in_p1() -> None:
    p1 = _section("therapeutic-protein", "3.2.P.1")
    assert "**pH:** 6.0 ± 0.3" in p1
    assert "**Buffer:** 20 mM histidine" in p1
    assert "**Fill volume:** 1.0 mL" in p1
    assert "**Overfill:** To be provided (Phase 2): Extractable volume study" in p1


def test_a_tablet_has_a_qtpp_row_for_dissolution() -> None:
    p2 = _section("small-molecule", "3.2.P.2")
    assert "Dissolution" in p2 and "NLT 80 % (Q) dissolved in 30 minutes" in p2
