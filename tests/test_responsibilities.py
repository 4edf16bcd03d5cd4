"""The responsibilities annex and the technology-transfer package, on the CAR-T example."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

from conftest import REPO, run_cli

from cmc_dossier.loader.discover import read_folder
from cmc_dossier.validation import validate_folder

SENDING = "SITE-CASTELLAN-LEIPZIG"
SPECIFICS = (
    "kind: SiteSpecifics\nid: SS-LEIPZIG-CULTURE\ntitle: Expansion at Leipzig\n"
    f"site: {SENDING}\nequipment: [Rocking-motion bioreactor, model 25 EHT]\n"
    "rooms: [Grade B suite 2.14]\nlocal_procedures: [SOP-LE-0147]\n"
)


def _example_with_specifics(tmp_path: Path) -> Path:
    root = shutil.copytree(REPO / "dossier", tmp_path / "car-t")
    (root / "site-specifics.yaml").write_text(SPECIFICS, encoding="utf-8")
    return root


def test_the_matrix_names_who_maintains_approves_performs_and_holds_raw_data(
    tmp_path: Path,
) -> None:
    root = shutil.copytree(REPO / "dossier", tmp_path / "car-t")
    organizations = root / "organizations.yaml"
    text = organizations.read_text(encoding="utf-8")
    tessaly = "id: SITE-TESSALY-LEIDEN\n"
    organizations.write_text(
        text.replace(tessaly, tessaly + "raw_data_held_by: ORG-VERIDANE\n"), encoding="utf-8"
    )
    done = run_cli("responsibilities", str(root))
    assert done.returncode == 0, done.stderr
    rows = {line.split(" | ")[1].split(":")[0]: line for line in done.stdout.splitlines()
            if line.startswith("| 3.2")}  # fmt: skip
    # a method the CTO performs: its raw data go to the sponsor under the site's agreement
    assert rows["M-RCL"].endswith(
        "| Tessaly Analytical Laboratories B.V. | Veridane Therapeutics, Inc. |"
    )
    # the process: maintained by the CDMO, approved by both, performed at the CDMO
    assert rows["PROC-DP"].split(" | ")[2:] == [
        "Castellan Cell Manufacturing GmbH",
        "Veridane Therapeutics, Inc.; Castellan Cell Manufacturing GmbH",
        "Castellan Cell Manufacturing GmbH",
        "Castellan Cell Manufacturing GmbH |",
    ]
    docx = tmp_path / "responsibilities.docx"
    done = run_cli("responsibilities", str(root), "-f", "docx", "-o", str(docx))
    assert done.returncode == 0, done.stderr
    with zipfile.ZipFile(docx) as archive:
        body = archive.read("word/document.xml").decode("utf-8")
    assert "Raw data held by" in body and "Tessaly Analytical Laboratories" in body


def test_a_transfer_package_validates_and_holds_none_of_the_sending_sites_specifics(
    tmp_path: Path,
) -> None:
    root = _example_with_specifics(tmp_path)
    package = tmp_path / "package"
    done = run_cli("transfer-package", SENDING, str(root), "-o", str(package))
    assert done.returncode == 0, done.stderr
    result = validate_folder(package)
    assert not result.errors, [d.message for d in result.errors]
    documents, _ = read_folder(package)
    kinds = {str(d.data["id"]): str(d.data["kind"]) for d in documents}
    assert "SiteSpecifics" not in kinds.values()
    text = "".join(p.read_text(encoding="utf-8") for p in package.rglob("*.yaml"))
    for specific in ("model 25 EHT", "Grade B suite 2.14", "SOP-LE-0147"):
        assert specific not in text
    # work that moves names the receiving site; work done (batches) keeps its site
    forward = {"ManufacturingProcess", "AnalyticalMethod", "Specification", "DrugSubstance",
               "DrugProduct", "RetainSamplePlan"}  # fmt: skip
    for document in documents:
        typed = document.source.text
        if str(document.data["kind"]) in forward:
            node = document.source.nodes[document.index]
            assert SENDING not in typed[node.start_mark.index : node.end_mark.index]
    assert validate_folder(package).dossier.index["B-ENG-01"].value.site == SENDING
    assert validate_folder(package).dossier.index["PROC-DP"].value.sites == ["SITE-RECEIVING"]
    index = (package / "TRANSFER.md").read_text(encoding="utf-8")
    assert "- ManufacturingProcess PROC-DP:" in index
    assert "- SiteSpecifics SS-LEIPZIG-CULTURE: Expansion at Leipzig" in index
    # values are copied as typed: a document with no site in it is byte-identical
    original = (REPO / "dossier" / "stability.yaml").read_text(encoding="utf-8")
    assert (package / "stability.yaml").read_text(encoding="utf-8") in original


def test_a_transfer_package_refuses_an_unknown_site_and_writes_nothing(tmp_path: Path) -> None:
    package = tmp_path / "package"
    done = run_cli("transfer-package", "SITE-NOWHERE", "dossier", "-o", str(package))
    assert done.returncode == 1
    assert "'SITE-NOWHERE' is not a site of this dossier" in done.stderr
    assert "Traceback" not in done.stderr
    assert not package.exists()
