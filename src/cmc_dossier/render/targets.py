"""The document targets and the renderer of each: Module 3 (IND, IMPD) or a summary."""

from __future__ import annotations

from pathlib import Path

from cmc_dossier.model.dossier import Dossier
from cmc_dossier.render.documents import Renderer
from cmc_dossier.render.qos import SUMMARY_TARGETS, SummaryRenderer

DOCUMENT_TARGETS = ("ind", "impd", *SUMMARY_TARGETS)


def renderer_for(
    dossier: Dossier,
    target: str,
    overrides: Path | None = None,
    cache: Path | None = None,
    issued: str | None = None,
    ind: Renderer | None = None,
) -> Renderer | SummaryRenderer:
    """`issued`: the commit's date, for a cover whose manifest states no date; `ind`:
    the IND renderer of the same dossier, templates and cache, for a summary to reuse."""
    if target in SUMMARY_TARGETS:
        return SummaryRenderer(dossier, target, overrides, cache, ind=ind)
    return Renderer(dossier, target, overrides, cache, issued=issued)
