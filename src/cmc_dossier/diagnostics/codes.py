"""The catalogue of diagnostic codes: stable identifiers, severities and explanations.

Codes never change meaning once published; a retired code is never reused. Ranges:
DOS0xx reading files, DOS1xx facts against the schema, DOS2xx references between facts,
DOS3xx domain rules (modality, process, control strategy), DOS4xx document builds,
DOS5xx change control (established conditions, impact, stale text),
DOS600-649 data exchange (result import).
DOS7xx CMC strategy findings (readiness, over-specification, traceability, roadmap).
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
            "DOS013",
            _E,
            "Not a regular file",
            "A path named like a fact or narrative file is a named pipe, a device, a socket or "
            "a folder. Reading it could wait forever or never end, so it is not read.",
        ),
        Code(
            "DOS014",
            _E,
            "Link out of the dossier folder",
            "A fact or narrative file is a symbolic link to a file outside the dossier folder. "
            "Everything published must be in the dossier's own history, so links may only "
            "point inside the folder.",
        ),
        Code(
            "DOS015",
            _E,
            "File too large",
            "A fact or narrative file is larger than 16 MiB. Real fact files are a few "
            "kilobytes; split the facts over several files.",
        ),
        Code(
            "DOS016",
            _E,
            "Folders nested too deep",
            "The dossier folder nests more than 32 folders deep; the deeper folders are not "
            "read. Flatten the layout.",
        ),
        Code(
            "DOS017",
            _E,
            "Too many fact files",
            "More than 100,000 YAML files lie under the folder given; usually a folder above "
            "the dossier was passed. Only the first 100,000 are read.",
        ),
        Code(
            "DOS018",
            _E,
            "Values nested too deep",
            "A YAML document nests mappings or lists more than 64 levels deep. Facts are a few "
            "levels deep; deeper nesting is refused before it can exhaust the stack.",
        ),
        Code(
            "DOS019",
            _E,
            "Control character",
            "A fact or narrative file holds a control character (NUL, escape, a C1 control, "
            "a line or paragraph separator, ...), typed or written as an escape (\\0, \\e, "
            "\\x07) in a double-quoted value. It is invisible in editors, and pandoc and "
            "Word drop or reject it, so the documents would silently differ from the facts. "
            "Delete it at the line and column given.",
        ),
        Code(
            "DOS020",
            _W,
            "Invisible character",
            "A fact or narrative value holds a character that changes how the text reads "
            "without showing itself: a direction override, embedding or isolate (U+202A–"
            "U+202E, U+2066–U+2069, the 'Trojan Source' characters), a direction mark "
            "(U+200E, U+200F, U+061C), a zero-width space, a word joiner, a byte-order mark "
            "inside the text or a soft hyphen. '≤ \\u202e0.51\\u202c %' displays as "
            "'≤ 15.0 %' while it is kept and compared as typed. Delete it at the line and "
            "column given unless it is meant (right-to-left text may need direction marks).",
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
            "DOS221",
            _E,
            "Batch among its own inputs",
            "A batch lists itself in `input_batches`, or an input batch was made from it. "
            "The genealogy shown with the batch analyses (which drug substance batches made "
            "which drug product batch) would be impossible. List the batches it was made from.",
        ),
        Code(
            "DOS222",
            _W,
            "Two batches share a batch number",
            "Two batches of the same product carry the same `batch_number`. A certificate "
            "of analysis, a result import or a reviewer naming that lot cannot tell which "
            "batch is meant (result import refuses such a lot, DOS622). Give each batch the "
            "number on its own certificate, or merge the two facts if they are one batch.",
        ),
        Code(
            "DOS240",
            _W,
            "One region's wording in the other region's document",
            "Text that the EU IMPD shows names a US-only term (FDA, 21 CFR, IND, a USP "
            "reference without its Ph. Eur. counterpart, 'Drug Product'), or text that the US "
            "IND shows names an EU-only one (competent authorities, member states, QP, IMPD). "
            "A field with one text is shown in both documents. Give it one text per region, "
            "`{us: ..., eu: ...}`: each document then shows its own and the model keeps both. "
            "The terms and the source of each are data (data/regional-terms.yaml).",
        ),
        Code(
            "DOS241",
            _E,
            "Regional text without a region the field needs",
            "A `{us: ..., eu: ...}` mapping may leave a region out only where the field may "
            "be left out (an optional field, an item of a list): that region's documents "
            "then leave the text out. A required field needs a text for both regions.",
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
            "DOS360",
            _W,
            "Testing site of a shared method not stated",
            "A specification test names no `tested_at` (nor does its specification), and its "
            "method is performed at several sites and also used for another material. Which "
            "of those sites tests this material cannot be told, so 3.2.S.2.1 / 3.2.P.3.1 list "
            "none of them for this test rather than a laboratory that tests only the other "
            "material (ICH M4Q: the sites and their responsibilities per material). Add "
            "`tested_at` to the test or to the specification.",
        ),
        Code(
            "DOS361",
            _W,
            "Result outside its acceptance criterion",
            "A batch or stability result, read as one value, does not meet the parsed "
            "acceptance criterion of the test it is recorded under. An out-of-specification "
            "result in a dossier must at least be explained (21 CFR 211.192; EudraLex Vol. 4 "
            "chapter 6): give the batch `remarks` (for example, tested against the "
            "specification in force at the time), or correct the value or the test. Criteria "
            "that are not parsed (staged, multi-part, qualitative) and results of several "
            "values are not judged.",
        ),
        Code(
            "DOS362",
            _W,
            "Validated method without validation data",
            "A method's status is `validated`, or it is a `verified` compendial method used "
            "for a safety test (sterility, mycoplasma, endotoxin, adventitious agents), and "
            "it has no `validation_summary`. 3.2.S.4.3 / 3.2.P.5.3 would then say the method "
            "is validated and show nothing: give the characteristics with their acceptance "
            "and results (ICH Q2(R2); for compendial safety tests, the product-specific "
            "method suitability of Ph. Eur. 2.6.1, 2.6.7, 2.6.14), or state the status the "
            "data support.",
        ),
        Code(
            "DOS500",
            _E,
            "Established condition declares one category for every kind of change",
            "Under ICH Q12 (chapter 3) a reporting category belongs to a kind of change to an "
            "established condition: relaxing a limit and tightening it are different changes. "
            "Declare the category per kind of change (relaxation, tightening, addition, "
            "deletion, replacement) under each context; kinds left out follow the impact rules. "
            "`dossier migrate-established-conditions` rewrites the old form.",
        ),
        Code(
            "DOS510",
            _W,
            "Text still states the old value",
            "A change set a new value (a limit, a range, a duration), but prose elsewhere "
            "(a narrative, a rationale, a justification) still quotes the old one. Update it, "
            "or confirm that the old value is meant (a history, for instance).",
        ),
        Code(
            "DOS511",
            _W,
            "Justification unchanged while its criterion changed",
            "An acceptance criterion changed but the justification of the test (or of the "
            "specification) did not. A changed limit needs its own justification, with batch "
            "data and the clinical experience (ICH Q6A/Q6B).",
        ),
        Code(
            "DOS512",
            _W,
            "Drug substance limit looser than the drug product limit",
            "For the same attribute, the drug substance limit allows what the drug product "
            "limit rejects, so a conforming drug substance could give a failing product. "
            "Check both limits after the change.",
        ),
        Code(
            "DOS513",
            _W,
            "Specification changed without a new version",
            "A test of the specification changed while its `version` stayed the same, so two "
            "different specifications carry one version number.",
        ),
        Code(
            "DOS514",
            _W,
            "Fact not compared: its file does not load at one revision",
            "A fact has no counterpart at the other revision, and a changed file that names it "
            "does not load there (a YAML or schema error), so the diff cannot tell an "
            "addition or removal from a change. It is shown at the highest category of each "
            "context, never lower; fix the file, or assess the change by hand. A file that "
            "does not load at one revision and is not there at the other is named the same "
            "way: the facts it holds cannot even be listed.",
        ),
        Code(
            "DOS515",
            _W,
            "No dossier folder at a revision",
            "The compared revision has no dossier folder at this path, so every fact of the "
            "other revision shows as added or removed. Right for a new dossier; if the "
            "folder moved, compare revisions that both hold it at the same path.",
        ),
        Code(
            "DOS516",
            _W,
            "Submodule under the dossier not compared",
            "A git submodule (or a nested repository in the working tree) sits under the "
            "dossier folder. Its files belong to another repository: the diff does not read "
            "them, so changes to facts kept there are not shown. Keep the dossier's files in "
            "its own repository.",
        ),
        Code(
            "DOS600",
            _E,
            "Result spreadsheet cannot be read",
            "`dossier import results` reads CSV (UTF-8, comma, semicolon or tab separated) "
            "and XLSX. The file is missing, of another type, not UTF-8, malformed, or has no "
            "sheet of the name the mapping gives. Nothing was written.",
        ),
        Code(
            "DOS601",
            _E,
            "Result spreadsheet lacks a required column",
            "The header row has no column for a value the kind of results needs (batch "
            "results: batch, test, result; stability results: study, batch, condition, "
            "time_point, test, result). Use the documented headers or a mapping file.",
        ),
        Code(
            "DOS602",
            _E,
            "Column mapping file invalid",
            "The mapping file (--mapping) is read with the dossier's strict YAML loader and "
            "holds kind (batch-results or stability-results), optionally sheet and "
            "header_row, and columns: our column name → the partner's header.",
        ),
        Code(
            "DOS603",
            _E,
            "Formula in a result spreadsheet",
            "A cell holds a formula. Its value is computed by the spreadsheet, not reported "
            "by the lab, and may change when the sheet is recalculated; paste values only.",
        ),
        Code(
            "DOS604",
            _E,
            "Merged cells in a result spreadsheet",
            "A merged cell shows one value over several rows but stores it in the first "
            "only; the other rows would silently lack it. Unmerge and repeat the value.",
        ),
        Code(
            "DOS605",
            _E,
            "Date where a lot number, time point or result is expected",
            "A date cell, or text that reads as a date (2026-03-01, 3/1/2026, 1-Oct, "
            "Oct-21), stands where an ID or a result belongs. Excel turns lot numbers such "
            "as 1-10 into dates; nothing is converted back. Format the column as Text and "
            "type the value as reported.",
        ),
        Code(
            "DOS606",
            _E,
            "Value Excel may have changed",
            "A number whose shown text cannot be trusted: Excel's General format drops "
            "trailing zeros (1.10 shows as 1.1; detected where the result has fewer "
            "decimals than its criterion), long lot numbers turn into scientific notation, "
            "custom number formats and boolean or error cells are refused. Type the value "
            "as text.",
        ),
        Code(
            "DOS607",
            _E,
            "Empty required cell",
            "A data row lacks a batch, test, result (or, for stability, study, condition or "
            "time point). Fill it, or delete the row.",
        ),
        Code(
            "DOS608",
            _E,
            "Unknown batch in imported results",
            "The batch cell matches no Batch fact's ID or batch number. Add the Batch fact "
            "first (results are never imported for a batch the dossier does not describe).",
        ),
        Code(
            "DOS609",
            _E,
            "Unknown test in imported results",
            "The test cell names no test of the specification the batch or stability study "
            "follows (matched by the specification test's ID).",
        ),
        Code(
            "DOS610",
            _E,
            "Result outside the stability study design",
            "The study, the batch, the storage condition (its key) or the time point (as the "
            "study writes it) is not part of the stability study. Extend the protocol fact "
            "first if the design changed.",
        ),
        Code(
            "DOS611",
            _E,
            "Unit differs from the specification",
            "The unit column, or the unit typed after a numeric result (`5000 ppm`), differs "
            "from the unit of the test's limit or range; a bare number where the criterion "
            "has a unit is a mismatch too, never taken to be in that unit. A remark in "
            "brackets after the unit (`< 2.5 ppm (LOQ)`) is not part of it, and a criterion "
            "written `pH 6.5–7.5` takes a bare number. Results are never converted; report "
            "them in the specification's unit.",
        ),
        Code(
            "DOS612",
            _E,
            "Duplicate result in the spreadsheet",
            "Two rows give a result for the same batch and test (and, for stability, the "
            "same condition and time point). Keep one; both places are named.",
        ),
        Code(
            "DOS613",
            _E,
            "Import would change a reported result",
            "The dossier already holds a different value for this result. An import only "
            "adds results; a correction of reported data is a deliberate edit of the fact "
            "file, reviewed with its reason.",
        ),
        Code(
            "DOS614",
            _W,
            "Imported result outside its acceptance criterion",
            "The result cannot meet the test's parsed acceptance criterion (a numeric result "
            "in the criterion's unit against its limit or range, or a qualitative result "
            "contrary to the criterion). Out-of-specification results must be investigated "
            "and reported, never dropped: the import stops unless "
            "--accept-out-of-specification is given, and then writes the value as reported.",
        ),
        Code(
            "DOS615",
            _E,
            "Fact file cannot take new results without changing other text",
            "Results are added as new lines (or entries of a flow mapping) at the place the "
            "strict loader's positions give, in the style of the neighbouring entries; the "
            "edited file is read back and must hold exactly the old facts plus the new values. "
            "A file whose line breaks are neither LF nor CRLF (old Mac CR), or whose edit "
            "would read back differently, is not touched. Normalise the file in a separate "
            "commit, then import again.",
        ),
        Code(
            "DOS616",
            _I,
            "Value exported to FHIR as text only",
            "`dossier export --format fhir` found no code for this typed value in the PQ/CMC "
            "IG's code list that binds it (dose form, route, container or closure type, "
            "component function, quality standard), or the quantity is not exactly a number "
            "and a unit of the IG's units. The value goes out as typed, as text (data-absent "
            "reason 'as-text' where a code is required), and is listed in not-mapped.json; no "
            "code is guessed. A value maps when its words name exactly one code of the list, "
            "or it is a synonym with a basis in data/pqcmc-terms.yaml; type the IG's term "
            "(e.g. 'Film-coated tablet', 'Oral use', 'Filler', '120.0 mg') to have it coded.",
        ),
        Code(
            "DOS620",
            _E,
            "Control character or line break in an imported cell",
            "A cell the import reads (batch, test, result, unit, study, condition, time point) "
            "holds a control character (NUL, tab, escape, a C1 control) or a line break "
            "(typed with Alt+Enter, or inside quotes in a CSV). A value in a fact file is one "
            "line of visible text and the loader refuses control characters (DOS019); the "
            "cell is not cleaned up silently. Delete the character and import again.",
        ),
        Code(
            "DOS621",
            _E,
            "Two columns with the same header",
            "The header row has two columns whose headers read the same (case, spaces and "
            "underscores ignored) where the import needs one of them. Which one holds the "
            "values cannot be told; both cells are named. Keep one column, or name another "
            "header in a mapping file.",
        ),
        Code(
            "DOS622",
            _E,
            "Lot names more than one batch",
            "The batch cell is the batch number of two Batch facts, or the batch number of "
            "one and the ID of another. The import does not pick one; both batches are "
            "named. Make each batch number unique and different from other batches' IDs.",
        ),
        Code(
            "DOS623",
            _E,
            "Active sheet of the workbook is hidden",
            "Without --sheet or the mapping's `sheet`, the import reads the sheet Excel opens "
            "at (the active one). That sheet is hidden (or a chart sheet), so which sheet was "
            "meant cannot be told and hidden data is easily out of date. Name the sheet; the "
            "visible sheets are listed.",
        ),
        Code(
            "DOS624",
            _E,
            "Fact file changed while the results were imported",
            "Imports into one dossier folder wait for each other (a lock on the folder), and "
            "each fact file is compared with what was checked just before it is replaced. "
            "This file changed in between (an editor or another tool wrote it), so it was "
            "not replaced, and no other file either. Import again.",
        ),
        Code(
            "DOS625",
            _E,
            "Row hidden in the workbook",
            "A row the import would read is hidden in Excel (hidden by hand or filtered out). "
            "Hidden rows often hold superseded or invalidated results, and a reviewer looking "
            "at the sheet does not see them, so the import does not take them silently. Show "
            "the row to import it, or delete it; nothing is written.",
        ),
        Code(
            "DOS700",
            _W,
            "Method status below what the phase expects",
            "A method used for a release test is less mature (in development, qualified) than "
            "the readiness rules expect at this milestone for that test category; each rule "
            "cites its basis (`dossier readiness` shows it).",
        ),
        Code(
            "DOS701",
            _W,
            "Report-result criterion where a limit is expected",
            "A specification test reads 'Report result' at a milestone where the readiness "
            "rules expect an acceptance criterion (safety tests from the first trial, potency "
            "and other tests by the confirmatory trial).",
        ),
        Code(
            "DOS702",
            _W,
            "No stability study for the drug product",
            "The drug product has no long-term stability study, which the IND (21 CFR "
            "312.23(a)(7)(iv)(b)) and the IMPD (P.8) expect to support its use in the trial.",
        ),
        Code(
            "DOS703",
            _W,
            "Proposed shelf life beyond the stability data",
            "A study proposes a shelf life longer than its results cover, beyond the "
            "extrapolation the readiness rules allow for the modality at this milestone.",
        ),
        Code(
            "DOS704",
            _W,
            "Process performance qualification missing",
            "For a marketing application the commercial process is expected to have completed "
            "process performance qualification (FDA process validation guidance, 2011, stage "
            "2): no process-validation batches or completed PPQ activity are recorded.",
        ),
        Code(
            "DOS705",
            _W,
            "Clinical batches not shown comparable to toxicology batches",
            "Clinical batches were made with another process version or at another site than "
            "the batches used in toxicology studies, and no completed comparability study "
            "(a PlannedActivity of type comparability-study) covers them.",
        ),
        Code(
            "DOS706",
            _W,
            "Reference standard not fit for the phase",
            "An in-house potency or assay method has no reference standard by the confirmatory "
            "trial, or no primary reference standard for the marketing application.",
        ),
        Code(
            "DOS710",
            _W,
            "Equipment make or model in product-level text",
            "Process text (process, unit operations, parameters, controls, process narratives) "
            "names a manufacturer, a brand (®, ™) or a model number. Describe the equipment by "
            "class and principle and keep the make in a SiteSpecifics fact, so a second site "
            "or new equipment is not a change to the filed process. The list of makers is "
            "data (`data/equipment-vendors.yaml`).",
        ),
        Code(
            "DOS711",
            _W,
            "Site-specific detail in product-level text",
            "Process text names a room, suite, local SOP number or equipment ID. These belong "
            "to the site (SiteSpecifics, 3.2.A.1), not to the product's description.",
        ),
        Code(
            "DOS712",
            _W,
            "Normal operating range equals the proven acceptable range",
            "A parameter's NOR and PAR are the same: the filing claims no proven room beyond "
            "routine operation, so any excursion is a deviation and any widening a variation.",
        ),
        Code(
            "DOS713",
            _W,
            "Non-critical parameter filed as a bare target",
            "A non-critical parameter has a target but no range; a set point alone reads as "
            "the only acceptable value. File the range the process runs within.",
        ),
        Code(
            "DOS714",
            _W,
            "Non-critical parameter declared an established condition",
            "ICH Q12 expects established conditions where a parameter can affect quality; a "
            "non-critical parameter declared one needs a submission for every change.",
        ),
        Code(
            "DOS715",
            _W,
            "Process description names a site",
            "Product-level process text names a manufacturing site or the CDMO/CTO running "
            "it. Sites are listed in S.2.1/P.3.1; a description bound to one site must be "
            "rewritten for a transfer.",
        ),
        Code(
            "DOS720",
            _W,
            "QTPP element reaches no quality attribute",
            "A quality-bearing QTPP element is named in no CQA's `derived_from` (rows that set "
            "context only, such as indication, route and pharmacokinetics, are exempt).",
        ),
        Code(
            "DOS721",
            _W,
            "Critical quality attribute without a control",
            "A critical or potentially critical attribute is controlled by no release, "
            "in-process or stability test. Add the control, or record the justified absence "
            "as a Waiver of DOS721 on the CQA.",
        ),
        Code(
            "DOS722",
            _W,
            "Critical parameter without a control",
            "A critical process parameter affects attributes that no test controls, and its "
            "step has no in-process control, so a drift would go unseen.",
        ),
        Code(
            "DOS723",
            _W,
            "Dead end: method or material used by nothing",
            "An analytical method or a material is described but no test, control, unit "
            "operation or composition refers to it.",
        ),
        Code(
            "DOS740",
            _W,
            "Waiver that silences nothing",
            "A Waiver names a code and fact with no such finding; remove it so it cannot hide "
            "a future finding unseen.",
        ),
        Code(
            "DOS741",
            _W,
            "Planned activity overdue",
            "A PlannedActivity is not completed although its target phase has been reached "
            "(the manifest's phase is at or past it) or its target date has passed (a month "
            "counts to its end). Record the result, or move the target and say what it delays.",
        ),
        Code(
            "DOS742",
            _W,
            "Next milestone's readiness gap with no planned activity",
            "A readiness rule the next milestone adds is not met, and nothing plans to meet it: "
            "no PlannedActivity of the rule's activity type names the fact, no method "
            "lifecycle stage reaches the expected status, no process validation plan reaches "
            "the milestone. `dossier roadmap` shows every milestone up to the marketing "
            "application.",
        ),
        Code(
            "DOS743",
            _W,
            "Planned activity due after the milestone that needs it",
            "A PlannedActivity would close a readiness gap, but its target phase is later than "
            "the milestone at which the readiness rules expect the result. A gap of the "
            "current phase that a Waiver accepts is not reported again here.",
        ),
        Code(
            "DOS744",
            _W,
            "Batch without retained samples",
            "A batch of a product or material a RetainSamplePlan covers (by its `batch_uses`) "
            "has no samples recorded in the plan's `retained` list (EU GMP Annex 19; "
            "21 CFR 211.170).",
        ),
        Code(
            "DOS745",
            _W,
            "Retained quantity below the plan",
            "The samples recorded for a batch are fewer than the plan's quantity, or are "
            "counted in another unit so that they cannot be compared with it.",
        ),
        Code(
            "DOS746",
            _W,
            "Retained samples of a batch the plan does not cover",
            "A RetainSamplePlan records samples of a batch of another product or material, or "
            "of a batch whose use the plan's `batch_uses` leaves out.",
        ),
        Code(
            "DOS747",
            _W,
            "Retention shorter than its purposes need",
            "The plan keeps samples for less time than the subject's shelf life plus the period "
            "its purposes need: one year after expiry for regulatory retention of a drug "
            "substance or product (21 CFR 211.170, EU GMP Annex 19), two years after the "
            "product's release for starting materials, two years after the last trial for "
            "investigational batches, and at least to expiry for look-back or investigation.",
        ),
        Code(
            "DOS405",
            _W,
            "Template override that overrides nothing",
            "A template in the dossier's templates folder (or --templates) is named close to a "
            "built-in template but not exactly, so it replaces nothing and the built-in "
            "template renders instead (a misspelling such as sections/specificaton.md.j2). "
            "Rename it to the built-in template's name; if your other templates include it "
            "under its own name, the warning can be ignored.",
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
