"""DOCX -> PDF through LibreOffice's UNO API; run by Debian's /usr/bin/python3 (python3-uno).

Not imported by cmc-dossier: `publish/pdf.py` runs this file as a script with a JSON list of
[docx, pdf] pairs on stdin and a private LibreOffice profile folder as its argument, so
several conversions run side by side. Indexes (the table of contents) are updated before
export, which `soffice --convert-to` does not do; bookmarks come from the headings.
"""

import contextlib
import json
import os
import subprocess
import sys
import time

import uno
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]


def _property(name, value):
    item = PropertyValue()
    item.Name, item.Value = name, value
    return item


def main() -> None:
    profile, jobs = sys.argv[1], json.load(sys.stdin)
    pipe = f"cmc-dossier-{os.getpid()}"
    office = subprocess.Popen(
        [
            "soffice",
            "--headless",
            "--invisible",
            "--nologo",
            "--norestore",
            "--nodefault",
            f"-env:UserInstallation={profile}",
            f"--accept=pipe,name={pipe};urp;",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local
    )
    remote = None
    for _ in range(600):
        try:
            remote = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            break
        except Exception:
            time.sleep(0.1)
    if remote is None:
        office.kill()
        sys.exit("LibreOffice did not start")
    desktop = remote.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", remote)
    options = uno.Any(
        "[]com.sun.star.beans.PropertyValue",
        (_property("ExportBookmarks", True), _property("ExportNotes", False)),
    )
    try:
        for source, target in jobs:
            document = desktop.loadComponentFromURL(
                uno.systemPathToFileUrl(source), "_blank", 0, (_property("Hidden", True),)
            )
            indexes = document.getDocumentIndexes()
            for _ in range(2):  # the second pass sees the page numbers the first one moved
                for index in range(indexes.getCount()):
                    indexes.getByIndex(index).update()
            document.storeToURL(
                uno.systemPathToFileUrl(target),
                (_property("FilterName", "writer_pdf_Export"), _property("FilterData", options)),
            )
            document.close(True)
    finally:
        with contextlib.suppress(Exception):
            desktop.terminate()
        office.wait(timeout=60)


main()
