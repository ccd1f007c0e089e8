"""What every notebook does first: check its parameters, load the cohort, know where outputs go."""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from helpers import paths, synthetic
from helpers.clinic import contract
from helpers.core import captions, counts, disclosure, figures, published, run_kind
from helpers.core.diagnoses import DIAGNOSES
from helpers.study import data_source, params
from helpers.text import words


@dataclass
class Study:
    params: dict
    out: Path
    patients: pd.DataFrame
    doses: pd.DataFrame
    source: str
    warnings: list[str] = dataclasses.field(default_factory=list)  # chart data: allowed but unlikely values

    @property
    def kind(self) -> run_kind.RunKind:
        """Which kind of run this is (:mod:`helpers.core.run_kind`): asked, never re-derived."""
        return run_kind.of(self.params)

    @property
    def chart_data(self) -> bool:
        """Real chart data (a data folder was given): disclosure rules apply."""
        return self.kind.chart

    @property
    def min_count(self) -> int | None:
        """Counts below this are masked in what the notebook shows (None: synthetic data, no masking)."""
        return self.params["min_cell_count"] if self.chart_data else None

    @property
    def show_individuals(self) -> bool:
        return not self.chart_data or self.params["show_individuals"]

    @property
    def show_extremes(self) -> bool:
        """Whether a group's minimum and maximum (single patients' values) may be shown."""
        return not self.chart_data or self.params["show_extremes"]

    @functools.cached_property
    def cells(self):
        """Every patient count the tables show, keyed (:mod:`helpers.core.counts`)."""
        p = self.params
        return counts.cells(self.patients, self.doses, p["reference_year"], p["time_points"])

    @functools.cached_property
    def shown(self) -> dict | None:
        """Chart data: what each count may show ("<5", "masked" or the count), decided once for every table
        of every notebook so they all show the same (:func:`helpers.core.counts.protected`). None: synthetic data."""
        if not self.chart_data:
            return None
        p = self.params
        return counts.protected(self.patients, self.doses, p["reference_year"], p["time_points"], self.min_count)

    def privacy_note(self) -> str:
        """What a notebook says when disclosure control changes what it shows (empty for synthetic data)."""
        if not self.chart_data:
            return ""
        return words.fill(
            "notebooks.privacy_note",
            min_count=self.params["min_cell_count"],
            secondary=disclosure.SECONDARY,
            individuals=words.fill(f"notebooks.individuals.{'shown' if self.show_individuals else 'hidden'}"),
            extremes=words.fill(f"notebooks.extremes.{'shown' if self.show_extremes else 'hidden'}"),
        )

    def masked(self, df, *columns):
        """``df`` with the counts in ``columns`` as they may be shown (:meth:`shown_count`); unchanged for
        synthetic data."""
        if not self.min_count:
            return df
        return df.assign(**{c: [str(self.shown_count(v)) for v in df[c]] for c in columns})

    def shown_count(self, n):
        """A count as it may be shown: "<N" below the threshold for chart data, and "masked" if it equals a
        count that disclosure control hides elsewhere (a table that does not say which count it is cannot
        be told apart, so every equal count is hidden)."""
        if not self.min_count:
            return int(n)
        shown = disclosure.mask(n, self.min_count)
        return disclosure.SECONDARY if shown == int(n) and int(n) in self._secondary_values else shown

    def hidden_groups(self) -> frozenset:
        """The (year, diagnosis) groups at the time points whose patient count the pages hide ("<N" or
        "masked"): the shareable summary withholds them too. Empty for synthetic data."""
        if not self.chart_data:
            return frozenset()
        return frozenset(  # as every table shows a count (shown_count): hidden too when it equals a hidden one
            (k, dx)
            for k in self.params["time_points"]
            for dx in DIAGNOSES
            if disclosure.is_hidden(self.shown_count(self.cells.count(("followed", k, dx))))
        )

    @functools.cached_property
    def _secondary_values(self) -> set:
        return {self.cells.count(k) for k, v in (self.shown or {}).items() if v == disclosure.SECONDARY}

    @property
    def clinic(self) -> str:
        """How the run names itself in its shareable summary: the chart data's folder (or workbook), or the
        synthetic cohort with its kind and seed."""
        if self.chart_data:
            return Path(self.params["data_dir"]).stem
        return f"synthetic cohort ({self.kind.value}, seed {self.params['seed']})"

    @property
    def spec(self):
        """The synthetic cohort's assumptions in force for this run."""
        return synthetic.make_spec(self.params["synthetic_mode"], self.params["seed"], self.params["synthetic"])

    def fields(self) -> dict:
        """What a notebook's sentences may name: the published values (as text at the paper's precision), this
        run's synthetic assumptions, and ``{fig[NAME]}``/``{tab[NAME]}`` (helpers/core/captions.py)."""
        from dataclasses import asdict

        return {
            **asdict(self.spec),
            **published.formatted(),
            **captions.references(),
            "source": self.source,
            "n_published": len(published.PUBLISHED),
        }

    def say(self, key: str, **values):
        """Markdown from the sentence ``key`` of ``helpers/text/notebooks.yaml`` (or ``file.key`` of another text
        file), filled with :meth:`fields` and ``values``: prose never retypes a number that lives in
        helpers/core/published.py or helpers/synthetic/. A sentence written twice, ``synthetic:`` and ``chart:``, is
        said in the form that fits this run's data: a chart-data run never calls itself synthetic."""
        from IPython.display import Markdown

        key = key if "." in key else f"notebooks.{key}"
        if isinstance(words.get(key), dict):
            key = f"{key}.{self.kind.data}"
        return Markdown(words.fill(key, **{**self.fields(), **values}))

    def warnings_note(self):
        """The data's values that are allowed but unlikely, as the runner printed them (Markdown; None if none)."""
        if not self.warnings:
            return None
        return self.say("data_warnings", lines="\n".join(f"* {line}" for line in self.warnings))

    def describe(self) -> str:
        p = self.params
        text = words.fill(
            "notebooks.describe",
            source=self.source,
            reference_year=p["reference_year"],
            time_points=", ".join(map(str, p["time_points"])),
            alpha=p["alpha"],
        )
        return f"{text}\n{self.privacy_note()}" if self.chart_data else text


def start(namespace: dict) -> Study:
    """``S = study.start(globals())`` at the top of a notebook, right after the parameters cell."""
    p = params.resolve(namespace)
    figures.setup()
    rules = contract.Rules(p["reference_year"], p["min_followup_years"], p["accept_low_reference_dose"])
    patients, doses, source, warnings = data_source.load(
        p["data_dir"], p["synthetic_mode"], p["seed"], p["synthetic"], rules
    )
    return Study(p, output_folder(p), patients, doses, source, warnings)


def output_folder(p: dict) -> Path:
    """``output_dir`` if given; else the runner's work folder; else outputs/ for the default parameters,
    or outputs/runs/adhoc-<hash>/ for others, so a one-off papermill run never overwrites the study's outputs."""
    if p.get("output_dir"):
        return paths.output_dir(p["output_dir"])
    changed = params.changed(p)
    if paths.output_dir() != paths.OUTPUTS or not changed:
        return paths.output_dir()
    digest = hashlib.sha256(json.dumps(changed, sort_keys=True, default=str).encode()).hexdigest()[:8]
    folder = paths.RUNS / f"adhoc-{digest}"
    folder.mkdir(parents=True, exist_ok=True)  # what made it, for outputs/runs/index.html
    (folder / "parameters.json").write_text(json.dumps(changed, sort_keys=True, default=str) + "\n", encoding="utf-8")
    print(f"Non-default parameters: outputs go to {folder.relative_to(paths.ROOT)}/")
    return folder
