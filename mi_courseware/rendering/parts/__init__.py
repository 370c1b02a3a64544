"""A long PDF laid out in parts by several worker processes at once, then joined.

:mod:`.cut` cuts the HTML at top-level sections, :mod:`.layout` lays out one part in a
worker and agrees its page numbers with the others (:mod:`.messages`), :mod:`.tree` keeps a
part's tree the whole document's (stand-ins, selectors, how the HTML was read), :mod:`.join`
joins the parts' PDFs, and :mod:`.run` does all of it from the parent.
"""
