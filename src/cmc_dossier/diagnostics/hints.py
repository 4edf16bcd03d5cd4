"""Hints shared by every stage that suggests what the user probably meant."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def did_you_mean(word: str, choices: Iterable[str], cutoff: float = 0.6) -> str | None:
    close = difflib.get_close_matches(word, list(choices), n=3, cutoff=cutoff)
    return "did you mean " + " or ".join(f"'{c}'" for c in close) + "?" if close else None
