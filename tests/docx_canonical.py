"""A DOCX conversion with only its ids canonicalised, to compare two conversions' content.

Relationship ids become their type and target, list numbers their definition (and the order
in which the document first uses them, so two lists stay two lists), bookmark ids and
footnote ids their order of appearance. Everything else is compared byte for byte.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W = f"{{{W}}}"
_RELS = {
    "word/document.xml": "word/_rels/document.xml.rels",
    "word/footnotes.xml": "word/_rels/footnotes.xml.rels",
}


def entries(converted: bytes) -> dict[str, bytes]:
    """A packed conversion (`publish/docx.py`) unpacked: the base DOCX and the stamp parts."""
    container = zipfile.ZipFile(io.BytesIO(converted))
    base = zipfile.ZipFile(io.BytesIO(container.read("base.docx")))
    found = {name: base.read(name) for name in base.namelist()}
    for name in container.namelist():
        if name.startswith("parts/"):
            found[name.removeprefix("parts/")] = container.read(name)
    return found


def _definitions(numbering: bytes) -> dict[str, str]:
    """numId -> digest of its abstract list definition (without ids) and overrides."""
    root = etree.fromstring(numbering)
    abstracts = {}
    for abstract in root.findall(f"{_W}abstractNum"):
        key = abstract.get(f"{_W}abstractNumId")
        copy = etree.fromstring(etree.tostring(abstract))
        del copy.attrib[f"{_W}abstractNumId"]
        for nsid in copy.findall(f"{_W}nsid"):
            copy.remove(nsid)
        abstracts[key] = etree.tostring(copy, method="c14n")
    numbers = {}
    for number in root.findall(f"{_W}num"):
        reference = number.find(f"{_W}abstractNumId").get(f"{_W}val")
        overrides = b"".join(etree.tostring(o) for o in number if o.tag != f"{_W}abstractNumId")
        digest = hashlib.sha256(abstracts[reference] + overrides).hexdigest()[:16]
        numbers[number.get(f"{_W}numId")] = digest
    return numbers


def _targets(rels: bytes) -> dict[str, str]:
    return {
        r.get("Id"): f"{r.get('Type').rsplit('/', 1)[-1]}:{r.get('Target')}:{r.get('TargetMode')}"
        for r in etree.fromstring(rels)
    }


def _in_order(pattern: str, text: str, names: dict[str, str] | None = None) -> str:
    """Each id matched renumbered by its first appearance (or named by `names`)."""
    order: dict[str, str] = {}

    def rename(match: re.Match[str]) -> str:
        old = match.group(2)
        if old not in order:
            shown = names.get(old, f"?{old}") if names is not None else ""
            order[old] = f"{len(order)}{'=' + shown if shown else ''}"
        return match.group(1) + order[old] + match.group(3)

    return re.sub(pattern, rename, text)


def canonical(converted: bytes) -> dict[str, bytes]:
    found = entries(converted)
    numbers = _definitions(found["word/numbering.xml"])
    for part, rels in _RELS.items():
        if part not in found:
            continue
        targets = _targets(found[rels]) if rels in found else {}
        text = found[part].decode("utf-8")
        text = re.sub(
            r'( r:(?:id|embed|link|pict)=")([^"]+)(")',
            lambda m, t=targets: m.group(1) + t.get(m.group(2), "?" + m.group(2)) + m.group(3),
            text,
        )
        text = _in_order(r'(<w:bookmark(?:Start|End) w:id=")(\d+)(")', text)
        text = _in_order(r'(<w:numId w:val=")(\d+)(")', text, numbers)
        text = _in_order(r'(<w:footnote(?:Reference)? (?:w:type="\w+" )?w:id=")(-?\d+)(")', text)
        found[part] = text.encode("utf-8")
        if rels in found:
            found[rels] = "\n".join(sorted(targets.values())).encode()
    found["word/numbering.xml"] = "\n".join(sorted(set(numbers.values()))).encode()
    return found
