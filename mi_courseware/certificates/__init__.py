"""Certificates of attendance: design, numbering and codes, rendering, verification.

:mod:`.issue` runs an event's certificates against the register (:mod:`mi_courseware.register`);
:mod:`.layers` and :mod:`.assemble` make each PDF from the shared design and a personal layer;
:mod:`.verify` answers whether a code or a file is genuine.
"""
