"""The rendered study: each executed notebook as a reader page (``NN_topic.html``, no code) and a full one
(``NN_topic.full.html``), and a front page (``index.html``). Pages load nothing from the internet and link
figures relatively, so a folder of outputs opens from the file system anywhere. Layout lives in ``templates/``
(``study/``: nbconvert's template of the pages; ``pages/``: the front page and ``outputs/runs/index.html``).
"""

from __future__ import annotations

import functools
import json
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit, urlunsplit

import nbformat

from helpers.core import run_kind
from helpers.publishing import colophon, front_page
from helpers.runner.plan import run_source
from helpers.study import data_source, params

TEMPLATES = Path(__file__).parent / "templates"


def page_link(url: str, suffix: str) -> str:
    """A link to a notebook (``05_reproduction.ipynb#ref-x``) as a link to its page here (``.html`` or
    ``.full.html``); any other link as it is."""
    parts = urlsplit(url)
    path = PurePosixPath(parts.path)
    if parts.scheme or parts.netloc or path.suffix != ".ipynb" or len(path.parts) != 1:
        return url
    return urlunsplit(parts._replace(path=path.stem + suffix))


@functools.cache
def _exporter(reader: bool):
    """nbconvert's HTML exporter with the study's template, whose Markdown renders links to a notebook as links
    to its page (``markdown2html`` is nbconvert's own, with the renderer's ``link`` extended)."""
    import jinja2
    from nbconvert import HTMLExporter
    from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath

    suffix = ".html" if reader else ".full.html"

    class PageLinks(IPythonRenderer):
        def link(self, text, url, title=None):
            return super().link(text, page_link(url, suffix), title)

    class Pages(HTMLExporter):
        @jinja2.pass_context  # as nbconvert's: the filter reads the cell from the template's context
        def markdown2html(self, context, source):
            cell = context.get("cell", {})
            renderer = PageLinks(
                escape=False,
                attachments=cell.get("attachments", {}),
                embed_images=self.embed_images,
                path=context.get("resources", {}).get("metadata", {}).get("path", ""),
                anchor_link_text=self.anchor_link_text,
                exclude_anchor_links=self.exclude_anchor_links,
                **self.lexer_options,
            )
            return MarkdownWithMath(renderer=renderer).render(source)

    ex = Pages(template_name="study", extra_template_basedirs=[str(TEMPLATES)], embed_images=True)
    ex.exclude_input = ex.exclude_input_prompt = ex.exclude_output_prompt = reader
    return ex


def title_of(nb) -> str:
    lines = (line for c in nb.cells if c.cell_type == "markdown" for line in c.source.splitlines())
    return next((line[2:].strip() for line in lines if line.startswith("# ")), "notebook")


def titles(nbs) -> list[tuple[str, str]]:
    """(stem, title) of each notebook, in reading order: what the pages' navigation names."""
    return [(Path(p).stem, title_of(nbformat.read(p, as_version=4))) for p in nbs]


def notebook_pages(folder: Path, name: str, pages: list[tuple[str, str]]) -> None:
    """The reader and full pages of the executed notebook ``folder/notebooks/<name>``: the runner renders each as
    soon as its notebook is done, while others still run."""
    (folder / "html").mkdir(exist_ok=True)
    nb = nbformat.read(folder / "notebooks" / name, as_version=4)
    i = [stem for stem, _ in pages].index(Path(name).stem)
    stem = pages[i][0]
    for reader, suffix in ((True, ".html"), (False, ".full.html")):
        nav = {
            "prev": (pages[i - 1][0] + suffix, pages[i - 1][1]) if i > 0 else None,
            "next": (pages[i + 1][0] + suffix, pages[i + 1][1]) if i + 1 < len(pages) else None,
            "other": (f"{stem}.full.html", "Show the code") if reader else (f"{stem}.html", "Hide the code"),
        }
        body, _ = _exporter(reader).from_notebook_node(
            nb, resources={"metadata": {"name": pages[i][1]}, "study_nav": nav}
        )
        (folder / "html" / f"{stem}{suffix}").write_text(body, encoding="utf-8")


def data_of(values: dict) -> str:
    """What a run's pages and handouts say its data are."""
    kind = run_kind.of(values)
    if kind.chart:
        return data_source.source_of(values["data_dir"])
    return "clinics' shareable summaries" if kind is run_kind.RunKind.POOLED else "synthetic data"


def write(folder: Path, plan, pages=None) -> None:
    """``folder/html/index.html`` and ``run.json``, and the pages of every executed notebook not yet rendered."""
    out = folder / "html"
    out.mkdir(exist_ok=True)
    pages = pages or titles(sorted((folder / "notebooks").glob("*.ipynb")))
    for stem, _ in pages:
        if not (out / f"{stem}.html").exists():
            notebook_pages(folder, f"{stem}.ipynb", pages)
    record = {
        "parameters": {**params.DEFAULTS, **plan.values},
        "code_fingerprint": colophon.fingerprint(),
        "name": plan.name or "default",
        "data": data_of(plan.values),
    }
    if plan.name:  # the default study's commit is the one that holds it
        record |= {
            "git_commit": colophon.git_commit(),
            "source": run_source(plan.values.get("data_dir"), plan.params_file),
        }
    (out / "index.html").write_text(index_page(folder, pages, plan, record), encoding="utf-8")
    (out / "run.json").write_text(json.dumps(record, indent=1, sort_keys=True) + "\n", encoding="utf-8")


@functools.cache
def _pages_env():
    import jinja2

    loader = jinja2.FileSystemLoader(TEMPLATES / "pages")
    return jinja2.Environment(
        loader=loader, autoescape=True, keep_trailing_newline=True, undefined=jinja2.StrictUndefined
    )


def render(template: str, **context) -> str:
    """A page from ``templates/pages/<template>`` (Jinja2, autoescaped)."""
    return _pages_env().get_template(template).render(**context)


def index_page(folder: Path, pages, plan, record: dict) -> str:
    """The front page (:mod:`helpers.publishing.front_page`), laid out by ``templates/pages/index.html.j2``."""
    values = {**params.DEFAULTS, **plan.values}
    return render(
        "pool.html.j2" if run_kind.of(values) is run_kind.RunKind.POOLED else "index.html.j2",
        **front_page.build(folder, values),
        run_name=plan.name,
        warnings=plan.warnings,
        pages=pages,
        fingerprint=record["code_fingerprint"],
        git_commit=record.get("git_commit"),
    )


def runs_index(runs: Path) -> None:
    """``outputs/runs/index.html``: every run, the runner's and a notebook's run alone with papermill, with the
    parameters it changed and a link to its pages (or, run alone, its folder)."""
    rows = []
    for folder in sorted(p for p in runs.iterdir() if p.is_dir() and not p.name.startswith(".")):
        record, alone = folder / "html" / "run.json", folder / "parameters.json"
        if record.exists():
            rec = json.loads(record.read_text(encoding="utf-8"))
            changed, link, name = params.changed(rec["parameters"]), "html/index.html", rec["name"]
        elif alone.exists():
            changed, link, name = (
                json.loads(alone.read_text(encoding="utf-8")),
                "",
                f"{folder.name} (notebooks run alone)",
            )
        else:
            continue
        if run_kind.of(changed).chart:
            changed["data_dir"] = "(chart data)"
        rows.append({"link": f"{folder.name}/{link}", "name": name, "changed": json.dumps(changed)})
    (runs / "index.html").write_text(render("runs.html.j2", runs=rows), encoding="utf-8")
