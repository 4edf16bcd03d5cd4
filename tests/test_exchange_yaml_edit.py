"""New values go into fact files as inserted text: every byte already written stays."""

from __future__ import annotations

from pathlib import Path

import pytest

from cmc_dossier.exchange.yaml_edit import FactFile, NotEditable, child, key_position
from cmc_dossier.loader import SourceFile, load_source

AWKWARD = ["NO", "1.10", "90", "# 5", "a: b", "≥ 70 %", "null", "1,910 pg/mL", " lead", "x\ny"]
AWKWARD += ["- 3", "[1]", "2026-01-05", "2026-01-05 10:00", "<<", "it's", "@home", "~", "90 %"]


def read(text: str) -> list[dict]:
    documents, problems = load_source(SourceFile(Path("f.yaml"), text))
    assert problems == []
    return [d.data for d in documents]


def added(text: str, fact_id: str, key: str, values: dict, order: list[str]) -> str:
    facts = FactFile(text)
    document = facts.document(fact_id)
    target = child(document, key)
    if target is None:
        facts.add_entries(document, {key: values}, key_position(document, key, order))
    else:
        facts.add_entries(target, values)
    new = facts.text()
    assert new.startswith(text[: text.index(fact_id)])  # nothing before the fact moved
    return new


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (  # block results, odd spacing kept (a round-trip re-emitter would normalise it)
            "id: B-1\nscale:   50 L\nresults:\n  T-A: Conforms   # by CoA\nnote: x\n",
            "id: B-1\nscale:   50 L\nresults:\n  T-A: Conforms   # by CoA\n  T-B: 90 %\nnote: x\n",
        ),
        (  # flow results
            "id: B-1\nresults: {T-A: Conforms}  # c\n",
            "id: B-1\nresults: {T-A: Conforms, T-B: 90 %}  # c\n",
        ),
        (  # results created in the model's order, after a block scalar, CRLF kept
            "id: B-1\nnote: |\r\n  text\r\n\r\nowner: X\r\n",
            "id: B-1\nnote: |\r\n  text\r\n\r\nresults:\r\n  T-B: 90 %\r\nowner: X\r\n",
        ),
        (  # no line break at the end of the file; 4-space nesting as found
            "id: B-1\nsite:\n    name: S\nresults:\n    T-A: x",
            "id: B-1\nsite:\n    name: S\nresults:\n    T-A: x\n    T-B: 90 %",
        ),
    ],
)
def test_values_are_inserted_in_the_style_found(text: str, expected: str) -> None:
    order = ["id", "scale", "site", "note", "results", "owner"]
    assert added(text, "B-1", "results", {"T-B": "90 %"}, order) == expected


@pytest.mark.parametrize("value", AWKWARD)
@pytest.mark.parametrize("style", ["results:\n  T-A: x\n", "results: {T-A: x}\n"])
def test_a_value_reads_back_exactly_as_given(value: str, style: str) -> None:
    new = added(f"id: B-1\n{style}", "B-1", "results", {"T-B": value}, ["id", "results"])
    assert read(new)[0]["results"] == {"T-A": "x", "T-B": value}


def test_stability_entries_follow_their_neighbours() -> None:
    text = (
        "id: S-1\n"
        "results:\n"
        "- batch: B-1\n"
        "  condition: c\n"
        "  time_point: 3 M\n"
        "  values:\n"
        "    T-A: '1'\n"
        "# next time points are pending\n"
    )
    facts = FactFile(text)
    results = child(facts.document("S-1"), "results")
    facts.add_entries(child(results.value[0], "values"), {"T-B": "2"})
    new_entry = {"batch": "B-1", "condition": "c", "time_point": "6 M", "values": {"T-A": "9"}}
    facts.append_items(results, [new_entry], flow_values=False)
    assert facts.text() == (
        "id: S-1\n"
        "results:\n"
        "- batch: B-1\n"
        "  condition: c\n"
        "  time_point: 3 M\n"
        "  values:\n"
        "    T-A: '1'\n"
        "    T-B: '2'\n"
        "- batch: B-1\n"
        "  condition: c\n"
        "  time_point: 6 M\n"
        "  values:\n"
        "    T-A: '9'\n"
        "# next time points are pending\n"
    )


def test_a_new_stability_list_and_a_flow_list() -> None:
    entry = {"batch": "B-1", "condition": "c", "time_point": "1 M", "values": {"T-A": "x"}}
    facts = FactFile("id: S-1\nowner: X\n")
    document = facts.document("S-1")
    facts.add_entries(document, {"results": [entry]}, 1)
    assert facts.text() == (
        "id: S-1\nresults:\n  - batch: B-1\n    condition: c\n    time_point: 1 M\n"
        "    values:\n      T-A: x\nowner: X\n"
    )
    facts = FactFile("id: S-1\nresults: [{batch: B-0, values: {}}]\n")
    facts.append_items(child(facts.document("S-1"), "results"), [entry], flow_values=True)
    assert read(facts.text())[0]["results"][1] == entry


def test_line_breaks_that_new_lines_cannot_match_are_refused() -> None:
    with pytest.raises(NotEditable):
        FactFile("id: B-1\rresults:\r  T-A: x\r")
