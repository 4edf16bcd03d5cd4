"""Rendered Markdown to deliverables: DOCX through pandoc, written atomically."""
