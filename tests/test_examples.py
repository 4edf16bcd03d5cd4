"""The worked examples under examples/ validate clean and build the IND and the IMPD.

Diagnostics of information severity (stated unknowns expected at a later phase) are allowed;
errors and warnings are not, unless listed here as deliberate with the reason.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from conftest import REPO, run_cli

from cmc_dossier.checks.regional import regional_terms
from cmc_dossier.diagnostics import Severity
from cmc_dossier.model.product import Manifest
from cmc_dossier.render.text import escape, term
from cmc_dossier.validation import validate_folder

EXAMPLES = sorted(p for p in (REPO / "examples").iterdir() if p.is_dir())
DELIBERATE_WARNINGS: dict[str, set[str]] = {}  # example name -> codes, each with its reason

PRODUCTS = {
    "aav-gene-therapy": ("viral-vector-gene-therapy", "aav", "1/2"),
    "small-molecule-tablet": ("small-molecule", None, "2"),
}


def test_the_examples_are_the_products_the_readme_describes() -> None:
    assert [p.name for p in EXAMPLES] == sorted(PRODUCTS)
    for example in EXAMPLES:
        manifest = validate_folder(example).dossier.manifest
        assert isinstance(manifest, Manifest)
        shown = (manifest.modality, manifest.viral_vector, manifest.phase)
        assert shown == PRODUCTS[example.name]
        assert manifest.contexts == ["us-ind", "eu-cta"]


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_example_validates_with_no_errors_and_no_unlisted_warnings(example: Path) -> None:
    result = validate_folder(example)
    serious = [
        (d.code, str(d.location))
        for d in result.diagnostics
        if d.severity in (Severity.ERROR, Severity.WARNING)
        and d.code not in DELIBERATE_WARNINGS.get(example.name, set())
    ]
    assert serious == []
    assert len(result.dossier.facts) > 80


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_example_builds_ind_and_impd_markdown_without_gaps(example: Path, tmp_path: Path) -> None:
    done = run_cli("build", str(example), "--output", str(tmp_path), "--format", "md")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "DOS401" not in done.stdout + done.stderr  # every section has content or a status
    ind = tmp_path / "ind" / "module-3-quality.md"
    impd = tmp_path / "impd" / "impd-quality.md"
    manifest = validate_folder(example).dossier.manifest
    code = manifest.product.code
    # the IMPD's part S is titled by the EU guideline of the product type
    substance = "Drug substance" if manifest.modality == "small-molecule" else "Active substance"
    for document, first_heading in ((ind, "# 3.2 Body of Data"), (impd, f"# S {substance}")):
        text = document.read_text(encoding="utf-8")
        assert text.startswith("::: {#document-control}")  # the cover's table first
        assert text.split("\n:::\n\n", 1)[1].startswith(first_heading)
        assert code in text
        assert "No information has been entered" not in text


def _fact_strings(folder: Path) -> list[str]:
    """Every piece of text typed in the dossier's YAML, split where the build rewrites it
    (fact references, line breaks), escaped as documents show it."""
    pieces: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
        elif isinstance(node, str):
            for piece in re.split(r"\[\[[^\]]*\]\]|\n", node):
                if piece.strip():
                    # mid-line text: no line-start guard; a controlled value shows as its term
                    pieces.append(escape("x" + piece.strip())[1:])
                    pieces.append(escape("x" + term(piece.strip()))[1:])

    for path in sorted(folder.rglob("*.yaml")) + sorted(folder.rglob("*.md")):
        if path.suffix == ".md":
            walk(path.read_text(encoding="utf-8"))
            continue
        for document in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            walk(document)
    return pieces


@pytest.mark.parametrize("example", [*EXAMPLES, REPO / "dossier"], ids=lambda p: p.name)
def test_impd_has_no_us_only_phrase_of_its_own(example: Path, tmp_path: Path) -> None:
    """US-only terms (data/regional-terms.yaml) appear in the IMPD only inside text the user
    typed; nothing the templates or data generate names a US rule or authority."""
    done = run_cli("build", str(example), "--output", str(tmp_path), "--format", "md", "-t", "impd")
    assert done.returncode == 0, done.stdout + done.stderr
    terms = [term.pattern.pattern for term in regional_terms() if term.region == "us"]
    pattern = re.compile("|".join(f"(?:{t})" for t in terms))
    typed = _fact_strings(example)
    impd = (tmp_path / "impd" / "impd-quality.md").read_text(encoding="utf-8")
    generated = []
    for line in impd.splitlines():
        covered = [False] * len(line)
        for piece in typed:
            if pattern.search(piece):
                for found in re.finditer(re.escape(piece), line):
                    covered[found.start() : found.end()] = [True] * len(piece)
        generated += [
            (m.group(), line[:120]) for m in pattern.finditer(line) if not covered[m.start()]
        ]
    assert generated == []
