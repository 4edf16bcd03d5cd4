"""The example's documents, compared with golden Markdown a person has read section by section.

After an intended change, regenerate with UPDATE_GOLDEN=1, read the diff of tests/golden/
section by section, and commit it only once it reads right.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from build_helpers import build, committed_repo

GOLDEN = Path(__file__).resolve().parent / "golden"
DOCUMENTS = (
    "ind/module-3-quality.md",
    "impd/impd-quality.md",
    "qos/module-2-3-quality-overall-summary.md",
)


@pytest.fixture(scope="module")
def markdown_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo = committed_repo(tmp_path_factory.mktemp("golden") / "repo")
    done = build(repo, "--format", "md")
    assert done.returncode == 0, done.stdout + done.stderr
    return repo / "build"


@pytest.mark.parametrize("name", DOCUMENTS)
def test_example_markdown_matches_the_reviewed_golden_file(markdown_build: Path, name: str) -> None:
    built = (markdown_build / name).read_text(encoding="utf-8")
    golden = GOLDEN / name.replace("/", "-")
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(built, encoding="utf-8")
    assert built == golden.read_text(encoding="utf-8"), f"differs from {golden}"


def test_granular_documents_are_slices_of_the_combined_one(markdown_build: Path) -> None:
    combined = (markdown_build / "ind" / "module-3-quality.md").read_text(encoding="utf-8")
    granular = sorted((markdown_build / "ind" / "m3").rglob("*.md"))
    assert len(granular) == 76  # no 3.2.A.3 leaf: the example has no novel excipient
    for path in granular:
        body = path.read_text(encoding="utf-8").split("\n", 1)[1]  # below its own heading
        for paragraph in body.split("\n\n"):
            if paragraph.strip() and not paragraph.startswith(("#", ": Table")):
                assert paragraph.strip() in combined, (path.name, paragraph[:80])
