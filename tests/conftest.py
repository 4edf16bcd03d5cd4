"""Shared helpers: fixture dossiers copied into temporary folders, and the real CLI."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
MODALITIES = FIXTURES / "modalities"


def copy_fixture(name: str, target: Path) -> Path:
    shutil.copytree(MODALITIES / name, target)
    return target


@pytest.fixture
def dossier_from(tmp_path: Path):
    """Build a dossier folder from a modality fixture, edits and extra files."""

    def build(
        base: str | None = "small-molecule",
        files: dict[str, str | bytes] | None = None,
        replace: dict[str, str] | None = None,
    ) -> Path:
        root = tmp_path / "dossier"
        if base is None:
            root.mkdir()
        else:
            copy_fixture(base, root)
        facts = root / "facts.yaml"
        for old, new in (replace or {}).items():
            text = facts.read_text(encoding="utf-8")
            assert old in text, f"fixture edit does not apply: {old!r}"
            facts.write_text(text.replace(old, new, 1), encoding="utf-8")
        for name, content in (files or {}).items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        return root

    return build


def run_cli(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    """The installed `dossier` command, as a user runs it."""
    executable = Path(sys.executable).with_name("dossier")
    return subprocess.run(
        [str(executable), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
        check=False,
    )
