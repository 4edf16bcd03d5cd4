"""The pages of the review site, as Markdown (Python-Markdown flavor) and a navigation tree.

Section pages reuse the document renderer in its site flavor, so they show exactly what the
documents say, with every fact reference linked to the fact's stable URL
(facts/<kind>/#<ID>). Fact pages list every field of every fact generically, so a new kind
needs no page code.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from cmc_dossier.diagnostics import Diagnostic
from cmc_dossier.model.base import FactBase, IdentifiedItem
from cmc_dossier.model.control import Specification
from cmc_dossier.model.ctd import SECTION_BY_CODE
from cmc_dossier.model.dossier import Dossier
from cmc_dossier.model.manufacture import InProcessControl, ProcessParameter
from cmc_dossier.model.product import CQA, Narrative
from cmc_dossier.model.unknowns import Unknown
from cmc_dossier.model.walk import identified_items, references
from cmc_dossier.render.documents import Renderer
from cmc_dossier.render.outline import Heading, cite, presenting, slug
from cmc_dossier.render.text import SITE, Markdown, escape, term
from cmc_dossier.render.views import DossierView
from cmc_dossier.vcs import Change, Revision

Nav = list[Any]
TARGET_TITLES = {"ind": "US IND Module 3", "impd": "EU IMPD Quality"}


@dataclass
class Site:
    """Page path (relative to the docs folder) to Markdown, and the navigation."""

    pages: dict[str, str] = field(default_factory=dict)
    nav: Nav = field(default_factory=list)


def _t(value: object) -> Markdown:
    return escape(value, SITE)


def section_page(target: str, code: str) -> str:
    return f"{target}/{slug(code, 30)}.md"


def kind_page(kind: str) -> str:
    return f"facts/{slug(re.sub(r'(?<!^)(?=[A-Z][a-z])', '-', kind), 40)}.md"


class _Links:
    """URLs to sections and facts from a page at the site root or one folder deep.

    A nested item (a specification test) is anchored on its fact's kind page.
    """

    def __init__(self, dossier: Dossier, target: str, up: str = "../") -> None:
        self.dossier, self.target, self.up = dossier, target, up

    def __call__(self, reference: str) -> str | None:
        if reference in SECTION_BY_CODE:
            shown = presenting(reference, self.target)
            return self.up + section_page(self.target, shown) if shown else None
        entry = self.dossier.index.get(reference)
        if entry is None:
            return None
        return f"{self.up}{kind_page(entry.fact.kind)}#{reference}"


def _nav_tree(headings: list[Heading], target: str) -> Nav:
    """Nested navigation in CTD order; a section with sub-sections becomes a group."""
    children: dict[str | None, list[Heading]] = defaultdict(list)
    codes = {h.section.code for h in headings}
    for heading in headings:
        parent = heading.section.parent
        children[parent if parent in codes else None].append(heading)

    def node(heading: Heading) -> dict[str, Any]:
        title = f"{heading.number} {heading.title}"
        page = section_page(target, heading.section.code)
        kids = children.get(heading.section.code, [])
        if not kids:
            return {title: page}
        return {title: [{"Overview": page}, *(node(k) for k in kids)]}

    return [node(h) for h in children[None]]


def _change_note(change: Change | None, revision: Revision) -> str:
    if change is None:
        return "*Last change: not committed to git yet.*" if revision.commit else ""
    return (
        f"*Last change: {_t(change.commit[:12])} by {_t(change.author)} on "
        f"{_t(change.date[:10])}: {_t(change.subject)}*"
    )


def _section_changes(
    dossier: Dossier, renderer: Renderer, root: Path, changes: dict[Path, Change]
) -> dict[str, Change]:
    """The newest change among the files of the facts each section presents."""
    files: dict[str, set[Path]] = defaultdict(set)
    for entry in dossier.index.values():
        origin = dossier.origins.get(entry.fact.id)
        home = (
            entry.fact.section if isinstance(entry.fact, Narrative) else renderer.view.home(entry)
        )
        if origin is None or home is None:
            continue
        files[home].add(Path(origin.start.file))
    for narrative_id, (path, _) in dossier.narrative_files.items():
        files[dossier.index[narrative_id].value.section].add(path)
    latest: dict[str, Change] = {}
    for code, paths in files.items():
        found = [changes.get(_relative(p, root)) for p in paths]
        dated = [c for c in found if c is not None]
        if dated:
            latest[code] = max(dated, key=lambda c: c.date)
    return latest


def _relative(path: Path, root: Path) -> Path:
    try:
        return path.resolve().relative_to(root.resolve())
    except ValueError:
        return path


def target_pages(
    site: Site,
    dossier: Dossier,
    target: str,
    root: Path,
    revision: Revision,
    changes: dict[Path, Change],
) -> list[Diagnostic]:
    """The section pages of one target; returns the sections it found without content."""
    renderer = Renderer(dossier, target, flavor=SITE, link=_Links(dossier, target))
    latest = _section_changes(dossier, renderer, root, changes)
    headings = [h for h in renderer.outline() if not renderer.excluded(h)]
    for heading in headings:
        body = renderer.section_body(heading)
        title = f"{heading.number} {heading.title}"
        note = _change_note(latest.get(heading.section.code), revision)
        site.pages[section_page(target, heading.section.code)] = (
            f"# {_t(title)} {{#{heading.anchor}}}\n\n{body}\n\n{note}\n"
        )
    site.nav.append({TARGET_TITLES[target]: _nav_tree(headings, target)})
    return renderer.gaps


# --- fact pages ---------------------------------------------------------------------------


def _value(value: Any, link: _Links, refs: set[tuple], path: tuple) -> str:
    if value is None or value == [] or value == {}:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, Unknown):
        return _t(value)
    if isinstance(value, str):
        return _linked(value, link) if path in refs else _t(value)
    if isinstance(value, Decimal | int):
        return _t(value)
    if isinstance(value, list):
        return "; ".join(_value(item, link, refs, (*path, i)) for i, item in enumerate(value))
    if isinstance(value, dict):
        pairs = []
        for key, item in value.items():
            shown_key = _linked(key, link) if (*path, key) in refs else _t(key)
            pairs.append(f"{shown_key}: {_value(item, link, refs, (*path, key))}")
        return "; ".join(pairs)
    if isinstance(value, BaseModel):
        parts = [
            f"{_t(name)}: {shown}" for name, shown in _fields(value, link, refs, path) if shown
        ]
        return "; ".join(parts)
    return _t(value)


def _linked(reference: str, link: _Links) -> str:
    url = link(reference)
    entry = link.dossier.index.get(reference)
    label = str(getattr(entry.value, "label", reference)) if entry else reference
    return f"[{_t(label)}]({url})" if url else _t(reference)


def _fields(
    model: BaseModel, link: _Links, refs: set[tuple], path: tuple
) -> Iterator[tuple[str, str]]:
    for name, info in type(model).model_fields.items():
        key = info.alias or name
        value = getattr(model, name)
        if key in {"kind", "id"} or (
            isinstance(value, list) and value and isinstance(value[0], IdentifiedItem)
        ):
            continue
        yield key, _value(value, link, refs, (*path, key))


def _field_table(model: BaseModel, link: _Links, refs: set[tuple], path: tuple) -> str:
    rows = [f"| {_t(key)} | {shown} |" for key, shown in _fields(model, link, refs, path) if shown]
    return "| Field | Value |\n|---|---|\n" + "\n".join(rows) if rows else ""


def fact_pages(site: Site, dossier: Dossier) -> None:
    pages = _FactPages(dossier)
    by_kind: dict[str, list[FactBase]] = defaultdict(list)
    for fact in dossier.facts:
        by_kind[fact.kind].append(fact)
    nav = []
    for kind in sorted(by_kind):
        blocks = [f"# {_t(kind)}"]
        for fact in by_kind[kind]:
            refs = {r.path for r in references(fact)}
            blocks.append(pages.block(fact, fact.id, (), refs))
            for path, item in identified_items(fact):
                blocks.append(pages.block(item, fact.id, path, refs, level=3))
        site.pages[kind_page(kind)] = "\n\n".join(blocks) + "\n"
        nav.append({kind: kind_page(kind)})
    site.nav.append({"Facts": nav})


class _FactPages:
    """One block per fact or identified item: fields, origin, where shown, who refers to it."""

    def __init__(self, dossier: Dossier) -> None:
        self.dossier = dossier
        self.view = DossierView(dossier)
        self.link = _Links(dossier, "ind")
        self.referenced_by: dict[str, list[str]] = defaultdict(list)
        for fact in dossier.facts:
            for reference in references(fact):
                if fact.id not in self.referenced_by[reference.target]:
                    self.referenced_by[reference.target].append(fact.id)

    def block(
        self,
        value: FactBase | IdentifiedItem,
        fact_id: str,
        path: tuple,
        refs: set[tuple],
        level: int = 2,
    ) -> str:
        entry = self.dossier.index[value.id]
        label = str(getattr(value, "label", value.id))
        lines = [f"{'#' * level} {_t(label)} {{#{value.id}}}", "", f"**ID:** {_t(value.id)}"]
        origin = self.dossier.origins.get(fact_id)
        if origin is not None:
            where = origin.locate(path) if path else origin.start
            lines.append(f"  \n**Defined in:** {_t(str(where))}")
        home = self.view.home(entry)
        if home:
            shown = {target: presenting(home, target) for target in ("ind", "impd")}
            places = [
                f"[{_t(cite(code, target))}](../{section_page(target, code)}) ({target.upper()})"
                for target, code in shown.items()
                if code is not None
            ]
            lines.append("  \n**Presented in:** " + ", ".join(places))
        users = self.referenced_by.get(value.id, [])
        if users:
            lines.append(
                "  \n**Referenced by:** " + ", ".join(_linked(u, self.link) for u in users)
            )
        table = _field_table(value, self.link, refs, path)
        return "\n".join(lines) + ("\n\n" + table if table else "")


# --- traceability, diagnostics, home ------------------------------------------------------

_MERMAID_SAFE = re.compile(r"[A-Za-z0-9 ]")


def mermaid_text(text: str) -> str:
    """A node label that cannot leave its quotes: everything else as #code; entities."""
    shown = text if len(text) <= 90 else text[:89] + "…"
    return "".join(c if _MERMAID_SAFE.match(c) else f"#{ord(c)};" for c in shown)


def _node(prefix: str, fact_id: str) -> str:
    return prefix + re.sub(r"[^A-Za-z0-9]", "_", fact_id)


def traceability_page(site: Site, dossier: Dossier) -> None:
    view = DossierView(dossier)
    link = _Links(dossier, "ind", up="")
    cqas: list[CQA] = view.all(CQA)
    parameters = defaultdict(list)
    for parameter in view.all(ProcessParameter):
        for cqa_id in parameter.affects:
            parameters[cqa_id].append(parameter)
    controls = defaultdict(list)
    for control in view.all(InProcessControl):
        if control.attribute:
            controls[control.attribute].append(control)
    for specification in view.all(Specification):
        for test in specification.tests:
            controls[test.attribute].append(test)

    def cited(fact_id: str) -> str:
        home = view.home(view.dossier.index[fact_id])
        return (
            f"{_linked(fact_id, link)} ({_t(cite(home, 'ind'))})"
            if home
            else _linked(fact_id, link)
        )

    def graded(fact_id: str, criticality: str) -> str:
        return f"{_linked(fact_id, link)} ({_t(term(criticality).lower())})"

    rows = []
    for cqa in cqas:
        methods = {c.method: view.get(c.method) for c in controls[cqa.id]}
        attribute = graded(cqa.id, cqa.criticality)
        if cqa.subject:
            attribute += f", attribute of {_linked(cqa.subject, link)}"
        cells = [
            "; ".join(_linked(q, link) for q in cqa.derived_from),
            attribute,
            "; ".join(graded(p.id, p.criticality) for p in parameters[cqa.id]),
            "; ".join(cited(c.id) for c in controls[cqa.id]),
            "; ".join(_linked(m, link) for m in methods),
            "; ".join(
                _t(f"{term(m.status)} (Phase {m.status_as_of_phase})") for m in methods.values()
            ),
        ]
        rows.append("| " + " | ".join(cell or "—" for cell in cells) + " |")
    header = ("QTPP element", "Quality attribute", "Process parameters", "Controls", "Methods",
              "Method status")  # fmt: skip
    matrix = "| " + " | ".join(header) + " |\n|" + "---|" * len(header) + "\n" + "\n".join(rows)
    site.pages["traceability.md"] = (
        "# Traceability\n\nQTPP element → quality attribute → process parameter or material "
        "attribute → control (in-process control or specification test) → analytical method "
        "→ method status.\n\n## Matrix\n\n"
        + matrix
        + "\n\n## Diagram\n\n```mermaid\n"
        + _diagram(view, cqas, parameters, controls)
        + "\n```\n"
    )
    site.nav.append({"Traceability": "traceability.md"})


# Mermaid node shapes per layer: stadium, rectangle, hexagon, parallelogram, cylinder.
_SHAPES = {
    "qtpp": ('(["', '"])'),
    "attribute": ('["', '"]'),
    "parameter": ('{{"', '"}}'),
    "control": ('[/"', '"/]'),
    "method": ('[("', '")]'),
}


def _diagram(
    view: DossierView,
    cqas: list[CQA],
    parameters: dict[str, list[ProcessParameter]],
    controls: dict[str, list[Any]],
) -> str:
    lines = ["flowchart LR"]
    declared: set[str] = set()

    def node(layer: str, fact_id: str, label: str) -> str:
        name = _node(layer[0] + "_", fact_id)
        if name not in declared:
            declared.add(name)
            opening, closing = _SHAPES[layer]
            lines.append(f"  {name}{opening}{mermaid_text(label)}{closing}")
        return name

    edges: list[str] = []
    for cqa in cqas:
        attribute = node("attribute", cqa.id, cqa.title)
        for qtpp_id in cqa.derived_from:
            edges.append(f"{node('qtpp', qtpp_id, view.get(qtpp_id).title)} --> {attribute}")
        for parameter in parameters[cqa.id]:
            edges.append(f"{attribute} --> {node('parameter', parameter.id, parameter.title)}")
        for control in controls[cqa.id]:
            control_node = node("control", control.id, control.label)
            method = view.get(control.method)
            method_node = node("method", method.id, f"{method.title} ({method.status})")
            edges += [f"{attribute} --> {control_node}", f"{control_node} --> {method_node}"]
    return "\n".join(lines + [f"  {edge}" for edge in dict.fromkeys(edges)])


def _gaps(dossier: Dossier) -> str:
    """Every value the dossier does not state yet, or states as not applicable."""
    link = _Links(dossier, "ind", up="")
    rows = [
        f"| {_linked(fact.id, link)} | {_t('.'.join(str(p) for p in path))} | {_t(unknown)} "
        f"| {_t(dossier.locate(fact.id, path))} |"
        for fact, path, unknown in dossier.unknowns()
    ]
    if not rows:
        return "Every field states its value."
    return "| Fact | Field | Statement | Where |\n|---|---|---|---|\n" + "\n".join(rows)


def diagnostics_page(site: Site, diagnostics: list[Diagnostic], dossier: Dossier | None) -> None:
    if diagnostics:
        rows = [
            f"| {_t(d.severity)} | {_t(d.code)} | {_t(str(d.location) if d.location else '')} "
            f"| {_t(d.message)} | {_t(d.hint or '')} |"
            for d in diagnostics
        ]
        body = "| Severity | Code | Where | Message | Hint |\n|---|---|---|---|---|\n" + "\n".join(
            rows
        )
    else:
        body = "No errors or warnings: every fact validates and every section has content."
    if dossier is not None:
        body += "\n\n## Gaps: values to be provided or not applicable\n\n" + _gaps(dossier)
    site.pages["diagnostics.md"] = f"# Diagnostics\n\n{body}\n"
    site.nav.append({"Diagnostics": "diagnostics.md"})


def home_page(
    site: Site, dossier: Dossier | None, diagnostics: list[Diagnostic], revision: Revision
) -> None:
    errors = sum(d.severity == "error" for d in diagnostics)
    warnings = sum(d.severity == "warning" for d in diagnostics)
    status = f"[{errors} errors, {warnings} warnings](diagnostics.md)"
    commit = _t(revision.short) + (" (uncommitted changes)" if revision.dirty else "")
    lines = ["# CMC dossier review", ""]
    manifest = dossier.manifest if dossier else None
    if manifest is not None:
        product = manifest.product
        lines += [
            f"## {_t(product.name)}",
            "",
            f"- **Product code:** {_t(product.code)}",
            f"- **INN:** {_t(product.inn or 'Not yet assigned')}",
            f"- **Modality:** {_t(term(manifest.modality))}",
            f"- **Development phase:** {_t(manifest.phase)}",
            f"- **Regulatory contexts:** {_t(', '.join(term(c) for c in manifest.contexts))}",
            f"- **Document version:** {_t(manifest.document_version)}",
            f"- **Built from commit:** {commit}",
            f"- **Validation:** {status}",
            "",
            f"Start with the [{TARGET_TITLES['ind']}]({section_page('ind', '3.2.S')}) or the "
            f"[{TARGET_TITLES['impd']}]({section_page('impd', '3.2.S')}), the "
            "[traceability](traceability.md) from QTPP to methods, or the "
            "[diagnostics](diagnostics.md).",
        ]
    else:
        lines += [f"The dossier could not be read: {status}."]
    site.pages["index.md"] = "\n".join(lines) + "\n"
    site.nav.insert(0, {"Home": "index.md"})


def generate(
    dossier: Dossier | None,
    diagnostics: list[Diagnostic],
    root: Path,
    revision: Revision,
    changes: dict[Path, Change],
) -> Site:
    site = Site()
    found = list(diagnostics)
    if dossier is not None and dossier.manifest is not None:
        for target in ("ind", "impd"):
            gaps = target_pages(site, dossier, target, root, revision, changes)
            found += [gap for gap in gaps if gap.message not in {d.message for d in found}]
        traceability_page(site, dossier)
        fact_pages(site, dossier)
    diagnostics_page(site, found, dossier)
    home_page(site, dossier, found, revision)
    return site


def site_for(root: Path) -> Site:
    """Validate the dossier at `root` and generate every page of its review site."""
    from cmc_dossier.validation import validate_folder
    from cmc_dossier.vcs import last_changes, revision_of

    result = validate_folder(root)
    return generate(result.dossier, result.diagnostics, root, revision_of(root), last_changes(root))
