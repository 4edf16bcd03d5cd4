"""Review site build time against a bare `mkdocs build` of the same generated Markdown.

Ours: `dossier site` (validate, generate every page, mkdocs-material build, publish), a full
build each time (the published site is deleted first: a second build would be incremental).
Bare: `mkdocs build` in a fresh process from a separate mkdocs.yml that is ours without the
`cmc-dossier` plugin (so none of its event hooks exist), with the pages ours generated and
the same navigation. Runs alternate ours/bare so both see the same load; best of 3.
Judged by ours/bare. With --zensical, also Zensical (the announced successor of
mkdocs-material, PyPI package `zensical`, installed into a throwaway virtual environment,
never a project dependency) building the same pages from the same plugin-free
configuration, against bare mkdocs. With --facts N, also the synthetic dossier of N facts:
a full `dossier site`, `dossier site` again with nothing changed, then one edited acceptance
criterion and `dossier site` again (judged by that rebuild), and the largest generated page.
With --serve, `dossier site --serve` on the example: from saving an edited criterion until
the served page shows it. Usage:
python benchmarks/bench_site.py [--zensical] [--serve] [--facts N]
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
REPEATS = 3


def timed(command: list[str], cwd: Path = REPO) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, capture_output=True)
    return time.perf_counter() - started


def bare_config(folder: Path, docs: Path, nav: object) -> Path:
    """Our site configuration with the plugin list reduced to mkdocs' own search."""
    ours = (REPO / "src/cmc_dossier/site/mkdocs.yml").read_text(encoding="utf-8")
    without_plugin, replaced = re.subn(r"(?ms)^plugins:.*\Z", "plugins:\n  - search\n", ours)
    assert replaced == 1 and "- cmc-dossier" not in without_plugin
    config = folder / "mkdocs.yml"
    config.write_text(
        without_plugin + f"docs_dir: {json.dumps(str(docs))}\nnav: {json.dumps(nav)}\n",
        encoding="utf-8",
    )
    return config


def compare(root: Path, cwd: Path) -> tuple[int, float, float]:
    """(pages, ours, bare) seconds for the review site of the dossier at `root`."""
    from cmc_dossier.site.mkdocs_site import write_pages
    from cmc_dossier.site.pages import site_for

    out = Path(tempfile.mkdtemp())
    site = site_for(root)
    docs = out / "docs"
    write_pages(docs, site.pages)
    config = bare_config(out, docs, site.nav)
    ours_command = [str(Path(sys.executable).with_name("dossier")), "site", str(root),
                    "-o", str(out / "ours")]  # fmt: skip
    bare_command = [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config),
                    "-d", str(out / "bare")]  # fmt: skip
    ours_times, bare_times = [], []
    for _ in range(REPEATS):
        for published in (out / "ours", out / ".ours.generations"):  # a full build each time
            if published.is_symlink():
                published.unlink()
            elif published.exists():
                shutil.rmtree(published)
        ours_times.append(timed(ours_command, cwd))
        bare_times.append(timed(bare_command, cwd))
    if "--zensical" in sys.argv:
        zensical(config, bare_command)
    return len(site.pages), min(ours_times), min(bare_times)


def zensical(config: Path, bare_command: list[str]) -> None:
    """Zensical against bare mkdocs on the same configuration and pages, alternating."""
    venv = Path(tempfile.mkdtemp()) / "zensical"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [str(venv / "bin/pip"), "install", "-q", "zensical"]
    subprocess.run(pip, check=True, capture_output=True)
    version = subprocess.run([str(venv / "bin/zensical"), "--version"], capture_output=True,
                             text=True, check=True).stdout.strip()  # fmt: skip
    command = [str(venv / "bin/zensical"), "build", "-f", str(config)]
    theirs, bare = [], []
    for _ in range(REPEATS):
        theirs.append(timed(command, config.parent))
        bare.append(timed(bare_command, config.parent))
    pages = len(list((config.parent / "site").rglob("*.html")))
    print(f"Zensical {version} ({pages} HTML files): {min(theirs):.2f} s, bare mkdocs build "
          f"{min(bare):.2f} s, ratio mkdocs/zensical {min(bare) / min(theirs):.2f}x")  # fmt: skip


def at_scale(facts: int) -> None:
    """Full build, rebuild with nothing changed and one-fact rebuild of the site of a
    synthetic dossier, and the largest generated page."""
    sys.path.insert(0, str(REPO / "benchmarks"))
    from generate import generate

    work = Path(tempfile.mkdtemp())
    count = generate(work / "dossier", facts)
    command = [str(Path(sys.executable).with_name("dossier")), "site", "dossier", "-o", "site"]
    full = timed(command, work)
    unchanged = timed(command, work)
    pages = work / "build" / "site-src"
    largest = max((path.stat().st_size, path) for path in pages.rglob("*.md"))
    fact_file = next((work / "dossier").rglob("facts-000000.yaml"))
    text = fact_file.read_text(encoding="utf-8")
    fact_file.write_text(text.replace("≤ 3.0 %", "≤ 3.5 %", 1), encoding="utf-8")
    again = timed(command, work)
    print(f"Site of {count:,} facts ({len(list(pages.rglob('*.md')))} pages): full build "
          f"{full:.2f} s, nothing changed {unchanged:.2f} s, one edited criterion {again:.2f} s, "
          f"largest page {largest[0] / 1e6:.2f} MB Markdown "
          f"({largest[1].relative_to(pages)})")  # fmt: skip
    shutil.rmtree(work)


def serve_reload(edits: int = 3) -> None:
    """`dossier site --serve` on a copy of the example: seconds from saving an edited
    criterion until the served page shows it (polled every 20 ms)."""
    import socket
    import urllib.request

    work = Path(tempfile.mkdtemp())
    shutil.copytree(REPO / "dossier", work / "dossier")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [str(Path(sys.executable).with_name("dossier")), "site", "dossier", "--serve",
               "--address", f"127.0.0.1:{port}"]  # fmt: skip
    server = subprocess.Popen(command, cwd=work, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)  # fmt: skip
    url = f"http://127.0.0.1:{port}/facts/specification/"

    def page() -> str:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.read().decode("utf-8")
        except OSError:
            return ""

    try:
        while "≥ 70 %" not in page():
            time.sleep(0.2)
        time.sleep(5)  # the rebuild the first build's own page writes start
        spec = work / "dossier" / "drug-product" / "specification.yaml"
        shown, times = "≥ 70 %", []
        for edit in range(edits):
            wanted = f"≥ {71 + edit} %"
            spec.write_text(spec.read_text(encoding="utf-8").replace(shown, wanted, 1),
                            encoding="utf-8")  # fmt: skip
            started = time.perf_counter()
            while wanted not in page():
                time.sleep(0.02)
            times.append(time.perf_counter() - started)
            shown = wanted
            time.sleep(5)
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(work)
    print(f"--serve, the example: an edited criterion shown after "
          f"{', '.join(f'{t:.2f}' for t in times)} s (best {min(times):.2f} s)")  # fmt: skip


def main() -> None:
    pages, ours, bare = compare(REPO / "dossier", REPO)
    print(f"Site of the example ({pages} pages): ours {ours:.2f} s, bare mkdocs build "
          f"{bare:.2f} s, ratio ours/bare {ours / bare:.2f}x")  # fmt: skip
    if "--serve" in sys.argv:
        serve_reload()
    if "--facts" in sys.argv:
        at_scale(int(sys.argv[sys.argv.index("--facts") + 1]))


if __name__ == "__main__":
    main()
