"""The change table EU national authorities ask for beside the tracked-changes and clean
documents of a substantial modification (PEI: tracked changes, clean version, and a change
table where changes are extensive): per change, the IMPD section, old text, new text and
reason.

The reason for a change is the sponsor's to give; the tool fills it only for what it can
say itself (an editorial correction) and otherwise leaves it to be stated.
"""

from __future__ import annotations

from cmc_dossier.changes.impact import AssessedChange, ImpactReport
from cmc_dossier.changes.report import category_text, shown
from cmc_dossier.model.product import Manifest
from cmc_dossier.render.text import cell, escape

CONTEXT = "eu-cta"
TO_BE_STATED = "*To be stated by the sponsor.*"


def needed(report: ImpactReport) -> bool:
    """A change table goes with a substantial modification of an EU clinical trial."""
    return CONTEXT in report.overall and report.overall[CONTEXT][0] == "substantial"


def _texts(item: AssessedChange) -> tuple[str, str]:
    fc = item.field
    if fc is None:
        label = f"{item.label} ({item.fact_id})"
        return ("—", label) if item.change == "added" else (label, "—")
    return shown(fc.old), shown(fc.new)


def as_markdown(report: ImpactReport, manifest: Manifest, old_version: str) -> str:
    lines = [
        f"# Change table: {escape(manifest.product.name)}",
        "",
        f"IMPD quality section, version {escape(old_version)} → version "
        f"{escape(manifest.document_version)}. Overall: "
        f"{escape(category_text(report.overall[CONTEXT][0] or 'none'))}.",
        "",
        "| Section | Old text | New text | Reason | Classification |",
        "|---|---|---|---|---|",
    ]
    for item in report.changes:
        old, new = _texts(item)
        sections = ", ".join(item.sections.get("impd", [])) or "not placed in a section"
        reason = (
            f"Editorial correction: {item.note}" if item.change_type == "editorial" and item.note
            else TO_BE_STATED
        )  # fmt: skip
        impact = item.impacts[CONTEXT]
        classification = f"{category_text(impact.category)} ({item.change_type})"
        where = f"{item.label} ({item.fact_id})"
        if item.field is not None:
            where += f", {item.field.name}"
        lines.append(
            f"| {cell(sections)}: {cell(where)} | {cell(old)} | {cell(new)} | "
            f"{reason if reason == TO_BE_STATED else cell(reason)} | {cell(classification)} |"
        )
    return "\n".join(lines) + "\n"
