"""Conversions kept by what they are made from, so a rebuild converts only what changed.

An entry is named by a digest of everything its bytes depend on (for a DOCX conversion:
the Markdown, the reference document, pandoc's version and command, the layout step; for a
PDF: that conversion, the visible stamp and the converter's version) and never of what
changes with every commit (commit id, dates), which is stamped on afterwards. Entries live
in the output folder (`.cache/<stage>/<target>/<key>`), written under its lock; a build
keeps the entries of its own documents and drops the rest. As a key names everything the
bytes depend on, an entry one target made serves another (the IND's Module 3 and the
M4Q(R2) Module 3 share most of their parts): found there, it is linked into the target's
own folder, which each target keeps or drops on its own.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from cmc_dossier.outputs import link_or_copy, replace_file

CACHE_FOLDER = ".cache"


def content_key(*parts: str | bytes) -> str:
    """A digest of the parts in order; a part never runs into the next."""
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()


class ConversionCache:
    """Content-addressed files of one stage and target, e.g. `.cache/docx/ind/<key>`."""

    def __init__(self, output: Path, stage: str, target: str) -> None:
        self.folder = output / CACHE_FOLDER / stage / target

    def get(self, key: str) -> bytes | None:
        try:
            return (self.folder / key).read_bytes()
        except OSError:
            return self._from_other_target(key)

    def _from_other_target(self, key: str) -> bytes | None:
        stage = self.folder.parent
        others = sorted(stage.iterdir()) if stage.is_dir() else []
        for folder in others:
            if folder != self.folder and (folder / key).is_file():
                self.folder.mkdir(parents=True, exist_ok=True)
                try:
                    link_or_copy(folder / key, self.folder / key)
                    return (self.folder / key).read_bytes()
                except OSError:
                    continue
        return None

    def put(self, key: str, data: bytes) -> None:
        """Written whole (unique temporary name, then rename): a killed build tears no entry."""
        replace_file(self.folder / key, data)

    def keep_only(self, keys: set[str]) -> None:
        """Drop entries no document of this build is made from (and a killed build's
        temporary files)."""
        if self.folder.is_dir():
            for path in self.folder.iterdir():
                if path.name not in keys:
                    path.unlink()
