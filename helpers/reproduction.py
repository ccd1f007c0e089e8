"""The paper beside this run: each published number, the value computed here, and whether they match."""

from __future__ import annotations

import math

import pandas as pd

from .published import PUBLISHED


def compare(results: dict[str, float], count=None) -> pd.DataFrame:
    """One row per published quantity: ``quantity, published, reproduced, matches``.

    Both values are shown at the paper's precision (as text, so 0.006 stays 0.006); a quantity matches
    when the computed value, rounded to that precision, equals the published one. A quantity this run
    did not compute (another time point, say) is shown as "-" and does not match. ``count`` (chart data)
    masks small patient counts in the reproduced column.
    """
    rows = []
    for p in PUBLISHED:
        got = results.get(p.key, math.nan)
        ok = got is not None and not (isinstance(got, float) and math.isnan(got))
        shown = p.fmt(got) if ok else "-"
        if ok and count and p.unit == "patients":
            shown = str(count(int(got)))
        rows.append(
            {
                "quantity": p.label + (f" ({p.unit})" if p.unit and p.unit != "patients" else ""),
                "published": p.fmt(p.value),
                "reproduced": shown,
                "matches": bool(ok and shown == p.fmt(p.value)),
            }
        )
    return pd.DataFrame(rows)
