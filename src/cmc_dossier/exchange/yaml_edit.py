"""Adding values to fact files as inserted text, keeping every existing byte.

The strict loader's node marks say where each mapping and list of a file ends; new entries
are inserted there as text in the style of their neighbours (block or flow, indentation
as found), so comments, key order, quoting and spacing of everything else stay as typed.
A round-trip YAML library would re-emit whole files (and took 85 % of a large import).
The caller reads the edited text back and compares it with what it meant to write.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import yaml

from cmc_dossier.loader.strict_yaml import compose_documents

# A value: text, a mapping of values, or a list of mappings (stability results)
Value = str | dict[str, "Value"] | list[dict[str, "Value"]]

# Text that stays plain in any context: starts with a letter or a comparison sign, holds
# no indicator that could end or start a YAML construct.
_PLAIN = re.compile(r"(?:[^\W\d_]|[<≤≥±(])[^:#\[\]{},\t\r\n]*")
_PLAIN_DIGIT = re.compile(r"\d[^:#\[\]{},\t\r\n]* [^:#\[\]{},\t\r\n]*")  # "90 %", not "90"
_DATE_START = re.compile(r"\d{4}-\d\d?-\d\d?")
# YAML 1.1 booleans and null, in any case
_WORDS_OF_OTHER_TYPES = frozenset(["y", "yes", "n", "no", "true", "false", "on", "off", "null"])


class NotEditable(Exception):
    """The file cannot take new entries without touching what is already written."""


@dataclass(frozen=True)
class _Insertion:
    offset: int
    order: int
    text: str


class FactFile:
    """One fact file's text and composed nodes, collecting insertions."""

    def __init__(self, text: str) -> None:
        if re.search(r"\r(?!\n)", text):
            raise NotEditable("line breaks other than LF or CRLF")
        self.source = text
        self.newline = "\r\n" if "\r\n" in text else "\n"
        self.documents = [d for d in compose_documents(text) if isinstance(d, yaml.MappingNode)]
        self.step, self.dash_offset = _indentation(self.documents)
        self._by_id = {_scalar_at(d, "id"): d for d in self.documents}
        self._insertions: list[_Insertion] = []

    def document(self, fact_id: str) -> yaml.MappingNode:
        return self._by_id[fact_id]

    def text(self) -> str:
        parts, last = [], 0
        for insertion in sorted(self._insertions, key=lambda i: (i.offset, i.order)):
            parts += [self.source[last : insertion.offset], insertion.text]
            last = insertion.offset
        return "".join([*parts, self.source[last:]])

    def _insert(self, offset: int, text: str) -> None:
        self._insertions.append(_Insertion(offset, len(self._insertions), text))

    def add_entries(
        self, mapping: yaml.MappingNode, entries: dict[str, Value], position: int | None = None
    ) -> None:
        """Add keys to a mapping, after its entry `position - 1` (default: at its end)."""
        position = len(mapping.value) if position is None else position
        if mapping.flow_style:
            pieces = [f"{_scalar(k, flow=True)}: {_flow(v)}" for k, v in entries.items()]
            if position == 0:
                after, text = mapping.start_mark.index + 1, ", ".join(pieces)
                text += ", " if mapping.value else ""
            else:
                after = mapping.value[position - 1][1].end_mark.index
                text = "".join(f", {piece}" for piece in pieces)
            self._insert(after, text)
            return
        column = mapping.value[0][0].start_mark.column
        text = "".join(self._block_entry(k, v, column) for k, v in entries.items())
        if position == 0:
            first = mapping.value[0][0].start_mark
            if self.source[first.index - first.column : first.index].strip():
                raise NotEditable("a new first key would share its line with a list dash")
            self._insert(first.index - first.column, text)
        else:
            self._insert_after_line(_end(mapping.value[position - 1][1]), text)

    def append_items(
        self, sequence: yaml.SequenceNode, items: list[dict[str, Value]], flow_values: bool
    ) -> None:
        """Add mappings at the end of a list, in the style of its last item."""
        like = sequence.value[-1] if sequence.value else None
        flow_item = isinstance(like, yaml.MappingNode) and like.flow_style
        if sequence.flow_style:
            rendered = [_flow(item) for item in items]
            if sequence.value:
                self._insert(sequence.value[-1].end_mark.index, "".join(f", {r}" for r in rendered))
            else:
                self._insert(sequence.start_mark.index + 1, ", ".join(rendered))
            return
        dash = sequence.start_mark.column
        key_column = like.value[0][0].start_mark.column if like is not None else dash + 2
        text = "".join(
            " " * dash + "- " + _flow(item) + self.newline
            if flow_item
            else self._block_item(item, dash, key_column, flow_values)
            for item in items
        )
        self._insert_after_line(_end(sequence), text)

    def new_list(self, items: list[dict[str, Value]], parent_column: int) -> str:
        """A block list for a new key (the text after `key:`), dashes as the file has them."""
        dash = parent_column + self.dash_offset
        return self.newline + "".join(
            self._block_item(item, dash, dash + 2, flow_values=False) for item in items
        )

    def _block_item(
        self, item: dict[str, Value], dash: int, key_column: int, flow_values: bool
    ) -> str:
        lines = [self._block_entry(k, v, key_column, flow_values) for k, v in item.items()]
        first = " " * (key_column - dash - 2) + lines[0][key_column:]
        return " " * dash + "- " + first + "".join(lines[1:])

    def _block_entry(self, key: str, value: Value, column: int, flow_values: bool = False) -> str:
        head = " " * column + _scalar(key, flow=False) + ":"
        if isinstance(value, dict) and not flow_values:
            nested = "".join(self._block_entry(k, v, column + self.step) for k, v in value.items())
            return head + self.newline + nested
        if isinstance(value, list):
            return head + self.new_list(value, column)
        text = _flow(value) if isinstance(value, dict) else _scalar(value, flow=False)
        return f"{head} {text}{self.newline}"

    def _insert_after_line(self, mark: yaml.Mark, text: str) -> None:
        if mark.column == 0:
            self._insert(mark.index, text)
            return
        end = self.source.find("\n", mark.index)
        if end < 0:
            self._insert(len(self.source), self.newline + text.removesuffix(self.newline))
        else:
            self._insert(end + 1, text)


def child(mapping: yaml.MappingNode, key: str) -> yaml.Node | None:
    return next((v for k, v in mapping.value if k.value == key), None)


def key_position(mapping: yaml.MappingNode, key: str, order: list[str]) -> int:
    """Where a new `key` goes among the mapping's keys: before the first that the model
    orders after it."""
    later = set(order[order.index(key) + 1 :])
    return next(
        (i for i, (k, _) in enumerate(mapping.value) if k.value in later), len(mapping.value)
    )


def _scalar_at(mapping: yaml.MappingNode, key: str) -> str | None:
    node = child(mapping, key)
    return node.value if isinstance(node, yaml.ScalarNode) else None


def _end(node: yaml.Node) -> yaml.Mark:
    """Where a node's own text ends (a block collection's mark runs on to the next token)."""
    if isinstance(node, yaml.MappingNode) and not node.flow_style and node.value:
        return _end(node.value[-1][1])
    if isinstance(node, yaml.SequenceNode) and not node.flow_style and node.value:
        return _end(node.value[-1])
    return node.end_mark


def _indentation(documents: list[yaml.MappingNode]) -> tuple[int, int]:
    """The file's nested-mapping step and list-dash offset, from the first of each found."""
    steps: list[int] = []
    offsets: list[int] = []
    pending: list[yaml.Node] = list(documents)
    while pending and not (steps and offsets):
        node = pending.pop(0)
        if isinstance(node, yaml.SequenceNode):
            pending.extend(node.value)
        if not isinstance(node, yaml.MappingNode) or node.flow_style:
            continue
        for key, value in node.value:
            if not isinstance(value, yaml.CollectionNode) or value.flow_style or not value.value:
                continue
            column = key.start_mark.column
            if isinstance(value, yaml.MappingNode):
                steps.append(value.value[0][0].start_mark.column - column)
            else:
                offsets.append(value.start_mark.column - column)
            pending.append(value)
    return (steps or [2])[0], (offsets or [2])[0]


def _flow(value: Value) -> str:
    if isinstance(value, dict):
        pairs = (f"{_scalar(k, flow=True)}: {_flow(v)}" for k, v in value.items())
        return "{" + ", ".join(pairs) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    return _scalar(value, flow=True)


@lru_cache(maxsize=65_536)
def _scalar(value: str, flow: bool) -> str:
    """The value as YAML text that reads back as exactly this string, plain where possible."""
    if (
        value == value.strip()
        and value.isprintable()
        and (
            (_PLAIN.fullmatch(value) and value.lower() not in _WORDS_OF_OTHER_TYPES)
            or (_PLAIN_DIGIT.fullmatch(value) and not _DATE_START.match(value))
        )
        and value != "<<"
    ):
        return value
    dumped = yaml.dump(
        [value],
        Dumper=yaml.CSafeDumper,
        default_flow_style=flow,
        allow_unicode=True,
        width=1 << 30,
    )
    text = dumped[1:-2] if flow else dumped[2:-1]
    if "\n" in text:  # a folded quoted scalar would need the file's indentation: escape
        text = yaml.dump(
            [value], Dumper=yaml.CSafeDumper, default_style='"', allow_unicode=True, width=1 << 30
        )[2:-1]
    return text
