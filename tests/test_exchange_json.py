"""`dossier export --format json`: every fact, resolved references, schema, stable bytes."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from conftest import REPO, run_cli
from exchange_dossiers import all_dossiers, dossier_ids

from cmc_dossier.exchange.json_export import EXPORT_SCHEMA_FILE, export_json
from cmc_dossier.schema import export_schema_text
from cmc_dossier.validation import validate_folder

SCHEMA = json.loads((REPO / "schemas" / EXPORT_SCHEMA_FILE).read_text(encoding="utf-8"))


def test_published_export_schema_is_current() -> None:
    committed = (REPO / "schemas" / EXPORT_SCHEMA_FILE).read_text(encoding="utf-8")
    assert committed == export_schema_text(), "run `dossier schema` and commit schemas/"


@pytest.mark.parametrize("root", all_dossiers(), ids=dossier_ids())
def test_export_holds_every_fact_and_matches_the_published_schema(root: Path) -> None:
    dossier = validate_folder(root).dossier
    document = json.loads(export_json(dossier, root, commit=None))
    jsonschema.Draft202012Validator(SCHEMA).validate(document)
    assert [f["id"] for f in document["facts"]] == [f.id for f in dossier.facts]
    for entry in document["facts"]:
        source = entry["source"]
        assert not Path(source["file"]).is_absolute() and (root / source["file"]).is_file()
        assert source["line"] >= 1
        for reference in entry["references"]:  # a validated dossier resolves all of them
            assert reference["target_kind"] is not None, reference
            target = dossier.index[reference["target"]]
            assert reference["target_fact"] == target.fact.id
    items = document["items"]
    assert {k for k, v in dossier.index.items() if v.value is not v.fact} == set(items)


def test_values_are_exported_as_typed_and_references_resolve_to_their_holder() -> None:
    root = REPO / "dossier"
    document = json.loads(export_json(validate_folder(root).dossier, root, commit=None))
    facts = {entry["id"]: entry for entry in document["facts"]}
    batch = facts["B-ENG-01"]
    assert batch["fact"]["results"]["T-DP-VIABILITY"] == "88 %"
    lines = (root / "batches.yaml").read_text(encoding="utf-8").splitlines()
    document_start = lines.index("id: B-ENG-01") - 1  # the document begins with its `kind`
    assert lines[document_start] == "kind: Batch"
    assert batch["source"] == {"file": "batches.yaml", "line": document_start + 1, "column": 1}
    viability = next(r for r in batch["references"] if r["target"] == "T-DP-VIABILITY")
    assert viability["target_kind"] == "SpecificationTest"
    assert viability["target_fact"] == "SPEC-DP"
    assert viability["path"] == ["results", "T-DP-VIABILITY"]
    assert viability["target_path"][0] == "tests"
    spec_test = facts["SPEC-DP"]["fact"]["tests"][0]
    assert spec_test["parsed_criterion"] is None or "form" in spec_test["parsed_criterion"]
    ranges = [
        e["fact"]["proven_acceptable_range"]
        for e in document["facts"]
        if e["kind"] == "ProcessParameter" and e["fact"]["proven_acceptable_range"]
    ]
    assert ranges and all(isinstance(r["low"] or r["high"], str) for r in ranges)  # decimals


def test_two_runs_of_the_command_are_byte_identical(tmp_path: Path) -> None:
    first, second = tmp_path / "one", tmp_path / "two"
    for output in (first, second):
        done = run_cli("export", "dossier", "--format", "json", "--output", str(output))
        assert done.returncode == 0, done.stderr
    one = (first / "json" / "dossier.json").read_bytes()
    assert one == (second / "json" / "dossier.json").read_bytes()
    assert json.loads(one)["commit"]


def test_an_invalid_dossier_exports_nothing(dossier_from, tmp_path: Path) -> None:
    root = dossier_from(replace={"criticality: critical\n": "criticality: NO\n"})
    output = tmp_path / "out"
    done = run_cli("export", str(root), "--format", "json", "--output", str(output))
    assert done.returncode == 1
    assert "DOS104" in done.stdout
    assert not (output / "json").exists()
