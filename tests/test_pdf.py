"""PDF leaves, checked as a reviewer would: pages rendered to PNG for people to look at
(build/test-output/pdf/), and layout facts read from the PDF itself."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest
from build_helpers import build, build_counts, committed_repo, git, snapshot
from conftest import REPO

from cmc_dossier.publish import pdf

pytestmark = pytest.mark.skipif(not pdf.available(), reason="LibreOffice not installed")
OUTPUT = Path(__file__).resolve().parent.parent / "build" / "test-output" / "pdf"
COMBINED = ("ind/module-3-quality", "impd/impd-quality")


# The worked example and both examples: each built once, its published tree shared by tests.
DOSSIERS = ("dossier", "examples/aav-gene-therapy", "examples/small-molecule-tablet")
_BUILT: dict[str, Path] = {}


def _built(name: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    if name not in _BUILT:
        repo = committed_repo(tmp_path_factory.mktemp("pdf") / Path(name).name, REPO / name)
        done = build(repo, "--format", "all")  # every format: the same as pdf
        assert done.returncode == 0, done.stdout + done.stderr
        _BUILT[name] = repo
    return _BUILT[name]


@pytest.fixture(scope="module")
def pdf_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The worked example, for the rebuild and reproducibility checks."""
    return _built("dossier", tmp_path_factory)


@pytest.fixture(scope="module", params=DOSSIERS, ids=lambda name: Path(name).name)
def each_build(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Each example in turn, for the page and layout checks of both documents."""
    return _built(request.param, tmp_path_factory)


def _words(path: Path, page: int) -> list[tuple[float, float, float, float, str]]:
    html = subprocess.run(
        ["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [
        (float(a), float(b), float(c), float(d), w)
        for a, b, c, d, w in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>',
            html,
        )
    ]


def test_every_document_has_a_pdf_with_embedded_fonts_and_bookmarks(each_build: Path) -> None:
    documents = sorted((each_build / "build").rglob("*.md"))
    assert len(documents) > 50
    for markdown in documents:
        leaf = markdown.with_suffix(".pdf")
        assert leaf.is_file(), leaf
        fonts = subprocess.run(["pdffonts", str(leaf)], capture_output=True, text=True).stdout
        rows = fonts.splitlines()[2:]
        assert rows and all(row.split()[-5] == "yes" for row in rows), fonts
        with pikepdf.open(leaf) as document:
            assert "1.4" <= document.pdf_version <= "1.7"
            with document.open_outline() as outline:
                assert outline.root, f"{leaf} has no bookmarks"


def test_in_the_ectd_tree_the_pdf_is_the_leaf(pdf_build: Path) -> None:
    """Granular leaves are PDF only; the combined documents keep their DOCX for editing."""
    output = pdf_build / "build"
    assert not list((output / "ind" / "m3").rglob("*.docx"))
    assert len(list((output / "ind" / "m3").rglob("*.pdf"))) > 50
    for name in COMBINED:
        assert (output / f"{name}.docx").is_file() and (output / f"{name}.pdf").is_file()


def test_rebuilds_reuse_leaf_pdfs_without_their_docx(pdf_build: Path, tmp_path: Path) -> None:
    """Nothing changed: no pandoc, no LibreOffice, each reused file counted once. One fact
    changed (in a working tree, so the stamp stays): only the documents that show it are made
    again, leaves stay PDF only."""
    repo = tmp_path / "repo"
    shutil.copytree(pdf_build, repo, symlinks=True)
    before = snapshot(repo / "build")
    done = build(repo, "--format", "pdf")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "pandoc runs: 0, PDF conversions: 0" in done.stdout
    assert snapshot(repo / "build") == before  # a -f all build is a -f pdf build
    kept = [name for name in before if name.endswith((".docx", ".pdf"))]
    assert f"reused unchanged: {len(kept)}" in done.stdout  # each file once
    process = repo / "dossier" / "drug-product" / "product.yaml"
    text = process.read_text(encoding="utf-8")
    process.write_text(text + "# edited\n", encoding="utf-8")
    assert build(repo, "--format", "pdf", "--target", "ind").returncode == 0
    process.write_text(
        text.replace("sterile tube welder", "sterile tube welder and sealer"), encoding="utf-8"
    )
    done = build(repo, "--format", "pdf", "--target", "ind")
    assert done.returncode == 0, done.stdout + done.stderr
    runs = re.search(r"pandoc runs: (\d+), PDF conversions: (\d+)", done.stdout)
    assert runs and 0 < int(runs[2]) == int(runs[1]) < 5, done.stdout
    after = snapshot(repo / "build")
    assert not [name for name in after if name.startswith("ind/m3/") and name.endswith(".docx")]
    assert [name for name in after if name.endswith(".pdf")] == [
        name for name in before if name.endswith(".pdf")
    ]


def test_toc_is_filled_down_to_specification_and_bookmarks_follow_headings(
    each_build: Path,
) -> None:
    for name, heading in (
        ("ind/module-3-quality", "3.2.S.4.1 Specification"),
        ("impd/impd-quality", "S.4.1 Specification"),
    ):
        path = each_build / "build" / f"{name}.pdf"
        text = subprocess.run(
            ["pdftotext", "-l", "3", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert re.search(re.escape(heading) + r"\.{5,}\s*\d+", text), name
        # each level of the table of contents sits further right than the one above it
        number = heading.split()[0]
        levels = [number.rsplit(".", 2)[0], number.rsplit(".", 1)[0], number]
        words = [w for page in (1, 2, 3) for w in _words(path, page)]
        starts = [next(x for x, _, _, _, word in words if word == level) for level in levels]
        assert starts[0] < starts[1] < starts[2], (name, starts)
        # one table of contents: the updated index replaced the pre-filled entries
        whole = subprocess.run(
            ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert len(re.findall("^" + re.escape(heading) + r"\.{5,}", whole, re.M)) == 1
        assert len(re.findall("^" + re.escape(heading) + "$", whole, re.M)) == 1, name
        with pikepdf.open(path) as document, document.open_outline() as outline:
            titles = []
            stack = list(outline.root)
            while stack:
                item = stack.pop()
                titles.append(item.title)
                stack.extend(item.children)
            assert heading in titles


def test_links_point_to_existing_destinations(each_build: Path) -> None:
    for name in COMBINED:
        with pikepdf.open(each_build / "build" / f"{name}.pdf") as document:
            names = set()
            if "/Dests" in document.Root.get("/Names", {}):
                tree = pikepdf.NameTree(document.Root.Names.Dests)
                names = set(tree.keys())
            links = 0
            for page in document.pages:
                for annotation in page.get("/Annots", []):
                    if annotation.get("/Subtype") != "/Link":
                        continue
                    action = annotation.get("/A")
                    destination = annotation.get("/Dest")
                    if action is not None and action.get("/S") == "/GoTo":
                        destination = action.get("/D")
                    if destination is None:
                        continue
                    links += 1
                    if isinstance(destination, (pikepdf.String, pikepdf.Name)):
                        assert str(destination).lstrip("/") in names, destination
                    else:
                        assert destination[0].objgen in {p.objgen for p in document.pages}
            assert links > 20, name


def test_no_table_wider_than_the_page_and_no_word_broken(each_build: Path) -> None:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    for name in COMBINED:
        path = each_build / "build" / f"{name}.pdf"
        with pikepdf.open(path) as document:
            sizes = [(float(p.mediabox[2]), float(p.mediabox[3])) for p in document.pages]
        for page, (width, _) in enumerate(sizes, 1):
            words = _words(path, page)
            assert all(x_max <= width - 30 for _, _, x_max, _, _ in words), (name, page)
        # words typed in the example's table headers come out whole
        text = subprocess.run(
            ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
        for word in ("Criticality", "Justification", "Acceptance", "Responsibilities"):
            assert word in text, (name, word)
        stem = OUTPUT / f"{each_build.name}-{name.replace('/', '-')}"
        subprocess.run(
            ["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "8", str(path), str(stem)], check=True
        )
    assert len(list(OUTPUT.glob("*.png"))) >= 8


def test_two_builds_of_one_commit_give_identical_docx_and_pdf(
    pdf_build: Path, tmp_path: Path
) -> None:
    again = tmp_path / "again"
    shutil.copytree(pdf_build, again, ignore=shutil.ignore_patterns("build"))
    done = build(again, "--format", "pdf")
    assert done.returncode == 0, done.stdout
    # what a reader sees through the published links (generation folders are named anew)
    first, second = snapshot(pdf_build / "build"), snapshot(again / "build")
    published = {name for name in first if name.endswith((".docx", ".pdf"))}
    assert published and any(name.endswith(".pdf") for name in published)
    assert len(published) > 50
    assert {name: first[name] for name in published} == {
        name: second.get(name) for name in published
    }


def test_a_new_commit_restamps_pdfs_without_libreoffice(pdf_build: Path, tmp_path: Path) -> None:
    """No content change: no pandoc, no LibreOffice. The commit is in each PDF's document
    information (a secondary identifier), never on its pages, which show the version."""
    repo = tmp_path / "repo"
    shutil.copytree(pdf_build, repo, symlinks=True)
    git(repo, "commit", "-q", "--allow-empty", "-m", "No change", when="2026-11-20T16:00:00Z")
    commit = git(repo, "rev-parse", "--short=12", "HEAD")
    done = build(repo, "--format", "pdf")
    assert done.returncode == 0, done.stdout + done.stderr
    published = [name for name in snapshot(repo / "build") if name.endswith((".docx", ".pdf"))]
    assert build_counts(done.stdout) == {
        "pandoc": 0,
        "pdf": 0,
        "reused": 0,
        "restamped": len(published),
    }
    for name in COMBINED:
        path = repo / "build" / f"{name}.pdf"
        with pikepdf.open(path) as document:
            assert str(document.docinfo["/Commit"]) == commit
            assert str(document.docinfo["/ModDate"]) == "D:20261120160000Z"
        text = subprocess.run(
            ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert commit not in text and "| Commit" not in text
        assert re.search(r"Version \S+\s+Page 1 of \d+", text), text[:2000]
