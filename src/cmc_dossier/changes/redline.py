"""Documents at two revisions as one Markdown with pandoc tracked-change spans.

Lines are matched first, then words inside changed lines. Changed words are wrapped in
[...]{.deletion} / [...]{.insertion} spans, which pandoc writes as Word w:del / w:ins, so a
reviewer accepts or rejects each change in Word. Spans never cross a table cell border or
wrap structural lines (table rules, fenced divs, blank lines), so the document keeps its
shape; the Markdown is already escaped, so brackets inside spans are literal.
"""

from __future__ import annotations

import io
import itertools
import re
import zipfile
from difflib import SequenceMatcher
from pathlib import Path

from cmc_dossier.changes.snapshot import Snapshot
from cmc_dossier.diagnostics import Diagnostic
from cmc_dossier.model.product import Manifest
from cmc_dossier.publish.docx import Stamp, to_docx
from cmc_dossier.publish.pipeline import reference_document
from cmc_dossier.render.documents import Document
from cmc_dossier.render.targets import renderer_for

# Spaces, a cell border, or a word; a word keeps its backslash escapes whole, so an escaped
# "\|" inside a cell is text, never a border the spans are split at (a lone backslash, at
# a line's end, is a word too: every character belongs to one token).
_TOKENS = re.compile(r"\s+|\||(?:\\\S|[^\s|\\]|\\)+")
_STRUCTURAL = re.compile(r"^\s*$|^\|[-|: ]+\|\s*$|^:::|^#+\s|^: Table ")


def _attributes(kind: str, author: str, date: str) -> str:
    safe = author.replace('"', "'").replace("\\", "/")
    return f'{{.{kind} author="{safe}" date="{date}"}}'


def _wrap(tokens: list[str], kind: str, author: str, date: str) -> str:
    """Wrap words in spans, leaving cell borders and surrounding spaces outside."""
    out: list[str] = []
    run: list[str] = []

    def flush() -> None:
        text = "".join(run)
        stripped = text.strip()
        if stripped:
            lead = text[: len(text) - len(text.lstrip())]
            trail = text[len(text.rstrip()) :]
            out.append(f"{lead}[{stripped}]{_attributes(kind, author, date)}{trail}")
        else:
            out.append(text)
        run.clear()

    for token in tokens:
        if token == "|":
            flush()
            out.append(token)
        else:
            run.append(token)
    flush()
    return "".join(out)


def _words(old: str, new: str, author: str, date: str) -> str:
    a, b = _TOKENS.findall(old), _TOKENS.findall(new)
    out: list[str] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            out.append("".join(b[j1:j2]))
            continue
        if i2 > i1:
            out.append(_wrap(a[i1:i2], "deletion", author, date))
        if j2 > j1:
            out.append(_wrap(b[j1:j2], "insertion", author, date))
    return "".join(out)


def _whole_line(line: str, kind: str, author: str, date: str) -> str | None:
    if _STRUCTURAL.match(line):
        return line if kind == "insertion" else None
    return _wrap(_TOKENS.findall(line), kind, author, date)


def _pairs(old: list[str], new: list[str]) -> list[tuple[str | None, str | None]]:
    """Old and new lines of a changed block, paired in order where they are alike."""
    pairs: list[tuple[str | None, str | None]] = []
    position = 0
    for line in new:
        match = next(
            (
                index
                for index in range(position, len(old))
                if SequenceMatcher(a=old[index], b=line, autojunk=False).ratio() >= 0.5
            ),
            None,
        )
        if match is None:
            pairs.append((None, line))
            continue
        pairs.extend((removed, None) for removed in old[position:match])
        pairs.append((old[match], line))
        position = match + 1
    pairs.extend((removed, None) for removed in old[position:])
    return pairs


def redline(old: str, new: str, author: str, date: str) -> str:
    """The new document with every difference from the old one marked as a tracked change."""
    a, b = old.split("\n"), new.split("\n")
    out: list[str] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            out.extend(b[j1:j2])
            continue
        for before, after in _pairs(a[i1:i2], b[j1:j2]):
            if before is not None and after is not None:
                structural = _STRUCTURAL.match(after) and not after.startswith("#")
                out.append(after if structural else _words(before, after, author, date))
            else:
                kind = "insertion" if after is not None else "deletion"
                marked = _whole_line(
                    after if after is not None else before or "", kind, author, date
                )
                if marked is not None:
                    out.append(marked)
    return "\n".join(out)


_CHANGE_ID = re.compile(rb"(<w:(?:ins|del) [^>]*?w:id=\")\d+(\")")


def unique_change_ids(docx: bytes) -> bytes:
    """Number every w:ins / w:del of the body afresh: pandoc repeats ids, which Word's
    change tracking needs unique. Entries keep their order and timestamps."""
    source = zipfile.ZipFile(io.BytesIO(docx))
    out = io.BytesIO()
    counter = itertools.count(1)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "word/document.xml":
                content = _CHANGE_ID.sub(
                    lambda m: m.group(1) + str(next(counter)).encode() + m.group(2), content
                )
            target.writestr(info, content)
    return out.getvalue()


def _documents(
    snapshot: Snapshot, target: str, templates: Path | None
) -> tuple[dict[str, Document], Manifest | None, list[Diagnostic]]:
    result = snapshot.validate()
    if result.errors or result.dossier is None:
        return {}, None, result.errors
    rendered = renderer_for(result.dossier, target, templates).documents()
    return {str(d.path): d for d in rendered}, result.dossier.manifest, []


def redline_documents(
    base: Snapshot,
    head: Snapshot,
    output: Path,
    author: str,
    date: str,
    templates: Path | None = None,
) -> tuple[list[Path], list[Diagnostic]]:
    """Tracked-changes Markdown and DOCX for every document that differs between revisions."""
    written: list[Path] = []
    problems: list[Diagnostic] = []
    for target in ("ind", "impd", "qos"):
        before, old_manifest, found = _documents(base, target, templates)
        problems += found
        after, manifest, found = _documents(head, target, templates)
        problems += found
        if problems or manifest is None:
            return [], problems
        reference, reference_path = reference_document(templates, "a4")
        for path in sorted(set(before) | set(after)):
            old = before[path].markdown if path in before else ""
            new = after[path].markdown if path in after else ""
            if old == new:
                continue
            document = after.get(path) or before[path]
            marked = redline(old, new, author, date)
            old_version = old_manifest.document_version if old_manifest else "?"
            title = (
                f"{document.title}: changes from version {old_version} to version "
                f"{manifest.document_version}"
            )
            stamp = Stamp(manifest.product.name, title, manifest.document_version, head.label, True)
            target_file = output / target / path
            target_file.parent.mkdir(parents=True, exist_ok=True)
            target_file.with_suffix(".md").write_text(marked, encoding="utf-8")
            data = unique_change_ids(to_docx(marked, reference, str(reference_path), stamp, 0))
            target_file.with_suffix(".docx").write_bytes(data)
            written += [target_file.with_suffix(".md"), target_file.with_suffix(".docx")]
    return written, problems
