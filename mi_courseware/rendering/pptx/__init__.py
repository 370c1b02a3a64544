"""Native, editable, branded PPTX decks written straight from a theme's slide template.

The deck writer reads the template package (``themes/<theme>/slides/template.pptx``) and its
description (``slides/layouts.yaml``), brands the theme, master and layouts, then writes each
slide's PresentationML itself. It does not use python-pptx (only the tests do): importing it
and creating notes slides through it cost more than the whole of Pandoc's run on the demo
deck, and writing the parts directly also gives byte-for-byte reproducible files. XML that
the template owns (its slide list, master, theme, layouts) is read and edited with lxml; the
slides the writer makes itself are built as strings. The tests reopen every deck with
python-pptx and LibreOffice, as a trainer's tools would.

Modules:

* :mod:`.deck`: the whole flow for one deck (:func:`~.deck.write_deck`)
* :mod:`.spec`: the slide specifications everything passes along
* :mod:`.package`: the OPC zip (parts, relationships, content types), saved deterministically
* :mod:`.ooxml`: small builders for DrawingML/PresentationML fragments
* :mod:`.layouts`: the model of ``layouts.yaml``, checked by ``validate``
* :mod:`.template`: the template's layouts, placeholders and branding
* :mod:`.content`: course Markdown to slide specifications
* :mod:`.plan`: an Edition to the deck's slide specifications
* :mod:`.fitting`: text measurement with the theme's font and its widest substitute
  (:mod:`mi_courseware.loading.fontmetrics`): wrap, shrink, split
* :mod:`.placing`: each slide fitted to its layout, overflow to "(continued)" slides
* :mod:`.diagrams`: the cycle of change, decisional balance and ruler as native shapes
* :mod:`.writer`: slides, notes, footers, tables and pictures into the package
* :mod:`.images`: logos and pictures (checked by :mod:`mi_courseware.loading.images`; SVG
  rasterised for projection with nothing from outside it)
* :mod:`.wording`: the fixed wording on slides, per language
"""
