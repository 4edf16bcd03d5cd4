"""The review site in a real browser: Debian's Chromium driven by Playwright, served locally."""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from build_helpers import committed_repo, git
from conftest import REPO, run_cli
from playwright.sync_api import Browser, Page, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeout

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = REPO / "build" / "test-output" / "screenshots"


def site_repo(target: Path, dossier: Path = REPO / "dossier") -> Path:
    repo = committed_repo(target, dossier)
    shutil.copy(REPO / "mkdocs.yml", repo / "mkdocs.yml")
    git(repo, "add", "mkdocs.yml")
    git(repo, "commit", "-q", "-m", "Site configuration")
    return repo


def build_site(repo: Path, config: str | None = "mkdocs.yml") -> Path:
    done = run_cli("site", "dossier", *(["--config", config] if config else []), cwd=repo)
    assert done.returncode == 0, done.stdout + done.stderr
    return repo / "build" / "site"


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        return None


@contextlib.contextmanager
def _serving(root: Path) -> Iterator[str]:
    """The built site on a loopback HTTP server; its base URL."""
    handler = functools.partial(_Quiet, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    repo = site_repo(tmp_path_factory.mktemp("site") / "repo")
    with _serving(build_site(repo)) as base:
        yield base, repo


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    # Never skipped: `make test` installs Chromium, and a missing browser must fail CI.
    assert CHROMIUM.exists(), "Chromium is missing: run `make test`, which installs it"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--disable-background-networking", "--disable-component-update"],
        )
        yield launched
        launched.close()


class Watched:
    """A page that records every request, console error and page error."""

    def __init__(self, page: Page, base: str) -> None:
        self.page, self.base = page, base
        self.external: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        page.on("request", self._request)
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on("dialog", self._dialog)

    def _request(self, request) -> None:  # type: ignore[no-untyped-def]
        if not request.url.startswith((self.base, "data:", "blob:")):
            self.external.append(request.url)

    def _dialog(self, dialog) -> None:  # type: ignore[no-untyped-def]
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def open(self, path: str) -> Page:
        self.page.goto(self.base + path)
        self.page.wait_for_load_state("networkidle")
        return self.page

    def assert_clean(self) -> None:
        assert self.external == [], f"requests left the site: {self.external}"
        assert self.errors == [], f"console errors: {self.errors}"
        assert self.dialogs == []


@pytest.fixture
def visit(browser: Browser, served: tuple[str, Path]) -> Iterator[Watched]:
    base, _ = served
    context = browser.new_context(viewport={"width": 1300, "height": 900})
    watched = Watched(context.new_page(), base)
    yield watched
    watched.assert_clean()
    context.close()


def heading(page: Page) -> str:
    """The page's h1 without the permalink sign."""
    return page.inner_text("h1").removesuffix("¶").strip()


def test_home_page_names_the_product_phase_contexts_commit_and_status(visit, served) -> None:
    _, repo = served
    page = visit.open("")
    text = page.inner_text("article")
    assert "VRD-019 (autologous anti-CD19 CAR-T cells)" in text
    assert "Development phase: 1" in text and "Regulatory contexts: US IND, EU CTA" in text
    assert f"Built from commit: {git(repo, 'rev-parse', 'HEAD')[:12]}" in text
    assert "Validation: 0 errors, 0 warnings" in text
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "home.png"), full_page=True)


def test_navigation_between_ctd_sections_and_targets(visit) -> None:
    page = visit.open("ind/3-2-p-5-1/")
    assert heading(page) == "3.2.P.5.1 Specification(s)"
    page.click("a.md-footer__link--next")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/ind/3-2-p-5-2/")
    assert heading(page) == "3.2.P.5.2 Analytical Procedures"
    page.click("nav.md-tabs >> text=EU IMPD Quality")
    page.wait_for_load_state("networkidle")
    assert heading(page) == "S Active substance"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    visit.open("ind/3-2-p-5-1/").screenshot(path=str(SCREENSHOTS / "specification.png"))


def test_quality_overall_summary_tab_links_to_module_3(visit) -> None:
    page = visit.open("")
    page.click("nav.md-tabs >> text=Module 2.3 QOS")
    page.wait_for_load_state("networkidle")
    assert heading(page) == "2.3 Quality Overall Summary"
    assert page.locator("article h3", has_text="2.3.P.5 Control of Drug Product").count() == 1
    page.click("article >> text=3.2.P.5.1 Specification(s)")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/ind/3-2-p-5-1/")


def test_references_are_links_to_stable_fact_urls(visit) -> None:
    page = visit.open("ind/3-2-p-5-1/")
    page.click("article >> text=Vector copy number by droplet digital PCR")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/facts/analytical-method/#M-VCN")
    assert page.locator("[id='M-VCN']").is_visible()
    test = visit.open("facts/specification/#T-DP-VIABILITY").locator("[id='T-DP-VIABILITY']")
    assert test.is_visible()


def test_search_finds_a_specification_test_by_name(visit) -> None:
    page = visit.open("")
    results = page.locator("a.md-search-result__link")
    # The index loads in a web worker; on a busy machine the first query can come too early,
    # so type again (bounded) until results show.
    for _attempt in range(6):
        page.fill(".md-search__input", "")
        page.click(".md-search__input")
        page.keyboard.type("Residual activation beads", delay=10)  # Material listens to keys
        try:
            results.first.wait_for(timeout=5_000)
            break
        except PlaywrightTimeout:
            continue
    results.first.wait_for(timeout=5_000)
    targets = [results.nth(i).get_attribute("href") or "" for i in range(results.count())]
    wanted = "/facts/specification/?h=residual+activation+beads#T-DP-RESIDUAL-BEADS"
    assert any(href.endswith(wanted) for href in targets), targets


def test_traceability_matrix_and_diagram_render(visit) -> None:
    page = visit.open("traceability/")
    assert "Multiplicity of infection (critical)" in page.inner_text("table")
    diagram = page.locator(".mermaid").first
    page.wait_for_function(
        "() => document.querySelector('.mermaid') && "
        "document.querySelector('.mermaid').getBoundingClientRect().height > 800",
        timeout=15_000,
    )
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    diagram.screenshot(path=str(SCREENSHOTS / "traceability-diagram.png"))
    assert (SCREENSHOTS / "traceability-diagram.png").stat().st_size > 20_000


def test_diagnostics_page_and_last_change_per_section(visit, served) -> None:
    _, repo = served
    assert "No errors or warnings" in visit.open("diagnostics/").inner_text("article")
    text = visit.open("ind/3-2-p-5-1/").inner_text("article")
    assert (
        f"Last change: {git(repo, 'rev-parse', 'HEAD~1')[:12]} by Test Author on 2026-11-20" in text
    )


# Closes the <title> element first: a page's title is written through the theme's `striptags`.
HOSTILE_NAME = "</title><script>window.__pwned=1;alert(1)</script>"
HOSTILE_PROSE = (
    '<img src=x onerror="window.__pwned=2;alert(2)"> and [click me](javascript:alert(3)) '
    "and <a href='javascript:alert(4)'>link</a>"
)


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    from conftest import MODALITIES
    from test_hostile_text import yaml_block

    repo = site_repo(
        tmp_path_factory.mktemp("hostile-site") / "repo", MODALITIES / "small-molecule"
    )
    facts = repo / "dossier" / "facts.yaml"
    text = facts.read_text(encoding="utf-8")
    text = text.replace("title: Assay\ncategory", f"title: '{HOSTILE_NAME}'\ncategory", 1)
    text = text.replace("rationale: Dose accuracy.", "rationale: " + yaml_block(HOSTILE_PROSE), 1)
    facts.write_text(text, encoding="utf-8")
    site = build_site(repo)
    with _serving(site) as base:
        yield base, site


def test_hostile_text_shows_literally_and_runs_no_script(
    browser: Browser, hostile_site: tuple[str, Path]
) -> None:
    base, site = hostile_site
    titled = [  # pages whose <title> comes from a heading that holds the CQA's title
        path.parent.relative_to(site).as_posix() + "/"
        for path in site.rglob("index.html")
        if "window.__pwned=1" in path.read_text(encoding="utf-8").split("</head>", 1)[0]
    ]
    assert titled, "no page's head shows the hostile CQA title"
    raw = [path for path in site.rglob("*.html") if "<script>window" in path.read_text("utf-8")]
    assert raw == []
    context = browser.new_context()
    watched = Watched(context.new_page(), base)
    for path in ("facts/cqa/", "traceability/", "impd/3-2-p-2/", "ind/3-2-p-5-6/", *titled):
        page = watched.open(path)
        page.wait_for_timeout(300)
        assert page.evaluate("() => window.__pwned") is None, path
        text = page.inner_text("article")
        assert HOSTILE_NAME in text or path in titled, path
        links = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
        assert not [href for href in links if href.lower().startswith("javascript:")], path
    assert "[click me](javascript:alert(3))" in watched.open("facts/cqa/").inner_text("article")
    watched.assert_clean()
    context.close()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.read().decode("utf-8")
    except OSError:
        return None


def test_serve_previews_and_live_reloads_a_changed_fact(tmp_path: Path) -> None:
    repo = site_repo(tmp_path / "repo")
    port = _free_port()
    command = [str(Path(sys.executable).with_name("dossier")), "site", "dossier", "--serve",
               "--address", f"127.0.0.1:{port}"]  # fmt: skip
    server = subprocess.Popen(
        command, cwd=repo, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        url = f"http://127.0.0.1:{port}/ind/3-2-p-5-1/"
        deadline = time.monotonic() + 60
        while (page := _fetch(url)) is None and time.monotonic() < deadline:
            time.sleep(0.5)
        assert page is not None and "≥ 70 %" in page
        spec = repo / "dossier" / "drug-product" / "specification.yaml"
        spec.write_text(
            spec.read_text(encoding="utf-8").replace("≥ 70 %", "≥ 75 %", 1), encoding="utf-8"
        )
        deadline = time.monotonic() + 60
        while "≥ 75 %" not in (_fetch(url) or "") and time.monotonic() < deadline:
            time.sleep(0.5)
        assert "≥ 75 %" in (_fetch(url) or "")
    finally:
        server.terminate()
        server.wait(timeout=20)


# --- the site reads like a review tool (issue 12) ------------------------------------------


def test_fact_pages_use_words_relative_paths_and_resolved_references(visit, served) -> None:
    _, repo = served
    page = visit.open("facts/process-parameter/")
    assert heading(page) == "Process parameter"
    tabs = page.inner_text("nav.md-nav--primary")
    assert "Process parameter" in tabs and "ProcessParameter" not in tabs
    labels = page.locator("article table tbody tr td:first-child").all_inner_texts()
    assert "Normal operating range" in labels and "Proven acceptable range" in labels
    assert all("_" not in label for label in labels), labels
    article = page.inner_text("article")
    assert "Defined in: dossier/drug-product/" in article
    assert str(repo) not in page.content() and "/tmp/" not in article

    substance = visit.open("facts/drug-substance/")
    text = substance.inner_text("article")
    assert "[[" not in text and "genetically modified with" in text
    description = substance.locator("tr", has_text="genetically modified with").first
    vector = description.locator("a[href$='#MAT-LVV']").first
    vector.click()
    substance.wait_for_load_state("networkidle")
    assert substance.url.endswith("/facts/material/#MAT-LVV")


@pytest.fixture(scope="module")
def history_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The small-molecule dossier, its limit tightened in a second commit, built with the
    configuration shipped in the package (the repository has no mkdocs.yml)."""
    fixture = REPO / "tests" / "fixtures" / "modalities" / "small-molecule"
    repo = committed_repo(tmp_path_factory.mktemp("history") / "repo", fixture)
    facts = repo / "dossier" / "facts.yaml"
    facts.write_text(facts.read_text(encoding="utf-8").replace("NMT 1.0 %", "NMT 0.8 %"), "utf-8")
    git(repo, "commit", "-q", "-am", "Tighten total degradation products")
    with _serving(build_site(repo, config=None)) as base:
        yield base


def test_section_pages_show_change_history_newest_first_and_open_gaps(
    browser: Browser, history_site: str
) -> None:
    context = browser.new_context()
    watched = Watched(context.new_page(), history_site)
    page = watched.open("ind/3-2-p-5-1/")
    rows = page.locator("table:below(#change-history) tbody tr").all_inner_texts()
    subjects = [row.split("\t")[-1].strip() for row in rows]
    assert subjects == ["Tighten total degradation products", "Dossier"], rows
    gaps = watched.open("ind/3-2-p-3-5/")
    text = gaps.inner_text("article")
    assert "Open gaps" in text and "DOS401" in text and "has no content" in text
    watched.assert_clean()
    context.close()


def test_downloads_page_offers_the_json_and_fhir_exports(visit, served) -> None:
    _, repo = served
    site = repo / "build" / "site"
    exported = json.loads((site / "downloads" / "json" / "dossier.json").read_text("utf-8"))
    assert exported["format"] == "cmc-dossier-export" and len(exported["facts"]) > 100
    bundle = json.loads((site / "downloads" / "fhir" / "SPEC-DP.sp4151.json").read_text("utf-8"))
    assert bundle["resourceType"] == "Bundle" and bundle["type"] == "document"
    page = visit.open("downloads/")
    links = [a.get_attribute("href") for a in page.locator("article a").all()]
    assert any(link.endswith("json/dossier.json") for link in links)
    assert any(link.endswith("fhir/SPEC-DP.sp4151.json") for link in links)
    assert any(link.endswith("fhir/not-mapped.json") for link in links)
    visit.assert_clean()


def test_a_fact_page_shows_the_text_of_each_region(visit) -> None:
    """The site shows the model, so a {us, eu} field shows both texts, labelled."""
    page = visit.open("facts/stability-study/")
    row = page.locator("tr", has_text="Commitment").first.inner_text()
    assert "US: " in row and "reported to FDA" in row
    assert "EU: " in row and "reported to the competent authorities" in row
