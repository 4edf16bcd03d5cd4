"""The one place that talks to git: which commit a build comes from, and whether it is dirty."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Revision:
    """What a document's footer and reproducibility need to know about its source."""

    commit: str | None  # full hash, None outside a git repository
    timestamp: int  # commit time (seconds since the epoch); 0 without a commit
    dirty: bool  # uncommitted changes to the dossier folder

    @property
    def short(self) -> str:
        return self.commit[:12] if self.commit else "uncommitted"


def _git(folder: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(
            ["git", "-C", str(folder), *args], capture_output=True, text=True, check=False
        )
    except OSError:
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def revision_of(folder: Path) -> Revision:
    """The HEAD commit of the repository holding `folder`, and whether `folder` changed since."""
    commit = _git(folder, "rev-parse", "HEAD")
    if commit is None:
        return Revision(None, 0, True)
    timestamp = int(_git(folder, "log", "-1", "--format=%ct", "HEAD") or 0)
    status = _git(folder, "status", "--porcelain", "--untracked-files=all", "--", ".")
    return Revision(commit, timestamp, bool(status))


@dataclass(frozen=True, slots=True)
class Change:
    """The last commit that touched a file."""

    commit: str
    author: str
    date: str  # ISO 8601 author date
    subject: str


def last_changes(folder: Path) -> dict[Path, Change]:
    """For every file under `folder` that git knows, the last commit touching it.

    One `git log` over the folder, newest first; paths are relative to `folder`.
    """
    out = _git(
        folder,
        "log",
        "--format=%x1e%H%x1f%an%x1f%aI%x1f%s",
        "--name-only",
        "--relative",
        "--",
        ".",
    )
    changes: dict[Path, Change] = {}
    for record in (out or "").split("\x1e"):
        if not record.strip():
            continue
        header, _, names = record.partition("\n")
        commit, author, date, subject = header.split("\x1f", 3)
        for name in names.splitlines():
            if name.strip():
                changes.setdefault(Path(name), Change(commit, author, date, subject))
    return changes
