"""Source files and the documents read from them, with positions found on demand.

Positions are only needed when something is wrong, so they are not stored per value:
a document keeps its source text and re-composes it when asked where a path lies. That
keeps a 50k-fact dossier's memory close to the facts themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import yaml

from cmc_dossier.diagnostics import Location

PathKey = str | int


@dataclass(eq=False)
class SourceFile:
    """One fact file's text and the name it is shown under (a path or a git path)."""

    name: Path
    text: str

    @cached_property
    def nodes(self) -> list[yaml.Node]:
        """The composed documents, built once and only when a position is asked for."""
        from cmc_dossier.loader.strict_yaml import compose_documents

        return compose_documents(self.text)


@dataclass(eq=False, slots=True)
class SourceDocument:
    """Where one YAML document was written: its file, its index there and its start.

    This is what a validated fact keeps of its document, so that the plain data can be
    freed once the fact is built; positions inside it are found on demand.
    """

    source: SourceFile
    index: int
    line: int
    column: int

    @property
    def start(self) -> Location:
        return Location(self.source.name, self.line, self.column)

    @property
    def _root(self) -> yaml.Node | None:
        nodes = self.source.nodes
        return nodes[self.index] if self.index < len(nodes) else None

    def locate(self, path: tuple[PathKey, ...], *, key: bool = False) -> Location:
        """Where the value at `path` was typed; the deepest existing ancestor if absent.

        With key=True, the position of the mapping key itself (for unknown fields).
        """
        node = self._root
        if node is None:
            return self.start
        mark = node.start_mark
        for part in path:
            child_key_mark, child = _child(node, part)
            if child is None:
                break
            node = child
            mark = child_key_mark if key and child_key_mark is not None else child.start_mark
        return Location(self.source.name, mark.line + 1, mark.column + 1)

    def locate_in_text(self, path: tuple[PathKey, ...], text: str, offset: int) -> Location:
        """Where character `offset` of the string value at `path` was typed.

        Exact for single-line values and for block scalars (| and >), the way prose is written.
        """
        start = self.locate(path)
        before = text[:offset]
        line = before.count("\n")
        column = offset - (before.rfind("\n") + 1)
        source_lines = self.source.text.split("\n")
        opener = source_lines[start.line - 1][start.column - 1 :] if start.line else ""
        if opener.startswith(("|", ">")):
            content_line = start.line + 1 + line
            content = source_lines[content_line - 1] if content_line <= len(source_lines) else ""
            indent = len(content) - len(content.lstrip(" "))
            return Location(start.file, content_line, indent + column + 1)
        if line:
            return Location(start.file, start.line + line, column + 1)
        quote = 1 if opener.startswith(("'", '"')) else 0
        return Location(start.file, start.line, start.column + quote + column)


@dataclass(eq=False, slots=True)
class RawDocument(SourceDocument):
    """One YAML document as plain data, before the schema has looked at it."""

    data: dict[str, object]

    @property
    def place(self) -> SourceDocument:
        """This document without its data."""
        return SourceDocument(self.source, self.index, self.line, self.column)


def _child(node: yaml.Node, part: PathKey) -> tuple[yaml.Mark | None, yaml.Node | None]:
    if isinstance(node, yaml.MappingNode) and isinstance(part, str):
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == part:
                return key_node.start_mark, value_node
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
        return None, node.value[part]
    return None, None
