"""Disclosure control for real chart data: no identifiers, no row-level records, no small counts.

Synthetic data need none of this. With a clinic's data (``data_dir`` set) the notebooks show aggregates
only:

* a count below ``min_cell_count`` becomes "<N" (primary suppression);
* where counts add up (screened = excluded + analysed, a total and its parts in a table), further counts
  are shown as "masked" until no "<N" or "masked" count can be worked out from the shown ones by adding
  and subtracting (secondary suppression, :func:`protect`);
* the minimum and maximum of a group (single patients' values) are replaced by the 10th and 90th
  percentiles unless ``show_extremes`` is set, and plots of individual patients by group summaries unless
  ``show_individuals`` is set.

What :func:`protect` guards against is exact recovery by linear arithmetic on the shown counts (the
subtraction attack). It does not narrow intervals: a reader still learns that a "<5" count is 1 to 4.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

SECONDARY = "masked"  # a count hidden so that a small one cannot be recovered by subtraction
_COUNT_CELL = re.compile(r"^(\d+)(\s*\(.*\))?$")  # "3" or "3 (12.5)": a count, optionally with a %


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


def is_hidden(value) -> bool:
    """A shown value that stands for a hidden count ("<5" or "masked")."""
    return isinstance(value, str) and (value.startswith("<") or value == SECONDARY)


# ---- secondary suppression ---------------------------------------------------------------------------------


def protect(counts: dict, relations, min_count: int, shown=None, reluctant=()) -> dict:
    """What may be shown of each count so that none hidden can be recovered from the others.

    ``counts``: every count by key (any hashable), including counts no table shows. ``relations``: pairs
    ``(total, parts)`` with ``counts[total] == sum(counts[p] for p in parts)``, the arithmetic a reader can
    do. ``shown``: the keys some table shows (default: all); a count not shown is unknown to a reader,
    unless it is zero. Zeros are never masked (a table often leaves out an empty row, which tells the same)
    and count as known. The loop always ends with nothing determined: with every non-zero count of every
    relation that holds a hidden one masked, the hidden counts could all be zero as far as sums can tell. ``reluctant``: keys to mask only if
    nothing else will do (shown elsewhere without this protection): any other count near a masked one goes first.

    Returns, for each shown key, the count, "<min_count" (small) or :data:`SECONDARY`. A small count is
    masked first; then, while any masked count is determined by the relations and the shown counts, one
    more count that shares a relation with such a count is masked: a part before a total (totals are what readers
    use most), then the one in fewest relations (least knock-on), the smallest, the first listed.
    """
    keys = list(counts)
    shown = set(keys if shown is None else shown)
    for total, parts in relations:
        if counts[total] != sum(counts[p] for p in parts):
            raise ValueError(f"relation does not hold: {total} != sum of {parts}")
    hidden = {k for k in keys if k not in shown and counts[k] != 0}
    small = {k for k in shown if 0 < counts[k] < min_count}
    masked = set(small)
    degree, is_total = dict.fromkeys(keys, 0), dict.fromkeys(keys, False)
    for total, parts in relations:
        is_total[total] = True
        for k in {total, *parts}:
            degree[k] += 1
    order = {k: i for i, k in enumerate(keys)}
    while True:
        exposed = _determined(keys, relations, masked | hidden, masked)
        if not exposed:
            break
        near = _unmasked(relations, set(exposed), shown, masked, counts)
        further = _unmasked(relations, masked | hidden, shown, masked, counts)  # through masked, undetermined counts
        candidates = (
            [k for k in near if k not in reluctant] or [k for k in further if k not in reluctant] or near or further
        )
        rank = lambda k: (k in reluctant, is_total[k], degree[k], counts[k], order[k])  # noqa: E731
        masked.add(min(candidates, key=rank))
    return {
        k: (f"<{min_count}" if k in small else SECONDARY) if k in masked else int(counts[k]) for k in keys if k in shown
    }


def _unmasked(relations, around: set, shown: set, masked: set, counts: dict) -> list:
    """Shown, unmasked, non-zero counts that share a relation with a count in ``around``."""
    near = {k for total, parts in relations if around & {total, *parts} for k in (total, *parts)}
    return [k for k in near if k in shown and k not in masked and counts[k] != 0]


def _determined(keys, relations, unknown: set, masked: set) -> list:
    """The masked keys whose value the relations fix, given every key outside ``unknown``."""
    columns = [k for k in keys if k in unknown]
    if not columns or not masked:
        return []
    index = {k: i for i, k in enumerate(columns)}
    rows = []
    for total, parts in relations:
        row = np.zeros(len(columns))
        for k, sign in ((total, 1.0), *((p, -1.0) for p in parts)):
            if k in index:
                row[index[k]] += sign
        if row.any():
            rows.append(row)
    if not rows:
        return []
    a = np.array(rows)
    _, s, vt = np.linalg.svd(a)
    rank = int((s > 1e-9 * max(1.0, s[0])).sum())
    null = vt[rank:].T  # a basis of the unknowns' freedom; a key with no freedom is determined
    return [k for k in columns if k in masked and (null.shape[1] == 0 or np.abs(null[index[k]]).max() < 1e-9)]


# ---- extremes ----------------------------------------------------------------------------------------------

EXTREMES_NOTE = "10th-90th percentile (the minimum and maximum are single patients' values)"


def spread(values: pd.Series, extremes: bool) -> dict:
    """A group's spread: its minimum and maximum, or (``extremes`` False) its 10th and 90th percentiles."""
    if extremes:
        return {"min": values.min(), "max": values.max()}
    return {"p10": values.quantile(0.10), "p90": values.quantile(0.90)}


def n_text(value, spaced: bool = False) -> str:
    """'n=22', or 'n<5' for a masked count ('n = 22' / 'n < 5' with ``spaced``): never 'n = <5'."""
    value = str(value)
    if value.startswith("<"):
        return f"n {value[0]} {value[1:]}" if spaced else f"n{value}"
    return f"n = {value}" if spaced else f"n={value}"
