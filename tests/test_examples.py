"""The worked examples under examples/ validate clean and build the IND and the IMPD.

Diagnostics of information severity (stated unknowns expected at a later phase) are allowed;
errors and warnings are not, unless listed here as deliberate with the reason.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import REPO, run_cli

from cmc_dossier.diagnostics import Severity
from cmc_dossier.model.product import Manifest
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
        assert text.startswith(first_heading)
        assert code in text
        assert "No information has been entered" not in text
