"""Render the documents of a target as Markdown: headings in CTD order, section templates.

Templates are Jinja2 with StrictUndefined. A dossier repository may override any template by
name with a file of the same name in its own templates folder. Facts reach templates only as
data; every user string goes through an escaping filter, so no fact text is ever read as
Markdown structure, template syntax or raw document code.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import jinja2
import jinja2.bccache
import jinja2.sandbox

from cmc_dossier.diagnostics import Diagnostic
from cmc_dossier.diagnostics.codes import diagnostic
from cmc_dossier.model.dossier import Dossier
from cmc_dossier.model.product import Narrative
from cmc_dossier.model.prose import is_section, quotable_fields
from cmc_dossier.model.regional import for_region
from cmc_dossier.model.unknowns import Unknown
from cmc_dossier.outputs import user_cache
from cmc_dossier.render import text
from cmc_dossier.render.outline import (
    ECTD_ROOT,
    IMPD_CASE_TEXT,
    IMPD_PARTS,
    REGION,
    Heading,
    cite,
    descendants,
    ectd_folders,
    impd_catalogue,
    outline,
    presenting,
)
from cmc_dossier.render.views import SECTION_BUILDERS, DossierView, Part, setting_lines

# eCTD folders that exist once per item (ICH M4 eCTD: 32a3-excip-name-1, one per novel
# excipient) and not at all without one.
PER_ITEM_FOLDERS = frozenset({"32a3-excip-name-1"})


@dataclass(frozen=True)
class Document:
    """One deliverable: a path under the target folder (no suffix), a title, its Markdown."""

    path: PurePosixPath
    title: str
    markdown: str


@dataclass
class _TableCounter:
    prefix: str
    count: int = 0

    flavor: text.Flavor = text.PANDOC

    def __call__(self, caption: str) -> str:
        self.count += 1
        return f"Table {self.prefix}-{self.count}. {text.escape(caption, self.flavor)}"


# Environment settings that change the code Jinja compiles from the same source.
_COMPILE_SETTINGS = (
    "block_start_string",
    "block_end_string",
    "variable_start_string",
    "variable_end_string",
    "comment_start_string",
    "comment_end_string",
    "line_statement_prefix",
    "line_comment_prefix",
    "trim_blocks",
    "lstrip_blocks",
    "newline_sequence",
    "keep_trailing_newline",
    "optimized",
    "is_async",
)


def _compiler_key(environment: jinja2.Environment) -> str:
    """Jinja version, environment class and compile settings: what compiled code depends on.

    Jinja keys its cache by template name and source only, and the cache folder is shared
    by every checkout and tool version of the user; code compiled by a sandboxed
    environment calls `environment.call`, which a plain one lacks.
    """
    kind = type(environment)
    settings = [repr(getattr(environment, name, None)) for name in _COMPILE_SETTINGS]
    settings += sorted(environment.extensions)
    settings.append(repr(environment.autoescape) if not callable(environment.autoescape) else "f")
    digest = hashlib.sha256("\0".join(settings).encode()).hexdigest()[:12]
    return f"{jinja2.__version__}-{kind.__module__}.{kind.__qualname__}-{digest}"


class _KeyedBytecodeCache(jinja2.FileSystemBytecodeCache):
    """Jinja's file cache (atomic writes: temporary file, then rename), one folder per compiler."""

    def _get_cache_filename(self, bucket: jinja2.bccache.Bucket) -> str:
        folder = Path(self.directory) / _compiler_key(bucket.environment)
        folder.mkdir(parents=True, exist_ok=True)
        return str(folder / (self.pattern % bucket.key))


def template_cache() -> Path:
    """Compiled templates live in the user's cache, never among the deliverables."""
    return user_cache("jinja")


def bytecode_cache(folder: Path | None) -> jinja2.BytecodeCache | None:
    """Compiled templates kept in `folder`, one subfolder per compiler (None: no cache)."""
    if folder is None:
        return None
    folder.mkdir(parents=True, exist_ok=True)
    return _KeyedBytecodeCache(str(folder))


class _Sandbox(jinja2.sandbox.SandboxedEnvironment):
    """Jinja2's sandbox with its attribute check remembered per type and name, the only
    things the check looks at (`is_internal_attribute`: the object's type, the name); a
    10k-fact build asks it about 600,000 times."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._safe: dict[tuple[type, str], bool] = {}

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        key = (type(obj), attr)
        safe = self._safe.get(key)
        if safe is None:
            safe = self._safe[key] = super().is_safe_attribute(obj, attr, value)
        return safe


@dataclass
class Renderer:
    dossier: Dossier
    target: str
    overrides: Path | None = None
    cache: Path | None = None  # compiled templates, reused while their source is unchanged
    flavor: text.Flavor = text.PANDOC
    link: Callable[[str], str | None] | None = None  # URL of a fact ID or section code
    issued: str | None = None  # the commit's date (ISO), for documents whose manifest has none
    gaps: list[Diagnostic] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.dossier = for_region(self.dossier, REGION[self.target])
        self.view = DossierView(self.dossier)
        self._part: str | None = None  # S, P or A while a section of that part renders
        self._reported = {gap.message for gap in self.gaps}
        manifest = self.dossier.manifest
        catalogue = impd_catalogue()
        self.product_type = catalogue.product_type(manifest.modality if manifest else None)
        # The words generated text uses for the two parts, per target (data, never edits).
        self.terms = (
            catalogue.wording["ind"]
            if self.target == "ind"
            else {**catalogue.wording["impd"], **catalogue.terms[self.product_type]}
        )
        # Controlled terms in this target's words: the target's own, then the guideline's.
        self._vocabulary = {
            **catalogue.wording[self.target].get("vocabulary", {}),
            **({} if self.target == "ind" else catalogue.vocabulary.get(self.product_type, {})),
        }
        self._rendered: dict[str, list[tuple[Part, str]]] = {}
        loaders: list[jinja2.BaseLoader] = []
        if self.overrides is not None and self.overrides.is_dir():
            loaders.append(jinja2.FileSystemLoader(str(self.overrides)))
        loaders.append(jinja2.PackageLoader("cmc_dossier", "templates"))
        # repository-supplied templates are user text: they render in Jinja2's sandbox
        self.environment = _Sandbox(
            loader=jinja2.ChoiceLoader(loaders),
            undefined=jinja2.StrictUndefined,
            autoescape=False,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            extensions=["jinja2.ext.do"],
            bytecode_cache=bytecode_cache(self.cache),
        )
        self.environment.filters.update(
            t=self._escape,
            cell=self._cell,
            prose=self._prose,
            ref=self._reference,
            label=self._label,
            justification=self._justification,
            controlled_at=self._controlled_at,
            term=lambda value: self._vocabulary.get(value) or text.term(value),
            settings=setting_lines,
            period=text.end_sentence,
            cite=lambda code: cite(code, self.target),
        )
        self.environment.tests["unknown"] = lambda value: isinstance(value, Unknown)
        self.environment.globals.update(
            d=self.view,
            target=self.target,
            cite=self._cite_text,
            cite_link=self._section_link,
            flavor=self.flavor.name,
            terms=self.terms,
        )

    # --- filters ----------------------------------------------------------------------------

    def _escape(self, value: object) -> text.Markdown:
        return text.escape(value, self.flavor)

    def _linked(self, shown: str, target: str) -> text.Markdown:
        """Shown text, escaped, as a link where this flavor links (the site)."""
        escaped = self._escape(shown)
        url = self.link(target) if self.link else None
        return text.Markdown(f"[{escaped}]({url})") if url else escaped

    def _section_link(self, code: str) -> text.Markdown:
        """A section citation; in documents an internal link to the heading presenting it
        (a DOCX bookmark; a granular leaf unlinks those it does not hold)."""
        if self.link is not None or self.flavor is not text.PANDOC:
            return self._linked(cite(code, self.target), code)
        anchor = "ctd-" + (presenting(code, self.target) or code).replace(".", "-").lower()
        return text.Markdown(f"[{self._escape(cite(code, self.target))}](#{anchor})")

    def _resolve(self, fact_id: str, field_name: str | None) -> text.Markdown:
        if is_section(fact_id):
            return self._section_link(fact_id)
        entry = self.dossier.index.get(fact_id)
        if entry is None:
            return self._escape(f"[[{fact_id}]]")
        if field_name is not None:
            return self._escape(quotable_fields(entry.value).get(field_name, f"[[{fact_id}]]"))
        label = str(getattr(entry.value, "label", fact_id))
        home = self._citing_home(fact_id, entry)
        if self.link is not None:
            return self._linked(label, fact_id)
        if home is None:
            return self._escape(label)
        return text.Markdown(f"{self._escape(label)} ({self._section_link(home)})")

    def _citing_home(self, fact_id: str, entry: Any) -> str | None:
        """The section to cite for a fact: where this target presents it, in the part (S or
        P) being written when the fact is presented there, else its home."""
        shown = [
            code for code in self.view.sections_showing(fact_id) if presenting(code, self.target)
        ]
        if self._part is not None:
            same_part = [code for code in shown if code.split(".")[2] == self._part]
            if same_part:
                return same_part[0]
        return shown[0] if shown else self.view.home(entry)

    def _prose(self, value: str | Unknown | None) -> text.Markdown:
        if isinstance(value, Unknown):
            return self._escape(value)
        return text.prose(value, self._resolve, self.flavor) if value else text.Markdown("")

    def _cell(self, value: Any, prose: bool = False) -> text.Markdown:
        if value is None or value == "" or value == []:
            return text.Markdown("—")
        if isinstance(value, list):
            return text.Markdown("; ".join(self._cell(item, prose) for item in value))
        resolve = self._resolve if prose and not isinstance(value, Unknown) else None
        return text.cell(value, resolve, self.flavor)

    def _justification(self, test: Any, specification: Any) -> text.Markdown:
        """A test's justification cell; an empty one is a gap a reviewer would query."""
        if not test.justification:
            index = next(i for i, t in enumerate(specification.tests) if t.id == test.id)
            self._report(
                "DOS420",
                f"{specification.id}: test '{test.test}' has no justification",
                self.dossier.locate(specification.id, ("tests", index, "id")),
                "add `justification:` to the test: why this test and this acceptance "
                "criterion (ICH Q6A/Q6B; clinical and batch experience)",
            )
        return self._cell(test.justification, True)

    def _reference(self, fact_id: str | Unknown) -> text.Markdown:
        if isinstance(fact_id, Unknown):
            return self._escape(fact_id)
        return self._resolve(fact_id, None)

    def _label(self, fact_id: str | Unknown) -> text.Markdown:
        """A fact's label alone, for tables where a citation per cell is noise."""
        if isinstance(fact_id, Unknown):
            return self._escape(fact_id)
        entry = self.dossier.index.get(fact_id)
        label = getattr(entry.value, "label", fact_id) if entry else fact_id
        return self._linked(str(label), fact_id)

    def _controlled_at(self, control_id: str) -> text.Markdown:
        """Where a test or in-process control sits: its specification, or its process step."""
        specification = self.view.specification_of.get(control_id)
        if specification is not None:
            return self._reference(specification.id)
        return self._reference(self.view.get(control_id).unit_operation)

    def _cite_text(self, code: str) -> str:
        return cite(code, self.target)

    # --- sections ---------------------------------------------------------------------------

    def heading_text(self, heading: Heading) -> str:
        title = f"{heading.number} {heading.title}"
        if heading.section.code == "3.2.S" and (substance := self.view.all_substances()):
            title += f" [{substance}]"
        if heading.section.code == "3.2.P" and (product := self.view.product_name()):
            title += f" [{product}]"
        return self._escape(title)

    def _statements(self, narratives: list[Narrative], has_content: bool = False) -> list[str]:
        """Narratives as text; a declared gap under content the facts already give would
        contradict it, so it is left out and the build warns (DOS422)."""
        blocks = []
        for narrative in narratives:
            if narrative.status == "to-be-provided" and has_content:
                self._report(
                    "DOS422",
                    f"{narrative.id}: section {cite(narrative.section, self.target)} is "
                    "declared to be provided but already has content; the statement is left out",
                    self.dossier.locate(narrative.id, ("status",)),
                    "remove the narrative, or make it say what is still missing as text",
                )
                continue
            if narrative.status == "not-applicable":
                blocks.append("**Not applicable.** " + self._prose(narrative.reason))
            elif narrative.status == "to-be-provided":
                block = f"**To be provided:** {self._escape(narrative.expected or '')}."
                if narrative.reason:
                    block += " " + self._prose(narrative.reason)
                blocks.append(block)
            else:
                body = self.dossier.narrative_text(narrative) or ""
                if narrative.title:
                    blocks.append(self._subheading(narrative.title))
                blocks.append(self._prose(body))
        return blocks

    def statements(self, code: str) -> list[str]:
        """The not-applicable and to-be-provided statements made for a section."""
        return self._statements([n for n in self.view.narratives(code) if n.status != "provided"])

    def has_facts(self, heading: Heading) -> bool:
        """Whether facts or provided prose fill the section (a summary then points to it)."""
        code = heading.section.code
        provided = any(n.status == "provided" for n in self.view.narratives(code))
        return provided or bool(self._parts(heading))

    def _subheading(self, title: str) -> str:
        if self.flavor is text.SITE:
            return f"**{self._escape(title)}**"
        return '::: {custom-style="Subheading"}\n' + self._escape(title) + "\n:::"

    def outline(self) -> list[Heading]:
        return outline(self.target, self.product_type)

    def _parts(self, heading: Heading) -> list[tuple[Part, str]]:
        """Each part of a section with its rendered body, rendered once per section.

        The combined document and the granular eCTD files show the same bodies, so table
        numbers run through a section in both. An IMPD heading that presents several CTD
        sections (S.7, P.8) renders each under its label, with one table numbering.
        """
        code = heading.section.code
        if code not in self._rendered:
            counter = _TableCounter(heading.number, flavor=self.flavor)
            if heading.includes:
                rendered: list[tuple[Part, str]] = []
                for included in heading.includes:
                    blocks = [body for _, body in self._build(included.code, heading, counter)]
                    if included.narratives:
                        blocks.extend(
                            self._statements(
                                self.view.narratives(included.code),
                                any(b.strip() for b in blocks),
                            )
                        )
                    body = "\n\n".join(b for b in blocks if b.strip())
                    if body:
                        rendered.append((Part({}, label=included.label), body))
                self._rendered[code] = rendered
            else:
                self._rendered[code] = self._build(code, heading, counter)
        return self._rendered[code]

    def _build(self, code: str, heading: Heading, counter: _TableCounter) -> list[tuple[Part, str]]:
        builder = SECTION_BUILDERS.get(code)
        if builder is None:
            return []
        template_name, build = builder
        template = self.environment.get_template(f"sections/{template_name}.md.j2")
        return [
            (part, template.render(section=heading, table_caption=counter, **part.context).strip())
            for part in build(self.view)
        ]

    def section_body(self, heading: Heading, part_index: int | None = None) -> str:
        code = heading.section.code
        self._part = heading.part
        if self.target == "impd" and heading.part not in self.impd_parts:
            if heading.section.depth == 1:
                reason = IMPD_CASE_TEXT.get(self.view.impd_case(), "")
                return (
                    "**Not submitted.** Simplified IMPD (Regulation (EU) No 536/2014, "
                    f"Annex I, point 52): {self._escape(reason)}."
                )
            return ""
        blocks: list[str] = []
        parts = self._parts(heading)
        if part_index is not None:
            blocks.append(parts[part_index][1])
        else:
            for part, body in parts:
                if part.label:
                    blocks.append(self._subheading(part.label))
                blocks.append(body)
        blocks = [b for b in blocks if b.strip()]
        blocks.extend(self._statements(self.view.narratives(code), bool(blocks)))
        if not blocks and not descendants(code, self.target):
            self._gap(heading)
            blocks.append("**To be provided.** No information has been entered for this section.")
        return "\n\n".join(blocks)

    def _gap(self, heading: Heading) -> None:
        manifest = self.dossier.manifest
        self._report(
            "DOS401",
            f"{heading.number} {heading.title} has no content and no status statement",
            self.dossier.origins[manifest.id].start if manifest else None,
            f"add facts for this section, or a Narrative with section: "
            f"{heading.section.code} and status not-applicable (with reason) or "
            "to-be-provided (with expected)",
        )

    def _report(self, code: str, message: str, place: Any, hint: str) -> None:
        if message not in self._reported:
            self._reported.add(message)
            self.gaps.append(diagnostic(code, message, place, hint=hint))

    @property
    def impd_parts(self) -> frozenset[str]:
        return IMPD_PARTS[self.view.impd_case()]

    def _headed(self, heading: Heading, level: int, part_index: int | None = None) -> str:
        marks = "#" * min(level, 6)
        body = self.section_body(heading, part_index)
        return f"{marks} {self.heading_text(heading)} {{#{heading.anchor}}}\n\n{body}".rstrip()

    def excluded(self, heading: Heading) -> bool:
        """Sections below a part a simplified IMPD does not submit."""
        return (
            self.target == "impd"
            and heading.part not in self.impd_parts
            and heading.section.depth > 1
        )

    def document_control(self, title: str) -> str:
        """The cover's document-control table, from the manifest (DOCX moves the table of
        contents after it). The version is the document's own; the commit stays in the
        footer as a secondary identifier."""
        manifest = self.dossier.manifest
        if manifest is None:
            return ""
        control = manifest.document_control
        sponsor = self.dossier.index.get(manifest.sponsor)
        application, number = (
            (("IND number", control.ind_number), control.ind_document_number)
            if self.target == "ind"
            else (("EU CT number", control.eu_ct_number), control.impd_document_number)
        )
        date = control.date or self.issued
        product, code = manifest.product.name, manifest.product.code
        rows = [
            ("Product", product if code in product else f"{product} ({code})"),
            ("Sponsor", sponsor.value.label if sponsor else manifest.sponsor),
            application,
            ("Document", title),
            ("Document number", number),
            ("Version", manifest.document_version),
            ("Date", date if control.date else f"{date} (date of the commit)" if date else None),
            ("Status", control.status),
        ]
        lines = ["| Item | Entry |", "|----------------|----------------------------------------|"]
        for item, value in rows:
            shown = self._cell(value) if value is not None else text.Markdown("Not stated")
            lines.append(f"| {item} | {shown} |")
        table = "\n".join(lines) + "\n\n: Document control"
        return "::: {#document-control}\n" + table + "\n:::"

    def combined(self) -> Document:
        blocks = []
        offset = 1 if self.target == "ind" else 0
        if self.target == "ind":
            blocks.append("# 3.2 Body of Data {#ctd-3-2}")
        for heading in self.outline():
            if not self.excluded(heading):
                blocks.append(self._headed(heading, heading.section.depth + offset))
        name = "module-3-quality" if self.target == "ind" else "impd-quality"
        title = (
            "Module 3: Quality"
            if self.target == "ind"
            else "Investigational Medicinal Product Dossier: Quality"
        )
        if self.flavor is text.PANDOC:
            blocks.insert(0, self.document_control(title))
        return Document(PurePosixPath(name), title, "\n\n".join(blocks) + "\n")

    def granular(self) -> Iterator[Document]:
        """One document per eCTD leaf file, in the eCTD folder tree (IND only)."""
        for heading in outline("ind"):
            section = heading.section
            if section.ectd_file is None:
                continue
            folders = [*ECTD_ROOT, *self._expanded(ectd_folders(section.code))]
            split = [
                (index, part)
                for index, (part, _) in enumerate(self._parts(heading))
                if part.folder or part.number
            ]
            if not split:
                if section.ectd_folder not in PER_ITEM_FOLDERS:
                    yield self._granular_document(heading, folders, section.ectd_file)
                continue
            for index, part in split:
                where = [*folders, part.folder] if part.folder else folders
                name = f"{section.ectd_file}-{part.number}" if part.number else section.ectd_file
                yield self._granular_document(heading, where, name, index, part)

    def _granular_document(
        self,
        heading: Heading,
        folders: list[str],
        name: str,
        part_index: int | None = None,
        part: Part | None = None,
    ) -> Document:
        level0 = heading.section.depth
        blocks = [self._headed(heading, 1, part_index)]
        for child in descendants(heading.section.code, "ind"):
            if child.section.ectd_file is None:
                blocks.append(self._headed(child, child.section.depth - level0 + 1))
        title = f"{heading.number} {heading.title}"
        if part and part.label:
            title += f": {part.label}"
        return Document(PurePosixPath(*folders, name), title, "\n\n".join(blocks) + "\n")

    def _expanded(self, folders: list[str]) -> list[str]:
        """Replace the eCTD placeholders with names for this substance and product."""
        names = {
            "32s-drug-sub": ["32s-drug-sub", self.view.substance_folder()],
            "32p-drug-prod": ["32p-drug-prod", self.view.product_folder()],
            "32a3-excip-name-1": [],  # each novel excipient's part names its own folder
        }
        expanded: list[str] = []
        for folder in folders:
            expanded.extend(names.get(folder, [folder]))
        return expanded

    def documents(self) -> list[Document]:
        documents = [self.combined()]
        if self.target == "ind":
            documents.extend(self.granular())
        return documents
