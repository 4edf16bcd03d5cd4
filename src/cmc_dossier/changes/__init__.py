"""Change control: a dossier at two revisions, diffed fact by fact, with regulatory impact.

snapshot (git objects) -> facts_diff (pair by ID) -> impact (rules table) -> report, redline.
"""
