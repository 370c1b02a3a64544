"""A long PDF laid out in parts by several worker processes at once, then joined.

:mod:`.cut` cuts the HTML at top-level sections, :mod:`.layout` lays out one part in a
worker and agrees its page numbers with the others, :mod:`.join` joins the parts' PDFs, and
:mod:`.run` does all three from the parent.
"""
