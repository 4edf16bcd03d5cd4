"""Writing outputs so that readers only ever see a whole old or a whole new version.

Two runs into one folder serialise on a lock file in it (`fcntl.flock`, released by the
kernel when a process dies). A folder of outputs (the documents of both targets, the site)
is written into a uniquely named generation and published by replacing one symbolic link,
`<store>/current`, which is atomic: `build/ind` and `build/impd` are links through it, so a
kill at any moment leaves both from the old build or both from the new one. A single file
is written to a unique temporary name and renamed over the target, unless the target is
not a regular file (a terminal, `/dev/stdout`, a pipe), which is written in place.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType

LOCK_FILE = ".dossier.lock"
CURRENT = "current"


class OutputError(Exception):
    """An output that cannot be written where asked, with what the user can do about it."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.hint = hint


def _say_waiting(folder: Path) -> None:
    print(f"waiting for another dossier run writing into {folder} ...", file=sys.stderr)


@contextmanager
def output_lock(folder: Path, on_wait: Callable[[Path], None] = _say_waiting) -> Iterator[None]:
    """Hold the lock of an output folder (created if missing) for the duration of a run."""
    if folder.exists() and not folder.is_dir():
        raise OutputError(
            f"{folder} is a file, not a folder", "give an output folder with -o/--output"
        )
    folder.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(folder / LOCK_FILE, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    with _held(descriptor, folder, on_wait):
        yield


@contextmanager
def source_lock(folder: Path, on_wait: Callable[[Path], None] = _say_waiting) -> Iterator[None]:
    """Hold the lock of a dossier folder while its fact files are read, checked and edited
    (`dossier import results`): the folder itself is locked, so no lock file appears among
    the facts under version control. A missing folder is left to the reader to report."""
    if not folder.is_dir():
        yield
        return
    descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    with _held(descriptor, folder, on_wait):
        yield


@contextmanager
def _held(descriptor: int, folder: Path, on_wait: Callable[[Path], None]) -> Iterator[None]:
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            on_wait(folder)
            fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # closing releases the lock


def link_or_copy(source: str | Path, destination: str | Path) -> None:
    """`destination` sharing `source`'s data (outputs are never modified in place once
    written); a copy, with its time stamps, where the file system cannot link."""
    try:
        os.link(source, destination)
    except OSError:
        shutil.copy2(source, destination)


def _copy_linked(source: Path, target: Path) -> None:
    """A copy sharing the files' data."""
    shutil.copytree(source, target, copy_function=link_or_copy, symlinks=True)


class Generations:
    """Entries of `parent` (e.g. `ind`, `impd`) published together through one link.

    Layout: `parent/<entry>` -> `<store>/current/<entry>`, `<store>/current` -> `gen-XXXX`.
    Use as a context manager holding the folder's lock: write into `staging / entry`, keep
    untouched entries with `keep`, then `commit`. Leaving without commit (an error, Ctrl-C)
    deletes the staging generation; a killed run's leftovers are deleted by the next run.
    """

    def __init__(self, parent: Path, store: str, entries: tuple[str, ...]) -> None:
        self.parent = parent
        self.store = parent / store
        self.entries = entries
        self.staging = self.store  # set on entry
        self._lock = output_lock(parent)

    def __enter__(self) -> Generations:
        self._lock.__enter__()
        try:
            for entry in self.entries:
                self._check_entry(self.parent / entry)
            self.store.mkdir(exist_ok=True)
            self._remove_stale()
            self.staging = Path(tempfile.mkdtemp(prefix="gen-", dir=self.store))
            self.staging.chmod(0o755)
        except BaseException:
            self._lock.__exit__(*sys.exc_info())
            raise
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        try:
            if self.staging.exists() and self.staging.resolve() != self._current():
                shutil.rmtree(self.staging)
        finally:
            self._lock.__exit__(kind, error, trace)

    def _check_entry(self, path: Path) -> None:
        """An entry is replaced whole, so it must be ours: missing, empty or our link.

        A real folder with anything in it may be the dossier's facts, a repository or
        hand-written pages: it is never deleted to make room for an output."""
        if path.exists() and not path.is_dir():
            raise OutputError(
                f"{path} exists and is not a folder",
                "move the file away, or write the output to another folder",
            )
        if path.is_dir() and not path.is_symlink() and any(path.iterdir()):
            raise OutputError(
                f"{path} is a folder that dossier did not write; nothing was changed",
                "give an output folder that does not exist yet (or one an earlier dossier "
                "run wrote), or move this folder away",
            )

    def _current(self) -> Path | None:
        link = self.store / CURRENT
        return link.resolve() if link.is_symlink() else None

    def _remove_stale(self) -> None:
        """Generations no link points to: left by a run that was killed."""
        current = self._current()
        for path in self.store.iterdir():
            if path.name == CURRENT or path.resolve() == current:
                continue
            _delete(path)

    def keep(self, entry: str) -> None:
        """Carry an entry over unchanged into the new generation (if it exists)."""
        present = self.parent / entry
        if present.is_dir() and not (self.staging / entry).exists():
            _copy_linked(present, self.staging / entry)

    def commit(self) -> None:
        """Publish the staging generation: one atomic rename of the `current` link."""
        previous = self._current()
        link = self.store / f".{CURRENT}-{self.staging.name}"
        link.symlink_to(self.staging.name)
        link.replace(self.store / CURRENT)
        for entry in self.entries:
            self._link_entry(entry)
        if previous is not None and previous.exists():
            _delete(previous)

    def _link_entry(self, entry: str) -> None:
        path = self.parent / entry
        wanted = Path(self.store.name) / CURRENT / entry
        if path.is_symlink() and path.readlink() == wanted:
            return
        if path.is_dir() and not path.is_symlink():  # empty: checked on entry
            path.rmdir()
        temporary = self.parent / f".{entry}-{self.staging.name}"
        temporary.symlink_to(wanted)
        temporary.replace(path)


def _delete(path: Path) -> None:
    """Delete a superseded generation. The outputs are published whole already: a file that
    cannot be deleted (read-only, immutable, in use) is left, said and retried next run,
    never reported as a failed run."""
    try:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()
    except OSError as error:  # rmtree names the file relative to its folder
        named = error.filename and str(error.filename) != str(path)
        inside = f"{error.filename}: " if named else ""
        print(
            f"warning: an old output generation could not be deleted ({path}; {inside}"
            f"{error.strerror}); the new outputs are published, the next run tries again",
            file=sys.stderr,
        )


def user_cache(stage: str) -> Path:
    """A cache in the user's cache folder, shared by every checkout, never among the
    deliverables (`$XDG_CACHE_HOME/cmc-dossier/<stage>`)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "cmc-dossier" / stage


def outside(output: Path, folder: Path) -> Path:
    """`output`, refused when it is in the dossier folder read: a report written there
    would replace a fact file (`diff -o dossier/product.yaml`) or be read as one."""
    place, dossier = output.resolve(), folder.resolve()
    if place == dossier or dossier in place.parents:
        raise OutputError(
            f"{output} is inside the dossier folder {folder}; nothing was written",
            "write the output outside the dossier folder, or to - (standard output)",
        )
    return output


def write_file(path: Path, text: str) -> None:
    """Write a text output whole: a regular file is replaced atomically, anything else
    (a terminal, /dev/stdout, a pipe) is written in place and never replaced by a file."""
    data = text + ("" if text.endswith("\n") else "\n")
    if path.is_dir():
        raise OutputError(f"{path} is a folder", "give a file name, or - for standard output")
    if path.exists() and not path.resolve().is_file():
        with path.open("w", encoding="utf-8") as stream:
            stream.write(data)
        return
    replace_file(path.resolve() if path.is_symlink() else path, data.encode("utf-8"))


def replace_file(path: Path, data: bytes) -> None:
    """Replace a regular file whole, through a temporary file of a unique name beside it:
    a reader sees the old bytes or the new, and two writers never share a staging file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    temporary = Path(name)
    try:
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(data)
        temporary.chmod(0o644)
        temporary.replace(path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
