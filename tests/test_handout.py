"""`make handout`: two PDFs printed by Chromium from a built site; the study's reader pages 1-5 without
navigation, and the journal club with its exercises first and their answers at the end."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import paths
from helpers.build import handout

pytestmark = pytest.mark.skipif(
    not Path(handout.CHROMIUM).exists() or not shutil.which("pdftotext"),
    reason="Chromium or pdftotext not installed (apt-get install chromium poppler-utils); CI installs both",
)


def _text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def _pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


@pytest.fixture(scope="session")
def pdfs(default_run, tmp_path_factory):
    out = tmp_path_factory.mktemp("handout")
    assert handout.main(["--html", str(default_run / "html"), "--out", str(out)]) == 0
    return out


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


@pytest.mark.xdist_group("handout")  # the PDFs are printed once, for both
def test_journal_club_pdf_puts_the_answers_after_the_exercises(pdfs):
    pdf = pdfs / "journal_club.pdf"
    assert _pages(pdf) > 1
    text = _text(pdf)
    exercises, answers = text.index("Exercises"), text.index("Answers to the exercises")
    assert exercises < text.index("Discussion questions") < answers
    first_answer = "A simulated cohort of the paper's size scatters"
    assert text.index(first_answer) > answers  # the answer is printed only at the end
    assert text.count("Answer at the end of the handout.") >= 3 and "opens with a click" not in text


def test_handout_says_what_is_missing(tmp_path, capsys):
    assert handout.main(["--html", str(tmp_path / "nothing"), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "make study" in err
    # without Chromium: one clear line and exit code 2, nothing written
    proc = subprocess.run(
        [sys.executable, "-c", "import sys; from helpers.build import handout; handout.CHROMIUM = '/nowhere/chromium';"
         "sys.exit(handout.main(['--out', sys.argv[1]]))", str(tmp_path / "out")],
        capture_output=True, text=True, cwd=paths.ROOT, timeout=60,
    )  # fmt: skip
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and "apt-get install chromium" in proc.stderr
    assert not (tmp_path / "out").exists()
