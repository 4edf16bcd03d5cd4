"""Build the worked example with one command: documents into build/, review site into build/site.

Thin over the package: the same as `dossier build dossier -o build` then `dossier site`.
"""

from __future__ import annotations

import os
from pathlib import Path

from cmc_dossier.cli import main

if __name__ == "__main__":
    here = Path(__file__).resolve().parent
    os.chdir(here)
    try:
        main(["build", "dossier", "--output", "build", "--format", "pdf"])
    except SystemExit as done:
        if done.code:
            raise
    main(["site", "dossier", "--config", "mkdocs.yml"])
