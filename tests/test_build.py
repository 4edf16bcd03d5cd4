"""`dossier build` end to end: real git repositories, real pandoc, DOCX read back as XML."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from build_helpers import (
    build,
    build_counts,
    committed_repo,
    docx_headings,
    docx_paragraphs,
    docx_part,
    git,
    snapshot,
)
from conftest import MODALITIES

from cmc_dossier.publish.assemble_docx import split
from cmc_dossier.render.outline import outline

IND_DS = "m3/32-body-data/32s-drug-sub/vrd-019-ds-castellan-cell"
IND_DP = "m3/32-body-data/32p-drug-prod/vrd-019-dispersion-for-infusion"


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo = committed_repo(tmp_path_factory.mktemp("example") / "repo")
    done = build(repo)
    assert done.returncode == 0, done.stdout + done.stderr
    return repo


def expected_headings(target: str) -> list[str]:
    """Number and title of every heading of the target, in CTD order."""
    headings = [f"{h.number} {h.title}" for h in outline(target)]
    return (["3.2 Body of Data"] if target == "ind" else []) + headings


def test_build_writes_the_ectd_tree_and_the_combined_documents(example: Path) -> None:
    out = example / "build"
    for name in (
        "ind/module-3-quality.docx",
        "ind/module-3-quality.md",
        "impd/impd-quality.docx",
        f"ind/{IND_DS}/32s1-gen-info/nomenclature.docx",
        f"ind/{IND_DS}/32s4-contr-drug-sub/32s41-spec/specification.docx",
        f"ind/{IND_DP}/32p5-contr-drug-prod/32p51-spec/specifications.docx",
        f"ind/{IND_DP}/32p5-contr-drug-prod/32p52-analyt-proc/analytical-procedure-1.docx",
        f"ind/{IND_DP}/32p4-contr-excip/excipient-1/specifications.docx",
        "ind/m3/32-body-data/32a-app/32a2-advent-agent/adventitious-agents.docx",
        "ind/m3/32-body-data/32r-reg-info/regional-information.docx",
    ):
        assert (out / name).is_file(), name
    for path in (out / "ind" / "m3").rglob("*"):
        assert re.fullmatch(r"[a-z0-9-]+(\.md|\.docx)?", path.name), path
        assert len(path.name.removesuffix(".docx").removesuffix(".md")) <= 64


@pytest.mark.parametrize(
    ("target", "name"), [("ind", "ind/module-3-quality"), ("impd", "impd/impd-quality")]
)
def test_docx_headings_are_the_ctd_table_of_contents(example: Path, target: str, name: str) -> None:
    headings = docx_headings(example / "build" / f"{name}.docx")
    expected = expected_headings(target)
    assert len(headings) == len(expected)
    for heading, wanted in zip(headings, expected, strict=True):
        assert heading.startswith(wanted), (heading, wanted)
    assert headings[1 if target == "ind" else 0].endswith(
        "[VRD-019 drug substance (autologous anti-CD19 CAR-transduced T cells), "
        "Castellan Cell Manufacturing GmbH]"
    )


def test_granular_document_holds_its_section_and_unfiled_subsections(example: Path) -> None:
    path = example / "build" / "ind" / IND_DP / "32p2-pharm-dev" / "pharmaceutical-development.docx"
    headings = docx_headings(path)
    assert headings[0] == "3.2.P.2 Pharmaceutical Development"
    assert "3.2.P.2.2.2 Overages" in headings
    assert len(headings) == 1 + len(
        [h for h in outline("ind") if h.section.parent and h.section.code.startswith("3.2.P.2.")]
    )


def test_docx_has_tables_captions_repeating_headers_toc_header_and_footer(example: Path) -> None:
    path = example / "build" / "impd" / "impd-quality.docx"
    body = docx_part(path, "word/document.xml")
    tables = body.count("<w:tbl>")
    captions = [text for style, text in docx_paragraphs(path) if style == "TableCaption"]
    assert tables > 20 and len(captions) == tables
    assert body.count("<w:tblHeader") == tables
    assert "Table P.5.1-1. VRD-019 drug product specification (version 1.0)" in captions
    assert re.search(r"<w:instrText[^>]*>\s*TOC \\o", body)
    header = docx_part(path, "word/header1.xml")
    footer = docx_part(path, "word/footer1.xml")
    assert "VRD-019 (autologous anti-CD19 CAR-T cells)" in header
    assert "Investigational Medicinal Product Dossier: Quality" in header
    commit = git(example, "rev-parse", "HEAD")[:12]
    assert f"Version 0.3 | Commit {commit}" in footer
    assert " PAGE " in footer and " NUMPAGES " in footer
    assert "cmc-dossier-draft-watermark" not in header  # a clean commit is not a draft
    assert 'w:w="11906" w:h="16838"' in body.replace(
        'w:h="16838" w:w="11906"', 'w:w="11906" w:h="16838"'
    )  # A4


def test_document_control_comes_first_then_the_toc(example: Path) -> None:
    """Cover: the document-control table from the manifest, before the table of contents;
    the date is the commit's (deterministic), the version the document's own."""
    for target, name, application, number in (
        ("ind", "module-3-quality", "IND number", "VRD019-CMC-M3-001"),
        ("impd", "impd-quality", "EU CT number", "VRD019-CMC-IMPD-001"),
    ):
        path = example / "build" / target / f"{name}.docx"
        body = docx_part(path, "word/document.xml")
        control = body.index("Document control")
        assert control < body.index("<w:sdt>") < body.index('w:val="Heading1"')
        paragraphs = [text for _, text in docx_paragraphs(path)]
        start = paragraphs.index("Item")
        cells = paragraphs[start : start + 18]
        rows = dict(zip(cells[::2], cells[1::2], strict=True))
        assert rows[application] == "Not stated"  # the example states none yet
        assert rows["Document number"] == number
        assert rows["Version"] == "0.3"
        assert rows["Date"] == "2026-11-20 (date of the commit)"  # GIT_COMMITTER_DATE
        assert rows["Status"] == "Draft for internal review"
        assert rows["Sponsor"] == "Veridane Therapeutics, Inc."


def test_an_application_number_not_yet_assigned_is_an_explicit_unknown(tmp_path: Path) -> None:
    repo = committed_repo(tmp_path / "repo")
    manifest = repo / "dossier" / "dossier.yaml"
    manifest.write_text(
        manifest.read_text(encoding="utf-8").replace(
            "document_control:\n",
            "document_control:\n  eu_ct_number: {to-be-provided: 2027-01, note: assigned by CTIS}\n"
            "  date: 2026-12-01\n",
        ),
        encoding="utf-8",
    )
    git(repo, "commit", "-qam", "EU CT number to be provided")
    done = build(repo, "--target", "impd", "--format", "md")
    assert done.returncode == 0, done.stdout
    assert "info DOS312" in done.stdout and "document_control.eu_ct_number" in done.stdout
    markdown = (repo / "build" / "impd" / "impd-quality.md").read_text(encoding="utf-8")
    assert "| EU CT number | To be provided (2027-01): assigned by CTIS |" in markdown
    assert "| Date | 2026-12-01 |" in markdown  # the manifest's date, as typed


def test_cross_references_are_internal_links_to_existing_bookmarks(example: Path) -> None:
    for target, name in (("ind", "module-3-quality"), ("impd", "impd-quality")):
        body = docx_part(example / "build" / target / f"{name}.docx", "word/document.xml")
        bookmarks = set(re.findall(r'<w:bookmarkStart [^>]*w:name="([^"]+)"', body))
        anchors = re.findall(r'<w:hyperlink w:anchor="([^"]+)"', body)
        assert set(anchors) <= bookmarks
        # beyond one TOC entry per heading: citations in the text link to their section
        headings = len(re.findall(r'w:val="Heading[1-9]"', body))
        assert len(anchors) > headings + 50, target
        assert anchors.count("ctd-3-2-p-5-1") > 1


def test_ectd_a3_folder_only_per_real_novel_excipient(example: Path, tmp_path: Path) -> None:
    appendices = example / "build" / "ind" / "m3" / "32-body-data" / "32a-app"
    assert not list(appendices.glob("32a3-*"))  # the example has no novel excipient
    repo = committed_repo(tmp_path / "repo")
    for title in ("Cryopreservation solution with 10 % DMSO", "Human albumin solution 20 %"):
        edit_yaml = repo / "dossier" / "drug-product" / "product.yaml"
        text = edit_yaml.read_text(encoding="utf-8")
        edit_yaml.write_text(
            text.replace(f"title: {title}\n", f"title: {title}\nnovel: true\n"), "utf-8"
        )
    git(repo, "commit", "-qam", "Two novel excipients")
    done = build(repo, "--format", "md")
    assert done.returncode == 0, done.stdout + done.stderr
    folders = sorted(
        p.name for p in (repo / "build" / "ind" / "m3" / "32-body-data" / "32a-app").glob("32a3-*")
    )
    assert folders == ["32a3-excip-cryopreservation", "32a3-excip-human-albumin-solution"]
    leaf = (
        repo
        / "build"
        / "ind"
        / "m3"
        / "32-body-data"
        / "32a-app"
        / folders[1]
        / "novel-excipients.md"
    )
    text = leaf.read_text(encoding="utf-8")
    assert "Human albumin solution 20 %" in text and "Cryopreservation" not in text


def test_limits_show_identically_wherever_they_appear(example: Path) -> None:
    markdown = (example / "build" / "impd" / "impd-quality.md").read_text(encoding="utf-8")
    # the viability limit appears in P.5.1, P.5.4, P.5.6 and the stability data, from one fact
    assert markdown.count("| Viability | ≥ 70 % |") >= 3
    assert "| ≥ 70 % |" in markdown.split("{#ctd-3-2-p-5-6}")[1]


def test_same_commit_builds_byte_identical_files(example: Path, tmp_path: Path) -> None:
    done = build(example, output=str(tmp_path / "again"))
    assert done.returncode == 0
    first, second = snapshot(example / "build"), snapshot(tmp_path / "again")
    assert first == second
    # IND and IMPD (78), the QOS (1) and the M4Q(R2) preview (2)
    assert len([name for name in first if name.endswith(".docx")]) == 81


def test_rebuild_with_nothing_changed_runs_no_pandoc(example: Path) -> None:
    before = snapshot(example / "build")
    done = build(example)
    assert done.returncode == 0
    assert "pandoc runs: 0, PDF conversions: 0, reused unchanged: 81" in done.stdout
    assert snapshot(example / "build") == before


def test_draft_flag_and_dirty_tree_add_the_watermark(example: Path, tmp_path: Path) -> None:
    done = build(example, "--draft", "--target", "impd", output=str(tmp_path / "draft"))
    assert done.returncode == 0
    assert "cmc-dossier-draft-watermark" in docx_part(
        tmp_path / "draft/impd/impd-quality.docx", "word/header1.xml"
    )


@pytest.fixture
def example_copy(example: Path, tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    shutil.copytree(example, repo, symlinks=True)
    return repo


def test_failed_build_leaves_the_previous_output_unchanged(example_copy: Path) -> None:
    before = snapshot(example_copy / "build")
    broken = example_copy / "templates" / "sections"
    broken.mkdir(parents=True)
    (broken / "batch-analyses.md.j2").write_text("{{ no_such_value }}\n", encoding="utf-8")
    git(example_copy, "add", "-A")
    git(example_copy, "commit", "-q", "-m", "broken template")
    done = build(example_copy)
    assert done.returncode == 1
    assert "DOS402" in done.stdout and "batch-analyses.md.j2:1:1" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr
    assert snapshot(example_copy / "build") == before
    assert not [
        p
        for p in (example_copy / "build").iterdir()
        if p.name.startswith(".") and "staging" in p.name
    ]


def test_pandoc_failure_is_reported_and_changes_nothing(example_copy: Path) -> None:
    before = snapshot(example_copy / "build")
    (example_copy / "templates").mkdir()
    (example_copy / "templates" / "reference-a4.docx").write_bytes(b"not a zip file")
    (example_copy / "dossier" / "dossier.yaml").write_text(
        (example_copy / "dossier" / "dossier.yaml").read_text().replace('"0.3"', '"0.4"')
    )
    done = build(example_copy, "--target", "impd")
    assert done.returncode == 1
    assert "DOS403" in done.stdout
    assert snapshot(example_copy / "build") == before


def test_validation_errors_stop_the_build(example_copy: Path) -> None:
    before = snapshot(example_copy / "build")
    facts = example_copy / "dossier" / "development" / "cqas.yaml"
    facts.write_text(
        facts.read_text().replace("derived_from: [QTPP-SAFETY]", "derived_from: [QTPP-SAFTY]", 1)
    )
    done = build(example_copy)
    assert done.returncode == 1
    assert "DOS201" in done.stdout and "did you mean 'QTPP-SAFETY'" in done.stdout
    assert snapshot(example_copy / "build") == before


def test_sections_without_content_say_so_and_warn(tmp_path: Path) -> None:
    repo = committed_repo(tmp_path / "repo", MODALITIES / "small-molecule")
    done = build(repo, "--target", "impd", "--format", "md")
    assert done.returncode == 0, done.stdout
    assert "warning DOS401: S.2.2 Description of manufacturing process" in done.stdout
    markdown = (repo / "build" / "impd" / "impd-quality.md").read_text(encoding="utf-8")
    section = markdown.split("{#ctd-3-2-s-2-2}")[1].split("###")[0]
    assert "**To be provided.** No information has been entered for this section." in section
    assert not (repo / "build" / "impd" / "impd-quality.docx").exists()


# The IMPD headings each guideline gives for the same CTD sections (data/impd-headings.yaml).
IMPD_HEADINGS = {
    "small-molecule": ("# S Drug substance", "## S.4 Control of the drug substance"),
    "therapeutic-protein": ("# S Active substance", "## S.4 Control of the active substance"),
    "viral-vector-gene-therapy": (
        "# S Active substance",
        "## S.4 Control of the active substance",
    ),
}


@pytest.mark.parametrize("modality", sorted(IMPD_HEADINGS))
def test_impd_follows_the_eu_guideline_of_its_product_type(tmp_path: Path, modality: str) -> None:
    repo = committed_repo(tmp_path / "repo", MODALITIES / modality)
    done = build(repo, "--target", "impd", "--format", "md")
    assert done.returncode == 0, done.stdout
    markdown = (repo / "build" / "impd" / "impd-quality.md").read_text(encoding="utf-8")
    headings = [line.split(" {#")[0] for line in markdown.splitlines() if line.startswith("#")]
    substance, control = IMPD_HEADINGS[modality]
    assert any(h.startswith(substance) for h in headings)
    assert control in headings
    assert any(h.startswith("# P Investigational medicinal product under test") for h in headings)
    assert "## A.3 Novel excipients" in headings
    # one Stability heading per part, no post-approval protocol, no US regional section
    assert "## S.7 Stability" in headings and "## P.8 Stability" in headings
    assert not [h for h in headings if h.startswith(("### S.7.", "### P.8.", "# R", "## R"))]
    assert "post-approval" not in markdown.lower()
    assert "Drug Product" not in markdown


def test_an_empty_justification_cell_is_a_gap_at_the_test(tmp_path: Path) -> None:
    repo = committed_repo(tmp_path / "repo")
    specification = repo / "dossier" / "drug-substance" / "specification.yaml"
    lines = specification.read_text(encoding="utf-8").splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if "id: T-DS-CD3" in line)
    end = next(i for i in range(start, len(lines)) if "justification:" in lines[i])
    specification.write_text("".join(lines[:end] + lines[end + 1 :]), encoding="utf-8")
    done = build(repo, "--target", "impd", "--format", "md")
    assert done.returncode == 0, done.stdout
    assert (
        f"dossier/drug-substance/specification.yaml:{start + 1}:9: warning DOS420: "
        "SPEC-DS: test 'T-cell purity' has no justification"
    ) in done.stdout


def test_a_declared_gap_under_content_is_left_out_with_a_warning(tmp_path: Path) -> None:
    repo = committed_repo(tmp_path / "repo")
    (repo / "dossier" / "narratives" / "gap.yaml").write_text(
        "kind: Narrative\nid: N-P-8-2\nsection: 3.2.P.8.2\nstatus: to-be-provided\n"
        "expected: With the marketing application\n",
        encoding="utf-8",
    )
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "A gap where the stability study gives the commitment")
    done = build(repo, "--target", "ind", "--format", "md")
    assert done.returncode == 0, done.stdout
    assert (
        "dossier/narratives/gap.yaml:4:9: warning DOS422: N-P-8-2: section "
        "3.2.P.8.2 is declared to be provided but already has content"
    ) in done.stdout
    section = (repo / "build" / "ind" / "module-3-quality.md").read_text(encoding="utf-8")
    section = section.split("3.2.P.8.2 ", 1)[1].split("\n#", 1)[0]
    assert "commitment" in section.lower() and "To be provided" not in section


def test_simplified_impd_submits_only_the_parts_its_case_needs(tmp_path: Path) -> None:
    repo = committed_repo(tmp_path / "repo")
    manifest = repo / "dossier" / "dossier.yaml"
    manifest.write_text(manifest.read_text().replace("case: full", "case: authorised-modified"))
    done = build(repo, "--target", "impd", "--format", "md")
    assert done.returncode == 0
    markdown = (repo / "build" / "impd" / "impd-quality.md").read_text(encoding="utf-8")
    assert "# S Active substance" in markdown and "## S.1 General information" not in markdown
    assert "**Not submitted.** Simplified IMPD" in markdown
    assert "## P.1 Description and composition" in markdown


def test_letter_paper_for_the_ind_when_the_manifest_asks(tmp_path: Path) -> None:
    repo = committed_repo(tmp_path / "repo", MODALITIES / "small-molecule")
    facts = repo / "dossier" / "facts.yaml"
    facts.write_text(
        facts.read_text().replace(
            "contexts: [us-ind]", "contexts: [us-ind]\nind_paper_size: letter"
        )
    )
    done = build(repo)
    assert done.returncode == 0, done.stdout
    assert 'w:w="12240"' in docx_part(repo / "build/ind/module-3-quality.docx", "word/document.xml")
    assert 'w:w="11906"' in docx_part(repo / "build/impd/impd-quality.docx", "word/document.xml")


def test_a_dossier_repository_overrides_a_template_by_name(tmp_path: Path) -> None:
    repo = committed_repo(tmp_path / "repo")
    (repo / "templates" / "sections").mkdir(parents=True)
    (repo / "templates" / "sections" / "structure.md.j2").write_text(
        "Company style: {{ text | prose }}\n", encoding="utf-8"
    )
    done = build(repo, "--target", "impd", "--format", "md")
    assert done.returncode == 0
    markdown = (repo / "build" / "impd" / "impd-quality.md").read_text(encoding="utf-8")
    assert "Company style: The CAR is a single-chain" in markdown


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("{{ 1 / 0 }}\n", "ZeroDivisionError: division by zero"),
        ('{{ "a" + 1 }}\n', "TypeError"),
        ("{% for i in range(10**9) %}{% endfor %}\n", "OverflowError"),
    ],
)
def test_an_error_a_template_raises_is_dos402_at_its_line(
    tmp_path: Path, body: str, message: str
) -> None:
    repo = committed_repo(tmp_path / "repo")
    (repo / "templates" / "sections").mkdir(parents=True)
    (repo / "templates" / "sections" / "structure.md.j2").write_text(
        "First line\n" + body, encoding="utf-8"
    )
    done = build(repo, "--target", "impd", "--format", "md")
    assert done.returncode == 1 and "Traceback" not in done.stderr + done.stdout
    assert "DOS402" in done.stdout + done.stderr and message in done.stdout + done.stderr
    assert "structure.md.j2:2" in done.stdout + done.stderr
    assert not (repo / "build" / "impd").exists()


def test_a_misspelt_template_override_is_warned_about(tmp_path: Path) -> None:
    repo = committed_repo(tmp_path / "repo")
    (repo / "templates" / "sections").mkdir(parents=True)
    (repo / "templates" / "sections" / "structre.md.j2").write_text("Mine\n", encoding="utf-8")
    (repo / "templates" / "company-macros.md.j2").write_text("{# included #}\n", "utf-8")
    done = build(repo, "--target", "impd", "--format", "md")
    assert done.returncode == 0
    shown = done.stdout + done.stderr
    assert "DOS405" in shown and "did you mean sections/structure.md.j2" in shown
    assert "company-macros" not in shown  # a name close to no built-in template is its own


def test_no_output_without_git_is_a_draft(tmp_path: Path) -> None:
    shutil.copytree(MODALITIES / "small-molecule", tmp_path / "dossier")
    done = build(tmp_path, "--target", "impd")
    assert done.returncode == 0
    footer = docx_part(tmp_path / "build/impd/impd-quality.docx", "word/footer1.xml")
    assert "Commit uncommitted" in footer
    assert "cmc-dossier-draft-watermark" in docx_part(
        tmp_path / "build/impd/impd-quality.docx", "word/header1.xml"
    )


def _markdown_of(folder: Path) -> dict[str, str]:
    """Document name (target/path without suffix) -> digest of its Markdown."""
    return {name[:-3]: digest for name, digest in snapshot(folder).items() if name.endswith(".md")}


def _parts_to_convert(before: str, after: str) -> tuple[int, int]:
    """Of a document's parts after an edit: (those pandoc must convert, those it has)."""
    had = {(index == 0, part) for index, part in enumerate(split(before))}
    now = {(index == 0, part) for index, part in enumerate(split(after))}
    return len(now - had), len(now & had)


def test_an_edited_criterion_reconverts_only_the_parts_showing_it(example_copy: Path) -> None:
    """A new commit changes every document's stamp, yet pandoc runs exactly for the documents
    whose Markdown changed, and of a large document (converted in parts) only for the parts
    that changed; the result equals a build that converted everything afresh."""
    before = _markdown_of(example_copy / "build")
    texts = {name: (example_copy / "build" / f"{name}.md").read_text() for name in before}
    specification = example_copy / "dossier" / "drug-substance" / "specification.yaml"
    text = specification.read_text(encoding="utf-8")
    specification.write_text(text.replace("≥ 15 % CAR+", "≥ 20 % CAR+", 1), encoding="utf-8")
    git(example_copy, "commit", "-q", "-am", "Tighten the CAR+ criterion")
    done = build(example_copy)
    assert done.returncode == 0, done.stdout + done.stderr
    after = _markdown_of(example_copy / "build")
    showing = {name for name in after if after[name] != before.get(name)}
    assert f"ind/{IND_DS}/32s4-contr-drug-sub/32s41-spec/specification" in showing
    assert {"ind/module-3-quality", "impd/impd-quality"} <= showing and len(showing) < 10
    new = {name: (example_copy / "build" / f"{name}.md").read_text() for name in showing}
    in_parts = {name for name in showing if len(split(new[name])) > 1}
    assert {"ind/module-3-quality", "impd/impd-quality"} <= in_parts
    parts = [_parts_to_convert(texts[name], new[name]) for name in sorted(in_parts)]
    converted, reused = sum(c for c, _ in parts), sum(r for _, r in parts)
    assert 0 < converted < reused  # most of each large document came from the cache
    counts = build_counts(done.stdout)
    assert counts["pandoc"] == len(showing - in_parts) + converted and counts["pdf"] == 0
    assert f"document parts: {converted} converted by pandoc, {reused} reused" in done.stdout
    # each of the 81 DOCX counted once: converted, or restamped with the new commit
    assert len(showing) + counts["restamped"] == 81 and counts["reused"] == 0
    listed = re.search(r"converted by pandoc: (.*)", done.stdout)
    assert listed and set(listed[1].split(", ")) == showing
    # the cache keeps one conversion per document: the replaced ones are dropped
    assert len([p for p in (example_copy / "build/.cache/docx").rglob("*") if p.is_file()]) == 81
    fresh = build(example_copy, output="fresh")
    assert "0 reused from the cache" in fresh.stdout
    assert snapshot(example_copy / "build") == snapshot(example_copy / "fresh")


@pytest.mark.parametrize("target", ["qos", "m4q-r2"])
def test_a_summary_built_alone_equals_the_full_builds(example_copy: Path, target: str) -> None:
    """In a full build the summaries cite the IND renderer's Module 3 sections; built alone
    they render their own: the same Markdown and DOCX, byte for byte."""
    done = build(example_copy, "--target", target, output="alone")
    assert done.returncode == 0, done.stdout + done.stderr
    alone = snapshot(example_copy / "alone" / target)
    assert alone and alone == snapshot(example_copy / "build" / target)


def test_a_new_commit_without_content_change_only_restamps(example_copy: Path) -> None:
    """Same day, later time: no pandoc run; footer, custom property and dates name the new
    commit, byte for byte as a build from scratch would."""
    old = git(example_copy, "rev-parse", "--short=12", "HEAD")
    later = "2026-11-20T15:30:00Z"
    git(example_copy, "commit", "-q", "--allow-empty", "-m", "No change", when=later)
    new = git(example_copy, "rev-parse", "--short=12", "HEAD")
    done = build(example_copy)
    assert done.returncode == 0, done.stdout + done.stderr
    assert build_counts(done.stdout) == {"pandoc": 0, "pdf": 0, "reused": 0, "restamped": 81}
    combined = example_copy / "build/impd/impd-quality.docx"
    footer = docx_part(combined, "word/footer1.xml")
    assert f"Commit {new}" in footer and old not in footer
    assert f'name="commit"><vt:lpwstr>{new}</vt:lpwstr>' in docx_part(
        combined, "docProps/custom.xml"
    )
    assert docx_part(combined, "docProps/core.xml").count(later) == 2
    assert build(example_copy, output="fresh").returncode == 0
    assert snapshot(example_copy / "build") == snapshot(example_copy / "fresh")
