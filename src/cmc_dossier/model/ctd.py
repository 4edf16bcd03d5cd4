"""The CTD Module 3 table of contents (ICH M4Q(R1)) and its eCTD v3.2.2 folder names.

One canonical key per section (the US/ICH number, e.g. "3.2.P.5.1"); the EU IMPD drops the
"3.2." prefix. Titles are stored per region where spellings differ.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True, slots=True)
class CtdSection:
    code: str
    title: str
    eu_title: str
    ectd_folder: str | None
    ectd_file: str | None
    targets: frozenset[str]

    @property
    def depth(self) -> int:
        return self.code.count(".") - 1

    @property
    def impd_code(self) -> str:
        return self.code.removeprefix("3.2.")

    @property
    def parent(self) -> str | None:
        head, _, _ = self.code.rpartition(".")
        return head if head.count(".") >= 2 else None


_BOTH = frozenset({"ind", "impd"})
_IND = frozenset({"ind"})
_IMPD = frozenset({"impd"})

# code, ICH/US title, EU title (None: same), eCTD folder, eCTD file (without .pdf), targets
_TABLE: tuple[tuple[str, str, str | None, str | None, str | None, frozenset[str]], ...] = (
    ("3.2.S", "Drug Substance", None, "32s-drug-sub", None, _BOTH),
    ("3.2.S.1", "General Information", None, "32s1-gen-info", None, _BOTH),
    ("3.2.S.1.1", "Nomenclature", None, None, "nomenclature", _BOTH),
    ("3.2.S.1.2", "Structure", None, None, "structure", _BOTH),
    ("3.2.S.1.3", "General Properties", None, None, "general-properties", _BOTH),
    ("3.2.S.2", "Manufacture", None, "32s2-manuf", None, _BOTH),
    ("3.2.S.2.1", "Manufacturer(s)", None, None, "manufacturer", _BOTH),
    (
        "3.2.S.2.2",
        "Description of Manufacturing Process and Process Controls",
        None,
        None,
        "manuf-process-and-controls",
        _BOTH,
    ),
    ("3.2.S.2.3", "Control of Materials", None, None, "control-of-materials", _BOTH),
    (
        "3.2.S.2.4",
        "Controls of Critical Steps and Intermediates",
        None,
        None,
        "control-critical-steps",
        _BOTH,
    ),
    ("3.2.S.2.5", "Process Validation and/or Evaluation", None, None, "process-validation", _BOTH),
    (
        "3.2.S.2.6",
        "Manufacturing Process Development",
        None,
        None,
        "manuf-process-development",
        _BOTH,
    ),
    ("3.2.S.3", "Characterization", "Characterisation", "32s3-charac", None, _BOTH),
    (
        "3.2.S.3.1",
        "Elucidation of Structure and other Characteristics",
        None,
        None,
        "elucidation-of-structure",
        _BOTH,
    ),
    ("3.2.S.3.2", "Impurities", None, None, "impurities", _BOTH),
    ("3.2.S.4", "Control of Drug Substance", None, "32s4-contr-drug-sub", None, _BOTH),
    ("3.2.S.4.1", "Specification", None, "32s41-spec", "specification", _BOTH),
    (
        "3.2.S.4.2",
        "Analytical Procedures",
        None,
        "32s42-analyt-proc",
        "analytical-procedure",
        _BOTH,
    ),
    (
        "3.2.S.4.3",
        "Validation of Analytical Procedures",
        None,
        "32s43-val-analyt-proc",
        "validation-analyt-procedure",
        _BOTH,
    ),
    ("3.2.S.4.4", "Batch Analyses", None, "32s44-batch-analys", "batch-analyses", _BOTH),
    (
        "3.2.S.4.5",
        "Justification of Specification",
        None,
        "32s45-justif-spec",
        "justification-of-specification",
        _BOTH,
    ),
    (
        "3.2.S.5",
        "Reference Standards or Materials",
        None,
        "32s5-ref-stand",
        "reference-standards",
        _BOTH,
    ),
    (
        "3.2.S.6",
        "Container Closure System",
        None,
        "32s6-cont-closure-sys",
        "container-closure-system",
        _BOTH,
    ),
    ("3.2.S.7", "Stability", None, "32s7-stab", None, _BOTH),
    ("3.2.S.7.1", "Stability Summary and Conclusions", None, None, "stability-summary", _BOTH),
    (
        "3.2.S.7.2",
        "Post-approval Stability Protocol and Stability Commitment",
        None,
        None,
        "postapproval-stability",
        _BOTH,
    ),
    ("3.2.S.7.3", "Stability Data", None, None, "stability-data", _BOTH),
    ("3.2.P", "Drug Product", None, "32p-drug-prod", None, _BOTH),
    (
        "3.2.P.1",
        "Description and Composition of the Drug Product",
        None,
        "32p1-desc-comp",
        "description-and-composition",
        _BOTH,
    ),
    (
        "3.2.P.2",
        "Pharmaceutical Development",
        None,
        "32p2-pharm-dev",
        "pharmaceutical-development",
        _BOTH,
    ),
    ("3.2.P.2.1", "Components of the Drug Product", None, None, None, _BOTH),
    ("3.2.P.2.1.1", "Drug Substance", None, None, None, _BOTH),
    ("3.2.P.2.1.2", "Excipients", None, None, None, _BOTH),
    ("3.2.P.2.2", "Drug Product", None, None, None, _BOTH),
    ("3.2.P.2.2.1", "Formulation Development", None, None, None, _BOTH),
    ("3.2.P.2.2.2", "Overages", None, None, None, _BOTH),
    ("3.2.P.2.2.3", "Physicochemical and Biological Properties", None, None, None, _BOTH),
    ("3.2.P.2.3", "Manufacturing Process Development", None, None, None, _BOTH),
    ("3.2.P.2.4", "Container Closure System", None, None, None, _BOTH),
    ("3.2.P.2.5", "Microbiological Attributes", None, None, None, _BOTH),
    ("3.2.P.2.6", "Compatibility", None, None, None, _BOTH),
    ("3.2.P.3", "Manufacture", None, "32p3-manuf", None, _BOTH),
    ("3.2.P.3.1", "Manufacturer(s)", None, None, "manufacturers", _BOTH),
    ("3.2.P.3.2", "Batch Formula", None, None, "batch-formula", _BOTH),
    (
        "3.2.P.3.3",
        "Description of Manufacturing Process and Process Controls",
        None,
        None,
        "manuf-process-and-controls",
        _BOTH,
    ),
    (
        "3.2.P.3.4",
        "Controls of Critical Steps and Intermediates",
        None,
        None,
        "control-critical-steps",
        _BOTH,
    ),
    ("3.2.P.3.5", "Process Validation and/or Evaluation", None, None, "process-validation", _BOTH),
    ("3.2.P.4", "Control of Excipients", None, "32p4-contr-excip", None, _BOTH),
    ("3.2.P.4.1", "Specifications", None, None, "specifications", _BOTH),
    ("3.2.P.4.2", "Analytical Procedures", None, None, "analytical-procedures", _BOTH),
    (
        "3.2.P.4.3",
        "Validation of Analytical Procedures",
        None,
        None,
        "validation-analyt-procedures",
        _BOTH,
    ),
    (
        "3.2.P.4.4",
        "Justification of Specifications",
        None,
        None,
        "justification-of-specifications",
        _BOTH,
    ),
    (
        "3.2.P.4.5",
        "Excipients of Human or Animal Origin",
        None,
        None,
        "excipients-human-animal",
        _BOTH,
    ),
    ("3.2.P.4.6", "Novel Excipients", None, None, "novel-excipients", _BOTH),
    ("3.2.P.5", "Control of Drug Product", None, "32p5-contr-drug-prod", None, _BOTH),
    ("3.2.P.5.1", "Specification(s)", None, "32p51-spec", "specifications", _BOTH),
    (
        "3.2.P.5.2",
        "Analytical Procedures",
        None,
        "32p52-analyt-proc",
        "analytical-procedure",
        _BOTH,
    ),
    (
        "3.2.P.5.3",
        "Validation of Analytical Procedures",
        None,
        "32p53-val-analyt-proc",
        "validation-analyt-procedure",
        _BOTH,
    ),
    ("3.2.P.5.4", "Batch Analyses", None, "32p54-batch-analys", "batch-analyses", _BOTH),
    (
        "3.2.P.5.5",
        "Characterization of Impurities",
        "Characterisation of Impurities",
        "32p55-charac-imp",
        "characterisation-impurities",
        _BOTH,
    ),
    (
        "3.2.P.5.6",
        "Justification of Specification(s)",
        None,
        "32p56-justif-spec",
        "justification-of-specifications",
        _BOTH,
    ),
    (
        "3.2.P.6",
        "Reference Standards or Materials",
        None,
        "32p6-ref-stand",
        "reference-standards",
        _BOTH,
    ),
    (
        "3.2.P.7",
        "Container Closure System",
        None,
        "32p7-cont-closure-sys",
        "container-closure-system",
        _BOTH,
    ),
    ("3.2.P.8", "Stability", None, "32p8-stab", None, _BOTH),
    ("3.2.P.8.1", "Stability Summary and Conclusion", None, None, "stability-summary", _BOTH),
    (
        "3.2.P.8.2",
        "Post-approval Stability Protocol and Stability Commitment",
        None,
        None,
        "postapproval-stability",
        _BOTH,
    ),
    ("3.2.P.8.3", "Stability Data", None, None, "stability-data", _BOTH),
    ("3.2.A", "Appendices", None, "32a-app", None, _BOTH),
    (
        "3.2.A.1",
        "Facilities and Equipment",
        None,
        "32a1-fac-equip",
        "facilities-and-equipment",
        _BOTH,
    ),
    (
        "3.2.A.2",
        "Adventitious Agents Safety Evaluation",
        None,
        "32a2-advent-agent",
        "adventitious-agents",
        _BOTH,
    ),
    # M4Q(R1) heads A.3 "Novel Excipients" [S: OPRA CTD training slides; domain reference 1].
    ("3.2.A.3", "Novel Excipients", None, "32a3-excip-name-1", "novel-excipients", _BOTH),
    ("3.2.A.4", "Solvents for Reconstitution and Diluents", None, None, None, _IMPD),
    ("3.2.R", "Regional Information", None, "32r-reg-info", "regional-information", _IND),
)

SECTIONS: tuple[CtdSection, ...] = tuple(
    CtdSection(code, title, eu_title or title, folder, file, targets)
    for code, title, eu_title, folder, file, targets in _TABLE
)
SECTION_BY_CODE: dict[str, CtdSection] = {section.code: section for section in SECTIONS}

SectionCode = Literal[  # type: ignore[valid-type]
    tuple(section.code for section in SECTIONS)
]
