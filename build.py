"""Build the worked example in ./dossier into ./build with one command; thin over the package."""

from __future__ import annotations

import os
from pathlib import Path

from cmc_dossier.cli import main

if __name__ == "__main__":
    here = Path(__file__).resolve().parent
    main(["build", os.path.relpath(here / "dossier"), "--output", os.path.relpath(here / "build")])
