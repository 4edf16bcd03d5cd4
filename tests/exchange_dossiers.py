"""Every dossier the exchange tests run over: the example, each modality fixture, examples/*."""

from __future__ import annotations

from pathlib import Path

from conftest import MODALITIES, REPO


def all_dossiers() -> list[Path]:
    examples = sorted(p for p in (REPO / "examples").glob("*/") if p.is_dir())
    return [REPO / "dossier", *sorted(p for p in MODALITIES.iterdir() if p.is_dir()), *examples]


def dossier_ids() -> list[str]:
    return [p.relative_to(REPO).as_posix() for p in all_dossiers()]
