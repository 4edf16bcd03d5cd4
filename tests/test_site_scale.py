"""The review site at scale: large kinds split into pages whose links all resolve, and
incremental builds that rewrite only what changed yet equal a full build byte for byte."""

from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path

import pytest
from build_helpers import git, snapshot
from conftest import REPO
from test_site import build_site, site_repo

from cmc_dossier.site.mkdocs_site import WATCH_INTERVAL
from cmc_dossier.site.pages import FACTS_PER_KIND_PAGE, Site, fact_places, site_for
from cmc_dossier.validation import validate_folder

sys.path.insert(0, str(REPO / "benchmarks"))
from generate import generate  # the benchmarks' synthetic dossiers

LINK = re.compile(r"\]\(([^)\s]+?\.md)#([^)\s]+)\)")


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("synthetic") / "dossier"
    generate(root, 1000)  # 200 process parameters, 250 batches: more than one page holds
    return root


def _resolve(page: str, target: str) -> str:
    parts: list[str] = []
    for part in [*page.split("/")[:-1], *target.split("/")]:
        if part == "..":
            parts.pop()
        elif part != ".":
            parts.append(part)
    return "/".join(parts)


def _broken_links(site: Site) -> list[str]:
    return [
        f"{page}: {target}#{anchor}"
        for page, text in site.pages.items()
        for target, anchor in LINK.findall(text)
        if "{#" + anchor + "}" not in site.pages.get(_resolve(page, target), "")
    ]


def test_large_kinds_are_split_into_pages_every_link_reaches_its_fact(synthetic: Path) -> None:
    site = site_for(synthetic)
    parameters = [p for p in site.pages if p.startswith("facts/process-parameter/")]
    assert "facts/process-parameter/index.md" in parameters
    chunks = [p for p in parameters if not p.endswith("/index.md")]
    assert len(chunks) > 2
    for page in chunks:
        shown = re.findall(r"^## .* \{#(PP-[^}]+)\}$", site.pages[page], re.MULTILINE)
        assert 0 < len(shown) <= FACTS_PER_KIND_PAGE
        assert f"]({page.rsplit('/', 1)[1]})" in site.pages["facts/process-parameter/index.md"]
    places = fact_places(validate_folder(synthetic).dossier)
    for fact_id, page in places.items():
        assert "{#" + fact_id + "}" in site.pages[page], fact_id
    assert len(LINK.findall("\n".join(site.pages.values()))) > 1000
    assert _broken_links(site) == []
    # The navigation lists kinds, never fact pages.
    facts_nav = next(entry["Facts"] for entry in site.nav if "Facts" in entry)
    assert {"Process parameter": "facts/process-parameter/index.md"} in facts_nav
    assert all(not str(value).count("/pp-") for entry in facts_nav for value in entry.values())


def test_adding_a_fact_changes_only_the_fact_page_that_shows_it(
    synthetic: Path, tmp_path: Path
) -> None:
    before = site_for(synthetic)
    edited = tmp_path / "dossier"
    shutil.copytree(synthetic, edited)
    added = "PP-00011-9"
    with (edited / "area-000" / "facts-000200.yaml").open("a", encoding="utf-8") as stream:
        stream.write(
            f"---\nkind: ProcessParameter\nid: {added}\ntitle: Added parameter\n"
            "unit_operation: UO-00011\ncriticality: non-critical\nunit: °C\ntarget: 20\n"
            "justification: Development data.\n"
        )
    after = site_for(edited)
    places = fact_places(validate_folder(edited).dossier)
    differing = {
        page
        for page in before.pages.keys() | after.pages.keys()
        if page.startswith("facts/process-parameter/")
        and before.pages.get(page) != after.pages.get(page)
    }
    assert places[added] in differing
    assert differing <= {places[added], "facts/process-parameter/index.md"}


def _html_times(site: Path) -> dict[str, int]:
    """When each page was written (mkdocs writes its theme's 404.html and sitemap always)."""
    return {
        str(path.relative_to(site)): path.stat().st_mtime_ns for path in site.rglob("index.html")
    }


def _files(site: Path) -> dict[str, int]:
    """Each file of the published site by its inode: the same number is the same file."""
    return {str(path.relative_to(site)): path.stat().st_ino for path in site.rglob("*")}


def test_one_edited_criterion_rewrites_only_changed_pages_and_equals_a_full_build(
    tmp_path: Path,
) -> None:
    repo = site_repo(tmp_path / "repo")
    site = build_site(repo)
    first = snapshot(site)
    written = _html_times(site)
    files = _files(site)
    published = tmp_path / "published-3-2-p-5-1.html"  # the published page's own bytes
    os.link(site / "ind" / "3-2-p-5-1" / "index.html", published)
    shown = published.read_bytes()
    spec = repo / "dossier" / "drug-product" / "specification.yaml"
    spec.write_text(
        spec.read_text(encoding="utf-8").replace("≥ 70 %", "≥ 75 %", 1), encoding="utf-8"
    )
    build_site(repo)
    second = snapshot(site)
    rewritten = {page for page, time in _html_times(site).items() if written[page] != time}
    changed = {page for page in rewritten if first.get(page) != second[page]}
    assert "facts/specification/index.html" in rewritten
    assert "ind/3-2-p-5-1/index.html" in rewritten
    assert rewritten == changed  # a page is written again only when its bytes change
    assert len(rewritten) < len(written) / 5
    # Unchanged pages are the published files, linked; the rebuilt ones are new files, and
    # the published generation was never written in place.
    now = _files(site)
    assert {page for page in written if now[page] == files[page]} == set(written) - rewritten
    assert published.read_bytes() == shown and "≥ 75 %" not in shown.decode("utf-8")
    assert second["search/search_index.json"] != first["search/search_index.json"]
    # Built from nothing, the same dossier gives the same bytes.
    shutil.rmtree(repo / "build")
    assert snapshot(build_site(repo)) == second


def test_a_layout_change_rebuilds_every_page(tmp_path: Path) -> None:
    repo = site_repo(tmp_path / "repo")
    site = build_site(repo)
    written = _html_times(site)
    config = repo / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "site_name: CMC dossier review", "site_name: CMC review of VRD-019"
        ),
        encoding="utf-8",
    )
    git(repo, "commit", "-qam", "Site name")
    build_site(repo)
    assert all(written[page] != time for page, time in _html_times(site).items())
    assert "CMC review of VRD-019" in (site / "facts" / "cqa" / "index.html").read_text()
    incremental = snapshot(site)
    shutil.rmtree(repo / "build")
    assert snapshot(build_site(repo)) == incremental


def test_serve_watches_the_dossier_not_the_pages_it_generates(tmp_path: Path) -> None:
    """The plugin writes the generated pages during a build: watched, they would start a
    second build after every edit, holding the browser's request until it ends."""
    from mkdocs.config.base import load_config
    from mkdocs.livereload import LiveReloadServer

    repo = site_repo(tmp_path / "repo")
    (repo / "build" / "site-src").mkdir(parents=True)
    config = load_config(config_file=str(repo / "mkdocs.yml"))
    config = config.plugins.on_config(config)  # as serve's first build: the dossier joins `watch`
    server = LiveReloadServer(builder=lambda: None, host="127.0.0.1", port=0, root=str(tmp_path))
    try:  # in the order `mkdocs serve` watches and runs the event
        server.watch(config.docs_dir)
        server.watch(config.config_file_path)
        server = config.plugins.on_serve(server, config=config, builder=lambda: None)
        for path in config.watch:
            server.watch(path)
        watched = set(server._watched_paths)  # mkdocs' record of what it polls
        polled = {emitter.watch.path for emitter in server.observer.emitters}
        interval = server.observer.timeout
    finally:
        server.server_close()
    dossier = str((repo / "dossier").absolute())
    assert watched == {dossier, str(repo / "mkdocs.yml")}
    assert polled == {dossier, str(repo)}  # a file is polled through its folder
    assert interval == WATCH_INTERVAL


def _listed(nav: list) -> set[str]:
    """The pages a navigation tree lists."""
    found: set[str] = set()
    for item in nav:
        for value in item.values():
            found |= _listed(value) if isinstance(value, list) else {value}
    return found


def test_the_navigation_every_page_carries_does_not_list_per_fact_pages(synthetic: Path) -> None:
    site = site_for(synthetic)
    listed = _listed(site.nav)
    per_cqa = {page for page in site.pages if page.startswith("gaps/cqa-")}
    assert len(per_cqa) > 100 and not listed & per_cqa
    for page in per_cqa:  # each is reached from the gaps page instead
        assert f"]({page.removeprefix('gaps/')})" in site.pages["gaps/index.md"]
    facts = {page for page in listed if page.startswith("facts/")}
    assert len(facts) == len({re.sub(r"/index\.md$", ".md", page) for page in facts})
    assert all(page.count("/") == 1 or page.endswith("/index.md") for page in facts)
