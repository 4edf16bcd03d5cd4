"""`dossier comparability`: a protocol draft from real temporary git repositories, its CQAs
read from the facts' links and its evidence level taken from ICH Q5E and ICH Q6A/Q6B."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from build_helpers import committed_repo
from conftest import run_cli
from test_changes import SPEC, branch, commit, edit

BANKS = "vector/cell-banks-and-plasmids.yaml"
OUT = Path("build") / "comparability"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    repo = committed_repo(tmp_path / "repo")
    branch(repo)
    return repo


def protocol(repo: Path) -> str:
    done = run_cli("comparability", "main", "HEAD", cwd=repo)
    assert done.returncode == 0, done.stdout + done.stderr
    return (repo / OUT / "comparability-protocol.md").read_text(encoding="utf-8")


def section(text: str, heading: str) -> str:
    """The part of one change's section from a heading to the next heading of any level."""
    return text.split(heading, 1)[1].split("\n#", 1)[0]


def test_new_master_cell_bank_lists_its_linked_cqas_and_asks_for_bridging(repo: Path) -> None:
    edit(repo, BANKS, "prepared: 2024-02", "prepared: 2026-09")
    commit(repo, "new MCB")
    text = protocol(repo)
    # the bank's `affects` names four vector CQAs; nothing else is listed
    cqas = section(text, "### CQAs that may be affected")
    for cqa in ("CQA-LVV-TITRE", "CQA-LVV-RCL", "CQA-LVV-HCDNA", "CQA-LVV-HCP"):
        assert f"({cqa}," in cqas
    assert "CQA-VIABILITY" not in cqas
    assert "material → CQA (\\`affects\\`)" in text
    # evidence: the release test of each CQA with its limit, and the stability study
    assert "Functional titre (T-LVV-TITRE, SPEC-LVV version 1.0)" in cqas
    assert "Functional titre in Long-term stability of the lentiviral vector (STAB-LVV)" in cqas
    # ICH Q5E: a new cell bank is a major change -> quality data and the bridging question
    questions = section(text, "### Risk assessment questions")
    assert "which non-clinical or clinical data bridge it" in questions
    studies = section(text, "### Studies and acceptance approach")
    assert "Extended characterisation" in studies
    assert "Assessment of the need for non-clinical or clinical bridging" in studies
    # the vector has no characterisation facts: said so, not filled with the T cells' ones
    assert text.split("Extended characterisation methods:", 1)[1].strip() == "- *none stated*"
    document = zipfile.ZipFile(repo / OUT / "comparability-protocol.docx").read("word/document.xml")
    assert b"Replication-competent lentivirus (vector)" in document


def test_widened_limit_asks_for_a_justification_not_q5e(repo: Path) -> None:
    edit(repo, SPEC, "acceptance_criterion: ≥ 70 %", "acceptance_criterion: ≥ 60 %")
    commit(repo, "widen viability")
    text = protocol(repo)
    # ICH Q6A/Q6B: a changed limit is justified with batch and clinical data; the attribute
    # being critical, bridging is assessed as well
    studies = section(text, "### Studies and acceptance approach")
    assert "batch data" in studies and "not a comparability exercise under ICH Q5E" in studies
    assert "Release testing of post-change batches" not in studies
    assert "Assessment of the need for non-clinical or clinical bridging" in studies
    cqas = section(text, "### CQAs that may be affected")
    assert "(CQA-VIABILITY, critical)" in cqas and cqas.count("- **") == 1
    assert "Viability (T-DP-VIABILITY, SPEC-DP version 1.0): ≥ 60 %" in cqas


def test_parameter_change_lists_only_the_cqas_it_affects(repo: Path) -> None:
    # PP-BEAD-RATIO (key) affects CQA-POTENCY and CQA-RESIDUAL-BEADS; its proven acceptable
    # range is widened beyond what was filed
    edit(repo, "drug-substance/process.yaml", "proven_acceptable_range: {low: 1, high: 3.5}",
         "proven_acceptable_range: {low: 1, high: 5}")  # fmt: skip
    commit(repo, "wider bead ratio")
    text = protocol(repo)
    assert "parameter → CQA (\\`affects\\`)" in text
    cqas = section(text, "### CQAs that may be affected")
    assert "(CQA-POTENCY, critical)" in cqas and "(CQA-RESIDUAL-BEADS," in cqas
    assert cqas.count("- **") == 2
    # ICH Q5E quality-level comparability: release, characterisation, IPCs, stability
    studies = section(text, "### Studies and acceptance approach")
    assert "Release testing of post-change batches" in studies
    assert "Stability of post-change batches" in studies


def test_a_change_set_without_a_comparability_need_says_so(repo: Path) -> None:
    edit(repo, SPEC, "acceptance_criterion: ≥ 70 %", "acceptance_criterion: ≥ 75 %")
    commit(repo, "tighten viability")
    # a tightened limit needs no comparability (ICH Q5E is about changes that may affect
    # quality; a stricter limit only rejects more)
    assert "No change in this set calls for comparability evidence." in protocol(repo)


def test_an_invalid_head_stops_without_writing(repo: Path) -> None:
    edit(repo, SPEC, "acceptance_criterion: ≥ 70 %", "acceptance_criterion: [≥ 70 %")
    commit(repo, "broken")
    done = run_cli("comparability", "main", "HEAD", cwd=repo)
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    assert not (repo / OUT / "comparability-protocol.md").exists()


# --- the EU change table beside the redline (PEI: tracked changes, clean, change table) ----


def redline(repo: Path, *args: str) -> Path:
    done = run_cli("redline", "main", "HEAD", "--output", "redline", *args, cwd=repo)
    assert done.returncode == 0, done.stdout + done.stderr
    return repo / "redline" / "impd"


def test_substantial_modification_gets_a_change_table_beside_the_redline(repo: Path) -> None:
    edit(repo, SPEC, "acceptance_criterion: ≥ 70 %", "acceptance_criterion: ≥ 60 %")
    commit(repo, "widen viability")
    folder = redline(repo)
    assert (folder / "impd-quality.docx").exists()  # the tracked-changes document
    table = (folder / "change-table.md").read_text(encoding="utf-8")
    # CTR Art. 2(2)(13): relaxing a release limit of the IMP is a substantial modification
    assert "Overall: Substantial modification." in table
    row = next(line for line in table.splitlines() if "T-DP-VIABILITY" in line)
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert cells[0].startswith("P.5.1") and cells[0].endswith("acceptance\\_criterion")
    assert cells[1:3] == ["≥ 70 %", "≥ 60 %"]
    assert cells[3] == "*To be stated by the sponsor.*"  # the reason is the sponsor's
    docx = zipfile.ZipFile(folder / "change-table.docx").read("word/document.xml")
    assert "≥ 60 %".encode() in docx and b"<w:tbl>" in docx


def test_non_substantial_change_gets_no_change_table_unless_asked(repo: Path) -> None:
    edit(repo, SPEC, "acceptance_criterion: ≥ 70 %", "acceptance_criterion: ≥ 75 %")
    commit(repo, "tighten viability")
    # tightening a limit is not likely to have a substantial impact (CTR Art. 2(2)(13))
    assert not (redline(repo) / "change-table.md").exists()
    table = (redline(repo, "--change-table") / "change-table.md").read_text(encoding="utf-8")
    assert "Overall: Non-substantial modification." in table
