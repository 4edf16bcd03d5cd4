"""The strict YAML reader: what it keeps as typed and what it refuses, with positions."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from cmc_dossier.loader import SourceFile, load_source
from cmc_dossier.loader.strict_yaml import decode
from cmc_dossier.scalars import PlainScalar


def load(text: str):
    return load_source(SourceFile(Path("f.yaml"), text))


@pytest.mark.parametrize(
    "typed",
    ["NO", "no", "on", "Yes", "off", "1:20", "0755", "2024-03-05", "1.10", "1e3", "0x1F", ".inf"],
)
def test_yaml_11_surprises_stay_exactly_as_typed(typed: str) -> None:
    documents, diagnostics = load(f"value: {typed}\n")
    assert diagnostics == []
    value = documents[0].data["value"]
    assert value == typed
    assert isinstance(value, PlainScalar)


def test_quoted_scalars_are_plain_text_not_candidates_for_numbers() -> None:
    documents, _ = load("a: '1.10'\nb: \"5\"\n")
    assert documents[0].data == {"a": "1.10", "b": "5"}
    assert not isinstance(documents[0].data["a"], PlainScalar)


def test_null_words_and_empty_values_are_none() -> None:
    documents, _ = load("a: ~\nb:\nc: null\nd: NULL\ne: None\n")
    assert documents[0].data == {"a": None, "b": None, "c": None, "d": None, "e": "None"}


def test_duplicate_key_names_both_lines() -> None:
    _, diagnostics = load("kind: CQA\nid: A\ntitle: x\nid: B\n")
    [duplicate] = diagnostics
    assert duplicate.code == "DOS006"
    assert (duplicate.location.line, duplicate.location.column) == (4, 1)
    assert duplicate.related[0].line == 2
    assert "line 2" in duplicate.message


def test_alias_bomb_is_refused_in_milliseconds() -> None:
    levels = ["a: &a ['lol','lol','lol','lol','lol','lol','lol','lol','lol']"]
    for i in range(1, 21):
        name, previous = f"l{i}", "a" if i == 1 else f"l{i - 1}"
        levels.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    started = time.perf_counter()
    documents, diagnostics = load("\n".join(levels) + "\n")
    elapsed = time.perf_counter() - started
    assert documents == []
    assert [d.code for d in diagnostics] == ["DOS007"]
    assert diagnostics[0].location.line == 2
    assert elapsed < 0.5  # generous: refused before anything walks the expansion


def test_ampersand_and_asterisk_in_text_are_not_aliases() -> None:
    documents, diagnostics = load("title: R&D * note\nunit: '*'\nx: CD3*\n")
    assert diagnostics == []
    assert documents[0].data["title"] == "R&D * note"


@pytest.mark.parametrize(
    "text",
    [
        "a: !!python/object:os.system x\n",
        "a: !!int 5\n",
        "a: !custom [1]\n",
        "a: !!str 30\n",  # composed, it is the plain 30 a number field would take
        "a: ! 30\n",
        "a: {b: !!map {}}\n",
    ],
)
def test_explicit_tags_are_refused(text: str) -> None:
    _, diagnostics = load(text)
    assert [d.code for d in diagnostics] == ["DOS008"]
    assert diagnostics[0].location.line == 1


def test_bom_non_utf8_and_utf16_are_refused_with_position() -> None:
    assert decode(Path("f"), b"\xef\xbb\xbfa: 1\n")[1][0].code == "DOS002"
    assert decode(Path("f"), b"\xff\xfea\x00")[1][0].code == "DOS001"
    text, [problem] = decode(Path("f"), b"a: 1\nb: caf\xe9\n")
    assert text is None
    assert (problem.code, problem.location.line, problem.location.column) == ("DOS001", 2, 7)


def test_invisible_characters_are_warned_once_at_their_position_and_kept() -> None:
    text, [problem] = decode(Path("f"), "a: 1\nb: \u2264 \u202e0.51\u202c %\n".encode())
    assert (problem.code, problem.location.line, problem.location.column) == ("DOS020", 2, 6)
    assert "U+202E (right-to-left override)" in problem.message
    assert text is not None and "\u202e0.51\u202c" in text  # kept as typed, only warned
    [document], [escaped] = load('a: "x\\u200by"\n')
    assert escaped.code == "DOS020" and document.data["a"] == "x\u200by"
    assert decode(Path("f"), "a: \u0645\u200c\u0646 \U0001f469\u200d\U0001f52c\n".encode())[1] == []


def test_tab_indentation_gets_its_own_message() -> None:
    _, [problem] = load("a:\n\tb: 1\n")
    assert (problem.code, problem.location.line) == ("DOS003", 2)


def test_tab_inside_a_value_is_content() -> None:
    documents, diagnostics = load("a: 'x\ty'\n")
    assert diagnostics == [] and documents[0].data["a"] == "x\ty"


def test_syntax_error_has_position_and_reason() -> None:
    _, [problem] = load("a: [1, 2\nb: 3\n")
    assert problem.code == "DOS004"
    assert problem.location.line >= 1 and "flow sequence" in problem.message


@pytest.mark.parametrize("text", ["", "# only a comment\n", "---\n"])
def test_empty_files_are_reported(text: str) -> None:
    documents, diagnostics = load(text)
    assert documents == [] and [d.code for d in diagnostics] == ["DOS005"]


def test_non_mapping_document_and_non_scalar_key() -> None:
    assert [d.code for d in load("- a\n")[1]] == ["DOS010"]
    assert [d.code for d in load("? [a, b]\n: 1\n")[1]] == ["DOS010"]


def test_every_value_can_be_located_lazily() -> None:
    [document], _ = load("kind: Specification\ntests:\n  - id: T-1\n    method: M-X\n")
    assert document.locate(("tests", 0, "method")).line == 4
    assert document.locate(("tests", 0, "method")).column == 13
    assert document.locate(("tests", 0, "method"), key=True).column == 5
    assert document.locate(("tests", 0, "absent")).line == 3  # nearest existing ancestor


def test_multiple_documents_keep_their_own_positions() -> None:
    documents, _ = load("kind: A\nid: X\n---\nkind: B\nid: Y\n---\n")
    assert [d.data["id"] for d in documents] == ["X", "Y"]
    assert documents[1].locate(("id",)).line == 5


def test_position_inside_block_scalar_prose() -> None:
    text = "kind: CQA\nrationale: |\n  first line\n  see [[X-1]] here\n"
    [document], _ = load(text)
    value = document.data["rationale"]
    where = document.locate_in_text(("rationale",), value, value.index("[[X-1]]"))
    assert (where.line, where.column) == (4, 7)
