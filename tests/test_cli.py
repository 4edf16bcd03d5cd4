"""The `dossier` command as users and CI run it: exit codes, formats, no tracebacks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import REPO, run_cli


def test_validate_example_exits_zero() -> None:
    done = run_cli("validate", "dossier")
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip().endswith("0 errors, 0 warnings")


def test_build_py_builds_the_example_documents_and_site() -> None:
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, str(REPO / "build.py")], cwd=REPO, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert (REPO / "build" / "ind" / "module-3-quality.docx").is_file()
    assert (REPO / "build" / "impd" / "impd-quality.docx").is_file()
    assert (REPO / "build" / "site" / "index.html").is_file()


def test_errors_exit_one_with_file_line_col(dossier_from) -> None:
    root = dossier_from(
        replace={"criticality: critical\nrationale: Dose": "criticality: high\nrationale: Dose"}
    )
    lines = (root / "facts.yaml").read_text(encoding="utf-8").splitlines()
    line = lines.index("criticality: high") + 1
    done = run_cli("validate", str(root))
    assert done.returncode == 1
    assert f"{root / 'facts.yaml'}:{line}:14: error DOS104:" in done.stdout
    assert "hint: allowed:" in done.stdout


def test_json_format(dossier_from) -> None:
    root = dossier_from(files={"x.yaml": "kind: CQA\nid: X\n"})
    done = run_cli("validate", str(root), "--format", "json")
    report = json.loads(done.stdout)
    assert done.returncode == 1
    assert report["errors"] == len(report["diagnostics"]) > 0
    first = report["diagnostics"][0]
    assert {"code", "severity", "message", "hint", "file", "line", "column"} <= set(first)


def test_github_format_escapes_properties_and_data(dossier_from, tmp_path: Path) -> None:
    root = dossier_from(files={"a,b:c.yaml": "kind: CQA\nid: X\ntitle: '100%'\nfoo: 1\n"})
    done = run_cli("validate", str(root), "--format", "github")
    lines = [line for line in done.stdout.splitlines() if line.startswith("::error")]
    assert lines
    assert any("a%2Cb%3Ac.yaml" in line and ",line=" in line and ",col=" in line for line in lines)
    assert all(line.count("::") == 2 for line in lines)


def test_usage_error_exits_two() -> None:
    done = run_cli("validate", "--format", "xml")
    assert done.returncode == 2
    assert run_cli("no-such-command").returncode == 2
    assert run_cli("explain", "DOS999").returncode == 2


def test_explain_documents_every_code() -> None:
    listing = run_cli("explain")
    assert listing.returncode == 0 and "DOS201" in listing.stdout
    done = run_cli("explain", "dos201")
    assert done.returncode == 0 and "Unknown reference" in done.stdout


@pytest.mark.parametrize(
    "content",
    [
        b"\x00\x01\x02\xff\xfe",
        b"kind: [\n",
        b"{{ 7 * 7 }}: !!python/object/apply:os.system ['echo pwned']\n",
        b"kind: CQA\nid: 5\n",
        b"kind: Specification\nid: S\ntests: {a: 1}\n",
        b"kind: Manifest\nid: M\ncontexts: yes\n",
        b"- - - - []\n",
        ("a: " + "[" * 200 + "]" * 200 + "\n").encode(),
    ],
)
def test_hostile_or_garbled_input_never_shows_a_traceback(tmp_path: Path, content: bytes) -> None:
    (tmp_path / "bad.yaml").write_bytes(content)
    done = run_cli("validate", str(tmp_path))
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert "pwned" not in done.stdout


def test_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    done = run_cli("validate", str(tmp_path / "nowhere"))
    assert done.returncode == 1
    assert "DOS009" in done.stdout and "Traceback" not in done.stderr


def test_schema_command_writes_the_schema(tmp_path: Path) -> None:
    done = run_cli("schema", "--output", str(tmp_path / "out"))
    assert done.returncode == 0
    assert json.loads((tmp_path / "out" / "dossier-fact.schema.json").read_text())["$defs"]
