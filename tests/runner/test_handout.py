"""`make handout`: PDFs printed by Chromium from a built site; the study's reader pages 1-5 without navigation,
and for the journal club a participants' sheet, a teacher's guide, slides and the appendix."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from helpers.runner import handout


def _browser() -> str | None:
    """A browser on PATH (Chrome or Edge found where it installed itself count too when printing)."""
    return next((b["executable_path"] for b in handout.browsers() if "executable_path" in b), None)


printing = pytest.mark.skipif(
    not _browser() or not shutil.which("pdftotext"),
    reason="no Chromium, Chrome or Edge, or no pdftotext (apt-get install chromium poppler-utils); CI installs both",
)


def _text(pdf: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", str(pdf), "-"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=True,
    ).stdout


def _pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, encoding="utf-8", check=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


@pytest.fixture(scope="session")
def pdfs(default_run, tmp_path_factory):
    out = tmp_path_factory.mktemp("handout")
    assert handout.main(["--html", str(default_run / "html"), "--out", str(out)]) == 0
    return out


@printing
@pytest.mark.xdist_group("handout")  # the PDFs are printed once, for both
def test_study_pdf_holds_the_reader_pages_of_notebooks_1_to_5(pdfs):
    pdf = pdfs / "study.pdf"
    assert _pages(pdf) > 5
    text = _text(pdf)
    titles = ["1. Who was studied", "2. From screened to analysed", "3. The dose after one year",
              "4. Dose change at 7 and 10 years", "5. The paper beside this run"]  # fmt: skip
    positions = [text.index(t) for t in titles]
    assert positions == sorted(positions)
    assert "6. Journal club" not in text and "Study overview" not in text and "Show the code" not in text
    assert "Figure 1." in text and "Table 1." in text and "Figure 5." in text and "References" in text
    assert "from helpers import" not in text  # reader pages: no code


ANSWERS = ("Answer", "For the teacher", "observed power", "censoring", "geometric mean of")  # words only answers use


@printing
@pytest.mark.xdist_group("handout")  # the PDFs are printed once, for all
def test_the_participants_sheet_fits_four_pages_and_holds_no_answer(pdfs):
    pdf = pdfs / "participants.pdf"
    assert _pages(pdf) <= 4
    text = " ".join(_text(pdf).split())
    assert not [w for w in ANSWERS if w in text]
    assert "notebook" not in text.lower() and "appendix" not in text.lower() and "Data:" not in text
    for kind in ("Table", "Figure"):  # numbered from 1 as participants meet them, none they do not hold
        captions = re.findall(rf"{kind} (\d+)\. [A-Z]", text)
        assert captions == [str(i) for i in range(1, len(captions) + 1)] and captions, kind
        assert set(re.findall(rf"{kind} (\S+?)[.,;:)]? ", text)) <= set(captions), kind
    beside = {"A. If pump": "2.1 Who", "B. Progression": "2.3 Confounding", "C. SCI patients": "3.1 How precise",
              "D. A patient": "4. Do the results", "E. The figure": "5. How much", "F. How would": "5. How much"}  # fmt: skip
    headings = ["1. The question", "2.1 Who", "2.2 Does", "2.3 Confounding", "2.4 Was", "3.1 How precise",
                "3.2 Which", "3.3 How much", "4. Do the results", "5. How much", "6. The bottom line"]  # fmt: skip
    at = {h: text.index(h) for h in headings}
    questions = [text.index(q) for q in beside]
    assert questions == sorted(questions)  # A to F in reading order, each under its own section's heading
    for question, section in beside.items():
        assert max((h for h in headings if at[h] < text.index(question)), key=at.get) == section, question
    conclusion = "probably reflects the progressive disease course"
    assert conclusion in text and "triggering factors for spasticity or progressive spinal disease" in text
    assert "journal club, participants' sheet (synthetic data)" in text  # the footer says what the data are
    last_page = _text(pdf).split("\f")[_pages(pdf) - 1]
    assert len(last_page.split()) > 150  # no half-blank page


@printing
@pytest.mark.xdist_group("handout")
def test_the_teachers_guide_holds_the_plan_what_to_say_and_the_answers(pdfs):
    text = " ".join(_text(pdfs / "teacher.pdf").split())
    assert "The plan (80 minutes)" in text and text.count("Say:") >= 10
    assert text.count("For the teacher") == 4 and "Answer" in text and "observed power" in text
    assert "Table T1." in text and "Table T2." in text  # the scenario tables only the teacher holds
    sheet = " ".join(_text(pdfs / "participants.pdf").split())
    for caption in re.findall(r"(?:Table|Figure) \d+\. [^.]{10,40}", sheet):  # the sheet's numbers, same tables
        assert caption in text


@printing
@pytest.mark.xdist_group("handout")
def test_the_slides_are_landscape_at_most_20_and_carry_the_sessions_numbers(pdfs, default_run):
    from bs4 import BeautifulSoup

    pdf, html = pdfs / "slides.pdf", pdfs / "slides.html"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, encoding="utf-8").stdout
    width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups())
    slides = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
    assert width > height and _pages(pdf) == len(slides.select("section.slide")) <= 20  # no slide spills over
    assert "http" not in " ".join(t["src"] for t in slides.find_all(["img", "script"], src=True))  # no network
    session = BeautifulSoup((default_run / "html" / "06_journal_club.html").read_text(encoding="utf-8"), "html.parser")
    label = re.compile(r"\b(?:Table|Figure) \w+")
    number = re.compile(r"(?<![\w.])[-+±]?\d+(?:\.\d+)?%?")
    on_slides = set(number.findall(label.sub("", slides.main.get_text(" "))))
    in_session = set(number.findall(label.sub("", session.main.get_text(" "))))
    assert len(on_slides) > 40 and on_slides <= in_session, on_slides - in_session
    assert "Answer" not in slides.main.get_text(" ")


@printing
@pytest.mark.xdist_group("handout")
def test_the_appendix_is_a_pdf_of_its_own(pdfs):
    text = _text(pdfs / "appendix.pdf")
    assert "7. Appendix: the longer analyses" in text and "journal club, appendix (synthetic data)" in text
    assert "6. Journal club: appraising the study" not in _text(pdfs / "appendix.pdf").split("7. Appendix")[0]
    assert "7. Appendix: the longer analyses" not in _text(pdfs / "teacher.pdf")


def test_handout_says_what_is_missing(tmp_path, capsys, monkeypatch):
    assert handout.main(["--html", str(tmp_path / "nothing"), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "make study" in err
    # without a browser: one clear line and exit code 2, nothing written
    monkeypatch.setenv("PATH", "")
    monkeypatch.setattr(handout, "CHANNELS", ())
    assert handout.main(["--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "Chromium, Google Chrome or Microsoft Edge" in err and "CHROME=" in err
    assert not (tmp_path / "out").exists()


def test_the_browser_is_the_one_given_else_the_first_on_path_then_chrome_and_edge_where_they_installed(tmp_path):
    on_path = tmp_path / "bin" / "google-chrome"
    on_path.parent.mkdir()
    on_path.write_text("", encoding="utf-8")
    on_path.chmod(0o755)
    channels = [{"channel": "chrome"}, {"channel": "msedge"}]  # Playwright looks where each installs itself
    assert handout.browsers(env={"PATH": str(tmp_path / "bin")}) == [{"executable_path": str(on_path)}, *channels]
    assert handout.browsers(env={"PATH": ""}) == channels
    assert handout.browsers(given=on_path) == [{"executable_path": str(on_path)}]
    with pytest.raises(handout.HandoutError, match="no such file"):
        handout.browsers(given=str(tmp_path / "nowhere"))


@printing
@pytest.mark.xdist_group("handout")  # with the other printing tests: a worker that ran nbval has an asyncio loop
def test_the_first_browser_that_starts_prints(tmp_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        handout.launch(pw, [{"executable_path": str(tmp_path / "not-a-browser")}, *handout.browsers()]).close()
        with pytest.raises(handout.HandoutError, match="none was found"):
            handout.launch(pw, [{"executable_path": str(tmp_path / "not-a-browser")}])
