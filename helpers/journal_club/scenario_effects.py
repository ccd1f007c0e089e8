"""The synthetic model's scenarios switched on beside the default: what each bias does to the paper's estimates.

Each scenario (:mod:`helpers.synthetic.scenarios`) is drawn in simulation mode with the same seed and size as
a default cohort, so the cohorts share their patients up to the mechanism. Survivorship and titration are
drawn twice: with the mechanism alike in both diagnoses, and differing by diagnosis (a group-differential
setting), because what they do to the MS-SCI comparison turns on that difference. For each, a few estimates
are computed on every cohort with their confidence intervals: the paper's analysis of what the chart shows,
and beside it what the model knows (patients the chart review cannot see) or another analysis.

The verdicts are chosen from these numbers (an estimate is called higher or lower only when it lies outside
the compared estimate's CI; survivorship's bias, only when its own paired CI excludes zero) and worded in ``helpers/text/scenarios.yaml``, under the scenario's settings. The
settings are chosen for teaching; they say nothing about the size of any bias in the real cohort.
"""

from __future__ import annotations

import contextvars

import numpy as np
import pandas as pd

from helpers import synthetic
from helpers.core import cohort, presentation, published, stats
from helpers.core.diagnoses import MS, SCI
from helpers.journal_club import fixed_by_paper
from helpers.text import words

# id: {version: settings switched on}. "on": the mechanism as set (alike in both diagnoses where that is a
# choice); "by_group": the same mechanism differing by diagnosis
SCENARIOS: dict[str, dict[str, dict]] = {
    "outcome_exclusion": {"on": {"sci_surge_exclusion_pct": 160.0}},
    "survivorship": {
        "on": {"early_stop_share": 0.3, "early_stop_link": 1.0},
        "by_group": {"early_stop_share": 0.3, "early_stop_link": 0.0, "early_stop_link_sci_minus_ms": 1.0},
    },
    "titration": {
        "on": {"titration_after_year1_pct": 10.0, "reference_noise_log_sd": 0.3},
        "by_group": {
            "titration_after_year1_pct": 10.0,
            "titration_ms_minus_sci_pct": 15.0,
            "reference_noise_log_sd": 0.3,
        },
    },
    "confounding": {"on": {"age_change_pct_per_10y": 1.5, "onset_change_pct_per_10y": 1.5}},
    "dropout": {"on": {"dropout_link": 1.0}},
}
SESSION = ("outcome_exclusion", "survivorship")  # notebook 6; the appendix shows the others
TABLE_NAMES = {name: f"{'06' if name in SESSION else '07'}_scenario_{name}" for name in SCENARIOS}
VERSIONS = ("default", "on", "by_group")
YEAR = 7  # the paper's first time point; the dropout scenario looks at 10 years
LAST_YEAR = 10


def intro(scenario_n: int) -> str:
    """What the scenario tables are, said once before them."""
    return words.fill("scenarios.intro", scenario_n=scenario_n, n_paper=published.value("n_analysed"))


def label(name: str) -> str:
    """The scenario's name as a reader sees it."""
    return words.fill(f"scenarios.{name}.label")


def draw_cohorts(n_per_group: int, seed: int, which=tuple(SCENARIOS)) -> dict:
    """(patients, doses, truth) of the default simulated cohort and of each version of each scenario in
    ``which``, same seed and size: ``{"default": ..., (name, version): ...}``."""
    base = {"n_ms": n_per_group, "n_sci": n_per_group, "n_excluded": 0}
    out = {"default": synthetic.draw(synthetic.make_spec("simulation", seed, base))}
    for name in which:
        for version, settings in SCENARIOS[name].items():
            out[(name, version)] = synthetic.draw(synthetic.make_spec("simulation", seed, {**base, **settings}))
    return out


# --- estimates: each returns (estimate, CI low, CI high) from one cohort


# while effects() builds its table: each cohort's % of the 1-year dose, computed once (every row reads it);
# keyed by the frames' ids, which effects()'s cohorts keep alive until the table is done
_PCT_MEMO: contextvars.ContextVar[dict | None] = contextvars.ContextVar("pct_memo", default=None)


def _pct(patients, doses, everyone=False):
    memo, key = _PCT_MEMO.get(), (id(patients), id(doses), everyone)
    if memo is not None and key in memo:
        return memo[key]
    pts = patients.assign(excluded=False) if everyone else patients
    pct = cohort.percent_of_reference(pts, doses, 1, [YEAR, LAST_YEAR])
    if memo is not None:
        memo[key] = pct
    return pct


def mean_pct(patients, doses, truth, alpha, *, year, diagnosis, everyone=False):
    """Mean % of the 1-year dose at ``year`` (analysed patients, or everyone screened), t-based CI."""
    pct = _pct(patients, doses, everyone)
    return stats.mean_ci(pct.loc[(pct["year"] == year) & (pct["diagnosis"] == diagnosis), "pct"], alpha)


def difference(patients, doses, truth, alpha, *, year=YEAR):
    """MS - SCI difference in mean % at ``year`` (the paper's scale), Welch CI."""
    pct = _pct(patients, doses)
    at = pct.loc[pct["year"] == year]
    t = stats.t_test(at.loc[at["diagnosis"] == MS, "pct"], at.loc[at["diagnosis"] == SCI, "pct"], False, alpha)
    return t.difference, t.ci_low, t.ci_high


def _model_values(truth, year, diagnosis, whole_clinic):
    who = truth["diagnosis"] == diagnosis
    if not whole_clinic:
        who &= truth["in_chart_review"] & ~truth["excluded"]
    return truth.loc[who, f"pct_{year}y_model"]


def model_mean(patients, doses, truth, alpha, *, year, diagnosis, whole_clinic):
    """Mean % at ``year`` of the model's course (against the settled 1-year dose) of every patient drawn
    (``whole_clinic``) or of the analysed patients in the chart review: known only in a model."""
    return stats.mean_ci(_model_values(truth, year, diagnosis, whole_clinic), alpha)


def model_difference(patients, doses, truth, alpha, *, year=YEAR, whole_clinic=True):
    """MS - SCI difference of the model's mean % at ``year`` over every patient drawn (Welch CI)."""
    t = stats.t_test(
        _model_values(truth, year, MS, whole_clinic), _model_values(truth, year, SCI, whole_clinic), False, alpha
    )
    return t.difference, t.ci_low, t.ci_high


def _survivor_bias(truth, diagnosis):
    """Mean % at 7 years of the model's course of those who stayed minus that of every patient drawn, and its
    variance from each patient's influence on it: the two means share patients, so their CIs cannot be
    compared as if independent."""
    x = truth.loc[truth["diagnosis"] == diagnosis]
    stayed = (x["in_chart_review"] & ~x["excluded"]).to_numpy()
    values, share = x["pct_7y_model"].to_numpy(), stayed.mean()
    m_stayed, m_all = values[stayed].mean(), values.mean()
    influence = np.where(stayed, (values - m_stayed) / share, 0.0) - (values - m_all)
    return m_stayed - m_all, np.mean(influence**2) / (len(x) - 1)


def survivor_bias(patients, doses, truth, alpha):
    """How far the MS - SCI difference of those who stayed on ITB lies from the whole clinic's, both on the
    model's course (so selection alone: zero when no one stops), with a CI that pairs the two (delta method;
    the diagnoses are independent). Known only in a model."""
    (b_ms, v_ms), (b_sci, v_sci) = (_survivor_bias(truth, dx) for dx in (MS, SCI))
    half = stats.critical_z(alpha) * np.sqrt(v_ms + v_sci)
    return b_ms - b_sci, b_ms - b_sci - half, b_ms - b_sci + half


def completers_gap(patients, doses, truth, alpha, *, diagnosis):
    """% at 7 years: patients later followed to 10 years minus those who were not (Welch CI)."""
    pct = _pct(patients, doses)
    later = set(pct.loc[pct["year"] == LAST_YEAR, "patient_id"])
    at = pct.loc[(pct["year"] == YEAR) & (pct["diagnosis"] == diagnosis)]
    followed = at["patient_id"].isin(later)
    t = stats.t_test(at.loc[followed, "pct"], at.loc[~followed, "pct"], False, alpha)
    return t.difference, t.ci_low, t.ci_high


def ratio_ms_sci(patients, doses, truth, alpha, *, adjust=""):
    """MS / SCI ratio of geometric means of dose / 1-year dose at 7 years, from an OLS on log doses:
    log(dose_7 / dose_1) ~ diagnosis (the log-ratio comparison), or with ``adjust`` terms:
    ``"ancova"``: log dose_7 ~ log dose_1 + diagnosis; ``"confounders"``: + age and years since onset;
    ``"age"``: + age alone (years since onset left out)."""
    import statsmodels.api as sm

    pct = _pct(patients, doses)
    at = pct.loc[pct["year"] == YEAR].merge(
        patients[["patient_id", "age_at_implant", "years_since_onset"]], on="patient_id"
    )
    at = at.assign(
        ms=(at["diagnosis"] == MS).astype(float),
        log_ratio=np.log(at["pct"] / 100),
        log_dose=np.log(at["dose"]),
        log_ref=np.log(at["dose_ref"]),
    )
    # the formulas, as design matrices (an intercept first): a formula parser costs more than the fit
    outcome, terms = {
        "": ("log_ratio", ["ms"]),  # log_ratio ~ ms
        "ancova": ("log_dose", ["log_ref", "ms"]),  # log_dose ~ log_ref + ms
        "confounders": ("log_ratio", ["ms", "age_at_implant", "years_since_onset"]),
        "age": ("log_ratio", ["ms", "age_at_implant"]),  # one confounder left out
    }[adjust]
    fit = sm.OLS(at[outcome], sm.add_constant(at[terms], prepend=True, has_constant="add"), missing="drop").fit()
    lo, hi = fit.conf_int(alpha).loc["ms"]
    return np.exp(fit.params["ms"]), np.exp(lo), np.exp(hi)


# --- the rows of each table: (row id, unit, function, keyword arguments); the row labels are in the YAML
ROWS = {
    "outcome_exclusion": [
        ("sci_analysed", "%", mean_pct, {"year": 7, "diagnosis": SCI}),
        ("sci_everyone", "%", mean_pct, {"year": 7, "diagnosis": SCI, "everyone": True}),
        ("difference", "points", difference, {}),
    ],
    "survivorship": [
        # every row on the model's course, so that the bias row is the difference of the rows above it
        ("sci_stayed", "%", model_mean, {"year": 7, "diagnosis": SCI, "whole_clinic": False}),
        ("sci_clinic", "%", model_mean, {"year": 7, "diagnosis": SCI, "whole_clinic": True}),
        ("difference_stayed", "tenths", model_difference, {"whole_clinic": False}),
        ("difference_clinic", "tenths", model_difference, {}),
        ("bias", "tenths", survivor_bias, {}),
    ],
    "titration": [
        ("sci_mean", "%", mean_pct, {"year": 7, "diagnosis": SCI}),
        ("difference", "points", difference, {}),
        ("log_ratio", "ratio", ratio_ms_sci, {}),
        ("ancova", "ratio", ratio_ms_sci, {"adjust": "ancova"}),
    ],
    "confounding": [
        ("crude", "ratio", ratio_ms_sci, {}),
        ("adjusted", "ratio", ratio_ms_sci, {"adjust": "confounders"}),
        ("adjusted_age", "ratio", ratio_ms_sci, {"adjust": "age"}),
    ],
    "dropout": [
        ("ms_followed", "%", mean_pct, {"year": 10, "diagnosis": MS}),
        ("ms_all", "%", model_mean, {"year": 10, "diagnosis": MS, "whole_clinic": False}),
        ("gap", "points", completers_gap, {"diagnosis": MS}),
    ],
}


def effects(cohorts: dict, alpha: float) -> pd.DataFrame:
    """One row per scenario and estimate: its value in the default cohort, with the scenario on and (where
    drawn) differing by diagnosis, each with its (1 - alpha) CI."""
    memo = _PCT_MEMO.set({})
    try:
        rows = []
        for name, measures in ROWS.items():
            versions = [v for v in SCENARIOS[name] if (name, v) in cohorts]
            if not versions:
                continue
            for row_id, unit, fn, kw in measures:
                row = {
                    "scenario": name,
                    "row": row_id,
                    "estimate": words.fill(f"scenarios.{name}.rows.{row_id}"),
                    "unit": unit,
                }
                for version in VERSIONS:
                    key = "default" if version == "default" else (name, version)
                    value = fn(*cohorts[key], alpha, **kw) if key in cohorts else (np.nan,) * 3
                    row |= dict(zip((version, f"{version}_ci_low", f"{version}_ci_high"), value))
                rows.append(row)
    finally:
        _PCT_MEMO.reset(memo)
    return pd.DataFrame(rows)


def _setting_values(settings: dict) -> dict:
    """A version's settings as template fields: each value, its odds (exp) and its value in % (x 100)."""
    defaults = {k: synthetic.FIELDS[k].default for k in synthetic.SCENARIOS}
    values = {**defaults, **settings}
    return {
        **values,
        **{f"{k}_odds": np.exp(v) for k, v in values.items()},
        **{f"{k}_pct": 100 * v for k, v in values.items()},
    }


def setting(name: str, version: str = "on") -> str:
    """What a version of a scenario switches on, in words."""
    return words.fill(f"scenarios.{name}.settings.{version}", **_setting_values(SCENARIOS[name][version]))


def display(table: pd.DataFrame) -> pd.DataFrame:
    """A scenario's rows as a reader sees them: 'value (CI low to high)' at a precision fitting each unit, one column
    per version drawn."""
    decimals = {"%": 0, "points": 0, "tenths": 1, "ratio": 2}  # tenths: points, to one decimal

    def fmt(v, lo, hi, unit):
        if pd.isna(v):
            return "-"
        d = decimals[unit]
        v, lo, hi = (round(x, d) + 0.0 for x in (v, lo, hi))  # + 0.0: no "-0.00"
        return f"{v:.{d}f} ({lo:.{d}f} to {hi:.{d}f})"  # "to", as every CI of the study: "-57 to -39", never "-57--39"

    out = {words.fill("scenarios.columns.estimate"): table["estimate"]}
    for version in VERSIONS:
        if table[version].notna().any():
            out[words.fill(f"scenarios.columns.{version}")] = [
                fmt(getattr(r, version), getattr(r, f"{version}_ci_low"), getattr(r, f"{version}_ci_high"), r.unit)
                for r in table.itertuples()
            ]
    return pd.DataFrame(out)


def _relation(value, lo, hi) -> str:
    """'higher', 'lower' or 'same': where ``value`` lies against the interval (lo, hi)."""
    return "higher" if value > hi else "lower" if value < lo else "same"


def _words(name: str, group: str, relation: str) -> str:
    return words.fill(f"scenarios.{name}.{group}.{relation}")


def verdict(table: pd.DataFrame, name: str) -> str:
    """What the scenario does to the paper's conclusion, in sentences chosen and filled from the numbers of
    its rows (Markdown), stated under the scenario's settings."""
    rows = table.loc[table["scenario"] == name].set_index("row")

    def v(row, version="on"):
        return rows.at[row, version]

    def rel(row, version="on", against="default"):
        """Where the row's estimate in ``version`` lies against its CI in ``against`` (a version, or a row)."""
        if against in VERSIONS:
            return _relation(v(row, version), rows.at[row, f"{against}_ci_low"], rows.at[row, f"{against}_ci_high"])
        return _relation(v(row, version), rows.at[against, f"{version}_ci_low"], rows.at[against, f"{version}_ci_high"])

    fields = {"setting": setting(name), "n_paper": published.value("n_analysed")}
    fields |= {f"{r}_{ver}": v(r, ver) for r in rows.index for ver in VERSIONS}
    if "by_group" in SCENARIOS[name]:
        fields["setting_by_group"] = setting(name, "by_group")
    if name == "outcome_exclusion":
        fields["moves"] = _words(name, "moves", rel("difference"))
    elif name == "survivorship":
        t = fixed_by_paper.difference_ci(published.TIME_POINTS[0])  # what a study of the paper's size can resolve
        fields["paper_half"] = (t.ci_high - t.ci_low) / 2
        for ver in ("on", "by_group"):  # a bias is named only where its CI excludes zero
            low, high = rows.at["bias", f"{ver}_ci_low"], rows.at["bias", f"{ver}_ci_high"]
            fields |= {f"bias_{ver}_low": low, f"bias_{ver}_high": high}
            fields[f"relation_{ver}"] = _words(name, "relation", _relation(0, low, high))
    elif name == "titration":
        for ver in ("on", "by_group"):
            for r in ("sci_mean", "difference", "log_ratio", "ancova"):
                fields[f"{r}_moves_{ver}"] = _words(name, "moves", rel(r, ver))
        same = fields["ancova_moves_on"] == fields["log_ratio_moves_on"]
        fields["ancova_part"] = words.fill(f"scenarios.titration.ancova_{'same' if same else 'differs'}", **fields)
    elif name == "confounding":
        fields["crude_moves"] = _words(name, "moves", rel("crude"))
        fields["recovered"] = _words(name, "recovered", "yes" if rel("adjusted") == "same" else "no")
        fields["left_out"] = _words(name, "left_out", "no" if rel("adjusted_age") == "same" else "yes")
    elif name == "dropout":
        fields["moves"] = _words(name, "moves", rel("ms_all", "on", "ms_followed"))
        fields["gap_words"] = _words(
            name, "gap", _relation(0, rows.at["gap", "on_ci_low"], rows.at["gap", "on_ci_high"])
        )
        fields["gap_default_words"] = _words(
            name, "gap", _relation(0, rows.at["gap", "default_ci_low"], rows.at["gap", "default_ci_high"])
        )
    text = words.fill(f"scenarios.{name}.verdict", **fields)
    if "by_group" in SCENARIOS[name]:
        text += " " + words.fill(f"scenarios.{name}.verdict_by_group", **fields)
    return text


def shown(table: pd.DataFrame, name: str, params: dict) -> tuple:
    """What a notebook displays for one scenario: its estimates beside the default cohort's (a numbered table)
    and what it does to the paper's conclusion (Markdown): ``display(*scenario_effects.shown(...))``."""
    from IPython.display import Markdown

    rows = table.loc[table["scenario"] == name]
    return presentation.show(display(rows), TABLE_NAMES[name], params=params), Markdown(verdict(table, name))
