"""The reporting checklist: every STROBE and RECORD item once, complete rows, the paper's numbers never typed."""

import re

import pytest

from helpers.core import published
from helpers.publishing import checklist
from helpers.text import words

RECORD_ITEMS = ["1.1", "1.2", "1.3", "6.1", "6.2", "6.3", "7.1", "12.1", "12.2", "12.3", "13.1", "19.1", "22.1"]


def test_every_strobe_item_and_every_record_item_once():
    t = checklist.table()
    assert not t["item"].duplicated().any()
    strobe = t.loc[t["checklist"] == "STROBE", "item"]
    assert {int(re.match(r"\d+", i).group()) for i in strobe} == set(range(1, 23))
    assert list(t.loc[t["checklist"] == "RECORD", "item"]) == RECORD_ITEMS
    assert list(t.columns) == list(checklist.COLUMNS)


@pytest.mark.parametrize("data", ["synthetic", "chart"])
def test_every_cell_is_filled(data):
    t = checklist.table(data)
    assert (t.map(lambda v: isinstance(v, str) and v.strip() != "")).all().all()
    assert not t.map(lambda v: "{" in v or "}" in v).any().any()  # every field filled


def test_the_papers_numbers_come_from_published_not_from_the_text():
    typed = " ".join(str(v) for item in checklist.items() for k, v in item.items() if k not in ("item", "checklist"))
    for p in published.PUBLISHED:
        text = p.fmt(p.value)
        if len(text) >= 2 or p.key == "n_excluded":  # single digits also occur as words of the design (4-10)
            assert not re.search(rf"(?<![\w.{{]){re.escape(text)}(?![\w.])", typed), f"{p.key} = {text} typed"
    t = checklist.table().set_index("item")
    f = published.formatted()
    assert (
        f"{f['n_screened']} screened, {f['n_excluded']} excluded, {f['n_analysed']} analysed"
        in t.at["13a", "paper_reports"]
    )


def test_what_the_paper_does_not_publish_is_said_to_be_missing():
    t = checklist.table().set_index("item")
    assert "no ages, sexes" in t.at["14a", "paper_reports"]
    assert "no SD" in t.at["1b", "paper_reports"] and "SCI count" in t.at["1b", "paper_reports"]
    assert t.at["10", "this_study_shows"].count("not post-hoc power") == 1


def test_rows_the_issue_corrected():
    t = checklist.table().set_index("item")
    assert t.at["14b", "this_study_shows"] == "Notebook 1, Table 1: a Missing column for each variable."
    assert '"probably reflects the progressive disease course"' in t.at["20", "paper_reports"]
    assert "causal" in t.at["20", "paper_reports"] and t.at["20", "paper_reports"] != words.fill(
        "checklist.not_in_record"
    )
    row9 = t.at["9", "paper_reports"] + t.at["9", "this_study_shows"]
    assert "other than need" not in row9 and "raises need" in row9
    assert "raises" not in t.at["9", "paper_reports"]  # our reading of why, not the paper's words


def test_the_checklist_is_data_a_methodologist_edits():
    from helpers.text import words

    items = words.get("checklist.items")
    assert [i["item"] for i in items] == list(checklist.table()["item"])
    with open(checklist.__file__, encoding="utf-8") as f:
        assert "Title and abstract" not in f.read()  # the items live in helpers/text/checklist.yaml, not in Python


def test_a_chart_runs_checklist_never_calls_its_data_synthetic():
    """Rows written twice (synthetic: and chart:) say what this run shows on each kind of data."""
    chart, default = checklist.table("chart").set_index("item"), checklist.table().set_index("item")
    assert not chart[["this_study_shows", "still_missing"]].map(lambda v: "synthetic" in v).any().any()
    assert (
        "synthetic" in default.loc["1a", "this_study_shows"] and "chart export" in chart.loc["1a", "this_study_shows"]
    )
    assert "summary.json" in chart.loc["22.1", "this_study_shows"]
