"""What the journal club says of the paper, held to its abstract (issue 28's reading by a biostatistician): each
point a string the committed notebooks, the words files, the checklist and the front page must (not) contain."""

import re

import nbformat
import pytest
from bs4 import BeautifulSoup

from helpers import paths
from helpers.publishing import checklist

TEXT_FILES = [*sorted((paths.ROOT / "helpers" / "text").glob("*.yaml")),
              paths.ROOT / "helpers" / "runner" / "templates" / "pages" / "index.html.j2"]  # fmt: skip


def _notebook_text(name: str) -> str:
    """A committed notebook as a reader sees it: its Markdown and the text of its outputs, on one line."""
    parts = []
    for cell in nbformat.read(paths.NOTEBOOKS / f"{name}.ipynb", as_version=4).cells:
        parts.append(cell.source if cell.cell_type == "markdown" else "")
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            parts += [
                data.get("text/markdown", ""),
                BeautifulSoup(data.get("text/html", ""), "html.parser").get_text(" "),
            ]
    return " ".join(re.sub(r"\s*\n#?\s*", " ", " ".join(parts)).split())


@pytest.fixture(scope="module")
def session():
    return _notebook_text("06_journal_club")


@pytest.fixture(scope="module")
def everything(session):
    files = " ".join(" ".join(f.read_text(encoding="utf-8").split()) for f in TEXT_FILES)
    notebooks = " ".join(_notebook_text(p.stem) for p in paths.study_notebooks())
    return f"{files} {notebooks}"


def test_the_conclusion_is_quoted_whole_in_the_claim_and_the_checklist(session):
    row_20 = " ".join(checklist.table().set_index("item").loc["20"].astype(str))
    for text in (session, " ".join(row_20.split())):
        assert '"probably reflects the progressive disease course"' in text
        assert (
            '"suggests possible pump failure, triggering factors for spasticity or progressive spinal disease"' in text
        )


@pytest.mark.parametrize("wrong", ["does not progress", "stable neurological", "unrelated to the disease course",
                                   'suggests possible pump failure"', "far from one steady rate", "1: one steady"])  # fmt: skip
def test_no_wrong_or_cut_statement_is_left(everything, wrong):
    assert wrong not in everything


@pytest.mark.parametrize("lacks", ["the paper does not", "the paper reports no", "the paper gives no",
                                   "the paper gives neither", "none is recorded", "with no ages, sexes or",
                                   "the paper publishes", "unpublished", "unreported", "is not reported",
                                   "the paper reports one"])  # fmt: skip
def test_what_the_paper_lacks_is_what_its_abstract_does_not_report(everything, lacks):
    assert lacks not in everything.lower()


def test_checklist_row_9_names_only_what_the_session_switches_on():
    row_9 = " ".join(checklist.table().set_index("item").loc["9"].astype(str))
    session_part = row_9.split("Notebook 6")[1].split("notebook 7")[0]
    assert "exclusion by outcome and survivorship" in session_part
    assert "reference dose" not in session_part and "confounding" not in session_part


@pytest.mark.parametrize("point", [
    "avoid leg/trunk weakness",  # the weakness ceiling, a rival to progression
    "a group that starts lower shows a larger %",  # the 1-year dose as the denominator
    "regression to the mean",
    "pump and concentration changes",  # era and practice
    "refill interval",  # clinical relevance
    "partial control",  # tolerance would raise SCI doses too
    "causes to look for, not findings",  # the second conclusion discussed
])  # fmt: skip
def test_the_missing_appraisal_points_are_in_the_session(session, point):
    assert point in session


def test_the_published_means_are_not_applied_to_the_pooled_median(session):
    section_4 = session.split("4. Do the results apply")[1].split("5. Would it replicate")[0]
    assert "only if the ratio does not depend on the start dose" in section_4
    assert "µg/24 h in MS" not in section_4  # no dose computed from the mean of ratios and the pooled median


def test_a_masked_count_reads_n_less_than_five():
    from helpers.core import disclosure

    assert disclosure.n_text("<5", spaced=True) == "n < 5" and disclosure.n_text(22, spaced=True) == "n = 22"
    assert "n = {{ r.n }}" not in TEXT_FILES[-1].read_text(encoding="utf-8")
