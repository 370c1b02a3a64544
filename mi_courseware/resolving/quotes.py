"""A course's quotes as an edition prints them: its samples only when asked for."""

from __future__ import annotations

import logging

from mi_courseware.core.edition import Quote, Selection
from mi_courseware.errors import plural
from mi_courseware.model import Course

log = logging.getLogger(__name__)


def quotes(course: Course, selection: Selection) -> tuple[Quote, ...]:
    """The quotes ``selection``'s edition prints: every participant's, and the samples only
    with ``build --with-samples`` (each then marked as a sample on the page)."""
    found = [Quote(f.quote, f.by, f.sample) for f in course.feedback]
    samples = sum(1 for q in found if q.sample)
    if samples and not selection.samples:
        log.info(
            "%s: %s left out (samples are printed, marked as such, with build --with-samples)",
            selection.course,
            plural(samples, "sample quote"),
        )
        found = [q for q in found if not q.sample]
    return tuple(found)
