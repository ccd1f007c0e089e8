"""`make handout`: two PDFs printed by Chromium from a built site; the study's reader pages 1-5 without
navigation, and the journal club with its exercises first and their answers at the end."""

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


@printing
@pytest.mark.xdist_group("handout")  # the PDFs are printed once, for both
def test_journal_club_pdf_puts_the_answers_after_the_exercises(pdfs):
    pdf = pdfs / "journal_club.pdf"
    assert 1 < _pages(pdf) <= 10  # the session's handout
    text = _text(pdf)
    exercises, answers = text.index("Exercises"), text.index("Answers to the exercises")
    assert exercises < text.index("Discussion questions") < answers
    first_answer = "Over 100 reruns (seeds 0 to 99)"
    assert text.index(first_answer) > answers  # the answer is printed only at the end
    assert text.count("Answer: at the end of the handout.") == 2 and "opens with a click" not in text
    assert text.count("For the teacher: at the end of the handout.") == 4
    labels = ["Exercise 1", "Exercise 2", "Question A", "Question B", "Question C", "Question D"]
    positions = [text.index(label, answers) for label in labels]  # each answer under its question's label
    assert positions == sorted(positions)
    assert "journal club (synthetic data)" in text  # the footer says what the data are


@printing
@pytest.mark.xdist_group("handout")
def test_the_appendix_is_a_pdf_of_its_own(pdfs):
    text = _text(pdfs / "appendix.pdf")
    assert "7. Appendix: the longer analyses" in text and "journal club, appendix (synthetic data)" in text
    assert "6. Journal club: appraising the study" not in _text(pdfs / "appendix.pdf").split("7. Appendix")[0]
    assert "7. Appendix: the longer analyses" not in _text(pdfs / "journal_club.pdf")


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
