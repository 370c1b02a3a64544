"""Loading coding scales and coded sessions (``content/scales/``, ``content/coding/``).

Called by :func:`mi_courseware.loading.project.load_project` once trainers are loaded: a
practitioner's folder may be named after a trainer. Every problem is recorded with its
position; a scale or a session with a problem is left out, so that nothing downstream works
from half-checked data.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from mi_courseware.errors import Position, Problems, did_you_mean
from mi_courseware.loading.coded import Coding, PractitionerInfo
from mi_courseware.loading.records import Record, load_record
from mi_courseware.loading.utterances import read_utterances
from mi_courseware.model import CodedSession, Practitioner, Scale

if TYPE_CHECKING:
    from mi_courseware.loading.project import Project
from mi_courseware.model.scale import CLIENT_CODES
from mi_courseware.model.trainer import looks_like_id
from mi_courseware.project import builtin_dir

#: ``<YYYY-MM-DD>-<label>``, the name of every coded session's files.
_SESSION_NAME = re.compile(r"^(\d{4}-\d{2}-\d{2})-([A-Za-z0-9][A-Za-z0-9_.-]*)$")
_FOLDER_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def load_coding(project: Project, problems: Problems) -> None:
    """Read the scales (built in, then the project's) and every practitioner's sessions."""
    _load_scales(project, problems)
    folder = project.paths.content_dir("coding")
    if not folder.is_dir():
        return
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith("."):
            continue
        if not entry.is_dir():
            problems.error(
                Position(entry),
                "content/coding/ holds one folder per practitioner; move this file into one",
            )
            continue
        info = _practitioner(entry, project, problems)
        if info is not None:
            project.practitioners[info.id] = info


def _load_scales(project: Project, problems: Problems) -> None:
    builtin = builtin_dir("scales")
    own = project.paths.content_dir("scales")
    for folder in (builtin, own):
        if not folder.is_dir() or (folder == own and own.resolve() == builtin.resolve()):
            continue
        for path in sorted(folder.glob("*.y*ml")):
            if path.suffix not in (".yaml", ".yml"):
                continue
            ident = path.stem
            if ident in project.scales or (folder == own and (builtin / path.name).is_file()):
                problems.error(
                    Position(path),
                    f"scale '{ident}' is already defined (built in or by another file); "
                    "give your own scale another file name",
                )
                continue
            record = load_record(path, Scale, ident, problems)
            if record is None or not check_scale(record, problems):
                project.broken.add(("scales", ident))
            else:
                project.scales[ident] = record


def check_scale(record: Record[Scale], problems: Problems) -> bool:
    """A scale's names are unique and its summaries name its own codes and globals."""
    scale = record.model
    before = len(problems.errors)
    codes = _unique(record, "codes", "code", [c.code for c in scale.codes], problems)
    for index, code in enumerate(codes):
        if code in CLIENT_CODES:
            problems.error(
                record.position("codes", index, "code"),
                f"'{code}' is a client code in every scale; give the behaviour another code",
            )
    ratings = _unique(record, "globals", "id", [g.id for g in scale.globals], problems)
    _unique(record, "summaries", "id", [s.id for s in scale.summaries], problems)
    if scale.reflections is not None:
        for role in ("simple", "complex"):
            code = getattr(scale.reflections, role)
            if code not in codes:
                pos = record.position("reflections", role)
                problems.error(pos, f"unknown code '{code}'{did_you_mean(code, codes)}")
    for index, summary in enumerate(scale.summaries):
        refs: list[tuple[tuple[str | int, ...], str, list[str], str]] = []
        refs += [(("mean", k), ref, ratings, "global") for k, ref in enumerate(summary.mean or [])]
        refs += [(("sum", k), ref, codes, "code") for k, ref in enumerate(summary.sum or [])]
        if summary.ratio is not None:
            for part in ("of", "to"):
                refs += [
                    (("ratio", part, k), ref, codes, "code")
                    for k, ref in enumerate(getattr(summary.ratio, part))
                ]
        for loc, ref, known, what in refs:
            if ref not in known:
                pos = record.position("summaries", index, *loc)
                problems.error(pos, f"unknown {what} '{ref}'{did_you_mean(ref, known)}")
    return len(problems.errors) == before


def _unique(
    record: Record[Scale], key: str, field: str, values: list[str], problems: Problems
) -> list[str]:
    for index, value in enumerate(values):
        if value in values[:index]:
            problems.error(
                record.position(key, index, field), f"'{value}' is already used in {key}"
            )
    return list(dict.fromkeys(values))


def _practitioner(folder: Path, project: Project, problems: Problems) -> PractitionerInfo | None:
    ident = folder.name
    if not _FOLDER_NAME.match(ident):
        problems.error(
            Position(folder),
            f"folder name '{ident}' is not an id: use letters, digits, '-', '_' and '.'",
        )
        return None
    sheet = folder / "practitioner.yaml"
    trainer = project.trainers.get(ident)
    if sheet.is_file():
        record = load_record(sheet, Practitioner, ident, problems)
        if record is None:
            return None
        person = record.model
        name, organisation, mentor = person.name, person.organisation, person.mentor
        if mentor is not None and not project.exists("trainers", mentor):
            problems.error(
                record.position("mentor"),
                f"unknown trainer '{mentor}'{did_you_mean(mentor, project.trainers)}",
            )
            return None
    elif trainer is not None:
        name, organisation, mentor = trainer.model.name, trainer.model.organisation, None
    else:
        if not project.exists("trainers", ident):  # a broken trainer file is reported already
            problems.error(
                Position(folder),
                f"'{ident}' is not a trainer's id and its folder has no practitioner.yaml "
                f"(name, organisation){did_you_mean(ident, project.trainers)}",
            )
        return None
    codings = _codings(folder, ident, project, problems)
    if codings is None:
        return None
    return PractitionerInfo(
        ident, name, organisation, mentor, folder, trainer is not None, tuple(codings)
    )


def _codings(
    folder: Path, practitioner: str, project: Project, problems: Problems
) -> list[Coding] | None:
    before = len(problems.errors)
    stems: dict[str, dict[str, Path]] = {}
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or path.name == "practitioner.yaml":
            continue
        kind = {".csv": "csv", ".yaml": "yaml", ".yml": "yaml"}.get(path.suffix.lower())
        if kind is None or not path.is_file():
            problems.warning(
                Position(path),
                "not a coded session (<YYYY-MM-DD>-<label>.csv with its .yaml); left out",
            )
            continue
        if kind in stems.get(path.stem, {}):
            problems.error(Position(path), f"'{path.stem}' has two YAML files; keep one")
            continue
        stems.setdefault(path.stem, {})[kind] = path
    codings = []
    for stem, files in stems.items():
        coding = _coding(stem, files, practitioner, project, problems)
        if coding is not None:
            codings.append(coding)
    if len(problems.errors) > before:
        return None
    return sorted(codings, key=lambda c: (c.date, c.label))


def _coding(
    stem: str, files: dict[str, Path], practitioner: str, project: Project, problems: Problems
) -> Coding | None:
    first = files.get("csv") or files["yaml"]
    when = _session_date(stem, first, problems)
    if when is None:
        return None
    sidecar_path = files.get("yaml")
    if sidecar_path is None:
        problems.error(
            Position(first),
            f"no {stem}.yaml beside it: say the scale, the coder, the minutes and the globals",
        )
        return None
    sidecar = load_record(sidecar_path, CodedSession, stem, problems)
    csv_path = files.get("csv")
    scale = _sidecar_scale(sidecar, project, problems)
    if sidecar is None or scale is None or not _check_sidecar(sidecar, scale, project, problems):
        if csv_path is not None:  # the utterances' problems too, in the same run
            known = (sidecar.model.scale, scale.model) if sidecar and scale else None
            read_utterances(csv_path, known, problems)
        return None
    meta = sidecar.model
    label = stem[len("YYYY-MM-DD-") :]
    if csv_path is None:
        if meta.counts is None:
            problems.error(
                sidecar.position(),
                f"no {stem}.csv beside it and no 'counts:': give the coded utterances or the "
                "counts tallied on paper",
            )
            return None
        return Coding(practitioner, when, label, sidecar)
    if meta.counts is not None:
        problems.error(
            sidecar.position("counts", key=True),
            f"'counts' is given but {stem}.csv has the utterances; keep one of the two",
        )
        return None
    read = read_utterances(csv_path, (meta.scale, scale.model), problems)
    if read is None:
        return None
    return Coding(practitioner, when, label, sidecar, csv_path, read[0], read[1])


def _sidecar_scale(
    sidecar: Record[CodedSession] | None, project: Project, problems: Problems
) -> Record[Scale] | None:
    """The scale a sidecar names (an unknown one is reported; ``None`` without a sidecar)."""
    if sidecar is None:
        return None
    meta = sidecar.model
    scale = project.scales.get(meta.scale)
    if scale is None and not project.exists("scales", meta.scale):
        problems.error(
            sidecar.position("scale"),
            f"unknown scale '{meta.scale}'{did_you_mean(meta.scale, project.scales)}",
        )
    return scale


def _session_date(stem: str, path: Path, problems: Problems) -> date | None:
    match = _SESSION_NAME.match(stem)
    problem = None
    if match is None:
        problem = "name a coded session <YYYY-MM-DD>-<label>, e.g. 2027-04-08-home-visit"
    else:
        try:
            return date.fromisoformat(match.group(1))
        except ValueError:
            problem = f"'{match.group(1)}' in the file name is not a date (YYYY-MM-DD)"
    problems.error(Position(path), problem)
    return None


def _check_sidecar(
    sidecar: Record[CodedSession], scale: Record[Scale], project: Project, problems: Problems
) -> bool:
    """Globals and counts name what the scale has; a coder written as an id is a trainer."""
    meta = sidecar.model
    before = len(problems.errors)
    ratings = [g.id for g in scale.model.globals]
    for key in meta.globals:
        if key not in ratings:
            problems.error(
                sidecar.position("globals", key, key=True),
                f"unknown global '{key}' in scale '{meta.scale}'{did_you_mean(key, ratings)}",
            )
    missing = [g for g in ratings if g not in meta.globals]
    if missing:
        problems.error(
            sidecar.position("globals", key=True),
            f"missing global rating{'s' if len(missing) > 1 else ''} "
            + ", ".join(f"'{g}'" for g in missing)
            + f" (scale '{meta.scale}' rates each 1 to 5)",
        )
    codes = [c.code for c in scale.model.codes] + list(CLIENT_CODES)
    seen: set[str] = set()
    for key in meta.counts or {}:
        code = key.upper()
        pos = sidecar.position("counts", key, key=True)
        if code not in codes:
            hint = did_you_mean(code, codes)
            problems.error(pos, f"unknown code '{key}' in scale '{meta.scale}'{hint}")
        elif code in seen:
            problems.error(pos, f"'{key}' is counted twice (codes are read in any case)")
        seen.add(code)
    if looks_like_id(meta.coder) and not project.exists("trainers", meta.coder):
        problems.error(
            sidecar.position("coder"),
            f"unknown trainer '{meta.coder}'{did_you_mean(meta.coder, project.trainers)}; "
            "write a coder who is not a trainer by name",
        )
    return len(problems.errors) == before
