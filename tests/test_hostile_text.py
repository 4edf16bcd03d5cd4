"""User text is data: markup, raw document code and template syntax in facts stay literal.

Hostile strings go into the fields of every template family of a small dossier; the built
Markdown is read back by pandoc and the DOCX by its XML, and neither may contain structure
that the strings asked for.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pypandoc
import pytest
from build_helpers import build, committed_repo, docx_headings, docx_part
from conftest import MODALITIES

from cmc_dossier.publish.docx import READER
from cmc_dossier.render.outline import outline

HOSTILE = {
    "script": "<script>alert('x')</script>",
    "img": '<img src=x onerror="alert(1)">',
    "openxml": "```{=openxml}\n<w:p><w:r><w:t>INJECTED</w:t></w:r></w:p>\n```",
    "latex": "\\begin{document}\\input{/etc/passwd}",
    "jinja": "{{ 7*7 }} {% if true %}JINJA{% endif %}",
    "heading": "# Not a heading",
    "table": "| a | b |\n|---|---|\n| c | d |",
    "link": "[click](javascript:alert(1))",
    "html-entity": "&lt;b&gt; &amp;",
    "div": '::: {custom-style="Heading 1"}\nFAKE\n:::',
}


def yaml_block(text: str, indent: int = 2) -> str:
    pad = " " * indent
    return "|\n" + "\n".join(pad + line for line in text.splitlines()) + "\n"


def hostile_dossier(tmp_path: Path) -> Path:
    repo = committed_repo(tmp_path / "repo", MODALITIES / "small-molecule")
    facts = repo / "dossier" / "facts.yaml"
    text = facts.read_text(encoding="utf-8")
    every = "\n\n".join(HOSTILE.values())
    one_line = " ".join(v.replace("\n", " ") for v in HOSTILE.values())
    replacements = {
        "name: Examplinib tablets": f"name: {json.dumps('Examplinib ' + HOSTILE['script'])}",
        "target: Immediate-release tablet meeting compendial expectations.": "target: "
        + yaml_block(every),
        "title: Assay\ncategory": f"title: {json.dumps(one_line)}\ncategory",
        "test: Assay,": f"test: {json.dumps(HOSTILE['jinja'])},",
        "acceptance_criterion: NMT 1.0 %}": (
            f"acceptance_criterion: {json.dumps(HOSTILE['openxml'])}}}"
        ),
        "description: White round tablet.": "description: " + yaml_block(every),
        "name: Example tablet plant": (
            f"name: {json.dumps(HOSTILE['latex'] + ' ' + HOSTILE['img'])}"
        ),
    }
    for old, new in replacements.items():
        assert old in text, old
        text = text.replace(old, new, 1)
    facts.write_text(text, encoding="utf-8")
    (repo / "dossier" / "narrative.yaml").write_text(
        "kind: Narrative\nid: N-HOSTILE\nsection: 3.2.P.2.3\nbody: " + yaml_block(every),
        encoding="utf-8",
    )
    return repo


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo = hostile_dossier(tmp_path_factory.mktemp("hostile"))
    done = build(repo, "--target", "impd")
    assert done.returncode == 0, done.stdout + done.stderr
    return repo / "build" / "impd"


def _pandoc(markdown: str, to: str) -> str:
    done = subprocess.run(
        [pypandoc.get_pandoc_path(), "--from", READER, "--to", to],
        input=markdown,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def _walk(node: object):
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def test_markdown_holds_no_structure_from_user_text(built: Path) -> None:
    markdown = (built / "impd-quality.md").read_text(encoding="utf-8")
    ast = json.loads(_pandoc(markdown, "json"))
    kinds = [node.get("t") for node in _walk(ast["blocks"]) if "t" in node]
    assert "RawBlock" not in kinds and "RawInline" not in kinds
    # the only links are our own citations of a section, to its heading's anchor
    targets = [n["c"][2][0] for n in _walk(ast["blocks"]) if n.get("t") == "Link"]
    assert targets and all(re.fullmatch(r"#ctd-3-2(-[a-z0-9]+)+", t) for t in targets)
    assert "CodeBlock" not in kinds and "Code" not in kinds and "Math" not in kinds
    assert kinds.count("Header") == len(outline("impd"))
    assert kinds.count("Table") == markdown.count("\n: Table ") + 1  # + document control
    divs = [n["c"][0] for n in _walk(ast["blocks"]) if n.get("t") == "Div"]
    assert divs[0][0] == "document-control"  # the cover's table, ours
    assert all(dict(d[2]).get("custom-style") == "Subheading" for d in divs[1:])


def test_markdown_shows_the_hostile_text_literally(built: Path) -> None:
    plain = _pandoc((built / "impd-quality.md").read_text(encoding="utf-8"), "plain")
    flat = " ".join(plain.split())
    for text in ("<script>alert('x')</script>", '<img src=x onerror="alert(1)">', "{{ 7*7 }}",
                 "{% if true %}JINJA{% endif %}", "\\begin{document}\\input{/etc/passwd}",
                 "[click](javascript:alert(1))", "&lt;b&gt; &amp;", "# Not a heading",
                 "<w:p><w:r><w:t>INJECTED</w:t></w:r></w:p>", "| a | b |"):  # fmt: skip
        assert text in flat, text
    assert "49" not in flat  # the template syntax was not evaluated


def test_docx_holds_no_structure_from_user_text(built: Path) -> None:
    path = built / "impd-quality.docx"
    body = docx_part(path, "word/document.xml")
    assert len(docx_headings(path)) == len(outline("impd"))
    assert "<w:t>INJECTED</w:t>" not in body and "&lt;w:t&gt;INJECTED" in body
    assert "&lt;script&gt;alert(" in body and "<script" not in body
    # the only hyperlinks are our own: TOC entries to heading bookmarks, never a URL
    links = re.findall(r"<w:hyperlink\b[^>]*>", body)
    assert links and all('w:anchor="ctd-' in link and "r:id" not in link for link in links)
    assert "FAKE" in body
    header = docx_part(path, "word/header1.xml")
    assert "Examplinib &lt;script&gt;alert(&apos;x&apos;)&lt;/script&gt;" in header or (
        "Examplinib &lt;script&gt;alert('x')&lt;/script&gt;" in header
    )


def test_a_generated_sentence_ends_with_one_full_stop() -> None:
    from cmc_dossier.render.text import end_sentence

    assert end_sentence("Ph. Eur.") == "Ph. Eur."
    assert end_sentence("Ph. Eur. 0255") == "Ph. Eur. 0255."
    assert end_sentence("Ready?") == "Ready?"
    assert end_sentence("a_b") == "a\\_b."  # still escaped


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("Lot N2-001", "Lot N2-001"),  # names stay as typed
        ("clone H2", "clone H2"),
        ("Site O2 Pharma", "Site O2 Pharma"),
        ("Lot CO2-001", "Lot CO2-001"),
        ("H2O2", "H2O2"),
        ("Ref 2010^3", "Ref 2010\\^3"),  # a ten inside a number is no power of ten
        ("5 % CO2 incubator", "5 % CO~2~ incubator"),  # the formulas CMC text writes
        ("water (H2O)", "water (H~2~O)"),
        ("1.0 × 10^8 vg/mL", "1.0 × 10^8^ vg/mL"),
        ("≤ 10 copies/10^-6 cells", "≤ 10 copies/10^-6^ cells"),
    ],
)
def test_documents_raise_powers_of_ten_and_lower_formulas_never_names(typed, shown) -> None:
    from cmc_dossier.render.text import escape

    assert escape(typed) == shown
