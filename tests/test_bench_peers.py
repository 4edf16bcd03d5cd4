"""The peers' corpora of the daily-loop benchmark carry the same facts as the dossier, and the
benchmark's one edit lands in the same fact in every corpus (else its ratios compare
different work). The peers themselves are not installed here: the benchmark does that."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from conftest import REPO

sys.path.insert(0, str(REPO / "benchmarks"))
from bench_peers import (  # the benchmark's own corpus writers
    EDIT,
    FIRST_FILE,
    edit,
    facts_of,
    sphinx_needs_corpus,
    strictdoc_corpus,
)
from generate import generate


@pytest.fixture(scope="module")
def corpora(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("peers")
    generate(work / "dossier", 200)
    facts = facts_of(work / "dossier")
    strictdoc_corpus(facts, work / "strictdoc")
    sphinx_needs_corpus(facts, work / "sphinx-needs")
    return work


def _ids(folder: Path, suffix: str, pattern: str) -> list[str]:
    return [
        match
        for path in sorted(folder.rglob(f"*{suffix}"))
        for match in re.findall(pattern, path.read_text(encoding="utf-8"), re.MULTILINE)
    ]


def test_every_fact_once_in_each_corpus(corpora: Path) -> None:
    facts = facts_of(corpora / "dossier")
    expected = sorted(fact.id for fact in facts)
    assert len(expected) == len(set(expected)) > 150
    assert sorted(_ids(corpora / "strictdoc", ".sdoc", r"^UID: (\S+)$")) == expected
    assert sorted(_ids(corpora / "sphinx-needs", ".rst", r"^   :id: (\S+)$")) == expected


def test_each_fact_keeps_its_yaml_and_references(corpora: Path) -> None:
    fact = next(f for f in facts_of(corpora / "dossier") if f.id == "SPEC-00000")
    assert "acceptance_criterion: ≤ 3.0 %" in fact.typed
    assert fact.parents == ["CQA-00000-0", "CQA-00000-1", "CQA-00000-2", "DP-1", "M-00000"]
    sdoc = (corpora / "strictdoc" / "area-000" / f"{FIRST_FILE}.sdoc").read_text("utf-8")
    rst = (corpora / "sphinx-needs" / "area-000" / f"{FIRST_FILE}.rst").read_text("utf-8")
    for line in fact.typed.split("\n"):
        assert f"    {line}".rstrip() in sdoc
        assert f"      {line}".rstrip() in rst
    assert "- TYPE: Parent\n  VALUE: M-00000\n" in sdoc
    assert "   :links: CQA-00000-0, CQA-00000-1, CQA-00000-2, DP-1, M-00000\n" in rst


def _owner(text: str, marker: str, id_pattern: str) -> str:
    """The ID of the last fact declared before the first occurrence of `marker`."""
    return re.findall(id_pattern, text[: text.index(marker)], re.MULTILINE)[-1]


def test_the_edit_changes_the_same_fact_everywhere(corpora: Path) -> None:
    files = {
        "dossier": (corpora / "dossier" / "area-000" / f"{FIRST_FILE}.yaml", r"^id: (\S+)$"),
        "strictdoc": (corpora / "strictdoc" / "area-000" / f"{FIRST_FILE}.sdoc", r"^UID: (\S+)$"),
        "sphinx-needs": (
            corpora / "sphinx-needs" / "area-000" / f"{FIRST_FILE}.rst",
            r"^   :id: (\S+)$",
        ),
    }
    owners = set()
    for path, pattern in files.values():
        before = path.read_text(encoding="utf-8")
        edit(path)
        after = path.read_text(encoding="utf-8")
        assert after.count(EDIT[1]) == before.count(EDIT[1]) + 1
        assert len(after) == len(before) + len(EDIT[1]) - len(EDIT[0])
        owners.add(_owner(after, EDIT[1], pattern))
    assert owners == {"SPEC-00000"}
