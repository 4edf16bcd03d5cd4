"""Adding values to fact files with ruamel.yaml's round-trip mode, keeping everything else.

A file is edited only if ruamel reproduces it byte for byte before any change, with one of
the usual indentation styles; otherwise the import stops rather than reformat it. New
keys go where the model orders them; new list items take the style of their neighbours.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.nodes import ScalarNode
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

# (mapping, sequence, offset): "- " under its key, or indented by two more spaces
_INDENTS = ((2, 4, 2), (2, 2, 0), (4, 4, 2), (4, 6, 4))
_STRING_TAG = "tag:yaml.org,2002:str"


class NotRoundTrip(Exception):
    """ruamel.yaml cannot reproduce the file as written; editing it would reformat it."""


class FactFile:
    """The YAML documents of one fact file, open for adding values."""

    def __init__(self, text: str) -> None:
        self._yaml, self.documents = _reproducing(text)

    def document(self, fact_id: str) -> CommentedMap:
        return next(
            d for d in self.documents if isinstance(d, CommentedMap) and d.get("id") == fact_id
        )

    def text(self) -> str:
        out = io.StringIO()
        self._yaml.dump_all(self.documents, out)
        return out.getvalue()

    def scalar(self, value: str) -> str:
        """A string that stays a string: double-quoted where it would read as another type."""
        tag = self._yaml.resolver.resolve(ScalarNode, value, (True, False))
        return value if tag == _STRING_TAG else DoubleQuotedScalarString(value)


def _yaml(mapping: int, sequence: int, offset: int) -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 1_000_000  # never fold a long line the author kept on one line
    yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
    return yaml


def _reproducing(text: str) -> tuple[YAML, list[Any]]:
    """A YAML instance that writes the file back unchanged, and the documents it read."""
    documents: list[Any] | None = None
    for indents in _INDENTS:
        yaml = _yaml(*indents)
        out = io.StringIO()
        try:
            if documents is None:  # indentation only matters when writing: read once
                documents = list(yaml.load_all(text))
            yaml.dump_all(documents, out)
        except YAMLError:  # a construct ruamel reads differently: do not touch the file
            break
        if out.getvalue() == text:
            return yaml, documents
    raise NotRoundTrip


def ensure_key(document: CommentedMap, key: str, order: Iterable[str], empty: Any) -> Any:
    """The value at `key`, created empty where the model's field `order` puts it."""
    if key in document:
        return document[key]
    names = list(order)
    later = set(names[names.index(key) + 1 :])
    position = next((i for i, k in enumerate(document) if k in later), len(document))
    document.insert(position, key, empty)
    return document[key]


def new_mapping(like: Any = None) -> CommentedMap:
    """An empty mapping in the flow or block style of `like`."""
    mapping = CommentedMap()
    if isinstance(like, CommentedMap | CommentedSeq) and like.fa.flow_style():
        mapping.fa.set_flow_style()
    return mapping
