"""What the clinic-export tests share: reading a folder back, writing a table as a clinic would, the lines of a
refusal, and two folders compared by what the study computes from them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from helpers.clinic import export_files
from helpers.core import reproduction
from helpers.errors import StudyInputError

OPTIONAL = ("sex", "age_at_implant", "years_since_onset", "sci_level", "ais_grade")  # columns a clinic may leave out


def csv(folder: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(folder / name, dtype=str, keep_default_na=False)


def write(df: pd.DataFrame, folder: Path, name: str, **kw) -> None:
    df.to_csv(folder / name, index=False, lineterminator="\n", **kw)


def refusal(folder) -> list[str]:
    with pytest.raises(StudyInputError) as err:
        export_files.read(folder)
    return err.value.lines


def assert_same_study(folder_a, folder_b) -> None:
    """Both folders give the same validated frames and the same headline numbers."""
    pa_, da, *_ = export_files.read(folder_a)
    pb, db, *_ = export_files.read(folder_b)
    pd.testing.assert_frame_equal(pa_, pb)
    pd.testing.assert_frame_equal(da, db)
    ha, hb = reproduction.headline_numbers(pa_, da), reproduction.headline_numbers(pb, db)
    assert ha.keys() == hb.keys()
    for k in ha:
        assert ha[k] == hb[k] or (np.isnan(ha[k]) and np.isnan(hb[k])), k


def copy_export(canonical: Path, folder: Path) -> Path:
    folder.mkdir()
    for name in ("patients.csv", "doses.csv"):
        (folder / name).write_bytes((canonical / name).read_bytes())
    return folder
