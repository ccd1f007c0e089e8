"""The reporting checklist: STROBE for cohort studies, with the RECORD items for routinely collected data.

One row per item: what the item asks (paraphrased), what the paper reports, what this study shows, and what
stays missing. "The paper reports" is limited to what this study holds of the paper: the design, counts and
results of its abstract, and the 20 numbers of helpers/core/published.py. Where that record is silent the row
says so, and a reader should check the full text before counting it as unreported.

The items are data, in ``helpers/text/checklist.yaml``, where a methodologist corrects them; numbers of the
paper are written there as {fields} and filled from helpers/core/published.py, never typed. A cell written
twice, ``synthetic:`` and ``chart:``, is said in the form that fits the run's data (``RunKind.data``).

STROBE: von Elm E et al. Lancet 2007;370:1453-7 (doi:10.1016/S0140-6736(07)61602-X).
RECORD: Benchimol EI et al. PLoS Med 2015;12:e1001885 (doi:10.1371/journal.pmed.1001885).
"""

from __future__ import annotations

import pandas as pd

from helpers.core import published
from helpers.text import words

COLUMNS = ("item", "checklist", "section", "asks", "paper_reports", "this_study_shows", "still_missing")


def items() -> list[dict]:
    """The checklist's entries as written in the YAML file (fields not filled)."""
    return words.get("checklist.items")


def _fields() -> dict[str, str]:
    t1, t2 = published.TIME_POINTS
    lo, hi = published.ADJUSTMENTS_PER_YEAR
    return {
        **published.formatted(),
        "t1": str(t1),
        "t2": str(t2),
        "ref": str(published.REFERENCE_YEAR),
        "adj_low": str(lo),
        "adj_high": str(hi),
        "not_in_record": words.fill("checklist.not_in_record"),
        "not_applicable": words.fill("checklist.not_applicable"),
    }


def table(data: str = "synthetic") -> pd.DataFrame:
    """The checklist as a DataFrame (one row per item), the paper's numbers filled from helpers/core/published.py;
    ``data`` ("synthetic" or "chart", the run's ``RunKind.data``) chooses the cells written for each."""
    fields = _fields()

    def cell(i: int, column: str) -> str:
        key = f"checklist.items.{i}.{column}"
        return words.fill(f"{key}.{data}" if isinstance(words.get(key), dict) else key, **fields)

    rows = [[cell(i, column) for column in COLUMNS] for i in range(len(items()))]
    return pd.DataFrame(rows, columns=list(COLUMNS))
