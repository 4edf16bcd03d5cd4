"""Review pages that grow with the dossier are cut into pages sized for a reader: every
item is on exactly one page, every link still resolves, an edit changes one page, and an
incremental build of split pages equals a full build byte for byte."""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import pytest
from build_helpers import snapshot
from conftest import REPO
from test_site import build_site, site_repo
from test_site_scale import _broken_links, _html_times, _listed, _resolve

from cmc_dossier.site.pages import site_for
from cmc_dossier.site.split import PAGE_BUDGET, pieces, split_page

sys.path.insert(0, str(REPO / "benchmarks"))
from generate import generate  # the benchmarks' synthetic dossiers

# A fact page holds at most 100 blocks (a fact or one of its identified items): about
# 0.1 MB of Markdown at 10,000 facts. Every other page is split at PAGE_BUDGET.
FACT_PAGE_LIMIT = 100_000
RELATIVE = re.compile(r"(?<!\\)\]\((?![a-z][a-z0-9+.-]*:|#)([^)#\s]+\.md)(?:#[^)\s]*)?\)")


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("split") / "dossier"
    generate(root, 1000)  # the QOS, 3.2.P.3.3, traceability and responsibilities outgrow a page
    return root


def _body(rows: int) -> str:
    """A section body of captioned tables, one of them longer than a page."""
    blocks = []
    for number in range(1, 60):
        lines = [f"*Table 3.2.P.5.1-{number}. Specification {number:05d}*", "",
                 "| Test | Criterion |", "|---|---|"]  # fmt: skip
        lines += [f"| Test {i} of {number} | ≤ {i}.0 % |" for i in range(5)]
        blocks.append("\n".join(lines) + "\n\nSee [3.2.P.5.6](../ind/3-2-p-5-6.md).")
    long = ["*Table 3.2.P.5.4-1. Batches*", "", "| Batch | Site |", "|---|---|"]
    long += [f"| LOT-{i:05d} | [Plant](../facts/site.md#SITE-1) |" for i in range(rows)]
    return "\n\n".join([*blocks, "\n".join(long), *blocks[:3]])


def test_every_line_is_on_one_page_and_a_long_table_repeats_its_header() -> None:
    body = _body(4000)
    cut = pieces(body)
    assert len(cut) > 3
    assert all(piece.size <= PAGE_BUDGET for piece in cut)
    shown = [line for piece in cut for line in piece.markdown.split("\n")]
    repeated = {"| Batch | Site |", "|---|---|", "*Table 3.2.P.5.4-1. Batches (continued)*"}
    assert [line for line in shown if line.strip() and line not in repeated] == [
        line for line in body.split("\n") if line.strip() and line not in repeated
    ]
    continued = [p for p in cut if p.markdown.startswith("*Table 3.2.P.5.4-1. Batches (cont")]
    assert continued
    for piece in continued:
        assert piece.markdown.split("\n")[2:4] == ["| Batch | Site |", "|---|---|"]
        assert piece.span.startswith("Batches from LOT-")
    # A page starts at an item (a caption), never between a caption and its table.
    for piece in cut:
        first = piece.markdown.split("\n")[0]
        assert first.startswith("*Table ") or first.startswith("|"), first


def test_an_edited_row_changes_one_page_and_no_page_names() -> None:
    body = _body(4000)
    edited = body.replace("| Test 2 of 17 | ≤ 2.0 % |", "| Test 2 of 17 | ≤ 2.5 % |")
    assert edited != body
    before = split_page("ind/3-2-p-5-1.md", "# 3.2.P.5.1 Specification(s)", body)
    after = split_page("ind/3-2-p-5-1.md", "# 3.2.P.5.1 Specification(s)", edited)
    assert before.keys() == after.keys() and len(before) > 3
    changed = [page for page in before if before[page] != after[page]]
    assert len(changed) == 1 and "≤ 2.5 %" in after[changed[0]]
    # Links are rebased for the folder the pages are in, and the index links to each.
    index = before["ind/3-2-p-5-1.md"]
    for page, text in before.items():
        if page != "ind/3-2-p-5-1.md":
            assert f"]({page.removeprefix('ind/')})" in index
            assert "](../ind/" not in text and "](../facts/" not in text
            assert "](../../ind/3-2-p-5-6.md)" in text or "](../../facts/site.md#" in text


def test_a_page_that_fits_is_left_whole() -> None:
    assert split_page("x.md", "# X", "Body.", "Tail.") == {"x.md": "# X\n\nBody.\n\nTail.\n"}


def test_pages_growing_with_the_dossier_are_split_and_every_link_resolves(
    synthetic: Path,
) -> None:
    site = site_for(synthetic)
    sizes = {page: len(text.encode("utf-8")) for page, text in site.pages.items()}
    assert max(size for page, size in sizes.items() if not page.startswith("facts/")) <= (
        PAGE_BUDGET
    )
    assert max(sizes.values()) <= FACT_PAGE_LIMIT
    listed = _listed(site.nav)
    for index, folder in (
        ("ind/3-2-p-3-3.md", "ind/3-2-p-3-3/"),
        ("qos/index.md", "qos/"),
        ("traceability.md", "traceability/"),
        ("responsibilities.md", "responsibilities/"),
    ):
        parts = [page for page in site.pages if page.startswith(folder) and page != index]
        assert len(parts) > 1, index
        assert index in listed and not listed & set(parts)  # the index only is navigated
        for page in parts:
            assert f"]({_relative_to(index, page)})" in site.pages[index], page
    first_process = site.pages["ind/3-2-p-3-3/unit-operations-of-process-00000.md"]
    assert first_process.startswith("# 3\\.2\\.P\\.3\\.3 Description of Manufacturing")
    assert "*Table 3.2.P.3.3-1. Unit operations of Process 00000*" in first_process
    assert _broken_links(site) == []
    missing = [
        f"{page}: {target}"
        for page, text in site.pages.items()
        for target in RELATIVE.findall(text)
        if _resolve(page, target) not in site.pages
    ]
    assert missing == []


def _relative_to(index: str, page: str) -> str:
    folder = index.rsplit("/", 1)[0] + "/" if "/" in index else ""
    return page.removeprefix(folder)


def test_an_edit_rebuilds_only_the_split_page_showing_it_and_equals_a_full_build(
    synthetic: Path, tmp_path: Path
) -> None:
    repo = site_repo(tmp_path / "repo", synthetic)
    site = build_site(repo)
    first = snapshot(site)
    written = _html_times(site)
    facts = next((repo / "dossier").rglob("facts-000000.yaml"))
    text = facts.read_text(encoding="utf-8")
    facts.write_text(text.replace("≤ 3.0 %", "≤ 3.5 %", 1), encoding="utf-8")
    build_site(repo)
    second = snapshot(site)
    rewritten = {page for page, time in _html_times(site).items() if written[page] != time}
    assert rewritten == {page for page in rewritten if first.get(page) != second[page]}
    split_rewritten = {page for page in rewritten if page.startswith(("qos/", "ind/3-2-p-3-3/"))}
    assert split_rewritten and "qos/index.html" not in rewritten
    assert len(rewritten) < 20
    shutil.rmtree(repo / "build")
    assert snapshot(build_site(repo)) == second


def test_links_are_rebased_after_any_label_and_never_inside_escaped_text() -> None:
    """A label ending in an escaped backslash still ends its link; text that reads like a
    link (escaped by the renderer) is left alone."""
    rows = [
        f"| [Lot {i}\\\\](../facts/batch.md#B-{i}) | \\[x\\](../not-a-link.md) |"
        for i in range(3000)
    ]
    body = "*Table 1-1. Batches*\n\n| Batch | Note |\n|---|---|\n" + "\n".join(rows)
    pages = split_page("batches.md", "# Batches", body)
    assert len(pages) > 2
    for page, text in pages.items():
        if page != "batches.md":
            assert "\\\\](../../facts/batch.md#B-" in text
            assert "](../facts/" not in text and "\\](../not-a-link.md)" in text
