"""Modality rules: ICH Q3A/Q3B thresholds from the maximum daily dose, impurity controls,
sterile products and the chain of identity of autologous products."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from cmc_dossier.checks.modality_controls import qualification_threshold
from cmc_dossier.render.documents import Renderer
from cmc_dossier.validation import validate_folder

EXAMPLE = Path(__file__).resolve().parent.parent / "dossier"


@pytest.mark.parametrize(
    ("dose_mg", "drug_product", "percent"),
    [
        # ICH Q3A(R2): 0.15 % or 1.0 mg/day, whichever is lower, up to 2 g/day; 0.05 % above
        ("40", False, "0.15"),
        ("1000", False, "0.1"),  # 1.0 mg of 1 g is 0.1 %
        ("2000", False, "0.05"),
        ("2500", False, "0.05"),
        # ICH Q3B(R2): < 10 mg 1.0 % or 50 µg; 10–100 mg 0.5 % or 200 µg; to 2 g 0.2 % or 3 mg
        ("1", True, "1.0"),
        ("8", True, "0.625"),  # 50 µg of 8 mg
        ("10", True, "0.5"),
        ("100", True, "0.2"),  # 200 µg of 100 mg (inclusive band)
        ("500", True, "0.2"),
        ("2000", True, "0.15"),  # 3 mg of 2 g
        ("3000", True, "0.15"),
    ],
)
def test_qualification_threshold_by_maximum_daily_dose(dose_mg, drug_product, percent) -> None:
    assert qualification_threshold(Decimal(dose_mg), drug_product) == Decimal(percent)


IMPURITY = (
    "kind: Impurity\nid: IMP-A\ntitle: Impurity A\nsubject: {subject}\ntype: product-related\n"
    "attribute_type: related-substances\norigin: By-product.\nlimit: {limit}\n"
)


HIGH = IMPURITY.format(subject="DS-1", limit="NMT 0.5 %")
KNOWN_DOSE = "maximum_daily_dose: {value: 40, unit: mg}"


@pytest.mark.parametrize(
    ("text", "replace", "codes"),
    [
        # 40 mg/day: Q3B qualification 0.5 % for a degradation product; Q3A 0.15 %
        (IMPURITY.format(subject="DP-1", limit="NMT 0.4 %"), {}, []),
        (IMPURITY.format(subject="DP-1", limit="NMT 0.6 %"), {}, ["DOS337"]),
        (IMPURITY.format(subject="DS-1", limit="≤ 0.15 %"), {}, []),
        (HIGH, {}, ["DOS337"]),
        (HIGH + "qualification: Present at 0.6 % in the tox batch.\n", {}, []),
        (HIGH + "scope: total\n", {}, []),
        (HIGH, {KNOWN_DOSE: "maximum_daily_dose: {to-be-provided: '2'}"}, ["DOS312"]),
    ],
)
def test_limits_against_the_qualification_threshold(dossier_from, text, replace, codes) -> None:
    root = dossier_from(files={"impurity.yaml": text}, replace=replace)
    assert [d.code for d in validate_folder(root).diagnostics] == codes


def test_the_message_names_the_threshold_and_the_dose(dossier_from) -> None:
    root = dossier_from(files={"impurity.yaml": IMPURITY.format(subject="DS-1", limit="NMT 0.5 %")})
    (found,) = validate_folder(root).diagnostics
    assert "above the ICH Q3A(R2) qualification threshold of 0.15 %" in found.message
    assert "maximum daily dose of 40 mg/day" in found.message


def test_an_impurity_with_a_rationale_controls_its_kind(dossier_from) -> None:
    root = dossier_from(
        replace={"rationale: ICH Q3D risk assessment": "fate: ICH Q3D risk assessment"}
    )
    assert [d.code for d in validate_folder(root).diagnostics] == ["DOS336"]


def test_the_chain_of_identity_is_shown_in_p33() -> None:
    markdown = Renderer(validate_folder(EXAMPLE).dossier, "ind").combined().markdown
    section = markdown[markdown.index("# 3.2.P.3.3 ") : markdown.index("# 3.2.P.3.4 ")]
    assert "Patient identifiers on every label: Chain-of-identity number (COI)" in section
    assert (
        "| Apheresis centre to manufacturing site | Autologous leukapheresis material | 2–8 °C |"
    ) in section
