"""Words out of Python: every template of helpers/text/*.yaml is filled by the code that uses it, and a template
naming a field the code does not give is refused, naming the file, the key and the field."""

import numpy as np
import pandas as pd
import pytest

from helpers import paths, study
from helpers.core import captions, cohort, published, tables
from helpers.core.run_kind import RunKind
from helpers.journal_club import (
    appraisal,
    consistency,
    fixed_by_paper,
    number_kinds,
    power,
    replication,
    results_in_words,
    scenario_effects,
    session,
)
from helpers.publishing import checklist
from helpers.study import params
from helpers.synthetic import spec as synthetic_spec
from helpers.text import words


def _study(synthetic_frames, warnings=(), **changed):
    p = {**params.DEFAULTS, **changed}
    return study.Study(p, paths.OUTPUTS, *synthetic_frames, "synthetic cohort (test)", list(warnings))


def _tests_table(p_student, p_welch, p_mw, year=7):
    rows = [
        {"year": year, "test": t, "n_ms": 22, "n_sci": 19, "statistic": 3.0, "dof": 39.0, "p": p,
         "estimate": e, "ci_low": lo, "ci_high": hi}
        for t, p, e, lo, hi in (
            ("Student t", p_student, 44.0, 13.0, 75.0),
            ("Welch t", p_welch, 44.0, 14.0, 73.0),
            ("Mann-Whitney U", p_mw, 0.73, np.nan, np.nan),
            ("Hedges' g", np.nan, 0.89, 0.23, 1.56),
        )
    ]  # fmt: skip
    return pd.DataFrame(rows)


def _scenario_table(name, values: dict):
    """A scenario's effects table with chosen numbers: ``values[row] = {version: (estimate, low, high)}``."""
    rows = []
    for row_id, unit, _fn, _kw in scenario_effects.ROWS[name]:
        row = {"scenario": name, "row": row_id, "estimate": row_id, "unit": unit}
        for version in scenario_effects.VERSIONS:
            row |= dict(
                zip((version, f"{version}_ci_low", f"{version}_ci_high"), values[row_id].get(version, (np.nan,) * 3))
            )
        rows.append(row)
    return pd.DataFrame(rows)


def _fill_scenarios():
    """Every scenario's verdict from real cohorts, then every word set from tables made to reach it."""
    cohorts = scenario_effects.draw_cohorts(150, 7)
    table = scenario_effects.effects(cohorts, 0.05)
    scenario_effects.display(table)
    scenario_effects.intro(150)
    for name in scenario_effects.SCENARIOS:
        scenario_effects.label(name)
        scenario_effects.verdict(table, name)
    band = (10.0, 9.0, 11.0)
    for value in (5.0, 10.0, 15.0):  # below, inside and above the compared CI
        moved = (value, value - 1, value + 1)
        for name in scenario_effects.SCENARIOS:
            rows = {r: {"default": band, "on": moved, "by_group": moved} for r, *_ in scenario_effects.ROWS[name]}
            if name == "survivorship":  # the bias's CI below, around and above zero
                rows["difference_stayed"] = dict.fromkeys(scenario_effects.VERSIONS, band)
                rows["bias"] = dict.fromkeys(scenario_effects.VERSIONS, (value - 10, value - 11, value - 9))
            if name == "dropout":
                rows["ms_followed"] = dict.fromkeys(scenario_effects.VERSIONS, band)
                rows["gap"] = dict.fromkeys(scenario_effects.VERSIONS, (value - 10, value - 11, value - 9))
            if name == "titration":  # the ANCOVA apart from the log-ratio comparison
                rows["ancova"] = dict.fromkeys(scenario_effects.VERSIONS, band)
            scenario_effects.verdict(_scenario_table(name, rows), name)


@pytest.fixture(scope="module")
def filled(synthetic_frames):
    """Run every piece of code that fills a template, in each of its variants; return the keys filled."""
    words.FILLED.clear()
    patients, doses = synthetic_frames
    pct = cohort.percent_of_reference(patients, doses, 1, [7, 10])
    yearly = cohort.percent_of_reference(patients, doses, 1, all_years=True)

    # notebook 2's flow stages
    for key in (("in data",), ("short",), ("screened",), ("excluded",), ("reason", "x"), ("analysed", "all"),
                ("followed", 7, "MS")):  # fmt: skip
        tables.stage(key)

    # captions, checklist
    for run in (params.DEFAULTS, {**params.DEFAULTS, "data_dir": "x"}):  # the sentences after a caption, per data
        for name in captions.TABLES:
            captions.table(name, run)
        for name in captions.FIGURES:
            captions.figure(name, run)
    checklist.table()
    checklist.table("chart")

    # notebooks.yaml: the sentences S.say fills with published values and assumptions, and S.describe
    for variant in ({}, {"data_dir": "x", "show_individuals": True, "show_extremes": True}, {"data_dir": "x"}):
        s = _study(synthetic_frames, **variant)
        s.describe()
        s.privacy_note()
    s = _study(synthetic_frames)
    for key in words.keys("notebooks"):
        if not key.startswith(
            (
                "notebooks.describe",
                "notebooks.privacy",
                "notebooks.individuals",
                "notebooks.extremes",
                "notebooks.data_warnings",
                "notebooks.shared_summary",
                "notebooks.beside_paper",
                "notebooks.one_year_reading",
                "notebooks.reproduction_count",
            )
        ):
            s.say(key)  # both forms of a sentence written for synthetic and for chart data
    s.say("shared_summary", file="summary.json", reference_year=1, min_cell_count=5)
    s.say("one_year_reading", fold=24.2)
    for data in ("synthetic", "chart"):
        s.say(f"notebooks.reproduction_count.{data}", matched=20, total=20)
    _beside_the_paper(synthetic_frames)
    _pooled_in_words()
    _study(synthetic_frames, data_dir="x", warnings=["doses.csv, column 'x': 1 row ..."]).warnings_note()

    # notebook 4
    tests = tables.group_tests(pct, [7, 10], 0.05)
    results_in_words.test_run(tests)
    for chart in (False, True):
        results_in_words.tests_in_words(tests, 0.05, chart)
        results_in_words.trajectories_in_words(
            appraisal.slopes_before_and_after(pct, [7, 10]), appraisal.last_step(yearly, [7, 10]), [7, 10], chart
        )
    for ps in ((0.01, 0.01, 0.01), (0.5, 0.5, 0.5), (0.01, 0.5, 0.01)):
        results_in_words.tests_in_words(_tests_table(*ps), 0.05)
    results_in_words.tests_in_words(_tests_table(np.nan, np.nan, np.nan), 0.05)
    tests.loc[tests["estimate_is"].str.startswith("MS"), "estimate"] *= -1
    results_in_words.tests_in_words(tests, 0.05)
    results_in_words.sd_ratio_note(2.0)

    # marks
    summary = tables.group_summary(pct, [7, 10], 0.05)
    group_tests = tables.group_tests(pct, [7, 10], 0.05)
    for run in ({}, {"reference_year": 2}, {"synthetic_mode": "simulation"}, {"data_dir": "x"}):
        p = {**params.DEFAULTS, **run}
        m = number_kinds.headline_marks(summary, group_tests, p)
        number_kinds.legend(m, p)

    # scenarios
    _fill_scenarios()

    # notebook 6
    session.claim()
    session.fixed_ci(0.05, 15)
    session.fixed_table(0.05, 15, 2.0)
    session.within_group(fixed_by_paper.lower_limit_bounds(7, 0.05), 0.05)
    bounds = pd.DataFrame({"diagnosis": ["MS", "SCI", "SCI"], "lowest": [128, 79, 60], "highest": [157, 113, 95]})
    session.within_group(bounds, 0.05)  # above, depends, and never above
    rm = appraisal.ratio_measures(pct, [7, 10])
    for chart in (False, True):
        session.ratios_in_words(rm, chart)
    het = appraisal.heterogeneity(pct, [7, 10])
    ranges = consistency.ranges(consistency.draw_cohorts(300, 1))
    session.heterogeneity_in_words(het, ranges, 7, int)
    session.heterogeneity_in_words(het, None, 7, int)  # chart data
    session.apply_in_words()
    reruns = replication.summary(replication.rerun(3, {}, 1, 7), 0.05)
    for some in (True, False):
        session.replications({**reruns, "some_not_significant": some}, 7, 0.05)
    plan = appraisal.planning_figures(pct, "MS", 10, 0.05)
    for chart in (False, True):
        session.dose_planning(plan, 200, "MS", 10, 1, 0.05, 18, chart)
    session.dose_planning({"n": 1}, 200, "MS", 10, 2, 0.05, 1, False)
    session.bottom_line(0.05)

    # notebook 7
    for chart in (False, True):
        results_in_words.doses_note(chart)
        results_in_words.completers_note(chart)
    results_in_words.mean_above_geometric_mean(pct, 7)
    _mm, info = appraisal.mixed_model(yearly, 1, 0.05)
    for variant in (
        {},
        {"converged": False, "boundary_real": True, "other_warnings": ["x"]},
        {"boundary_warning": False},
    ):
        for chart in (False, True):
            results_in_words.mixed_model_note({**info, **variant}, 0.05, chart)
    flat = yearly.assign(pct=100.0)  # doses that never change: a model without estimates, said so
    assert "failed" in appraisal.mixed_model(flat, 1, 0.05)[1]
    results_in_words.mixed_model_note(appraisal.mixed_model(flat, 1, 0.05)[1], 0.05, True)
    mv = appraisal.multiverse(patients, doses, [1, 2, 3], [7, 10], 0.05)
    results_in_words.multiverse_in_words(mv, 0.05, False, ranges)
    results_in_words.multiverse_in_words(mv, 0.05, False, ranges.assign(max=0.0))
    results_in_words.multiverse_in_words(mv.assign(the_papers_choice=mv.index == 9), 0.05, False, None)
    results_in_words.multiverse_in_words(mv, 0.05, True)
    results_in_words.multiple_testing({7: 0.006, 10: 0.004}, {7: 0.008, 10: 0.008}, 33, 7, 10, mv, 0.05)
    consistency.in_words(ranges, 250, 300)
    consistency.assumptions()
    sds = {"ms_sd": 60.0, "sci_sd": 30.0, "pooled": 48.0, "pooled_lo": 40.0, "pooled_hi": 62.0}
    extra = {
        "n": 41,
        "sd_ratio": 2,
        "difference": 15,
        "n_ratio_low": 294,
        "n_ratio_high": 362,
        "r_low": 0.5,
        "r_high": 3,
    }
    results_in_words.power_setup([15, 20, 30], 7, 0.05, sds, "published", **extra)
    results_in_words.power_setup([20, 45], 7, 0.05, sds, "model", ratio=2.0, sd_ratio=2)
    results_in_words.power_setup([40, 45], 7, 0.05, sds, "chart")
    grid = power.power_grid([41, 80], [15, 20], 60, 30, reps=200, seed=1)
    for needed, rng in (({15: 303, 20: 171}, (204, 497)), ({15: None, 20: None}, (None, None))):
        results_in_words.power_results(grid, 41, 22, 19, 0.05, 200, needed, 41, 1.2, 15, rng, 7)
    results_in_words.power_results(grid, 80, 43, 37, 0.05, 200, {15: 303}, 41, 1.2, 15, (204, 497), 7)
    curve = power.winners_curse_table(22, 19, [10, 20, 45], 60, 30, reps=300, seed=1)
    results_in_words.winners_curse_in_words(curve, 22, 19, 0.05, 44)
    _session_kit_on_a_small_page()
    return set(words.FILLED)


def _beside_the_paper(synthetic_frames):
    """This run beside the paper, in words: synthetic and chart, compatible, differing and withheld."""
    from helpers.core import cohort
    from helpers.pooling import beside_paper, summary

    patients, doses = synthetic_frames[0], synthetic_frames[1]
    pct = cohort.percent_of_reference(patients, doses, 1, [7, 10])
    shared = summary.build(pct, params.DEFAULTS, "c", "paper", "0" * 12, "f")
    table = beside_paper.rows(shared, 0.05, 15)
    for kind in (RunKind.SIMULATED, RunKind.CHART):
        assert "compatible with chance" in beside_paper.in_words(
            beside_paper.rows(shared, 0.05, 15, kind), shared, 0.05, kind
        )
    paper = beside_paper.in_words(beside_paper.rows(shared, 0.05, 15, RunKind.PAPER), shared, 0.05, RunKind.PAPER)
    assert "by construction, not a comparison" in paper and "chance" not in paper.split("The comparison")[0]
    far = table.assign(estimate=table["estimate"].where(table["clinic"] != "this clinic", 200.0))
    assert "more than chance" in beside_paper.in_words(far, shared, 0.05)
    few = summary.build(pct, {**params.DEFAULTS, "min_cell_count": 20}, "c", "chart", "0" * 12, "f")
    assert "under the minimum cell count" in beside_paper.in_words(beside_paper.rows(few, 0.05, 15), few, 0.05)


def _pooled_in_words():
    """The pooling's words: three clinics (a prediction interval), two (none), one (nothing to pool)."""
    from helpers.pooling import meta, pooled_in_words

    t = pd.DataFrame({"clinic": list("abcdef"), "year": [7, 7, 7, 10, 10, 12], "estimate": [30.0, 50, 40, 60, 70, 1],
                      "se": [10.0, 12, 11, 20, 15, 5], "n_ms": 20, "n_sci": 20})  # fmt: skip
    text = pooled_in_words.say(meta.pooled(t), t, 0.05, "row", examples=True)
    assert "prediction interval" in text and "no prediction interval" in text and "nothing to pool" in text
    assert "synthetic" in text and "cannot" in pooled_in_words.say(meta.pooled(t), t, 0.05, "comparison")


def _session_kit_on_a_small_page():
    """The sheet, the guide and the slides of a page with every section the guide has words for."""
    from bs4 import BeautifulSoup

    from helpers.runner import session_kit

    sections = "".join(f"<h3>{k.replace('_', '.')} A section</h3>" for k in words.load("session_kit")["say"])
    answers = "".join(f"<details><summary>{kind}</summary>x</details>" for kind in ("Answer", "For the teacher"))
    page = BeautifulSoup(f"<html><head></head><body><main><h1>6. Title</h1>{sections}<div class='jp-Cell "
                         f"celltag_slide'>{answers}<caption>Table 12. A table.</caption></div></main></body></html>",
                         "html.parser")  # fmt: skip
    sheet, numbers = session_kit.sheet(page)
    assert numbers == {("Table", "12"): "1"} and "details" not in str(sheet)
    guide = session_kit.guide(page, numbers)
    assert guide.get_text().count("Say: ") == len(words.load("session_kit")["say"]) and "Table 1." in guide.get_text()
    for data in (None, "a clinic's charts"):
        deck = session_kit.slides(page, numbers, data)
        assert len(deck.select("section.slide")) == 2
        assert ("synthetic" in deck.get_text().lower()) == (data is None)  # a clinic's slides never say synthetic


def test_every_template_is_filled_by_the_code(filled):
    missing = sorted(set(words.keys()) - filled)
    assert not missing, f"templates no code fills (or the test does not reach): {missing}"


def test_a_template_naming_a_field_the_code_does_not_give_is_refused():
    template = "The MS mean is {ms_mean:.0f}% at {year} years."
    assert words.fill_text(template, "x.y", ms_mean=157.2, year=7) == "The MS mean is 157% at 7 years."
    with pytest.raises(words.TemplateError, match=r"helpers/text/x\.yaml, template 'x\.y' names year, which"):
        words.fill_text(template, "x.y", ms_mean=157.2)
    with pytest.raises(words.TemplateError, match=r"has no template .journal_club\.nothing."):
        words.fill("journal_club.nothing")


def test_a_real_template_breaks_when_its_field_is_renamed(monkeypatch):
    """Break one template the way a methodologist might (a field renamed) and watch the code refuse it."""
    original = words.get("journal_club.apply")
    broken = original.replace("{dose_ref_median}", "{dose_ref_median_ug}")
    monkeypatch.setitem(words.load("journal_club"), "apply", broken)
    with pytest.raises(words.TemplateError, match="dose_ref_median_ug"):
        session.apply_in_words()


def test_no_negative_zero_and_the_fields_a_template_uses():
    assert words.fill_text("{a:.2f} {b:.0f}% {c:.1f}", "t.t", a=-0.001, b=-0.3, c=-0.5) == "0.00 0% -0.5"
    assert words.fields("{x:.0f} of {tab[06_heterogeneity]} and {y}") == {"x", "tab", "y"}


def test_the_published_numbers_in_the_claim_come_from_published_py():
    text = session.claim()
    f = published.formatted()
    for key in ("n_screened", "ms_pct_7y", "ms_pct_10y", "sci_pct_7y", "sci_pct_10y", "p_7y", "p_10y"):
        assert f[key] in text, key


def test_the_spec_fields_reach_the_notebooks_sentences(synthetic_frames):
    s = _study(synthetic_frames, synthetic={"sci_n_10y": 12})
    assert "12 SCI patients followed to 10 years" in s.say("exclusions_published").data
    assert synthetic_spec.make_spec("calibrated", 2019, {"sci_n_10y": 12}).sci_n_10y == 12
    assert fixed_by_paper.difference_ci(10, 0.05, 12).ci_low != pytest.approx(
        fixed_by_paper.difference_ci(10, 0.05, 19).ci_low
    )


# The paper's own words, as its abstract gives them (Skoog & Hedman 2019), the published numbers filled in
PAPER_WORDS = (
    "After 7 to 10 years the dosage needed to reduce leg spasticity in the MS patients was significantly increased "
    "compared with the initial dose",
    "needed only a modest increase (mean {sci_pct_7y}% and {sci_pct_10y}%)",
    "probably reflects the progressive disease course",
    "suggests possible pump failure, triggering factors for spasticity or progressive spinal disease",
    "to reduce leg spasticity and also avoid leg/trunk weakness",
)


def test_words_in_quotation_marks_are_the_papers_own():
    """Never words inside quotation marks that the paper did not write: every quoted span of three words or more
    in the journal club, its appendix, notebook 4 and the checklist is part of one of the paper's sentences."""
    import re

    import nbformat
    from bs4 import BeautifulSoup

    sentences = [s.format(**published.formatted()) for s in PAPER_WORDS]
    texts = [" ".join(checklist.table().to_numpy().ravel())]
    for name in ("04_dose_change", "06_journal_club", "07_appendix"):
        for cell in nbformat.read(paths.NOTEBOOKS / f"{name}.ipynb", as_version=4).cells:
            texts.append(cell.source if cell.cell_type == "markdown" else "")
            for out in cell.get("outputs", []):
                data = out.get("data", {})
                texts.append(data.get("text/markdown", ""))
                texts.append(BeautifulSoup(data.get("text/html", ""), "html.parser").get_text(" "))
    quoted = {
        " ".join(m.group(1).split())
        for t in texts
        for m in re.finditer(r'"([^"]+)"', re.sub(r"\s*\n#?\s*", " ", t))
        if len(m.group(1).split()) >= 3 and "<" not in m.group(1)
    }
    assert len(quoted) >= 4
    assert not [q for q in quoted if not any(q in s for s in sentences)], quoted
