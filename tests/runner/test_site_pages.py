"""The site's own pages (index, runs index) rendered from their templates, on small hand-made tables."""

from pathlib import Path

from helpers.journal_club import results_in_words
from helpers.runner import plan, site


def test_p_values_never_read_zero():
    assert results_in_words.p_text(0.0004) == "p < 0.001" and results_in_words.p_text(0.0) == "p < 0.001"
    assert results_in_words.p_text(0.0123) == "p = 0.012" and results_in_words.p_format(0.00001) == "<0.001"


def _build(tmp_path: Path, p: str) -> Path:
    tables = tmp_path / "tables"
    tables.mkdir()
    (tmp_path / "figures").mkdir()
    (tables / "reproduction.csv").write_text(
        "quantity,published,reproduced,matches\nPatients analysed,41,41,True\n", encoding="utf-8"
    )
    (tables / "04_percent_of_reference_by_group.csv").write_text(
        "year,diagnosis,n,mean,sd,ci_low,ci_high,median,min,max\n7,MS,22,157.0,59.8,130.5,183.5,144,77,290\n",
        encoding="utf-8",
    )
    (tables / "04_group_tests.csv").write_text(
        f"year,test,n_ms,n_sci,statistic,dof,p,estimate,ci_low,ci_high,estimate_is\n7,Student t,220,190,9.1,408,{p},44,13,74,x\n",
        encoding="utf-8",
    )
    return tmp_path


def test_index_page_says_p_below_0001_and_escapes_what_it_shows(tmp_path):
    named = plan.Plan([], tmp_path, name="big<run>")
    page = site.index_page(
        _build(tmp_path, "2.1e-07"), [("01_cohort", "1. Who & why")], named, {"code_fingerprint": "f"}
    )
    assert "p &lt; 0.001" in page and "0.000" not in page
    assert "1. Who &amp; why" in page and "<run>" not in page and "big&lt;run&gt;" in page
    assert "1 of 1 published numbers reproduced" in page


def test_the_headline_numbers_say_what_kind_each_is(tmp_path):
    """Published, fixed by the paper (the Student CI at 7 years) or resting on an assumption (each group's CI,
    the Welch p): notebook 4's words, each assumption said once; on chart data one sentence says it instead."""
    tables = _build(tmp_path, "0.006") / "tables"
    with (tables / "04_group_tests.csv").open("a", encoding="utf-8") as f:
        f.write("7,Welch t,22,19,3.0,31.8,0.0047,44,14,73,x\n")
    page = site.index_page(tmp_path, [], plan.Plan([], tmp_path), {"code_fingerprint": "f"})
    assert '13 to 74<sup class="mark" title="fixed by the paper">F</sup>' in page  # a compact mark ...
    assert 'p = 0.006<sup class="mark" title="published">P</sup>' in page
    assert 'p = 0.005<sup class="mark" title="rests on an assumption (a)">A<sub>a</sub></sup>' in page
    assert page.count("(a) the MS spread 2 times the SCI spread (sd_ratio_ms_to_sci)") == 1
    assert "<b>P</b> published" in page and "<b>F</b> fixed by the paper" in page  # ... and one legend
    assert page.index("The answer") < page.index("Who was studied")  # the answer before the patient flow
    chart = plan.Plan([], tmp_path, values={"data_dir": str(tmp_path)}, name="clinic")
    page = site.index_page(tmp_path, [], chart, {"code_fingerprint": "f"})
    assert "Every number here is from your chart data" in page and 'class="mark"' not in page
