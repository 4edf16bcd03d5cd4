"""Acceptance criteria as pharmacopoeias and CDMOs write them, each with its expected reading.

Notation of the expected reading (written out so a reviewer can check every line):
`<= 0.5 [EU/mL]` a limit; `HMW: <= 3.0 [%]` a labelled limit; `18.0..22.0 [mg/mL]` a range,
`... as 20.0 ± 2.0` when typed with ±; `conforms`, `negative`... a qualitative criterion;
parts of a multi-part criterion joined by ` & `; None: free text, no structured reading
(the criterion is filed as typed and its changes are "changed", never tighter or looser).
"""

from __future__ import annotations

import pytest

from cmc_dossier.changes.facts_diff import direction
from cmc_dossier.model.criteria import ParsedCriterion, decimal_commas, parse_criterion
from cmc_dossier.validation import validate_folder

NBSP, THIN, NNBSP = "\u00a0", "\u2009", "\u202f"


def shown(parsed: ParsedCriterion | None) -> str | None:
    if parsed is None:
        return None
    if parsed.form == "multi-part":
        return " & ".join(str(shown(part)) for part in parsed.parts)
    if parsed.form == "qualitative":
        return parsed.qualitative
    unit = f" [{parsed.unit}]" if parsed.unit else ""
    if parsed.form == "range":
        typed = f" as {parsed.nominal} ± {parsed.tolerance}" if parsed.tolerance else ""
        return f"{parsed.low}..{parsed.high}{unit}{typed}"
    label = f"{parsed.label}: " if parsed.label else ""
    return f"{label}{parsed.comparator} {parsed.value}{unit}"


SMALL_MOLECULE = [
    ("98.0–102.0 %", "98.0..102.0 [%]"),
    ("98.0 - 102.0 % (anhydrous basis)", "98.0..102.0 [% (anhydrous basis)]"),
    ("98.0% to 102.0%", "98.0..102.0 [%]"),
    ("95.0–105.0 % of label claim", "95.0..105.0 [% of label claim]"),
    ("95.0 %–105.0 % of label claim", "95.0..105.0 [% of label claim]"),
    ("90.0 % - 110.0 % of label claim", "90.0..110.0 [% of label claim]"),
    ("between 90.0 % and 110.0 %", "90.0..110.0 [%]"),
    ("Between 95.0 and 105.0 % LC", "95.0..105.0 [% LC]"),
    ("NLT 98.0 % and NMT 102.0 %", ">= 98.0 [%] & <= 102.0 [%]"),
    (
        "Not less than 90.0 % and not more than 110.0 % of label claim",
        ">= 90.0 [%] & <= 110.0 [% of label claim]",
    ),
    ("NMT 0.10 %", "<= 0.10 [%]"),
    ("NMT 0.15 % (each specified impurity)", "<= 0.15 [% (each specified impurity)]"),
    ("≤ 0.10 % each unspecified impurity", "<= 0.10 [% each unspecified impurity]"),
    ("NMT 0.5 % total impurities", "<= 0.5 [% total impurities]"),
    (
        "NMT 0.10 % each unspecified; NMT 1.0 % total",
        "<= 0.10 [% each unspecified] & <= 1.0 [% total]",
    ),
    ("Not more than 0.2 % w/w", "<= 0.2 [% w/w]"),
    ("≤ 0.5 % w/w (KF)", "<= 0.5 [% w/w (KF)]"),
    ("NMT 5000 ppm", "<= 5000 [ppm]"),
    ("≤ 5,000 ppm", "<= 5000 [ppm]"),
    ("NMT 3 000 ppm", "<= 3000 [ppm]"),
    (f"≤ 5{NBSP}000 ppm ethanol", "<= 5000 [ppm ethanol]"),
    (f"≤ 3{THIN}000 ppm", "<= 3000 [ppm]"),
    (f"≤ 410{NNBSP}ppm", "<= 410 [ppm]"),
    ("≤ 410 ppm acetonitrile", "<= 410 [ppm acetonitrile]"),
    ("≤ 60 ppm dichloromethane", "<= 60 [ppm dichloromethane]"),
    ("NMT 0.5 %", "<= 0.5 [%]"),
    ("≤ 10 µg/g Pd", "<= 10 [µg/g Pd]"),
    ("NMT 1.5 µg/day", "<= 1.5 [µg/day]"),
    ("≤ 1.5 µg/day (TTC, ICH M7)", "<= 1.5 [µg/day (TTC, ICH M7)]"),
    ("< 0.05 %", "< 0.05 [%]"),
    ("less than 0.05 %", "< 0.05 [%]"),
    ("NMT 0.05 % (reporting threshold)", "<= 0.05 [% (reporting threshold)]"),
    ("D90: NMT 50 µm", "D90: <= 50 [µm]"),
    ("D90 ≤ 50 µm", "D90: <= 50 [µm]"),
    ("D50 10–30 µm", None),
    ("D(v,0.9) NMT 50 µm", None),
    ("D10 ≥ 2 µm; D50 10–30 µm; D90 ≤ 50 µm", None),
    ("Form I (XRPD conforms to reference)", None),
    ("Conforms to Form I reference diffractogram", "conforms"),
    ("Conforms to reference spectrum", "conforms"),
    ("IR spectrum conforms to reference", None),
    ("Retention time corresponds to that of the reference standard", None),
    ("Corresponds to reference standard", "conforms"),
    ("White to off-white powder", None),
    ("White, round, biconvex film-coated tablet debossed with 'X5'", None),
    ("≥ 99.5 % (S)-enantiomer", ">= 99.5 [% (S)-enantiomer]"),
    ("NMT 0.5 % (R)-enantiomer", "<= 0.5 [% (R)-enantiomer]"),
    ("NLT 80 % (Q) in 30 min", None),
    ("Q = 80 % at 30 min", None),
    ("Q ≥ 80 % in 45 minutes", None),
    ("NLT 80 % dissolved in 30 min", None),
    ("Not less than 85 % (Q) dissolved in 15 minutes", None),
    ("Complies with USP <711>", "conforms"),
    ("Complies with Ph. Eur. 2.9.3 (Q = 80 % at 30 min)", "conforms"),
    ("Complies with Ph. Eur. 2.9.40", "conforms"),
    ("Meets USP <905> requirements", "conforms"),
    ("AV ≤ 15.0 (L1)", None),
    ("L1: AV ≤ 15.0; L2: AV ≤ 25.0", None),
    ("AV ≤ 15.0 (L1); AV ≤ 25.0 (L2)", None),
    ("S1: each unit NLT Q + 5 %", None),
    ("TAMC ≤ 10^3 CFU/g", "TAMC: <= 1E+3 [CFU/g]"),
    ("TYMC: NMT 10² CFU/g", "TYMC: <= 1E+2 [CFU/g]"),
    (
        "TAMC ≤ 10^3 CFU/g; TYMC ≤ 10^2 CFU/g; absence of E. coli in 1 g",
        "TAMC: <= 1E+3 [CFU/g] & TYMC: <= 1E+2 [CFU/g] & absent",
    ),
    ("Absence of Escherichia coli in 1 g", "absent"),
    ("Absent/1 g", "absent"),
    ("≤ 1000 CFU/g", "<= 1000 [CFU/g]"),
    ("≤ 1,000 CFU/g", "<= 1000 [CFU/g]"),
    ("NMT 100 CFU/g (TYMC)", "<= 100 [CFU/g (TYMC)]"),
    ("≤ 20 ppm (Ph. Eur. 2.4.8)", "<= 20 [ppm (Ph. Eur. 2.4.8)]"),
    ("Report result", "report"),
    ("Report results (%)", "report"),
    ("Report value", "report"),
    ("For information only", "report"),
    ("1.5–3.5 kp", "1.5..3.5 [kp]"),
    ("≤ 15 min", "<= 15 [min]"),
    ("NMT 1.0 % w/w weight loss", "<= 1.0 [% w/w weight loss]"),
    ("pH 6.0–8.0", "6.0..8.0 [pH]"),
    ("20.0 ± 2.0 mg/mL", "18.0..22.0 [mg/mL] as 20.0 ± 2.0"),
    ("(20.0 ± 2.0) mg/mL", "18.0..22.0 [mg/mL] as 20.0 ± 2.0"),
    ("100.0 mg ± 5.0 mg", "95.0..105.0 [mg] as 100.0 ± 5.0"),
    ("100 mg ± 5 %", None),
    ("250 mg/tablet ± 7.5 %", None),
    ("Average mass ± 5 %", None),
    ("≤ 0,5 %", None),
    ("NMT 0,10 %", None),
    ("1,25 %", None),
    ("98,0–102,0 %", None),
]

MONOCLONAL_ANTIBODY = [
    ("≥ 95.0 % main peak", ">= 95.0 [% main peak]"),
    ("≤ 3.0 % HMW", "<= 3.0 [% HMW]"),
    ("≥ 95.0 % main peak; ≤ 3.0 % HMW", ">= 95.0 [% main peak] & <= 3.0 [% HMW]"),
    ("Main peak ≥ 95.0 %, HMW ≤ 3.0 %", "Main peak: >= 95.0 [%] & HMW: <= 3.0 [%]"),
    ("HMW: ≤ 3.0 %", "HMW: <= 3.0 [%]"),
    ("Monomer NLT 95 %", "Monomer: >= 95 [%]"),
    ("≥ 90.0 % (IgG main peak, CE-SDS NR)", ">= 90.0 [% (IgG main peak, CE-SDS NR)]"),
    ("Heavy + light chain ≥ 95.0 %", "Heavy + light chain: >= 95.0 [%]"),
    ("Report result (% acidic, % main, % basic)", "report"),
    ("Acidic: 15–35 %; Main: 50–75 %; Basic: 5–20 %", None),
    ("Main peak: 50–75 %", None),
    ("Profile consistent with reference standard", None),
    ("Conforms to reference standard", "conforms"),
    ("Conforms to reference (peptide map)", "conforms"),
    ("80–125 % relative potency", "80..125 [% relative potency]"),
    ("80 % to 125 % of reference standard", "80..125 [% of reference standard]"),
    ("70–130 % of reference", "70..130 [% of reference]"),
    ("50 - 150 % relative potency", "50..150 [% relative potency]"),
    ("20.0 ± 2.0 mg/mL", "18.0..22.0 [mg/mL] as 20.0 ± 2.0"),
    ("25.0 ± 2.5 mg/mL (A280)", "22.5..27.5 [mg/mL (A280)] as 25.0 ± 2.5"),
    ("pH 6.0 ± 0.3", "5.7..6.3 [pH] as 6.0 ± 0.3"),
    ("6.0 ± 0.3", "5.7..6.3 as 6.0 ± 0.3"),
    ("5.5 +/- 0.5", "5.0..6.0 as 5.5 ± 0.5"),
    ("pH 5.2–5.8", "5.2..5.8 [pH]"),
    ("270–330 mOsm/kg", "270..330 [mOsm/kg]"),
    ("300 ± 30 mOsm/kg", "270..330 [mOsm/kg] as 300 ± 30"),
    ("≤ 100 ng/mg", "<= 100 [ng/mg]"),
    ("HCP ≤ 100 ng/mg", "HCP: <= 100 [ng/mg]"),
    ("NMT 100 ppm (ng/mg)", "<= 100 [ppm (ng/mg)]"),
    ("≤ 10 pg/mg", "<= 10 [pg/mg]"),
    ("≤ 10 ng/dose", "<= 10 [ng/dose]"),
    ("≤ 10 ppm Protein A", "<= 10 [ppm Protein A]"),
    ("≤ 0.5 EU/mg", "<= 0.5 [EU/mg]"),
    ("< 0.25 EU/mL", "< 0.25 [EU/mL]"),
    ("≤ 0.5 EU/mL (Ph. Eur. 2.6.14)", "<= 0.5 [EU/mL (Ph. Eur. 2.6.14)]"),
    ("≤ 6,000 particles/container", "<= 6000 [particles/container]"),
    ("≤ 6000 particles ≥ 10 µm per container", "<= 6000 [particles ≥ 10 µm per container]"),
    ("≤ 600 particles ≥ 25 µm per container", "<= 600 [particles ≥ 25 µm per container]"),
    (
        "NMT 6,000 particles ≥ 10 µm and NMT 600 particles ≥ 25 µm per container",
        "<= 6000 [particles ≥ 10 µm] & <= 600 [particles ≥ 25 µm per container]",
    ),
    (
        "≥ 10 µm: ≤ 6 000 per container; ≥ 25 µm: ≤ 600 per container",
        None,
    ),
    ("Complies with USP <788>", "conforms"),
    ("Practically free from visible particles", None),
    ("Clear to slightly opalescent, colourless to slightly yellow", None),
    ("Clear to slightly opalescent", None),
    ("NLT 10.0 mL", ">= 10.0 [mL]"),
    ("≥ 1.0 mL extractable volume", ">= 1.0 [mL extractable volume]"),
    ("No growth", "no-growth"),
    ("Sterile", "no-growth"),
    ("No growth (Ph. Eur. 2.6.1)", "no-growth"),
    ("Complies with Ph. Eur. 2.6.1", "conforms"),
    ("Meets the requirements of USP <71>", "conforms"),
    ("Pass", None),
    ("Negative", "negative"),
    ("Not detected", "not-detected"),
    ("ND (< 0.1 %)", None),
    ("< LOQ", None),
    ("≤ 2.0 % afucosylated glycans", "<= 2.0 [% afucosylated glycans]"),
    ("G0F 30–50 %", None),
    ("Report result (G0F, G1F, G2F, Man5)", "report"),
    ("≥ 4.0 log10", ">= 4.0 [log10]"),
    ("≥ 4.5 log10 reduction", ">= 4.5 [log10 reduction]"),
]

CELL_THERAPY = [
    ("≥ 70 %", ">= 70 [%]"),
    ("≥70%", ">= 70 [%]"),
    ("NLT 70 % viable cells", ">= 70 [% viable cells]"),
    ("≥ 70 % viability (7-AAD)", ">= 70 [% viability (7-AAD)]"),
    ("≥ 80 % CD3+ of viable CD45+ cells", ">= 80 [% CD3+ of viable CD45+ cells]"),
    ("≥ 15 % CAR+ of viable CD3+ cells", ">= 15 [% CAR+ of viable CD3+ cells]"),
    ("≥ 20 %", ">= 20 [%]"),
    ("≤ 5 copies/cell", "<= 5 [copies/cell]"),
    ("≤ 5.0 copies per transduced cell", "<= 5.0 [copies per transduced cell]"),
    ("≤ 10 copies/10^6 cells", "<= 10 [copies/10^6 cells]"),
    ("≤ 0.5 EU/mL", "<= 0.5 [EU/mL]"),
    ("≤ 5.0 EU/kg", "<= 5.0 [EU/kg]"),
    ("Not detected", "not-detected"),
    ("RCL not detected", None),
    ("Negative", "negative"),
    ("Negative (PCR, Ph. Eur. 2.6.7)", "negative"),
    ("Gram stain: no organisms seen", None),
    ("No growth at 14 days", "no-growth"),
    ("≥ 1.0 × 10^6 cells/mL", ">= 1.0E+6 [cells/mL]"),
    ("≥ 1.0 x 10^6 cells/mL", ">= 1.0E+6 [cells/mL]"),
    ("≥ 1.0×10⁶ cells/mL", ">= 1.0E+6 [cells/mL]"),
    ("≥ 1.0E+06 cells/mL", ">= 1.0E+6 [cells/mL]"),
    ("≥ 1.0e6 cells/mL", ">= 1.0E+6 [cells/mL]"),
    ("≥ 10⁶ cells/mL", ">= 1E+6 [cells/mL]"),
    ("≥ 10^6 cells/mL", ">= 1E+6 [cells/mL]"),
    ("1.0 × 10^6 – 5.0 × 10^6 CAR+ T cells/kg", "1.0E+6..5.0E+6 [CAR+ T cells/kg]"),
    ("2 × 10^5 to 2 × 10^6 CAR+ T cells/kg", "2E+5..2E+6 [CAR+ T cells/kg]"),
    ("1.0–5.0 × 10^6 CAR+ T cells/kg", "1.0E+6..5.0E+6 [CAR+ T cells/kg]"),
    ("≤ 1.0 × 10^8 CAR+ T cells (flat dose)", "<= 1.0E+8 [CAR+ T cells (flat dose)]"),
    ("≥ 1.0 × 10^8 viable cells", ">= 1.0E+8 [viable cells]"),
    ("≤ 100 beads/3 × 10^6 cells", None),
    ("≤ 500 beads per 3 × 10^6 cells", None),
    ("IFN-γ ≥ 200 pg/mL", "IFN-γ: >= 200 [pg/mL]"),
    ("≥ 20 % specific lysis at E:T 10:1", None),
    ("Report result (pg/mL)", "report"),
    ("Conforms (patient identity verified)", "conforms"),
    ("≤ 1 % residual CD19+ tumour cells", "<= 1 [% residual CD19+ tumour cells]"),
    ("2–8 °C", "2..8 [°C]"),
    ("≤ -150 °C", "<= -150 [°C]"),
    ("−0.5 to +0.5 °C", "-0.5..0.5 [°C]"),
]

GENE_THERAPY = [
    ("≥ 1.0 × 10^13 vg/mL", ">= 1.0E+13 [vg/mL]"),
    ("1.6–2.4 × 10^13 vg/mL", "1.6E+13..2.4E+13 [vg/mL]"),
    ("1.6 × 10^13 – 2.4 × 10^13 vg/mL", "1.6E+13..2.4E+13 [vg/mL]"),
    ("2.0 ± 0.4 × 10^13 vg/mL", None),
    ("(2.0 ± 0.4) × 10^13 vg/mL", "1.6E+13..2.4E+13 [vg/mL] as 2.0E+13 ± 4E+12"),
    ("1.0E+13 to 5.0E+13 vg/mL", "1.0E+13..5.0E+13 [vg/mL]"),
    ("10^13 to 10^14 vg/kg", "1E+13..1E+14 [vg/kg]"),
    ("≥ 1.0 × 10^9 TCID50/mL", ">= 1.0E+9 [TCID50/mL]"),
    ("≥ 8.0 log10 TCID50/mL", ">= 8.0 [log10 TCID50/mL]"),
    ("Report result (vg:IU ratio)", "report"),
    ("≤ 100 vg/IU", "<= 100 [vg/IU]"),
    ("≥ 50 % full capsids", ">= 50 [% full capsids]"),
    ("≤ 30 % empty capsids (AUC)", "<= 30 [% empty capsids (AUC)]"),
    (
        "Full capsids ≥ 50 %; empty capsids ≤ 30 %",
        "Full capsids: >= 50 [%] & empty capsids: <= 30 [%]",
    ),
    ("VP1:VP2:VP3 approximately 1:1:10", None),
    ("Conforms to reference (VP1, VP2, VP3 bands)", "conforms"),
    ("≥ 90 % VP1+VP2+VP3", ">= 90 [% VP1+VP2+VP3]"),
    ("≤ 5 % aggregates (SEC-MALS)", "<= 5 [% aggregates (SEC-MALS)]"),
    ("≤ 20 ng/1.0 × 10^13 vg", None),
    ("≤ 100 ng HCP per 10^13 vg", "<= 100 [ng HCP per 10^13 vg]"),
    (
        "≤ 1.0 × 10^8 copies/mL residual plasmid (kanR)",
        "<= 1.0E+8 [copies/mL residual plasmid (kanR)]",
    ),
    ("≤ 10 ng/dose", "<= 10 [ng/dose]"),
    ("< 1 rcAAV per 1 × 10^8 vg", None),
    ("rcAAV: not detected in 1 × 10^10 vg", None),
    ("Not detected (< 1 rcAAV/10^8 vg)", "not-detected"),
    ("Negative for adenovirus", "negative"),
    ("≤ 1 CFU/10 mL", "<= 1 [CFU/10 mL]"),
    ("< 1 CFU/10 mL", "< 1 [CFU/10 mL]"),
    ("NMT 10 CFU/100 mL", "<= 10 [CFU/100 mL]"),
    ("≤ 5 EU/kg/h", "<= 5 [EU/kg/h]"),
    ("≤ 1.5 × 10^-2 EU/mL", "<= 0.015 [EU/mL]"),
    ("≤ 2.0 EU/mL", "<= 2.0 [EU/mL]"),
    ("≥ 70 % of reference (expression)", ">= 70 [% of reference (expression)]"),
    ("50–200 % relative potency", "50..200 [% relative potency]"),
    ("Report result (% relative potency)", "report"),
    ("pH 7.0 ± 0.5", "6.5..7.5 [pH] as 7.0 ± 0.5"),
    ("350–450 mOsm/kg", "350..450 [mOsm/kg]"),
    ("≤ 0.01 % poloxamer 188", None),
    ("≥ 0.8 mL per vial", ">= 0.8 [mL per vial]"),
    ("Conforms to AAV9 capsid reference", "conforms"),
    ("Complies (ELISA, AAV9-specific)", "conforms"),
    ("Sequence conforms to reference", None),
    ("Consistent with reference", None),
]

HOSTILE = [
    ("NLT 80 % and NMT 120 %", ">= 80 [%] & <= 120 [%]"),
    ("≥ 80 % ≤ 120 %", None),
    ("≥ 0.5 and ≤ 2.0", ">= 0.5 & <= 2.0"),
    ("≥ 80 % or ≥ 70 % with justification", None),
    ("> 0.5 to ≤ 2.0", None),
    ("≤ 3 %, ≤ 5 %", "<= 3 [%] & <= 5 [%]"),
    ("NMT 0.5 % (NLT 0.1 %)", None),
    ("≤ 1.000,5", None),
    ("≤ 1.000.000", None),
    ("≤ 0,500 mg", None),
    ("≤ 12,345.6 mg", "<= 12345.6 [mg]"),
    ("≤ 1,000,000 copies", "<= 1000000 [copies]"),
    ("≤ 6,000", "<= 6000"),
    ("1,000–5,000 ng/mL", "1000..5000 [ng/mL]"),
    ("1 000 to 2 000 cells", "1000..2000 [cells]"),
    ("≤ 100 pg/dose", "<= 100 [pg/dose]"),
    ("= 100 %", "= 100 [%]"),
    ("Conforms; NMT 0.5 %", "conforms & <= 0.5 [%]"),
    ("Not less than", None),
    ("≤", None),
    ("", None),
    ("   ", None),
    ("120–80 %", "120..80 [%]"),
    ("5 ± -1 mg", None),
    ("NMT 2,6-dimethylaniline", None),
    ("NMT 0.1 % 2,6-dimethylaniline", None),
    ("≤ 3 % at 2–8 °C", None),
    ("≥ 95 % (n = 3)", None),
    ("{{ 7 * 7 }} %", None),
]

CORPUS = SMALL_MOLECULE + MONOCLONAL_ANTIBODY + CELL_THERAPY + GENE_THERAPY + HOSTILE


def test_the_corpus_is_large_and_has_no_repeats() -> None:
    assert len(CORPUS) >= 150
    texts = [text for text, _ in CORPUS]
    assert (
        len(texts)
        == len(set(texts))
        + sum(  # a text repeated in two modalities agrees
            1 for i, t in enumerate(texts) if t in texts[:i]
        )
    )
    assert all(dict(CORPUS)[text] == expected for text, expected in CORPUS)


@pytest.mark.parametrize(("text", "expected"), CORPUS, ids=[t for t, _ in CORPUS])
def test_criterion_reads_as_expected(text: str, expected: str | None) -> None:
    assert shown(parse_criterion(text)) == expected


CONDITIONS = [
    ("NLT 80 % (30 min)", None),
    ("≥ 90 % after 6 months", None),
    ("≤ 5 EU/kg/h", "<= 5 [EU/kg/h]"),
]


@pytest.mark.parametrize(("text", "expected"), CONDITIONS)
def test_a_time_or_temperature_makes_a_criterion_conditional(
    text: str, expected: str | None
) -> None:
    assert shown(parse_criterion(text)) == expected


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        ("20.0 ± 2.0 mg/mL", "20.0 ± 1.0 mg/mL", "tightened"),
        ("20.0 ± 2.0 mg/mL", "18.0–22.0 mg/mL", None),  # the same limits written another way
        ("20.0 ± 2.0 mg/mL", "17.0–23.0 mg/mL", "widened"),
        ("≤ 6,000 particles/container", "≤ 3,000 particles/container", "tightened"),
        ("≤ 6 000 particles/container", "≤ 6,000 particles/container", None),
        ("≥ 1.0 × 10^6 cells/mL", "≥ 1.0E+07 cells/mL", "tightened"),
        ("NMT 1.0 %", "≤ 1.00 %", None),
        ("NLT 80 % and NMT 120 %", "NLT 85 % and NMT 115 %", None),  # multi-part: "changed"
        ("NLT 80 % and NMT 120 %", "80–120 %", None),
        ("NLT 80 % (Q) in 30 min", "NLT 75 % (Q) in 30 min", None),  # unread: "changed"
        ("≤ 0,5 EU/mL", "≤ 1,0 EU/mL", None),  # decimal comma: never weighed
        ("HMW: ≤ 3.0 %", "LMW: ≤ 5.0 %", None),  # another labelled attribute
        ("120–80 %", "110–90 %", None),  # a reversed range is not compared
        ("= 100 %", "< 100 %", "shifted"),
        ("Report result", "≤ 1.0 %", "tightened"),
    ],
)
def test_direction_of_a_criterion_change(before: str, after: str, expected: str | None) -> None:
    assert direction("acceptance_criterion", before, after) == expected


def test_decimal_commas_are_named_with_their_offsets() -> None:
    assert decimal_commas("NLT 0,5 % and NMT 1,25 %") == [(4, "0,5"), (18, "1,25")]
    assert decimal_commas("≤ 6,000 and ≤ 1,000,000.5; 2,6-dimethylaniline") == []


def test_decimal_comma_warning_points_at_the_number(dossier_from) -> None:
    root = dossier_from(replace={"criterion: NMT 1.0 %}": "criterion: 'NMT 1,0 %'}"})
    found = [d for d in validate_folder(root).diagnostics if d.code == "DOS130"]
    line = (
        (root / "facts.yaml").read_text(encoding="utf-8").splitlines()[found[0].location.line - 1]
    )
    assert line[found[0].location.column - 1 :].startswith("1,0 %'}")
    assert "'1.0'" in found[0].hint


def test_plus_minus_ends_are_exact_or_not_read() -> None:
    exact = parse_criterion("123456789012345678901234567890.5 ± 0.25 mg")
    assert (str(exact.low), str(exact.high)) == (
        "123456789012345678901234567890.25",
        "123456789012345678901234567890.75",
    )
    assert parse_criterion("1E+99 ± 1E-99 mg") is None  # 199 digits: not computed exactly
