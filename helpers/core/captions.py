"""The study's figures and tables, numbered in reading order across the notebooks, with their captions.

One registry, so "Figure 4" means the same figure in the notebooks, on the site and in the printed handout:

* ``presentation.show(df, "04_group_tests", params=S.params)`` shows "Table 7. MS vs SCI at each time point ...";
* ``figures.save(fig, "04_trajectories_percent_of_reference", S.out, S.params)`` saves the files and, in a
  notebook, shows the figure with its alt text and "Figure 4. ..." below it;
* notebook text refers to them through ``{fig[04_trajectories_percent_of_reference]}`` (or ``{tab[NAME]}``) in
  a sentence of ``helpers/text/`` (``S.say(KEY)``), which becomes "Figure 4": numbers never drift when one is
  added.

**Adding a figure or table** is one entry in ``helpers/text/captions.yaml``, at its place in reading order
(the number follows from the position): ``NN_name: Caption.`` under ``tables``, or ``NN_name:`` with
``caption:`` and ``alt:`` under ``figures``. The name is the output's file name (``tables/NN_name.csv``, ``figures/NN_name.png``) or, for a
table that is only shown, a name of the same form. A caption may use the run's ``{reference_year}`` (or
``{reference_years}``: "1 year", "2 years"), ``{ci}`` (the confidence level, e.g. 95), ``{first}`` and
``{last}`` (the first and last time points) and ``{time_points}`` ("7 and 10"); a test checks that every
table and figure the notebooks show is registered and numbered in order.
"""

from __future__ import annotations

from helpers.core import run_kind
from helpers.core.stats import ci_level
from helpers.text import words

# name -> caption, in reading order (Table 1 first): helpers/text/captions.yaml
TABLES: dict[str, str] = words.get("captions.tables")
# name -> (caption shown below the figure, alt text: what the figure shows, for a reader who cannot see it)
FIGURES: dict[str, tuple[str, str]] = {k: (v["caption"], v["alt"]) for k, v in words.get("captions.figures").items()}
# tables saved as data but shown otherwise (no number of their own): name -> where a reader sees them
DATA_FILES: dict[str, str] = {
    "06_scenarios": "the two scenario tables of notebook 6, in one file",
    "07_scenarios": "the three scenario tables of notebook 7, in one file",
    "07_power": "the grid behind the power figure of notebook 7",
    "07_exaggeration": "the simulated studies behind the winner's-curse figure of notebook 7",
}

_KINDS = {"Figure": FIGURES, "Table": TABLES}
# data kind ("synthetic" or "chart") -> name -> a sentence added after its caption on that kind of data only
# (on the synthetic cohort: what rests on the model; on chart data: whose numbers they are)
ADDED: dict[str, dict[str, str]] = {data: words.get(f"captions.{data}") for data in ("synthetic", "chart")}


def _registry(kind: str, name: str) -> dict:
    registry = _KINDS[kind]
    if name not in registry:
        raise KeyError(
            f"{kind.lower()} {name!r} is not registered: add it to helpers/text/captions.yaml, "
            f"under {'figures' if kind == 'Figure' else 'tables'}, at its place in reading order"
        )
    return registry


def label(kind: str, name: str) -> str:
    """'Figure 4' or 'Table 7' (a name may be both, e.g. a figure and the table of its numbers)."""
    return f"{kind} {list(_registry(kind, name)).index(name) + 1}"


def _fill(template: str, name: str, values: dict | None, kind: str = "tables") -> str:
    key = f"captions.{kind}.{name}" if kind == "tables" else f"captions.figures.{name}.{kind}"
    added = kind in ("tables", "caption") and any(name in sentences for sentences in ADDED.values())
    if "{" not in template and not added:
        return words.fill_text(template, key)
    if values is None:
        raise ValueError(f"the caption of {name!r} depends on the run's parameters: pass params=S.params")
    ref, points = values["reference_year"], list(values["time_points"])
    standard = {
        "reference_year": ref,
        "reference_years": f"{ref} year{'s' if ref != 1 else ''}",
        "ci": ci_level(values["alpha"]),
        "alpha": f"{values['alpha']:g}",
        "first": points[0],
        "last": points[-1],
        "time_points": " and ".join(", ".join(map(str, points)).rsplit(", ", 1)),  # "7", "7 and 10", "5, 7 and 10"
    }
    text = words.fill_text(template, key, **{**values, **standard})
    data = run_kind.of(values).data
    if added and name in ADDED[data]:
        text += " " + words.fill_text(ADDED[data][name], f"captions.{data}.{name}", **{**values, **standard})
    return text


def table(name: str, values: dict | None = None) -> str:
    """'Table 7. MS vs SCI at each time point ...', filled with the run's parameters where it uses them."""
    return f"{label('Table', name)}. {_fill(_registry('Table', name)[name], name, values)}"


def figure(name: str, values: dict | None = None) -> tuple[str, str, str]:
    """A figure's label ('Figure 4'), its caption, and its alt text (what it shows, in words)."""
    text, alt = _registry("Figure", name)[name]
    return label("Figure", name), _fill(text, name, values, "caption"), _fill(alt, name, values, "alt")


class _Refs(dict):
    """``{fig[NAME]}`` or ``{tab[NAME]}`` in a text template: 'Figure N' or 'Table N'."""

    def __init__(self, kind: str):
        super().__init__()
        self.kind = kind

    def __missing__(self, name):
        return label(self.kind, name)


def references() -> dict:
    """Fields for ``str.format``: ``{fig[NAME]}`` and ``{tab[NAME]}`` give 'Figure N' and 'Table N'."""
    return {"fig": _Refs("Figure"), "tab": _Refs("Table")}
