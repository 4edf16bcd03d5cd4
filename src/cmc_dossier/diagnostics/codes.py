"""The catalogue of diagnostic codes: stable identifiers, severities and explanations.

Codes never change meaning once published; a retired code is never reused. Ranges:
DOS0xx reading files, DOS1xx facts against the schema, DOS2xx references between facts,
DOS3xx domain rules (modality, process, control strategy), DOS4xx document builds.
"""

from __future__ import annotations

from dataclasses import dataclass

from cmc_dossier.diagnostics.core import Diagnostic, Location, Severity


@dataclass(frozen=True, slots=True)
class Code:
    code: str
    severity: Severity
    title: str
    explanation: str


_E = Severity.ERROR
_W = Severity.WARNING
_I = Severity.INFO

CODES: dict[str, Code] = {
    c.code: c
    for c in (
        Code(
            "DOS001",
            _E,
            "File is not UTF-8",
            "Fact files must be UTF-8 so that symbols such as ≥, µ and ° survive every tool. "
            "Re-save the file as UTF-8 (without a byte-order mark).",
        ),
        Code(
            "DOS002",
            _E,
            "Byte-order mark",
            "The file starts with a UTF-8 byte-order mark. Some tools hide it and others "
            "read it as content; save the file as UTF-8 without BOM.",
        ),
        Code(
            "DOS003",
            _E,
            "Tab used for indentation",
            "YAML indentation must be made of spaces. A tab where indentation is expected "
            "makes the structure ambiguous; replace it with spaces.",
        ),
        Code(
            "DOS004",
            _E,
            "YAML syntax error",
            "The file is not well-formed YAML. The message gives libyaml's reason and the "
            "place where the parser stopped; the mistake is often on the line before.",
        ),
        Code(
            "DOS005",
            _E,
            "Empty file",
            "A fact file holds no YAML document. Delete it, or add the facts it was meant "
            "to hold; an empty file is never read as 'no facts' silently.",
        ),
        Code(
            "DOS006",
            _E,
            "Duplicate key",
            "The same key appears twice in one mapping. Plain YAML keeps the last one "
            "silently; here both places are named so you can decide which value is right.",
        ),
        Code(
            "DOS007",
            _E,
            "Anchor or alias",
            "Anchors (&name) and aliases (*name) are refused: a fact must say its values "
            "where they apply, so a change in one place cannot silently change another, and "
            "alias bombs cannot exhaust memory. Refer to other facts by ID instead.",
        ),
        Code(
            "DOS008",
            _E,
            "Unsupported tag",
            "Explicit YAML tags such as !!python/object or !!int are refused: facts are "
            "plain data and their types come from the schema. Remove the tag.",
        ),
        Code(
            "DOS009",
            _E,
            "No facts found",
            "The dossier folder holds no .yaml or .yml files. Point the command at the "
            "folder that holds the facts (by default ./dossier).",
        ),
        Code(
            "DOS010",
            _E,
            "Not a mapping",
            "Each YAML document in a fact file must be a mapping with at least `kind` and "
            "`id`; mapping keys must be plain text.",
        ),
        Code(
            "DOS011",
            _E,
            "Narrative file missing",
            "A Narrative points to a Markdown file that cannot be read. Paths are relative "
            "to the YAML file that names them and must stay inside the dossier folder.",
        ),
        Code(
            "DOS012",
            _E,
            "File cannot be read",
            "The operating system refused to read the file (permissions, broken link).",
        ),
        Code(
            "DOS101",
            _E,
            "Unknown or missing kind",
            "Every fact needs a `kind` naming one of the fact kinds of the schema "
            "(the hint lists them).",
        ),
        Code(
            "DOS102",
            _E,
            "Required field missing",
            "A field the schema requires for this kind of fact is absent.",
        ),
        Code(
            "DOS103",
            _E,
            "Unknown field",
            "The fact has a field its kind does not define. Misspelt fields are never "
            "ignored, because an ignored limit or range is worse than an error.",
        ),
        Code(
            "DOS104",
            _E,
            "Invalid value",
            "A value has the wrong type or is not one of the allowed values. Numbers that "
            "carry meaning must be written unquoted; text may be quoted or not and is "
            "kept exactly as typed.",
        ),
        Code(
            "DOS105",
            _E,
            "Duplicate ID",
            "Two facts (or two nested items with IDs) share an ID. IDs are permanent and "
            "unique across the whole dossier: the diff and every reference rely on them.",
        ),
        Code(
            "DOS106",
            _E,
            "Manifest missing or repeated",
            "A dossier has exactly one `kind: Manifest` fact naming the product, modality, "
            "phase and regulatory contexts.",
        ),
        Code(
            "DOS107",
            _E,
            "Unsupported schema version",
            "The manifest's `schema_version` is not one this version of cmc-dossier reads.",
        ),
        Code(
            "DOS130",
            _W,
            "Comma that may be a decimal comma",
            "A number in an acceptance criterion holds a comma that is not a thousands "
            "separator in groups of three ('0,5', '1,25 %', '0,500'). Many pharmacopoeias and "
            "CDMOs in Europe write a decimal comma, so the number is not read at all: the "
            "criterion is filed as typed and its changes are reported as 'changed', never as "
            "tightened or widened. Write a decimal point ('0.5').",
        ),
        Code(
            "DOS131",
            _W,
            "Range written high to low",
            "An acceptance criterion reads as a range whose first number is above its second "
            "('120–80 %'). It is filed as typed but is not compared with other criteria; "
            "write the lower end first.",
        ),
        Code(
            "DOS201",
            _E,
            "Unknown reference",
            "A field refers to an ID that no fact has. The hint suggests the closest IDs.",
        ),
        Code(
            "DOS202",
            _E,
            "Reference to the wrong kind of fact",
            "A field refers to an existing ID, but of a kind that field cannot point to "
            "(for example a specification test whose attribute is a Material, not a CQA).",
        ),
        Code(
            "DOS203",
            _E,
            "Unknown field in a prose reference",
            "A prose reference [[ID:field]] names a field that the fact does not show. The "
            "hint lists the fields that can be quoted.",
        ),
        Code(
            "DOS204",
            _E,
            "Unit operation not in exactly one process",
            "Each unit operation belongs to exactly one manufacturing process, which gives "
            "its order; one listed twice, or in two processes, has no defined place.",
        ),
        Code(
            "DOS205",
            _W,
            "Unit operation not used by any process",
            "A unit operation is defined but no manufacturing process lists it, so it has "
            "no place in the process description.",
        ),
        Code(
            "DOS206",
            _E,
            "Result for a test the specification does not have",
            "A batch or stability result names a test that is not part of the "
            "specification that batch or study is tested against.",
        ),
        Code(
            "DOS207",
            _E,
            "Stability result outside the study design",
            "A stability result names a condition or time point that the study does not "
            "define, or a batch that is not on the study.",
        ),
        Code(
            "DOS220",
            _E,
            "Cell bank derived from the wrong tier",
            "A cell bank system has tiers (ICH Q5D): a master cell bank is derived from the "
            "cell line, a working cell bank from the master cell bank, end-of-production "
            "cells from a master or working cell bank, a working virus seed from the master "
            "seed. A bank's `derived_from` names a bank of a tier it cannot come from, or "
            "itself.",
        ),
        Code(
            "DOS210",
            _E,
            "Included test is not a drug substance test",
            "A specification's `includes` names tests performed on the drug substance and "
            "reported for the drug product. Only a drug product specification includes tests, "
            "and only tests of a drug substance specification; any other test belongs in the "
            "specification's own `tests`.",
        ),
        Code(
            "DOS301",
            _E,
            "Cell therapy without microbial safety release tests",
            "A cell-based medicinal product cannot be terminally sterilised, so its drug "
            "product release specification must test sterility, mycoplasma and endotoxin "
            "(21 CFR 610.12 and 610.30; Ph. Eur. 2.6.27, 2.6.7, 2.6.14).",
        ),
        Code(
            "DOS302",
            _W,
            "Integrating vector without RCV and VCN tests",
            "Products made with a lentiviral or gamma-retroviral vector are expected to test "
            "for replication-competent virus (RCL/RCR) and vector copy number "
            "(FDA CAR T cell guidance, 2024). Add the tests, or record why not.",
        ),
        Code(
            "DOS303",
            _E,
            "Inconsistent range",
            "A range's low limit is above its high limit, a target lies outside its range, "
            "or a normal operating range is not inside the proven acceptable range.",
        ),
        Code(
            "DOS304",
            _E,
            "Critical process parameter without a CQA",
            "A parameter is classified critical because it affects a critical quality "
            "attribute (ICH Q8(R2)); it must name the CQAs it affects.",
        ),
        Code(
            "DOS305",
            _W,
            "Established condition in a context the dossier does not use",
            "An established condition gives a reporting category for a regulatory context "
            "that the manifest does not list; it has no effect until the context applies.",
        ),
        Code(
            "DOS306",
            _W,
            "Viral safety evaluation missing",
            "Products made in or from cell lines, or with materials of human or animal "
            "origin, are expected to carry an adventitious agents safety evaluation "
            "(3.2.A.2; ICH Q5A(R2)).",
        ),
        Code(
            "DOS307",
            _E,
            "Product modality needs a viral vector type",
            "Gene therapy products name the vector in the manifest (`viral_vector`), which "
            "decides the expected safety tests.",
        ),
        Code(
            "DOS330",
            _W,
            "Product from mammalian or insect cells without viral clearance studies",
            "A product expressed in mammalian or insect cells can carry endogenous and "
            "adventitious viruses; ICH Q5A(R2) expects the process to be evaluated for its "
            "capacity to inactivate or remove them, step by step with model viruses. Not "
            "expected for cell-based products or enveloped viral vectors.",
        ),
        Code(
            "DOS331",
            _W,
            "Viral clearance rests on a single step",
            "For a model virus, fewer than two steps count towards the overall reduction "
            "(steps of 1 log10 or less are not counted unless justified; steps sharing a "
            "principle count once). ICH Q5A(R2) expects clearance by steps of different "
            "mechanisms, so the failure of one step does not leave the product unprotected.",
        ),
        Code(
            "DOS332",
            _E,
            "Safety test method not validated",
            "A specification tests sterility, mycoplasma, endotoxin or adventitious agents "
            "with a method that is neither validated nor a verified compendial method. "
            "These tests protect trial subjects, so their methods are expected to be "
            "validated (or compendial and verified) from first-in-human: 21 CFR 610.12 and "
            "610.30 for biologics; EU guideline on quality of investigational ATMPs "
            "(EMA/CAT/22473/2025).",
        ),
        Code(
            "DOS333",
            _E,
            "Characterisation-only method used in a routine control",
            "A method whose `uses` are only characterisation and/or comparability is cited "
            "by a specification test or an in-process control. Such a method is described "
            "in 3.2.S.3.1 and 3.2.P.2, not in a specification; declare the routine use (and "
            "qualify the method for it) or use another method.",
        ),
        Code(
            "DOS334",
            _E,
            "Sterile product without sterility or endotoxin release tests",
            "A drug product declared sterile (`sterile`, the default) is released against "
            "sterility (21 CFR 211.167(a), 610.12 for biologics; Ph. Eur. 2.6.1) and bacterial "
            "endotoxins (ICH Q6A/Q6B for parenterals; Ph. Eur. 2.6.14). Cell-based products "
            "are covered by DOS301.",
        ),
        Code(
            "DOS335",
            _W,
            "Protein without control of process-related impurities",
            "ICH Q6B (6.1) expects a protein's process-related impurities to be controlled: "
            "host-cell protein, host-cell DNA and process reagents such as leached Protein A. "
            "Control means a specification test of the substance or product, or an Impurity "
            "fact with its controls or the rationale for not testing (e.g. shown clearance).",
        ),
        Code(
            "DOS336",
            _W,
            "Small molecule without control of related substances, solvents or elements",
            "A small-molecule dossier controls related substances (ICH Q3A(R2)/Q3B(R2)), "
            "residual solvents (ICH Q3C) and elemental impurities (ICH Q3D), by specification "
            "tests or by an Impurity fact giving the controls or the rationale (for instance "
            "a Q3D risk assessment showing levels below 30 % of the PDE).",
        ),
        Code(
            "DOS337",
            _W,
            "Impurity limit above the qualification threshold",
            "An individual related substance is limited above the ICH Q3A(R2) (substance) or "
            "Q3B(R2) (degradation product) qualification threshold computed from the "
            "product's `maximum_daily_dose` (the lower of the percentage and the daily "
            "intake), and the Impurity fact gives no `qualification`.",
        ),
        Code(
            "DOS338",
            _E,
            "Autologous product without chain-of-identity controls",
            "An autologous product must go back to the patient it came from: patient "
            "identifiers on every label, identity checks at each hand-over, and controlled "
            "shipments in qualified shippers (FDA CAR T cell guidance, 2024; EudraLex Vol. 4 "
            "Part IV, traceability). Add a ChainOfIdentity fact.",
        ),
        Code(
            "DOS310",
            _E,
            "Value required at this phase is not stated",
            "A field holds `to-be-provided` or `not-applicable` where a rule of "
            "cmc-dossier's unknowns table says the value must be known at the manifest's "
            "phase (for example the status of a sterility, mycoplasma, endotoxin or "
            "adventitious-agent method from first-in-human). The hint names the rule's basis. "
            "State the value, or correct the manifest's phase.",
        ),
        Code(
            "DOS311",
            _W,
            "Value due by this phase is not stated",
            "A field is `to-be-provided` although it is due: its `when` is the manifest's "
            "phase or an earlier one, or a rule of the unknowns table expects the value at "
            "this phase (the hint names the basis). State the value, or move `when` to the "
            "phase at which it will really be known.",
        ),
        Code(
            "DOS312",
            _I,
            "Value to be provided later",
            "For information: a field is `to-be-provided` at a later phase or date than the "
            "manifest's phase. Documents say so plainly and the review site lists it among "
            "the gaps; nothing needs to change now.",
        ),
        Code(
            "DOS313",
            _W,
            "Drug substance limit looser than the drug product limit",
            "The drug substance and the drug product are tested for the same attribute (the "
            "same CQA) and the substance's acceptance criterion, as parsed, is wider than the "
            "product's: material passing the substance limit may fail the product limit. "
            "Tighten it, include the substance test in the product specification by reference "
            "(`includes`), or give the substance test a `justification` saying why the "
            "difference is acceptable (for example, a change of concentration).",
        ),
        Code(
            "DOS404",
            _W,
            "Approving organisation without reviewers",
            "An organisation approves changes to facts (ownership.approved_by) but names no "
            "GitHub `reviewers`, so `dossier codeowners` cannot request its review.",
        ),
        Code(
            "DOS401",
            _W,
            "CTD section without content",
            "A section of the document has no facts and no Narrative saying why. The build "
            "writes 'To be provided' there; state it explicitly with a Narrative of status "
            "not-applicable (with the reason) or to-be-provided (with when), so reviewers "
            "see a decision rather than a gap.",
        ),
        Code(
            "DOS420",
            _W,
            "Specification test without justification",
            "The justification of specification (3.2.S.4.5, 3.2.P.5.6; IMPD S.4.5, P.5.6) "
            "has a row per test, and a reviewer expects each row to say why the test is "
            "there and why its acceptance criterion is set where it is. The build leaves "
            "the cell empty ('—') and warns; add `justification:` to the test.",
        ),
        Code(
            "DOS422",
            _W,
            "Declared gap in a section that has content",
            "A Narrative with status to-be-provided stands in a section the facts already "
            "fill (for example a stability commitment given in the study). Printing both "
            "would contradict the content, so the build leaves the statement out and warns; "
            "remove the narrative or say in text what is still missing.",
        ),
        Code(
            "DOS421",
            _E,
            "PDF conversion failed",
            "LibreOffice could not convert a DOCX to PDF (or is not installed). The message "
            "gives the reason; nothing was written.",
        ),
        Code(
            "DOS402",
            _E,
            "Template error",
            "A document template (yours, overriding one of cmc-dossier's, or a built-in one) "
            "failed to render. The message names the template and line; nothing was written.",
        ),
        Code(
            "DOS403",
            _E,
            "pandoc failed",
            "pandoc could not convert a rendered document to DOCX. The message gives pandoc's "
            "own words; nothing was written.",
        ),
    )
}


def diagnostic(
    code: str,
    message: str,
    location: Location | None = None,
    hint: str | None = None,
    related: tuple[Location, ...] = (),
) -> Diagnostic:
    """Build a diagnostic whose severity comes from the catalogue, never from the call site."""
    return Diagnostic(code, CODES[code].severity, message, location, hint, related)
