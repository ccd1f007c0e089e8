"""References and citation: what the notebooks cite is in references.bib and in the list the link points to;
the list is rendered from the .bib; CITATION.cff is valid and points to the paper."""

import re

import nbformat
import yaml

from helpers import paths
from helpers.core import published
from helpers.publishing import references

CITE = re.compile(r"\]\((?:([0-9]{2}_[A-Za-z0-9_]+\.ipynb))?#ref-([A-Za-z0-9_]+)\)")


def _citations():
    """(citing notebook, notebook holding the list, key) for every '[...](NN_x.ipynb#ref-KEY)' in Markdown."""
    for nb_path in paths.study_notebooks():
        for cell in nbformat.read(nb_path, as_version=4).cells:
            if cell.cell_type == "markdown":
                for target, key in CITE.findall(cell.source):
                    yield nb_path.name, target or nb_path.name, key


def test_every_cited_key_is_in_the_bib_and_in_the_list_it_links_to():
    entries = references.read()
    cited = list(_citations())
    assert len(cited) >= 10
    assert {t for _, t, _ in cited} == {"05_reproduction.ipynb", "06_journal_club.ipynb", "07_appendix.ipynb"}
    for source, target, key in cited:
        assert key in entries, f"{source} cites {key}, which references.bib does not hold"
        listed = (paths.NOTEBOOKS / target).read_text(encoding="utf-8")
        assert f'id=\\"ref-{key}\\"' in listed, f"{source} links to {key} in {target}, whose reference list lacks it"


def test_every_entry_has_a_doi_or_a_stable_url_and_renders():
    entries = references.read()
    assert {"skoog2019", "welch1947", "mann1947", "hedges1981", "vonelm2007", "benchimol2015"} <= set(entries)
    assert entries["skoog2019"]["doi"] == published.DOI
    for key, e in entries.items():
        assert re.fullmatch(r"10\.\d{4,9}/\S+", e.get("doi", "")) or e.get("url", "").startswith("https://"), key
        assert e["year"] in references.entry_text(e) and e["title"][:20] in references.entry_text(e)


def test_bib_reader_and_vancouver_style(tmp_path):
    bib = tmp_path / "x.bib"
    bib.write_text(
        "% text outside an entry is a comment in BibTeX\n"
        "@article{a2020, author = {Smith, Jane Q. and van Dijk, Piet and others}, title = {On {N}ested braces},\n"
        '  journal = "J Things", year = 2020, volume = {1}, number = {2}, pages = {3--9}, doi = {10.1000/x(1)2}}\n',
        encoding="utf-8",
    )
    entries = references.read(bib)
    assert list(entries) == ["a2020"] and entries["a2020"]["title"] == "On Nested braces"
    text = references.text("a2020", path=bib)
    assert text == (
        '1. <span id="ref-a2020"></span>Smith JQ, van Dijk P, et al. On Nested braces. *J Things*. 2020;1(2):3-9. '
        "[doi:10.1000/x(1)2](https://doi.org/10.1000/x%281%292)"
    )
    assert references.short("a2020", entries) == "Smith et al. 2020"


def test_citation_cff_is_valid_and_points_to_the_paper():
    cff = yaml.safe_load((paths.ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["cff-version"] == "1.2.0" and cff["type"] == "software"
    for key in ("message", "title", "authors", "version"):
        assert cff[key], key
    pyproject = (paths.ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert f'version = "{cff["version"]}"' in pyproject
    assert published.DOI in [r.get("doi") for r in cff["references"]]
