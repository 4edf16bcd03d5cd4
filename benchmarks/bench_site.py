"""Review site build time against a bare `mkdocs build` of the same generated Markdown.

Ours: `dossier site` (validate, generate every page, mkdocs-material build). Bare: mkdocs
build of the pages ours generated, with our plugin removed and the same navigation. Each
run in a fresh process, best of 3. Usage: python benchmarks/bench_site.py
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BARE = r"""
import json, sys
from mkdocs.commands.build import build
from mkdocs.config.base import load_config
config = load_config(config_file=sys.argv[1], site_dir=sys.argv[2], strict=True)
config.plugins.pop("cmc-dossier")
config.nav = json.loads(open(sys.argv[3]).read())
config.plugins.on_startup(command="build", dirty=False)
build(config)
config.plugins.on_shutdown()
"""


def timed(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=REPO, check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    import json

    from cmc_dossier.site.mkdocs_site import WORKDIR, write_pages
    from cmc_dossier.site.pages import site_for

    dossier = [str(Path(sys.executable).with_name("dossier")), "site", "dossier"]
    out = Path(tempfile.mkdtemp())
    ours = min(timed([*dossier, "-o", str(out / "ours")]) for _ in range(3))
    site = site_for(REPO / "dossier")
    write_pages(REPO / WORKDIR, site.pages)
    nav = out / "nav.json"
    nav.write_text(json.dumps(site.nav))
    bare_command = [
        sys.executable,
        "-c",
        BARE,
        str(REPO / "mkdocs.yml"),
        str(out / "bare"),
        str(nav),
    ]
    bare = min(timed(bare_command) for _ in range(3))
    print(f"Site of the example ({len(site.pages)} pages): ours {ours:.2f} s, bare mkdocs build "
          f"{bare:.2f} s, ratio {ours / bare:.2f}x")  # fmt: skip


if __name__ == "__main__":
    main()
