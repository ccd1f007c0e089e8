"""``make handout``: PDFs to hand out, printed by a headless Chromium, Chrome or Edge from the reader pages.

``python -m helpers.runner.handout [--run NAME] [--browser PATH]`` reads ``outputs/html/`` (with ``--run``,
``outputs/runs/NAME/html/``) and writes to ``handout/`` beside it: ``study.pdf`` (notebooks 1-5), for the journal
club (notebook 6) ``participants.pdf`` (at most 4 pages, no answers), ``teacher.pdf`` (the plan, what to say, the
answers) and ``slides.pdf`` with ``slides.html`` (:mod:`helpers.runner.session_kit`), and ``appendix.pdf``
(notebook 7); for a run of ``make pool``, ``pooling.pdf``. Each footer names the run's data; print styles are in
``templates/handout/``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

from helpers import paths
from helpers.core import run_kind
from helpers.runner import session_kit, shown

TEMPLATES = session_kit.TEMPLATES
ON_PATH = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome", "msedge",
           "microsoft-edge", "microsoft-edge-stable")  # fmt: skip
CHANNELS = ("chrome", "msedge")  # Playwright finds Chrome and Edge where they install themselves, on every system
FLAGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-sync"]
TITLE = "ITB dose over 10 years, MS vs SCI"
SESSION = "06"  # the journal club's notebook: the sheet, the guide and the slides
PARTS = {  # each PDF: the notebooks it holds, and what it is
    "study.pdf": (("01", "02", "03", "04", "05"), "the study"),
    "participants.pdf": ((SESSION,), "journal club, participants' sheet"),
    "teacher.pdf": ((SESSION,), "journal club, teacher's guide"),
    "slides.pdf": ((SESSION,), "journal club, slides"),
    "appendix.pdf": (("07",), "journal club, appendix"),
    "pooling.pdf": (("08",), "clinics pooled"),  # a run of make pool: its one page
}


class HandoutError(Exception):
    """A problem the user fixes (no browser, pages not built): one line, exit code 2."""


def browsers(given=None, env=None) -> list[dict]:
    """How to start a browser to print with (Playwright's ``launch`` arguments), in order: ``given``; else the
    first Chromium, Chrome or Edge on PATH, then Chrome and Edge wherever they installed themselves."""
    env = os.environ if env is None else env
    if given:
        if not Path(given).is_file():
            raise HandoutError(f"browser {given}: no such file")
        return [{"executable_path": str(given)}]
    found = [f for name in ON_PATH if (f := shutil.which(name, path=env.get("PATH")))]
    return [*({"executable_path": f} for f in found[:1]), *({"channel": c} for c in CHANNELS)]


NOT_FOUND = (
    "make handout prints with Chromium, Google Chrome or Microsoft Edge, and none was found; install one "
    "(Debian/Ubuntu: apt-get install chromium) or give its path: make handout CHROME=/path/to/browser"
)


def _pages(html: Path, numbers) -> list[Path]:
    pages = [p for n in numbers for p in sorted(html.glob(f"{n}_*.html")) if not p.name.endswith(".full.html")]
    if len(pages) != len(numbers):
        raise HandoutError(
            f"{shown(html)}/ has no rendered reader pages of notebooks {', '.join(numbers)}: run make study first"
        )
    return pages


def merge(pages: list[Path]):
    """One document from the reader pages, each in a section; links between them become links within it."""
    from bs4 import BeautifulSoup

    docs = [BeautifulSoup(p.read_text(encoding="utf-8"), "html.parser") for p in pages]
    doc, stems, parts = docs[0], {p.stem for p in pages}, []
    for page, soup in zip(pages, docs):
        for nav in soup.select("nav.study-nav"):
            nav.decompose()
        parts.append(doc.new_tag("section", attrs={"class": "handout-part", "id": f"part-{page.stem}"}))
        parts[-1].extend(list(soup.main.contents))
    doc.main.clear()
    doc.main.extend(parts)
    for p in doc.select("p"):  # "Next: 3. The dose after one year" is navigation, not content, on paper
        if p.get_text().startswith("Next: ") and p.find("a"):
            p.decompose()
    for a in doc.select("a[href]"):
        m = re.fullmatch(r"([0-9]{2}_[A-Za-z0-9_]+)(?:\.full)?\.html(#.*)?", a["href"])
        if not m:
            continue
        if m.group(1) in stems:
            a["href"] = m.group(2) or f"#part-{m.group(1)}"
        else:  # a page outside this handout: keep the words, drop the link to a file the reader does not have
            a.unwrap()
    style = doc.new_tag("style")
    style.string = (TEMPLATES / "print.css").read_text(encoding="utf-8")
    doc.head.append(style)
    return doc


def answers_at_the_end(doc) -> int:
    """Each folded answer (``<details>``) moves to the end, under a heading for its kind ("Answer", "For the
    teacher") and labelled as its question is ("1.", "A."); returns how many moved."""
    details = doc.select("details")
    sections = {}
    for d in details:
        kind = d.summary.get_text(strip=True) if d.summary else "Answer"
        if d.summary:
            d.summary.decompose()
        if kind not in sections:
            sections[kind] = doc.new_tag("section", attrs={"class": "handout-answers"})
            heading = doc.new_tag("h2")
            heading.string = "Answers to the exercises" if kind == "Answer" else kind
            sections[kind].append(heading)
        question = d.find_previous("p")
        label = re.match(r"\s*(\w{1,2})[.)]", question.get_text()) if question else None
        h = doc.new_tag("h3")
        h.string = f"{'Exercise' if kind == 'Answer' else 'Question'} {label.group(1) if label else ''}".strip()
        body = doc.new_tag("div", attrs={"class": "jp-RenderedHTMLCommon"})
        body.extend(list(d.contents))
        sections[kind].extend([h, body])
        note = doc.new_tag("p", attrs={"class": "answer-note"})
        note.string = f"{kind}: at the end of the handout."
        d.replace_with(note)
    doc.main.extend(sections.values())
    return len(details)


def launch(pw, candidates: list[dict], args=FLAGS):
    """The first of the ``candidates`` (:func:`browsers`) that starts, headless, with ``args``."""
    from playwright.sync_api import Error

    for how in candidates:
        try:
            return pw.chromium.launch(**how, args=args)
        except Error:
            continue
    raise HandoutError(NOT_FOUND)


def print_pdf(docs: dict[Path, tuple], candidates: list[dict]) -> None:
    """Print each document (``{pdf path: (soup, footer title)}``) with the first browser that starts."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="handout-") as tmp, sync_playwright() as pw:
        browser = launch(pw, candidates)
        try:
            for pdf, (doc, title) in docs.items():
                html = Path(tmp) / f"{pdf.stem}.html"
                html.write_text(str(doc), encoding="utf-8")
                page = browser.new_page()
                page.goto(html.as_uri(), wait_until="load")
                part = Path(tmp) / pdf.name
                page.pdf(
                    path=str(part),
                    format="A4",
                    print_background=True,
                    prefer_css_page_size=True,
                    display_header_footer=pdf.stem != "slides",  # a projected slide carries no footer
                    header_template="<span></span>",
                    footer_template=(TEMPLATES / "footer.html").read_text(encoding="utf-8").format(title=title),
                )
                page.close()
                pdf.parent.mkdir(parents=True, exist_ok=True)
                shutil.move(part, pdf)  # a half-written PDF never replaces a good one
        finally:
            browser.close()


def make(html: Path, out: Path, browser: str | None = None) -> list[Path]:
    """The PDFs from the rendered pages in ``html``; returns their paths."""
    html, out, candidates = Path(html), Path(out), browsers(browser)
    if not candidates:
        raise HandoutError(NOT_FOUND)
    record = html / "run.json"
    record = json.loads(record.read_text(encoding="utf-8")) if record.exists() else {}
    data = record.get("data")
    kind = run_kind.of(record["parameters"]) if record else None
    docs, kit = {}, {}
    pooling = kind is run_kind.RunKind.POOLED  # only its page
    if not pooling:
        session = merge(_pages(html, (SESSION,)))
        if not session.select(".celltag_slide"):
            raise HandoutError(
                f"{shown(html)}/: the journal club's page is from an older study: rebuild with make study"
            )
        participants, numbers = session_kit.sheet(session)
        kit = {"participants.pdf": participants, "teacher.pdf": session_kit.guide(session, numbers),
               "slides.pdf": session_kit.slides(session, numbers, data if kind and kind.chart else None)}  # fmt: skip
    for pdf, (notebooks, what) in PARTS.items():
        if (pdf == "pooling.pdf") != pooling or (pdf == "appendix.pdf" and not list(html.glob("07_*.html"))):
            continue  # the study's pieces, or the pooling's; a run from before the appendix
        doc = kit.get(pdf) or merge(_pages(html, notebooks))
        if pdf == "appendix.pdf":
            answers_at_the_end(doc)
            session_kit.renumber(doc, {}, "A")  # A1, A2 ...: never the sheet's Table 1; it cites none outside itself
        docs[out / pdf] = (doc, f"{TITLE}: {what} ({data or 'synthetic data'})")
    out.mkdir(parents=True, exist_ok=True)
    if kit:
        (out / "slides.html").write_text(str(kit["slides.pdf"]), encoding="utf-8")  # to project from a browser
    print_pdf(docs, candidates)
    return [*docs, *([out / "slides.html"] if kit else [])]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m helpers.runner.handout", description=__doc__.split("\n\n")[0])
    ap.add_argument("--run", metavar="NAME", help="a run under outputs/runs/ (make study PARAMS=... or DATA=...)")
    ap.add_argument("--html", type=Path, help="the rendered pages (default: outputs/html/, made by make study)")
    ap.add_argument("--out", type=Path, help="where the PDFs go (default: handout/ beside the pages)")
    ap.add_argument("--browser", metavar="PATH", help="Chromium, Google Chrome or Microsoft Edge (default: found)")
    args = ap.parse_args(argv)
    try:
        html = args.html or (paths.RUNS / args.run if args.run else paths.OUTPUTS) / "html"
        if args.run and not html.is_dir():
            runs = sorted(p.parent.name for p in paths.RUNS.glob("*/html")) if paths.RUNS.exists() else []
            raise HandoutError(f"no run named {args.run!r} with pages in {shown(paths.RUNS)}/ (runs: "
                               f"{', '.join(runs) or 'none'}); make one with make study ... NAME={args.run}")  # fmt: skip
        made = make(html, args.out or html.parent / "handout", args.browser)
    except HandoutError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(f"handout: {', '.join(shown(p) for p in made)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
