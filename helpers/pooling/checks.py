"""Summaries read for pooling, each refused with one line naming the file and the field: not JSON, not the
schema (``summary.schema.json``), another version, a count under the minimum cell count, or settings that differ
from the first summary's (a % of another reference year is another quantity)."""

from __future__ import annotations

import functools
import json
from pathlib import Path

from helpers.errors import StudyInputError
from helpers.pooling import summary as summary_module


@functools.cache
def _validator():
    import jsonschema

    schema = json.loads(summary_module.SCHEMA.read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema)


def read(files: list) -> list[dict]:
    """The summaries in ``files``, checked; raises StudyInputError with one line per refused file."""
    problems, summaries = [], []
    for f in map(Path, files):
        try:
            summaries.append(check(json.loads(Path(f).read_text(encoding="utf-8")), f))
        except FileNotFoundError:
            problems.append(f"{f}: no such file")
        except (UnicodeDecodeError, json.JSONDecodeError) as err:
            problems.append(f"{f}: not a JSON summary ({err})")
        except StudyInputError as err:
            problems.extend(err.lines)
    if not problems:
        problems = agree(summaries, list(map(Path, files)))
    if problems:
        raise StudyInputError(problems)
    return summaries


def check(s: dict, name) -> dict:
    """One summary against the schema, its version and the disclosure rule."""
    if isinstance(s, dict) and s.get("version") not in (None, summary_module.VERSION):
        raise StudyInputError(f"{name}: field 'version': {s['version']!r}; this code reads version "
                              f"{summary_module.VERSION} (rerun the clinic's study with this code)")  # fmt: skip
    error = next(iter(sorted(_validator().iter_errors(s), key=lambda e: list(e.absolute_path))), None)
    if error is not None:
        where = ".".join(map(str, error.absolute_path)) or "(the whole file)"
        raise StudyInputError(f"{name}: field '{where}': {error.message}")
    floor = s["settings"]["min_cell_count"]
    for where, rows, counts in (("groups", s["groups"], ("n",)), ("differences", s["differences"], ("n_ms", "n_sci"))):
        for i, row in enumerate(rows):
            small = [c for c in counts if c in row and row[c] < floor]
            if small or row["withheld"] == any(c in row for c in counts):
                raise StudyInputError(f"{name}: field '{where}.{i}.{(small or counts)[0]}': a count under the minimum "
                                      f"cell count ({floor}) or a withheld row with figures: not shareable")  # fmt: skip
    return s


def agree(summaries: list[dict], files: list[Path]) -> list[str]:
    """Each summary's settings against the first one's (minimum cell count aside), and no clinic twice."""
    problems, first = [], summaries[0]["settings"] if summaries else {}
    seen = {}
    for s, f in zip(summaries, files):
        for key in ("reference_year", "min_followup_years", "time_points"):
            if s["settings"][key] != first[key]:
                problems.append(f"{f}: field 'settings.{key}': {s['settings'][key]!r}, but {files[0]} has "
                                f"{first[key]!r}; pool summaries made with the same settings")  # fmt: skip
        if s["clinic"] in seen:
            problems.append(
                f"{f}: field 'clinic': {s['clinic']!r} again (also {seen[s['clinic']]}): one summary per clinic"
            )
        seen.setdefault(s["clinic"], f)
    return problems
