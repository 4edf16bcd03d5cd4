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
