"""Raw YAML documents to typed facts: schema errors become located diagnostics."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, get_args, get_origin

from pydantic import BaseModel, ValidationError

from cmc_dossier.diagnostics import Diagnostic, Location
from cmc_dossier.diagnostics.codes import diagnostic
from cmc_dossier.diagnostics.hints import did_you_mean
from cmc_dossier.loader import RawDocument, SourceDocument
from cmc_dossier.loader.safe_files import control_character, invisible_character
from cmc_dossier.model.base import FactBase
from cmc_dossier.model.dossier import Dossier, Entry
from cmc_dossier.model.kinds import FACT_ADAPTER, KIND_NAMES, FactKinds
from cmc_dossier.model.product import SUPPORTED_SCHEMA_VERSIONS, Manifest, Narrative
from cmc_dossier.model.unknowns import UNION_TAGS
from cmc_dossier.model.walk import Contents, contents

ReadText = Callable[[Path], str | None]
_KIND_CLASSES: dict[str, type[BaseModel]] = dict(zip(KIND_NAMES, FactKinds, strict=True))
_CODE_BY_ERROR = {
    "missing": "DOS102",
    "missing_conditional": "DOS102",
    "extra_forbidden": "DOS103",
    "union_tag_invalid": "DOS101",
    "union_tag_not_found": "DOS101",
    "established_condition_single_category": "DOS500",
}


def _model_at(cls: type[BaseModel], path: tuple[Any, ...]) -> type[BaseModel] | None:
    """The model class that holds the last key of `path`, for 'did you mean' hints."""
    current: Any = cls
    for part in path:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        fields = {info.alias or name: info for name, info in current.model_fields.items()}
        if part not in fields:
            return None
        current = _innermost_model(fields[part].annotation)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _innermost_model(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation) if get_origin(annotation) else ():
        found = _innermost_model(arg)
        if found is not None:
            return found
    return None


def _field_names(cls: type[BaseModel] | None) -> list[str]:
    if cls is None:
        return []
    return [info.alias or name for name, info in cls.model_fields.items()]


def _schema_diagnostics(
    document: RawDocument, kind: str, error: ValidationError
) -> list[Diagnostic]:
    found = []
    cls = _KIND_CLASSES[kind]
    for item in error.errors(include_url=False):
        # the first part is the kind's tag; the tags of known-or-unknown unions are no keys
        path = tuple(part for part in item["loc"][1:] if part not in UNION_TAGS)
        error_type = item["type"]
        code = _CODE_BY_ERROR.get(error_type, "DOS104")
        field_name = ".".join(str(p) for p in path) or kind
        hint = None
        if code == "DOS102" and error_type == "missing":
            location = document.locate(path[:-1])
            message = f"{kind} {_id_of(document)}: required field `{field_name}` is missing"
        elif code == "DOS102":
            location = document.locate(path)
            message = f"{kind} {_id_of(document)}: {item['msg']}"
        elif code == "DOS103":
            location = document.locate(path, key=True)
            message = f"{kind} has no field `{path[-1]}`"
            hint = did_you_mean(str(path[-1]), _field_names(_model_at(cls, path[:-1])))
            hint = hint or "allowed: " + ", ".join(_field_names(_model_at(cls, path[:-1])))
        else:
            location = document.locate(path)
            message = f"`{field_name}`: {item['msg']} (got {_shown(item.get('input'))})"
            context = item.get("ctx") or {}
            if context.get("hint"):
                hint = context["hint"]
            elif context.get("expected"):
                hint = f"allowed: {context['expected']}"
        found.append(diagnostic(code, message, location, hint=hint))
    return found


def _shown(value: object) -> str:
    if isinstance(value, dict | list):
        return type(value).__name__
    return repr(str(value)) if value is not None else "nothing"


def _id_of(document: RawDocument) -> str:
    value = document.data.get("id")
    return f"'{value}'" if isinstance(value, str) else "(no id)"


def _kind_problem(document: RawDocument) -> Diagnostic | None:
    kind = document.data.get("kind")
    if kind is None:
        return diagnostic(
            "DOS101",
            "fact has no `kind`",
            document.start,
            hint="add `kind:` with one of: " + ", ".join(KIND_NAMES),
        )
    if kind not in KIND_NAMES:
        return diagnostic(
            "DOS101",
            f"unknown kind '{kind}'",
            document.locate(("kind",)),
            hint=did_you_mean(str(kind), KIND_NAMES) or "kinds: " + ", ".join(KIND_NAMES),
        )
    return None


def validate_document(document: RawDocument) -> tuple[FactBase | None, list[Diagnostic]]:
    """One YAML document against the schema of its kind."""
    problem = _kind_problem(document)
    if problem is not None:
        return None, [problem]
    try:
        return FACT_ADAPTER.validate_python(document.data), []
    except ValidationError as error:
        return None, _schema_diagnostics(document, str(document.data["kind"]), error)


def _register(
    entry: Entry,
    place: SourceDocument,
    index: dict[str, Entry],
    origins: dict[str, SourceDocument],
) -> Diagnostic | None:
    """Index an ID; where the first holder wrote it is found only if the ID comes again."""
    if entry.id in index:
        holder = index[entry.id]
        first = origins[holder.fact.id].locate((*holder.path, "id"))
        return diagnostic(
            "DOS105",
            f"ID '{entry.id}' is already used by the {holder.kind} at {first}",
            place.locate((*entry.path, "id")),
            hint="IDs are permanent and unique across the dossier; choose a new one",
            related=(first,),
        )
    index[entry.id] = entry
    return None


def _read_narrative(
    narrative: Narrative, document: SourceDocument, root: Path, read_text: ReadText
) -> tuple[tuple[Path, str] | None, Diagnostic | None]:
    assert narrative.file is not None
    relative = (document.source.name.parent / narrative.file).resolve()
    text = None
    if relative.is_relative_to(root.resolve()):
        text = read_text(relative)
    if text is None:
        return None, diagnostic(
            "DOS011",
            f"narrative file '{narrative.file}' cannot be read",
            document.locate(("file",)),
            hint="the path is relative to this YAML file and must stay inside the dossier",
        )
    shown = document.source.name.parent / narrative.file
    return (shown, text), control_character(shown, text) or invisible_character(shown, text)


def assemble(
    documents: Iterable[RawDocument], root: Path, read_text: ReadText
) -> tuple[Dossier, list[Diagnostic]]:
    """Validate every document against its kind and index every ID, reporting all problems.

    Documents are taken one by one and only their place is kept, so a reader that yields
    them file by file never holds the plain data of the whole dossier.
    """
    diagnostics: list[Diagnostic] = []
    facts: list[FactBase] = []
    index: dict[str, Entry] = {}
    origins: dict[str, SourceDocument] = {}
    found_in: dict[str, Contents] = {}
    manifests: list[tuple[Manifest, SourceDocument]] = []
    unreadable: set[str] = set()
    narrative_files: dict[str, tuple[Path, str]] = {}

    for document in documents:
        fact, problems = validate_document(document)
        if fact is None:
            diagnostics.extend(problems)
            _remember_unreadable(document, unreadable)
            continue
        place = document.place
        duplicate = _register(Entry(fact.id, fact.kind, fact, fact, ()), place, index, origins)
        if duplicate is not None:
            diagnostics.append(duplicate)
            continue
        facts.append(fact)
        origins[fact.id] = place
        found_in[fact.id] = fact_contents = contents(fact)
        for path, item in fact_contents.items:
            entry = Entry(item.id, type(item).__name__, item, fact, path)
            duplicate = _register(entry, place, index, origins)
            if duplicate is not None:
                diagnostics.append(duplicate)
        if isinstance(fact, Manifest):
            manifests.append((fact, place))
        if isinstance(fact, Narrative) and fact.file is not None:
            found, problem = _read_narrative(fact, place, root, read_text)
            if found:
                narrative_files[fact.id] = found
            if problem:
                diagnostics.append(problem)

    manifest = _manifest(manifests, root, diagnostics)
    dossier = Dossier(
        manifest, facts, index, dict(origins), found_in, narrative_files, frozenset(unreadable)
    )
    return dossier, diagnostics


def _remember_unreadable(document: RawDocument, unreadable: set[str]) -> None:
    value = document.data.get("id")
    if isinstance(value, str):
        unreadable.add(value)


def _manifest(
    manifests: list[tuple[Manifest, SourceDocument]], root: Path, diagnostics: list[Diagnostic]
) -> Manifest | None:
    if not manifests:
        diagnostics.append(
            diagnostic(
                "DOS106",
                "the dossier has no manifest (`kind: Manifest`)",
                Location(root),
                hint="add dossier.yaml with the product, modality, phase and contexts",
            )
        )
        return None
    first, _ = manifests[0]
    for _, document in manifests[1:]:
        diagnostics.append(
            diagnostic(
                "DOS106",
                f"a second manifest; the first is '{first.id}'",
                document.start,
                hint="keep one manifest per dossier",
            )
        )
    if first.schema_version not in SUPPORTED_SCHEMA_VERSIONS:
        diagnostics.append(
            diagnostic(
                "DOS107",
                f"schema_version '{first.schema_version}' is not supported",
                manifests[0][1].locate(("schema_version",)),
                hint="supported: " + ", ".join(SUPPORTED_SCHEMA_VERSIONS),
            )
        )
    return first
