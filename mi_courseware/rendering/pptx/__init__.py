"""Native, editable, branded PPTX decks written straight from a theme's slide template.

The deck writer reads the template package (``themes/<theme>/slides/template.pptx``) and its
description (``slides/layouts.yaml``), brands the theme, master and layouts, then writes each
slide's PresentationML itself. It does not import python-pptx at build time: importing it and
creating notes slides through it cost more than the whole of Pandoc's run on the demo deck,
and writing the parts directly also gives byte-for-byte reproducible files. The tests reopen
every deck with python-pptx and LibreOffice, as a trainer's tools would.

Modules:

* :mod:`.deck`: the whole flow for one deck (:func:`~.deck.write_deck`)
* :mod:`.spec`: the slide specifications everything passes along
* :mod:`.package`: the OPC zip (parts, relationships, content types), saved deterministically
* :mod:`.ooxml`: small builders for DrawingML/PresentationML fragments
* :mod:`.template`: the template's layouts, placeholders and branding
* :mod:`.content`: course Markdown to slide specifications
* :mod:`.plan`: an Edition to the deck's slide specifications
* :mod:`.fitting`: text measurement with the theme's fonts: wrap, shrink, split
* :mod:`.placing`: each slide fitted to its layout, overflow to "(continued)" slides
* :mod:`.diagrams`: the cycle of change, decisional balance and ruler as native shapes
* :mod:`.writer`: slides, notes, footers, tables and pictures into the package
* :mod:`.images`: logos and pictures (SVG rasterised for projection)
* :mod:`.wording`: the fixed wording on slides, per language
"""
