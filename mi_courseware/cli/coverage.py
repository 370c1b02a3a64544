"""Outcome x standard coverage of an Edition, as a text table or CSV."""

from __future__ import annotations

from mi_courseware.core.edition import Edition, StandardUnit
from mi_courseware.loading.project import Project
from mi_courseware.tables import csv_text


def catalogue_order(project: Project, unit: StandardUnit) -> tuple[int, int]:
    """Sort key: frameworks in project order, units in catalogue order."""
    frameworks = list(project.standards)
    record = project.standards.get(unit.framework)
    codes = [u.code for u in record.model.units] if record else []
    return (
        frameworks.index(unit.framework) if unit.framework in frameworks else len(frameworks),
        codes.index(unit.code) if unit.code in codes else len(codes),
    )


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


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def coverage_table(edition: Edition, project: Project) -> str:
    """Outcomes numbered, then one row per unit (grouped by framework) against them."""
    what = [edition.course_id]
    if edition.variant_id:
        what.append(edition.variant_id)
    if edition.addons:
        what.append("+ " + ", ".join(a.id for a in edition.addons))
    outcomes = edition.outcomes
    id_width = max((len(o.id) for o in outcomes), default=7)
    lines = [f"{edition.title} ({', '.join(what)})", "", "Outcomes"]
    lines += [f"  {n:>2}  {o.id:<{id_width}}  {o.text}" for n, o in enumerate(outcomes, 1)]
    gaps = unclaimed_units(edition, project)
    units = sorted([*edition.units, *gaps], key=lambda u: catalogue_order(project, u))
    code_width = max((len(u.code) for u in units), default=4)
    title_width = 56 - code_width
    marks = "".join(f"{n:>3}" for n in range(1, len(outcomes) + 1))
    lines += ["", f"{'Standards':<{code_width + title_width + 4}}{marks}"]
    framework = None
    for unit in units:
        if unit.framework != framework:
            framework = unit.framework
            lines.append(f"{unit.framework}  {unit.framework_title}")
        cells = "".join(f"{'●' if unit in o.standards else '·':>3}" for o in outcomes)
        note = "   (claimed by no outcome)" if unit in gaps else ""
        row = f"  {unit.code:<{code_width}}  {_clip(unit.title, title_width):<{title_width}}"
        lines.append(row + cells + note)
    lines.append("")
    if gaps:
        lines.append("Units claimed by no outcome: " + ", ".join(u.ref for u in gaps))
    else:
        lines.append("Every unit of these frameworks is claimed by an outcome.")
    untagged = [o.id for o in outcomes if not o.standards]
    if untagged:
        lines.append("Outcomes mapped to no standard: " + ", ".join(untagged))
    return "\n".join(lines) + "\n"


def coverage_csv(edition: Edition, project: Project) -> str:
    """One row per (unit, outcome) pair, units in catalogue order; a unit no outcome claims
    has one row with an empty outcome."""
    rows: list[list[str]] = []
    gaps = unclaimed_units(edition, project)
    for unit in sorted([*edition.units, *gaps], key=lambda u: catalogue_order(project, u)):
        if unit in gaps:
            rows.append([unit.framework, unit.code, unit.title, "", ""])
        for outcome in edition.outcomes:
            if unit in outcome.standards:
                rows.append([unit.framework, unit.code, unit.title, outcome.id, outcome.text])
    return csv_text(["framework", "code", "unit", "outcome_id", "outcome"], rows, "\n")
