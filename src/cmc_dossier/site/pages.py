"""The pages of the review site, as Markdown (Python-Markdown flavor) and a navigation tree.

Section pages reuse the document renderer in its site flavor, so they show exactly what the
documents say, with every fact reference linked to the fact's URL (facts/<kind>/#<ID>, or
facts/<kind>/<page>/#<ID> for a kind too large for one page). Fact pages list every field
of every fact generically, so a new kind needs no page code. A page that grows with the
dossier is cut into pages a reader can open (`split.py`), so one edit rebuilds small pages.
"""

from __future__ import annotations

import copy
import re
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel

from cmc_dossier.diagnostics import Diagnostic, Location
from cmc_dossier.model.base import FactBase, IdentifiedItem
from cmc_dossier.model.ctd import SECTION_BY_CODE
from cmc_dossier.model.dossier import Dossier
from cmc_dossier.model.manufacture import ProcessParameter
from cmc_dossier.model.product import CQA, Narrative
from cmc_dossier.model.prose import is_section, quotable_fields
from cmc_dossier.model.unknowns import Unknown
from cmc_dossier.model.walk import identified_items, references
from cmc_dossier.model.walk import prose as prose_fields
from cmc_dossier.render.documents import Renderer
from cmc_dossier.render.outline import Heading, cite, presenting, slug
from cmc_dossier.render.qos import SummaryRenderer
from cmc_dossier.render.text import SITE, Markdown, escape, prose, term
from cmc_dossier.render.views import DossierView
from cmc_dossier.site.split import split_page
from cmc_dossier.validation import ValidationResult
from cmc_dossier.vcs import Change, Revision

Nav = list[Any]
_Fact = TypeVar("_Fact", bound=FactBase)
TARGET_TITLES = {"ind": "US IND Module 3", "impd": "EU IMPD Quality"}
QOS_PAGE = "qos/index.md"


@dataclass(frozen=True)
class _SiteContext:
    """Where the dossier is and what git and validation say about it."""

    root: Path
    repository: Path  # file paths are shown relative to it, never as the build machine's
    revision: Revision
    history: dict[Path, list[Change]]
    diagnostics: list[Diagnostic]
    places: dict[str, str] = field(default_factory=dict)  # fact ID -> its fact page
    templates: Path | None = None  # compiled templates, reused across builds

    def where(self, location: Location) -> str:
        return str(Location(_relative(location.file, self.repository), location.line,
                            location.column))  # fmt: skip


@dataclass
class Site:
    """Page path (relative to the docs folder) to Markdown, and the navigation."""

    pages: dict[str, str] = field(default_factory=dict)
    nav: Nav = field(default_factory=list)


def _t(value: object) -> Markdown:
    return escape(value, SITE)


# Kind names whose words are not simply their capitals (ICH Q6A writes "in-process").
_KIND_WORDS = {"InProcessControl": "In-process control"}
# Field-name words shown as the abbreviations the guidelines use.
_ABBREVIATIONS = {
    "cqa",
    "cqas",
    "qtpp",
    "gmp",
    "inn",
    "nor",
    "par",
    "id",
    "ids",
    "ec",
    "ctd",
    "us",
    "eu",
}


def kind_words(kind: str) -> str:
    """'ProcessParameter' as 'Process parameter', 'QTPPElement' as 'QTPP element'."""
    if kind in _KIND_WORDS:
        return _KIND_WORDS[kind]
    words = re.findall(r"[A-Z]+(?=[A-Z][a-z]|$)|[A-Z][a-z]*", kind)
    shown = [word if word.isupper() and len(word) > 1 else word.lower() for word in words]
    return " ".join(shown)[:1].upper() + " ".join(shown)[1:]


def field_label(name: str) -> str:
    """'acceptance_criterion' as 'Acceptance criterion', 'nor' as 'NOR'."""
    words = [w.upper() if w in _ABBREVIATIONS else w for w in name.split("_")]
    text = " ".join(words)
    return text[:1].upper() + text[1:]


def section_page(target: str, code: str) -> str:
    return f"{target}/{slug(code, 30)}.md"


def _kind_folder(kind: str) -> str:
    return f"facts/{slug(re.sub(r'(?<!^)(?=[A-Z][a-z])', '-', kind), 40)}"


def kind_page(kind: str) -> str:
    return _kind_folder(kind) + ".md"


def kind_index(kind: str) -> str:
    """The overview of a kind shown on several pages (the same URL as a one-page kind's)."""
    return _kind_folder(kind) + "/index.md"


# A kind with more facts than this is shown on several pages: one page of a few thousand
# table rows takes seconds to open and megabytes to load (2 MB at 10,000 facts). A fact
# counts with its identified items (a specification with its tests).
FACTS_PER_KIND_PAGE = 100
# A large kind's page ends after a fact whose ID hashes to a multiple of this (divided by
# the fact's weight), so pages hold about this many blocks and adding or removing a fact
# moves no other page's boundaries.
PAGE_BOUNDARY = 25


def _blocks(dossier: Dossier) -> Counter[str]:
    """Per fact ID, the blocks its page shows: itself and each identified item (the index
    holds both, each under its fact)."""
    return Counter(entry.fact.id for entry in dossier.index.values())


def _paged(
    whole: str, folder: str, facts: list[_Fact], weight: Callable[[_Fact], int]
) -> dict[str, list[_Fact]]:
    """Facts in order: on the one page `whole` when their weight fits, else on pages of
    `folder` named after their first fact, ending where the content says (a hash of the
    fact ID) or at FACTS_PER_KIND_PAGE of weight."""
    weights = [weight(fact) for fact in facts]
    if sum(weights) <= FACTS_PER_KIND_PAGE:
        return {whole: facts}
    groups: dict[str, list[_Fact]] = {}
    current: list[_Fact] = []
    load = 0
    for fact, fact_weight in zip(facts, weights, strict=True):
        current.append(fact)
        load += fact_weight
        boundary = max(1, PAGE_BOUNDARY // fact_weight)
        ends = zlib.crc32(fact.id.encode("utf-8")) % boundary == 0
        if ends or load >= FACTS_PER_KIND_PAGE or fact is facts[-1]:
            name = slug(current[0].id, 60)
            page, number = f"{folder}/{name}.md", 2
            while page in groups or page == f"{folder}/index.md":  # IDs "A.1" and "A-1"
                page, number = f"{folder}/{name}-{number}.md", number + 1
            groups[page], current, load = current, [], 0
    return groups


def _fact_groups(
    kind: str, facts: list[FactBase], blocks: Counter[str]
) -> dict[str, list[FactBase]]:
    """The page of each fact of one kind, in dossier order."""
    return _paged(kind_page(kind), _kind_folder(kind), facts, lambda fact: blocks[fact.id])


def _by_kind(dossier: Dossier) -> dict[str, list[FactBase]]:
    by_kind: dict[str, list[FactBase]] = defaultdict(list)
    for fact in dossier.facts:
        by_kind[fact.kind].append(fact)
    return dict(sorted(by_kind.items()))


def fact_places(dossier: Dossier) -> dict[str, str]:
    """The fact page of every fact ID."""
    blocks = _blocks(dossier)
    return {
        fact.id: page
        for kind, facts in _by_kind(dossier).items()
        for page, group in _fact_groups(kind, facts, blocks).items()
        for fact in group
    }


class _Links:
    """URLs to sections and facts from a page `up` below the site root.

    A nested item (a specification test) is anchored on its fact's page.
    """

    def __init__(
        self, dossier: Dossier, target: str, places: dict[str, str], up: str = "../"
    ) -> None:
        self.dossier, self.target, self.places, self.up = dossier, target, places, up

    def __call__(self, reference: str) -> str | None:
        if reference in SECTION_BY_CODE:
            shown = presenting(reference, self.target)
            return self.up + section_page(self.target, shown) if shown else None
        entry = self.dossier.index.get(reference)
        if entry is None:
            return None
        return f"{self.up}{self.places[entry.fact.id]}#{reference}"


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


HISTORY_SHOWN = 20  # newest commits listed per section; the rest is counted


def _history(commits: list[Change], revision: Revision) -> str:
    """The commits touching the files of a section's facts, newest first."""
    if not commits:
        return "*Last change: not committed to git yet.*" if revision.commit else ""
    last = commits[0]
    lines = [
        f"*Last change: {_t(last.commit[:12])} by {_t(last.author)} on "
        f"{_t(last.date[:10])}: {_t(last.subject)}*",
        "",
        "## Change history",
        "",
        "Commits that changed the files holding this section's facts, newest first.",
        "",
        "| Date | Commit | Author | Subject |",
        "|---|---|---|---|",
    ]
    lines += [
        f"| {_t(c.date[:10])} | {_t(c.commit[:12])} | {_t(c.author)} | {_t(c.subject)} |"
        for c in commits[:HISTORY_SHOWN]
    ]
    if len(commits) > HISTORY_SHOWN:
        lines += ["", f"*{len(commits) - HISTORY_SHOWN} earlier commits not shown.*"]
    return "\n".join(lines)


@dataclass
class _SectionSources:
    """Per CTD section: the files of the facts it presents and the facts themselves."""

    files: dict[str, set[Path]] = field(default_factory=lambda: defaultdict(set))
    facts: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))


def _section_sources(dossier: Dossier, renderer: Renderer) -> _SectionSources:
    sources = _SectionSources()
    for entry in dossier.index.values():
        origin = dossier.origins.get(entry.fact.id)
        home = (
            entry.fact.section if isinstance(entry.fact, Narrative) else renderer.view.home(entry)
        )
        if origin is None or home is None:
            continue
        sources.files[home].add(Path(origin.start.file))
        if entry.fact.id not in sources.facts[home]:
            sources.facts[home].append(entry.fact.id)
    for narrative_id, (path, _) in dossier.narrative_files.items():
        sources.files[dossier.index[narrative_id].value.section].add(path)
    return sources


def _section_history(
    paths: set[Path], root: Path, history: dict[Path, list[Change]]
) -> list[Change]:
    commits = {c.commit: c for p in paths for c in history.get(_relative(p, root), [])}
    return sorted(commits.values(), key=lambda c: c.newness)  # newest first, as git logs them


@lru_cache(maxsize=65536)  # called per fact and per section: resolving is a system call
def _relative(path: Path, root: Path) -> Path:
    try:
        return path.resolve().relative_to(root.resolve())
    except ValueError:
        return path


def _open_gaps(
    dossier: Dossier, code: str, own: list[Diagnostic], located: dict[str, list[Diagnostic]]
) -> str:
    """What the section still lacks: its missing content (DOS401), sections to be provided,
    and the problems reported inside the facts it presents."""
    items = [f"{_t(d.code)}: {_t(d.message)}" for d in own]
    for narrative in DossierView(dossier).narratives(code):
        if narrative.status == "to-be-provided":
            items.append(f"To be provided: {_t(narrative.expected)}")
    items += [f"{_t(d.code)} ({_t(d.severity)}): {_t(d.message)}" for d in located.get(code, [])]
    if not items:
        return ""
    return "## Open gaps\n\n" + "\n".join(f"- {item}" for item in items)


def _by_fact(dossier: Dossier, diagnostics: list[Diagnostic]) -> dict[str, list[Diagnostic]]:
    """Each located diagnostic under the fact whose YAML document holds its line."""
    starts: dict[Path, list[tuple[int, str]]] = defaultdict(list)
    for fact_id, origin in dossier.origins.items():
        starts[Path(origin.start.file)].append((origin.start.line, fact_id))
    found: dict[str, list[Diagnostic]] = defaultdict(list)
    for diagnostic in diagnostics:
        location = diagnostic.location
        if location is None or not location.line:
            continue
        before = [s for s in sorted(starts.get(Path(location.file), [])) if s[0] <= location.line]
        if before:
            found[before[-1][1]].append(diagnostic)
    return found


def target_pages(
    site: Site,
    dossier: Dossier,
    target: str,
    context: _SiteContext,
) -> list[Diagnostic]:
    """The section pages of one target; returns the sections it found without content."""
    renderer = Renderer(
        dossier,
        target,
        cache=context.templates,
        flavor=SITE,
        link=_Links(dossier, target, context.places),
    )
    sources = _section_sources(dossier, renderer)
    per_fact = _by_fact(dossier, context.diagnostics)
    located = {
        code: [d for fact_id in facts for d in per_fact.get(fact_id, [])]
        for code, facts in sources.facts.items()
    }
    headings = [h for h in renderer.outline() if not renderer.excluded(h)]
    for heading in headings:
        code = heading.section.code
        known_gaps = len(renderer.gaps)
        body = renderer.section_body(heading)
        title = f"{heading.number} {heading.title}"
        gaps = _open_gaps(dossier, code, renderer.gaps[known_gaps:], located)
        commits = _section_history(sources.files.get(code, set()), context.root, context.history)
        shown = "\n\n".join(part for part in (body, gaps) if part)
        site.pages.update(
            split_page(
                section_page(target, code),
                f"# {_t(title)} {{#{heading.anchor}}}",
                shown,
                _history(commits, context.revision),
            )
        )
    site.nav.append({TARGET_TITLES[target]: _nav_tree(headings, target)})
    return renderer.gaps


def qos_page(site: Site, dossier: Dossier, context: _SiteContext) -> None:
    """Module 2.3 as one page; its citations link to the IND section pages."""
    link = _Links(dossier, "ind", context.places)
    renderer = SummaryRenderer(dossier, "qos", cache=context.templates, flavor=SITE, link=link)
    heading, body = renderer.documents()[0].markdown.split("\n\n", 1)
    site.pages.update(split_page(QOS_PAGE, heading, body.rstrip("\n")))
    site.nav.append({"Module 2.3 QOS": QOS_PAGE})


# --- fact pages ---------------------------------------------------------------------------


def _resolver(link: _Links) -> Callable[[str, str | None], Markdown]:
    """How fact pages show a prose reference: [[ID]] as a link, [[ID:field]] as the value,
    [[3.2.P.5.1]] as the section in the IND's numbering, linked."""

    def resolve(reference: str, field_name: str | None) -> Markdown:
        if is_section(reference):
            return Markdown(f"[{_t(cite(reference, link.target))}]({link(reference)})")
        entry = link.dossier.index.get(reference)
        if entry is None:
            return _t(f"[[{reference}]]")
        if field_name is not None:
            return _t(quotable_fields(entry.value).get(field_name, f"[[{reference}]]"))
        return Markdown(_linked(reference, link))

    return resolve


@dataclass(frozen=True)
class _Marks:
    """Paths in a fact that hold a reference to another fact, or prose."""

    refs: set[tuple]
    prose: set[tuple]

    @classmethod
    def of(cls, fact: FactBase) -> _Marks:
        return cls({r.path for r in references(fact)}, {path for path, _ in prose_fields(fact)})


def _value(value: Any, link: _Links, marks: _Marks, path: tuple) -> str:
    if value is None or value == [] or value == {}:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, Unknown):
        return _t(value)
    if isinstance(value, str) and path in marks.prose:
        return _inline(prose(value, _resolver(link), SITE))
    if isinstance(value, str):
        return _linked(value, link) if path in marks.refs else _t(value)
    if isinstance(value, Decimal | int):
        return _t(value)
    if isinstance(value, list):
        return "; ".join(_value(item, link, marks, (*path, i)) for i, item in enumerate(value))
    if isinstance(value, dict):
        pairs = []
        for key, item in value.items():
            shown_key = _linked(key, link) if (*path, key) in marks.refs else _t(key)
            pairs.append(f"{shown_key}: {_value(item, link, marks, (*path, key))}")
        return "; ".join(pairs)
    if isinstance(value, BaseModel):
        parts = [
            f"{_t(field_label(name))}: {shown}"
            for name, shown in _fields(value, link, marks, path)
            if shown
        ]
        return "; ".join(parts)
    return _t(value)


def _linked(reference: str, link: _Links) -> str:
    url = link(reference)
    entry = link.dossier.index.get(reference)
    label = str(getattr(entry.value, "label", reference)) if entry else reference
    return f"[{_t(label)}]({url})" if url else _t(reference)


def _fields(
    model: BaseModel, link: _Links, marks: _Marks, path: tuple
) -> Iterator[tuple[str, str]]:
    for name, info in type(model).model_fields.items():
        key = info.alias or name
        value = getattr(model, name)
        if key in {"kind", "id"} or (
            isinstance(value, list) and value and isinstance(value[0], IdentifiedItem)
        ):
            continue
        yield key, _value(value, link, marks, (*path, key))


def _inline(blocks: str) -> str:
    """Prose blocks inside one table cell: paragraphs and list items joined by line breaks."""
    return "<br>".join(line for line in blocks.splitlines() if line.strip())


def _field_table(model: BaseModel, link: _Links, marks: _Marks, path: tuple) -> str:
    rows = [
        f"| {_t(field_label(key))} | {shown} |"
        for key, shown in _fields(model, link, marks, path)
        if shown
    ]
    return "| Field | Value |\n|---|---|\n" + "\n".join(rows) if rows else ""


def fact_pages(site: Site, dossier: Dossier, context: _SiteContext) -> None:
    """One page per kind, or for a large kind an overview linking its pages; the navigation
    lists kinds only, so its size does not grow with the dossier."""
    nav = []
    one_deep = _FactPages(dossier, context)
    two_deep = one_deep.below("../../")
    for kind, facts in _by_kind(dossier).items():
        groups: dict[str, list[FactBase]] = defaultdict(list)
        for fact in facts:  # in dossier order, on the pages fact_places chose
            groups[context.places[fact.id]].append(fact)
        title = kind_words(kind)
        if len(groups) == 1:
            site.pages[kind_page(kind)] = _fact_page(title, facts, one_deep)
            nav.append({title: kind_page(kind)})
            continue
        lines = [f"# {_t(title)}", "", f"{len(facts)} facts, on {len(groups)} pages:", ""]
        for page, group in groups.items():
            span = f"{group[0].id} to {group[-1].id}" if len(group) > 1 else group[0].id
            heading = f"{title}: {span}"
            site.pages[page] = _fact_page(heading, group, two_deep)
            lines.append(f"- [{_t(span)}]({page.rsplit('/', 1)[1]}) ({len(group)} facts)")
        site.pages[kind_index(kind)] = "\n".join(lines) + "\n"
        nav.append({title: kind_index(kind)})
    site.nav.append({"Facts": nav})


def _fact_page(title: str, facts: list[FactBase], pages: _FactPages) -> str:
    blocks = [f"# {_t(title)}"]
    for fact in facts:
        marks = _Marks.of(fact)
        blocks.append(pages.block(fact, fact.id, (), marks))
        for path, item in identified_items(fact):
            blocks.append(pages.block(item, fact.id, path, marks, level=3))
    return "\n\n".join(blocks) + "\n"


REFERRERS_SHOWN = 30  # facts listed as referring to one; the others are counted


class _FactPages:
    """One block per fact or identified item: fields, origin, where shown, who refers to it."""

    def __init__(self, dossier: Dossier, context: _SiteContext, up: str = "../") -> None:
        self.dossier, self.context, self.up = dossier, context, up
        self.view = DossierView(dossier)
        self.link = _Links(dossier, "ind", context.places, up)
        self.pages = set(context.places.values())
        self.referenced_by: dict[str, list[str]] = defaultdict(list)
        for fact in dossier.facts:
            for reference in references(fact):
                if fact.id not in self.referenced_by[reference.target]:
                    self.referenced_by[reference.target].append(fact.id)

    def below(self, up: str) -> _FactPages:
        """The same blocks for pages `up` below the site root."""
        pages = copy.copy(self)
        pages.up, pages.link = up, _Links(self.dossier, "ind", self.context.places, up)
        return pages

    def _referrers(self, users: list[str]) -> str:
        """Links to the facts that refer to one; past REFERRERS_SHOWN, the others counted
        per kind with a link to the kind's page (a site that made 2,500 batches)."""
        shown = ", ".join(_linked(u, self.link) for u in users[:REFERRERS_SHOWN])
        if len(users) <= REFERRERS_SHOWN:
            return shown
        others: dict[str, int] = defaultdict(int)
        for user in users[REFERRERS_SHOWN:]:
            others[self.dossier.index[user].fact.kind] += 1
        counted = []
        for kind, count in others.items():
            page = kind_page(kind) if kind_page(kind) in self.pages else kind_index(kind)
            counted.append(f"[{_t(kind_words(kind))}]({self.up}{page}) ({count})")
        return f"{shown}, and {len(users) - REFERRERS_SHOWN} more: " + ", ".join(counted)

    def block(
        self,
        value: FactBase | IdentifiedItem,
        fact_id: str,
        path: tuple,
        marks: _Marks,
        level: int = 2,
    ) -> str:
        entry = self.dossier.index[value.id]
        label = str(getattr(value, "label", value.id))
        lines = [f"{'#' * level} {_t(label)} {{#{value.id}}}", "", f"**ID:** {_t(value.id)}"]
        origin = self.dossier.origins.get(fact_id)
        if origin is not None:
            where = origin.locate(path) if path else origin.start
            lines.append(f"  \n**Defined in:** {_t(self.context.where(where))}")
        home = self.view.home(entry)
        if home:
            shown = {target: presenting(home, target) for target in ("ind", "impd")}
            places = [
                f"[{_t(cite(code, target))}]({self.up}{section_page(target, code)}) "
                f"({target.upper()})"
                for target, code in shown.items()
                if code is not None
            ]
            lines.append("  \n**Presented in:** " + ", ".join(places))
        users = self.referenced_by.get(value.id, [])
        if users:
            lines.append("  \n**Referenced by:** " + self._referrers(users))
        table = _field_table(value, self.link, marks, path)
        return "\n".join(lines) + ("\n\n" + table if table else "")


# --- traceability, diagnostics, home ------------------------------------------------------

_MERMAID_SAFE = re.compile(r"[A-Za-z0-9 ]")


def mermaid_text(text: str) -> str:
    """A node label that cannot leave its quotes: everything else as #code; entities."""
    shown = text if len(text) <= 90 else text[:89] + "…"
    return "".join(c if _MERMAID_SAFE.match(c) else f"#{ord(c)};" for c in shown)


def _node(prefix: str, fact_id: str) -> str:
    return prefix + re.sub(r"[^A-Za-z0-9]", "_", fact_id)


TRACEABILITY_PAGE = "traceability.md"
_TRACEABILITY_INTRO = (
    "QTPP element → quality attribute → process parameter or material attribute → control "
    "(in-process control or specification test) → analytical method → method status."
)


def traceability_page(site: Site, dossier: Dossier, places: dict[str, str]) -> None:
    """The matrix and diagram from QTPP to methods; for many attributes, one page per group
    of attributes (in dossier order, as the fact pages group them) with an index page."""
    view = DossierView(dossier)
    cqas: list[CQA] = view.all(CQA)
    site.nav.append({"Traceability": TRACEABILITY_PAGE})
    # a matrix row and a diagram's nodes each: about 1 kB at 10,000 facts
    groups = _paged(TRACEABILITY_PAGE, "traceability", cqas, lambda _: 2)
    if TRACEABILITY_PAGE in groups:
        site.pages[TRACEABILITY_PAGE] = "# Traceability\n\n" + _traceability(view, cqas, places, "")
        return
    lines = ["# Traceability", "", _TRACEABILITY_INTRO, "",
             f"{len(cqas)} quality attributes, on {len(groups)} pages:", ""]  # fmt: skip
    for page, group in groups.items():
        span = f"{group[0].id} to {group[-1].id}" if len(group) > 1 else group[0].id
        site.pages[page] = f"# Traceability: {_t(span)}\n\n" + _traceability(
            view, group, places, "../"
        )
        count = f"{len(group)} attributes" if len(group) > 1 else "1 attribute"
        lines.append(f"- [{_t(span)}]({page}) ({count})")
    site.pages[TRACEABILITY_PAGE] = "\n".join(lines) + "\n"


def _traceability(view: DossierView, cqas: list[CQA], places: dict[str, str], up: str) -> str:
    """The matrix and the diagram of these attributes, for a page `up` below the root."""
    link = _Links(view.dossier, "ind", places, up=up)
    parameters, controls = view.parameters_affecting, view.controls_of

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
    return (
        f"{_TRACEABILITY_INTRO}\n\n## Matrix\n\n"
        + matrix
        + "\n\n## Diagram\n\n```mermaid\n"
        + _diagram(view, cqas, parameters, controls)
        + "\n```\n"
    )


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


def _gaps(dossier: Dossier, context: _SiteContext) -> str:
    """Every value the dossier does not state yet, or states as not applicable."""
    link = _Links(dossier, "ind", context.places, up="")
    rows = [
        f"| {_linked(fact.id, link)} | {_t('.'.join(str(p) for p in path))} | {_t(unknown)} "
        f"| {_t(context.where(dossier.locate(fact.id, path)))} |"
        for fact, path, unknown in dossier.unknowns()
    ]
    if not rows:
        return "Every field states its value."
    return "| Fact | Field | Statement | Where |\n|---|---|---|---|\n" + "\n".join(rows)


def diagnostics_page(
    site: Site, diagnostics: list[Diagnostic], dossier: Dossier | None, context: _SiteContext
) -> None:
    if diagnostics:
        rows = [
            f"| {_t(d.severity)} | {_t(d.code)} "
            f"| {_t(context.where(d.location) if d.location else '')} "
            f"| {_t(d.message)} | {_t(d.hint or '')} |"
            for d in diagnostics
        ]
        body = "| Severity | Code | Where | Message | Hint |\n|---|---|---|---|---|\n" + "\n".join(
            rows
        )
    else:
        body = "No errors or warnings: every fact validates and every section has content."
    if dossier is not None:
        body += "\n\n## Gaps: values to be provided or not applicable\n\n" + _gaps(dossier, context)
    site.pages.update(split_page("diagnostics.md", "# Diagnostics", body, label_column=2))
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


def generate(dossier: Dossier | None, context: _SiteContext) -> Site:
    site = Site()
    found = list(context.diagnostics)
    if dossier is not None and dossier.manifest is not None:
        for target in ("ind", "impd"):
            gaps = target_pages(site, dossier, target, context)
            found += [gap for gap in gaps if gap.message not in {d.message for d in found}]
        qos_page(site, dossier, context)
        traceability_page(site, dossier, context.places)
        if not any(d.severity == "error" for d in found):
            from cmc_dossier.site.strategy_pages import revision_date, strategy_pages
            from cmc_dossier.strategy.findings import strategy_findings

            as_of = revision_date(context.revision)
            strategic = strategy_findings(dossier, as_of)
            found += strategic.active
            strategy_pages(site.pages, site.nav, dossier, strategic, as_of)
        fact_pages(site, dossier, context)
    diagnostics_page(site, found, dossier, context)
    home_page(site, dossier, found, context.revision)
    return site


def site_for(
    root: Path, result: ValidationResult | None = None, templates: Path | None = None
) -> Site:
    """Every page of the review site of the dossier at `root` (validated here unless its
    validation `result` is given); `templates` keeps compiled templates between builds."""
    from cmc_dossier.validation import validate_folder
    from cmc_dossier.vcs import file_history, repository_root, revision_of

    result = result or validate_folder(root)
    repository = repository_root(root) or root.resolve().parent
    dossier = result.dossier
    context = _SiteContext(
        root,
        repository,
        revision_of(root),
        file_history(root),
        result.diagnostics,
        fact_places(dossier) if dossier is not None else {},
        templates,
    )
    return generate(dossier, context)
