"""The study's tables: data in, DataFrame out; plus one way to save and one way to show them."""
from __future__ import annotations

import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from . import cohort, disclosure, paths

NOT_APPLICABLE = "not applicable (MS)"
TABLE1_LABELS = {
    "sex": "Sex",
    "age_at_implant": "Age at implant, years",
    "years_since_onset": "Years from injury/diagnosis to implant",
    "followup_years": "Follow-up since implant, years",
    "sci_level": "SCI level",
    "ais_grade": "AIS grade",
}


def table_one(patients: pd.DataFrame, min_count: int | None = None) -> pd.DataFrame:
    """Table 1 of the analysed patients by diagnosis, built with tableone; small counts masked if asked."""
    from tableone import TableOne

    pts = cohort.analysed(patients)[["diagnosis", *TABLE1_LABELS]].copy()
    pts["sex"] = pts["sex"].map({"F": "female", "M": "male"})
    is_ms = pts["diagnosis"] == "MS"
    for c in ("sci_level", "ais_grade"):
        pts[c] = pts[c].astype(object)
        pts.loc[is_ms, c] = NOT_APPLICABLE
    with warnings.catch_warnings():
        # tableone 0.9.6 on pandas 3.1 warns about its own use of a deprecated pandas call (see PITFALLS)
        warnings.simplefilter("ignore", category=getattr(pd.errors, "Pandas4Warning", FutureWarning))
        warnings.simplefilter("ignore", category=FutureWarning)
        t = TableOne(pts, columns=list(TABLE1_LABELS), categorical=["sex", "sci_level", "ais_grade"],
                     nonnormal=["years_since_onset", "followup_years"], groupby="diagnosis", missing=False,
                     overall=True, decimals=1, rename=TABLE1_LABELS,
                     order={"sci_level": ["cervical", "thoracic", NOT_APPLICABLE],
                            "ais_grade": ["A", "B", "C", "D", NOT_APPLICABLE],
                            "diagnosis": list(cohort.DIAGNOSES)})
    table = t.tableone.copy()
    table.columns = [c[1] for c in table.columns]
    table.index = [f"{a}: {b}" if b else a for a, b in table.index]
    table.index.name = "characteristic"
    if min_count:
        table = disclosure.mask_count_cells(table, min_count)
    return table


def sci_breakdown(patients: pd.DataFrame) -> pd.DataFrame:
    """SCI patients by level and AIS grade (the paper: 15 cervical, 4 thoracic; AIS A 7, B-D 12)."""
    sci = cohort.analysed(patients)
    sci = sci.loc[sci["diagnosis"] == "SCI"]
    grade = sci["ais_grade"].map(lambda g: "AIS A" if g == "A" else ("AIS B-D" if g in ("B", "C", "D") else "unknown"))
    tab = pd.crosstab(sci["sci_level"].astype(object).fillna("unknown"), grade.astype(object), margins=True,
                      margins_name="all")
    tab.index.name, tab.columns.name = "SCI level", None
    return tab


def flow_counts(patients: pd.DataFrame, doses: pd.DataFrame, reference_year: int, time_points) -> pd.DataFrame:
    """The flow from screened to analysed, and who is followed to each time point, as a tidy table."""
    pts = cohort.analysed(patients)
    rows = [("screened", "all", len(patients)), ("excluded", "all", int(patients["excluded"].sum()))]
    reasons = patients.loc[patients["excluded"], "exclusion_reason"].value_counts().sort_index()
    rows += [(f"excluded: {r}", "all", int(n)) for r, n in reasons.items()]
    rows.append(("analysed", "all", len(pts)))
    pct = cohort.percent_of_reference(patients, doses, reference_year, time_points)
    for dx in cohort.DIAGNOSES:
        rows.append(("analysed", dx, int((pts["diagnosis"] == dx).sum())))
        for k in time_points:
            rows.append((f"dose at {k} years", dx, int(((pct["year"] == k) & (pct["diagnosis"] == dx)).sum())))
    return pd.DataFrame(rows, columns=["stage", "group", "n"])


def flow_numbers(flow: pd.DataFrame, time_points, count=int) -> dict:
    """The flow table as the numbers the flow diagram shows; ``count`` may mask small counts."""
    def get(stage, group="all"):
        return count(int(flow.loc[(flow["stage"] == stage) & (flow["group"] == group), "n"].sum()))

    shown = sorted({time_points[0], time_points[-1]})
    out = {"screened": get("screened"), "excluded": get("excluded"), "analysed": get("analysed"),
           "reasons": {s.removeprefix("excluded: "): count(int(n)) for s, n in zip(flow["stage"], flow["n"])
                       if s.startswith("excluded: ")},
           "time_points": shown}
    for dx in cohort.DIAGNOSES:
        out[dx.lower()] = get("analysed", dx)
        for k in shown:
            out[f"{dx.lower()}_{k}y"] = get(f"dose at {k} years", dx)
    return out


def median_range(pct_long: pd.DataFrame, reference_year: int) -> pd.DataFrame:
    """Dose at the reference year: n, median, min, max overall and by diagnosis (µg/24 h)."""
    ref = pct_long.loc[pct_long["year"] == reference_year]
    parts = [ref.assign(group="all")] + [ref.loc[ref["diagnosis"] == dx].assign(group=dx) for dx in cohort.DIAGNOSES]
    d = pd.concat(parts)
    out = d.groupby("group", sort=False)["dose_ref"].agg(n="count", median="median", min="min", max="max")
    out["median (range)"] = [f"{m:.0f} ({lo:.0f}-{hi:.0f})" for m, lo, hi in zip(out["median"], out["min"], out["max"])]
    return out.reset_index()


def adjustments_summary(counts: pd.DataFrame) -> pd.DataFrame:
    """Adjustments per patient-year: patient-years, median, range, share within the published 4-10."""
    parts = [counts.assign(group="all")] + [counts.loc[counts["diagnosis"] == dx].assign(group=dx) for dx in cohort.DIAGNOSES]
    d = pd.concat(parts)
    out = d.groupby("group", sort=False)["n"].agg(patient_years="count", median="median", min="min", max="max")
    within = d.assign(within=d["n"].between(4, 10)).groupby("group", sort=False)["within"].mean()
    out["within 4-10 (%)"] = (100 * within).round(1)
    return out.reset_index()


def group_tests(pct_long: pd.DataFrame, time_points, alpha: float) -> pd.DataFrame:
    """MS vs SCI at each time point: Student t (as published), Welch t, Mann-Whitney U, Hedges' g."""
    from . import stats

    parts = [stats.compare_groups(pct_long.loc[pct_long["year"] == k], "pct", alpha).assign(year=k) for k in time_points]
    out = pd.concat(parts, ignore_index=True)
    meaning = {"Student t": "MS - SCI, % points", "Welch t": "MS - SCI, % points",
               "Mann-Whitney U": "P(MS > SCI)", "Hedges' g": "SDs"}
    out["estimate_is"] = out["test"].map(meaning)
    return out[["year", "test", "n_ms", "n_sci", "statistic", "dof", "p", "estimate", "ci_low", "ci_high", "estimate_is"]]


def tests_in_words(tests: pd.DataFrame, alpha: float) -> str:
    """One plain sentence per time point from :func:`group_tests` (Markdown)."""
    lines = []
    for k, t in tests.groupby("year", sort=True):
        r = t.set_index("test")
        if pd.isna(r.at["Student t", "p"]) if "p" in r else True:
            lines.append(f"* **{k} years:** too few patients in a group to compare.")
            continue
        st, we, mw, g = (r.loc[n] for n in ("Student t", "Welch t", "Mann-Whitney U", "Hedges' g"))
        ci = f"{100 * (1 - alpha):g}% CI"
        lines.append(
            f"* **{k} years** (MS n={st['n_ms']}, SCI n={st['n_sci']}): the MS mean is {st['estimate']:.0f} % points "
            f"{'above' if st['estimate'] >= 0 else 'below'} the SCI mean ({ci} {st['ci_low']:.0f} to {st['ci_high']:.0f}); "
            f"Student p = {p_format(st['p'])}, Welch p = {p_format(we['p'])}, Mann-Whitney p = {p_format(mw['p'])}; "
            f"Hedges' g = {g['estimate']:.2f} ({ci} {g['ci_low']:.2f} to {g['ci_high']:.2f}). "
            f"{_agree(st, we, mw, alpha)}")
    return "\n".join(lines)


def _agree(st, we, mw, alpha) -> str:
    sig = [p < alpha for p in (st["p"], we["p"], mw["p"])]
    if all(sig):
        return f"All three tests find a difference at alpha = {alpha:g}."
    if not any(sig):
        return f"None of the three tests finds a difference at alpha = {alpha:g}."
    return f"The tests disagree at alpha = {alpha:g}: read the difference with caution."


def group_summary(pct_long: pd.DataFrame, time_points, alpha: float) -> pd.DataFrame:
    """n, mean, SD and CI of the % of the reference dose per diagnosis at each time point."""
    from . import stats

    at = pct_long.loc[pct_long["year"].isin(time_points)]
    return stats.summary(at, "pct", by=("year", "diagnosis"), alpha=alpha)


def save(df: pd.DataFrame, name: str, out: Path, index: bool = False) -> Path:
    """Write ``tables/<name>.csv`` under the output folder with fixed formatting."""
    path = paths.tables_dir(Path(out)) / f"{name}.csv"
    df.to_csv(path, index=index, lineterminator="\n", float_format=lambda v: f"{v:.6g}")
    return path


# Column names as a reader sees them (CSV files keep the short machine names)
DISPLAY_NAMES = {"sd": "SD", "ci_low": "CI low", "ci_high": "CI high", "dof": "df", "n_ms": "n MS", "n_sci": "n SCI",
                 "estimate_is": "estimate in", "gm_ci_low": "CI low", "gm_ci_high": "CI high",
                 "geometric_mean_pct": "geometric mean %", "p_student": "p, log scale",
                 "p_published_test": "p, published test", "mean_pct_at_7y": "mean % at 7 years"}


def _display_name(column) -> str:
    return DISPLAY_NAMES.get(column, str(column).replace("_", " "))


def show(df: pd.DataFrame, caption: str, formats: dict | None = None, index: bool = False, precision: int = 1):
    """A styled HTML table for the notebook, numbers at a sensible precision.

    Returned as IPython HTML with a fixed uuid: a Styler's own repr carries a memory address, which would
    change the saved notebook on every run.
    """
    from IPython.display import HTML

    df = df.rename(columns=_display_name)
    formats = {_display_name(k): _tolerant(v) for k, v in (formats or {}).items()}

    uid = re.sub(r"[^a-z0-9]+", "-", caption.lower()).strip("-")[:40]
    sty = df.style.set_uuid(uid).set_caption(caption).format(formats, precision=precision, na_rep="-")
    sty = sty.set_table_styles([
        {"selector": "caption", "props": "caption-side: top; font-weight: bold; text-align: left;"},
        {"selector": "th.row_heading", "props": "text-align: left; font-weight: normal;"},
    ])
    text_cols = [c for c in df.columns if not pd.api.types.is_numeric_dtype(df[c]) and c not in formats]
    if text_cols:  # words read better left-aligned; numbers stay right-aligned
        sty = sty.set_properties(subset=text_cols, **{"text-align": "left"})
    sty = sty.hide(names=True, axis="index") if index else sty.hide(axis="index")
    return HTML(sty.to_html())


def _tolerant(fmt):
    """A number format that leaves text alone (a masked count such as '<5' stays as it is)."""
    if callable(fmt):
        return fmt
    return lambda v: fmt.format(v) if isinstance(v, (int, float, np.number)) and not isinstance(v, bool) else str(v)


def p_format(p: float) -> str:
    if p is None or (isinstance(p, float) and np.isnan(p)):
        return "-"
    return "<0.001" if p < 0.001 else f"{p:.3f}"
