"""The only module that knows mkdocs: a plugin that writes the generated pages, build, serve.

mkdocs-material has announced its end of life (May 2027) with Zensical, which reads
mkdocs.yml, as successor; replacing this module is all a switch should take.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from importlib.resources import as_file, files
from pathlib import Path

from mkdocs.commands.build import build
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.base import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin

from cmc_dossier.outputs import Generations
from cmc_dossier.site.downloads import download_pages
from cmc_dossier.site.pages import site_for

WORKDIR = "build/site-src"
SITE_DIR = "build/site"
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

    # The dossier folder given on the command line to `dossier site PATH --serve`: mkdocs
    # reloads the configuration on every change, so it cannot be set on one loaded config.
    serving: Path | None = None
    # The repository folder when the packaged default configuration is used (its own folder
    # is inside the installed package).
    repository: Path | None = None

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        base_dir = DossierPlugin.repository or Path(config.config_file_path).parent
        root = DossierPlugin.serving or base_dir / self.config.dossier
        workdir = base_dir / self.config.workdir
        site = site_for(root)
        downloads, entry = download_pages(root)
        write_pages(workdir, site.pages | downloads)
        config.docs_dir = str(workdir)
        config.nav = [*site.nav, entry]
        if str(root) not in config.watch:
            config.watch.append(str(root))
        return config


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
            overrides["site_dir"] = str(site_dir.resolve())
        config = load_config(config_file=str(source), strict=True, **overrides)
        if dossier is not None:
            config.plugins["cmc-dossier"].config.dossier = str(dossier.resolve())
        return _publish(config)


def _publish(config: MkDocsConfig) -> Path:
    final = Path(config.site_dir)
    with Generations(final.parent, f".{final.name}.generations", (final.name,)) as generations:
        config.site_dir = str(generations.staging / final.name)
        config.plugins.on_startup(command="build", dirty=False)
        try:
            build(config)
        finally:
            config.plugins.on_shutdown()
        generations.commit()
    return final


def serve_site(config_file: Path | None, dossier: Path, address: str) -> None:
    from mkdocs.commands.serve import serve

    DossierPlugin.serving = dossier.resolve()
    with _configuration(config_file) as (source, overrides):
        overrides.pop("site_dir", None)  # mkdocs serves from a temporary folder
        serve(config_file=str(source), dev_addr=address, livereload=True, **overrides)
