"""The study's figures: one function per figure (data in, matplotlib Figure out) and one way to save them.

Colours are Okabe-Ito (colour-blind safe) and a diagnosis has the same colour everywhere. Saved PNG and SVG
carry no date or software stamp, so the same data give the same bytes.
"""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import matplotlib
import matplotlib.patches
import matplotlib.ticker

if "ipykernel" not in sys.modules:
    matplotlib.use("Agg")  # scripts and tests write files, never windows; kernels keep their inline backend

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.patches import FancyBboxPatch

from helpers import paths
from helpers.core import captions, published, stats
from helpers.core.diagnoses import DIAGNOSES, MS, PALETTE, SCI
from helpers.core.disclosure import n_text

GREY = "#555555"
DPI = 150


def setup() -> None:
    """Theme, deterministic SVG ids, and PNG-only inline figures (nbval compares no images; PNG is stable)."""
    sns.set_theme(context="notebook", style="whitegrid", font_scale=1.0)
    matplotlib.rcParams.update(
        {
            "figure.dpi": 100,
            "savefig.dpi": DPI,
            "axes.titleweight": "bold",
            "axes.titlesize": 12,
            "figure.constrained_layout.use": True,
        }
    )
    try:  # only inside a notebook kernel
        from matplotlib_inline.backend_inline import set_matplotlib_formats

        get_ipython()  # type: ignore[name-defined]
        set_matplotlib_formats("png", metadata={"Software": None})
    except (ImportError, NameError):
        pass


def save(fig, name: str, out: Path, params: dict | None = None) -> None:
    """Write ``figures/<name>.png`` and ``.svg`` under the output folder; in a notebook, also show the figure
    with its alt text and its numbered caption below it ("Figure N. ...", from :mod:`helpers.core.captions`,
    filled with the run's ``params`` where the caption uses them).

    Returns nothing, so a notebook cell ending with it shows only the figure and its caption (a trailing ';'
    does not silence a value when nbval re-runs the cell)."""
    folder = paths.figures_dir(Path(out))
    png, svg = folder / f"{name}.png", folder / f"{name}.svg"
    with matplotlib.rc_context({"svg.hashsalt": "itb-study"}):  # fixed SVG ids whoever calls
        fig.savefig(png, metadata={"Software": None}, dpi=DPI)
        fig.savefig(svg, metadata={"Date": None, "Creator": None})
    _show_in_notebook(fig, png, name, params)


def _show_in_notebook(fig, png: Path, name: str, params: dict | None) -> None:
    """The saved PNG (not drawn again), at the size the notebook shows figures, with its alt text in the output's
    metadata (the site's pages use it); then its caption. The figure is closed so the inline backend does not
    show it a second time, after the caption."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is None or not hasattr(shell, "kernel"):  # a script or a test: files only
        return
    from IPython.display import Image, Markdown, display

    label, text, alt = captions.figure(name, params)
    data = png.read_bytes()
    # a sharper image than the screen needs (DPI > figure.dpi), shown at the screen's size: crisp on
    # high-density screens and in print
    width, height = (round(v * matplotlib.rcParams["figure.dpi"] / DPI) for v in _png_size(data))
    display(Image(data=data, format="png", width=width, height=height), metadata={"image/png": {"alt": alt}})
    plt.close(fig)
    display(Markdown(f"**{label}.** {text}"))


def _png_size(data: bytes) -> tuple[int, int]:
    """(width, height) in pixels, from a PNG's header."""
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def _label(dx: str, n, count=int) -> str:
    return f"{dx} ({n_text(count(n))})"


def _points(ax, x_centre, values, colour, rng, spread=0.12, size=36):
    """Every patient as a point, jittered sideways with a seeded generator (seaborn's stripplot jitter
    draws from numpy's global state, which would change the figure's bytes from run to run)."""
    values = np.asarray(values, float)
    x = x_centre + rng.uniform(-spread, spread, len(values))
    ax.scatter(x, values, s=size, color=colour, edgecolor="white", linewidth=0.6, zorder=3)


def _boxes(ax, positions, samples, colours, width):
    """Box plots drawn by matplotlib (seaborn 0.13 still passes matplotlib's deprecated ``vert``)."""
    bp = ax.boxplot(
        [np.asarray(v, float) for v in samples],
        positions=positions,
        widths=width,
        patch_artist=True,
        orientation="vertical",
        showfliers=False,
        whis=(10, 90),  # whiskers at the 10th and 90th percentiles: never a single patient's value
        manage_ticks=False,
        medianprops={"color": "#222222", "linewidth": 1.2},
        whiskerprops={"color": "#222222"},
        capprops={"color": "#222222"},
        boxprops={"edgecolor": "#222222"},
    )
    for patch, colour in zip(bp["boxes"], colours):
        patch.set_facecolor(colour)
        patch.set_alpha(0.35)
    return bp


def group_labels(df: pd.DataFrame, group: str = "diagnosis", count=int) -> dict[str, str]:
    """'MS (n=22)' per diagnosis; ``count`` may mask small counts (chart data)."""
    counts = df.groupby(group, observed=True)["patient_id"].nunique()
    return {dx: _label(dx, int(counts.get(dx, 0)), count) for dx in DIAGNOSES}


# ----------------------------------------------------------------------------------------------------


FLOW_WRAP = 34  # characters per line of an exclusion reason in the flow diagram
FLOW_LINE = 2.8  # height of a line of text in the flow diagram's units (100 units = the default height)


def _flow_reason_lines(reasons: dict) -> tuple[list[str], bool]:
    """'reason: n' per exclusion reason, and whether they read as a list: more than two reasons, or one
    too long for a line, become a left-aligned list of wrapped items ("- " first, continuation indented)."""
    import functools
    import textwrap

    plain = [f"{r}: {n}" for r, n in reasons.items()]
    if len(plain) <= 2 and all(len(line) <= FLOW_WRAP for line in plain):
        return plain, False
    wrap = functools.partial(textwrap.wrap, width=FLOW_WRAP, subsequent_indent="   ", break_on_hyphens=False)
    return [line for item in plain for line in wrap(f"- {item}")], True


def flow_diagram(counts: dict):
    """CONSORT/STROBE-style flow: screened -> excluded (with reasons) -> analysed -> by diagnosis -> time points.

    ``counts`` comes from :func:`helpers.core.tables.flow_numbers`; values are numbers or masked text ("<5").
    The exclusions box lists every reason; a long list moves it to the right of the diagram and, if need
    be, makes the figure taller, so it never covers another box. Patients followed less than the minimum
    follow-up, if any, branch off above the screened box, from a box of everyone in the data.
    """
    reason_lines, as_list = _flow_reason_lines(counts["reasons"])
    excluded_text = "\n".join([f"Excluded: {n_text(counts['excluded'], True)}", *reason_lines])
    n_lines = 1 + len(reason_lines)
    height = 13.0 if n_lines <= 3 else FLOW_LINE * n_lines + 4.6
    wide = n_lines > 6  # beside the diagram, clear of the SCI boxes below it
    x_excluded, x_max, y_min, y_excluded = 79, 100, 0.0, 75.0
    if wide:
        x_excluded, x_max = 101, 130
        if 75 + height / 2 > 97:
            y_excluded = 97 - height / 2
        y_min = min(0.0, y_excluded - height / 2 - 2)
    y_max = 118 if counts.get("short") else 100
    fig, ax = plt.subplots(figsize=(8.0 * x_max / 100, 6.6 * (y_max - y_min) / 100))
    ax.set_xlim(0, x_max)
    ax.set_ylim(y_min, y_max)
    ax.axis("off")

    def box(x, y, w, h, text, colour="#FFFFFF", edge=GREY, bold=False, ha="center"):
        ax.add_patch(
            FancyBboxPatch(
                (x - w / 2, y - h / 2),
                w,
                h,
                boxstyle="round,pad=0.6,rounding_size=1.5",
                linewidth=1.3,
                edgecolor=edge,
                facecolor=colour,
            )
        )
        x_text = x if ha == "center" else x - w / 2 + 1
        ax.text(x_text, y, text, ha=ha, va="center", fontsize=10, fontweight="bold" if bold else "normal")

    def arrow(x0, y0, x1, y1):
        ax.annotate(
            "",
            xy=(x1, y1),
            xytext=(x0, y0),
            arrowprops=dict(arrowstyle="-|>", color=GREY, lw=1.3, shrinkA=0, shrinkB=0),
        )

    left = x_excluded - 18  # the side boxes are 36 wide
    if counts.get("short"):
        stage, n = counts["short"]
        box(38, 112, 56, 6, f"ITB pump, in the data: {n_text(counts['in_data'], True)}", bold=True)
        arrow(38, 108.5, 38, 96.5)
        ax.plot([38, left - 0.5], [102, 102], color=GREY, lw=1.3)
        box(x_excluded, 102, 36, 5, f"{stage[0].upper()}{stage[1:]}: {n_text(n, True)}", colour="#F2F2F2")
        arrow(left - 0.5, 102, left + 0.2, 102)
    years = counts.get("min_followup", published.MIN_FOLLOWUP_YEARS)
    box(38, 92, 56, 8, f"ITB pump, treated at least {years:g} years\nscreened: {n_text(counts['screened'], True)}",
        bold=True)  # fmt: skip
    arrow(38, 87.5, 38, 62.5)
    ax.plot([38, left - 0.5], [75, 75], color=GREY, lw=1.3)
    box(x_excluded, y_excluded, 36, height, excluded_text, colour="#F2F2F2", ha="left" if as_list else "center")
    arrow(left - 0.5, 75, left + 0.2, 75)
    box(38, 58, 40, 8, f"Analysed: {n_text(counts['analysed'], True)}", bold=True)
    y_levels = (24, 10)[: len(counts["time_points"])]
    for x, dx in ((20, MS), (56, SCI)):
        arrow(38, 53.5, x, 42.5)
        box(
            x,
            38,
            28,
            8,
            f"{dx}: {n_text(counts[dx.lower()], True)}",
            colour=PALETTE[dx] + "22",
            edge=PALETTE[dx],
            bold=True,
        )
        top = 33.5
        for y, k in zip(y_levels, counts["time_points"]):
            arrow(x, top, x, y + 4.5)
            box(x, y, 28, 8, f"followed to {k} years\n{n_text(counts[f'{dx.lower()}_{k}y'], True)}", edge=PALETTE[dx])
            top = y - 4.5
    ax.set_title("From screened to analysed patients", loc="left")
    return fig


def reference_dose(
    pct_long: pd.DataFrame, reference_year: int, log_scale: bool = True, show_points: bool = True, count=int
):
    """Dose at the reference year by diagnosis: box plot with every patient as a point (log dose axis)."""
    ref = pct_long.loc[pct_long["year"] == reference_year].copy()
    ref["diagnosis"] = ref["diagnosis"].astype(object)  # seaborn 0.13 + pandas 3 str hue pitfall
    labels = group_labels(ref, count=count)
    fig, ax = plt.subplots(figsize=(6.2, 4.6))
    order = list(DIAGNOSES)
    _boxes(
        ax,
        range(len(order)),
        [ref.loc[ref["diagnosis"] == dx, "dose_ref"] for dx in order],
        [PALETTE[dx] for dx in order],
        0.5,
    )
    if show_points:
        rng = np.random.default_rng(0)
        for i, dx in enumerate(order):
            _points(ax, i, ref.loc[ref["diagnosis"] == dx, "dose_ref"], PALETTE[dx], rng, spread=0.15, size=44)
    if log_scale:
        ax.set_yscale("log")
        ticks = [25, 50, 100, 200, 400, 800]
        ax.set_yticks(ticks, [str(t) for t in ticks])
        ax.yaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    ax.set_xlim(-0.6, len(order) - 0.4)
    ax.set_xticks(range(len(order)), [labels[o] for o in order])
    ax.set_xlabel("")
    ax.set_ylabel(f"Dose at {reference_year} year{'s' if reference_year > 1 else ''} (µg/24 h, log scale)")
    ax.set_title(f"ITB dose after {reference_year} year{'s' if reference_year > 1 else ''} of treatment", loc="left")
    return fig


def adjustments(counts: pd.DataFrame):
    """How many dose adjustments a patient had in each year of treatment."""
    fig, ax = plt.subplots(figsize=(6.2, 3.8))
    c = counts.copy()
    c["diagnosis"] = c["diagnosis"].astype(object)
    bins = np.arange(c["n"].min() - 0.5, c["n"].max() + 1.5) if len(c) else 10
    sns.histplot(
        data=c,
        x="n",
        hue="diagnosis",
        hue_order=list(DIAGNOSES),
        palette=PALETTE,
        bins=bins,
        multiple="dodge",
        shrink=0.8,
        stat="percent",
        common_norm=False,
        alpha=0.9,
        ax=ax,
    )
    sns.move_legend(ax, "upper left", bbox_to_anchor=(1.01, 1), title="", frameon=False)
    ax.set_xlabel("Dose adjustments in a year of treatment")
    ax.set_ylabel("Patient-years (%)")
    ax.set_title("Adjustments per patient-year", loc="left")
    return fig


def trajectories(
    yearly: pd.DataFrame,
    summary: pd.DataFrame,
    reference_year: int,
    time_points,
    show_individuals: bool = True,
    alpha: float = 0.05,
    count=int,
    assumed_n=(),
):
    """% of the reference dose over the years: thin lines per patient, the group mean with its CI on top; a
    count in ``assumed_n`` ((diagnosis, year) pairs) is labelled as assumed."""
    fig, axes = plt.subplots(1, 2, figsize=(10.5, 4.6), sharey=True, sharex=True)
    top = np.nanpercentile(yearly["pct"], 99) if len(yearly) else 200
    for ax, dx in zip(axes, DIAGNOSES):
        colour = PALETTE[dx]
        d = yearly.loc[yearly["diagnosis"] == dx]
        if show_individuals:
            for _pid, line in d.groupby("patient_id", sort=True):
                ax.plot(line["year"], line["pct"], color=colour, alpha=0.25, lw=0.8)
        # the mean is drawn only up to the last time point and while at least 5 patients are followed
        s = summary.loc[(summary["diagnosis"] == dx) & (summary["year"] <= max(time_points)) & (summary["n"] >= 5)]
        ax.fill_between(
            s["year"],
            s["ci_low"],
            s["ci_high"],
            color=colour,
            alpha=0.2,
            lw=0,
            label=f"{stats.ci_level(alpha)}% CI of the mean",
        )
        ax.plot(s["year"], s["mean"], color=colour, lw=2.5, marker="o", ms=4, label="mean")
        if s.empty:
            ax.text(
                0.5,
                0.5,
                "fewer than 5 patients at every year:\nno mean shown",
                transform=ax.transAxes,
                ha="center",
                va="center",
                color=GREY,
            )
        for k in time_points:
            row = s.loc[s["year"] == k]
            if len(row):
                ax.annotate(
                    f"{row['mean'].iloc[0]:.0f}%\n({n_text(count(int(row['n'].iloc[0])))}"
                    + (", assumed)" if (dx, k) in assumed_n else ")"),
                    (k, row["mean"].iloc[0]),
                    xytext=(0, 12),
                    textcoords="offset points",
                    ha="center",
                    fontsize=9,
                    color=colour,
                    fontweight="bold",
                )
        ax.axhline(100, color=GREY, lw=1, ls="--")
        ax.set_title(_label(dx, d["patient_id"].nunique(), count), loc="left", color=colour)
        ax.set_xlabel("Years since implant")
        ax.set_ylim(0, max(top * 1.1, 250))
        ax.set_xlim(reference_year - 0.5, max(yearly["year"].max(), max(time_points)) + 0.5)
        ax.legend(loc="upper left", frameon=False, fontsize=9)
    axes[0].set_ylabel(f"Dose, % of the {reference_year}-year dose")
    fig.suptitle(
        f"Dose over time relative to the {reference_year}-year dose"
        + ("" if show_individuals else " (group means only)"),
        x=0.01,
        ha="left",
        fontweight="bold",
    )
    return fig


def time_point_distributions(
    pct_long: pd.DataFrame, time_points, reference_year: int, show_points: bool = True, count=int
):
    """% of the reference dose at each time point by diagnosis: boxes with every patient as a point."""
    d = pct_long.loc[pct_long["year"].isin(time_points)].copy()
    d["diagnosis"] = d["diagnosis"].astype(object)
    n = d.groupby(["year", "diagnosis"], observed=True).size()
    d["time"] = d["year"].map(lambda k: f"{k} years")
    order = [f"{k} years" for k in time_points]
    fig, ax = plt.subplots(figsize=(7.2, 4.6))
    offsets = dict(zip(DIAGNOSES, (-0.15, 0.15)))  # two boxes side by side at each time point
    for dx in DIAGNOSES:
        _boxes(
            ax,
            [i + offsets[dx] for i in range(len(time_points))],
            [d.loc[(d["year"] == k) & (d["diagnosis"] == dx), "pct"] for k in time_points],
            [PALETTE[dx]] * len(time_points),
            0.28,
        )
    if show_points:
        rng = np.random.default_rng(0)
        for i, k in enumerate(time_points):
            for dx in DIAGNOSES:
                vals = d.loc[(d["year"] == k) & (d["diagnosis"] == dx), "pct"]
                _points(ax, i + offsets[dx], vals, PALETTE[dx], rng, spread=0.06, size=30)
    ax.axhline(100, color=GREY, lw=1, ls="--")
    ax.set_xticks(
        range(len(order)),
        [
            f"{k} years\n" + ", ".join(f"{dx} {n_text(count(n.get((k, dx), 0)))}" for dx in DIAGNOSES)
            for k in time_points
        ],
    )
    ax.set_xlabel("")
    ax.set_ylabel(f"Dose, % of the {reference_year}-year dose")
    ax.set_title(f"Dose at each time point relative to the {reference_year}-year dose", loc="left")
    ax.set_xlim(-0.5, len(time_points) - 0.5)
    handles = [
        matplotlib.patches.Patch(facecolor=c, alpha=0.6, edgecolor="#222222", label=dx) for dx, c in PALETTE.items()
    ]
    ax.legend(handles=handles, frameon=False, loc="upper left")
    return fig


def power_curves(grid: pd.DataFrame, cohort_n: int, alpha: float, paper_n: int | None = None):
    """Prospective power by cohort size, one colour per true difference: Monte Carlo points with 95% error
    bars (1.96 Monte Carlo SE) on the analytic curve. The cohort's size is marked, and called the paper's
    only when it is ``paper_n``."""
    fig, ax = plt.subplots(figsize=(7.2, 4.6))
    diffs = sorted(grid["difference"].unique())
    colours = sns.color_palette("viridis", len(diffs))
    for c, diff in zip(colours, diffs):
        g = grid.loc[grid["difference"] == diff].sort_values("n_total")
        ax.plot(g["n_total"], g["power_analytic"], color=c, lw=1.5, label=f"{diff:g} points")
        ax.errorbar(
            g["n_total"], g["power_mc"], yerr=1.96 * g["power_mc_se"], fmt="o", ms=3.5, color=c, capsize=2, lw=1
        )
    ax.axhline(0.8, color=GREY, lw=1, ls=":")
    ax.axvline(cohort_n, color=GREY, lw=1, ls="--")
    mark = f"this cohort: n={cohort_n}" + (" (the paper's size)" if cohort_n == paper_n else "")
    ax.annotate(mark, (cohort_n, 0.03), xytext=(5, 0), textcoords="offset points", fontsize=9, color=GREY)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("Patients analysed (MS and SCI together)")
    test = grid["test"].iloc[0] if "test" in grid else "t-test"
    ax.set_ylabel(f"Power ({test}, alpha = {alpha:g})")
    ax.set_title("How often a study of this size detects a true difference", loc="left")
    ax.legend(
        title="true difference in mean %\n(lines: analytic; points: simulated)",
        frameon=False,
        fontsize=8,
        title_fontsize=8,
        loc="lower right",
    )
    return fig


def headline(published_means: pd.DataFrame, differences: pd.DataFrame, ci: str):
    """The paper's result: the published mean % per group at each time point (the path between unreported,
    dotted), and the MS - SCI difference with the CI the published numbers give (``differences``: year,
    difference, ci_low, ci_high, fixed: whether the CI is fixed by the paper; an open marker where it is not).

    ``published_means``: year, diagnosis, mean, n (n may be text, "?" for a count the paper does not give)."""
    fig, (ax, bx) = plt.subplots(1, 2, figsize=(9.6, 3.9), gridspec_kw={"width_ratios": [1.6, 1]})
    for dx in DIAGNOSES:
        d = published_means.loc[published_means["diagnosis"] == dx].sort_values("year")
        ax.plot(d["year"], d["mean"], ls=":", lw=1.5, color=PALETTE[dx])
        ax.plot(d["year"], d["mean"], "o", ms=7, color=PALETTE[dx], label=dx)
        for r in d.itertuples():
            if r.year == d["year"].min():
                continue
            ax.annotate(
                f"{r.mean:.0f}%\n" + ("(n not given)" if pd.isna(r.n) else f"({n_text(int(r.n))})"),
                (r.year, r.mean),
                xytext=(0, 10 if dx == DIAGNOSES[0] else -12),
                textcoords="offset points",
                ha="center",
                va="bottom" if dx == DIAGNOSES[0] else "top",
                fontsize=9,
                color=PALETTE[dx],
                fontweight="bold",
                bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.9},
            )
    ax.axhline(100, color=GREY, lw=1, ls="--")
    ax.set_xticks(sorted(published_means["year"].unique()))
    ax.set_xlim(published_means["year"].min() - 0.6, published_means["year"].max() + 1.9)
    ax.set_xlabel("Years since implant")
    ax.set_ylabel("Mean dose, % of the 1-year dose")
    ax.set_ylim(50, published_means["mean"].max() * 1.25)
    ax.set_title("Published means", loc="left")
    ax.legend(frameon=False, loc="upper left")
    for i, r in enumerate(differences.itertuples()):
        colour = "#222222"
        bx.errorbar(
            i,
            r.difference,
            yerr=[[r.difference - r.ci_low], [r.ci_high - r.difference]],
            fmt="o",
            ms=8,
            capsize=5,
            color=colour,
            mfc=colour if r.fixed else "white",
        )
        bx.annotate(
            f"{r.difference:.0f} ({r.ci_low:.0f} to {r.ci_high:.0f})",
            (i, r.ci_high),
            xytext=(0, 6),
            textcoords="offset points",
            ha="center",
            fontsize=9,
        )
    bx.axhline(0, color=GREY, lw=1)
    bx.set_xticks(range(len(differences)), [f"{y} years" for y in differences["year"]])
    bx.set_xlim(-0.6, len(differences) - 0.4)
    bx.set_ylim(min(0, differences["ci_low"].min()) - 10, differences["ci_high"].max() * 1.2)
    bx.set_ylabel(f"MS - SCI, points ({ci}% CI)")
    bx.set_title("The difference", loc="left")
    return fig


def exaggeration(curve: pd.DataFrame, published_gap: float, alpha: float, n_ms: int, n_sci: int):
    """Power and the exaggeration ratio (mean significant estimate / truth) across true differences, each
    with 95% Monte Carlo error bars (1.96 SE); the published difference marked."""
    fig, (ax, bx) = plt.subplots(1, 2, figsize=(9.6, 3.7))
    x = curve["difference"].to_numpy(float)
    ax.errorbar(x, curve["power_mc"], yerr=1.96 * curve["power_mc_se"], fmt="o-", ms=4, capsize=2, color=PALETTE[MS])
    ax.set_ylim(0, 1.02)
    ax.set_ylabel(f"Power (p < {alpha:g})")
    bx.errorbar(
        x,
        curve["exaggeration_ratio"],
        yerr=1.96 * curve["exaggeration_ratio_se"],
        fmt="o-",
        ms=4,
        capsize=2,
        color="#D55E00",
    )
    bx.axhline(1, color=GREY, lw=1)
    bx.set_ylabel("Exaggeration ratio")
    for a in (ax, bx):
        a.axvline(published_gap, color=GREY, lw=1, ls="--")
        a.set_xlabel("True MS - SCI difference (points)")
    ax.set_title(f"Studies of {n_ms} MS and {n_sci} SCI patients", loc="left")
    bx.set_title("Significant studies overstate", loc="left")
    return fig


def reruns(runs: pd.DataFrame, published_difference: float | None, year: int, ci: str):
    """Question E of the journal club, on paper: each rerun's MS - SCI difference at ``year`` with its CI (``runs``: difference,
    ci_low, ci_high, one row per rerun), sorted, beside zero and the published difference (None: not published
    at ``year``)."""
    runs = runs.sort_values("difference").reset_index(drop=True)
    fig, ax = plt.subplots(figsize=(9.6, 3.4))
    # every CI drawn alike: the share reaching zero would be observed power here, not a chance of replication
    ax.vlines(runs.index, runs["ci_low"], runs["ci_high"], color=GREY, lw=1)
    ax.plot(runs.index, runs["difference"], "o", ms=3.5, color=GREY)
    ax.axhline(0, color="#222222", lw=1)
    if published_difference is not None:
        ax.axhline(published_difference, color=PALETTE[MS], lw=1.2, ls="--")
        ax.annotate(f"published: {published_difference:.0f} points", (0, published_difference), xytext=(2, 4),
                    textcoords="offset points", color=PALETTE[MS], fontsize=9)  # fmt: skip
    ax.set_xlim(-1, len(runs))
    ax.set_xticks([])
    ax.set_xlabel(f"{len(runs)} reruns of the study on new cohorts from the same model, sorted by their difference")
    ax.set_ylabel(f"MS - SCI at {year} y, points ({ci}% CI)")
    sns.despine(fig)
    return fig


def forest(rows: pd.DataFrame, ci: str, pooled: pd.DataFrame | None = None):
    """The MS - SCI difference by clinic, one panel per year (``rows``: clinic, year, estimate, ci_low,
    ci_high), with pooled estimates below a line (``pooled``: year, method, estimate, ci_low, ci_high) as
    diamonds."""
    years = sorted(rows["year"].unique())
    clinics = list(dict.fromkeys(rows["clinic"]))
    methods = [] if pooled is None else list(dict.fromkeys(pooled["method"]))
    labels = clinics + [f"pooled, {m}" for m in methods]
    fig, axes = plt.subplots(1, len(years), figsize=(3.6 * len(years) + 2.6, 0.5 * len(labels) + 1.3),
                             sharey=True, squeeze=False)  # fmt: skip
    for ax, year in zip(axes[0], years):
        at = rows.loc[rows["year"] == year].set_index("clinic")
        for i, clinic in enumerate(clinics):
            if clinic in at.index:
                r = at.loc[clinic]
                ax.plot([r["ci_low"], r["ci_high"]], [i, i], color=GREY, lw=1.4)
                ax.plot(r["estimate"], i, "s", color="#222222", ms=6)
        if pooled is not None:
            for j, method in enumerate(methods, start=len(clinics)):
                p = pooled.loc[(pooled["year"] == year) & (pooled["method"] == method)]
                if p.empty:
                    continue
                p = p.iloc[0]
                ax.fill([p["ci_low"], p["estimate"], p["ci_high"], p["estimate"]], [j, j - 0.3, j, j + 0.3],
                        color=PALETTE[MS], alpha=0.85)  # fmt: skip
            ax.axhline(len(clinics) - 0.5, color="#999999", lw=0.8)
        ax.axvline(0, color="#222222", lw=1)
        ax.set_title(f"{year} years", loc="left")
        ax.set_xlabel(f"MS - SCI, points ({ci}% CI)")
    axes[0][0].set_yticks(range(len(labels)), [textwrap.fill(label, 34) for label in labels], fontsize=8)
    axes[0][0].set_ylim(len(labels) - 0.4, -0.6)
    return fig
