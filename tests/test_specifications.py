"""A drug product specification with drug substance tests by reference, and the two read
together: a substance limit looser than the product's is a finding unless justified."""

from __future__ import annotations

import pytest

from cmc_dossier.render.documents import Renderer
from cmc_dossier.validation import validate_folder

DS_SPEC = (
    "kind: Specification\nid: SPEC-DS\ntitle: DS spec\napplies_to: drug-substance\n"
    "subject: DS-1\nversion: '1'\ntests:\n  - id: T-DS-IMP\n    test: Total impurities\n"
    "    attribute: CQA-IMPURITIES\n    method: M-HPLC\n    acceptance_criterion: {CRITERION}\n"
)


@pytest.mark.parametrize(
    ("criterion", "extra", "warned"),
    [
        ("NMT 2.0 %", "", True),  # the product allows NMT 1.0 %
        ("NMT 1.0 %", "", False),  # the same limit
        ("NMT 0.5 %", "", False),  # tighter
        ("Report result", "", True),  # no limit at all
        ("NMT 2.0 %", "    justification: Degradation is excluded; see S.4.5.\n", False),
        ("NMT 2.0 %", "included", False),  # the product reports the substance test itself
        ("NMT 2.0 ppm", "", False),  # other unit: not comparable
    ],
)
def test_a_looser_substance_limit_is_found(dossier_from, criterion, extra, warned) -> None:
    text = DS_SPEC.replace("{CRITERION}", criterion)
    replace = {}
    if extra == "included":
        replace = {"tests:\n  - {id: T-ASSAY": "includes: [T-DS-IMP]\ntests:\n  - {id: T-ASSAY"}
    else:
        text += extra
    root = dossier_from(files={"ds.yaml": text}, replace=replace)
    codes = [d.code for d in validate_folder(root).diagnostics]
    assert ("DOS313" in codes) == warned, codes


def test_included_substance_tests_show_in_the_product_specification(dossier_from) -> None:
    root = dossier_from(
        files={"ds.yaml": DS_SPEC.replace("{CRITERION}", "NMT 2.0 %")},
        replace={"tests:\n  - {id: T-ASSAY": "includes: [T-DS-IMP]\ntests:\n  - {id: T-ASSAY"},
    )
    result = validate_folder(root)
    assert result.errors == []
    ind = Renderer(result.dossier, "ind").combined().markdown
    p51 = ind.split("{#ctd-3-2-p-5-1}")[1].split("{#ctd-3-2-p-5-2}")[0]
    assert "Total impurities (drug substance test, 3.2.S.4.1)" in p51
    assert "NMT 2.0 %" in p51
