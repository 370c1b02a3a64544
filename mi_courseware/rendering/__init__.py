"""Turning an Edition into documents: Markdown, templates, PDF and PPTX writing."""
