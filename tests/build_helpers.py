"""Helpers for build tests: committed example repositories and DOCX inspection."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from xml.etree import ElementTree

from conftest import REPO, run_cli

from cmc_dossier.outputs import LOCK_FILE

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test Author",
    "GIT_AUTHOR_EMAIL": "author@example.org",
    "GIT_COMMITTER_NAME": "Test Author",
    "GIT_COMMITTER_EMAIL": "author@example.org",
    "GIT_AUTHOR_DATE": "2026-11-20T10:00:00Z",
    "GIT_COMMITTER_DATE": "2026-11-20T10:00:00Z",
}


def git(repo: Path, *args: str, when: str | None = None) -> str:
    """git in `repo` with a fixed author; `when`: the commit's date instead of GIT_ENV's."""
    dates = {"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when} if when else {}
    done = subprocess.run(
        ["git", "-C", str(repo), *args],
        capture_output=True,
        text=True,
        env={**os.environ, **GIT_ENV, **dates},
        check=True,
    )
    return done.stdout.strip()


def committed_repo(target: Path, dossier: Path = REPO / "dossier") -> Path:
    """A git repository holding a copy of `dossier` as its only, committed content."""
    target.mkdir(parents=True)
    shutil.copytree(dossier, target / "dossier")
    git(target, "init", "-q", "-b", "main")
    git(target, "add", "-A")
    git(target, "commit", "-q", "-m", "Dossier")
    return target


def build(repo: Path, *args: str, output: str = "build"):
    return run_cli("build", "dossier", "--output", output, *args, cwd=repo)


def snapshot(folder: Path) -> dict[str, str]:
    """What a reader of the output folder sees: published links followed, hidden folders and
    the lock file (the machinery of atomic publication) left out."""
    found: dict[str, str] = {}
    for place, folders, names in os.walk(folder, followlinks=True):
        folders[:] = [name for name in folders if not name.startswith(".")]
        for name in names:
            path = Path(place) / name
            if name != LOCK_FILE:
                found[str(path.relative_to(folder))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return dict(sorted(found.items()))


def build_counts(stdout: str) -> dict[str, int]:
    """The build's report line: pandoc runs, PDF conversions, reused unchanged, restamped."""
    found = re.search(
        r"pandoc runs: (\d+), PDF conversions: (\d+), reused unchanged: (\d+), restamped: (\d+)",
        stdout,
    )
    assert found, stdout
    names = ("pandoc", "pdf", "reused", "restamped")
    return dict(zip(names, map(int, found.groups()), strict=True))


def docx_part(path: Path, name: str) -> str:
    with zipfile.ZipFile(path) as archive:
        return archive.read(name).decode("utf-8")


def _paragraph_text(paragraph: ElementTree.Element) -> str:
    return "".join(t.text or "" for t in paragraph.iter(f"{W}t"))


def docx_paragraphs(path: Path) -> list[tuple[str, str]]:
    """(style id, text) of every paragraph of the document body."""
    root = ElementTree.fromstring(docx_part(path, "word/document.xml"))
    found = []
    for paragraph in root.iter(f"{W}p"):
        style = paragraph.find(f"{W}pPr/{W}pStyle")
        found.append(
            (style.get(f"{W}val") if style is not None else "", _paragraph_text(paragraph))
        )
    return found


def docx_headings(path: Path) -> list[str]:
    return [text for style, text in docx_paragraphs(path) if style.startswith("Heading")]
