"""How a table reaches the reader: saved as CSV with fixed formatting, shown as a styled HTML table with its
numbered caption (helpers/core/captions.py)."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from helpers import paths
from helpers.core import captions


def save(df: pd.DataFrame, name: str, out: Path, index: bool = False) -> Path:
    """Write ``tables/<name>.csv`` under the output folder with fixed formatting."""
    path = paths.tables_dir(Path(out)) / f"{name}.csv"
    df.to_csv(path, index=index, lineterminator="\n", float_format=lambda v: f"{v:.6g}")
    return path


# Column names as a reader sees them (CSV files keep the short machine names)
DISPLAY_NAMES = {
    "sd": "SD",
    "ci_low": "CI low",
    "ci_high": "CI high",
    "dof": "df",
    "n_ms": "n MS",
    "n_sci": "n SCI",
    "estimate_is": "estimate in",
    "gm_ci_low": "CI low",
    "gm_ci_high": "CI high",
    "geometric_mean_pct": "geometric mean %",
    "p_student": "p, log scale",
    "p_published_test": "p, published test",
    "mean_pct_at_7y": "mean % at 7 years",
}


def _display_name(column) -> str:
    return DISPLAY_NAMES.get(column, str(column).replace("_", " "))


def show(
    df: pd.DataFrame,
    name: str,
    formats: dict | None = None,
    index: bool = False,
    precision: int = 1,
    params: dict | None = None,
):
    """A styled HTML table for the notebook, numbers at a sensible precision, captioned "Table N. ..." from
    the registry in :mod:`helpers.core.captions` (``name`` is the table's registered name; ``params``, the run's
    parameters, fill a caption that uses them).

    Returned as IPython HTML with a fixed uuid: a Styler's own repr carries a memory address, which would
    change the saved notebook on every run.
    """
    from IPython.display import HTML

    caption = captions.table(name, params)
    df = df.rename(columns=_display_name)
    formats = {_display_name(k): _tolerant(v) for k, v in (formats or {}).items()}

    uid = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40]
    sty = df.style.set_uuid(uid).set_caption(caption).format(formats, precision=precision, na_rep="-")
    sty = sty.set_table_styles(
        [
            {"selector": "caption", "props": "caption-side: top; font-weight: bold; text-align: left;"},
            {"selector": "th.row_heading", "props": "text-align: left; font-weight: normal;"},
        ]
    )
    text_cols = [c for c in df.columns if not pd.api.types.is_numeric_dtype(df[c]) and c not in formats]
    if text_cols:  # words read better left-aligned, under a header aligned with them; numbers stay right-aligned
        sty = sty.set_properties(subset=text_cols, **{"text-align": "left"})
        sty = sty.set_table_styles(
            [
                {"selector": f"th.col_heading.col{list(df.columns).index(c)}", "props": "text-align: left;"}
                for c in text_cols
            ],
            overwrite=False,
        )
    sty = sty.hide(names=True, axis="index") if index else sty.hide(axis="index")
    return HTML(sty.to_html())


def _tolerant(fmt):
    """A number format that leaves text alone (a masked count such as '<5' stays as it is)."""
    if callable(fmt):
        return fmt
    return lambda v: fmt.format(v) if isinstance(v, (int, float, np.number)) and not isinstance(v, bool) else str(v)
