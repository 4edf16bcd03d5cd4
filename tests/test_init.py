"""`dossier init`: a new product repository validates, builds and serves its site from a pip
install (a wheel of this tree in a fresh virtual environment, run outside the checkout)."""

from __future__ import annotations

import os
import site
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
import yaml
from build_helpers import GIT_ENV, git
from conftest import REPO, run_cli

from cmc_dossier import __version__
from cmc_dossier.validation import validate_folder

PRODUCT = ["--product", "Examplinib tablets", "--code", "EX-101", "--sponsor", "Example Ltd"]
ANSWERS = [*PRODUCT, "--modality", "small-molecule", "--sponsor-country", "GB"]
SCAFFOLD = [
    "dossier/manifest.yaml",
    "dossier/organizations.yaml",
    "schemas/dossier-fact.schema.json",
    ".github/workflows/dossier.yml",
    ".pre-commit-config.yaml",
    "mkdocs.yml",
    ".gitignore",
]


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The `dossier` command of a wheel built from this tree and installed into a new
    environment; the dependencies come from the test environment's site-packages (a path
    entry, so its editable install of cmc-dossier is not seen)."""
    folder = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q",
         "-w", str(folder / "dist"), str(REPO)],
        check=True, capture_output=True,
    )  # fmt: skip
    environment = folder / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(environment)], check=True)
    python = environment / "bin" / "python"
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip
    ours = sysconfig.get_path("purelib")
    assert ours in site.getsitepackages()
    (Path(purelib) / "test-dependencies.pth").write_text(ours + "\n", encoding="utf-8")
    (wheel,) = (folder / "dist").glob("cmc_dossier-*.whl")
    subprocess.run(
        [str(python), "-m", "pip", "install", "--no-deps", "--no-index", "-q", str(wheel)],
        check=True, capture_output=True,
    )  # fmt: skip
    return environment / "bin" / "dossier"


def _run(dossier: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(dossier), *args], cwd=cwd, capture_output=True, text=True,
        env={**os.environ, **GIT_ENV, "NO_COLOR": "1"}, check=False,
    )  # fmt: skip


def test_init_then_validate_build_and_site_from_a_pip_install(
    installed: Path, tmp_path: Path
) -> None:
    repo = tmp_path / "product"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    where = _run(installed, "init", *ANSWERS, cwd=repo)
    assert where.returncode == 0, where.stderr
    module = subprocess.run(
        [str(installed.with_name("python")), "-c", "import cmc_dossier; print(cmc_dossier.__file__)"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert str(installed.parent.parent) in module and str(REPO) not in module
    written = git(repo, "status", "--porcelain", "--untracked-files=all").splitlines()
    assert sorted(line.removeprefix("?? ") for line in written) == sorted(SCAFFOLD)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Scaffold")

    for command in (["validate", "dossier"], ["build", "dossier"], ["site", "dossier"]):
        done = _run(installed, *command, cwd=repo)
        assert done.returncode == 0, (command, done.stdout, done.stderr)
    assert (repo / "build" / "ind" / "module-3-quality.docx").is_file()
    assert (repo / "build" / "impd").is_dir()
    home = (repo / "build" / "site" / "index.html").read_text(encoding="utf-8")
    assert "Examplinib tablets" in home and "EX-101" in home
    assert git(repo, "status", "--porcelain") == ""  # .gitignore keeps the outputs out

    (repo / "mkdocs.yml").unlink()  # the configuration shipped in the package is the default
    done = _run(installed, "site", cwd=repo)
    assert done.returncode == 0, done.stderr
    assert "Examplinib tablets" in (repo / "build" / "site" / "index.html").read_text("utf-8")
    done = _run(installed, "site", "-o", "review", cwd=repo)  # relative to where it runs,
    assert done.returncode == 0, done.stderr  # not to the packaged configuration's folder
    assert (repo / "review" / "index.html").is_file()


def test_init_refuses_to_overwrite_and_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").write_text("site_name: ours\n", encoding="utf-8")
    done = run_cli("init", str(tmp_path), *ANSWERS)
    assert done.returncode == 1
    assert "mkdocs.yml" in done.stderr and "nothing was written" in done.stderr
    assert [path.name for path in tmp_path.iterdir()] == ["mkdocs.yml"]
    assert (tmp_path / "mkdocs.yml").read_text(encoding="utf-8") == "site_name: ours\n"


def test_init_refuses_values_the_model_rejects(tmp_path: Path) -> None:
    done = run_cli("init", str(tmp_path / "new"), *PRODUCT, "--modality", "small-molecule",
                   "--sponsor-country", "gb")  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert "'^[A-Z]{2}$'" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "new").exists()
    unknown = run_cli("init", str(tmp_path / "new"), *PRODUCT, "--modality", "vaccine",
                      "--sponsor-country", "GB")  # fmt: skip
    assert unknown.returncode == 2


def test_init_keeps_values_as_typed(tmp_path: Path) -> None:
    typed = {"name": 'NO: "1.10" # not a comment', "code": "0755", "inn": "ex\\amplinib"}
    done = run_cli("init", str(tmp_path), "--product", typed["name"], "--code", typed["code"],
                   "--inn", typed["inn"], "--sponsor", "1:20", "--sponsor-country", "DE",
                   "--modality", "therapeutic-protein", "--phase", "1/2",
                   "--context", "eu-cta", "--context", "us-ind")  # fmt: skip
    assert done.returncode == 0, done.stderr
    result = validate_folder(tmp_path / "dossier")
    assert result.errors == []  # a protein without its adventitious agents evaluation warns
    assert result.dossier is not None
    manifest = result.dossier.manifest
    assert manifest.product.model_dump() == typed
    assert manifest.phase == "1/2" and manifest.contexts == ["eu-cta", "us-ind"]
    assert result.dossier.index[manifest.sponsor].value.name == "1:20"
    first = (tmp_path / "dossier" / "manifest.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../schemas/dossier-fact.schema.json"


def test_scaffolded_workflow_is_ours_pinned_to_this_release_and_passes_zizmor(
    tmp_path: Path,
) -> None:
    shipped = (REPO / "src" / "cmc_dossier" / "data" / "scaffold" / "dossier.yml").read_text()
    assert shipped == (REPO / ".github" / "workflows" / "dossier.yml").read_text()
    assert run_cli("init", str(tmp_path), *ANSWERS).returncode == 0
    workflow = tmp_path / ".github" / "workflows" / "dossier.yml"
    steps = [
        step.get("run", "")
        for job in yaml.safe_load(workflow.read_text(encoding="utf-8"))["jobs"].values()
        for step in job["steps"]
    ]
    installs = [run for run in steps if "pip install" in run]
    assert installs == [f'python -m pip install "cmc-dossier=={__version__}"'] * 2
    tools = Path(sys.executable).parent
    for persona in ("regular", "auditor"):
        zizmor = subprocess.run(
            [str(tools / "zizmor"), "--offline", "--persona", persona, str(workflow)],
            capture_output=True, text=True,
        )  # fmt: skip
        assert "No findings" in zizmor.stdout, (persona, zizmor.stdout, zizmor.stderr)
    hooks = yaml.safe_load((tmp_path / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    (hook,) = hooks["repos"][0]["hooks"]
    assert hook["additional_dependencies"] == [f"cmc-dossier=={__version__}"]
    assert hook["entry"] == "dossier validate" and hook["args"] == ["dossier"]
