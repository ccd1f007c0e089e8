"""Disclosure control for real chart data: no identifiers, no row-level records, no small counts.

Synthetic data need none of this. With a clinic's data (``data_dir`` set) the notebooks show aggregates
only: a count below ``min_cell_count`` becomes "<N" in every table and in the flow diagram, and plots of
individual patients are replaced by group summaries unless ``show_individuals`` is set.
"""

from __future__ import annotations

import re

import pandas as pd

_COUNT_CELL = re.compile(r"^(\d+)(\s*\(.*\))?$")  # "3" or "3 (12.5)": a count, optionally with a %


def applies(data_dir) -> bool:
    """Rules apply to chart data (a data folder was given), not to the synthetic cohort."""
    return bool(data_dir)


def mask(n, min_count: int):
    """A count, or "<min_count" when it is small but not zero."""
    return f"<{min_count}" if 0 < int(n) < min_count else int(n)


def mask_counts(df: pd.DataFrame, columns, min_count: int) -> pd.DataFrame:
    """Copy of ``df`` with small counts in ``columns`` masked (columns become text)."""
    out = df.copy()
    for c in columns:
        out[c] = [str(mask(v, min_count)) for v in out[c]]
    return out


def mask_count_cells(table: pd.DataFrame, min_count: int) -> pd.DataFrame:
    """Mask every text cell that is a count ("3" or "3 (12.5)") below ``min_count``; percentages go too."""

    def one(cell):
        m = _COUNT_CELL.match(str(cell).strip())
        if m and 0 < int(m.group(1)) < min_count:
            return f"<{min_count}"
        return cell

    return table.map(one)
