"""Copy the PQ/CMC IG's value sets that the 3.2.P.1 export codes against into our data file.

Usage: python scripts/pqcmc_value_sets.py GIT_DIR COMMIT > value-sets.yaml, where GIT_DIR is
a clone of github.com/HL7/FHIR-us-pq-cmc-fda. Reads input/fsh/Terminologies.fsh at that
commit and prints each listed value set's codes and displays exactly as the IG writes them;
the output replaces the `value_sets` block of src/cmc_dossier/data/pqcmc-terms.yaml.
"""

from __future__ import annotations

import re
import subprocess
import sys

VALUE_SETS = (
    "SplPharmaceuticalDosageFormTerminology",
    "SplDrugRouteofAdministrationTerminology",
    "PqcmcManufacturedDoseFormTerminology",
    "PqcmcContainerTypeTerminology",
    "PqcmcClosureTypeTerminology",
    "PqcmcDrugProductComponentFunctionCategoryTerminology",
    "PqcmcExcipientFunctionTerminology",
    "PqcmcQualityBenchmarkTerminology",
    "PqcmcStrengthTypeTerminology",
    "PqcmcUnitsMeasure",
)
_CODE = re.compile(r'^\* \$(NCIT|UCUM)#(\S+)(?:\s+"([^"]*)")?')


def main(git_dir: str, commit: str) -> None:
    text = subprocess.run(
        ["git", "--git-dir", git_dir, "show", f"{commit}:input/fsh/Terminologies.fsh"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    current = None
    codes: dict[str, list[tuple[str, str]]] = {name: [] for name in VALUE_SETS}
    for line in text.splitlines():
        if line.startswith("ValueSet:"):
            current = line.split(":", 1)[1].strip()
        elif current in codes and (match := _CODE.match(line.strip())):
            codes[current].append((match.group(2), match.group(3) or ""))
    print("value_sets:")
    for name in VALUE_SETS:
        print(f"  {name}:")
        for code, display in codes[name]:
            print(f"    {_quoted(code)}: {_quoted(display)}")


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


if __name__ == "__main__":
    main(*sys.argv[1:3])
