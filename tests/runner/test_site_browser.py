"""The rendered study in a real browser (Chromium, Chrome or Edge driven by Playwright): every page opens without
console errors, every image loads and says what it shows (alt text), every link resolves, the main figures
render, the index fits a phone, and axe-core (the WCAG engine) finds no serious or critical violation."""

import os
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from helpers.runner import handout

FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# pages whose main content is a figure, and how many figures each must show
FIGURE_PAGES = {
    "index": 2,
    "02_exclusions": 1,
    "03_one_year_dose": 2,
    "04_dose_change": 2,
    "06_journal_club": 1,
    "07_appendix": 2,
}

BROWSERS = handout.browsers()
if not any("executable_path" in b for b in BROWSERS):
    if os.environ.get("CI"):
        raise RuntimeError("Chromium is missing in CI: .ci/run installs Debian's chromium package") from None
    pytest.skip(
        "no Chromium, Chrome or Edge (apt-get install chromium); CI always runs this test", allow_module_level=True
    )


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = handout.launch(pw, BROWSERS, FLAGS)
        yield b
        b.close()


def _check_page(browser, path: Path, viewport=(1280, 900), axe=False):
    page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
    problems = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"failed request: {r.url}"))
    page.goto(path.as_uri(), wait_until="load")
    images = page.eval_on_selector_all(
        "img", "els => els.map(e => [e.currentSrc.slice(0, 60), e.complete, e.naturalWidth, e.alt])"
    )
    broken = [src for src, complete, width, _ in images if not complete or width == 0]
    links = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
    missing = []
    for href in links:
        url = urlparse(href)
        if url.scheme == "file" and not Path(unquote(url.path)).exists():
            missing.append(href)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    violations = _serious_violations(page) if axe else None
    page.close()
    return problems, images, broken, missing, overflow, violations


@pytest.fixture(scope="session")
def every_page(browser, default_run):
    """Each of the 15 pages of the default build, loaded once: what the two tests below read."""
    pages = sorted((default_run / "html").glob("*.html"))
    return {path.name: _check_page(browser, path, axe=True) for path in pages}


@pytest.mark.xdist_group("pages")  # with the accessibility test: one worker loads the pages once for both
def test_index_and_every_page_open_cleanly(every_page):
    assert len(every_page) == 15
    for name, (problems, images, broken, missing, _, _) in every_page.items():
        assert not problems, f"{name}: {problems}"
        assert not broken, f"{name}: images that did not load: {broken}"
        assert not missing, f"{name}: links to missing files: {missing}"
        assert all(len(i[3]) > 40 for i in images), f"{name}: an image without alt text saying what it shows"
        stem = name.removesuffix(".full.html").removesuffix(".html")
        if stem in FIGURE_PAGES:
            assert len([i for i in images if i[2] > 400]) >= FIGURE_PAGES[stem], f"{name}: figures missing"


def test_index_fits_a_phone(browser, default_run):
    for name in ("index.html", "04_dose_change.html"):
        problems, _, broken, _, overflow, _ = _check_page(browser, default_run / "html" / name, viewport=(390, 844))
        assert not problems and not broken
        assert overflow <= 1, f"{name} scrolls sideways on a phone by {overflow}px"


def test_runs_index_links_every_run(browser, tmp_path):
    """outputs/runs/index.html is rebuilt from the runs' records (here on a copy, never the real folder)."""
    from helpers.runner import site

    runs = tmp_path / "outputs" / "runs"
    (tmp_path / "outputs" / "html").mkdir(parents=True)
    (tmp_path / "outputs" / "html" / "index.html").write_text("<!DOCTYPE html><title>study</title>", encoding="utf-8")
    for name in ("a", "b"):
        (runs / name / "html").mkdir(parents=True)
        (runs / name / "html" / "index.html").write_text("<!DOCTYPE html><title>x</title>", encoding="utf-8")
        (runs / name / "html" / "run.json").write_text(
            f'{{"name": "{name}", "parameters": {{"alpha": 0.01, "data_dir": "/secret/clinic"}}}}', encoding="utf-8"
        )
    site.runs_index(runs)
    text = (runs / "index.html").read_text(encoding="utf-8")
    assert "/secret/clinic" not in text and "(chart data)" in text
    problems, _, _, missing, _, _ = _check_page(browser, runs / "index.html")
    assert not missing and not problems
    assert 'href="a/html/index.html"' in text and 'href="b/html/index.html"' in text
    page = browser.new_page()
    page.goto((runs / "index.html").as_uri(), wait_until="load")
    assert not _serious_violations(page)
    page.close()


def _serious_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    found = Axe().run(page).response["violations"]
    return [
        f"{v['id']} ({v['impact']}): {n['target']} {n.get('failureSummary', '')[:200]}"
        for v in found
        if v["impact"] in ("serious", "critical")
        for n in v["nodes"]
    ]


@pytest.mark.xdist_group("pages")
def test_no_serious_accessibility_violation_on_any_page(every_page):
    """axe-core on every page, reader and full: colour contrast (code included), links told apart from text
    by more than colour, images with alt text, table headers ..."""
    assert len(every_page) == 15
    for name, report in every_page.items():
        problems = report[-1]
        assert not problems, f"{name}: " + "\n".join(problems[:10])


def test_each_exercise_answer_ends_before_the_next_question(browser, default_run):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto((default_run / "html" / "06_journal_club.html").as_uri(), wait_until="load")
    gaps = page.eval_on_selector_all(
        "details",
        """els => els.map(d => d.nextElementSibling || d.closest('.jp-Cell').nextElementSibling)  // what follows
             .map((next, i) => next.getBoundingClientRect().top - els[i].getBoundingClientRect().bottom)""",
    )
    page.close()
    assert len(gaps) >= 6 and min(gaps) >= 16, f"space between an answer and what follows: {gaps} px"
