"""A technology-transfer package: the product facts a receiving site needs, without the
sending site's specifics.

The package is the dossier's fact files with three changes, so that it validates on its
own and the receiving site fills in only what is its own:
- `SiteSpecifics` facts (equipment makes, rooms, local procedures) are left out;
- in facts that say where work will be done (process sites, where methods and tests are
  performed, manufacturers of the substance and product, where retains are held), the
  sending site is replaced by a placeholder receiving site, `SITE-RECEIVING`, whose
  organisation, address and GMP evidence are to be provided;
- batches, cell banks and other records of work already done keep the site that did it:
  they are the product's history that comparability after the transfer starts from.
Every other document is copied as typed (its text, not a re-serialisation), so no value
changes. The index lists what the receiving site takes over.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from cmc_dossier.loader.discover import is_fact_file, read_folder
from cmc_dossier.loader.source import RawDocument
from cmc_dossier.model.base import FactBase
from cmc_dossier.model.dossier import Dossier
from cmc_dossier.model.product import Site
from cmc_dossier.model.sections import FactSections
from cmc_dossier.model.strategy import SiteSpecifics
from cmc_dossier.strategy.responsibilities import performing_sites

RECEIVING_SITE = "SITE-RECEIVING"
RECEIVING_ORGANIZATION = "ORG-RECEIVING"
# kinds whose site fields say where work will be done, not where it was done
FORWARD_KINDS = frozenset(
    {"ManufacturingProcess", "AnalyticalMethod", "Specification", "DrugSubstance",
     "DrugProduct", "RetainSamplePlan"}
)  # fmt: skip


class TransferError(Exception):
    """The package cannot be written (unknown site, output folder already there)."""


def _document_text(document: RawDocument) -> str:
    """The document as typed, from its first node to its last (comments inside kept)."""
    node = document.source.nodes[document.index]
    return document.source.text[node.start_mark.index : node.end_mark.index].rstrip() + "\n"


def _receiving(site: Site, phase: str) -> str:
    """Placeholder receiving site and organisation, to be completed by the receiving site."""
    later = f'{{to-be-provided: "{phase}", note: receiving site to complete}}'
    activities = "\n".join(f"  - {activity}" for activity in site.activities)
    return (
        "# The receiving site: complete before use. Country XX is the ISO 3166 user-assigned\n"
        "# code, not a country; replace it with the receiving organisation's country.\n"
        f"kind: Organization\nid: {RECEIVING_ORGANIZATION}\n"
        "name: Receiving organisation (to be named)\nrole: cdmo\ncountry: XX\n---\n"
        f"kind: Site\nid: {RECEIVING_SITE}\nname: Receiving site (to be named)\n"
        f"organization: {RECEIVING_ORGANIZATION}\naddress: {later}\n"
        f"activities:\n{activities}\ngmp: {later}\n"
    )


def write_package(dossier: Dossier, root: Path, site_id: str, output: Path) -> int:
    """Write the package folder; returns the number of files written."""
    sending = dossier.index.get(site_id)
    if sending is None or not isinstance(sending.value, Site):
        raise TransferError(f"'{site_id}' is not a site of this dossier")
    if output.exists():
        raise TransferError(f"{output} already exists; choose a new folder")
    assert dossier.manifest is not None
    site: Site = sending.value
    pattern = re.compile(rf"(?<![\w-]){re.escape(site_id)}(?![\w-])")
    files: dict[Path, list[str]] = {}
    taken_over: list[FactBase] = []
    left_out: list[FactBase] = []
    base = root.resolve()
    view = FactSections(dossier)
    documents, _ = read_folder(root)  # validated already: the same documents, as typed
    for document in documents:
        fact = dossier.index[str(document.data["id"])].fact
        relative = Path(document.source.name).resolve().relative_to(base)
        if isinstance(fact, SiteSpecifics):
            left_out.append(fact)
            continue
        text = _document_text(document)
        if fact.kind in FORWARD_KINDS and site_id in performing_sites(view, fact):
            text = pattern.sub(RECEIVING_SITE, text)
            taken_over.append(fact)
        files.setdefault(relative, []).append(text)
    staging = output.with_name(output.name + ".tmp")
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    for relative, documents in files.items():
        target = staging / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("---\n".join(documents), encoding="utf-8")
    for other in sorted(base.rglob("*")):  # narrative files, figures: copied unchanged
        part = other.relative_to(base)
        hidden = any(p.startswith(".") for p in part.parts)
        if other.is_file() and not is_fact_file(other) and not hidden:
            (staging / part).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(other, staging / part)
    (staging / "receiving-site.yaml").write_text(
        _receiving(site, dossier.manifest.phase), encoding="utf-8"
    )
    (staging / "TRANSFER.md").write_text(
        _index(dossier, site, taken_over, left_out), encoding="utf-8"
    )
    staging.replace(output)
    return sum(1 for p in output.rglob("*") if p.is_file())


def _index(
    dossier: Dossier, site: Site, taken_over: list[FactBase], left_out: list[FactBase]
) -> str:
    assert dossier.manifest is not None
    lines = [
        f"# Technology-transfer package: {dossier.manifest.product.name}",
        "",
        f"From {site.name} ({site.id}) to a receiving site ({RECEIVING_SITE} in "
        "`receiving-site.yaml`, to be completed). The facts validate as a dossier: "
        "`dossier validate` on this folder.",
        "",
        "## What the receiving site takes over",
        "",
        "Facts whose work moves to the receiving site (the sending site replaced by "
        f"{RECEIVING_SITE}):",
        "",
        *(f"- {fact.kind} {fact.id}: {fact.label}" for fact in taken_over),
        "",
        f"Activities of the sending site: {', '.join(site.activities)}.",
        "",
        "## Left out: the sending site's specifics",
        "",
        *(
            [f"- {fact.kind} {fact.id}: {fact.label}" for fact in left_out]
            or ["- No SiteSpecifics facts were recorded."]
        ),
        "",
        "Records of work already done (batches, cell banks, studies) keep the site that did "
        "it: they are the history the comparability of the transferred process starts from.",
        "",
    ]
    return "\n".join(lines)
