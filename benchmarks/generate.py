"""Synthetic dossiers of N facts with realistic shapes and references, for benchmarks.

Each block of 20 facts holds what one unit operation brings into a real dossier: its CQAs,
materials, parameters with ranges, an in-process control, a method, a specification with
tests, batches with results and a narrative with prose references. Files hold about 50
facts each, the way a team splits a dossier by area.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

HEADER = """kind: Manifest
id: DOSSIER
schema_version: 1
product: {name: Synthetic product, code: SYN-1}
modality: therapeutic-protein
phase: 1
contexts: [us-ind, eu-cta]
sponsor: ORG-S
default_ownership: {maintained_by: ORG-S, approved_by: [ORG-S]}
---
kind: Organization
id: ORG-S
name: Synthetic Sponsor
role: sponsor
country: US
---
kind: Site
id: SITE-1
name: Synthetic plant
organization: ORG-S
address: {lines: [1 Synthetic Way], city: Boston, country: US}
activities: [drug-substance-manufacture, drug-product-manufacture, release-testing]
gmp: {status: fda-inspected}
---
kind: QTPPElement
id: QTPP-1
aspect: drug-product-quality-attributes
title: Quality
target: Meets the specification.
source: TPP
---
kind: DrugProduct
id: DP-1
name: Synthetic product
dosage_form: Solution for injection
route: Intravenous use
strength: 10 mg/mL
description: Synthetic.
composition: [{material: DS-1, function: Active substance, quantity: 10 mg/mL}]
manufacturers: [SITE-1]
---
kind: DrugSubstance
id: DS-1
name: Synthetic substance
description: Synthetic.
manufacturers: [SITE-1]
---
kind: AdventitiousAgentSafety
id: AAS-1
title: Viral safety
agents: [viral]
evaluation: Cell bank testing and viral clearance.
"""

BLOCK_FACTS = 20
# Attribute types of the CQAs in turn, so that every dossier of two blocks or more releases
# the sterile protein product against sterility and endotoxins and controls its
# process-related impurities, as the modality checks (DOS334, DOS335) require.
ATTRIBUTE_TYPES = (
    "aggregates",
    "sterility",
    "endotoxin",
    "host-cell-protein",
    "host-cell-dna",
    "residual-reagent",
)


def block(n: int) -> list[str]:
    """The 20 facts of block n."""
    b = f"{n:05d}"
    facts = [
        f"kind: CQA\nid: CQA-{b}-{i}\ntitle: Attribute {b}.{i}\ncategory: purity-and-impurities\n"
        f"attribute_type: {ATTRIBUTE_TYPES[(3 * n + i) % len(ATTRIBUTE_TYPES)]}\n"
        "derived_from: [QTPP-1]\ncriticality: critical\n"
        f"rationale: |\n  Affects safety; linked to [[QTPP-1]] and limited at release.\n"
        for i in range(3)
    ]
    facts += [
        f"kind: Material\nid: MAT-{b}-{i}\ntitle: Material {b}.{i}\ncategory: raw-material\n"
        f"grade: GMP\nsupplier: Commercial\norigin: {{source: synthetic}}\nrisk_class: low\n"
        for i in range(2)
    ]
    facts.append(
        f"kind: UnitOperation\nid: UO-{b}\ntitle: Step {b}\ndescription: Operation {b}.\n"
        f"materials: [MAT-{b}-0, MAT-{b}-1]\nequipment: [Single-use bioreactor]\n"
    )
    facts += [
        f"kind: ProcessParameter\nid: PP-{b}-{i}\ntitle: Parameter {b}.{i}\n"
        f"unit_operation: UO-{b}\ncriticality: critical\nunit: °C\ntarget: 37.0\n"
        f"normal_operating_range: {{low: 36.5, high: 37.5}}\n"
        f"proven_acceptable_range: {{low: 35.0, high: 39.0}}\n"
        f"affects: [CQA-{b}-0, CQA-{b}-1]\njustification: Development data, runs {b}.\n"
        for i in range(4)
    ]
    facts.append(
        f"kind: AnalyticalMethod\nid: M-{b}\ntitle: Method {b}\ntechnique: SE-HPLC\n"
        f"purpose: Purity\ntype: in-house\nstatus: validated\nstatus_as_of_phase: 1\n"
        f"performed_at: [SITE-1]\nvalidation_summary:\n"
        "  - {characteristic: Specificity, acceptance: Monomer resolved from aggregate, "
        "result: Resolution 2.1}\n"
        "  - {characteristic: Precision (repeatability), acceptance: RSD ≤ 2.0 %, "
        "result: RSD 0.4 %}\n"
    )
    facts.append(
        f"kind: InProcessControl\nid: IPC-{b}\ntitle: Control {b}\nunit_operation: UO-{b}\n"
        f"attribute: CQA-{b}-2\nmethod: M-{b}\nacceptance_criterion: ≤ 2.0 %\n"
    )
    tests = "".join(
        f"  - {{id: T-{b}-{i}, test: Test {i}, attribute: CQA-{b}-{i % 3}, method: M-{b}, "
        f"acceptance_criterion: ≤ {i + 1}.0 %, usage: release}}\n"
        for i in range(5)
    )
    facts.append(
        f"kind: Specification\nid: SPEC-{b}\ntitle: Specification {b}\n"
        f"applies_to: drug-product\nsubject: DP-1\nversion: '1.0'\ntests:\n{tests}"
    )
    results = "".join(f"  T-{b}-{i}: {i + 0.4} %\n" for i in range(5))
    facts += [
        f"kind: Batch\nid: B-{b}-{i}\nbatch_number: LOT-{b}-{i}\nproduct: DP-1\n"
        f"scale: 200 L\nuse: [clinical]\nsite: SITE-1\nmanufacture_date: 2026-03-1{i}\n"
        f"specification: SPEC-{b}\nresults:\n{results}"
        for i in range(5)
    ]
    facts.append(
        f"kind: ManufacturingProcess\nid: PROC-{b}\ntitle: Process {b}\nstage: drug-product\n"
        f"product: DP-1\nsites: [SITE-1]\ndescription: See [[UO-{b}]] and "
        f"[[PP-{b}-0:target]] [[PP-{b}-0:unit]].\nunit_operations: [UO-{b}]\n"
        "validation: {stage: process-design, status: in-progress}\n"
    )
    facts.append(
        f"kind: Narrative\nid: N-{b}\nsection: 3.2.P.2.3\nbody: |\n"
        f"  Development of step [[UO-{b}]]: [[PP-{b}-1]] was studied between\n"
        f"  [[PP-{b}-1:proven_acceptable_range]] °C.\n"
    )
    assert len(facts) == BLOCK_FACTS
    return facts


def generate(root: Path, facts: int, per_file: int = 50) -> int:
    """Write about `facts` facts under root; return the exact count written."""
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    (root / "dossier.yaml").write_text(HEADER, encoding="utf-8")
    written = HEADER.count("kind:")
    documents: list[str] = []
    for n in range(max(1, (facts - written) // BLOCK_FACTS)):
        documents.extend(block(n))
    for start in range(0, len(documents), per_file):
        chunk = documents[start : start + per_file]
        path = root / f"area-{start // 1000:03d}" / f"facts-{start:06d}.yaml"
        path.parent.mkdir(exist_ok=True)
        path.write_text("---\n".join(chunk), encoding="utf-8")
    return written + len(documents)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--facts", type=int, default=10_000)
    arguments = parser.parse_args()
    print(generate(arguments.folder, arguments.facts), "facts written to", arguments.folder)
