"""Editable Word editions (DOCX) of the pack, the guide and the handouts, with python-docx.

Made from the same Edition and the same parsed Markdown as the PDFs. python-docx writes the
package and the paragraphs, runs, tables and pictures; what it has no API for (numbering
definitions, repeated table headers, shading and borders, fields, the proofing language,
theme colours) is made with its own element classes on its own XML tree (:mod:`.ooxml`).

Modules:

* :mod:`.pack`: the pack, the guide and the handouts, chapter by chapter
* :mod:`.document`: an edition's document: writer, brand, headers and footers, contents
* :mod:`.markdown`: course Markdown and the MI blocks into Word paragraphs and tables
* :mod:`.writer`: the package, its parts and properties, saved reproducibly
* :mod:`.styles`: the named styles from the theme (or the client's Word template)
* :mod:`.numbering`: real Word lists
* :mod:`.pictures`: the logo, pictures and diagrams as print-resolution PNG
* :mod:`.ooxml`: WordprocessingML python-docx has no API for
"""
