"""Hostile files in a dossier folder: each is refused with its place, nothing hangs or crashes.

The cases reproduce what a held-out hostile corpus found: FIFOs, links to devices and out of
the folder, deep nesting of folders and YAML, control characters, IDs with a final newline.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pydantic
import pytest

from cmc_dossier.diagnostics import Diagnostic
from cmc_dossier.validation import validate_folder

NARRATIVE = "kind: Narrative\nid: N-HOSTILE\nsection: 3.2.P.2.1\nfile: text.md\n"


def _codes(diagnostics: list[Diagnostic]) -> list[tuple[str, str]]:
    return [(d.code, str(d.location)) for d in diagnostics]


def _validate_in_child(root: Path) -> subprocess.CompletedProcess[str]:
    """`dossier validate` in a child with a time limit, so a hang fails the test, not the run."""
    return subprocess.run(
        [str(Path(sys.executable).with_name("dossier")), "validate", str(root)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_a_fifo_named_like_a_fact_file_is_refused_without_waiting(dossier_from) -> None:
    root = dossier_from()
    os.mkfifo(root / "x.yaml")
    result = _validate_in_child(root)
    assert result.returncode == 1
    assert "x.yaml: error DOS013" in result.stdout
    assert "named pipe" in result.stdout


def test_a_link_to_a_device_is_refused_without_reading_it(dossier_from) -> None:
    root = dossier_from()
    (root / "zero.yaml").symlink_to("/dev/zero")
    result = _validate_in_child(root)
    assert result.returncode == 1
    assert "zero.yaml: error DOS014" in result.stdout


def test_a_fact_file_linking_out_of_the_dossier_is_neither_loaded_nor_published(
    dossier_from, tmp_path: Path
) -> None:
    root = dossier_from()
    secret = tmp_path / "secret.yaml"
    secret.write_text(
        "kind: Organization\nid: ORG-SECRET\nname: Secret Partner\nrole: cdmo\ncountry: DE\n",
        encoding="utf-8",
    )
    (root / "partner.yaml").symlink_to(secret)
    result = validate_folder(root)
    assert ("DOS014", str(root / "partner.yaml")) in _codes(result.diagnostics)
    assert result.dossier is not None and "ORG-SECRET" not in result.dossier.index


def test_a_link_inside_the_dossier_is_followed(dossier_from) -> None:
    root = dossier_from(files={"real/text.md": "Plain prose.\n"})
    (root / "text.md").symlink_to(root / "real" / "text.md")
    (root / "narrative.yaml").write_text(NARRATIVE, encoding="utf-8")
    result = validate_folder(root)
    assert not result.errors, _codes(result.diagnostics)


def test_a_narrative_linking_out_of_the_dossier_is_not_read(dossier_from, tmp_path) -> None:
    root = dossier_from(files={"narrative.yaml": NARRATIVE})
    (tmp_path / "private.md").write_text("Confidential.\n", encoding="utf-8")
    (root / "text.md").symlink_to(tmp_path / "private.md")
    result = validate_folder(root)
    assert [d.code for d in result.errors] == ["DOS011"]
    assert result.dossier is not None and "N-HOSTILE" not in result.dossier.narrative_files


def test_a_fifo_narrative_is_refused_without_waiting(dossier_from) -> None:
    root = dossier_from(files={"narrative.yaml": NARRATIVE})
    os.mkfifo(root / "text.md")
    result = _validate_in_child(root)
    assert result.returncode == 1
    assert "error DOS011" in result.stdout


@pytest.mark.parametrize("folder", ["./", "sub", ".."])
def test_a_narrative_naming_a_folder_is_refused_at_its_line(dossier_from, folder) -> None:
    narrative = NARRATIVE.replace("file: text.md", f"file: '{folder}'")
    root = dossier_from(files={"narrative.yaml": narrative, "sub/x.md": "x\n"})
    result = validate_folder(root)
    assert _codes(result.errors) == [("DOS011", f"{root / 'narrative.yaml'}:4:7")]


def test_hundreds_of_nested_folders_end_in_a_diagnostic(dossier_from) -> None:
    root = dossier_from()
    descriptor = os.open(root, os.O_RDONLY)
    try:
        for _ in range(100):  # far past the limit; pytest cleans up with a recursive rmtree
            os.mkdir("d", dir_fd=descriptor)
            inner = os.open("d", os.O_RDONLY, dir_fd=descriptor)
            os.close(descriptor)
            descriptor = inner
    finally:
        os.close(descriptor)
    result = validate_folder(root)
    assert [d.code for d in result.errors] == ["DOS016"]


@pytest.mark.parametrize(
    "value",
    [
        "[" * 10_000 + "]" * 10_000,
        "\n  " + "- " * 10_000 + "x",
        "{a: " * 10_000 + "1" + "}" * 10_000,
        "[" * 40_000,  # unclosed: past the C composer's stack (it crashed the process)
        "{a: " * 40_000,
    ],
    ids=["flow-lists", "block-lists", "flow-mappings", "flow-lists-40k", "flow-mappings-40k"],
)
def test_ten_thousand_yaml_levels_end_in_a_diagnostic(dossier_from, value: str) -> None:
    root = dossier_from(files={"deep.yaml": "kind: CQA\nid: CQA-DEEP\ntitle: " + value + "\n"})
    result = validate_folder(root)
    assert [d.code for d in result.errors] == ["DOS018"]
    assert result.errors[0].location is not None and result.errors[0].location.line >= 3


def test_nul_in_a_fact_file_is_located_by_line_and_column(dossier_from) -> None:
    root = dossier_from(files={"nul.yaml": "kind: CQA\nid: CQA-NUL\ntitle: ab\x00cd\n"})
    result = validate_folder(root)
    assert _codes(result.errors) == [("DOS019", f"{root / 'nul.yaml'}:3:10")]
    assert "U+0000" in result.errors[0].message


@pytest.mark.parametrize("character", ["\x00", "\x1b", "\x7f", "\x9b"])
def test_control_characters_in_narrative_markdown_are_located(dossier_from, character: str) -> None:
    root = dossier_from(
        files={"narrative.yaml": NARRATIVE, "text.md": f"First line.\nSecond{character} line.\n"}
    )
    result = validate_folder(root)
    assert _codes(result.errors) == [("DOS019", f"{root / 'text.md'}:2:7")]


def test_ordinary_whitespace_is_not_a_control_character(dossier_from) -> None:
    root = dossier_from(
        files={"narrative.yaml": NARRATIVE, "text.md": "Tab\there.\r\nWindows line end.\n"}
    )
    assert not validate_folder(root).errors


@pytest.mark.parametrize(
    ("replace", "field"),
    [
        ({"id: ORG-S\n": 'id: "ORG-S\\n"\n'}, "id"),
        ({"country: GB\n": 'country: "GB\\n"\n'}, "country"),
    ],
)
def test_patterns_match_the_whole_value_not_up_to_a_final_newline(
    dossier_from, replace: dict[str, str], field: str
) -> None:
    root = dossier_from(replace=replace)
    result = validate_folder(root)
    assert any(d.code == "DOS104" and field in d.message for d in result.errors), _codes(
        result.diagnostics
    )


def test_an_id_with_a_final_newline_cannot_duplicate_another(dossier_from) -> None:
    root = dossier_from(
        files={
            "copy.yaml": 'kind: Organization\nid: "ORG-S\\n"\nname: Copy\nrole: cdmo\ncountry: DE\n'
        }
    )
    result = validate_folder(root)
    assert result.errors
    assert result.dossier is not None and "ORG-S\n" not in result.dossier.index


def _models() -> list[type[pydantic.BaseModel]]:
    import cmc_dossier.model as package

    found: list[type[pydantic.BaseModel]] = []
    pending = [pydantic.BaseModel]
    while pending:
        for model in pending.pop().__subclasses__():
            pending.append(model)
            if model.__module__.startswith(package.__name__):
                found.append(model)
    return found


def test_every_model_matches_patterns_against_the_whole_value() -> None:
    """python-re would let `$` match before a final newline; rust-regex anchors at the end."""
    patterned = [
        model
        for model in _models()
        if '"pattern"' in str(model.__pydantic_core_schema__).replace("'", '"')
    ]
    assert patterned
    for model in patterned:
        assert model.model_config.get("regex_engine", "rust-regex") == "rust-regex", model


@pytest.mark.parametrize(
    "written",
    ['"a\\0b"', '"x\\e]0;TITLE\\a"', '"\\x07"', '"\\N"', '"\\L"', "ab\u2028cd", "ab\x85cd"],
)
def test_a_control_character_typed_or_escaped_is_refused_at_its_value(
    dossier_from, written: str
) -> None:
    root = dossier_from(replace={"title: Assay\n": f"title: {written}\n"})
    line = (root / "facts.yaml").read_text(encoding="utf-8").split("\n").index("title: " + written)
    result = validate_folder(root)
    assert [d.code for d in result.errors] == ["DOS019"]
    assert result.errors[0].location.line == line + 1
