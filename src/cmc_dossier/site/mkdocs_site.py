"""The only module that knows mkdocs: a plugin that writes the generated pages, build, serve.

Builds are incremental: mkdocs builds, in its `dirty` mode, into an empty new generation
only the pages whose Markdown was rewritten since the published site was built (pages are
written only when their bytes change, so unchanged pages keep their time stamps); every
other file of the published site is then hard-linked into the new generation. mkdocs
writes its files in place, so it must never write into a file shared with the published
site: nothing is linked until it has finished. Whatever else a page shows (navigation, the
set of pages, configuration, theme, versions) is the layout; when the layout changed since
the published site, the whole site is rebuilt and nothing is linked. The search index keeps
the published entries of the pages not rebuilt.

mkdocs-material has announced its end of life (May 2027) with Zensical, which reads
mkdocs.yml, as successor; replacing this module is all a switch should take.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from importlib.metadata import version
from importlib.resources import as_file, files
from pathlib import Path
from typing import Any

from jinja2 import Environment
from markupsafe import Markup, escape
from mkdocs.commands.build import build
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.base import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page
from mkdocs.theme import Theme
from mkdocs.utils import clean_directory
from watchdog.observers.polling import PollingObserver

from cmc_dossier.outputs import Generations, link_or_copy
from cmc_dossier.render.documents import bytecode_cache, template_cache
from cmc_dossier.site.downloads import download_pages
from cmc_dossier.site.pages import site_for
from cmc_dossier.validation import validate_folder

WORKDIR = "build/site-src"
SITE_DIR = "build/site"
ASSETS = ("mermaid.min.js", "mermaid-LICENSE.txt")
LAYOUT_FILE = ".cmc-dossier-layout"  # in the site folder: the layout it was built with
SEARCH_INDEX = "search/search_index.json"
# Seconds between two looks at the watched files in `--serve`: a look at a dossier's few
# hundred files costs well under a millisecond of CPU.
WATCH_INTERVAL = 0.1


class _DirtyNotice(logging.Filter):
    """mkdocs warns that a dirty build may leave stale navigation, which fails a strict
    build; the layout check below rebuilds everything whenever navigation could differ."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("A 'dirty' build is being performed")


logging.getLogger("mkdocs.commands.build").addFilter(_DirtyNotice())


class DossierPluginConfig(base.Config):
    dossier = c.Type(str, default="dossier")
    workdir = c.Type(str, default=WORKDIR)


def _write_if_changed(path: Path, content: bytes) -> None:
    """Unchanged files keep their time stamps, so live reload does not loop."""
    if path.is_file() and path.read_bytes() == content:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)


def write_pages(workdir: Path, pages: dict[str, str]) -> None:
    """Write the pages into the docs folder, touching only those whose bytes change."""
    wanted = {workdir / name: text.encode("utf-8") for name, text in pages.items()}
    for name in ASSETS:
        wanted[workdir / "assets" / name] = (
            files("cmc_dossier") / "site" / "assets" / name
        ).read_bytes()
    for path, content in wanted.items():
        _write_if_changed(path, content)
    for path in list(workdir.rglob("*")):
        if path.is_file() and path not in wanted:
            path.unlink()


class DossierPlugin(BasePlugin[DossierPluginConfig]):
    """Generates the review pages from the dossier before every build (and live reload)."""

    # The dossier folder given on the command line to `dossier site PATH --serve`: mkdocs
    # reloads the configuration on every change, so it cannot be set on one loaded config.
    serving: Path | None = None
    # The repository folder when the packaged default configuration is used (its own folder
    # is inside the installed package).
    repository: Path | None = None
    # The theme's Jinja environment of the last build in this process, by what compiles it.
    environments: dict[str, Environment] = {}

    # The published site a `dossier site` build starts from (None: mkdocs' own site folder,
    # as in `--serve`); `whole` once the layout says every page must be built.
    published: Path | None = None
    whole = False

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        site = self.published or Path(config.site_dir)
        self.published_search = _read_json(site / SEARCH_INDEX)
        self.rebuilt: set[str] = set()
        self.order: list[str] = []
        base_dir = DossierPlugin.repository or Path(config.config_file_path).parent
        root = DossierPlugin.serving or base_dir / self.config.dossier
        workdir = base_dir / self.config.workdir
        validated = validate_folder(root)
        site = site_for(root, validated, template_cache())
        downloads, entry = download_pages(root, validated)
        write_pages(workdir, site.pages | downloads)
        config.docs_dir = str(workdir)
        config.nav = [*site.nav, entry]
        if str(root) not in config.watch:
            config.watch.append(str(root))
        return config

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        """A file is built when it changed since the published site was built (mkdocs' own
        test, against the published copy rather than the empty new generation)."""
        if self.published is not None:
            for file in files:
                file.is_modified = partial(self._modified, file)  # type: ignore[method-assign]
        return files

    def _modified(self, file: File) -> bool:
        if self.whole or file.abs_src_path is None or self.published is None:
            return True
        published = self.published / file.dest_uri
        return (
            not published.is_file()
            or published.stat().st_mtime < Path(file.abs_src_path).stat().st_mtime
        )

    def on_nav(self, nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
        """A site built with another layout is rebuilt whole: its pages are deleted, so
        mkdocs sees every page as modified."""
        pages = files.documentation_pages()
        self.order = [_location(file.url) for file in pages]
        self.layout = _layout(config, nav, [file.src_uri for file in pages])
        layout_file = (self.published or Path(config.site_dir)) / LAYOUT_FILE
        if not layout_file.is_file() or layout_file.read_text(encoding="utf-8") != self.layout:
            if self.published is None:
                clean_directory(config.site_dir)
            self.whole = True
            self.published_search = None
        return nav

    @event_priority(-100)  # after any other plugin changed the environment
    def on_env(self, env: Environment, config: MkDocsConfig, files: Files) -> Environment:
        """The theme's templates compiled once: across processes through the bytecode cache,
        and within one `--serve` process by keeping the environment that holds them (with
        this build's filters and globals) while nothing that changes compilation differs."""
        key = json.dumps(
            [
                getattr(env.loader, "searchpath", None),
                sorted(env.extensions),
                sorted(env.filters),
                sorted(env.tests),
                sorted(env.globals),
            ]
        )
        kept = DossierPlugin.environments.get(key)
        if kept is None:
            env.bytecode_cache = bytecode_cache(template_cache())
            env.auto_reload = True  # an edited theme override is read again when reused
            DossierPlugin.environments = {key: env}
            kept = env
        else:
            kept.filters.update(env.filters)
            kept.tests.update(env.tests)
            kept.globals.update(env.globals)
            kept.policies.update(env.policies)
        kept.filters["striptags"] = _text_without_tags
        return kept

    def on_serve(
        self, server: LiveReloadServer, config: MkDocsConfig, builder: Callable[..., None]
    ) -> LiveReloadServer:
        """The generated pages are not watched: this plugin writes them during a build, and a
        change there would start a second build that holds every request until it ends.
        The dossier, which they are made from, is watched instead (on_config), polled every
        WATCH_INTERVAL: mkdocs' half-second polling alone was half of a reload's second."""
        server.unwatch(config.docs_dir)
        # What mkdocs watched before this event (the configuration, the theme with
        # --watch-theme) moves to the faster observer; mkdocs keeps no public list of it.
        watched = list(server._watched_paths)
        for path in watched:
            server.unwatch(path)
        server.observer = PollingObserver(timeout=WATCH_INTERVAL)
        for path in watched:
            server.watch(path)
        return server

    def on_page_context(
        self, context: dict[str, Any], page: Page, config: MkDocsConfig, nav: Navigation
    ) -> dict[str, Any]:
        self.rebuilt.add(_location(page.url))
        return context

    @event_priority(-100)  # after the search plugin wrote the entries of the rebuilt pages
    def on_post_build(self, config: MkDocsConfig) -> None:
        site = Path(config.site_dir)
        if self.published_search is not None and DossierPlugin.serving is None:
            _merge_search(site / SEARCH_INDEX, self.published_search, self.rebuilt, self.order)
        (site / LAYOUT_FILE).write_text(self.layout, encoding="utf-8")


def _text_without_tags(value: object) -> Markup:
    """The theme writes a page's <title> through `striptags`, which un-escapes the text of a
    heading: a title typed as `</title><img onerror=...>` would become markup. Here the
    stripped text is escaped again, so user text stays text wherever the filter is used."""
    return escape(Markup(str(value)).striptags())


def _location(url: str) -> str:
    """A page's URL as the search index writes it (the home page's "./" as "")."""
    return url.removeprefix("./")


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _merge_search(
    path: Path, published: dict[str, Any], rebuilt: set[str], order: list[str]
) -> None:
    """The index of the whole site: the new entries of the rebuilt pages and the published
    ones of the others, page by page in the order of a full build."""
    new = _read_json(path)
    if new is None or new.get("config") != published.get("config"):
        return

    def by_page(entries: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
        pages: dict[str, list[dict[str, Any]]] = {}
        for entry in entries:
            pages.setdefault(entry["location"].split("#", 1)[0], []).append(entry)
        return pages

    fresh, kept = by_page(new["docs"]), by_page(published["docs"])
    docs = [entry for url in order for entry in (fresh if url in rebuilt else kept).get(url, [])]
    data = json.dumps({"config": new["config"], "docs": docs}, separators=(",", ":"))
    path.write_bytes(data.encode("utf-8"))


_LAYOUT_SETTINGS = (
    "site_name",
    "site_url",
    "use_directory_urls",
    "theme",
    "extra",
    "markdown_extensions",
    "mdx_configs",
    "extra_css",
    "extra_javascript",
    "copyright",
    "repo_url",
    "docs_dir",
)


def _named(value: object) -> object:
    """A setting as JSON: a function by its name (its repr holds a memory address), a set
    sorted (its order changes from one process to the next)."""
    if callable(value) and hasattr(value, "__qualname__"):
        return f"{value.__module__}.{value.__qualname__}"
    if isinstance(value, set | frozenset):
        return sorted(value, key=str)
    if isinstance(value, Theme):
        return {"name": value.name, **dict(value.items())}
    return repr(value)


def _layout(config: MkDocsConfig, nav: Navigation, pages: list[str]) -> str:
    """Everything a page's HTML depends on besides its own Markdown, as one digest."""

    def titles(items: list[Any]) -> list[Any]:
        return [
            [item.title, titles(item.children)]
            if isinstance(item, Section)
            else [item.title, getattr(item, "url", None)]
            for item in items
        ]

    custom = config.theme.custom_dir  # the packaged themes are known by their versions
    theme_files = sorted(
        (str(path), path.stat().st_mtime_ns, path.stat().st_size)
        for path in (Path(custom).rglob("*") if custom else ())
        if path.is_file()
    )
    described = {
        "versions": [version(name) for name in ("mkdocs", "mkdocs-material", "cmc-dossier")],
        "configuration": Path(config.config_file_path).read_text(encoding="utf-8"),
        "settings": [config[key] for key in _LAYOUT_SETTINGS],
        "nav": titles(nav.items),
        "pages": pages,
        "theme": theme_files,
    }
    text = json.dumps(described, sort_keys=True, default=_named)
    return hashlib.sha256(text.encode("utf-8")).hexdigest() + "\n"


@contextmanager
def _configuration(config_file: Path | None) -> Iterator[tuple[Path, dict[str, str]]]:
    """The repository's mkdocs.yml, or (None) the default shipped in the package, whose
    folders are then those of the current folder, the repository, as in a mkdocs.yml there."""
    if config_file is not None:
        (config_file.parent / WORKDIR).mkdir(parents=True, exist_ok=True)
        DossierPlugin.repository = None
        yield config_file, {}
        return
    repository = Path.cwd()
    (repository / WORKDIR).mkdir(parents=True, exist_ok=True)
    DossierPlugin.repository = repository
    try:
        with as_file(files("cmc_dossier") / "site" / "mkdocs.yml") as packaged:
            yield (
                packaged,
                {
                    "docs_dir": str(repository / WORKDIR),
                    "site_dir": str(repository / SITE_DIR),
                },
            )
    finally:
        DossierPlugin.repository = None


def build_site(
    config_file: Path | None, dossier: Path | None = None, site_dir: Path | None = None
) -> Path:
    """Build into a new generation beside the site folder and publish it whole."""
    with _configuration(config_file) as (source, overrides):
        if site_dir is not None:  # mkdocs reads a relative one from the config's folder
            overrides["site_dir"] = str(site_dir.absolute())  # the link, not its generation
        config = load_config(config_file=str(source), strict=True, **overrides)
        if dossier is not None:
            config.plugins["cmc-dossier"].config.dossier = str(dossier.resolve())
        return _publish(config)


def _publish(config: MkDocsConfig) -> Path:
    final = Path(config.site_dir)
    plugin = config.plugins["cmc-dossier"]
    assert isinstance(plugin, DossierPlugin)
    with Generations(final.parent, f".{final.name}.generations", (final.name,)) as generations:
        staging = generations.staging / final.name
        config.site_dir = str(staging)
        plugin.published = final.resolve() if final.is_dir() else None
        # The plugins are told it is not a dirty build: the search plugin then indexes the
        # rebuilt pages only, and ours merges the published entries of the others.
        config.plugins.on_startup(command="build", dirty=False)
        try:
            build(config, dirty=True)
        finally:
            config.plugins.on_shutdown()
        if plugin.published is not None and not plugin.whole:
            _link_missing(plugin.published, staging)
        generations.commit()
    return final


def _link_missing(published: Path, staging: Path) -> None:
    """Every file of the published site the build did not write, hard-linked (copied where
    the file system cannot link): unchanged pages cost one link each, not a copy."""
    for place, _, names in os.walk(published):
        target = staging / Path(place).relative_to(published)
        for name in names:
            source, destination = Path(place) / name, target / name
            if destination.exists() or destination.is_symlink():
                continue
            target.mkdir(parents=True, exist_ok=True)
            if source.is_symlink():
                destination.symlink_to(source.readlink())
                continue
            link_or_copy(source, destination)


def serve_site(config_file: Path | None, dossier: Path, address: str) -> None:
    from mkdocs.commands.serve import serve

    DossierPlugin.serving = dossier.resolve()
    with _configuration(config_file) as (source, overrides):
        overrides.pop("site_dir", None)  # mkdocs serves from a temporary folder
        serve(
            config_file=str(source),
            dev_addr=address,
            livereload=True,
            build_type="dirty",
            **overrides,
        )
