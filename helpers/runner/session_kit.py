"""The journal club's printed pieces, made from its rendered page (notebook 6), so that all carry its numbers:

* the participants' sheet: no cell tagged ``teacher``, no answer (``<details>``), no code output, figures and
  tables numbered from 1 in the order participants meet them;
* the teacher's guide: the whole session with the answers open, the plan with minutes and what to say at each
  section (``helpers/text/session_kit.yaml``), the sheet's numbers, and T1, T2 ... for the tables only it holds;
* the slides: one per cell tagged ``slide``, under its section's heading, after a title slide; no answers.

Each function takes the page merged by :func:`helpers.runner.handout.merge` and returns a new document.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

from helpers.text import words

TEMPLATES = Path(__file__).parent / "templates" / "handout"  # print styles of every handout
LABEL = re.compile(r"\b(Table|Figure) (\d+)\b")
SECTION = re.compile(r"^(\d+(?:\.\d+)?)\.?\s")
FIT = """addEventListener('load', () => { for (const s of document.querySelectorAll('.slide-body')) {
  for (let size = 100; s.scrollHeight > s.clientHeight + 1 && size > 40; size -= 4) s.style.fontSize = size + '%';
} });"""  # a slide too full for its page gets smaller type, never a second page


def _captions(doc):
    """The (kind, number) of each caption, in reading order."""
    found = []
    for node in doc.find_all(["caption", "strong", "b"]):
        m = LABEL.match(node.get_text(strip=True))
        if m and (m.group(1) == "Table") == (node.name == "caption"):
            found.append(m.groups())
    return list(dict.fromkeys(found))


def renumber(doc, numbers: dict | None = None, extra: str = "T") -> dict:
    """Number the figures and tables of ``doc`` from 1 in reading order, or as ``numbers`` says (those it lacks
    get ``extra`` 1, 2 ...); every "Table 12" in the text follows. Returns the numbering used."""
    if numbers is None:
        numbers, counts = {}, {"Table": 0, "Figure": 0}
        for kind, n in _captions(doc):
            counts[kind] += 1
            numbers[(kind, n)] = str(counts[kind])
    else:
        numbers = dict(numbers)
        for kind, n in (c for c in _captions(doc) if c not in numbers):
            numbers[(kind, n)] = f"{extra}{sum(v.startswith(extra) for (k, _), v in numbers.items() if k == kind) + 1}"
    for text in doc.find_all(string=LABEL):
        text.replace_with(LABEL.sub(lambda m: f"{m.group(1)} {numbers.get(m.groups(), m.group(2))}", str(text)))
    return numbers


def sheet(page):
    """The participants' sheet and the numbering it gives figures and tables."""
    doc = copy.copy(page)
    for node in doc.select(".celltag_teacher, details, .jp-OutputArea-output[data-mime-type='text/plain']"):
        node.decompose()
    for cell in doc.select(".jp-Cell"):
        if not cell.get_text(strip=True) and not cell.find("img"):
            cell.decompose()
    doc.h1.string = words.fill("session_kit.sheet_title")  # not the notebook's number: participants hold no other
    doc.head.append(_style(doc, "sheet.css"))
    return doc, renumber(doc)


def guide(page, numbers: dict):
    """The teacher's guide: ``page`` with the plan, what to say, and the answers open in place."""
    doc = copy.copy(page)
    text = words.load("session_kit")
    for node in doc.select(".jp-OutputArea-output[data-mime-type='text/plain']"):  # code's printout, warnings
        node.decompose()
    for d in doc.select("details"):
        kind = d.summary.get_text(strip=True) if d.summary else "Answer"
        if d.summary:
            d.summary.decompose()
        box = doc.new_tag("div", attrs={"class": "answer"})
        label = doc.new_tag("p", attrs={"class": "answer-label"})
        label.string = words.fill(f"session_kit.answer_labels.{kind}") if kind in text["answer_labels"] else kind
        box.append(label)
        box.extend(list(d.contents))
        d.replace_with(box)
    for heading in doc.select("h2, h3"):
        m = SECTION.match(heading.get_text(strip=True))
        section = m and m.group(1).replace(".", "_")  # "2.1" is the key 2_1
        if section in text["say"]:
            heading.insert_after(
                _note(doc, words.fill("session_kit.say_label"), words.fill(f"session_kit.say.{section}"))
            )
    if doc.h1:  # the notebook's own title: the guide has its own
        doc.h1.decompose()
    title = doc.new_tag("h1")
    title.string = words.fill("session_kit.title")
    plan = doc.new_tag("table", attrs={"class": "plan"})
    caption = doc.new_tag("caption")
    caption.string = words.fill("session_kit.plan_heading")
    plan.append(caption)
    for i, (_, minutes) in enumerate(text["plan"]):
        row = doc.new_tag("tr")
        for value in (words.fill(f"session_kit.plan.{i}.0"), f"{minutes} min"):
            cell = doc.new_tag("td")
            cell.string = value
            row.append(cell)
        plan.append(row)
    intro = doc.new_tag("p")
    intro.string = words.fill("session_kit.intro")
    doc.main.insert(0, title)
    title.insert_after(intro)
    intro.insert_after(plan)
    doc.head.append(_style(doc, "guide.css"))
    renumber(doc, numbers)
    return doc


def slides(page, numbers: dict, data: str | None):
    """The slides: a title slide, then one per cell tagged ``slide`` under its section's heading, each saying
    what data the numbers come from (``data``: a run's chart data; None: the synthetic cohort)."""
    doc = copy.copy(page)
    kind = "chart" if data else "synthetic"
    says = words.fill(f"session_kit.slides_data.{kind}", data=data)
    for node in doc.select("details"):
        node.decompose()
    renumber(doc, numbers)
    deck = []
    question = doc.find(string=re.compile(r"^Is the intrathecal baclofen"))
    deck.append(_slide(doc, words.fill("session_kit.slides_title"), [_paragraph(doc, words.fill(f"session_kit.slides_subtitle.{kind}"))]
                       + ([_paragraph(doc, question.strip())] if question else []), "title"))  # fmt: skip
    cells = []
    for tagged in doc.select(".celltag_slide"):  # the cell, or a Markdown cell's rendered text, carries the tag
        cell = tagged if "jp-Cell" in tagged["class"] else tagged.find_parent(class_="jp-Cell") or tagged
        own = cell.find_all(["h2", "h3"])
        heading = own[-1] if own else cell.find_previous(["h2", "h3"])
        cells.append((cell, heading.get_text(strip=True).rstrip("¶") if heading else ""))
    for cell, title in cells:  # titles first: a heading moves with its cell
        for h in cell.find_all(["h1", "h2", "h3"]):
            h.decompose()
        deck.append(_slide(doc, title, [cell]))
        note = doc.new_tag("p", attrs={"class": "slide-data"})
        note.string = says
        deck[-1].append(note)
    doc.main.clear()
    doc.main.extend(deck)
    doc.head.append(_style(doc, "slides.css"))
    script = doc.new_tag("script")
    script.string = FIT
    doc.body.append(script)
    return doc


def _slide(doc, title: str, content: list, kind: str = ""):
    slide = doc.new_tag("section", attrs={"class": f"slide {kind}".strip()})
    h = doc.new_tag("h2")
    h.string = title
    body = doc.new_tag("div", attrs={"class": "slide-body"})
    body.extend(content)
    slide.extend([h, body])
    return slide


def _paragraph(doc, text: str):
    p = doc.new_tag("p")
    p.string = text
    return p


def _note(doc, label: str, text: str):
    box = doc.new_tag("div", attrs={"class": "say"})
    b = doc.new_tag("b")
    b.string = f"{label}: "
    box.append(b)
    box.append(text)
    return box


def _style(doc, name: str):
    style = doc.new_tag("style")
    style.string = (TEMPLATES / name).read_text(encoding="utf-8")
    return style
