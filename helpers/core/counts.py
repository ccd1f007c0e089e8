"""Every patient count the study's tables show, each under one key, and how the counts add up.

The same count often appears in several tables (the MS patients analysed: the flow diagram, Table 1, the
reproduction report); it has one key here, so disclosure control (:func:`helpers.core.disclosure.protect`)
decides once what may be shown of it, and every table shows the same. Keys:

* ``("in data",)`` and ``("short",)`` (followed less than the minimum follow-up), when there are such patients;
  ``("screened",)`` (followed at least the minimum), ``("excluded",)``, ``("reason", r)``, ``("analysed", g)``
  with g = all, MS, SCI;
* ``("followed", k, dx)``: analysed patients with a dose at time point k; ``("reference", g)``: with a
  dose at the reference year;
* ``("t1", column, level, g)``: Table 1's categorical rows; ``("missing", column, g)``: patients without
  a value (Table 1 shows g = all);
* ``("sci", level, grade)``: the SCI level by AIS grade table, with its margins (``"all"``).

Counts no table shows (patients not followed to k, say) enter the relations as unknowns.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from helpers.core import cohort, disclosure
from helpers.core.diagnoses import DIAGNOSES, MS, SCI

GROUPS = ("all", *DIAGNOSES)
CATEGORIES = {
    "sex": ("female", "male"),
    "sci_level": ("cervical", "thoracic"),
    "ais_grade": ("A", "B", "C", "D"),
}
SCI_ONLY = ("sci_level", "ais_grade")
NOT_APPLICABLE = "not applicable (MS)"
CONTINUOUS = ("age_at_implant", "years_since_onset", "followup_years")


@dataclass
class Cells:
    """Counts by key, the relations between them, and which no table shows. A count that is by definition
    (or in these data) another one is an alias of it, so that disclosure control sees one count, not two
    that must agree."""

    counts: dict = field(default_factory=dict)
    relations: list = field(default_factory=list)
    unshown: set = field(default_factory=set)
    alias: dict = field(default_factory=dict)

    def key(self, key):
        return self.alias.get(key, key)

    def count(self, key) -> int:
        return self.counts[self.key(key)]

    def add(self, key, n, shown=True, same_as=None):
        if same_as is not None:
            self.alias[key] = self.key(same_as)
            return
        self.counts[key] = int(n)
        if not shown:
            self.unshown.add(key)

    def relate(self, total, parts):
        total, parts = self.key(total), [self.key(p) for p in parts]
        if total in parts:  # an alias made this total one of its parts: the others are zero, nothing to learn
            parts.remove(total)
            if any(self.counts[p] for p in parts):
                raise ValueError(f"{total} is one of its own parts but the others are not zero")
            return
        self.relations.append((total, parts))

    def add_same_or_part(self, key, n, whole, shown=True):
        """``key`` counts some of ``whole``: an alias of it if it is all of it, else a count of its own with
        the rest unshown."""
        if n == self.count(whole):
            self.add(key, n, same_as=whole)
            return
        self.add(key, n, shown)
        rest = ("rest of", key)
        self.add(rest, self.count(whole) - n, shown=False)
        self.relate(whole, [key, rest])


ZERO = ("zero",)  # a count that is zero by definition (the SCI level of an MS patient)


def sci_grade(g) -> str:
    """The AIS grade as the SCI table groups it."""
    return "AIS A" if g == "A" else ("AIS B-D" if g in ("B", "C", "D") else "unknown")


def cells(patients: pd.DataFrame, doses: pd.DataFrame, reference_year: int, time_points) -> Cells:
    """Every count of the study's tables, and the relations between them."""
    c = Cells()
    pts = cohort.analysed_patients(patients)
    excluded = cohort.excluded_patients(patients)
    by_group = {"all": pts, **{dx: pts.loc[pts["diagnosis"] == dx] for dx in DIAGNOSES}}

    # the flow: (in the data -> follow-up too short /) screened -> excluded (reasons) / analysed -> MS, SCI ->
    # followed to each time point
    short = int(cohort.short_followup(patients).sum())
    c.add(("screened",), len(patients) - short)
    if short:
        c.add(("in data",), len(patients))
        c.add(("short",), short)
        c.relate(("in data",), [("short",), ("screened",)])
    c.add(("excluded",), len(excluded))
    reasons = excluded["exclusion_reason"].value_counts()
    for r, n in reasons.items():
        c.add(("reason", r), n)
    for g, df in by_group.items():
        c.add(("analysed", g), len(df))
    c.relate(("screened",), [("excluded",), ("analysed", "all")])
    c.relate(("excluded",), [("reason", r) for r in reasons.index])
    c.relate(("analysed", "all"), [("analysed", dx) for dx in DIAGNOSES])
    pct = cohort.percent_of_reference(patients, doses, reference_year, time_points)
    for dx in DIAGNOSES:
        previous = ("analysed", dx)
        for k in sorted(time_points):
            n = int(((pct["year"] == k) & (pct["diagnosis"] == dx)).sum())
            c.add_same_or_part(("followed", k, dx), n, previous)  # followed to k: some of those followed before
            previous = ("followed", k, dx)
    ref = pct.loc[(pct["year"] == reference_year) & pct["dose_ref"].notna()]
    for dx in DIAGNOSES:
        c.add_same_or_part(("reference", dx), int((ref["diagnosis"] == dx).sum()), ("analysed", dx))
    c.add_same_or_part(("reference", "all"), len(ref), ("analysed", "all"))
    c.relate(("reference", "all"), [("reference", dx) for dx in DIAGNOSES])

    # Table 1: each category by group, and the patients without a value. SCI level and AIS grade apply to
    # SCI only: their "all" counts are the SCI counts, MS counts are zero or (not applicable) all MS patients.
    c.add(ZERO, 0)
    for column in (*CATEGORIES, *CONTINUOUS):
        for g, df in by_group.items():
            if column in SCI_ONLY and g != SCI:
                c.add(("missing", column, g), 0, same_as=ZERO if g == MS else ("missing", column, SCI))
            else:
                c.add(("missing", column, g), df[column].isna().sum(), shown=g == "all")
        c.relate(("missing", column, "all"), [("missing", column, dx) for dx in DIAGNOSES])
    for column, levels in CATEGORIES.items():
        values = pts[column].map({"F": "female", "M": "male"}) if column == "sex" else pts[column]
        for level in levels:
            for g in GROUPS if column not in SCI_ONLY else (SCI,):
                in_group = pts["diagnosis"] == g if g != "all" else pd.Series(True, index=pts.index)
                c.add(("t1", column, level, g), (in_group & (values == level)).sum())
            if column in SCI_ONLY:
                c.add(("t1", column, level, "all"), 0, same_as=("t1", column, level, SCI))
                c.add(("t1", column, level, MS), 0, same_as=ZERO)
            c.relate(("t1", column, level, "all"), [("t1", column, level, dx) for dx in DIAGNOSES])
        if column in SCI_ONLY:
            for g in GROUPS:
                c.add(("t1", column, NOT_APPLICABLE, g), 0, same_as=ZERO if g == SCI else ("analysed", MS))
            levels = (*levels, NOT_APPLICABLE)
        for g in GROUPS:
            c.relate(("analysed", g), [*(("t1", column, level, g) for level in levels), ("missing", column, g)])

    # SCI level by AIS grade: its inner cells; its margins are counts above
    sci = by_group[SCI]
    level = sci["sci_level"].astype(object).fillna("unknown")
    grade = sci["ais_grade"].map(sci_grade)
    c.add(("sci", "all", "AIS B-D"), grade.eq("AIS B-D").sum())
    c.relate(("sci", "all", "AIS B-D"), [("t1", "ais_grade", g, SCI) for g in "BCD"])
    c.unshown -= {("missing", column, SCI) for column in SCI_ONLY}  # the table's "unknown" row and column
    rows, cols = ("cervical", "thoracic", "unknown"), ("AIS A", "AIS B-D", "unknown")
    for r in rows:
        for g in cols:
            c.add(("sci", r, g), (level.eq(r) & grade.eq(g)).sum())
        c.relate(sci_margin(r, "all"), [("sci", r, g) for g in cols])
    for g in cols:
        c.relate(sci_margin("all", g), [("sci", r, g) for r in rows])
    return c


def flow_keys(c: Cells, time_points) -> list[tuple]:
    """The patient flow's counts in reading order: (everyone in the data, follow-up too short,) screened,
    excluded, each reason by name (an order by size would hint at masked counts), analysed, and for each
    diagnosis its analysed and those followed to each time point."""
    keys = [("in data",), ("short",)] if ("short",) in c.counts else []
    keys += [("screened",), ("excluded",)]
    keys += sorted((k for k in c.counts if k[0] == "reason"), key=lambda k: k[1].casefold())
    keys.append(("analysed", "all"))
    for dx in DIAGNOSES:
        keys += [("analysed", dx), *(("followed", k, dx) for k in time_points)]
    return keys


def sci_margin(row: str, col: str):
    """The key of a cell of the SCI table, margins included (they are Table 1's and the flow's counts)."""
    if row == "all" and col == "all":
        return ("analysed", SCI)
    if col == "all":
        return ("missing", "sci_level", SCI) if row == "unknown" else ("t1", "sci_level", row, SCI)
    if row == "all":
        if col == "unknown":
            return ("missing", "ais_grade", SCI)
        return ("t1", "ais_grade", "A", SCI) if col == "AIS A" else ("sci", "all", "AIS B-D")
    return ("sci", row, col)


def protected(patients, doses, reference_year: int, time_points, min_count: int) -> dict:
    """What each count may show on chart data: the count, "<min_count" or "masked" (see :mod:`.disclosure`),
    for every key, aliases included.

    Counts at the time points are masked only as a last resort: notebook 4 shows them too, and the shareable
    summary (:mod:`helpers.pooling.summary`) gives every group's count at a time point that is not under the floor.
    """
    c = cells(patients, doses, reference_year, time_points)
    reluctant = {c.key(("followed", k, dx)) for k in time_points for dx in DIAGNOSES}  # aliases as their count
    shown = disclosure.protect(c.counts, c.relations, min_count, set(c.counts) - c.unshown, reluctant)
    return shown | {k: shown[canonical] for k, canonical in c.alias.items() if canonical in shown}
