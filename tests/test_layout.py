"""The layout keeps its promises: the study's code apart from its machinery, no import cycle, single definitions,
pins that install on every Python 3.11, and an old Python refused with one line."""

import ast
import io
import re
import subprocess
import tokenize
from importlib import metadata

import pytest
from packaging.specifiers import SpecifierSet

from helpers import paths
from helpers.core import published

from .test_environment import requirements

STUDY_MODULES = sorted(p for p in paths.HELPERS.rglob("*.py") if paths.RUNNER not in p.parents)


def _module(path) -> str:
    rel = path.relative_to(paths.ROOT).with_suffix("")
    parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
    return ".".join(parts)


def _imports(path) -> set[str]:
    """Modules of the helpers package that ``path`` imports (absolute names), at any depth of the file."""
    here = _module(path).split(".")
    package = here if path.name == "__init__.py" else here[:-1]
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name.startswith("helpers")}
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            mod = ".".join([*base, *(node.module.split(".") if node.module else [])])
            if not mod.startswith("helpers"):
                continue
            for a in node.names:  # `from . import stats` imports a module; `from .x import f` a name
                candidate = f"{mod}.{a.name}"
                known = {_module(p) for p in paths.HELPERS.rglob("*.py")}
                out.add(candidate if candidate in known else mod)
    return out


# The jobs, stacked: a module may import its own subpackage and those before it, never one after it.
STACK = ("helpers.paths", "helpers.errors", "helpers.text", "helpers.core", "helpers.clinic", "helpers.synthetic", "helpers.study",
         "helpers.journal_club", "helpers.pooling", "helpers.publishing", "helpers.runner")  # fmt: skip
MAX_MODULES = 12  # per folder, "about a dozen"


def _layer(module: str) -> int:
    return next(i for i, top in enumerate(STACK) if module == top or module.startswith(top + "."))


def test_the_subpackages_stack_with_no_import_reaching_up():
    upward = [
        f"{_module(p)} imports {i}"
        for p in paths.HELPERS.rglob("*.py")
        if _module(p) != "helpers"
        for i in sorted(_imports(p))
        if i != "helpers" and _layer(i) > _layer(_module(p))
    ]
    assert not upward


def test_each_folder_holds_about_a_dozen_modules_and_helpers_itself_only_paths_and_errors():
    folders = {p.parent for p in paths.HELPERS.rglob("*.py")}
    sizes = {f.relative_to(paths.ROOT).as_posix(): len([m for m in f.glob("*.py") if not m.name.startswith("__")])
             for f in folders}  # fmt: skip
    assert {k: v for k, v in sizes.items() if v > MAX_MODULES} == {}
    assert sorted(p.name for p in paths.HELPERS.glob("*.py")) == ["__init__.py", "errors.py", "paths.py"]
    assert {".".join(_module(p).split(".")[:2]) for p in paths.HELPERS.rglob("*.py") if _module(p) != "helpers"} == {
        *STACK
    }


def test_no_study_module_imports_the_machinery():
    offenders = {_module(p): sorted(i for i in _imports(p) if i.startswith("helpers.runner")) for p in STUDY_MODULES}
    assert not {k: v for k, v in offenders.items() if v}


def test_the_study_modules_import_each_other_without_a_cycle():
    graph = {_module(p): {i for i in _imports(p) if i != _module(p)} for p in paths.HELPERS.rglob("*.py")}
    graph = {k: {i for i in v if i in graph and not (k.startswith(i + ".") or i == k)} for k, v in graph.items()}
    done, stack = set(), []

    def visit(node):
        if node in stack:
            raise AssertionError(f"import cycle: {' -> '.join([*stack[stack.index(node) :], node])}")
        if node in done:
            return
        stack.append(node)
        for nxt in sorted(graph[node]):
            visit(nxt)
        stack.pop()
        done.add(node)

    for node in sorted(graph):
        visit(node)


def _literals(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [n for n in ast.walk(tree) if isinstance(n, ast.Constant)]


def test_the_diagnoses_are_spelled_once():
    """No module of helpers/ (the machinery's included) spells "MS" or "SCI" itself, in a tuple, a key or a
    comparison: each names them through helpers.core.diagnoses (MS, SCI, DIAGNOSES), so a third group or another
    label would change one line."""
    found = [
        f"{_module(p)}:{n.lineno}"
        for p in paths.HELPERS.rglob("*.py")
        if p.name != "diagnoses.py"
        for n in _literals(p)
        if n.value in ("MS", "SCI")
    ]
    assert not found


# the paper's distinctive values: none may be typed outside published.py (counts such as 7 or 10 are too common)
DISTINCTIVE = {published.value(k) for k in ("dose_ref_median", "dose_ref_max", "ms_pct_7y", "ms_pct_10y",
                                              "sci_pct_7y", "sci_pct_10y", "p_7y", "p_10y", "n_screened")}  # fmt: skip


def test_published_numbers_are_typed_only_in_published_py():
    found = [
        f"{_module(p)}:{n.lineno} {n.value!r}"
        for p in STUDY_MODULES
        if p.name != "published.py"
        for n in _literals(p)
        if isinstance(n.value, (int, float)) and not isinstance(n.value, bool) and n.value in DISTINCTIVE
    ]
    assert not found


def test_every_pin_installs_on_python_3_11_2():
    """Debian 12 ships Python 3.11.2: each pinned package's Requires-Python must admit it (read from the
    installed packages' metadata, which is what pip checks)."""
    refused = {}
    for name in requirements(here=True):  # the pins installed here
        needs = metadata.metadata(name).get("Requires-Python")
        if needs and not SpecifierSet(needs).contains("3.11.2"):
            refused[name] = needs
    assert not refused


def test_an_old_python_is_refused_with_one_line(tmp_path):
    old = tmp_path / "python3.9"
    old.write_text("#!/bin/sh\n[ \"$1\" = --version ] && echo 'Python 3.9.18' && exit 0\nexit 1\n", encoding="utf-8")
    old.chmod(0o755)
    proc = subprocess.run(["make", "-s", "venv", f"PYTHON={old}", f"VENV={tmp_path / 'venv'}"], cwd=paths.ROOT,
                          capture_output=True, text=True, encoding="utf-8", timeout=60)  # fmt: skip
    assert proc.returncode != 0
    lines = [line for line in proc.stdout.splitlines() + proc.stderr.splitlines() if line.startswith("error:")]
    assert lines == [f"error: the study needs Python 3.11 or newer; {old} is Python 3.9.18. "
                     "Use make venv PYTHON=/path/to/python3.11"]  # fmt: skip
    assert not (tmp_path / "venv").exists()


def _code_and_strings(path):
    """(code without strings and comments, the string constants that are not docstrings) of a module."""
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    strings = [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
               and id(n) not in docstrings]  # fmt: skip
    tokens = tokenize.generate_tokens(io.StringIO(source).readline)
    skip = {
        tokenize.STRING,
        tokenize.COMMENT,
        *(getattr(tokenize, n) for n in ("FSTRING_MIDDLE",) if hasattr(tokenize, n)),
    }
    code = " ".join(t.string for t in tokens if t.type not in skip)
    return code, strings


CODE = sorted([*paths.HELPERS.rglob("*.py"), *paths.NOTEBOOKS.glob("[0-9][0-9]_*.py")])
# each decision and the one module that spells it; every other module asks that one
HOMES = {
    "the tests' names (the paper's test: stats.PAPER_TEST)": (
        r"^(Student t|Welch t|Mann-Whitney U|Hedges' g)$",
        "helpers/core/stats.py",
    ),
    "the flow's stages, words in helpers/text/flow.yaml, labelled only when shown": (r"^dose at ", None),
}


@pytest.mark.parametrize("decision", sorted(HOMES))
def test_a_decision_is_spelled_only_in_its_home(decision):
    pattern, home = HOMES[decision]
    found = [
        p.relative_to(paths.ROOT).as_posix()
        for p in CODE
        if any(re.search(pattern, s) for s in _code_and_strings(p)[1])
    ]
    assert found == ([home] if home else [])


def test_the_confidence_level_pooled_variance_and_welch_df_are_computed_only_in_stats():
    """``1 - alpha`` (a CI's quantile or its label), the pooled variance's ``(n - 1) * var`` and Welch's df are
    written once, in helpers/core/stats.py (ci_level, critical_t, critical_z, pooled_variance, welch_dof)."""
    patterns = {"1 - alpha": r"\b1 - (alpha|values \[)", "pooled variance": r"- 1 \) \* (var|sd)",
                "Welch df": r"\*\* 2 / \("}  # fmt: skip
    found = {
        (name, p.relative_to(paths.ROOT).as_posix())
        for p in CODE
        for name, pattern in patterns.items()
        if re.search(pattern, re.sub(r"\s+", " ", _code_and_strings(p)[0]))
    }
    assert found == {(name, "helpers/core/stats.py") for name in patterns}


def _decides_the_kind(tree) -> list[int]:
    """Lines that decide the kind of run themselves: a comparison with "calibrated", or a test of data_dir."""

    def names_data_dir(node):
        return any(isinstance(n, ast.Constant) and n.value == "data_dir" for n in ast.walk(node))

    lines = [n.lineno for n in ast.walk(tree) if isinstance(n, ast.Compare)
             and any(isinstance(c, ast.Constant) and c.value == "calibrated" for c in (n.left, *n.comparators))]  # fmt: skip
    tests = [n.test for n in ast.walk(tree) if isinstance(n, (ast.If, ast.IfExp, ast.While))]
    tests += [v for n in ast.walk(tree) if isinstance(n, ast.BoolOp) for v in n.values]
    tests += [n.operand for n in ast.walk(tree) if isinstance(n, ast.UnaryOp) and isinstance(n.op, ast.Not)]
    tests += [n for n in ast.walk(tree) if isinstance(n, ast.Call) and getattr(n.func, "id", None) == "bool"]
    return lines + [t.lineno for t in tests if names_data_dir(t)]


def test_the_kind_of_run_is_decided_only_in_run_kind():
    """Synthetic (calibrated or simulated) or chart data: helpers/core/run_kind.py decides, everything else asks
    it (``S.kind``, ``run_kind.of(params)``). The synthetic cohort's own mode and the runner resolving the data
    folder's path are not that decision."""
    allowed = {"helpers/core/run_kind.py", "helpers/runner/plan.py"}
    found = {
        f"{p.relative_to(paths.ROOT).as_posix()}:{line}"
        for p in CODE
        if p.relative_to(paths.ROOT).as_posix() not in allowed and paths.HELPERS / "synthetic" not in p.parents
        for line in _decides_the_kind(ast.parse(p.read_text(encoding="utf-8")))
    }
    assert not found


def test_no_test_calls_a_private_function_of_the_study():
    """Tests hold the study to what it offers: no ``module._name`` of a helpers module (or a name imported from
    one that starts with ``_``)."""
    found = []
    for path in sorted([*paths.ROOT.joinpath("tests").rglob("*.py"), paths.ROOT / "conftest.py"]):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        modules = {a.asname or a.name for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)
                   and (n.module or "").startswith("helpers") for a in n.names}  # fmt: skip
        found += [f"{path.name}:{n.lineno}" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)
                  and (n.module or "").startswith("helpers") and any(a.name.startswith("_") for a in n.names)]  # fmt: skip
        found += [f"{path.name}:{n.lineno} {n.value.id}.{n.attr}" for n in ast.walk(tree)
                  if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and n.value.id in modules
                  and n.attr.startswith("_") and not n.attr.startswith("__")]  # fmt: skip
    assert not found


def test_the_tests_are_grouped_as_the_code_is():
    """tests/<job>/ holds the tests of helpers/<job>/; what spans the project (layout, docs, environment) stays in
    tests/ itself."""
    folders = {p.name for p in (paths.ROOT / "tests").iterdir() if p.is_dir() and p.name != "__pycache__"}
    assert folders and folders <= {top.split(".")[1] for top in STACK}
    assert sorted(p.name for p in (paths.ROOT / "tests").glob("test_*.py")) == [
        "test_docs.py",
        "test_environment.py",
        "test_layout.py",
    ]
