"""The worked example and the fixtures per modality validate cleanly; schemas are current."""

from __future__ import annotations

import gc
import json
from pathlib import Path

import pytest
from conftest import MODALITIES, REPO

from cmc_dossier.model.ctd import SECTIONS
from cmc_dossier.model.product import Narrative
from cmc_dossier.schema import SCHEMA_FILE, fact_schema
from cmc_dossier.validation import validate_folder

EXAMPLE = REPO / "dossier"
HEADER = "# yaml-language-server: $schema="


def test_example_validates_with_no_errors_and_no_warnings() -> None:
    result = validate_folder(EXAMPLE)
    assert result.diagnostics == []
    assert result.dossier is not None and len(result.dossier.facts) > 100


def test_example_is_the_product_the_issue_describes() -> None:
    manifest = validate_folder(EXAMPLE).dossier.manifest
    assert manifest.modality == "autologous-cell-therapy"
    assert manifest.viral_vector == "lentiviral"
    assert manifest.phase == "1"
    assert manifest.contexts == ["us-ind", "eu-cta"]


def test_example_states_its_phase_1_gaps_explicitly() -> None:
    dossier = validate_folder(EXAMPLE).dossier
    statuses = {n.section: n.status for n in dossier.of_kind(Narrative)}
    assert statuses["3.2.S.7.3"] == "not-applicable"
    # 3.2.P.8.2 is no declared gap: the stability study states the commitment (DOS422)
    assert "3.2.P.8.2" not in statuses
    assert all(code in {s.code for s in SECTIONS} for code in statuses)


@pytest.mark.parametrize("modality", sorted(p.name for p in MODALITIES.iterdir()))
def test_small_fixture_per_modality_is_valid(modality: str) -> None:
    result = validate_folder(MODALITIES / modality)
    assert result.errors == result.warnings == []  # gaps a team may have are information
    assert result.dossier.manifest.modality == modality


def test_every_example_file_points_editors_at_the_schema() -> None:
    schema = (REPO / "schemas" / SCHEMA_FILE).resolve()
    files = sorted(EXAMPLE.rglob("*.yaml"))
    assert files
    for path in files:
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith(HEADER), path
        assert (path.parent / first.removeprefix(HEADER)).resolve() == schema, path


def test_schemas_folder_is_not_stale() -> None:
    committed = (REPO / "schemas" / SCHEMA_FILE).read_text(encoding="utf-8")
    assert committed == fact_schema(), "run `dossier schema` and commit schemas/"


def test_schema_forbids_unknown_fields_and_offers_enums_to_editors() -> None:
    schema = json.loads(fact_schema())
    cqa = schema["$defs"]["CQA"]
    assert cqa["additionalProperties"] is False
    assert "critical" in json.dumps(cqa["properties"]["criticality"])
    assert {"kind", "id"} <= set(cqa["required"])


def test_example_tree_has_no_stray_files() -> None:
    allowed = {".yaml", ".md"}
    assert {p.suffix for p in Path(EXAMPLE).rglob("*") if p.is_file()} <= allowed


def test_validation_leaves_the_cyclic_collector_as_it_found_it() -> None:
    """Off while reading and checking, on again after, nothing left frozen: a dossier that
    is dropped (each `--serve` rebuild) stays collectable; what a caller froze stays frozen."""
    assert gc.isenabled()
    result = validate_folder(REPO / "dossier")
    assert result.dossier is not None
    assert gc.isenabled() and gc.get_freeze_count() == 0
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        validate_folder(REPO / "dossier")
        assert gc.isenabled() and gc.get_freeze_count() == frozen
        gc.disable()
        validate_folder(REPO / "dossier")
        assert not gc.isenabled()
    finally:
        gc.enable()
        gc.unfreeze()
