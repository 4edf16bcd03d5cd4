"""`dossier init`: a new product repository that validates, builds and serves its site.

The facts are the fewest a valid dossier has (the manifest and its sponsor); values are
the user's, written as YAML double-quoted strings so they are read back exactly as typed.
Everything else is what this package ships: the JSON Schema, the review-site configuration,
the pull-request workflow pinned to this release, a pre-commit hook and a .gitignore.
Existing files are never overwritten.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from cmc_dossier import __version__
from cmc_dossier.diagnostics import Diagnostic
from cmc_dossier.model.product import SUPPORTED_SCHEMA_VERSIONS
from cmc_dossier.schema import SCHEMA_FILE, fact_schema
from cmc_dossier.validation import validate_folder

DOSSIER = "dossier"
SPONSOR_ID = "ORG-SPONSOR"
SCHEMA_HEADER = f"# yaml-language-server: $schema=../schemas/{SCHEMA_FILE}\n"
# The line of the shipped workflow that installs the tool from its own checkout.
INSTALL_FROM_CHECKOUT = "run: python -m pip install .\n"

PRE_COMMIT = f"""\
# Validate the dossier on every commit (https://pre-commit.com): `pre-commit install`.
repos:
  - repo: local
    hooks:
      - id: dossier-validate
        name: validate CMC dossier facts
        entry: dossier validate
        args: [{DOSSIER}]
        language: python
        additional_dependencies: ["cmc-dossier=={__version__}"]
        pass_filenames: false
        files: ^{DOSSIER}/.*\\.(ya?ml|md)$
"""

GITIGNORE = """\
# Documents, review site and their work folders: rebuilt from the facts.
/build/
/.venv/
"""


class ScaffoldError(Exception):
    """The repository cannot be scaffolded as asked; nothing was written."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.hint = hint


@dataclass(frozen=True)
class Product:
    """What only the user knows: the manifest's facts."""

    name: str
    code: str
    modality: str
    phase: str
    contexts: tuple[str, ...]
    sponsor: str
    sponsor_country: str
    inn: str | None = None
    viral_vector: str | None = None


def _quoted(value: str) -> str:
    """A YAML double-quoted scalar (JSON's syntax is a subset) holding exactly `value`."""
    return json.dumps(value, ensure_ascii=False)


def _facts(product: Product) -> dict[str, str]:
    identity = f"name: {_quoted(product.name)}, code: {_quoted(product.code)}"
    if product.inn is not None:
        identity += f", inn: {_quoted(product.inn)}"
    vector = f"viral_vector: {product.viral_vector}\n" if product.viral_vector else ""
    manifest = (
        f"{SCHEMA_HEADER}kind: Manifest\nid: DOSSIER\n"
        f'schema_version: "{SUPPORTED_SCHEMA_VERSIONS[-1]}"\n'
        f"product: {{{identity}}}\nmodality: {product.modality}\n{vector}"
        f'phase: "{product.phase}"\ncontexts: [{", ".join(product.contexts)}]\n'
        f"sponsor: {SPONSOR_ID}\n"
        f"default_ownership: {{maintained_by: {SPONSOR_ID}, approved_by: [{SPONSOR_ID}]}}\n"
    )
    sponsor = (
        f"{SCHEMA_HEADER}kind: Organization\nid: {SPONSOR_ID}\nname: {_quoted(product.sponsor)}\n"
        f"role: sponsor\ncountry: {_quoted(product.sponsor_country)}\n"
    )
    return {f"{DOSSIER}/manifest.yaml": manifest, f"{DOSSIER}/organizations.yaml": sponsor}


def _shipped(*parts: str) -> str:
    return files("cmc_dossier").joinpath(*parts).read_text(encoding="utf-8")


def _workflow() -> str:
    workflow = _shipped("data", "scaffold", "dossier.yml")
    assert INSTALL_FROM_CHECKOUT in workflow, "the shipped workflow installs the tool"
    return workflow.replace(
        INSTALL_FROM_CHECKOUT, f'run: python -m pip install "cmc-dossier=={__version__}"\n'
    )


def _tooling() -> dict[str, str]:
    """The repository's files besides the facts, by path relative to its root."""
    return {
        f"schemas/{SCHEMA_FILE}": fact_schema(),
        ".github/workflows/dossier.yml": _workflow(),
        ".pre-commit-config.yaml": PRE_COMMIT,
        "mkdocs.yml": _shipped("site", "mkdocs.yml"),
        ".gitignore": GITIGNORE,
    }


def _value_errors(facts: dict[str, str]) -> list[Diagnostic]:
    """Errors of the reading and schema kind (DOS0xx, DOS1xx): a value the user gave is wrong.

    Domain findings (DOS3xx, e.g. a cell therapy still without release tests) are the
    dossier's next work, not a reason to refuse."""
    with tempfile.TemporaryDirectory() as folder:
        for name, text in facts.items():
            path = Path(folder) / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        result = validate_folder(Path(folder) / DOSSIER)
    # DOS106 "the dossier has no manifest" only follows from an error in the manifest
    return [e for e in result.errors if e.code[3] in "01" and e.code != "DOS106"]


def scaffold(root: Path, product: Product) -> list[Path]:
    """Write the repository's files under `root`; refuse before writing if any exists."""
    facts = _facts(product)
    wanted = {**facts, **_tooling()}
    existing = [name for name in wanted if (root / name).exists() or (root / name).is_symlink()]
    if existing:
        raise ScaffoldError(
            f"{root} already has {', '.join(existing)}; nothing was written",
            "run `dossier init` in a new folder, or move these files away first",
        )
    problems = _value_errors(facts)
    if problems:
        raise ScaffoldError(
            "; ".join(problem.message for problem in problems),
            "check the values given on the command line (`dossier init --help`)",
        )
    written = []
    for name, text in wanted.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8") as stream:  # never over a file made meanwhile
            stream.write(text)
        written.append(path)
    return written
