"""Documentation that must not drift from the code."""

import dataclasses
import re

from helpers import paths, synthetic
from helpers.clinic import contract, normalise
from helpers.study import params

ROOT = paths.ROOT


def test_data_dictionary_names_every_column_and_every_assumption_with_its_default():
    text = (paths.SYNTHETIC_DATA / "README.md").read_text(encoding="utf-8")
    for column in (*contract.PATIENT_COLUMNS, *contract.DOSE_COLUMNS):
        assert f"`{column}`" in text, column
    defaults = synthetic.SyntheticSpec()
    for field in dataclasses.fields(synthetic.SyntheticSpec):
        if field.name in ("mode", "seed"):
            continue
        assert f"`{field.name}`" in text, f"data dictionary does not mention {field.name}"
    for name in synthetic.ASSUMPTIONS:
        value = getattr(defaults, name)
        row = re.search(rf"^\| `{name}` \| ([^|]+) \|", text, flags=re.M)
        assert row, f"data dictionary has no row for {name}"
        stated = row.group(1).strip()
        if isinstance(value, tuple):
            assert stated == "[" + ", ".join(map(str, value)) + "]", name
        else:
            assert float(stated) == value, f"{name}: the data dictionary says {stated}, the code {value}"
    assert f"at most {contract.MAX_DOSE:g}" in text
    # the limits a clinic's data is held to, as the dictionary states them (helpers/clinic/contract.py)
    assert f"a dose under {contract.LOW_DOSE:g} µg/24 h" in text and f"more than {contract.DOSE_JUMP:g} times" in text
    assert "`YYYY-MM-DD`" in text and contract.DATE_RULE.endswith("YYYY-MM-DD")


def test_data_dictionary_lists_exactly_the_accepted_spellings_of_each_coded_column():
    """The spellings are listed once, in helpers.clinic.normalise.SPELLINGS; the data dictionary's row of each
    coded column names every one of them (in any case) and no other."""
    text = (paths.SYNTHETIC_DATA / "README.md").read_text(encoding="utf-8")
    for column, spellings in normalise.SPELLINGS.items():
        row = re.search(rf"^\| `{column}` \|[^|]*\|[^|]*\|([^|]+)\|", text, flags=re.M)
        assert row, f"data dictionary has no row for {column}"
        listed = {v.lower() for v in re.findall(r"`([^`]+)`", row.group(1)) if " " not in v}
        listed -= {"true", "false"} - set(spellings)  # "(`TRUE`, `True` ...)" shows the case
        assert listed == set(spellings), column


def test_readme_opens_with_the_two_commands_and_documents_every_parameter():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    first_block = text[text.index("```") : text.index("```", text.index("```") + 3)]
    assert "make study" in first_block and "make test" in first_block
    for p in params.PARAMS:
        assert f"`{p.name}`" in text, f"README does not document parameter {p.name}"
    for f in sorted(paths.PARAMS.glob("*.yaml")):
        assert f"params/{f.name}" in text, f.name


def test_makefile_targets_each_have_a_help_line():
    make = (ROOT / "Makefile").read_text(encoding="utf-8")
    targets = re.findall(r"^([a-z-]+):", make, flags=re.M)
    for t in targets:
        assert re.search(rf"^{t}:.*## ", make, flags=re.M), f"make {t} has no '## help' text"


def test_ci_runs_make_test():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert ci.strip().splitlines()[-1] == "make test"


def test_each_notebook_and_its_jupytext_twin_hold_the_same_cells():
    import jupytext
    import nbformat

    for nb_path in paths.study_notebooks():
        twin = nb_path.with_suffix(".py")
        assert twin.exists(), f"{twin.name} missing: run jupytext --sync {nb_path}"
        a = [(c.cell_type, c.source) for c in nbformat.read(nb_path, as_version=4).cells]
        b = [(c.cell_type, c.source) for c in jupytext.read(twin).cells]
        assert a == b, f"{nb_path.name} and {twin.name} differ: run jupytext --sync notebooks/*.ipynb"
