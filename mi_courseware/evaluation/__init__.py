"""Course evaluations: the questions, the responses, the quality report and its collation.

- :mod:`~mi_courseware.core.evaluation`: plain data an Edition carries (questions, responses).
- :mod:`~mi_courseware.resolving.questions`: one definition of the questions per course.
- :mod:`~mi_courseware.resolving.responses`: response files (CSV, XLSX) read and checked.
- :mod:`~mi_courseware.resolving.stats`: means, medians, response rates, paired changes.
- :mod:`~mi_courseware.evaluation.report`: ``quality-report.pdf`` for one event.
- :mod:`~mi_courseware.evaluation.runs`: ``evaluation report`` across runs (PDF or CSV).
- :mod:`~mi_courseware.evaluation.template`: ``evaluation template`` (empty CSV, question list).

Nothing heavy is imported here: an Edition imports :mod:`.data`.
"""
