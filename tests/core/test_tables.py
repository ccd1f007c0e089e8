"""Tables, the reproduction report and disclosure control."""

import pandas as pd

from helpers.core import cohort, disclosure, published, reproduction, tables


def test_table_one_counts(synthetic_frames):
    t1 = tables.table_one(synthetic_frames[0])
    assert list(t1.columns) == ["Overall", "MS", "SCI", "Missing"]
    assert t1.loc["Age at implant, years, mean (SD)", "Missing"] == 0
    assert str(t1.loc["n", "MS"]) == "22" and str(t1.loc["n", "SCI"]) == "19"
    assert t1.loc["SCI level, n (%): cervical", "SCI"].startswith("15 ")
    assert t1.loc["AIS grade, n (%): A", "SCI"].startswith("7 ")


def test_table_one_masks_small_counts_for_chart_data(synthetic_frames):
    from helpers.core import counts

    t1 = tables.table_one(synthetic_frames[0], shown=counts.protected(*synthetic_frames, 1, [7, 10], 5))
    assert t1.loc["SCI level, n (%): thoracic", "SCI"] == "<5"  # 4 patients
    assert t1.loc["SCI level, n (%): cervical", "SCI"] == "masked"  # else 19 - 15 gives the 4 back
    assert str(t1.loc["n", "MS"]) == "22"


def test_sci_breakdown_has_the_published_margins(synthetic_frames):
    tab = tables.sci_breakdown(synthetic_frames[0])
    assert tab.loc["cervical", "all"] == 15 and tab.loc["thoracic", "all"] == 4
    assert tab.loc["all", "AIS A"] == 7 and tab.loc["all", "AIS B-D"] == 12


def test_reproduction_report_compares_at_the_papers_precision():
    results = {p.key: p.value for p in published.PUBLISHED}
    assert reproduction.compare(results)["matches"].all()
    results |= {"p_7y": 0.0064, "ms_pct_10y": 193.4, "dose_ref_median": float("nan")}
    table = reproduction.compare(results).set_index("quantity")
    assert bool(table.loc["MS vs SCI at 7 years, t-test p", "matches"])  # 0.0064 -> 0.006
    assert table.loc["MS dose at 10 years, mean % of the initial dose (%)", "reproduced"] == "193"
    assert not table.loc["MS dose at 10 years, mean % of the initial dose (%)", "matches"]
    assert table.loc["Dose after 1 year, median (µg/24 h)", "reproduced"] == "-"
    assert list(reproduction.compare({}).columns) == ["quantity", "published", "reproduced", "matches"]


def test_reproduction_masks_small_patient_counts():
    results = {p.key: p.value for p in published.PUBLISHED} | {"n_sci_thoracic": 4}
    table = reproduction.compare(results, count=lambda n: disclosure.mask(n, 5)).set_index("quantity")
    assert table.loc["SCI, thoracic level", "reproduced"] == "<5"
    assert table.loc["MS dose at 7 years, mean % of the initial dose (%)", "reproduced"] == "157"


def test_disclosure_masks_small_non_zero_counts_only():
    assert disclosure.mask(0, 5) == 0 and disclosure.mask(4, 5) == "<5" and disclosure.mask(5, 5) == 5
    t = pd.DataFrame({"a": ["3 (12.5)", "12 (50.0)", "48.2 (9.1)", "0 (0.0)"]})
    assert disclosure.mask_count_cells(t, 5)["a"].tolist() == ["<5", "12 (50.0)", "48.2 (9.1)", "0 (0.0)"]


def test_flow_counts(synthetic_frames):
    flow = tables.flow_counts(*synthetic_frames, 1, [7, 10]).set_index(["stage", "group"])["n"]
    assert flow[("screened", "all")] == 49 and flow[("analysed", "all")] == 41
    assert flow[("dose at 10 years", "MS")] == 18


def test_median_range_and_adjustments(synthetic_frames):
    pct = cohort.percent_of_reference(*synthetic_frames, 1, [])
    mr = tables.median_range(pct, 1).set_index("group")
    assert mr.loc["all", "median (range)"] == "168 (30-725)"
    adj = tables.adjustments_summary(cohort.adjustments_per_year(*synthetic_frames)).set_index("group")
    assert adj.loc["all", "within 4-10 (%)"] == 100.0


def test_colophon_records_the_commit_for_runs_and_explains_its_absence_for_the_default():
    import subprocess

    from helpers import paths
    from helpers.publishing import colophon
    from helpers.study import params

    default = colophon.table(params.DEFAULTS, "synthetic").set_index("item")["value"]
    assert default["git commit"].startswith("the commit that contains this notebook")
    assert len(default["code fingerprint"]) == 12
    run = colophon.table({**params.DEFAULTS, "seed": 3}, "synthetic").set_index("item")["value"]
    head = subprocess.run(
        ["git", "rev-parse", "--short=12", "HEAD"], cwd=paths.ROOT, capture_output=True, text=True, encoding="utf-8"
    ).stdout.strip()
    assert run["git commit"].startswith(head)
    versions = colophon.versions().set_index("package")["version"]
    assert versions["pandas"] == "3.1.1" and versions["python"].count(".") == 1


def test_group_summary_hides_single_patients_extremes_when_asked(synthetic_frames):
    pct = cohort.percent_of_reference(*synthetic_frames, 1, [7, 10])
    shown = tables.group_summary(pct, [7, 10], 0.05)
    hidden = tables.group_summary(pct, [7, 10], 0.05, extremes=False)
    assert {"min", "max"} <= set(shown.columns) and not {"min", "max"} & set(hidden.columns)
    at7 = pct.loc[(pct["year"] == 7) & (pct["diagnosis"] == "MS"), "pct"]
    row = hidden.set_index(["year", "diagnosis"]).loc[(7, "MS")]
    assert row["p10"] == at7.quantile(0.1) and row["p90"] == at7.quantile(0.9) and row["p90"] < at7.max()
