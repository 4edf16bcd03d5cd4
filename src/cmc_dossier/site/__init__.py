"""The review website: generated Markdown pages, built by mkdocs-material.

`pages` knows the dossier and nothing of mkdocs; `mkdocs_site` is the one module that knows
mkdocs, so a successor site generator replaces that module alone.
"""
