"""What every notebook does first: check its parameters, load the cohort, know where outputs go."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import captions, cohort, disclosure, figures, loading, params, paths, published, synthetic


@dataclass
class Study:
    params: dict
    out: Path
    patients: pd.DataFrame
    doses: pd.DataFrame
    source: str

    @property
    def chart_data(self) -> bool:
        """Real chart data (a data folder was given): disclosure rules apply."""
        return disclosure.applies(self.params["data_dir"])

    @property
    def min_count(self) -> int | None:
        """Counts below this are masked in what the notebook shows (None: synthetic data, no masking)."""
        return self.params["min_cell_count"] if self.chart_data else None

    @property
    def show_individuals(self) -> bool:
        return not self.chart_data or self.params["show_individuals"]

    def privacy_note(self) -> str:
        """What a notebook says when disclosure control changes what it shows (empty for synthetic data)."""
        if not self.chart_data:
            return ""
        shown = "shown" if self.show_individuals else "not shown (set show_individuals: true to allow)"
        return (
            f"Chart data: counts below {self.params['min_cell_count']} are shown as '<{self.params['min_cell_count']}'; "
            f"individual patients are {shown}."
        )

    def masked(self, df, *columns):
        """``df`` with small counts in ``columns`` masked for chart data (unchanged for synthetic data)."""
        return disclosure.mask_counts(df, columns, self.min_count) if self.min_count else df

    def shown_count(self, n):
        """A count as it may be shown: masked below the threshold for chart data."""
        return disclosure.mask(n, self.min_count) if self.min_count else int(n)

    @property
    def spec(self):
        """The synthetic cohort's assumptions in force for this run."""
        return synthetic.make_spec(self.params["synthetic_mode"], self.params["seed"], self.params["synthetic"])

    def text(self, template: str):
        """Markdown from a template whose {fields} are published values or this run's synthetic assumptions,
        so prose never retypes a number that lives in helpers/published.py or helpers/synthetic.py;
        ``{fig[NAME]}`` and ``{tab[NAME]}`` become "Figure N" and "Table N" (helpers/captions.py)."""
        from dataclasses import asdict

        from IPython.display import Markdown

        return Markdown(template.format(**{**asdict(self.spec), **published.formatted(), **captions.references()}))

    def describe(self) -> str:
        p = self.params
        text = (
            f"Data: {self.source}. Reference year {p['reference_year']}; time points "
            f"{', '.join(map(str, p['time_points']))} years; alpha {p['alpha']:g}."
        )
        return f"{text}\n{self.privacy_note()}" if self.chart_data else text


def start(namespace: dict) -> Study:
    """``S = study.start(globals())`` at the top of a notebook, right after the parameters cell."""
    p = params.resolve(namespace)
    figures.setup()
    patients, doses, source = loading.load(p["data_dir"], p["synthetic_mode"], p["seed"], p["synthetic"])
    cohort.require_groups(patients)
    return Study(p, output_folder(p), patients, doses, source)


def output_folder(p: dict) -> Path:
    """``output_dir`` if given; else the runner's build folder; else outputs/ for the default parameters,
    or outputs/runs/adhoc-<hash>/ for others, so a one-off papermill run never overwrites the study's outputs."""
    if p.get("output_dir"):
        return paths.output_dir(p["output_dir"])
    changed = params.changed(p)
    if paths.output_dir() != paths.OUTPUTS or not changed:
        return paths.output_dir()
    digest = hashlib.sha256(json.dumps(changed, sort_keys=True, default=str).encode()).hexdigest()[:8]
    folder = paths.RUNS / f"adhoc-{digest}"
    print(f"Non-default parameters: outputs go to {folder.relative_to(paths.ROOT)}/")
    return folder
