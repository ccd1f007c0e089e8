"""Figures show what they should (checked on the matplotlib objects) and save as stable PNG and SVG."""

import hashlib

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.colors import to_hex

from helpers.core import cohort, figures, stats, tables


@pytest.fixture(scope="module")
def yearly(synthetic_frames):
    y = cohort.percent_of_reference(*synthetic_frames, 1, all_years=True)
    return y.loc[y["year"] >= 1]


def _texts(fig):
    return [t.get_text() for ax in fig.axes for t in ax.texts] + [ax.get_title(loc="left") for ax in fig.axes]


def test_flow_diagram_shows_every_count(synthetic_frames):
    flow = tables.flow_counts(*synthetic_frames, 1, [7, 10])
    fig = figures.flow_diagram(tables.flow_numbers(flow, [7, 10]))
    text = "\n".join(_texts(fig))
    for fragment in (
        "screened: n = 49",
        "Excluded: n = 8",
        "catheter or pump failure: 5",
        "Analysed: n = 41",
        "MS: n = 22",
        "SCI: n = 19",
        "followed to 10 years\nn = 18",
        "followed to 10 years\nn = 15",
    ):
        assert fragment in text, fragment
    plt.close(fig)


def test_flow_diagram_shows_masked_counts():
    numbers = {
        "screened": 12,
        "excluded": "<5",
        "analysed": 10,
        "reasons": {"catheter or pump failure": "<5"},
        "time_points": [7],
        "ms": 6,
        "sci": "<5",
        "ms_7y": 6,
        "sci_7y": "<5",
    }
    text = "\n".join(_texts(figures.flow_diagram(numbers)))
    assert "SCI: n < 5" in text and "Excluded: n < 5" in text
    plt.close("all")


def test_trajectories_one_line_per_patient_and_the_same_colour_per_diagnosis(yearly):
    summary = stats.summary(yearly, "pct", by=("diagnosis", "year"))
    fig = figures.trajectories(yearly, summary, 1, [7, 10])
    ms_ax, sci_ax = fig.axes
    assert ms_ax.get_title(loc="left") == "MS (n=22)" and sci_ax.get_title(loc="left") == "SCI (n=19)"
    # 22 patient lines + the mean line (+ the 100% reference line)
    assert len([ln for ln in ms_ax.get_lines() if ln.get_alpha() == 0.25]) == 22
    assert {to_hex(ln.get_color()) for ln in ms_ax.get_lines() if ln.get_alpha() == 0.25} == {
        figures.PALETTE["MS"].lower()
    }
    assert ms_ax.get_ylabel() == "Dose, % of the 1-year dose" and sci_ax.get_xlabel() == "Years since implant"
    mean_line = next(ln for ln in ms_ax.get_lines() if ln.get_linewidth() == 2.5)
    assert max(mean_line.get_xdata()) == 10  # the mean stops at the last time point
    assert any("157%" in t.get_text() for t in ms_ax.texts)
    plt.close(fig)


def test_trajectories_without_individuals_have_no_patient_lines(yearly):
    summary = stats.summary(yearly, "pct", by=("diagnosis", "year"))
    fig = figures.trajectories(yearly, summary, 1, [7, 10], show_individuals=False)
    assert not [ln for ax in fig.axes for ln in ax.get_lines() if ln.get_alpha() == 0.25]
    plt.close(fig)


def test_reference_dose_points_and_log_axis(pct):
    fig = figures.reference_dose(pct, 1)
    ax = fig.axes[0]
    assert ax.get_yscale() == "log" and "µg/24 h" in ax.get_ylabel()
    points = sum(len(c.get_offsets()) for c in ax.collections if c.get_offsets().shape[0] > 1)
    assert points == 41
    assert [t.get_text() for t in ax.get_xticklabels()] == ["MS (n=22)", "SCI (n=19)"]
    plt.close(fig)


def test_time_point_distributions_label_n(pct):
    fig = figures.time_point_distributions(pct, [7, 10], 1)
    labels = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert labels == ["7 years\nMS n=22, SCI n=19", "10 years\nMS n=18, SCI n=15"]
    plt.close(fig)


def test_saved_figures_exist_and_are_byte_stable(tmp_path, pct):
    digests = []
    for i in range(2):
        fig = figures.reference_dose(pct, 1)
        figures.save(fig, "x", tmp_path / str(i))
        png, svg = tmp_path / str(i) / "figures" / "x.png", tmp_path / str(i) / "figures" / "x.svg"
        plt.close(fig)
        assert png.stat().st_size > 10_000 and svg.read_text(encoding="utf-8").startswith("<?xml")
        digests.append((hashlib.sha256(png.read_bytes()).hexdigest(), hashlib.sha256(svg.read_bytes()).hexdigest()))
        image = matplotlib.image.imread(png)
        assert (
            image.shape[1] == int(6.2 * figures.DPI)
            and np.unique(image.reshape(-1, image.shape[-1]), axis=0).shape[0] > 50
        )
    assert digests[0] == digests[1]


def test_power_curves_mark_the_cohort_and_call_it_the_paper_only_at_the_papers_size():
    import pandas as pd

    grid = pd.DataFrame(
        {
            "n_total": [20, 41, 410, 20, 41, 410],
            "difference": [10, 10, 10, 40, 40, 40],
            "power_mc": [0.1, 0.2, 0.9, 0.5, 0.8, 1.0],
            "power_mc_se": [0.01] * 6,
            "power_analytic": [0.1, 0.2, 0.9, 0.5, 0.8, 1.0],
            "test": ["Welch t"] * 6,
        }
    )
    for n, expected in ((41, "this cohort: n=41 (the paper's size)"), (410, "this cohort: n=410")):
        fig = figures.power_curves(grid, n, 0.05, paper_n=41)
        ax = fig.axes[0]
        assert len(ax.get_legend().get_texts()) == 2
        assert [t.get_text() for t in ax.texts] == [expected]
        assert "Welch t" in ax.get_ylabel()
        plt.close(fig)


def test_exaggeration_figure_shows_power_and_the_ratio_across_true_differences():
    from helpers.journal_club import power

    curve = power.winners_curse_table(22, 19, [10, 30, 50], 60, 30, reps=400, seed=1)
    fig = figures.exaggeration(curve, 44, 0.05, 22, 19)
    power_ax, ratio_ax = fig.axes
    assert "22 MS and 19 SCI" in power_ax.get_title(loc="left") and ratio_ax.get_ylabel() == "Exaggeration ratio"
    ratio = ratio_ax.lines[0].get_ydata()
    assert list(ratio) == pytest.approx(list(curve["exaggeration_ratio"])) and ratio[0] > ratio[-1] >= 1
    assert [line.get_xdata()[0] for line in ratio_ax.lines if line.get_linestyle() == "--"] == [44]
    plt.close(fig)


def test_headline_figure_shows_the_published_means_and_the_fixed_interval():
    from helpers.journal_club import fixed_by_paper

    fig = figures.headline(fixed_by_paper.published_means(), fixed_by_paper.headline_differences(0.05, 15), "95")
    means_ax, diff_ax = fig.axes
    labels = [t.get_text() for t in means_ax.texts]
    assert "157%\n(n=22)" in labels and "121%\n(n not given)" in labels
    assert [t.get_text() for t in diff_ax.texts] == ["44 (13 to 75)", "73 (25 to 121)"]
    plt.close(fig)
