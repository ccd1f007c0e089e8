"""The shareable summary: what it holds (aggregates the schema allows), what it never holds (a count under the
minimum cell count, a patient id, an individual value), and its bytes from run to run."""

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers.core import cohort, stats
from helpers.pooling import checks, summary
from helpers.study import params


def _pct(sizes: dict, seed: int) -> pd.DataFrame:
    """% of the reference dose at 7 and 10 years: ``sizes[(diagnosis, year)]`` patients each."""
    rng = np.random.default_rng(seed)
    rows = [{"patient_id": f"ID-{dx}-{year}-{i}", "diagnosis": dx, "year": year, "pct": float(rng.lognormal(4.8, 0.4))}
            for (dx, year), n in sizes.items() for i in range(n)]  # fmt: skip
    return pd.DataFrame(rows, columns=["patient_id", "diagnosis", "year", "pct"])


@settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(
    sizes=st.fixed_dictionaries({(dx, y): st.integers(0, 12) for dx in ("MS", "SCI") for y in (7, 10)}),
    floor=st.integers(1, 8),
    seed=st.integers(0, 1000),
)
def test_no_summary_holds_a_small_count_or_a_patient(sizes, floor, seed):
    pct = _pct(sizes, seed)
    s = summary.build(pct, {**params.DEFAULTS, "min_cell_count": floor}, "c", "chart", "0" * 12, "f")
    text = json.dumps(s)
    counts = [g["n"] for g in s["groups"] if "n" in g] + [
        d[k] for d in s["differences"] for k in ("n_ms", "n_sci") if k in d
    ]
    assert all(n >= floor for n in counts)
    assert "ID-" not in text  # no patient id
    assert all(g["n"] >= 2 for g in s["groups"] if "n" in g)  # a group of one would show a patient's value
    assert checks.check(s, "s.json") is s  # and it passes the checks a pooling run makes


def test_a_group_the_pages_hide_is_withheld_with_its_difference():
    """A count the run's pages hide (secondary suppression) is not given away by the summary."""
    pct = _pct({("MS", 7): 9, ("SCI", 7): 8, ("MS", 10): 7, ("SCI", 10): 6}, 1)
    s = summary.build(pct, params.DEFAULTS, "c", "chart", "0" * 12, "f", hidden=frozenset({(7, "SCI")}))
    withheld = {(g["year"], g["diagnosis"]) for g in s["groups"] if g["withheld"]}
    assert withheld == {(7, "SCI")}
    assert [d["withheld"] for d in s["differences"]] == [True, False]
    assert checks.check(s, "s.json") is s


def test_the_summary_holds_what_pooling_needs_and_the_same_run_writes_the_same_bytes(tmp_path, synthetic_frames):
    patients, doses = synthetic_frames[0], synthetic_frames[1]
    pct = cohort.percent_of_reference(patients, doses, 1, [7, 10])
    s = summary.build(pct, params.DEFAULTS, "c", "paper", summary.fingerprint(patients, doses), "f")
    at7 = pct.loc[pct["year"] == 7]
    ms, sci = (at7.loc[at7["diagnosis"] == dx, "pct"] for dx in ("MS", "SCI"))
    d = s["differences"][0]
    assert d["estimate"] == pytest.approx(ms.mean() - sci.mean(), abs=1e-5)
    assert d["se_student"] == pytest.approx(stats.t_test(ms, sci, True).se, abs=1e-5)
    assert d["se_welch"] == pytest.approx(np.sqrt(ms.var() / len(ms) + sci.var() / len(sci)), abs=1e-5)
    g = next(g for g in s["groups"] if g["diagnosis"] == "MS" and g["year"] == 7)
    assert g["sd_log_ratio"] == pytest.approx(np.log(ms / 100).std(ddof=1), abs=1e-5)
    first = summary.write(s, tmp_path).read_bytes()
    assert summary.write(summary.build(pct, params.DEFAULTS, "c", "paper", s["data"]["fingerprint"], "f"),
                         tmp_path).read_bytes() == first  # fmt: skip
    assert s["settings"] == {k: params.DEFAULTS[k] for k in summary.SETTINGS}
