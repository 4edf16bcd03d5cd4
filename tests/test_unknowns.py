"""Explicit unknowns: read, located when wrong, weighed by phase, shown plainly everywhere."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cmc_dossier.checks.unknowns import RULES
from cmc_dossier.diagnostics import Severity
from cmc_dossier.diagnostics.formatters import as_github, as_json, as_text
from cmc_dossier.model.unknowns import NotApplicable, ToBeProvided, known
from cmc_dossier.render.documents import Renderer
from cmc_dossier.site.pages import generate
from cmc_dossier.validation import validate_folder
from cmc_dossier.vcs import Revision

SITE_ADDRESS = "address: {lines: [1 Example Road], city: Cambridge, country: GB}\n"
STERILITY = (
    "kind: CQA\nid: CQA-STERILITY\ntitle: Sterility\ncategory: safety\n"
    "attribute_type: sterility\nderived_from: [QTPP-DP]\ncriticality: critical\n"
    "rationale: Patient safety.\n---\nkind: AnalyticalMethod\nid: M-STERILITY\n"
    "title: Sterility\ntechnique: Membrane filtration\npurpose: Sterility\n"
    "type: compendial\nstatus: {STATUS}\nstatus_as_of_phase: 1\nperformed_at: [SITE-1]\n"
    "---\nkind: Specification\nid: SPEC-STERILITY\ntitle: Sterility\n"
    "applies_to: drug-product\nsubject: DP-1\nversion: '1'\ntests:\n"
    "  - {id: T-STERILITY, test: Sterility, attribute: CQA-STERILITY, method: M-STERILITY, "
    "acceptance_criterion: No growth}\n"
)


def _line_of(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if text in line)


@pytest.fixture
def unknowing(dossier_from) -> Path:
    """The small-molecule fixture with a gap of every form."""
    return dossier_from(
        replace={
            "supplier: Commercial\n": "supplier: {to-be-provided: '2', note: Second source}\n",
            "grade: Ph. Eur.\n": "grade: {to-be-provided: 1}\n",
            SITE_ADDRESS: "address:\n  lines: [1 Example Road]\n  city: Cambridge\n"
            "  postal_code: {not-applicable: Not used for this site}\n  country: GB\n",
            "status: qualified\n": "status: {to-be-provided: 2027-03}\n",
        }
    )


def test_every_form_is_read_and_known_tells_them_apart(unknowing: Path) -> None:
    result = validate_folder(unknowing)
    dossier = result.dossier
    assert dossier is not None
    material = dossier.index["MAT-MCC"].value
    assert material.supplier == ToBeProvided.model_validate(
        {"to-be-provided": "2", "note": "Second source"}
    )
    assert known(material.supplier) is None
    assert known(material.title) == "Microcrystalline cellulose"
    site = dossier.index["SITE-1"].value
    assert isinstance(site.address.postal_code, NotApplicable)
    assert str(site.address.postal_code) == "Not applicable: Not used for this site"
    assert str(material.supplier) == "To be provided (Phase 2): Second source"
    assert [(fact.id, path) for fact, path, _ in dossier.unknowns()] == [
        ("SITE-1", ("address", "postal_code")),
        ("M-HPLC", ("status",)),
        ("MAT-MCC", ("grade",)),
        ("MAT-MCC", ("supplier",)),
    ]


def test_severity_follows_when_against_the_phase(unknowing: Path) -> None:
    found = {
        d.message.split("`")[1]: (d.code, d.severity)
        for d in validate_folder(unknowing).diagnostics
    }
    assert found == {
        "grade": ("DOS311", Severity.WARNING),  # due at Phase 1, the manifest's phase
        "supplier": ("DOS312", Severity.INFO),  # Phase 2 lies ahead
        "status": ("DOS312", Severity.INFO),  # a date: no rule for a non-safety method
    }  # a not-applicable postal code is a statement, not a finding


def test_information_does_not_fail_validation_and_is_counted(unknowing: Path) -> None:
    diagnostics = validate_folder(unknowing).diagnostics
    assert as_text(diagnostics).endswith("0 errors, 1 warning, 2 for information")
    assert json.loads(as_json(diagnostics))["information"] == 2
    assert as_github(diagnostics).count("::notice ") == 2


@pytest.mark.parametrize(
    ("status", "phase", "code"),
    [
        ("{to-be-provided: '2'}", "1", "DOS310"),  # a safety method at first-in-human
        ("{not-applicable: Compendial}", "1", "DOS310"),  # not applicable counts as missing
        ("{to-be-provided: '3'}", "2", "DOS310"),
    ],
)
def test_a_safety_method_must_have_its_status_from_first_in_human(
    dossier_from, status: str, phase: str, code: str
) -> None:
    root = dossier_from(
        files={"sterility.yaml": STERILITY.replace("{STATUS}", status)},
        replace={"phase: 1\n": f"phase: {phase}\n"},
    )
    found = [d for d in validate_folder(root).diagnostics if d.code.startswith("DOS31")]
    assert [(d.code, d.location.file.name, d.location.line) for d in found] == [
        (code, "sterility.yaml", _line_of(root / "sterility.yaml", "status: {"))
    ]
    assert "610.12" in (found[0].hint or "")


def test_every_rule_names_a_basis_and_known_phases() -> None:
    for rule in RULES:
        assert rule.basis
        assert [start for start, _ in rule.from_phase]
        assert rule.severity("marketed") is not None


@pytest.mark.parametrize(
    ("written", "code", "column"),
    [
        ("{to-be-provided: 4}", "DOS104", 28),  # no such phase
        ("{to-be-provided: '2', notes: x}", "DOS103", 33),  # `note`, misspelt
        ("{not-applicable: x, note: y}", "DOS103", 31),  # a note belongs to to-be-provided
        ("{to-be-provided: '2', not-applicable: x}", "DOS103", 33),  # one or the other
        ("{supplier: Acme}", "DOS104", 11),  # a mapping that is no unknown is no text either
    ],
)
def test_a_malformed_unknown_is_reported_at_its_place(
    dossier_from, written: str, code: str, column: int
) -> None:
    root = dossier_from(replace={"supplier: Commercial\n": f"supplier: {written}\n"})
    diagnostics = validate_folder(root).diagnostics
    line = _line_of(root / "facts.yaml", "supplier:")
    assert [(d.code, d.location.line) for d in diagnostics] == [(code, line)]
    assert "·" not in diagnostics[0].message  # the union's tags are no field names
    assert "(" not in diagnostics[0].message.split(":")[0]
    assert diagnostics[0].location.column == column


def test_documents_and_site_say_what_is_not_known(unknowing: Path) -> None:
    dossier = validate_folder(unknowing).dossier
    impd = Renderer(dossier, "impd").combined().markdown
    assert "To be provided (Phase 2): Second source" in impd
    assert "To be provided (Phase 1)" in impd
    assert "Not applicable: Not used for this site" in impd
    assert "To be provided (2027-03)" in impd  # the method's status in P.5.3
    site = generate(dossier, [], unknowing, Revision(None, 0, False), {})
    gaps = site.pages["diagnostics.md"].split("## Gaps")[1]
    assert gaps.count("\n| [") == 4
    assert "Not applicable: Not used for this site" in gaps
    assert f"yaml:{_line_of(unknowing / 'facts.yaml', 'supplier:')}:11 |" in gaps
