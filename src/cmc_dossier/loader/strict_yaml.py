"""A strict YAML reader on libyaml's C parser.

PyYAML's safe loader follows YAML 1.1: it turns NO into False, 1:20 into 80, 0755 into
493, 1.10 into 1.1 and keeps the last of two duplicate keys. For regulatory facts each of
those silently changes what the user typed. Here the C parser only composes nodes; no
implicit type is resolved. Unquoted scalars become `PlainScalar` (a str), so text fields
keep exactly what was typed and numeric fields of the model parse the digits themselves.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import ClassVar

import yaml
from yaml.cyaml import CParser
from yaml.resolver import BaseResolver

from cmc_dossier.diagnostics import Diagnostic, Location
from cmc_dossier.diagnostics.codes import diagnostic
from cmc_dossier.loader.safe_files import (
    MAX_NESTING,
    control_character,
    control_diagnostic,
    control_in_value,
    invisible_character,
    invisible_diagnostic,
    invisible_in_value,
)
from cmc_dossier.loader.source import RawDocument, SourceFile
from cmc_dossier.scalars import PlainScalar

_STR = "tag:yaml.org,2002:str"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"
_NULL_WORDS = frozenset({"", "~", "null", "Null", "NULL"})
_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# An anchor or alias starts a token; anything else with & or * is ordinary text.
# An anchor, alias or tag starts a token; prose rarely does that, so most files skip the scan.
_MAYBE_ALIAS_OR_TAG = re.compile(r"(?:^|[\s\[{,])(?:[&*][^\s,\[\]{}]|!)", re.MULTILINE)


class _Composer(CParser, BaseResolver):
    """libyaml parsing and composition that resolves no implicit type.

    An untagged node gets the generic tag of its kind; path-based resolution is skipped,
    which also spares a Python call per node for work whose result we would ignore.
    """

    _TAGS: ClassVar[dict[type, str]] = {
        yaml.ScalarNode: _STR,
        yaml.SequenceNode: _SEQ,
        yaml.MappingNode: _MAP,
    }

    def __init__(self, text: str) -> None:
        CParser.__init__(self, text)
        BaseResolver.__init__(self)

    def resolve(self, kind: type, value: object, implicit: object) -> str:
        return self._TAGS[kind]

    def descend_resolver(self, current_node: object, current_index: object) -> None:
        return None

    def ascend_resolver(self) -> None:
        return None


def compose_documents(text: str) -> list[yaml.Node]:
    composer = _Composer(text)
    try:
        documents = []
        while composer.check_node():
            documents.append(composer.get_node())
        return documents
    finally:
        composer.dispose()


def _location(source: SourceFile, mark: yaml.Mark | None) -> Location:
    if mark is None:
        return Location(source.name)
    return Location(source.name, mark.line + 1, mark.column + 1)


def _line_column(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def decode(path: Path, raw: bytes) -> tuple[str | None, list[Diagnostic]]:
    """Bytes to text, refusing what would make positions or symbols unreliable."""
    if raw.startswith(_BOM):
        return None, [
            diagnostic(
                "DOS002",
                "file starts with a UTF-8 byte-order mark",
                Location(path, 1, 1),
                hint="save the file as UTF-8 without BOM",
            )
        ]
    if raw.startswith(_UTF16_BOMS):
        return None, [
            diagnostic(
                "DOS001",
                "file is UTF-16, not UTF-8",
                Location(path, 1, 1),
                hint="save the file as UTF-8",
            )
        ]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        good = raw[: error.start].decode("utf-8", errors="replace")
        line, column = _line_column(good, len(good))
        return None, [
            diagnostic(
                "DOS001",
                f"byte 0x{raw[error.start]:02x} is not valid UTF-8",
                Location(path, line, column),
                hint="save the file as UTF-8; a file saved from Excel or Word as "
                "'ANSI' or Latin-1 shows this",
            )
        ]
    control = control_character(path, text)
    if control:
        return None, [control]
    invisible = invisible_character(path, text)
    return text, [invisible] if invisible else []


def _first_alias_or_tag(source: SourceFile) -> Diagnostic | None:
    """Aliases, and explicit tags: once composed, `!!str 30` and `!x` look like plain text."""
    text = source.text
    # most files hold none of these characters: a plain search is far cheaper than the pattern
    if all(c not in text for c in "&*!") or not _MAYBE_ALIAS_OR_TAG.search(text):
        return None
    for event in yaml.parse(source.text, Loader=_Composer):
        if isinstance(event, yaml.AliasEvent):
            return diagnostic(
                "DOS007",
                f"alias *{event.anchor} is not allowed",
                _location(source, event.start_mark),
                hint="write the value out, or refer to another fact by its ID",
            )
        tag = getattr(event, "tag", None)
        if tag is not None:
            return diagnostic(
                "DOS008",
                f"tag {_short_tag(tag)} is not allowed",
                _location(source, event.start_mark),
                hint="remove the tag; types come from the schema",
            )
    return None


def _syntax_error(source: SourceFile, error: yaml.YAMLError) -> Diagnostic:
    mark = getattr(error, "problem_mark", None)
    problem = getattr(error, "problem", None) or str(error)
    context = getattr(error, "context", None)
    location = _location(source, mark)
    if mark is not None and _tab_in_indentation(source.text, mark.line):
        return diagnostic(
            "DOS003",
            "tab character where YAML expects indentation",
            location,
            hint="indent with spaces only; set your editor to insert spaces for Tab",
        )
    message = f"{context}, {problem}" if context else problem
    return diagnostic("DOS004", message, location, hint="check the structure near this line")


def _tab_in_indentation(text: str, line_index: int) -> bool:
    lines = text.split("\n", line_index + 1)
    if line_index >= len(lines):
        return False
    line = lines[line_index]
    return "\t" in line[: len(line) - len(line.lstrip(" \t"))]


def _short_tag(tag: str) -> str:
    return tag.replace("tag:yaml.org,2002:", "!!")


class _Builder:
    """Turns composed nodes into plain data, reporting every problem found on the way."""

    def __init__(self, source: SourceFile) -> None:
        self.source = source
        self.diagnostics: list[Diagnostic] = []

    def value(self, node: yaml.Node, depth: int = 1) -> object:
        if depth > MAX_NESTING:
            raise _TooDeep(node.start_mark)
        if isinstance(node, yaml.ScalarNode):
            if node.tag != _STR:
                return self._bad_tag(node)
            if node.style == '"' and (character := control_in_value(node.value)):
                self.diagnostics.append(
                    control_diagnostic(character, _location(self.source, node.start_mark))
                )
            elif (
                node.style == '"'
                and (character := invisible_in_value(node.value))
                and character not in self.source.text  # written as an escape: unseen by decode
            ):
                self.diagnostics.append(
                    invisible_diagnostic(character, _location(self.source, node.start_mark))
                )
            if node.style:
                return node.value
            return None if node.value in _NULL_WORDS else PlainScalar(node.value)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _SEQ:
                return self._bad_tag(node)
            return [self.value(item, depth + 1) for item in node.value]
        if node.tag != _MAP:
            return self._bad_tag(node)
        return self.mapping(node, depth)

    def mapping(self, node: yaml.MappingNode, depth: int = 1) -> dict[str, object]:
        result: dict[str, object] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != _STR:
                self.diagnostics.append(
                    diagnostic(
                        "DOS010",
                        "mapping keys must be plain text",
                        _location(self.source, key_node.start_mark),
                    )
                )
                continue
            key = key_node.value
            if key in result:
                first = next(k for k, _ in node.value if k.value == key)
                first_at = _location(self.source, first.start_mark)
                self.diagnostics.append(
                    diagnostic(
                        "DOS006",
                        f"duplicate key '{key}' (first at line {first_at.line})",
                        _location(self.source, key_node.start_mark),
                        hint="keep one of the two entries; YAML would keep the last silently",
                        related=(first_at,),
                    )
                )
                continue
            result[key] = self.value(value_node, depth + 1)
        return result

    def _bad_tag(self, node: yaml.Node) -> None:
        self.diagnostics.append(
            diagnostic(
                "DOS008",
                f"tag {_short_tag(node.tag)} is not allowed",
                _location(self.source, node.start_mark),
                hint="remove the tag; types come from the schema",
            )
        )
        return


def load_source(source: SourceFile) -> tuple[list[RawDocument], list[Diagnostic]]:
    """All YAML documents of one file as plain data, or the reasons they cannot be read."""
    alias = _first_alias_safely(source)
    if alias is not None:
        return [], [alias]
    # PyYAML's C composer recurses without a depth check: some 30,000 flow openers in a
    # 30 KB file overflow the stack (SIGSEGV). Only a file with thousands of openers can
    # nest that deep; those are measured first from the parser's events, which do not recurse.
    if source.text.count("[") + source.text.count("{") > _OPENERS_COMPOSED_UNCHECKED:
        mark = _deepest_event(source.text)
        if mark is not None:
            return [], [_too_deep(source, mark)]
    try:
        nodes = compose_documents(source.text)
    except yaml.YAMLError as error:
        return [], [_syntax_error(source, error)]
    except RecursionError:
        return [], [_too_deep(source, _deepest_event(source.text))]
    builder = _Builder(source)
    try:
        return _documents(source, nodes, builder)
    except _TooDeep as deep:
        return [], [_too_deep(source, deep.mark)]


# 10,000 nested flow collections compose safely on an 8 MB stack (tests); 30,000 do not.
_OPENERS_COMPOSED_UNCHECKED = 5_000


class _TooDeep(Exception):
    def __init__(self, mark: yaml.Mark) -> None:
        self.mark = mark


def _deepest_event(text: str) -> yaml.Mark | None:
    """Where nesting first passes the limit, from the parser's events (no recursion)."""
    depth = 0
    for event in yaml.parse(text, Loader=_Composer):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_NESTING:
                return event.start_mark
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    return None


def _too_deep(source: SourceFile, mark: yaml.Mark | None) -> Diagnostic:
    return diagnostic(
        "DOS018",
        f"values nested more than {MAX_NESTING} levels deep",
        _location(source, mark),
        hint="a fact is a few levels deep; this nesting is a mistake or an attack",
    )


def _documents(
    source: SourceFile, nodes: list[yaml.Node], builder: _Builder
) -> tuple[list[RawDocument], list[Diagnostic]]:
    documents: list[RawDocument] = []
    for index, node in enumerate(nodes):
        if isinstance(node, yaml.ScalarNode) and node.tag == _STR and node.value == "":
            continue  # an empty document, e.g. after a trailing '---'
        where = node.start_mark
        if not isinstance(node, yaml.MappingNode) or node.tag != _MAP:
            builder.diagnostics.append(
                diagnostic(
                    "DOS010",
                    "a fact must be a mapping with `kind` and `id`",
                    _location(source, where),
                    hint="start the document with `kind: <Kind>` and `id: <ID>`",
                )
            )
            continue
        data = builder.mapping(node)
        documents.append(RawDocument(source, index, where.line + 1, where.column + 1, data))
    if not documents and not builder.diagnostics:
        builder.diagnostics.append(
            diagnostic(
                "DOS005",
                "file holds no YAML document",
                Location(source.name, 1, 1),
                hint="add facts or delete the file",
            )
        )
    return documents, builder.diagnostics


def _first_alias_safely(source: SourceFile) -> Diagnostic | None:
    try:
        return _first_alias_or_tag(source)
    except yaml.YAMLError:
        return None  # the composer reports the syntax error with its position
