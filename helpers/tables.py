"""The study's tables: data in, DataFrame out (how they are worded, saved and shown lives elsewhere)."""

from __future__ import annotations

import warnings

import pandas as pd

from . import cohort, disclosure, published
from .diagnoses import DIAGNOSES

NOT_APPLICABLE = "not applicable (MS)"
TABLE1_LABELS = {
    "sex": "Sex",
    "age_at_implant": "Age at implant, years",
    "years_since_onset": "Years from injury/diagnosis to implant",
    "followup_years": "Follow-up since implant, years",
    "sci_level": "SCI level",
    "ais_grade": "AIS grade",
}


NOT_RECORDED = "not recorded"
TABLE1_ORDER = {
    "sci_level": ["cervical", "thoracic", NOT_APPLICABLE],
    "ais_grade": ["A", "B", "C", "D", NOT_APPLICABLE],
}


def table_one(patients: pd.DataFrame, min_count: int | None = None) -> pd.DataFrame:
    """Table 1 of the analysed patients by diagnosis, built with tableone; small counts masked if asked.

    "Missing" counts the patients without a value for each characteristic (percentages are of those with
    one); a characteristic nobody has a value for (a column the clinic's export left out) is "not recorded".
    """
    from tableone import TableOne

    pts = cohort.analysed_patients(patients)[["diagnosis", *TABLE1_LABELS]].copy()
    pts["sex"] = pts["sex"].map({"F": "female", "M": "male"})
    is_ms = pts["diagnosis"] == "MS"
    # SCI level and AIS grade apply to SCI only: recorded if any SCI patient has one
    recorded = [
        c for c in TABLE1_LABELS if pts.loc[~is_ms if c in ("sci_level", "ais_grade") else slice(None), c].notna().any()
    ]
    for c in ("sci_level", "ais_grade"):
        pts[c] = pts[c].astype(object)
        pts.loc[is_ms, c] = NOT_APPLICABLE
    with warnings.catch_warnings():
        # tableone 0.9.6 on pandas 3.1 warns about its own use of a deprecated pandas call (see PITFALLS)
        warnings.simplefilter("ignore", category=getattr(pd.errors, "Pandas4Warning", FutureWarning))
        warnings.simplefilter("ignore", category=FutureWarning)
        t = TableOne(
            pts,
            columns=recorded,
            categorical=[c for c in ("sex", "sci_level", "ais_grade") if c in recorded],
            nonnormal=[c for c in ("years_since_onset", "followup_years") if c in recorded],
            groupby="diagnosis",
            missing=True,
            include_null=False,
            overall=True,
            decimals=1,
            rename={c: TABLE1_LABELS[c] for c in recorded},
            order={
                "diagnosis": list(DIAGNOSES),
                **{c: levels for c, levels in TABLE1_ORDER.items() if c in recorded},
            },
        )
    table = t.tableone.copy()
    table.columns = [c[1] for c in table.columns]
    rows = [table.iloc[[0]]]  # n
    for c, label in TABLE1_LABELS.items():
        if c in recorded:
            rows.append(table.loc[[a.startswith(f"{label},") for a, _ in table.index]])
        else:
            missing = {"Missing": "", **{col: NOT_RECORDED for col in table.columns if col != "Missing"}}
            rows.append(pd.DataFrame([missing], index=pd.MultiIndex.from_tuples([(label, "")])))
    table = pd.concat(rows)[[*(c for c in table.columns if c != "Missing"), "Missing"]]
    table.index = [f"{a}: {b}" if b else a for a, b in table.index]
    table.index.name = "characteristic"
    if min_count:
        table = disclosure.mask_count_cells(table, min_count)
    return table


def sci_breakdown(patients: pd.DataFrame) -> pd.DataFrame:
    """SCI patients by level and AIS grade (the paper: 15 cervical, 4 thoracic; AIS A 7, B-D 12)."""
    sci = cohort.analysed_patients(patients)
    sci = sci.loc[sci["diagnosis"] == "SCI"]
    grade = sci["ais_grade"].map(lambda g: "AIS A" if g == "A" else ("AIS B-D" if g in ("B", "C", "D") else "unknown"))
    tab = pd.crosstab(
        sci["sci_level"].astype(object).fillna("unknown"), grade.astype(object), margins=True, margins_name="all"
    )
    tab.index.name, tab.columns.name = "SCI level", None
    return tab


def flow_counts(patients: pd.DataFrame, doses: pd.DataFrame, reference_year: int, time_points) -> pd.DataFrame:
    """The flow from screened to analysed, and who is followed to each time point, as a tidy table."""
    pts = cohort.analysed_patients(patients)
    rows = [("screened", "all", len(patients)), ("excluded", "all", int(patients["excluded"].sum()))]
    reasons = patients.loc[patients["excluded"], "exclusion_reason"].value_counts()
    reasons = reasons.sort_index(
        key=lambda r: r.str.casefold()
    )  # by name: an order by size would hint at masked counts
    rows += [(f"excluded: {r}", "all", int(n)) for r, n in reasons.items()]
    rows.append(("analysed", "all", len(pts)))
    pct = cohort.percent_of_reference(patients, doses, reference_year, time_points)
    for dx in DIAGNOSES:
        rows.append(("analysed", dx, int((pts["diagnosis"] == dx).sum())))
        for k in time_points:
            rows.append((f"dose at {k} years", dx, int(((pct["year"] == k) & (pct["diagnosis"] == dx)).sum())))
    return pd.DataFrame(rows, columns=["stage", "group", "n"])


def flow_numbers(flow: pd.DataFrame, time_points, count=int) -> dict:
    """The flow table as the numbers the flow diagram shows; ``count`` may mask small counts."""

    def get(stage, group="all"):
        return count(int(flow.loc[(flow["stage"] == stage) & (flow["group"] == group), "n"].sum()))

    shown = sorted({time_points[0], time_points[-1]})
    out = {
        "screened": get("screened"),
        "excluded": get("excluded"),
        "analysed": get("analysed"),
        "reasons": {
            s.removeprefix("excluded: "): count(int(n))
            for s, n in zip(flow["stage"], flow["n"])
            if s.startswith("excluded: ")
        },
        "time_points": shown,
    }
    for dx in DIAGNOSES:
        out[dx.lower()] = get("analysed", dx)
        for k in shown:
            out[f"{dx.lower()}_{k}y"] = get(f"dose at {k} years", dx)
    return out


def median_range(pct_long: pd.DataFrame, reference_year: int) -> pd.DataFrame:
    """Dose at the reference year: n, median, min, max overall and by diagnosis (µg/24 h)."""
    ref = pct_long.loc[pct_long["year"] == reference_year]
    parts = [ref.assign(group="all")] + [ref.loc[ref["diagnosis"] == dx].assign(group=dx) for dx in DIAGNOSES]
    d = pd.concat(parts)
    out = d.groupby("group", sort=False)["dose_ref"].agg(n="count", median="median", min="min", max="max")
    out["median (range)"] = [f"{m:.0f} ({lo:.0f}-{hi:.0f})" for m, lo, hi in zip(out["median"], out["min"], out["max"])]
    return out.reset_index()


def adjustments_summary(counts: pd.DataFrame) -> pd.DataFrame:
    """Adjustments per patient-year: patient-years, median, range, share within the published 4-10."""
    parts = [counts.assign(group="all")] + [counts.loc[counts["diagnosis"] == dx].assign(group=dx) for dx in DIAGNOSES]
    d = pd.concat(parts)
    out = d.groupby("group", sort=False)["n"].agg(patient_years="count", median="median", min="min", max="max")
    within = (
        d.assign(within=d["n"].between(*published.ADJUSTMENTS_PER_YEAR)).groupby("group", sort=False)["within"].mean()
    )
    lo, hi = published.ADJUSTMENTS_PER_YEAR
    out[f"within {lo}-{hi} (%)"] = (100 * within).round(1)
    return out.reset_index()


def group_tests(pct_long: pd.DataFrame, time_points, alpha: float) -> pd.DataFrame:
    """MS vs SCI at each time point: Student t (as published), Welch t, Mann-Whitney U, Hedges' g."""
    from . import stats

    parts = [
        stats.compare_groups(pct_long.loc[pct_long["year"] == k], "pct", alpha).assign(year=k) for k in time_points
    ]
    out = pd.concat(parts, ignore_index=True)
    meaning = {
        "Student t": "MS - SCI, % points",
        "Welch t": "MS - SCI, % points",
        "Mann-Whitney U": "P(MS > SCI)",
        "Hedges' g": "SDs",
    }
    out["estimate_is"] = out["test"].map(meaning)
    return out[
        ["year", "test", "n_ms", "n_sci", "statistic", "dof", "p", "estimate", "ci_low", "ci_high", "estimate_is"]
    ]


def group_summary(pct_long: pd.DataFrame, time_points, alpha: float) -> pd.DataFrame:
    """n, mean, SD and CI of the % of the reference dose per diagnosis at each time point."""
    from . import stats

    at = pct_long.loc[pct_long["year"].isin(time_points)]
    return stats.summary(at, "pct", by=("year", "diagnosis"), alpha=alpha)
