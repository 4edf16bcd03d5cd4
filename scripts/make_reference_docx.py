"""Generate templates/reference-a4.docx and reference-letter.docx, the Word styling of documents.

Starts from pandoc's own default reference document, so every style pandoc writes exists,
then sets fonts, headings, table and caption styles, page size and margins, and a header and
footer whose @@TOKENS@@ the build fills per document (product, title, version, commit) and
whose DRAFT watermark it keeps or removes. Run: python scripts/make_reference_docx.py
"""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pypandoc
from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Inches, Pt, RGBColor

from cmc_dossier.publish.docx import deterministic_zip

TEMPLATES = Path(__file__).resolve().parent.parent / "src" / "cmc_dossier" / "templates"
PAGES = {"a4": (Cm(21.0), Cm(29.7), Cm(2.5)), "letter": (Inches(8.5), Inches(11), Inches(1))}
# One family throughout (LibreOffice renders Arial with the metric-compatible Liberation Sans).
BODY_FONT = HEADING_FONT = "Arial"
WATERMARK_ID = "cmc-dossier-draft-watermark"


def pandoc_default_reference() -> bytes:
    done = subprocess.run(
        [pypandoc.get_pandoc_path(), "--print-default-data-file", "reference.docx"],
        capture_output=True,
        check=True,
    )
    return done.stdout


def _font(style, name: str, size: float, bold: bool | None = None) -> None:
    style.font.name = name
    style.font.size = Pt(size)
    style.font.color.rgb = RGBColor(0, 0, 0)
    if bold is not None:
        style.font.bold = bold
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), name)


def _style(document, name: str, kind=WD_STYLE_TYPE.PARAGRAPH):
    try:
        return document.styles[name]
    except KeyError:
        return document.styles.add_style(name, kind)


def style_document(document) -> None:
    for name in ("Normal", "Body Text", "First Paragraph", "Compact"):
        style = _style(document, name)
        _font(style, BODY_FONT, 11)
        style.paragraph_format.space_after = Pt(6)
    for level, size in zip(range(1, 7), (15, 13, 12, 11, 11, 10), strict=True):
        style = _style(document, f"Heading {level}")
        _font(style, HEADING_FONT, size, bold=True)
        style.font.italic = False
        style.paragraph_format.keep_with_next = True
        style.paragraph_format.space_before = Pt(14 if level <= 2 else 10)
        style.paragraph_format.space_after = Pt(6)
    for name, size in (("Title", 22), ("Subtitle", 13), ("TOC Heading", 14)):
        _font(_style(document, name), HEADING_FONT, size, bold=name != "Subtitle")
    _toc_styles(document)
    caption = _style(document, "Table Caption")
    _font(caption, HEADING_FONT, 9, bold=True)
    caption.paragraph_format.keep_with_next = True
    caption.paragraph_format.space_before = Pt(8)
    subheading = _style(document, "Subheading")
    subheading.base_style = document.styles["Normal"]
    _font(subheading, HEADING_FONT, 10.5, bold=True)
    subheading.paragraph_format.keep_with_next = True
    subheading.paragraph_format.space_before = Pt(10)
    _table_style(document)


def _toc_styles(document) -> None:
    """Word's built-in 'toc 1'..'toc 6' (IDs TOC1..TOC6, which the build's pre-filled entries
    name): each level indented 0.5 cm further, page numbers right-aligned after dots.
    LibreOffice takes them as its 'Contents N' styles when it updates the index."""
    section = document.sections[0]
    text_width = section.page_width - section.left_margin - section.right_margin
    for level in range(1, 7):
        style = _style(document, f"toc {level}")
        style.element.set(qn("w:styleId"), f"TOC{level}")
        style.element.attrib.pop(qn("w:customStyle"), None)  # Word's built-in style
        style.base_style = document.styles["Normal"]
        _font(style, BODY_FONT, 10, bold=level == 1)
        paragraph = style.paragraph_format
        paragraph.left_indent = Cm(0.5 * (level - 1))
        paragraph.space_before = Pt(4 if level == 1 else 0)
        paragraph.space_after = Pt(1)
        paragraph.tab_stops.add_tab_stop(text_width, WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)


def _table_style(document) -> None:
    """Pandoc's 'Table' style: ruled grid, 9 pt, shaded bold header row."""
    style = _style(document, "Table", WD_STYLE_TYPE.TABLE)
    element = style.element
    for child in list(element):
        if child.tag in (qn("w:tblPr"), qn("w:tblStylePr"), qn("w:rPr"), qn("w:pPr")):
            element.remove(child)
    border = '<w:{0} w:val="single" w:sz="4" w:space="0" w:color="808080"/>'
    borders = "".join(
        border.format(b) for b in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    element.append(
        parse_xml(f'<w:pPr {nsdecls("w")}><w:spacing w:before="20" w:after="20"/></w:pPr>')
    )
    element.append(
        parse_xml(
            f'<w:rPr {nsdecls("w")}><w:rFonts w:ascii="{HEADING_FONT}" w:hAnsi="{HEADING_FONT}" '
            f'w:cs="{HEADING_FONT}"/><w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr>'
        )
    )
    element.append(
        parse_xml(
            f"<w:tblPr {nsdecls('w')}><w:tblBorders>{borders}</w:tblBorders>"
            '<w:tblCellMar><w:left w:w="80" w:type="dxa"/><w:right w:w="80" w:type="dxa"/>'
            "</w:tblCellMar></w:tblPr>"
        )
    )
    element.append(
        parse_xml(
            f'<w:tblStylePr {nsdecls("w")} w:type="firstRow"><w:rPr><w:b/></w:rPr>'
            '<w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="D9D9D9"/></w:tcPr></w:tblStylePr>'
        )
    )


def _field(paragraph, instruction: str, shown: str) -> None:
    """A Word field (PAGE, NUMPAGES) with a cached result Word refreshes."""
    run = paragraph.add_run()
    run._r.append(parse_xml(f'<w:fldChar {nsdecls("w")} w:fldCharType="begin"/>'))
    run = paragraph.add_run()
    run._r.append(
        parse_xml(f'<w:instrText {nsdecls("w")} xml:space="preserve"> {instruction} </w:instrText>')
    )
    run = paragraph.add_run()
    run._r.append(parse_xml(f'<w:fldChar {nsdecls("w")} w:fldCharType="separate"/>'))
    paragraph.add_run(shown)
    run = paragraph.add_run()
    run._r.append(parse_xml(f'<w:fldChar {nsdecls("w")} w:fldCharType="end"/>'))


# The WordArt text-path shape type (VML spt 136) that Word's own watermarks use.
_FORMULAS = (
    "sum #0 0 10800", "prod #0 2 1", "sum 21600 0 @1", "sum 0 0 @2", "sum 21600 0 @3",
    "if @0 @3 0", "if @0 21600 @1", "if @0 0 @2", "if @0 @4 21600", "mid @5 @6",
    "mid @8 @5", "mid @7 @8", "mid @6 @7", "sum @6 0 @5",
)  # fmt: skip
_WORDART_SHAPETYPE = (
    '<v:shapetype id="_x0000_t136" coordsize="21600,21600" o:spt="136" adj="10800" '
    'path="m@7,l@8,m@5,21600l@6,21600e"><v:formulas>'
    + "".join(f'<v:f eqn="{f}"/>' for f in _FORMULAS)
    + '</v:formulas><v:path textpathok="t" o:connecttype="custom" '
    'o:connectlocs="@9,0;@10,10800;@11,21600;@12,10800" o:connectangles="270,180,90,0"/>'
    '<v:textpath on="t" fitshape="t"/><v:handles><v:h position="#0,bottomRight" '
    'xrange="6629,14971"/></v:handles><o:lock v:ext="edit" text="t" shapetype="t"/>'
    "</v:shapetype>"
)


def _watermark() -> object:
    return parse_xml(
        f'<w:p {nsdecls("w")} xmlns:v="urn:schemas-microsoft-com:vml" '
        'xmlns:o="urn:schemas-microsoft-com:office:office"><w:r><w:pict>'
        f"{_WORDART_SHAPETYPE}"
        f'<v:shape id="{WATERMARK_ID}" o:spid="{WATERMARK_ID}" type="#_x0000_t136" '
        'style="position:absolute;margin-left:0;margin-top:0;width:470pt;height:120pt;'
        "rotation:315;z-index:-251654144;mso-position-horizontal:center;"
        "mso-position-horizontal-relative:margin;mso-position-vertical:center;"
        'mso-position-vertical-relative:margin" fillcolor="#d9d9d9" stroked="f">'
        '<v:fill opacity=".5"/><v:textpath on="t" '
        'style="font-family:&quot;Arial&quot;;font-size:1pt" '
        'string="DRAFT"/></v:shape></w:pict></w:r></w:p>'
    )


def page_setup(document, paper: str) -> None:
    width, height, margin = PAGES[paper]
    section = document.sections[0]
    section.page_width, section.page_height = width, height
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, margin)
    text_width = width - 2 * margin

    header = section.header.paragraphs[0]
    header.text = ""
    header.add_run("@@PRODUCT@@")
    header.add_run("\t@@TITLE@@")
    header.paragraph_format.tab_stops.add_tab_stop(text_width, WD_TAB_ALIGNMENT.RIGHT)
    header.style = document.styles["Normal"]
    for run in header.runs:
        run.font.size, run.font.name = Pt(9), HEADING_FONT
    header._p.get_or_add_pPr().append(
        parse_xml(
            f'<w:pBdr {nsdecls("w")}><w:bottom w:val="single" w:sz="4" w:space="1" '
            'w:color="808080"/></w:pBdr>'
        )
    )
    section.header._element.append(_watermark())

    footer = section.footer.paragraphs[0]
    footer.text = ""
    footer.add_run("Version @@VERSION@@ | Commit @@COMMIT@@\tPage ")
    _field(footer, "PAGE", "1")
    footer.add_run(" of ")
    _field(footer, "NUMPAGES", "1")
    footer.paragraph_format.tab_stops.add_tab_stop(text_width, WD_TAB_ALIGNMENT.RIGHT)
    for run in footer.runs:
        run.font.size, run.font.name = Pt(9), HEADING_FONT


def make(paper: str) -> bytes:
    document = Document(io.BytesIO(pandoc_default_reference()))
    page_setup(document, paper)  # first: the TOC styles' tab stop sits at the text width
    style_document(document)
    settings = document.settings.element
    settings.append(parse_xml(f'<w:updateFields {nsdecls("w")} w:val="true"/>'))
    buffer = io.BytesIO()
    document.save(buffer)
    return deterministic_zip(buffer.getvalue())


def main() -> int:
    for paper in PAGES:
        target = TEMPLATES / f"reference-{paper}.docx"
        target.write_bytes(make(paper))
        print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
