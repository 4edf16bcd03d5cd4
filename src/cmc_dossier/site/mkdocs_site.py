"""The only module that knows mkdocs: a plugin that writes the generated pages, build, serve.

mkdocs-material has announced its end of life (May 2027) with Zensical, which reads
mkdocs.yml, as successor; replacing this module is all a switch should take.
"""

from __future__ import annotations

import shutil
from importlib.resources import files
from pathlib import Path

from mkdocs.commands.build import build
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.base import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin

from cmc_dossier.site.downloads import download_pages
from cmc_dossier.site.pages import site_for

WORKDIR = "build/site-src"
ASSETS = ("mermaid.min.js", "mermaid-LICENSE.txt")


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

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        base_dir = Path(config.config_file_path).parent
        root = base_dir / self.config.dossier
        workdir = base_dir / self.config.workdir
        site = site_for(root)
        downloads, entry = download_pages(root)
        write_pages(workdir, site.pages | downloads)
        config.docs_dir = str(workdir)
        config.nav = [*site.nav, entry]
        if str(root) not in config.watch:
            config.watch.append(str(root))
        return config


def _config(config_file: Path, dossier: Path | None, site_dir: Path | None) -> MkDocsConfig:
    (config_file.parent / WORKDIR).mkdir(parents=True, exist_ok=True)
    overrides = {"site_dir": str(site_dir)} if site_dir else {}
    config = load_config(config_file=str(config_file), strict=True, **overrides)
    if dossier is not None:
        plugin = config.plugins["cmc-dossier"]
        plugin.config.dossier = str(dossier.resolve())
    return config


def build_site(
    config_file: Path, dossier: Path | None = None, site_dir: Path | None = None
) -> Path:
    config = _config(config_file, dossier, site_dir)
    config.plugins.on_startup(command="build", dirty=False)
    try:
        build(config)
    finally:
        config.plugins.on_shutdown()
    return Path(config.site_dir)


def serve_site(config_file: Path, address: str) -> None:
    from mkdocs.commands.serve import serve

    (config_file.parent / WORKDIR).mkdir(parents=True, exist_ok=True)
    serve(config_file=str(config_file), dev_addr=address, livereload=True)


def clean_workdir(config_file: Path) -> None:
    shutil.rmtree(config_file.parent / WORKDIR, ignore_errors=True)
