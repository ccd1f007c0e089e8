"""The study's references, read from ``references.bib`` at the project root, as a numbered list for a notebook.

A notebook cites in its Markdown text with a link to the entry's anchor, e.g.
``[Welch 1947](05_reproduction.ipynb#ref-welch1947)`` (``#ref-KEY`` within the same notebook), and lists what
it cites with ``references.section("welch1947", ...)`` at its end. A test checks that every cited key is in
``references.bib`` and in the list the link points to. The file is parsed by pybtex, as BibTeX reads it.
"""

from __future__ import annotations

import functools
from pathlib import Path
from urllib.parse import quote

from helpers import paths

BIB = paths.ROOT / "references.bib"
RAW = ("doi", "url", "pages")  # kept as written: a DOI may hold characters that mean something in LaTeX


@functools.cache
def _text_backend():
    """pybtex's plain-text backend, looked up once (each lookup scans every installed package's entry points)."""
    from pybtex.plugin import find_plugin

    return find_plugin("pybtex.backends", "text")()


def _plain(latex: str) -> str:
    """LaTeX text as plain Unicode: braces gone, accents and escapes decoded, spaces collapsed."""
    from pybtex.richtext import Text

    return " ".join(Text.from_latex(latex).render(_text_backend()).split())


def read(path: Path = BIB) -> dict[str, dict]:
    """Every entry of a .bib file: ``{key: {"type": ..., field: value, "authors": [(last, initials), ...],
    "et_al": bool}}`` (field names lower case; "and others" ends a list cut short)."""
    from pybtex.database import parse_file

    entries = {}
    for key, e in parse_file(str(path), bib_format="bibtex").entries.items():
        fields = {"type": e.type.lower()}
        fields |= {k.lower(): v if k.lower() in RAW else _plain(v) for k, v in e.fields.items()}
        people = e.persons.get("author", [])
        fields["authors"] = [
            (
                _plain(" ".join(p.prelast_names + p.last_names)),
                "".join(_plain(n)[0] for n in p.first_names + p.middle_names),
            )
            for p in people
            if p.last_names != ["others"]
        ]
        fields["et_al"] = any(p.last_names == ["others"] for p in people)
        entries[key] = fields
    return entries


def short(key: str, entries: dict | None = None) -> str:
    """How the text cites an entry: 'Welch 1947', 'Mann & Whitney 1947', 'von Elm et al. 2007'."""
    e = (entries or read())[key]
    lasts = [last for last, _ in e["authors"]] + (["others"] if e["et_al"] else [])
    who = lasts[0] if len(lasts) == 1 else f"{lasts[0]} & {lasts[1]}" if len(lasts) == 2 else f"{lasts[0]} et al."
    return f"{who} {e['year']}"


def _link(e: dict) -> str:
    """The DOI (or URL) as a Markdown link; brackets in a DOI are percent-encoded so the link stays whole."""
    if "doi" in e:
        return f"[doi:{e['doi']}](https://doi.org/{quote(e['doi'], safe='/.-_;')})"
    if "url" in e:
        return f"[{e['url']}]({e['url']})"
    return ""


def entry_text(e: dict, most: int = 6) -> str:
    """One reference in the Vancouver style (more than ``most`` authors end with "et al"), its DOI as a link."""
    names = [f"{last} {initials}".strip() for last, initials in e["authors"]]
    more = e["et_al"] or len(names) > most
    who = ", ".join(names[:most]) + (", et al" if more else "")
    title = e["title"].rstrip(".")
    pages = e.get("pages", "").replace("--", "-")
    if e["type"] == "article":
        where = f"*{e['journal']}*. {e['year']};{e.get('volume', '')}" + (f"({e['number']})" if "number" in e else "")
        where += f":{pages}." if pages else "."
    elif e["type"] == "inproceedings":
        where = f"In: *{e['booktitle']}*; {e['year']}." + (f" p. {pages}." if pages else "")
    else:
        where = f"{e.get('howpublished', e.get('publisher', ''))}; {e['year']}."
    return f"{who}. {title}. {where} {_link(e)}".strip()


def section(*keys: str, path: Path = BIB):
    """The numbered reference list of a notebook (IPython Markdown), each entry with the anchor ``ref-KEY``."""
    from IPython.display import Markdown

    return Markdown(text(*keys, path=path))


def text(*keys: str, path: Path = BIB) -> str:
    """The numbered list as Markdown; an empty ``<span id="ref-KEY">`` before each entry is the link target."""
    entries = read(path)
    missing = [k for k in keys if k not in entries]
    if missing:
        raise KeyError(f"{path.name} has no entry {', '.join(missing)}")
    return "\n".join(f'{i}. <span id="ref-{k}"></span>{entry_text(entries[k])}' for i, k in enumerate(keys, 1))
