"""`dossier import results` of 50,000 release results, from CSV and from XLSX.

The worked example gets 3,847 batches without results (100 per file, 39 files), and a
sheet gives their 13 release results each (the first 50,000 rows): as CSV, as XLSX the way
Excel saves it (shared strings) and as XLSX the way openpyxl saves it (inline strings).
Each run imports into a fresh copy with the real CLI (fresh process, best of 3), so the
time includes reading the sheet, checking every row, the edit of 39 files (new lines
inserted as text) and the full validation of the edited dossier. Usage: python
benchmarks/bench_import.py
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ROWS = 50_000
PER_FILE = 100
TESTS = [
    ("T-DP-APPEARANCE", "Conforms"), ("T-DP-IDENTITY", "Conforms"),
    ("T-DP-TRANSDUCTION", "39 % CAR+"), ("T-DP-VIABILITY", "90 %"),
    ("T-DP-DOSE", "101 % of the assigned dose level"), ("T-DP-CD3", "97 % CD3+"),
    ("T-DP-VCN", "2.3 copies per transduced cell"), ("T-DP-POTENCY", "1,910 pg/mL"),
    ("T-DP-STERILITY", "No growth"), ("T-DP-MYCOPLASMA", "Not detected"),
    ("T-DP-ENDOTOXIN", "< 0.10 EU/mL"), ("T-DP-RCL", "Not detected"),
    ("T-DP-RESIDUAL-BEADS", "10 beads per 3 × 10^6 cells"),
]  # fmt: skip
BATCH = """---
kind: Batch
id: B-BENCH-{n}
batch_number: BENCH-{n:05d}
product: DP-VRD019
scale: Full scale
use: [clinical]
site: SITE-CASTELLAN-LEIPZIG
manufacture_date: 2027-01-15
specification: SPEC-DP
"""


def prepare(folder: Path) -> tuple[Path, list[tuple[str, str, str]]]:
    dossier = folder / "dossier"
    shutil.copytree(REPO / "dossier", dossier)
    batches = -(-ROWS // len(TESTS))
    for start in range(0, batches, PER_FILE):
        text = "".join(BATCH.format(n=n) for n in range(start, min(start + PER_FILE, batches)))
        (dossier / "bench" / f"batches-{start:05d}.yaml").parent.mkdir(exist_ok=True)
        (dossier / "bench" / f"batches-{start:05d}.yaml").write_text(
            "# benchmark batches\n" + text.removeprefix("---\n"), encoding="utf-8"
        )
    rows = [(f"BENCH-{n:05d}", test, result) for n in range(batches) for test, result in TESTS]
    return dossier, rows[:ROWS]


def write_csv(path: Path, rows: list[tuple[str, str, str]]) -> Path:
    lines = ["batch,test,result", *(",".join(f'"{v}"' for v in row) for row in rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_xlsx(path: Path, rows: list[tuple[str, str, str]]) -> Path:
    """As Excel saves a sheet: text in the shared-string table (XlsxWriter writes it so)."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("Sheet1")
    for number, row in enumerate([("batch", "test", "result"), *rows]):
        for column, text in enumerate(row):
            sheet.write_string(number, column, text)
    workbook.close()
    return path


def write_inline_xlsx(path: Path, rows: list[tuple[str, str, str]]) -> Path:
    """As openpyxl saves a sheet: every text inline in its cell, which Excel never writes
    and openpyxl reads more slowly."""
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["batch", "test", "result"])
    for row in rows:
        sheet.append(list(row))
    workbook.save(path)
    return path


def run(sheet: Path, work: Path) -> float:
    best = float("inf")
    dossier_cli = Path(sys.executable).with_name("dossier")
    for attempt in range(3):
        folder = work / f"run-{sheet.suffix[1:]}-{attempt}"
        dossier, _ = prepare(folder)
        start = time.perf_counter()
        done = subprocess.run(
            [str(dossier_cli), "import", "results", str(sheet), "--path", str(dossier)],
            capture_output=True,
            text=True,
            check=False,
        )
        elapsed = time.perf_counter() - start
        if done.returncode != 0 or f"added {ROWS} results" not in done.stdout:
            raise SystemExit(f"import failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
        best = min(best, elapsed)
        shutil.rmtree(folder)
    return best


def main() -> None:
    with tempfile.TemporaryDirectory() as temporary:
        work = Path(temporary)
        _, rows = prepare(work / "rows")
        sheets = {
            "CSV": write_csv(work / "results.csv", rows),
            "XLSX (shared strings, as Excel writes)": write_xlsx(work / "results.xlsx", rows),
            "XLSX (inline strings, as openpyxl writes)": write_inline_xlsx(
                work / "inline.xlsx", rows
            ),
        }
        print("| sheet | rows | import (s) |\n|---|---:|---:|")
        for label, sheet in sheets.items():
            print(f"| {label} | {len(rows):,} | {run(sheet, work):.2f} |")


if __name__ == "__main__":
    main()
