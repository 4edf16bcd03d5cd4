"""Rewrite established conditions of the old form (one category per context) to the
ICH Q12 form (a category per kind of change), keeping every other byte of the file.

The old single category is kept for the kinds of change that can lower assurance
(relaxation, deletion, replacement); tightening and addition are left to the impact rules,
which is what the old form was meant to say for them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from cmc_dossier.loader.discover import is_fact_file
from cmc_dossier.model.vocabulary import CONTEXTS
from cmc_dossier.outputs import replace_file, source_lock

MIGRATED_KINDS = ("relaxation", "deletion", "replacement")
_REPORTING = re.compile(r"^(?P<indent> *)(- )?reporting:\s*(#.*)?$")
_OLD = re.compile(
    r"^(?P<indent> +)(?P<context>" + "|".join(map(re.escape, CONTEXTS)) + r"):[ \t]+"
    r"(?P<category>[A-Za-z0-9_-]+)(?P<rest>[ \t]*(#.*)?)$"
)


@dataclass(frozen=True)
class Rewrite:
    file: Path
    line: int
    old: str
    new: str


def migrate_text(file: Path, text: str) -> tuple[str, list[Rewrite]]:
    """The text with every old-form declaration rewritten, and what was rewritten.

    `reporting:` is a key only established conditions have, so its block is found by
    indentation alone. Line endings (LF or CRLF) are kept as they are."""
    lines = text.splitlines(keepends=True)
    rewrites: list[Rewrite] = []
    reporting_indent: int | None = None
    for number, raw in enumerate(lines):
        line = raw.rstrip("\r\n")
        ending = raw[len(line) :]
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        indent = len(line) - len(line.lstrip(" "))
        if reporting_indent is not None and indent <= reporting_indent:
            reporting_indent = None
        if found := _REPORTING.match(line):
            reporting_indent = len(found["indent"])
        elif reporting_indent is not None and (old := _OLD.match(line)):
            category = old["category"]
            kinds = ", ".join(f"{kind}: {category}" for kind in MIGRATED_KINDS)
            new = f"{old['indent']}{old['context']}: {{{kinds}}}{old['rest']}"
            rewrites.append(Rewrite(file, number + 1, line, new))
            lines[number] = new + ending
    return "".join(lines), rewrites


def migrate_folder(folder: Path, write: bool) -> list[Rewrite]:
    """Every old-form declaration under `folder`; written back only when `write`, under the
    folder's lock, so a result import (which holds it from reading to writing) is never
    overwritten with what it read before."""
    rewrites: list[Rewrite] = []
    with source_lock(folder):
        for path in sorted(p for p in folder.rglob("*") if is_fact_file(p)):
            text = path.read_bytes().decode("utf-8")  # not read_text: CRLF must come back CRLF
            migrated, found = migrate_text(path, text)
            if found and write:
                replace_file(path, migrated.encode("utf-8"))
            rewrites += found
    return rewrites
