"""Values keep what the user typed: text as text, numbers with their digits."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cmc_dossier.model.criteria import parse_criterion
from cmc_dossier.render.views import setting_lines
from cmc_dossier.validation import validate_folder

PARAMETER = """kind: ProcessParameter
id: PP-1
title: Blend time
unit_operation: UO-1
criticality: key
unit: {unit}
target: {target}
normal_operating_range: {{low: 1.10, high: 20}}
justification: J
---
kind: ManufacturingProcess
id: PROC-1
title: P
stage: drug-product
product: DP-1
sites: [SITE-1]
description: D
unit_operations: [UO-1]
---
kind: UnitOperation
id: UO-1
title: Blend
description: D
"""


def parameter(dossier_from, target: str, unit: str = "min"):
    root = dossier_from(files={"pp.yaml": PARAMETER.format(target=target, unit=unit)})
    result = validate_folder(root)
    return result, (result.dossier.index["PP-1"].value if "PP-1" in result.dossier.index else None)


def test_numbers_keep_their_digits(dossier_from) -> None:
    result, pp = parameter(dossier_from, "10.50")
    assert result.errors == []
    assert pp.target == Decimal("10.50") and str(pp.target) == "10.50"
    assert str(pp.normal_operating_range.low) == "1.10"


@pytest.mark.parametrize("typed", ["1.0e13", "2E13", ".6e1", "60e-1", "6.", "+5", "1.10"])
def test_numbers_show_as_typed_in_every_form_and_compute_as_their_value(
    dossier_from, typed: str
) -> None:
    from cmc_dossier.exchange.export import export_files
    from cmc_dossier.render.text import escape

    root = dossier_from(files={"pp.yaml": PARAMETER.format(target=typed, unit="min")})
    result = validate_folder(root)
    pp = result.dossier.index["PP-1"].value
    # outside the fixture's range for some: DOS303 names the set point as typed
    assert all(e.code == "DOS303" and f"set point {typed} " in e.message for e in result.errors)
    assert str(pp.target) == f"{pp.target}" == typed and pp.target == Decimal(typed)
    assert escape(pp.target).replace("\\", "") == typed  # a document shows what was typed
    exported = next(iter(export_files(result.dossier, root, "json")[0].values()))
    assert f'"target": "{typed}"' in exported


def test_text_fields_keep_yaml_11_words(dossier_from) -> None:
    result, pp = parameter(dossier_from, "10", unit="NO")
    assert result.errors == [] and pp.unit == "NO"


@pytest.mark.parametrize("target", ["'10'", "ten", "1:20", "true"])
def test_quoted_or_non_numeric_values_are_refused_for_numbers(dossier_from, target: str) -> None:
    result, _ = parameter(dossier_from, target)
    [error] = result.errors
    assert error.code == "DOS104" and error.location.line == 7
    assert "without quotes" in error.message
    # the typed value is shown once, as typed; no unformatted template is left in the text
    assert error.message.count("got") == 1 and "{" not in error.message
    assert error.message.endswith(f"(got '{target.strip(chr(39))}')")


def _ratio_parameter(dossier_from, setting: str):
    text = PARAMETER.format(target="1", unit="x").replace(
        "target: 1\nnormal_operating_range: {low: 1.10, high: 20}", setting
    )
    result = validate_folder(dossier_from(files={"pp.yaml": text}))
    return result, result.dossier.index.get("PP-1") if result.dossier else None


def test_a_ratio_set_point_is_kept_as_typed_and_shown(dossier_from) -> None:
    # YAML 1.1 would read 1:1:1 as the sexagesimal integer 3661
    result, entry = _ratio_parameter(dossier_from, "ratio: 1:1:1")
    assert result.errors == [] and entry.value.ratio == "1:1:1"
    assert setting_lines(entry.value) == ["Set point 1:1:1"]


@pytest.mark.parametrize("setting", ["ratio: 1:x", "ratio: 3", "target: 1\nratio: 1:2"])
def test_a_ratio_that_is_not_one_or_a_second_set_point_is_refused(dossier_from, setting) -> None:
    result, _ = _ratio_parameter(dossier_from, setting)
    assert [e.code for e in result.errors] in (["DOS104"], ["DOS102"])


def test_booleans_accept_only_true_and_false(dossier_from) -> None:
    root = dossier_from(replace={"sterile: false": "sterile: NO"})
    [error] = validate_folder(root).errors
    assert error.code == "DOS104" and "true or false" in error.message


def test_acceptance_criterion_text_is_kept_and_parsed(dossier_from) -> None:
    result = validate_folder(dossier_from())
    test = result.dossier.index["T-DEG"].value
    assert test.acceptance_criterion == "NMT 1.0 %"
    assert test.parsed_criterion.comparator == "<="
    assert test.parsed_criterion.value == Decimal("1.0")
    assert test.model_dump(mode="json")["parsed_criterion"]["value"] == "1.0"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("≥ 70 %", ("limit", ">=", "70", None, None, "%")),
        ("NLT 70 %", ("limit", ">=", "70", None, None, "%")),
        ("NMT 0.5 EU/mL", ("limit", "<=", "0.5", None, None, "EU/mL")),
        ("< 10 CFU/mL", ("limit", "<", "10", None, None, "CFU/mL")),
        ("≥ 1.0 × 10^8 TU/mL", ("limit", ">=", "1.0E+8", None, None, "TU/mL")),
        ("95.0–105.0 % of label claim", ("range", None, None, "95.0", "105.0", "% of label claim")),
        ("80 % to 125 %", ("range", None, None, "80", "125", "%")),
        ("1.6–2.4 × 10^13 vg/mL", ("range", None, None, "1.6E+13", "2.4E+13", "vg/mL")),
        ("pH 6.8–7.4", ("range", None, None, "6.8", "7.4", "pH")),
    ],
)
def test_criteria_that_parse(text: str, expected: tuple) -> None:
    parsed = parse_criterion(text)
    shown = (
        parsed.form,
        parsed.comparator,
        None if parsed.value is None else str(parsed.value),
        None if parsed.low is None else str(parsed.low),
        None if parsed.high is None else str(parsed.high),
        parsed.unit,
    )
    assert shown == expected


@pytest.mark.parametrize(
    ("text", "meaning"),
    [
        ("Conforms to reference", "conforms"),
        ("Not detected", "not-detected"),
        ("Negative", "negative"),
        ("No growth", "no-growth"),
        ("Report result", "report"),
    ],
)
def test_qualitative_criteria(text: str, meaning: str) -> None:
    assert parse_criterion(text).qualitative == meaning


def test_free_text_criterion_has_no_structured_form() -> None:
    assert parse_criterion("Colourless to slightly yellow dispersion") is None
