"""Certificates of attendance: design, numbering and codes, rendering, verification.

Imports run one way (a test checks there are no cycles):

* :mod:`.common` (a leaf: people, slots, fixed names) and :mod:`.names` (a name's size and
  lines), then :mod:`.design` (an edition's certificate template and wording);
* :mod:`.background` (the shared design rendered once and read back through its anchors)
  and :mod:`.setter` (one person's text shaped with HarfBuzz and set on it);
* :mod:`.writer` (each certificate's file, the whole-page fallback, the print file);
* :mod:`.batch` (the run spread over the cores) and :mod:`.issue` (the run against the
  register, :mod:`mi_courseware.register`);
* :mod:`.verify` answers whether a code or a file is genuine.
"""
