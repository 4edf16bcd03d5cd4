"""Build the worked example in ./dossier with one command; thin over the package."""

from __future__ import annotations

import os
from pathlib import Path

from cmc_dossier.cli import main

if __name__ == "__main__":
    example = Path(__file__).resolve().parent / "dossier"
    main(["validate", os.path.relpath(example)])
