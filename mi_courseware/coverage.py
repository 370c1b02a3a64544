"""Outcome x standard coverage of an Edition, as a text table or CSV."""

from __future__ import annotations

import csv
import io

from mi_courseware.edition import Edition, StandardUnit
from mi_courseware.loading.project import Project


def unclaimed_units(edition: Edition, project: Project) -> list[StandardUnit]:
    """Units of the frameworks the edition uses that none of its outcomes claims."""
    claimed = {u.ref for u in edition.units}
    frameworks = dict.fromkeys(u.framework for u in edition.units)
    result = []
    for framework in frameworks:
        record = project.standards[framework]
        f = record.model.framework
        for unit in record.model.units:
            if f"{f.id}:{unit.code}" not in claimed:
                result.append(StandardUnit(f.id, f.title, f.publisher, unit.code, unit.title))
    return result


def coverage_table(edition: Edition, project: Project) -> str:
    """A matrix: one row per outcome, one column per unit, then the legend and gaps."""
    units = edition.units
    refs = [u.ref for u in units]
    width = max((len(o.id) for o in edition.outcomes), default=7)
    what = [edition.course_id]
    if edition.variant_id:
        what.append(edition.variant_id)
    if edition.addons:
        what.append("+ " + ", ".join(a.id for a in edition.addons))
    lines = [f"{edition.title} ({', '.join(what)})", ""]
    lines.append(" " * (width + 2) + "  ".join(refs))
    for outcome in edition.outcomes:
        mine = {u.ref for u in outcome.standards}
        cells = ["●".center(len(r)) if r in mine else "·".center(len(r)) for r in refs]
        lines.append(f"{outcome.id:<{width}}  " + "  ".join(cells).rstrip())
    lines += ["", "Outcomes:"]
    lines += [f"  {o.id:<{width}}  {o.text}" for o in edition.outcomes]
    lines += ["", "Units:"]
    lines += [f"  {u.ref:<16} {u.title}" for u in units]
    gaps = unclaimed_units(edition, project)
    if gaps:
        lines += ["", "Units claimed by no outcome:"]
    else:
        lines += ["", "Every unit of these frameworks is claimed."]
    lines += [f"  {u.ref:<16} {u.title}" for u in gaps]
    untagged = [o.id for o in edition.outcomes if not o.standards]
    if untagged:
        lines += ["", "Outcomes mapped to no standard: " + ", ".join(untagged)]
    return "\n".join(lines) + "\n"


def coverage_csv(edition: Edition, project: Project) -> str:
    """One row per (unit, outcome) pair; units no outcome claims have an empty outcome."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["framework", "code", "unit", "outcome_id", "outcome"])
    for unit in edition.units:
        for outcome in edition.outcomes:
            if unit in outcome.standards:
                writer.writerow([unit.framework, unit.code, unit.title, outcome.id, outcome.text])
    for unit in unclaimed_units(edition, project):
        writer.writerow([unit.framework, unit.code, unit.title, "", ""])
    return buffer.getvalue()
