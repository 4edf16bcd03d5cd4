"""One broken fixture per diagnostic code: the code is reported, at its line, and alone.

The expected place is marked in the fixture text itself with `# <- CODE`; where a file
cannot hold a comment (bytes, empty files, folders) the case names the line.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from cmc_dossier.diagnostics.codes import CODES
from cmc_dossier.validation import validate_folder


@dataclass
class Case:
    files: dict[str, str | bytes] = field(default_factory=dict)
    base: str | None = "small-molecule"
    replace: dict[str, str] = field(default_factory=dict)
    line: tuple[str, int] | None = None  # (file, line) when no marker can be written
    also: frozenset[str] = frozenset()  # other codes this mistake necessarily causes
    setup: Callable[[Path, pytest.MonkeyPatch], None] | None = None  # what files cannot say


def _fifo(root: Path, _: pytest.MonkeyPatch) -> None:
    os.mkfifo(root / "pipe.yaml")


def _link_out(root: Path, _: pytest.MonkeyPatch) -> None:
    outside = root.parent / "secret.yaml"
    outside.write_text("kind: Organization\nid: ORG-SECRET\n", encoding="utf-8")
    (root / "outside.yaml").symlink_to(outside)


def _deep_folders(root: Path, _: pytest.MonkeyPatch) -> None:
    (root / "/".join(["d"] * 40)).mkdir(parents=True)


def _one_file_too_many(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cmc_dossier.loader import safe_files

    monkeypatch.setattr(safe_files, "MAX_FILES", len(list(root.rglob("*.yaml"))))
    (root / "zz-extra.yaml").write_text("kind: CQA\n", encoding="utf-8")


CQA_HEAD = "kind: CQA\nid: CQA-NEW\ntitle: New attribute\ncategory: general\n"
CQA_TAIL = "derived_from: [QTPP-DP]\ncriticality: non-critical\nrationale: Needed.\n"

# a process without `validation` is reported for information at Phase 1 (DOS312)
UNVALIDATED_PROCESS = frozenset({"DOS312"})

CASES: dict[str, Case] = {
    "DOS001": Case(files={"broken.yaml": b"kind: CQA\ntitle: caf\xe9\n"}, line=("broken.yaml", 2)),
    "DOS002": Case(files={"broken.yaml": b"\xef\xbb\xbfkind: CQA\n"}, line=("broken.yaml", 1)),
    "DOS003": Case(
        files={"broken.yaml": CQA_HEAD + "derived_from:\n\t- QTPP-DP\n"}, line=("broken.yaml", 6)
    ),
    "DOS004": Case(files={"broken.yaml": "kind: CQA\nid: CQA-NEW\n  title: x  # <- DOS004\n"}),
    "DOS005": Case(files={"broken.yaml": ""}, line=("broken.yaml", 1)),
    "DOS006": Case(files={"broken.yaml": CQA_HEAD + CQA_TAIL + "title: Again  # <- DOS006\n"}),
    "DOS007": Case(
        files={
            "broken.yaml": "kind: CQA\nid: CQA-NEW\ntitle: &t Title\nrationale: *t  # <- DOS007\n"
        }
    ),
    "DOS008": Case(
        files={
            "broken.yaml": CQA_HEAD
            + CQA_TAIL
            + "clinical_relevance: !!python/object:os.system x  # <- DOS008\n"
        }
    ),
    "DOS009": Case(base=None),
    "DOS010": Case(files={"broken.yaml": "- kind: CQA  # <- DOS010\n- id: X\n"}),
    "DOS011": Case(
        files={
            "broken.yaml": "kind: Narrative\nid: N-1\nsection: 3.2.P.2.1\n"
            "file: missing.md  # <- DOS011\n"
        }
    ),
    "DOS012": Case(files={}, line=("dangling.yaml", 0)),
    "DOS013": Case(setup=_fifo, line=("pipe.yaml", 0)),
    "DOS014": Case(setup=_link_out, line=("outside.yaml", 0)),
    "DOS015": Case(files={"big.yaml": b"# " + b"x" * (16 * 1024 * 1024)}, line=("big.yaml", 0)),
    "DOS016": Case(setup=_deep_folders, line=("d", 0)),
    "DOS017": Case(setup=_one_file_too_many),
    "DOS018": Case(
        files={"deep.yaml": "kind: CQA\nid: X\ntitle: " + "[" * 70 + "]" * 70 + "  # <- DOS018\n"}
    ),
    "DOS019": Case(files={"broken.yaml": CQA_HEAD + "rationale: a\x00b  # <- DOS019\n"}),
    "DOS020": Case(
        files={
            "broken.yaml": CQA_HEAD
            + CQA_TAIL.replace("rationale: Needed.\n", "rationale: a\u202eb  # <- DOS020\n")
        }
    ),
    "DOS101": Case(files={"broken.yaml": "kind: CQAA  # <- DOS101\nid: X\n"}),
    "DOS102": Case(
        files={
            "broken.yaml": "kind: CQA  # <- DOS102\nid: CQA-NEW\ntitle: T\ncategory: general\n"
            + CQA_TAIL.replace("rationale: Needed.\n", "")
        }
    ),
    "DOS103": Case(
        files={"broken.yaml": CQA_HEAD + CQA_TAIL + "criticallity: critical  # <- DOS103\n"}
    ),
    "DOS104": Case(
        files={
            "broken.yaml": "kind: CQA\nid: CQA-NEW\ntitle: T\ncategory: general\nderived_from: [QTPP-DP]\ncriticality: NO  # <- DOS104\nrationale: R\n"
        }
    ),
    "DOS105": Case(
        files={
            "broken.yaml": CQA_HEAD.replace("id: CQA-NEW\n", "id: CQA-ASSAY  # <- DOS105\n")
            + CQA_TAIL
        }
    ),
    "DOS106": Case(
        files={
            "second.yaml": "kind: Manifest  # <- DOS106\nid: DOSSIER-2\nschema_version: 1\nproduct: {name: X, code: X}\nmodality: small-molecule\nphase: 1\ncontexts: [us-ind]\nsponsor: ORG-S\ndefault_ownership: {maintained_by: ORG-S, approved_by: [ORG-S]}\n"
        }
    ),
    "DOS107": Case(replace={"schema_version: 1\n": "schema_version: 2  # <- DOS107\n"}),
    "DOS130": Case(replace={"criterion: NMT 1.0 %}": "criterion: 'NMT 1,0 %'}  # <- DOS130"}),
    "DOS131": Case(replace={"criterion: NMT 1.0 %}": "criterion: 2.0–1.0 %}  # <- DOS131"}),
    "DOS201": Case(
        files={
            "broken.yaml": CQA_HEAD
            + "derived_from: [QTPP-DPP]  # <- DOS201\ncriticality: critical\nrationale: R\n"
        }
    ),
    "DOS202": Case(
        files={
            "broken.yaml": CQA_HEAD
            + "derived_from: [CQA-ASSAY]  # <- DOS202\ncriticality: critical\nrationale: R\n"
        }
    ),
    "DOS203": Case(
        files={
            "broken.yaml": CQA_HEAD
            + CQA_TAIL.replace(
                "rationale: Needed.\n",
                "rationale: |\n  Linked to the assay limit\n  of [[T-ASSAY:acceptance]].  # <- DOS203\n",
            )
        }
    ),
    "DOS240": Case(
        files={
            "broken.yaml": CQA_HEAD
            + CQA_TAIL
            + "clinical_relevance: As FDA guidance expects.  # <- DOS240\n"
        }
    ),
    "DOS241": Case(
        files={
            "broken.yaml": CQA_HEAD
            + CQA_TAIL.replace("rationale: Needed.\n", "rationale: {eu: Needed.}  # <- DOS241\n")
        }
    ),
    "DOS204": Case(
        files={
            "broken.yaml": "kind: ManufacturingProcess\nid: PROC-1\ntitle: P\nstage: drug-product\n"
            "product: DP-1\nsites: [SITE-1]\ndescription: D\nunit_operations:\n  - UO-1\n"
            "  - UO-1  # <- DOS204\n---\nkind: UnitOperation\nid: UO-1\ntitle: Blend\n"
            "description: D\n"
        },
        also=UNVALIDATED_PROCESS,
    ),
    "DOS205": Case(
        files={
            "broken.yaml": "kind: UnitOperation\nid: UO-LOST  # <- DOS205\ntitle: Blend\ndescription: D\n"
        }
    ),
    "DOS206": Case(
        files={
            "broken.yaml": "kind: Batch\nid: B-1\nbatch_number: '001'\nproduct: DP-1\nscale: Pilot\n"
            "use: [clinical]\nsite: SITE-1\nmanufacture_date: 2026-01\nspecification: SPEC-DS\n"
            "results:\n  T-ASSAY: 99.1 %  # <- DOS206\n---\nkind: Specification\nid: SPEC-DS\n"
            "title: DS spec\napplies_to: drug-substance\nsubject: DS-1\nversion: '1'\ntests:\n"
            "  - {id: T-DS-ASSAY, test: Assay, attribute: CQA-ASSAY, method: M-HPLC, "
            "acceptance_criterion: 98.0–102.0 %}\n"
        }
    ),
    "DOS207": Case(
        files={
            "broken.yaml": "kind: Batch\nid: B-1\nbatch_number: '001'\nproduct: DP-1\nscale: Pilot\n"
            "use: [stability]\nsite: SITE-1\nmanufacture_date: 2026-01\n---\n"
            "kind: StabilityStudy\nid: STAB-1\ntitle: Long term\nsubject: DP-1\n"
            "study_type: long-term\nspecification: SPEC-DP\nbatches: [B-1]\n"
            "conditions: [{key: lt, storage: 25 °C/60 % RH}]\ntime_points: ['0', 3 M]\n"
            "results:\n  - batch: B-1\n    condition: lt\n    time_point: 6 M  # <- DOS207\n"
            "    values: {T-ASSAY: 99.0 %}\n"
        }
    ),
    "DOS220": Case(
        files={
            "broken.yaml": "kind: CellBank\nid: CB-MCB\ntitle: MCB\ntype: master-cell-bank\n"
            "origin: bacterial\nhistory: H\nsite: SITE-1\n---\n"
            "kind: CellBank\nid: CB-WCB\ntitle: WCB\ntype: working-cell-bank\n"
            "origin: bacterial\nhistory: H\nsite: SITE-1\n---\n"
            "kind: CellBank\nid: CB-MCB-2\ntitle: MCB 2\ntype: master-cell-bank\n"
            "origin: bacterial\nderived_from: CB-WCB  # <- DOS220\nhistory: H\nsite: SITE-1\n"
        }
    ),
    "DOS221": Case(
        files={
            "broken.yaml": "kind: Batch\nid: B-1\nbatch_number: L1\nproduct: DP-1\nscale: 1 kg\n"
            "use: [clinical]\nsite: SITE-1\nmanufacture_date: 2025-01\n"
            "input_batches: [B-1]  # <- DOS221\n"
        }
    ),
    "DOS222": Case(
        files={
            "broken.yaml": "kind: Batch\nid: B-1\nbatch_number: L1\nproduct: DP-1\nscale: 1 kg\n"
            "use: [clinical]\nsite: SITE-1\nmanufacture_date: 2025-01\n---\n"
            "kind: Batch\nid: B-2\nbatch_number: L1  # <- DOS222\nproduct: DP-1\n"
            "scale: 1 kg\nuse: [clinical]\nsite: SITE-1\nmanufacture_date: 2025-02\n"
        }
    ),
    "DOS210": Case(
        files={
            "broken.yaml": "kind: Specification\nid: SPEC-DP-2\ntitle: Second\n"
            "applies_to: drug-product\nsubject: DP-1\nversion: '1'\ntests:\n"
            "  - {id: T-ID, test: Identity, attribute: CQA-ASSAY, method: M-HPLC, "
            "acceptance_criterion: Conforms}\nincludes: [T-DEG]  # <- DOS210\n"
        }
    ),
    "DOS301": Case(
        base="autologous-cell-therapy",
        replace={
            "modality: autologous-cell-therapy": "modality: autologous-cell-therapy  # <- DOS301",
            "attribute_type: mycoplasma": "attribute_type: other",
        },
    ),
    "DOS302": Case(
        base="allogeneic-cell-therapy",
        replace={
            "modality: allogeneic-cell-therapy": "modality: allogeneic-cell-therapy  # <- DOS302",
            "attribute_type: vector-copy-number": "attribute_type: other",
        },
    ),
    "DOS303": Case(
        files={
            "broken.yaml": "kind: ProcessParameter\nid: PP-1\ntitle: Blend time\n"
            "unit_operation: UO-1\ncriticality: key\nunit: min\ntarget: 10\n"
            "proven_acceptable_range: {low: 12, high: 8}  # <- DOS303\n"
            "affects: [CQA-ASSAY]\njustification: J\n---\n"
            "kind: ManufacturingProcess\nid: PROC-1\ntitle: P\nstage: drug-product\n"
            "product: DP-1\nsites: [SITE-1]\ndescription: D\nunit_operations: [UO-1]\n---\n"
            "kind: UnitOperation\nid: UO-1\ntitle: Blend\ndescription: D\n"
        },
        also=UNVALIDATED_PROCESS,
    ),
    "DOS304": Case(
        files={
            "broken.yaml": "kind: ProcessParameter\nid: PP-1\ntitle: Blend time\n"
            "unit_operation: UO-1\ncriticality: critical  # <- DOS304\njustification: J\n---\n"
            "kind: ManufacturingProcess\nid: PROC-1\ntitle: P\nstage: drug-product\n"
            "product: DP-1\nsites: [SITE-1]\ndescription: D\nunit_operations: [UO-1]\n---\n"
            "kind: UnitOperation\nid: UO-1\ntitle: Blend\ndescription: D\n"
        },
        also=UNVALIDATED_PROCESS,
    ),
    "DOS305": Case(
        files={
            "broken.yaml": "kind: UnitOperation\nid: UO-1\ntitle: Blend\ndescription: D\n"
            "established_condition:\n  reporting:\n    us-ind: {relaxation: information-amendment}\n"
            "    eu-post-approval: {relaxation: IB}  # <- DOS305\n---\n"
            "kind: ManufacturingProcess\nid: PROC-1\ntitle: P\nstage: drug-product\n"
            "product: DP-1\nsites: [SITE-1]\ndescription: D\nunit_operations: [UO-1]\n"
        },
        also=UNVALIDATED_PROCESS,
    ),
    "DOS500": Case(
        files={
            "broken.yaml": "kind: UnitOperation\nid: UO-1\ntitle: Blend\ndescription: D\n"
            "established_condition:\n  reporting:\n"
            "    us-ind: information-amendment  # <- DOS500\n---\n"
            "kind: ManufacturingProcess\nid: PROC-1\ntitle: P\nstage: drug-product\n"
            "product: DP-1\nsites: [SITE-1]\ndescription: D\nunit_operations: [UO-1]\n"
        },
        also=UNVALIDATED_PROCESS,
    ),
    "DOS306": Case(
        replace={"modality: small-molecule": "modality: small-molecule  # <- DOS306"},
        files={
            "broken.yaml": "kind: Material\nid: MAT-LACTOSE\ntitle: Lactose monohydrate\n"
            "category: excipient\ngrade: Ph. Eur.\nsupplier: Commercial\n"
            "origin: {source: animal, species: bovine milk}\nrisk_class: low\n"
        },
    ),
    "DOS307": Case(
        base="viral-vector-gene-therapy",
        replace={
            "modality: viral-vector-gene-therapy\nviral_vector: aav\n": (
                "modality: viral-vector-gene-therapy  # <- DOS307\n"
            )
        },
    ),
    "DOS330": Case(
        base="viral-vector-gene-therapy",
        files={
            "cells.yaml": "kind: CellBank\nid: CB-HEK293-MCB\ntitle: HEK 293 MCB\n"
            "type: master-cell-bank\norigin: mammalian  # <- DOS330\nhistory: H\n"
            "site: SITE-1\n"
        },
    ),
    "DOS331": Case(
        base="therapeutic-protein",
        replace={
            "  - {virus: V-MMV, log_reduction: 3.1, runs: 2}": (
                "  - {virus: V-MMV, log_reduction: 0.8, runs: 2}  # <- DOS331"
            )
        },
        also=frozenset({"DOS312"}),  # the fixture's overfill is to be provided later
    ),
    "DOS332": Case(
        base="autologous-cell-therapy",
        replace={
            "type: compendial\nstatus: validated": "type: compendial\nstatus: qualified  # <- DOS332"
        },
    ),
    "DOS333": Case(
        files={
            "broken.yaml": "kind: AnalyticalMethod\nid: M-NMR\ntitle: NMR\ntechnique: 1H NMR\n"
            "purpose: Structure\ntype: in-house\nstatus: qualified\nstatus_as_of_phase: 1\n"
            "performed_at: [SITE-1]\nuses: [characterisation]\n---\nkind: Specification\n"
            "id: SPEC-DS\ntitle: DS spec\napplies_to: drug-substance\nsubject: DS-1\n"
            "version: '1'\ntests:\n  - id: T-DS-ASSAY\n    test: Identity\n"
            "    attribute: CQA-ASSAY\n    method: M-NMR  # <- DOS333\n"
            "    acceptance_criterion: Conforms\n"
        },
    ),
    "DOS313": Case(
        files={
            "broken.yaml": "kind: Specification\nid: SPEC-DS\ntitle: DS spec\n"
            "applies_to: drug-substance\nsubject: DS-1\nversion: '1'\ntests:\n"
            "  - id: T-DS-IMP\n    test: Total impurities\n    attribute: CQA-IMPURITIES\n"
            "    method: M-HPLC\n    acceptance_criterion: NMT 2.0 %  # <- DOS313\n"
        }
    ),
    "DOS360": Case(
        files={
            "lab.yaml": "kind: Site\nid: SITE-LAB\nname: Contract laboratory\n"
            "organization: ORG-S\naddress: {lines: [3 Lab Lane], city: Leeds, country: GB}\n"
            "activities: [release-testing]\ngmp: {status: gmp-certificate}\n",
            "broken.yaml": "kind: Specification\nid: SPEC-DS\ntitle: DS spec\n"
            "applies_to: drug-substance\nsubject: DS-1\nversion: '1'\ntests:\n"
            "  - id: T-DS-ASSAY\n    test: Assay\n    attribute: CQA-ASSAY\n"
            "    method: M-HPLC  # <- DOS360\n    acceptance_criterion: 98.0–102.0 %\n",
        },
        replace={"performed_at: [SITE-1]": "performed_at: [SITE-1, SITE-LAB]"},
    ),
    "DOS361": Case(
        files={
            "broken.yaml": "kind: Batch\nid: B-1\nbatch_number: '001'\nproduct: DP-1\n"
            "scale: Pilot\nuse: [clinical]\nsite: SITE-1\nmanufacture_date: 2026-01\n"
            "specification: SPEC-DP\nresults:\n  T-ASSAY: 99.1 %\n"
            "  T-DEG: 1.4 %  # <- DOS361\n"
        }
    ),
    "DOS362": Case(replace={"status: qualified\n": "status: validated  # <- DOS362\n"}),
    "DOS334": Case(replace={"sterile: false\n": "sterile: true  # <- DOS334\n"}),
    "DOS335": Case(
        base="therapeutic-protein",
        replace={
            "modality: therapeutic-protein": "modality: therapeutic-protein  # <- DOS335",
            "attribute_type: host-cell-dna": "attribute_type: other",
        },
        also=frozenset({"DOS312"}),  # the fixture's overfill is to be provided later
    ),
    "DOS336": Case(
        replace={
            "modality: small-molecule": "modality: small-molecule  # <- DOS336",
            "attribute_type: elemental-impurities": "attribute_type: other",
        }
    ),
    "DOS337": Case(
        files={
            "broken.yaml": "kind: Impurity\nid: IMP-A\ntitle: Impurity A\nsubject: DS-1\n"
            "type: product-related\nattribute_type: related-substances\n"
            "origin: By-product of step 4.\nlimit: NMT 0.50 %  # <- DOS337\n"
        }
    ),
    "DOS338": Case(
        base="autologous-cell-therapy",
        replace={
            "modality: autologous-cell-therapy": "modality: autologous-cell-therapy  # <- DOS338",
            "title: Chain of identity\n": "title: Chain of identity\nscope: allogeneic\n",
        },
    ),
    "DOS310": Case(
        files={
            "broken.yaml": "kind: CQA\nid: CQA-STERILITY\ntitle: Sterility\ncategory: safety\n"
            "attribute_type: sterility\nderived_from: [QTPP-DP]\ncriticality: critical\n"
            "rationale: Patient safety.\n---\nkind: AnalyticalMethod\nid: M-STERILITY\n"
            "title: Sterility\ntechnique: Membrane filtration\npurpose: Sterility\n"
            "type: compendial\nstatus: {to-be-provided: '2'}  # <- DOS310\n"
            "status_as_of_phase: 1\nperformed_at: [SITE-1]\n---\nkind: Specification\n"
            "id: SPEC-STERILITY\ntitle: Sterility\napplies_to: drug-product\nsubject: DP-1\n"
            "version: '1'\ntests:\n  - {id: T-STERILITY, test: Sterility, "
            "attribute: CQA-STERILITY, method: M-STERILITY, acceptance_criterion: No growth}\n"
        }
    ),
    "DOS311": Case(
        replace={"supplier: Commercial\n": "supplier: {to-be-provided: 1}  # <- DOS311\n"}
    ),
    "DOS312": Case(
        replace={
            "supplier: Commercial\n": "supplier: {to-be-provided: 2027-03, note: Tender}  # <- DOS312\n"
        }
    ),
}


def _marked(root: Path, code: str) -> tuple[str, int] | None:
    for path in sorted(root.rglob("*.yaml")):
        if path.is_symlink():
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if f"# <- {code}" in line:
                return path.name, number
    return None


BUILD_CODES = {
    "DOS401",
    "DOS402",
    "DOS403",
    "DOS404",
    "DOS405",
    "DOS420",
    "DOS421",
    "DOS422",
    "DOS510",
    "DOS511",
    "DOS512",
    "DOS513",
    "DOS514",
    "DOS515",
    "DOS516",
}  # build, codeowners and stale text after a diff: see test_build.py, test_change*.py
# result import: a broken spreadsheet per code, with its sheet/row/column, in test_exchange_import.py
# FHIR export (DOS616): a value without an IG code, at its line, in test_exchange_fhir.py
EXCHANGE_CODES = {code for code in CODES if "DOS600" <= code <= "DOS649"}


def test_every_code_has_a_case() -> None:
    strategy = {code for code in CODES if code.startswith("DOS7")}  # test_strategy_codes.py
    assert sorted(CASES) == sorted(set(CODES) - BUILD_CODES - EXCHANGE_CODES - strategy)


@pytest.mark.parametrize("code", sorted(CASES))
def test_broken_fixture_yields_its_code_at_its_line(
    code: str, dossier_from, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = CASES[code]
    root = dossier_from(case.base, case.files, case.replace)
    if case.setup is not None:
        case.setup(root, monkeypatch)
    if code == "DOS012":
        (root / "dangling.yaml").symlink_to(root / "nowhere.yaml")
    expected = case.line or _marked(root, code)
    result = validate_folder(root)
    found = [d for d in result.diagnostics if d.code == code]
    assert found, (
        f"{code} not reported; got {[(d.code, str(d.location)) for d in result.diagnostics]}"
    )
    if expected is None:  # a folder-level problem
        assert all(d.location and d.location.file == root for d in found)
    else:
        file, line = expected
        # a diagnostic about two places (duplicates) names the other one as related
        places = [
            (loc.file.name, loc.line) for d in found for loc in (d.location, *d.related) if loc
        ]
        assert (file, line) in places
    others = {d.code for d in result.diagnostics} - {code} - case.also
    assert not others, f"{code} fixture also reported {others}"
    assert found[0].severity == CODES[code].severity
    assert found[0].hint or CODES[code].explanation


def test_missing_manifest_is_reported_at_the_folder(dossier_from) -> None:
    root = dossier_from(
        files={"only.yaml": "kind: Organization\nid: ORG-X\nname: X\nrole: cto\ncountry: DE\n"},
        base=None,
    )
    result = validate_folder(root)
    assert [(d.code, d.location.file) for d in result.diagnostics] == [("DOS106", root)]
