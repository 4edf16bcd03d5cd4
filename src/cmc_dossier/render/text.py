"""User text into pandoc Markdown that can only ever mean that text.

Every character of user text that pandoc could read as markup is backslash-escaped (pandoc
reads an escaped punctuation character as that character): the inline markers anywhere,
and list, heading, quote and div markers where a line starts. The pandoc reader also runs
without raw HTML/TeX, raw attributes, math and smart punctuation, as a second fence. So no
emphasis, heading, table, raw HTML/OpenXML/LaTeX block or template syntax can come out of
a fact, and quotes and dashes stay as typed. Prose fields keep a small, explicit
subset on top: paragraphs, bullet and numbered lists, **strong**, *emphasis* and the
[[ID]] / [[ID:field]] references, which the caller resolves to (escaped) text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from cmc_dossier.model.prose import PROSE_REFERENCE


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: one object per dialect
class Flavor:
    """A Markdown dialect: how literal text is escaped in it."""

    name: str
    escapes: dict[int, str]
    guard_line_start: bool


# pandoc reads a backslash before any ASCII punctuation as that character.
PANDOC = Flavor(
    "pandoc", str.maketrans({c: "\\" + c for c in "\\`*_[]<>{}|~^$@&!"}), guard_line_start=True
)
# Python-Markdown (mkdocs) only knows backslash escapes for these; <, > and & become
# entities, so no raw HTML can form. Every block marker is escaped wherever it stands.
SITE = Flavor(
    "site",
    str.maketrans(
        {
            **{c: "\\" + c for c in "\\`*_{}[]()#+-.!|"},
            "&": "&amp;",
            "<": "&lt;",
            ">": "&gt;",
        }
    ),
    guard_line_start=False,
)
# What makes a line a block: a list, heading, quote, div, table or rule marker at its start.
_LINE_START = re.compile(
    r"^(\s*)([-+#>:=%|.)(]|\d+[.)](?=\s|$)|(?:[A-Za-z]|[ivxlcdmIVXLCDM]+)[.)](?=\s))"
)
_BULLET = re.compile(r"^[-*]\s+")
_NUMBERED = re.compile(r"^\d{1,3}[.)]\s+")
_INLINE = re.compile(r"\*\*(?P<strong>[^*\n]+?)\*\*|\*(?P<emphasis>[^*\s][^*\n]*?)\*")

Resolve = Callable[[str, str | None], str]  # (ID, field) -> escaped Markdown


class Markdown(str):
    """Text that is already safe Markdown; escaping passes it through unchanged."""

    __slots__ = ()


def end_sentence(text: object) -> Markdown:
    """Text closing a generated sentence: a full stop unless it already ends with one."""
    shown = Markdown(text) if isinstance(text, Markdown) else escape(text)
    return shown if shown.rstrip().endswith((".", "!", "?")) else Markdown(shown + ".")


def escape(text: object, flavor: Flavor = PANDOC) -> Markdown:
    """One line of literal text: markup escaped, line breaks and tabs as spaces."""
    if isinstance(text, Markdown):
        return text
    return _escape_line(str(text), flavor)


# Typed powers of ten ("10^6", "1.0 × 10^-3") and the two formulas a CMC text writes
# unambiguously ("CO2", "H2O") print raised and lowered in the documents; the fact keeps
# what was typed. A ten inside a number ("2010^3") is not a power of ten, and "N2", "O2" or
# "H2" alone are as often names ("Lot N2-001", "clone H2") as gases, so they stay as typed;
# neither does a formula glued to other name characters ("CO2-001").
_POWER = re.compile(r"(?<![\w.,])10\\\^(-?\d+)")
_FORMULA = re.compile(r"(?<![\w/\\.-])(?:CO2(?![\w/\\-])|H2(?=O(?![\w/\\-])))")


@lru_cache(maxsize=65536)
def _escape_line(text: str, flavor: Flavor) -> Markdown:
    escaped = _raised_and_lowered(" ".join(text.split()).translate(flavor.escapes), flavor)
    return Markdown(_protect_start(escaped) if flavor.guard_line_start else escaped)


def _raised_and_lowered(escaped: str, flavor: Flavor) -> str:
    if flavor is not PANDOC:
        return escaped
    powers = _POWER.sub(r"10^\1^", escaped)
    return _FORMULA.sub(lambda m: m.group(0).replace("2", "~2~", 1), powers)


def _protect_start(line: str) -> str:
    """Escape the punctuation of a block marker at the start of a line."""
    match = _LINE_START.match(line)
    if not match:
        return line
    marker = match.group(2)
    return match.group(1) + marker[:-1] + "\\" + marker[-1] + line[match.end() :]


def _inline(text: str, resolve: Resolve, flavor: Flavor) -> str:
    """Escaped text with the allowed inline marks and resolved references."""
    out: list[str] = []
    position = 0
    for match in PROSE_REFERENCE.finditer(text):
        out.append(_marks(text[position : match.start()], flavor))
        out.append(resolve(match.group(1), match.group(2)))
        position = match.end()
    out.append(_marks(text[position:], flavor))
    return "".join(out)


def _marks(text: str, flavor: Flavor) -> str:
    out: list[str] = []
    position = 0
    for match in _INLINE.finditer(text):
        out.append(_escape_keep_spaces(text[position : match.start()], flavor))
        if match.group("strong") is not None:
            out.append(f"**{escape(match.group('strong'), flavor)}**")
        else:
            out.append(f"*{escape(match.group('emphasis'), flavor)}*")
        position = match.end()
    out.append(_escape_keep_spaces(text[position:], flavor))
    return "".join(out)


def _escape_keep_spaces(text: str, flavor: Flavor) -> str:
    """Like escape, but keeps a leading or trailing space between inline pieces."""
    return _raised_and_lowered(re.sub(r"\s+", " ", text).translate(flavor.escapes), flavor)


def prose(text: str, resolve: Resolve, flavor: Flavor = PANDOC) -> Markdown:
    """Prose to Markdown blocks: paragraphs and lists, everything else literal."""
    blocks = []
    for chunk in re.split(r"\n\s*\n", text.strip()):
        lines = [line.strip() for line in chunk.splitlines() if line.strip()]
        if lines:
            blocks.append(_block(lines, resolve, flavor))
    return Markdown("\n\n".join(blocks))


def _guard(text: str, flavor: Flavor) -> str:
    return _protect_start(text) if flavor.guard_line_start else text


def _block(lines: list[str], resolve: Resolve, flavor: Flavor) -> str:
    """A paragraph, or a list whose items may wrap over several lines."""
    marker = (
        _BULLET if _BULLET.match(lines[0]) else _NUMBERED if _NUMBERED.match(lines[0]) else None
    )
    if marker is None:
        return _guard(_inline(" ".join(lines), resolve, flavor), flavor)
    items: list[str] = []
    for line in lines:
        if marker.match(line):
            items.append(marker.sub("", line))
        else:
            items[-1] += " " + line
    bullet = marker is _BULLET
    return "\n".join(
        f"{'-' if bullet else f'{n}.'} {_guard(_inline(item, resolve, flavor), flavor)}"
        for n, item in enumerate(items, 1)
    )


def cell(text: object, resolve: Resolve | None = None, flavor: Flavor = PANDOC) -> Markdown:
    """Prose or text flattened into one table cell."""
    if resolve is None or isinstance(text, Markdown):
        return escape(text, flavor)
    return Markdown(_inline(" ".join(str(text).split()), resolve, flavor))


_TERMS = {
    "look-back-testing": "Look-back testing",
    "cdmo": "CDMO",
    "cto": "CTO",
    "gmp-certificate": "GMP certificate",
    "fda-inspected": "FDA inspected",
    "qp-declaration": "QP declaration",
    "ph": "pH",
    "tse": "TSE",
    "in-house": "In-house",
    "in-process-testing": "In-process testing",
    "non-critical": "Non-critical",
    "long-term": "Long-term",
    "in-use": "In-use",
    "release-and-stability": "Release and stability",
    "us-ind": "US IND",
    "eu-cta": "EU CTA",
    "us-post-approval": "US post-approval",
    "eu-post-approval": "EU post-approval",
    "CBE-0": "CBE-0",
    "CBE-30": "CBE-30",
    "PAS": "PAS",
    "IA_IN": "IA_IN",
    "end-of-production-cells": "End-of-production cells",
    "non-enveloped": "Non-enveloped",
    "low-ph": "Low pH",
    "product-related": "Product-related",
    "in-process": "In-process",
    "stability-indicating": "Stability-indicating",
    "process-related": "Process-related",
    "uv-c": "UV-C",
}


def term(value: object) -> str:
    """A controlled-vocabulary value as words: 'drug-product-manufacture' as 'Drug product
    manufacture'; an explicit unknown as its own sentence."""
    if not isinstance(value, str):
        return str(value)
    if value in _TERMS:
        return _TERMS[value]
    words = value.replace("-", " ")
    return words[:1].upper() + words[1:]
