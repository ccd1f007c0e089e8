"""make pool from end to end: the shipped example clinics (up to date with their code) pooled by the pooling
notebook through the runner, its two tables with the columns the issue names, and its pages."""

import json
import subprocess

import pandas as pd
import pytest

from helpers import paths
from helpers.pooling import examples, meta
from helpers.runner import handout

from ..conftest import PY
from ..runner.test_handout import printing


def test_the_shipped_example_clinics_are_what_their_code_makes():
    for name in examples.CLINICS:
        shipped = json.loads((examples.FOLDER / f"{name}.json").read_text(encoding="utf-8"))
        assert shipped == json.loads(json.dumps(examples.build(name))), f"{name}: python -m helpers.pooling.examples"
        assert "synthetic" in shipped["clinic"] and "assumed" in shipped["clinic"]  # labelled as such


@pytest.mark.xdist_group("pool")
def test_make_pool_with_no_summaries_pools_the_examples_into_the_two_tables(tmp_path):
    out = tmp_path / "pool"
    proc = subprocess.run([PY, "-m", "helpers.runner.pool", "--out", str(out)], cwd=paths.ROOT, capture_output=True,
                          text=True, encoding="utf-8", timeout=600)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    clinics = pd.read_csv(out / "tables" / "08_clinics.csv")
    pooled = pd.read_csv(out / "tables" / "08_pooled.csv")
    assert list(clinics.columns) == ["clinic", "year", "estimate", "se", "n_ms", "n_sci"]
    assert list(pooled.columns) == ["year", "method", "estimate", "ci_low", "ci_high", "tau2", "i2"]
    assert set(pooled["method"]) == {"fixed", "DL", "PM"} and set(pooled["year"]) == {7, 10}
    assert meta.PAPER in set(clinics["clinic"]) and len(clinics) == 2 * (len(examples.CLINICS) + 1)
    again = meta.pooled(clinics)[list(pooled.columns)]  # the tables agree with the pooling, recomputed
    pd.testing.assert_frame_equal(again.reset_index(drop=True), pooled, check_exact=False, rtol=1e-5)
    page = (out / "html" / "08_clinics.html").read_text(encoding="utf-8")
    assert "What pooling shows, and what it cannot" in page and "synthetic" in page
    front = (out / "html" / "index.html").read_text(encoding="utf-8")
    assert "Clinics together" in front and "no patient" in front
    if printing.mark.args[0]:  # no browser to print with here (CI installs one)
        return
    assert handout.main(["--html", str(out / "html"), "--out", str(tmp_path / "handout")]) == 0
    assert [p.name for p in (tmp_path / "handout").iterdir()] == ["pooling.pdf"]
