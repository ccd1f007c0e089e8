"""The study's tables: data in, DataFrame out (how they are worded, saved and shown lives elsewhere)."""

from __future__ import annotations

import warnings

import pandas as pd

from helpers.core import cohort, counts, disclosure, published
from helpers.core.diagnoses import DIAGNOSES, MS, SCI
from helpers.text import words

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


def table_one(patients: pd.DataFrame, shown: dict | None = None) -> pd.DataFrame:
    """Table 1 of the analysed patients by diagnosis, built with tableone.

    "Missing" counts the patients without a value for each characteristic (percentages are of those with
    one); a characteristic nobody has a value for (a column the clinic's export left out) is "not recorded".
    ``shown`` (chart data, from :func:`helpers.core.counts.protected`) replaces the counts that may not be shown.
    """
    from tableone import TableOne

    pts = cohort.analysed_patients(patients)[["diagnosis", *TABLE1_LABELS]].copy()
    pts["sex"] = pts["sex"].map({"F": "female", "M": "male"})
    is_ms = pts["diagnosis"] == MS
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
                **{c: [v for v in levels if v in set(pts[c])] for c, levels in TABLE1_ORDER.items() if c in recorded},
            },
        )
    table = t.tableone.copy()
    table.columns = [c[1] for c in table.columns]
    if shown is not None:
        table = _table_one_shown(table, shown)
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
    return table


def _table_one_shown(table: pd.DataFrame, shown: dict) -> pd.DataFrame:
    """Table 1 (tableone's MultiIndex rows) with each count as it may be shown. A column whose n is hidden
    loses its percentages too, which would give the n back."""
    groups = {"Overall": "all", MS: MS, SCI: SCI}
    hidden_n = {col for col, g in groups.items() if disclosure.is_hidden(shown[("analysed", g)])}
    by_label = {label: c for c, label in TABLE1_LABELS.items()}
    out = table.copy()
    current = None
    for row in table.index:
        label, level = row
        column = next((c for lab, c in by_label.items() if label.startswith(f"{lab},")), None)
        if label == "n":
            keys = {col: ("analysed", g) for col, g in groups.items()}
        elif column in TABLE1_ORDER or column == "sex":
            keys = {col: ("t1", column, level, g) for col, g in groups.items()}
        else:
            keys = {}
        if column is not None and column != current:  # the variable's first row carries its Missing count
            keys["Missing"], current = ("missing", column, "all"), column
        for col, key in keys.items():
            value = shown[key]
            if disclosure.is_hidden(value):
                out.loc[row, col] = value
            elif col in hidden_n:
                out.loc[row, col] = str(table.loc[row, col]).split(" (")[0]
    return out


def sci_breakdown(patients: pd.DataFrame, shown: dict | None = None) -> pd.DataFrame:
    """SCI patients by level and AIS grade (the paper: 15 cervical, 4 thoracic; AIS A 7, B-D 12).

    ``shown`` (chart data, from :func:`helpers.core.counts.protected`) replaces the counts that may not be shown.
    """
    from helpers.core.counts import sci_grade, sci_margin

    sci = cohort.analysed_patients(patients)
    sci = sci.loc[sci["diagnosis"] == SCI]
    grade = sci["ais_grade"].map(sci_grade)
    tab = pd.crosstab(
        sci["sci_level"].astype(object).fillna("unknown"), grade.astype(object), margins=True, margins_name="all"
    )
    tab.index.name, tab.columns.name = "SCI level", None
    if shown is not None:
        tab = pd.DataFrame(
            [[shown[sci_margin(r, c)] for c in tab.columns] for r in tab.index], index=tab.index, columns=tab.columns
        ).astype(str)
    return tab


def stage(key, min_followup: float = published.MIN_FOLLOWUP_YEARS) -> str:
    """A stage of the flow in words (``helpers/text/flow.yaml``), for a key of the count model
    (:func:`helpers.core.counts.flow_keys`): labels are applied here, when shown, and never read back."""
    kind = key[0]
    if kind == "reason":
        return words.fill("flow.reason", reason=key[1])
    if kind == "followed":
        return words.fill("flow.followed", year=key[1])
    return words.fill(f"flow.{kind.replace(' ', '_')}", years=min_followup)


def flow_counts(
    patients: pd.DataFrame,
    doses: pd.DataFrame,
    reference_year: int,
    time_points,
    min_followup: float = published.MIN_FOLLOWUP_YEARS,
) -> pd.DataFrame:
    """The flow from the patients in the data to the analysed, and who is followed to each time point, as a tidy
    table (stage, group, n) drawn from the count model; its index holds each row's key there. Patients followed
    less than ``min_followup`` years have a stage of their own, when there are any."""
    c = counts.cells(patients, doses, reference_year, time_points)
    keys = counts.flow_keys(c, time_points)
    return pd.DataFrame(
        {
            "stage": [stage(k, min_followup) for k in keys],
            "group": [k[-1] if k[0] in ("analysed", "followed") else "all" for k in keys],
            "n": [c.count(k) for k in keys],
        },
        index=pd.Index(keys, tupleize_cols=False, name="key"),
    )


def flow_shown(flow: pd.DataFrame, shown: dict | None) -> pd.DataFrame:
    """The flow table with each count as it may be shown (``shown`` None: synthetic data, every count)."""
    if shown is None:
        return flow
    return flow.assign(n=[str(shown[k]) for k in flow.index])


def flow_numbers(flow: pd.DataFrame, time_points, min_followup: float = published.MIN_FOLLOWUP_YEARS) -> dict:
    """The flow table (as shown) as the numbers the flow diagram shows: numbers, or "<5"/"masked" text."""
    n, stages = dict(zip(flow.index, flow["n"])), dict(zip(flow.index, flow["stage"]))
    shown = sorted({time_points[0], time_points[-1]})
    short = ("short",) in n
    out = {
        "in_data": n[("in data",)] if short else None,
        "short": (stages[("short",)], n[("short",)]) if short else None,  # (stage, count)
        "min_followup": min_followup,
        "screened": n[("screened",)],
        "excluded": n[("excluded",)],
        "analysed": n[("analysed", "all")],
        "reasons": {k[1]: v for k, v in n.items() if k[0] == "reason"},
        "time_points": shown,
    }
    for dx in DIAGNOSES:
        out[dx.lower()] = n[("analysed", dx)]
        for k in shown:
            out[f"{dx.lower()}_{k}y"] = n[("followed", k, dx)]
    return out


def median_range(
    pct_long: pd.DataFrame, reference_year: int, extremes: bool = True, shown: dict | None = None
) -> pd.DataFrame:
    """Dose at the reference year: n, median and range overall and by diagnosis (µg/24 h).

    ``extremes`` False (chart data): the 10th-90th percentiles instead of the minimum and maximum, which
    are single patients' values. ``shown``: the n's as they may be shown (:func:`helpers.core.counts.protected`).
    """
    ref = pct_long.loc[pct_long["year"] == reference_year]
    parts = [ref.assign(group="all")] + [ref.loc[ref["diagnosis"] == dx].assign(group=dx) for dx in DIAGNOSES]
    d = pd.concat(parts)
    groups = d.groupby("group", sort=False)["dose_ref"]
    out = groups.agg(n="count", median="median")
    lo, hi = ("min", "max") if extremes else ("p10", "p90")
    out = out.join(groups.apply(lambda v: pd.Series(disclosure.spread(v, extremes))).unstack()[[lo, hi]])
    name = "median (range)" if extremes else "median (10th-90th percentile)"
    out[name] = [f"{m:.0f} ({a:.0f}-{b:.0f})" for m, a, b in zip(out["median"], out[lo], out[hi])]
    out = out.reset_index()
    if shown is not None:
        out["n"] = [str(shown[("reference", g)]) for g in out["group"]]
    return out


def adjustments_summary(counts: pd.DataFrame, extremes: bool = True, min_count: int | None = None) -> pd.DataFrame:
    """Adjustments per patient-year: patient-years, median, spread, share within the published 4-10.

    ``extremes`` False: the 10th-90th percentiles instead of the minimum and maximum; ``min_count`` (chart
    data): patient-years below it masked, and another count with them so the total does not give them away.
    """
    parts = [counts.assign(group="all")] + [counts.loc[counts["diagnosis"] == dx].assign(group=dx) for dx in DIAGNOSES]
    d = pd.concat(parts)
    groups = d.groupby("group", sort=False)["n"]
    spread = groups.apply(lambda v: pd.Series(disclosure.spread(v, extremes))).unstack()
    out = groups.agg(patient_years="count", median="median").join(
        spread[["min", "max"] if extremes else ["p10", "p90"]]
    )
    within = (
        d.assign(within=d["n"].between(*published.ADJUSTMENTS_PER_YEAR)).groupby("group", sort=False)["within"].mean()
    )
    lo, hi = published.ADJUSTMENTS_PER_YEAR
    out[f"within {lo}-{hi} (%)"] = (100 * within).round(1)
    out = out.reset_index()
    if min_count:
        n = dict.fromkeys(("all", *DIAGNOSES), 0) | dict(zip(out["group"], out["patient_years"]))
        shown = disclosure.protect(n, [("all", list(DIAGNOSES))], min_count)
        out["patient_years"] = [str(shown[g]) for g in out["group"]]
    return out


def group_tests(pct_long: pd.DataFrame, time_points, alpha: float) -> pd.DataFrame:
    """MS vs SCI at each time point: Student t (as published), Welch t, Mann-Whitney U, Hedges' g."""
    from helpers.core import stats

    parts = [
        stats.compare_groups(pct_long.loc[pct_long["year"] == k], "pct", alpha).assign(year=k) for k in time_points
    ]
    out = pd.concat(parts, ignore_index=True)
    meaning = {
        stats.STUDENT: "MS - SCI, % points",
        stats.WELCH: "MS - SCI, % points",
        stats.MANN_WHITNEY: "P(MS > SCI)",
        stats.HEDGES: "SDs",
    }
    out["estimate_is"] = out["test"].map(meaning)
    return out[
        ["year", "test", "n_ms", "n_sci", "statistic", "dof", "p", "estimate", "ci_low", "ci_high", "estimate_is"]
    ]


def group_summary(pct_long: pd.DataFrame, time_points, alpha: float, extremes: bool = True) -> pd.DataFrame:
    """n, mean, SD and CI, median and range of the % of the reference dose per diagnosis at each time point.

    ``extremes`` False (chart data): the 10th and 90th percentiles (``p10``, ``p90``) instead of the minimum
    and maximum, which are single patients' values."""
    from helpers.core import stats

    at = pct_long.loc[pct_long["year"].isin(time_points)]
    out = stats.summary(at, "pct", by=("year", "diagnosis"), alpha=alpha)
    if extremes:
        return out
    spread = (
        at.groupby(["year", "diagnosis"], observed=True, sort=True)["pct"]
        .apply(lambda v: pd.Series(disclosure.spread(v, False)))
        .unstack()
    )
    out = out.merge(spread[["p10", "p90"]].reset_index(), on=["year", "diagnosis"], how="left")
    return out.drop(columns=["min", "max"])
