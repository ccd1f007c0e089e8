"""Numbered figures and tables: one registry (helpers/core/captions.py), the same numbers in every notebook, in
reading order, each figure with alt text; cross-references resolve through the registry."""

import re

import nbformat
import pytest

from helpers import paths
from helpers.core import captions
from helpers.study import params

TABLE = re.compile(r"<caption[^>]*>Table (\d+)\. ")
FIGURE = re.compile(r"^\*\*Figure (\d+)\.\*\* ")


def _outputs():
    """(notebook, output) for every output of the committed notebooks, in reading order."""
    for nb_path in paths.study_notebooks():
        for cell in nbformat.read(nb_path, as_version=4).cells:
            for out in cell.get("outputs", []):
                yield nb_path.name, out


def _study(registry) -> list[str]:
    """The study's own entries: the pooling notebook's (08_, make pool) are numbered after them, in its runs."""
    return [n for n in registry if not n.startswith("08_")]


def test_every_table_and_figure_is_numbered_once_in_reading_order():
    tables, figures, images = [], [], []
    for nb, out in _outputs():
        data = out.get("data", {})
        tables += [(nb, int(n)) for n in TABLE.findall(data.get("text/html", ""))]
        figures += [(nb, int(n)) for n in FIGURE.findall(data.get("text/markdown", ""))]
        if "image/png" in data:
            images.append((nb, out.get("metadata", {}).get("image/png", {}).get("alt", "")))
    study_tables, study_figures = (_study(registry) for registry in (captions.TABLES, captions.FIGURES))
    assert [n for _, n in tables] == list(range(1, len(study_tables) + 1)), tables
    assert [n for _, n in figures] == list(range(1, len(study_figures) + 1)), figures
    assert len(images) == len(study_figures), "a figure shown without its caption (use figures.save)"
    for nb, alt in images:
        assert len(alt) > 40, f"{nb}: a figure without alt text"


def test_registry_is_in_reading_order_and_names_the_outputs(committed):
    for registry in (captions.TABLES, captions.FIGURES):
        order = [int(n[:2]) if n[:2].isdigit() else 5 for n in registry]  # reproduction: notebook 5
        assert order == sorted(order)
    figures = {p.stem for p in (committed / "figures").glob("*.png")}
    assert figures == set(_study(captions.FIGURES))
    saved_tables = {p.stem for p in (committed / "tables").glob("*.csv")}
    assert saved_tables <= set(captions.TABLES) | set(captions.DATA_FILES)
    assert not set(captions.TABLES) & set(captions.DATA_FILES)


def test_cross_references_in_the_notebooks_and_their_texts_resolve():
    refs = captions.references()
    sources = [c.source for nb_path in paths.study_notebooks() for c in nbformat.read(nb_path, as_version=4).cells]
    sources += [p.read_text(encoding="utf-8") for p in paths.TEXT.glob("*.yaml")]
    used = 0
    for source in sources:
        for kind, name in re.findall(r"\{(fig|tab)\[([A-Za-z0-9_]+)\]\}", source):
            assert refs[kind][name] == captions.label("Figure" if kind == "fig" else "Table", name)
            used += 1
    assert used >= 4
    assert "{fig[04_percent_at_time_points]} and {tab[01_table1_by_diagnosis]}".format(**refs) == (
        "Figure 5 and Table 1"
    )


def test_captions_use_the_run_parameters_and_refuse_unknown_names():
    run = {**params.DEFAULTS, "alpha": 0.01, "reference_year": 2, "time_points": [5, 8]}
    assert captions.table("04_group_tests", run).endswith("(99% CIs).")
    label, text, alt = captions.figure("04_percent_at_time_points", run)
    assert label == "Figure 5" and "at 5 and 8 years as % of the 2-year dose" in text and "5 and 8 years" in alt
    assert "Dose at 7 years as" in captions.figure("04_percent_at_time_points", {**run, "time_points": [7]})[1]
    assert captions.table("03_reference_dose_median_range", run).startswith("Table 4. Dose 2 years after")
    # a name may be a figure and a table (the figure's numbers as CSV): each has its own number
    assert captions.label("Figure", "03_adjustments_per_year") == "Figure 3"
    assert captions.label("Table", "03_adjustments_per_year") == "Table 5"
    with pytest.raises(ValueError, match=r"params=S\.params"):
        captions.table("04_group_tests")
    with pytest.raises(KeyError, match=r"helpers/text/captions\.yaml"):
        captions.table("07_new_table")
    with pytest.raises(KeyError, match="not registered"):
        "{fig[reproduction]}".format(**captions.references())


def test_a_chart_runs_captions_never_call_its_data_synthetic():
    """Each kind of data gets the sentence written for it after a caption: the synthetic cohort's caveats never
    reach a clinic's pages, and a clinic's pages say whose numbers they are."""
    chart, default = {**params.DEFAULTS, "data_dir": "clinic"}, params.DEFAULTS
    for name in captions.TABLES:
        assert "synthetic" not in captions.table(name, chart), name
    for name in captions.FIGURES:
        assert "synthetic" not in " ".join(captions.figure(name, chart)[1:]), name
    assert "this run's data" in captions.table("04_percent_of_reference_by_group", chart)
    assert "calibrated synthetic cohort" in captions.table("04_percent_of_reference_by_group", default)
    assert "estimated from these charts" in captions.figure("07_power_curves", chart)[1]
    assert "SDs are assumed" in captions.figure("07_power_curves", default)[1]
