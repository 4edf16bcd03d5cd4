"""Reading user files defensively: regular files inside the dossier, of bounded size and depth.

A dossier folder comes from a pull request, so it may hold anything a file system can: a
FIFO named `x.yaml` (reading it waits forever), a link to `/dev/zero` (reading it never
ends), a link out of the repository (publishing a file the author never meant to share),
10,000 nested folders. Each is refused with a diagnostic naming the path, never followed.
"""

from __future__ import annotations

import os
import re
import stat
import unicodedata
from collections.abc import Callable
from pathlib import Path

from cmc_dossier.diagnostics import Diagnostic, Location
from cmc_dossier.diagnostics.codes import diagnostic

# Limits far above any real dossier (the 50k-fact benchmark has 1,000 files of 60 kB,
# nested 1 deep, YAML 6 levels deep) and far below what exhausts memory or the stack.
MAX_FILE_BYTES = 16 * 1024 * 1024
MAX_FOLDER_DEPTH = 32
MAX_FILES = 100_000
MAX_NESTING = 64

# C0 controls except tab, line feed and carriage return; DEL; C1 controls except NEL.
# C0 and C1 controls but tab and line feed; also NEL, LINE and PARAGRAPH SEPARATOR, which
# libyaml counts as line breaks while editors do not (positions would point elsewhere).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")
# Characters that change how a text reads without showing themselves: direction overrides,
# embeddings and isolates (the "Trojan Source" characters, CVE-2021-42574), direction marks,
# a zero-width space, a word joiner, a byte-order mark inside the text and a soft hyphen.
# "≤ \u202e0.51\u202c %" shows as "≤ 15.0 %". Zero-width (non-)joiners are left alone: scripts
# and emoji need them.
_INVISIBLE = re.compile("[\u00ad\u061c\u200b\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]")


class Refused(Exception):
    """A file that is not read, with the diagnostic saying why."""

    def __init__(self, problem: Diagnostic) -> None:
        super().__init__(problem.message)
        self.problem = problem


def inside(path: Path, root: Path) -> bool:
    """True when path, with every link resolved, lies in root (itself resolved)."""
    return path.resolve().is_relative_to(root.resolve())


def read_bounded(path: Path, root: Path) -> bytes:
    """The bytes of a regular file inside root, of at most MAX_FILE_BYTES.

    The type is checked on the open descriptor, so a file swapped for a FIFO between a
    check and the read cannot block: opening is non-blocking and the read never starts.
    """
    if not inside(path, root):
        raise Refused(
            diagnostic(
                "DOS014",
                f"{path} links to {path.resolve()}, outside the dossier folder",
                Location(path),
                hint="copy the file into the dossier folder; links may only point inside it",
            )
        )
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as error:
        raise Refused(
            diagnostic("DOS012", f"cannot read file: {error.strerror}", Location(path))
        ) from None
    status = os.fstat(descriptor)  # before fdopen, which refuses a folder with an OSError
    if not stat.S_ISREG(status.st_mode):
        os.close(descriptor)
        raise Refused(
            diagnostic(
                "DOS013",
                f"{path} is not a regular file ({_file_type(status.st_mode)})",
                Location(path),
                hint="fact and narrative files must be ordinary files; remove or rename it",
            )
        )
    with os.fdopen(descriptor, "rb") as handle:
        # the buffer is sized from the file, not the limit (16 MiB allocated per file read);
        # a file that grew since fstat is read on, still only up to the limit
        data = handle.read(min(status.st_size, MAX_FILE_BYTES) + 1)
        if len(data) > status.st_size:
            data += handle.read(MAX_FILE_BYTES + 1 - len(data))
    if len(data) > MAX_FILE_BYTES:
        raise Refused(
            diagnostic(
                "DOS015",
                f"file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB",
                Location(path),
                hint="split the facts over several files; a fact file this large is a mistake",
            )
        )
    return data


def _file_type(mode: int) -> str:
    for test, name in (
        (stat.S_ISFIFO, "a named pipe"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISDIR, "a folder"),
    ):
        if test(mode):
            return name
    return "not a regular file"


def _first(
    pattern: re.Pattern[str],
    path: Path,
    text: str,
    report: Callable[[str, Location], Diagnostic],
) -> Diagnostic | None:
    """The first character of a text the pattern finds, reported at its line and column."""
    found = pattern.search(text)
    if found is None:
        return None
    offset = found.start()
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return report(found.group(), Location(path, line, column))


def control_character(path: Path, text: str) -> Diagnostic | None:
    """The first control character of a text (NUL, escape, ...) at its line and column."""
    return _first(_CONTROL, path, text, control_diagnostic)


def invisible_character(path: Path, text: str) -> Diagnostic | None:
    """The first character that changes how the text reads while staying invisible."""
    return _first(_INVISIBLE, path, text, invisible_diagnostic)


def invisible_in_value(value: str) -> str | None:
    found = _INVISIBLE.search(value)
    return found.group() if found else None


def invisible_diagnostic(character: str, location: Location) -> Diagnostic:
    name = unicodedata.name(character, "").lower()
    return diagnostic(
        "DOS020",
        f"invisible character U+{ord(character):04X} ({name}) in the text",
        location,
        hint="delete it unless it is meant: the documents print it, and it can reorder or "
        "hide what a reader sees",
    )


def control_in_value(value: str) -> str | None:
    """The first control character a value holds (one written as an escape, "\\0")."""
    found = _CONTROL.search(value)
    return found.group() if found else None


def control_diagnostic(character: str, location: Location) -> Diagnostic:
    return diagnostic(
        "DOS019",
        f"control character U+{ord(character):04X} in the text",
        location,
        hint="delete it; it is invisible in editors and some tools drop it silently",
    )


def walk(root: Path, suffixes: tuple[str, ...]) -> tuple[list[Path], list[Diagnostic]]:
    """Files under root with these (lower-case) suffixes in any letter case, hidden folders
    skipped, in a stable order.

    Iterative, so depth is bounded by MAX_FOLDER_DEPTH rather than the Python stack.
    Links to folders are not descended (what they point to inside the dossier is listed
    under its own name); links to files are listed, and reading them checks where they go.
    """
    found: list[Path] = []
    problems: list[Diagnostic] = []
    pending: list[tuple[Path, int]] = [(root, 0)]
    while pending:
        folder, depth = pending.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
        except OSError as error:
            problems.append(
                diagnostic("DOS012", f"cannot read folder: {error.strerror}", Location(folder))
            )
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = Path(entry.path)
            if entry.is_dir(follow_symlinks=False):
                if depth + 1 >= MAX_FOLDER_DEPTH:
                    problems.append(
                        diagnostic(
                            "DOS016",
                            f"folders nested more than {MAX_FOLDER_DEPTH} deep",
                            Location(path),
                            hint="flatten the folder structure of the dossier",
                        )
                    )
                    continue
                pending.append((path, depth + 1))
            elif path.suffix.lower() in suffixes:
                found.append(path)
                if len(found) > MAX_FILES:
                    return found[:MAX_FILES], [
                        *problems,
                        diagnostic(
                            "DOS017",
                            f"more than {MAX_FILES} fact files under {root}",
                            Location(root),
                            hint="pass the dossier folder itself, not a folder above it",
                        ),
                    ]
    return sorted(found), problems
