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
    """A commit that touched a file."""

    commit: str
    author: str
    date: str  # ISO 8601 author date
    subject: str
    newness: int  # 0 for the newest commit of the log: git's order, which dates cannot give


def file_history(folder: Path) -> dict[Path, list[Change]]:
    """For every file under `folder` that git knows, the commits touching it, newest first.

    One `git log` over the folder; paths are relative to `folder`.
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
    changes: dict[Path, list[Change]] = {}
    records = [record for record in (out or "").split("\x1e") if record.strip()]
    for newness, record in enumerate(records):
        header, _, names = record.partition("\n")
        commit, author, date, subject = header.split("\x1f", 3)
        change = Change(commit, author, date, subject, newness)
        for name in names.splitlines():
            if name.strip():
                changes.setdefault(Path(name), []).append(change)
    return changes


class GitError(Exception):
    """A git question with no answer: an unknown revision, a shallow clone, no repository."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.hint = hint


def _git_bytes(folder: Path, *args: str, stdin: bytes | None = None) -> bytes:
    done = subprocess.run(
        ["git", "-C", str(folder), *args], input=stdin, capture_output=True, check=False
    )
    if done.returncode != 0:
        raise GitError(done.stderr.decode("utf-8", "replace").strip(), "")
    return done.stdout


def repository_root(folder: Path) -> Path | None:
    top = _git(folder, "rev-parse", "--show-toplevel")
    return Path(top) if top else None


def resolve_revision(folder: Path, revision: str) -> str:
    """The full commit hash of `revision`, or a GitError that says how to get it."""
    if _git(folder, "rev-parse", "--git-dir") is None:
        raise GitError(
            f"{folder} is not in a git repository", "run the command inside the repository"
        )
    commit = _git(folder, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}")
    if commit:
        return commit
    if _git(folder, "rev-parse", "--is-shallow-repository") == "true":
        raise GitError(
            f"revision '{revision}' is not in this shallow clone",
            f"fetch the history: `git fetch --unshallow` (or `git fetch origin {revision}`); "
            "in GitHub Actions use actions/checkout with fetch-depth: 0",
        )
    raise GitError(
        f"unknown revision '{revision}'",
        "give a branch, tag or commit that exists here (see `git log --oneline`)",
    )


def tree_blobs(folder: Path, commit: str) -> tuple[dict[Path, str], list[Path]]:
    """Path (relative to `folder`) to blob hash, for every file under `folder` at `commit`;
    and the submodules under it (their files belong to another repository)."""
    prefix = _git(folder, "rev-parse", "--show-prefix") or ""
    out = _git_bytes(folder, "ls-tree", "-r", "-z", "--full-tree", commit, "--", prefix or ".")
    blobs: dict[Path, str] = {}
    submodules: list[Path] = []
    for record in out.split(b"\0"):
        if not record:
            continue
        meta, _, name = record.partition(b"\t")
        _mode, kind, sha = meta.decode().split()
        path = Path(name.decode("utf-8", "surrogateescape"))
        relative = path.relative_to(prefix) if prefix else path
        if kind == "blob":
            blobs[relative] = sha
        elif kind == "commit":
            submodules.append(relative)
    return blobs, submodules


def read_blobs(folder: Path, shas: list[str]) -> dict[str, bytes]:
    """The content of many blobs through one `git cat-file --batch`."""
    if not shas:
        return {}
    out = _git_bytes(folder, "cat-file", "--batch", stdin=("\n".join(shas) + "\n").encode())
    contents: dict[str, bytes] = {}
    position = 0
    for sha in shas:
        header_end = out.index(b"\n", position)
        _, _, size = out[position:header_end].decode().split()
        start = header_end + 1
        contents[sha] = out[start : start + int(size)]
        position = start + int(size) + 1
    return contents


def file_at(folder: Path, commit: str, relative: str) -> bytes | None:
    """A file's content at `commit`, its path relative to `folder`; None if it is absent."""
    try:
        return _git_bytes(folder, "show", f"{commit}:./{relative}")
    except GitError:
        return None


@dataclass(frozen=True, slots=True)
class Commit:
    sha: str
    author: str
    email: str
    date: str  # ISO 8601


def commit_info(folder: Path, commit: str) -> Commit:
    out = _git(folder, "show", "-s", "--format=%H%x1f%an%x1f%ae%x1f%aI", commit) or ""
    sha, author, email, date = out.split("\x1f")
    return Commit(sha, author, email, date)
