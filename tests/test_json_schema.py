"""The JSON Schema editors use accepts exactly what the loader accepts.

Documents are read as an editor reads them: a YAML 1.2 core-schema parser (ruamel.yaml, the
parser check-jsonschema uses), then validated with a real JSON Schema validator.
"""

from __future__ import annotations

import datetime
import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from conftest import MODALITIES, REPO
from jsonschema import Draft202012Validator
from ruamel.yaml import YAML

from cmc_dossier.schema import SCHEMA_FILE
from cmc_dossier.validation import validate_folder

SCHEMA = json.loads((REPO / "schemas" / SCHEMA_FILE).read_text(encoding="utf-8"))
VALIDATOR = Draft202012Validator(SCHEMA)
FOLDERS = [
    REPO / "dossier",
    *sorted(p for p in (REPO / "examples").glob("*") if p.is_dir()),
    *sorted(p for p in MODALITIES.iterdir() if p.is_dir()),
]


def _as_json(value: Any) -> Any:
    """What a YAML-to-JSON conversion keeps: JSON has no dates, so they become text."""
    if isinstance(value, dict):
        return {str(k): _as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_json(v) for v in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def editor_documents(text: str) -> list[Any]:
    yaml = YAML(typ="safe", pure=True)
    yaml.version = (1, 2)
    return [_as_json(document) for document in yaml.load_all(StringIO(text))]


def schema_errors(document: Any) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in VALIDATOR.iter_errors(document)]


def test_the_schema_is_a_valid_2020_12_schema() -> None:
    Draft202012Validator.check_schema(SCHEMA)


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda p: str(p.relative_to(REPO)))
def test_every_document_of_every_example_is_valid_against_the_schema(folder: Path) -> None:
    files = sorted(folder.rglob("*.yaml"))
    assert files
    count = 0
    for path in files:
        for index, document in enumerate(editor_documents(path.read_text(encoding="utf-8"))):
            assert schema_errors(document) == [], f"{path}, document {index + 1}"
            count += 1
    assert count >= len(files)


SMALL = (MODALITIES / "small-molecule" / "facts.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("old", "new", "valid"),
    [
        ("phase: 1\n", "phase: 1\n", True),  # unquoted: text to the loader, 1 to JSON
        ("phase: 1\n", "phase: '1/2'\n", True),
        ("phase: 1\n", "phase: 4\n", False),
        ("code: EX-101", "code: 101", True),  # a text field, unquoted
        ('version: "1.0"\n', "version: 1.10\n", True),
        ("title: Quality\n", "title: true\n", True),  # text as typed, whatever it looks like
        ("supplier: Commercial\n", "supplier: {to-be-provided: 2}\n", True),
        ("supplier: Commercial\n", "supplier: {to-be-provided: 2027-03}\n", True),
        ("supplier: Commercial\n", "supplier: {to-be-provided: 4}\n", False),
        ("supplier: Commercial\n", "supplier: {to-be-provided: '2', nots: x}\n", False),
        ("supplier: Commercial\n", "supplier: {not-applicable: Made in house}\n", True),
        ("sterile: false\n", 'sterile: "false"\n', False),  # a quoted flag is text
        ("status: qualified\n", "status: {to-be-provided: '2'}\n", True),
        ("criticality: critical\n", "criticality: NO\n", False),
    ],
)
def test_loader_and_schema_agree(dossier_from, old: str, new: str, valid: bool) -> None:
    root = dossier_from(replace={old: new})
    loaded = validate_folder(root)
    loader_ok = not any(d.code.startswith("DOS1") for d in loaded.diagnostics)
    documents = editor_documents((root / "facts.yaml").read_text(encoding="utf-8"))
    schema_ok = all(not schema_errors(document) for document in documents)
    assert (loader_ok, schema_ok) == (valid, valid)


@pytest.mark.parametrize(
    ("parameter", "valid"),
    [
        ("target: 5\n", True),
        ("target: '5'\n", False),  # the loader refuses quoted numbers
        ("target: 5\ntolerance: -1\n", False),
        ("target: 5\ntolerance: 0.5\n", True),
    ],
)
def test_numbers_are_numbers_in_both(dossier_from, parameter: str, valid: bool) -> None:
    text = (
        "kind: ProcessParameter\nid: PP-1\ntitle: T\nunit_operation: UO-1\ncriticality: key\n"
        f"{parameter}justification: J\n"
    )
    root = dossier_from(files={"p.yaml": text})
    loader_ok = not any(d.code.startswith("DOS1") for d in validate_folder(root).diagnostics)
    schema_ok = not schema_errors(editor_documents(text)[0])
    assert (loader_ok, schema_ok) == (valid, valid)
