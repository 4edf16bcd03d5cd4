"""Text for a terminal or a CI log that cannot be read as a GitHub workflow command.

The runner reads a log line as a command when it starts with `::` after leading
whitespace, or (the old syntax) holds `##[`. File, kind and ID names come from the
dossier, so a file named `::warning::x.yaml` could otherwise inject an annotation or
worse. An invisible word joiner (U+2060, not whitespace) breaks such a line's start;
what a reader sees is unchanged.

Control characters (ESC, C1, NUL, CR...) are shown as `\\xNN`: facts can no longer
hold them (DOS019), but an old revision that `dossier diff` reads may, and an escape sequence
would otherwise drive the terminal (retitle it, rewrite the lines above, hide text).
"""

from __future__ import annotations

import re
import sys

import typer

WORD_JOINER = "\u2060"
_COMMAND_START = re.compile(r"^([^\S\n]*)::", re.MULTILINE)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def inert(text: str) -> str:
    text = _CONTROL.sub(lambda found: f"\\x{ord(found.group(0)):02x}", text)
    text = _COMMAND_START.sub(lambda found: f"{found.group(1)}{WORD_JOINER}::", text)
    return text.replace("##[", f"#{WORD_JOINER}#[")


def echo(text: str, err: bool = False, nl: bool = True) -> None:
    typer.echo(inert(text), err=err, nl=nl)


def say(text: str) -> None:
    """A line on standard error outside typer (the entry point's own messages)."""
    print(inert(text), file=sys.stderr)
