"""MI fidelity coding: coded sessions turned into counts, summary scores, bands and reports.

:mod:`~mi_courseware.loading.coded` holds what was loaded (plain data) and the volley rule,
:mod:`~mi_courseware.resolving.scores` the arithmetic, and the other modules the outputs: the
feedback report, the observer's sheet and the cohort summary.
"""
