"""The catalogue of diagnostic codes: stable identifiers, severities and explanations.

Codes never change meaning once published; a retired code is never reused. Ranges:
DOS0xx reading files, DOS1xx facts against the schema, DOS2xx references between facts,
DOS3xx domain rules (modality, process, control strategy), DOS4xx document builds,
DOS600-649 data exchange (result import).
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
            "The unit column differs from the unit of the test's acceptance criterion. "
            "Results are never converted; report them in the specification's unit.",
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
