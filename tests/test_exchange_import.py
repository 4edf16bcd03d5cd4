"""`dossier import results`: partner spreadsheets into the example, and every refusal by cell."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from conftest import REPO, run_cli

from cmc_dossier.diagnostics.codes import CODES
from cmc_dossier.exchange.judgement import outside
from cmc_dossier.model.criteria import parse_criterion
from cmc_dossier.validation import validate_folder

GIT = {
    **os.environ,
    "GIT_AUTHOR_NAME": "T",
    "GIT_AUTHOR_EMAIL": "t@example.org",
    "GIT_COMMITTER_NAME": "T",
    "GIT_COMMITTER_EMAIL": "t@example.org",
}
NEW_BATCH = """---
kind: Batch
id: B-ENG-04
batch_number: VRD019-ENG-04
product: DP-VRD019
scale: Full scale; formulated at the 1.0 × 10^8 dose level
use: [engineering]
site: SITE-CASTELLAN-LEIPZIG
manufacture_date: 2026-07-21
process_version: "1.0"
input_batches: [B-ENG-03-DS]
specification: SPEC-DP
# Certificate of analysis from the CDMO; results are imported, not typed.
ownership:
  maintained_by: ORG-CASTELLAN
  approved_by: [ORG-VERIDANE, ORG-CASTELLAN]
"""
# (test, result, unit) as a CDMO's certificate of analysis gives them
RELEASE = [
    ("T-DP-APPEARANCE", "Conforms", ""),
    ("T-DP-IDENTITY", "Conforms", ""),
    ("T-DP-TRANSDUCTION", "39 % CAR+", ""),
    ("T-DP-VIABILITY", "90", "%"),
    ("T-DP-DOSE", "101 % of the assigned dose level", ""),
    ("T-DP-CD3", "97 % CD3+", ""),
    ("T-DP-VCN", "2.30 copies per transduced cell", ""),
    ("T-DP-POTENCY", "1,910 pg/mL (108 % of reference)", ""),
    ("T-DP-STERILITY", "No growth", ""),
    ("T-DP-MYCOPLASMA", "Not detected", ""),
    ("T-DP-ENDOTOXIN", "< 0.10", "EU/mL"),
    ("T-DP-RCL", "Not detected", ""),
    ("T-DP-RESIDUAL-BEADS", "10 beads per 3 × 10^6 cells", ""),
]
MAPPING = """# CDMO certificate-of-analysis export
kind: batch-results
sheet: CoA
header_row: 3
columns:
  batch: Lot No.
  test: Test code
  result: Reported result
  unit: Unit
"""
STABILITY_CSV = (
    "study,batch,condition,time_point,test,result\n"
    "STAB-DP-LONG-TERM,VRD019-ENG-01,vapour-ln2,9 M,T-DP-APPEARANCE,Conforms\n"
    "STAB-DP-LONG-TERM,VRD019-ENG-01,vapour-ln2,9 M,T-DP-VIABILITY,85 %\n"
    "STAB-DP-LONG-TERM,VRD019-ENG-01,vapour-ln2,9 M,T-DP-TRANSDUCTION,41 % CAR+\n"
    "STAB-DP-LONG-TERM,B-ENG-02,vapour-ln2,6 M,T-DP-VIABILITY,88 %\n"
    "STAB-DP-LONG-TERM,B-ENG-02,vapour-ln2,3 M,T-DP-VIABILITY,89 %\n"
)


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, env=GIT, check=True
    )
    return done.stdout


@pytest.fixture
def example(tmp_path: Path) -> Path:
    """The CAR-T example in its own git repository, with one batch awaiting its CoA."""
    repo = tmp_path / "repo"
    shutil.copytree(REPO / "dossier", repo / "dossier")
    with (repo / "dossier" / "batches.yaml").open("a", encoding="utf-8") as handle:
        handle.write(NEW_BATCH)
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "base")
    return repo


def coa_workbook(path: Path, rows: list[tuple], header_row: int = 3) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "CoA"
    sheet.cell(1, 1, "Certificate of analysis, Castellan Biologics")
    header = ("Lot No.", "Test code", "Test", "Reported result", "Unit", "Analyst")
    for column, text in enumerate(header, 1):
        sheet.cell(header_row, column, text)
    for offset, values in enumerate(rows, header_row + 1):
        for column, value in enumerate(values, 1):
            sheet.cell(offset, column, value)
    workbook.save(path)
    return path


def excel_style_coa(path: Path, rows: list[tuple], merge: str | None = None) -> Path:
    """The CoA as Excel saves it: text in the shared-string table (XlsxWriter writes it so,
    where openpyxl writes every text inline), with the range `merge` merged."""
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("CoA")
    sheet.write_string(0, 0, "Certificate of analysis, Castellan Biologics")
    header = ("Lot No.", "Test code", "Test", "Reported result", "Unit", "Analyst")
    for number, values in enumerate([header, *rows], 2):
        for column, value in enumerate(values):
            if value:
                sheet.write_string(number, column, value)
    if merge:
        sheet.merge_range(merge, rows[0][0])
    workbook.close()
    return path


def test_a_coa_saved_by_excel_reads_as_the_same_text_and_merged_cells_are_refused(
    example: Path,
) -> None:
    (example / "mapping.yaml").write_text(MAPPING, encoding="utf-8")
    shown = []
    for name, make in (("openpyxl.xlsx", coa_workbook), ("excel.xlsx", excel_style_coa)):
        sheet = make(example / name, release_rows())
        done = run_cli("import", "results", name, "--mapping", "mapping.yaml", "--dry-run",
                       cwd=example)  # fmt: skip
        assert done.returncode == 0, done.stdout + done.stderr
        shown.append(done.stdout.replace(sheet.name, "SHEET"))
    assert shown[0] == shown[1] and "+  T-DP-VIABILITY: 90 %" in shown[1]
    excel_style_coa(example / "merged.xlsx", release_rows(), merge="A5:A6")
    done = run_cli("import", "results", "merged.xlsx", "--mapping", "mapping.yaml", cwd=example)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert any(":5:1:" in line and "DOS604" in line for line in done.stdout.splitlines())
    assert git(example, "status", "--porcelain", "--", "dossier") == ""


def release_rows(batch: str = "VRD019-ENG-04") -> list[tuple]:
    return [(batch, test, test.removeprefix("T-DP-").title(), r, u, "AK") for test, r, u in RELEASE]


def test_cdmo_xlsx_and_lab_csv_import_into_the_example_as_a_clean_reported_diff(
    example: Path,
) -> None:
    dossier = example / "dossier"
    batches_before = (dossier / "batches.yaml").read_text(encoding="utf-8")
    coa = coa_workbook(example / "coa.xlsx", release_rows())
    (example / "mapping.yaml").write_text(MAPPING, encoding="utf-8")
    (example / "stability.csv").write_text(STABILITY_CSV, encoding="utf-8")

    dry = run_cli(
        "import", "results", str(coa), "--mapping", "mapping.yaml", "--dry-run", cwd=example
    )
    assert dry.returncode == 0, dry.stdout + dry.stderr
    assert "+  T-DP-VIABILITY: 90 %" in dry.stdout
    assert "would add 13 results in 1 files" in dry.stdout
    assert (
        git(example, "status", "--porcelain") == "?? coa.xlsx\n?? mapping.yaml\n?? stability.csv\n"
    )

    done = run_cli("import", "results", str(coa), "--mapping", "mapping.yaml", cwd=example)
    assert done.returncode == 0, done.stdout + done.stderr
    done = run_cli("import", "results", "stability.csv", cwd=example)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "added 4 results in 1 files; 1 already present" in done.stdout

    # only lines were added: comments, order, quoting and flow style of the rest are kept
    diff = git(example, "diff", "--unified=0", "--", "dossier")
    changed = [line for line in diff.splitlines() if line[:1] in "+-" and line[:3] not in "+++---"]
    assert all(line.startswith("+") for line in changed), changed
    batches = (dossier / "batches.yaml").read_text(encoding="utf-8")
    assert batches.startswith(batches_before.split("# Certificate of analysis")[0])
    assert (
        "specification: SPEC-DP\nresults:\n  T-DP-APPEARANCE: Conforms\n" in batches
        and "  T-DP-ENDOTOXIN: < 0.10 EU/mL\n" in batches
        and "  T-DP-VCN: 2.30 copies per transduced cell\n" in batches
        and "results:\n  T-DP-APPEARANCE" in batches.split("id: B-ENG-04")[1]
        and batches.index("# Certificate of analysis") < batches.rindex("ownership:")
    )
    stability = (dossier / "stability.yaml").read_text(encoding="utf-8")
    assert (
        "  - batch: B-ENG-01\n    condition: vapour-ln2\n    time_point: 9 M\n"
        "    values: {T-DP-APPEARANCE: Conforms, T-DP-VIABILITY: 85 %, "
        "T-DP-TRANSDUCTION: 41 % CAR+}\n"
    ) in stability

    result = validate_folder(dossier)
    assert result.diagnostics == []
    batch = result.dossier.get("B-ENG-04", object)
    assert batch.results == {test: (f"{r} {u}" if u else r) for test, r, u in RELEASE}

    report = run_cli(
        "diff", "HEAD", "--worktree", "--path", "dossier", "--format", "json", cwd=example
    )
    assert report.returncode == 0, report.stderr
    assert '"B-ENG-04"' in report.stdout and '"STAB-DP-LONG-TERM"' in report.stdout

    again = run_cli("import", "results", "stability.csv", cwd=example)
    assert "added 0 results in 0 files; 5 already present" in again.stdout


def _cases(tmp: Path) -> dict[str, tuple[Path, list[str], tuple[str | None, int, int]]]:
    """code → (sheet file, extra CLI arguments, expected (sheet, row, column))."""

    def csv(name: str, text: str) -> Path:
        path = tmp / name
        path.write_text(text, encoding="utf-8")
        return path

    head = "batch,test,result\n"
    ok = "VRD019-ENG-04,T-DP-APPEARANCE,Conforms\n"

    def workbook(name: str, edit) -> Path:
        path = coa_workbook(tmp / name, release_rows()[:2], header_row=1)
        book = openpyxl.load_workbook(path)
        edit(book["CoA"])
        book.save(path)
        return path

    mapping = tmp / "m.yaml"
    mapping.write_text(MAPPING.replace("header_row: 3", "header_row: 1"), encoding="utf-8")
    mapped = ["--mapping", str(mapping)]
    bad_mapping = tmp / "bad.yaml"
    bad_mapping.write_text("kind: batch-results\ncolumns:\n  lot: Lot No.\n", encoding="utf-8")
    broken_yaml = tmp / "batches-cr.csv"
    return {
        "DOS600": (csv("broken.xlsx", "not a workbook"), [], (None, 0, 0)),
        "DOS601": (csv("c601.csv", "batch,test,value\n" + ok), [], (None, 1, 1)),
        "DOS602": (csv("c602.csv", head + ok), ["--mapping", str(bad_mapping)], (None, 3, 3)),
        "DOS603": (
            workbook("c603.xlsx", lambda s: s.cell(3, 4, "=B2")),
            mapped,
            ("CoA", 3, 4),
        ),
        "DOS604": (
            workbook("c604.xlsx", lambda s: s.merge_cells("A2:A3")),
            mapped,
            ("CoA", 2, 1),
        ),
        "DOS605": (
            workbook("c605.xlsx", lambda s: s.cell(3, 1, datetime(2026, 10, 1))),
            mapped,
            ("CoA", 3, 1),
        ),
        "DOS606": (
            workbook(
                "c606.xlsx",
                lambda s: (s.cell(3, 2, "T-DP-VCN"), s.cell(3, 4, 2.0), s.cell(3, 5, None)),
            ),
            mapped,
            ("CoA", 3, 4),
        ),
        "DOS607": (csv("c607.csv", head + "VRD019-ENG-04,T-DP-IDENTITY,\n"), [], (None, 2, 3)),
        "DOS608": (
            csv("c608.csv", head + "VRD019-ENG-40,T-DP-IDENTITY,Conforms\n"),
            [],
            (None, 2, 1),
        ),
        "DOS609": (csv("c609.csv", head + "B-ENG-04,T-DS-CD3,97 %\n"), [], (None, 2, 2)),
        "DOS610": (
            csv(
                "c610.csv",
                "study,batch,condition,time_point,test,result\n"
                "STAB-DP-LONG-TERM,B-ENG-01,vapour-ln2,10 M,T-DP-VIABILITY,85 %\n",
            ),
            [],
            (None, 2, 4),
        ),
        "DOS611": (
            csv("c611.csv", "batch,test,result,unit\nB-ENG-04,T-DP-ENDOTOXIN,< 0.1,IU/mL\n"),
            [],
            (None, 2, 4),
        ),
        "DOS612": (csv("c612.csv", head + ok + ok), [], (None, 3, 3)),
        "DOS613": (csv("c613.csv", head + "B-ENG-01,T-DP-VIABILITY,87 %\n"), [], (None, 2, 3)),
        "DOS614": (csv("c614.csv", head + "B-ENG-04,T-DP-VIABILITY,62 %\n"), [], (None, 2, 3)),
        "DOS615": (csv(broken_yaml.name, head + ok), [], (None, 0, 0)),
        "DOS620": (
            csv("c620.csv", head + 'VRD019-ENG-04,T-DP-APPEARANCE,"Conforms\nsee remark"\n'),
            [],
            (None, 2, 3),
        ),
        "DOS621": (
            csv("c621.csv", "batch,test,result,Result\n" + ok[:-1] + ",x\n"),
            [],
            (None, 1, 4),
        ),
        "DOS622": (csv("c622.csv", head + ok), [], (None, 2, 1)),  # a second batch's number
        "DOS623": (hidden_active(tmp / "c623.xlsx"), [], (None, 0, 0)),
        "DOS625": (
            workbook("c625.xlsx", lambda s: setattr(s.row_dimensions[3], "hidden", True)),
            mapped,
            ("CoA", 3, 1),
        ),
    }


def hidden_active(path: Path, rows: list[tuple] = ()) -> Path:
    """A workbook whose active sheet (the one Excel opens at), 'Old', is hidden; the rows are
    on it. XlsxWriter writes it as asked (openpyxl makes a visible sheet active on saving)."""
    workbook = xlsxwriter.Workbook(str(path))
    workbook.add_worksheet("Visible")
    hidden = workbook.add_worksheet("Old")
    for number, values in enumerate([("batch", "test", "result"), *rows]):
        hidden.write_row(number, 0, values)
    hidden.activate()
    hidden.hide()
    workbook.close()
    return path


def test_a_row_excel_hides_is_refused_and_an_empty_hidden_row_is_not(example: Path) -> None:
    """As Excel writes a filter's or a user's hidden rows (`<row hidden="1">`, XlsxWriter)."""
    rows = [("batch", "test", "result"), ("B-ENG-04", "T-DP-APPEARANCE", "Conforms")]
    for name, hide in (("data.xlsx", 2), ("empty.xlsx", 4)):
        workbook = xlsxwriter.Workbook(str(example / name))
        sheet = workbook.add_worksheet("Results")
        for number, values in enumerate(rows):
            sheet.write_row(number, 0, values)
        sheet.set_row(hide - 1, None, None, {"hidden": True})
        workbook.close()
    done = run_cli("import", "results", "data.xlsx", cwd=example)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stdout + done.stderr
    assert any(":2:1:" in line and "DOS625" in line for line in done.stdout.splitlines())
    assert git(example, "status", "--porcelain", "--", "dossier") == ""
    done = run_cli("import", "results", "empty.xlsx", "--dry-run", cwd=example)
    assert done.returncode == 0 and "DOS625" not in done.stdout, done.stdout + done.stderr


# DOS616 is the FHIR export's, tested in test_exchange_fhir.py; DOS624 (a fact file changed
# during the import) in test_a_fact_file_changed_after_the_check_is_not_replaced
EXCHANGE_CODES = sorted(
    code for code in CODES if "DOS600" <= code <= "DOS649" and code not in ("DOS616", "DOS624")
)


def test_every_exchange_code_has_a_case(tmp_path: Path) -> None:
    assert sorted(_cases(tmp_path)) == EXCHANGE_CODES


@pytest.mark.parametrize("code", EXCHANGE_CODES)
def test_bad_sheet_is_reported_at_its_cell_and_nothing_is_written(code: str, example: Path) -> None:
    sheet, arguments, (sheet_name, row, column) = _cases(example)[code]
    if code == "DOS615":  # old Mac line breaks: new lines could not match them, not touched
        path = example / "dossier" / "batches.yaml"
        path.write_bytes(path.read_bytes().replace(b"\n", b"\r"))
        git(example, "commit", "-qam", "CR line breaks")
    if code == "DOS622":
        with (example / "dossier" / "batches.yaml").open("a", encoding="utf-8") as handle:
            handle.write(NEW_BATCH.replace("id: B-ENG-04", "id: B-ENG-05"))
        git(example, "commit", "-qam", "a second batch numbered VRD019-ENG-04")
    done = run_cli("import", "results", str(sheet), *arguments, cwd=example)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    lines = [line for line in done.stdout.splitlines() if code in line]
    assert lines, done.stdout
    if row:
        assert any(f":{row}:{column}:" in line for line in lines), lines
    if sheet_name:
        assert any(f"sheet '{sheet_name}'" in line for line in lines), lines
    assert git(example, "status", "--porcelain", "--", "dossier") == ""
    assert CODES[code].explanation


def test_out_of_specification_results_are_written_only_when_accepted(example: Path) -> None:
    (example / "oos.csv").write_text("batch,test,result\nB-ENG-04,T-DP-VIABILITY,62 %\n")
    done = run_cli("import", "results", "oos.csv", "--accept-out-of-specification", cwd=example)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "DOS614" in done.stdout
    assert "  T-DP-VIABILITY: 62 %\n" in (example / "dossier" / "batches.yaml").read_text()


def test_a_lot_number_excel_turned_into_a_date_in_a_csv_is_refused(example: Path) -> None:
    (example / "lots.csv").write_text("batch,test,result\n1-Oct,T-DP-IDENTITY,Conforms\n")
    done = run_cli("import", "results", "lots.csv", cwd=example)
    assert "DOS605" in done.stdout and ":2:1:" in done.stdout


@pytest.mark.parametrize(
    ("criterion", "result", "expected"),
    [
        ("≥ 70 %", "69 %", True),
        ("≥ 70 %", "70 %", False),
        ("≤ 0.5 EU/mL", "< 0.10 EU/mL", False),
        ("≤ 0.5 EU/mL", "> 0.5 EU/mL", True),
        ("< 0.5 EU/mL", "0.5 EU/mL", True),
        ("80–120 % of the assigned dose level", "121 % of the assigned dose level", True),
        ("80–120 % of the assigned dose level", "80 % of the assigned dose level", False),
        ("≥ 70 %", "69 cells", None),  # another unit is not judged
        ("Not detected", "Detected", True),
        ("No growth", "No growth", None),
        ("Report result", "1,850 pg/mL", None),
    ],
)
def test_out_of_specification_judgement(criterion: str, result: str, expected: bool | None) -> None:
    assert outside(parse_criterion(criterion), result) == expected


def test_the_active_sheet_is_read_and_a_hidden_one_only_when_named(example: Path) -> None:
    """Excel opens a workbook at its active sheet; the first may be a hidden, stale one."""
    workbook = xlsxwriter.Workbook(str(example / "two.xlsx"))
    for name, result in (("Old", "Does not conform"), ("CoA", "Conforms")):
        sheet = workbook.add_worksheet(name)
        sheet.write_row(0, 0, ("batch", "test", "result"))
        sheet.write_row(1, 0, ("B-ENG-04", "T-DP-APPEARANCE", result))
    workbook.worksheets()[0].hide()
    workbook.worksheets()[1].activate()
    workbook.close()
    done = run_cli("import", "results", "two.xlsx", "--dry-run", cwd=example)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "+  T-DP-APPEARANCE: Conforms\n" in done.stdout

    hidden_active(example / "hidden.xlsx", [("B-ENG-04", "T-DP-APPEARANCE", "Conforms")])
    done = run_cli("import", "results", "hidden.xlsx", cwd=example)
    assert done.returncode == 1 and "DOS623" in done.stdout, done.stdout + done.stderr
    assert "the active sheet 'Old' is hidden" in done.stdout and "'Visible'" in done.stdout
    named = run_cli("import", "results", "hidden.xlsx", "--sheet", "Old", "--dry-run", cwd=example)
    assert named.returncode == 0, named.stdout + named.stderr
    assert "+  T-DP-APPEARANCE: Conforms\n" in named.stdout


def test_a_mapping_without_header_row_reads_the_first_row(example: Path) -> None:
    (example / "m.yaml").write_text(
        "kind: batch-results\ncolumns: {batch: Lot, test: Test, result: Res}\n", encoding="utf-8"
    )
    (example / "lot.csv").write_text("Lot,Test,Res\nB-ENG-04,T-DP-IDENTITY,Conforms\n")
    done = run_cli("import", "results", "lot.csv", "--mapping", "m.yaml", "--dry-run", cwd=example)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "+  T-DP-IDENTITY: Conforms\n" in done.stdout
    (example / "m.yaml").write_text(
        "kind: batch-results\ncolumns: {batch: Lot, test: LOT, result: Res}\n", encoding="utf-8"
    )
    done = run_cli("import", "results", "lot.csv", "--mapping", "m.yaml", cwd=example)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert (
        "m.yaml:2:10: error DOS602: mapping `columns`: batch, test read the same header 'lot'"
        in (done.stdout)
    )


def test_csv_records_are_counted_as_spreadsheet_rows_and_breaks_and_controls_refused(
    example: Path,
) -> None:
    """A quoted line break belongs to its cell: the record is one row, and the rows after it
    keep their numbers. A break or a control character in a cell the import reads is refused;
    in a column it does not read (a remark) it is left alone."""
    (example / "ml.csv").write_bytes(
        b"batch,test,result,remark\r\n"
        b'B-ENG-04,T-DP-IDENTITY,Conforms,"checked\r\ntwice"\r\n'
        b'B-ENG-04,T-DP-APPEARANCE,"Conforms\r\n(slightly turbid)",\r\n'
        b"B-ENG-04,T-DP-STERILITY,No\x00 growth,\r\n"
        b"B-ENG-04,T-DP-MYCOPLASMA,Not\x1b detected,\r\n"
        b"VRD019-ENG-40,T-DP-RCL,Not detected,\r\n"
    )
    done = run_cli("import", "results", "ml.csv", cwd=example)
    assert done.returncode == 1, done.stdout + done.stderr
    reported = [line.split(" error ")[0].split(":", 1)[1] + " " + line.split()[2]
                for line in done.stdout.splitlines() if " error " in line]  # fmt: skip
    assert reported == ["3:3: DOS620:", "4:3: DOS620:", "5:3: DOS620:", "6:1: DOS608:"]
    assert "line break U+000D" in done.stdout and "control character U+0000" in done.stdout
    assert "control character U+001B" in done.stdout
    assert git(example, "status", "--porcelain", "--", "dossier") == ""


def test_a_result_in_another_unit_or_none_is_refused_at_its_cell(example: Path) -> None:
    """T-DP-VIABILITY is '≥ 70 %', T-DP-ENDOTOXIN '≤ 0.5 EU/mL': a result in another unit
    would be stored unjudged, one without a unit read as if in the criterion's."""
    rows = [
        ("T-DP-VIABILITY", "62"),  # bare: would skip the out-of-specification check
        ("T-DP-VIABILITY", "0.62 fraction"),
        ("T-DP-ENDOTOXIN", "< 0.10"),
        ("T-DP-ENDOTOXIN", "0.05 IU/mL"),
    ]
    sheet = "".join(f"B-ENG-04,{test},{result}\n" for test, result in rows)
    (example / "units.csv").write_text("batch,test,result\n" + sheet, encoding="utf-8")
    done = run_cli("import", "results", "units.csv", cwd=example)
    assert done.returncode == 1, done.stdout + done.stderr
    lines = [line for line in done.stdout.splitlines() if "DOS611" in line]
    assert [line.split(":")[1:3] for line in lines] == [
        ["2", "3"],
        ["3", "3"],
        ["4", "3"],
        ["5", "3"],
    ]
    assert "result '62' is a bare number but T-DP-VIABILITY is specified in '%'" in lines[0]
    assert "is in 'IU/mL' but T-DP-ENDOTOXIN is specified in 'EU/mL'" in lines[3]
    assert "a bare number is not taken to be in that unit" in done.stdout

    (example / "ok.csv").write_text(
        "batch,test,result\nB-ENG-04,T-DP-VIABILITY,91 %\n"
        "B-ENG-04,T-DP-ENDOTOXIN,< 0.10 EU/mL (LOQ)\n",
        encoding="utf-8",
    )
    done = run_cli("import", "results", "ok.csv", "--dry-run", cwd=example)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "+  T-DP-ENDOTOXIN: < 0.10 EU/mL (LOQ)\n" in done.stdout


@pytest.mark.parametrize("field", ["batch_number", "id"])
def test_a_lot_naming_two_batches_is_refused_with_both(field: str, example: Path) -> None:
    """Another batch numbered like B-ENG-04's number, or numbered like its ID."""
    other = NEW_BATCH.replace("id: B-ENG-04", "id: B-ENG-05")
    if field == "id":
        other = other.replace("batch_number: VRD019-ENG-04", "batch_number: B-ENG-04")
    with (example / "dossier" / "batches.yaml").open("a", encoding="utf-8") as handle:
        handle.write(other)
    lot = "VRD019-ENG-04" if field == "batch_number" else "B-ENG-04"
    (example / "amb.csv").write_text(f"batch,test,result\n{lot},T-DP-IDENTITY,Conforms\n")
    done = run_cli("import", "results", "amb.csv", cwd=example)
    assert done.returncode == 1, done.stdout + done.stderr
    first = "ID" if field == "id" else "batch number"
    assert (
        f"amb.csv:2:1: error DOS622: row 2, column 1: '{lot}' names 2 batches: "
        f"B-ENG-04 ({first}), B-ENG-05 (batch number)"
    ) in done.stdout
    assert (
        "T-DP-IDENTITY"
        not in (example / "dossier" / "batches.yaml").read_text().split("id: B-ENG-04")[1]
    )


def test_imports_into_one_dossier_wait_for_each_other(example: Path) -> None:
    """Both imports add a result to B-ENG-04 in batches.yaml: the second waits for the
    first's lock and reads what it wrote, so neither result is lost."""
    from cmc_dossier.outputs import source_lock

    for test in ("T-DP-IDENTITY", "T-DP-APPEARANCE"):
        (example / f"{test}.csv").write_text(f"batch,test,result\nB-ENG-04,{test},Conforms\n")
    executable = Path(sys.executable).with_name("dossier")
    with source_lock(example / "dossier"):
        runs = [
            subprocess.Popen(
                [str(executable), "import", "results", f"{test}.csv"],
                cwd=example,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for test in ("T-DP-IDENTITY", "T-DP-APPEARANCE")
        ]
        for run in runs:  # each says it waits, and writes nothing while the lock is held
            assert run.stderr.readline().startswith("waiting for another dossier run")
        assert git(example, "status", "--porcelain", "--", "dossier") == ""
    for run in runs:
        stdout, stderr = run.communicate(timeout=120)
        assert run.returncode == 0, stdout + stderr
    batch = validate_folder(example / "dossier").dossier.get("B-ENG-04", object)
    assert batch.results == {"T-DP-IDENTITY": "Conforms", "T-DP-APPEARANCE": "Conforms"}


def test_a_fact_file_changed_after_the_check_is_not_replaced(example: Path) -> None:
    from cmc_dossier.exchange.results_import import import_results, write_changes

    (example / "r.csv").write_text("batch,test,result\nB-ENG-04,T-DP-IDENTITY,Conforms\n")
    outcome = import_results(example / "dossier", example / "r.csv", None)
    assert not outcome.blocked and len(outcome.changes) == 1
    [file] = outcome.changes
    edited = file.read_text(encoding="utf-8") + "# edited meanwhile\n"
    file.write_text(edited, encoding="utf-8")
    [problem] = write_changes(outcome.changes)
    assert problem.code == "DOS624" and problem.location.file == file
    assert file.read_text(encoding="utf-8") == edited
    assert CODES["DOS624"].explanation
