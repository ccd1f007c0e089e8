"""The study's references, read from ``references.bib`` at the project root, as a numbered list for a notebook.

A notebook cites in its Markdown text with a link to the entry's anchor, e.g.
``[Welch 1947](05_reproduction.ipynb#ref-welch1947)`` (``#ref-KEY`` within the same notebook), and lists what
it cites with ``references.section("welch1947", ...)`` at its end. A test checks that every cited key is in
``references.bib`` and in the list the link points to. The reader below knows the plain subset of BibTeX that
file uses: ``@type{key, field = {value}, ...}`` with UTF-8 text and no macros.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

from . import paths

BIB = paths.ROOT / "references.bib"
_ENTRY = re.compile(r"@(\w+)\s*\{\s*([^,\s]+)\s*,", re.S)
_FIELD = re.compile(r"\s*(\w+)\s*=\s*")


def read(path: Path = BIB) -> dict[str, dict[str, str]]:
    """Every entry of a .bib file: ``{key: {"type": ..., field: value}}`` (field names lower case)."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    text = "\n".join(line for line in lines if not line.lstrip().startswith("%"))  # % starts a comment line
    entries = {}
    for m in _ENTRY.finditer(text):
        fields, i = {"type": m.group(1).lower()}, m.end()
        while True:
            f = _FIELD.match(text, i)
            if not f:
                break
            value, i = _value(text, f.end())
            fields[f.group(1).lower()] = " ".join(value.split())
            i = text.index(",", i) + 1 if text[i:].lstrip().startswith(",") else i
        entries[m.group(2)] = fields
    return entries


def _value(text: str, i: int) -> tuple[str, int]:
    """A ``{...}`` (braces may nest), ``"..."`` or bare value starting at ``i``; returns it and the index after."""
    if text[i] == "{":
        depth, j = 0, i
        while True:
            depth += {"{": 1, "}": -1}.get(text[j], 0)
            if depth == 0:
                return text[i + 1 : j].replace("{", "").replace("}", ""), j + 1
            j += 1
    if text[i] == '"':
        j = text.index('"', i + 1)
        return text[i + 1 : j], j + 1
    m = re.match(r"[^,}\s]+", text[i:])
    return m.group(0), i + m.end()


def _authors(field: str, most: int = 6) -> tuple[list[str], bool]:
    """'Last, First M.' names as 'Last FM' (Vancouver); more than ``most`` (or 'others') end with 'et al.'"""
    names, more = [], False
    for name in (n.strip() for n in field.split(" and ")):
        if name == "others":
            more = True
            continue
        last, _, first = (p.strip() for p in name.partition(","))
        initials = "".join(part[0] for part in re.split(r"[\s.\-]+", first) if part)
        names.append(f"{last} {initials}".strip())
    if len(names) > most:
        names, more = names[:most], True
    return names, more


def short(key: str, entries: dict | None = None) -> str:
    """How the text cites an entry: 'Welch 1947', 'Mann & Whitney 1947', 'von Elm et al. 2007'."""
    e = (entries or read())[key]
    lasts = [n.partition(",")[0].strip() for n in e["author"].split(" and ")]  # 'others' counts as a third
    who = lasts[0] if len(lasts) == 1 else f"{lasts[0]} & {lasts[1]}" if len(lasts) == 2 else f"{lasts[0]} et al."
    return f"{who} {e['year']}"


def _link(e: dict) -> str:
    """The DOI (or URL) as a Markdown link; brackets in a DOI are percent-encoded so the link stays whole."""
    if "doi" in e:
        return f"[doi:{e['doi']}](https://doi.org/{quote(e['doi'], safe='/.-_;')})"
    if "url" in e:
        return f"[{e['url']}]({e['url']})"
    return ""


def entry_text(e: dict) -> str:
    """One reference in the Vancouver style, its DOI as a link (Markdown with inline HTML)."""
    names, more = _authors(e["author"])
    who = ", ".join(names) + (", et al" if more else "")
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
