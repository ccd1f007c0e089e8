"""Disclosure control on chart data: small counts masked so that no subtraction recovers them, and single
patients' extremes replaced by percentiles."""

from __future__ import annotations

import numpy as np
import pytest

from helpers.core import cohort

# ---- 7. disclosure that holds against subtraction ----------------------------------------------------------


def determined(values: dict, relations) -> set:
    """Independent check (exact rational elimination, not helpers.core.disclosure): the hidden cells whose value
    the relations and the shown cells fix. ``values``: name -> int (shown) or None (hidden)."""
    from fractions import Fraction

    unknown = [k for k, v in values.items() if v is None]
    col = {k: i for i, k in enumerate(unknown)}
    rows = []
    for total, parts in relations:
        row = [Fraction(0)] * len(unknown)
        for k, sign in ((total, 1), *((p, -1) for p in parts)):
            if k in col:
                row[col[k]] += sign
        if any(row):
            rows.append(row)
    pivots, r = [], 0
    for c in range(len(unknown)):  # reduced row echelon form
        pivot = next((i for i in range(r, len(rows)) if rows[i][c] != 0), None)
        if pivot is None:
            continue
        rows[r], rows[pivot] = rows[pivot], rows[r]
        rows[r] = [v / rows[r][c] for v in rows[r]]
        for i in range(len(rows)):
            if i != r and rows[i][c] != 0:
                rows[i] = [a - rows[i][c] * b for a, b in zip(rows[i], rows[r])]
        pivots.append(c)
        r += 1
    return {unknown[c] for i, c in enumerate(pivots) if sum(v != 0 for v in rows[i]) == 1}


def _shown_value(cell):
    text = str(cell).strip()
    if text.startswith("<") or text == "masked":
        return None
    return int(text.split(" (")[0])


def test_protect_masks_another_reason_or_the_total_so_subtraction_cannot_recover_a_small_one():
    from helpers.core import disclosure

    counts = {"excluded": 8, "pump": 5, "ulcer": 3}
    shown = disclosure.protect(counts, [("excluded", ["pump", "ulcer"])], 5)
    assert shown == {"excluded": 8, "pump": "masked", "ulcer": "<5"}
    counts = {"screened": 15, "excluded": 2, "analysed": 13, "MS": 9, "SCI": 4}
    relations = [("screened", ["excluded", "analysed"]), ("analysed", ["MS", "SCI"])]
    shown = disclosure.protect(counts, relations, 5)
    assert shown["excluded"] == "<5" and shown["SCI"] == "<5"
    assert sum(v == "masked" for v in shown.values()) == 2
    values = {k: None if disclosure.is_hidden(v) else v for k, v in shown.items()}
    assert determined(values, relations) == set()
    # without secondary suppression, subtraction gives both back
    assert determined({k: None if k in ("excluded", "SCI") else v for k, v in counts.items()}, relations) == {
        "excluded",
        "SCI",
    }


def test_protect_never_masks_zeros_and_uses_counts_no_table_shows():
    from helpers.core import disclosure

    counts = {"n": 20, "a": 3, "b": 17, "c": 0}
    assert disclosure.protect(counts, [("n", ["a", "b", "c"])], 5) == {"n": 20, "a": "<5", "b": "masked", "c": 0}
    counts |= {"unknown": 4, "n": 24}  # patients without a value, a count no table shows
    shown = disclosure.protect(counts, [("n", ["a", "b", "c", "unknown"])], 5, shown={"n", "a", "b", "c"})
    assert shown == {"n": 24, "a": "<5", "b": 17, "c": 0}
    with pytest.raises(ValueError, match="relation does not hold"):
        disclosure.protect({"n": 5, "a": 1}, [("n", ["a"])], 5)


@pytest.mark.parametrize("seed", range(12))
def test_protect_leaves_nothing_recoverable_in_random_tables_with_margins(seed):
    from helpers.core import disclosure

    rng = np.random.default_rng(seed)
    inner = rng.choice([0, 1, 2, 3, 4, 6, 9, 15], size=(3, 4))
    counts = {("cell", i, j): int(inner[i, j]) for i in range(3) for j in range(4)}
    counts |= {("row", i): int(inner[i].sum()) for i in range(3)} | {
        ("col", j): int(inner[:, j].sum()) for j in range(4)
    }
    counts[("all",)] = int(inner.sum())
    relations = [(("row", i), [("cell", i, j) for j in range(4)]) for i in range(3)]
    relations += [(("col", j), [("cell", i, j) for i in range(3)]) for j in range(4)]
    relations.append((("all",), [("row", i) for i in range(3)]))
    shown = disclosure.protect(counts, relations, 5)
    values = {k: None if disclosure.is_hidden(v) else v for k, v in shown.items()}
    assert determined(values, relations) == set()
    assert all(shown[k] == "<5" for k, v in counts.items() if 0 < v < 5)
    assert all(shown[k] == 0 for k, v in counts.items() if v == 0)


def _tables_as_shown(patients, doses, min_count=5):
    """The flow table, Table 1, the SCI table and the reference-dose table as notebooks 1-3 show them."""
    from helpers.core import counts, tables

    shown = counts.protected(patients, doses, 1, [7, 10], min_count)
    flow = tables.flow_shown(tables.flow_counts(patients, doses, 1, [7, 10]), shown)
    t1 = tables.table_one(patients, shown=shown)
    sci = tables.sci_breakdown(patients, shown=shown)
    ref = tables.median_range(cohort.percent_of_reference(patients, doses, 1, []), 1, extremes=False, shown=shown)
    return flow, t1, sci, ref


def _relations_a_reader_sees(flow, t1, sci, ref):
    """Every sum a reader can form from the shown tables, with the same count named alike across tables
    (built from the tables as shown, independently of helpers/core/counts.py)."""
    values, relations = {}, []
    f = {(s, g): v for s, g, v in zip(flow["stage"], flow["group"], flow["n"])}
    for (s, g), v in f.items():
        values[("flow", s, g)] = _shown_value(v)
    reasons = [("flow", s, "all") for s, _ in f if s.startswith("excluded: ")]
    relations += [
        (("flow", "screened", "all"), [("flow", "excluded", "all"), ("flow", "analysed", "all")]),
        (("flow", "excluded", "all"), reasons),
        (("flow", "analysed", "all"), [("flow", "analysed", "MS"), ("flow", "analysed", "SCI")]),
    ]
    group = {"Overall": "all", "MS": "MS", "SCI": "SCI"}
    n = {col: ("flow", "analysed", g) for col, g in group.items()}  # Table 1's n is the flow's analysed
    blocks: dict[str, list] = {}
    for row in t1.index:
        name, _, level = row.partition(", n (%): ")
        if level:
            blocks.setdefault(name, []).append(row)
    for name, rows in blocks.items():
        missing = ("t1 missing", name)
        values[missing] = _shown_value(t1.loc[rows[0], "Missing"])
        for col in group:
            for row in rows:
                values[("t1", row, col)] = _shown_value(t1.loc[row, col])
            values[("t1 missing", name, col)] = 0 if values[missing] == 0 else None  # per group: not shown
            relations.append((n[col], [*(("t1", row, col) for row in rows), ("t1 missing", name, col)]))
        relations += [(("t1", row, "Overall"), [("t1", row, "MS"), ("t1", row, "SCI")]) for row in rows]
        relations.append((missing, [("t1 missing", name, "MS"), ("t1 missing", name, "SCI")]))
    for r in sci.index:
        for c in sci.columns:
            values[("sci", r, c)] = _shown_value(sci.loc[r, c])
        if r != "all":
            relations.append((("sci", r, "all"), [("sci", r, c) for c in sci.columns if c != "all"]))
    for c in sci.columns:
        relations.append((("sci", "all", c), [("sci", r, c) for r in sci.index if r != "all"]))
    relations.append((("sci", "all", "all"), [n["SCI"]]))
    for level in ("cervical", "thoracic"):
        if level in sci.index:
            relations.append((("sci", level, "all"), [("t1", f"SCI level, n (%): {level}", "SCI")]))
    if "AIS A" in sci.columns:
        relations.append((("sci", "all", "AIS A"), [("t1", "AIS grade, n (%): A", "SCI")]))
    r = dict(zip(ref["group"], ref["n"]))
    for g in r:
        values[("ref", g)] = _shown_value(r[g])
        relations.append((("ref", g), [("flow", "analysed", g)]))  # everyone has a dose after 1 year here
    relations.append((("ref", "all"), [("ref", "MS"), ("ref", "SCI")]))
    return values, relations


def _clinic_like(n_ms, n_sci, n_excluded, seed, reasons=None):
    from helpers import synthetic
    from helpers.clinic import contract

    spec = synthetic.make_spec("simulation", seed, {"n_ms": n_ms, "n_sci": n_sci, "n_excluded": n_excluded})
    p, d = synthetic.generate(spec)
    if reasons:
        p.loc[p["excluded"], "exclusion_reason"] = [reasons[i % len(reasons)] for i in range(n_excluded)]
    return contract.validate(p, d)


@pytest.mark.parametrize(
    "cohort_args",
    [
        (9, 4, 2, 5, None),  # the end-to-end test's clinic: SCI and the exclusions below 5
        (22, 19, 8, 2019, None),  # the paper's size: one reason below 5
        (30, 12, 11, 3, ["infection", "pump failure", "death", "moved away", "explant"]),
        (15, 7, 6, 11, ["infection", "pump failure"]),
    ],
)
def test_no_masked_count_can_be_recovered_from_the_tables_of_notebooks_1_to_3(cohort_args):
    patients, doses = _clinic_like(*cohort_args)
    flow, t1, sci, ref = _tables_as_shown(patients, doses)
    values, relations = _relations_a_reader_sees(flow, t1, sci, ref)
    hidden = {k for k, v in values.items() if v is None and not (k[0] == "t1 missing" and len(k) == 3)}
    assert hidden, "nothing is masked: the case tests nothing"
    assert determined(values, relations) & hidden == set()
    for col in ("Overall", "MS", "SCI"):  # a percentage with a hidden n would give the n back
        if _shown_value(t1.loc["n", col]) is None:
            assert not any(" (" in str(t1.loc[r, col]) for r in t1.index if ", n (%): " in r), col


def test_without_secondary_suppression_the_same_tables_would_give_counts_away():
    """The check above can fail: with small counts masked alone, subtraction recovers them."""
    from helpers.core import disclosure, tables

    patients, doses = _clinic_like(22, 19, 8, 2019)
    flow = tables.flow_counts(patients, doses, 1, [7, 10])
    flow = disclosure.mask_counts(flow, ["n"], 5)
    t1 = disclosure.mask_count_cells(tables.table_one(patients), 5)
    sci = disclosure.mask_counts(tables.sci_breakdown(patients), tables.sci_breakdown(patients).columns, 5)
    ref = tables.median_range(cohort.percent_of_reference(patients, doses, 1, []), 1)
    values, relations = _relations_a_reader_sees(flow, t1, sci, ref)
    assert ("flow", "excluded: factor aggravating spasticity", "all") in determined(values, relations)


def test_the_flow_diagram_shows_what_the_flow_table_shows():
    from helpers.core import counts, figures, tables

    patients, doses = _clinic_like(9, 4, 2, 5)
    flow = tables.flow_shown(
        tables.flow_counts(patients, doses, 1, [7, 10]), counts.protected(patients, doses, 1, [7, 10], 5)
    )
    numbers = tables.flow_numbers(flow, [7, 10])
    fig = figures.flow_diagram(numbers)
    text = " ".join(t.get_text() for t in fig.axes[0].texts)
    for stage, group, n in zip(flow["stage"], flow["group"], flow["n"]):
        if stage == "screened":
            assert f"screened: {figures.n_text(n, True)}" in text
        if stage == "analysed" and group != "all":
            assert f"{group}: {figures.n_text(n, True)}" in text
    assert "masked" in text
    import matplotlib.pyplot as plt

    plt.close(fig)


# ---- minimum and maximum ---------------------------------------------------------------------------------


def test_chart_data_tables_show_percentiles_not_single_patients_extremes(synthetic_frames):
    from helpers.core import tables

    p, d = synthetic_frames
    pct = cohort.percent_of_reference(p, d, 1, [])
    ref = tables.median_range(pct, 1, extremes=False).set_index("group")
    assert "min" not in ref and "max" not in ref
    doses = pct.loc[pct["year"] == 1, "dose_ref"]
    assert ref.loc["all", "p10"] == pytest.approx(np.percentile(doses, 10))
    assert ref.loc["all", "p90"] == pytest.approx(np.percentile(doses, 90))
    assert ref.loc["all", "median (10th-90th percentile)"] == (
        f"{doses.median():.0f} ({np.percentile(doses, 10):.0f}-{np.percentile(doses, 90):.0f})"
    )
    assert doses.min() not in set(ref["p10"]) and doses.max() not in set(ref["p90"])
    adj = tables.adjustments_summary(cohort.adjustments_per_year(p, d), extremes=False)
    assert {"p10", "p90"} <= set(adj.columns) and not {"min", "max"} & set(adj.columns)
    assert "min" in tables.median_range(pct, 1).columns  # the synthetic study keeps the published range


def test_the_reproduction_report_hides_the_extremes_on_chart_data():
    from helpers.core import disclosure, published, reproduction

    results = {p.key: p.value for p in published.PUBLISHED}
    chart = reproduction.compare(results, count=lambda n: disclosure.mask(n, 5)).set_index("quantity")
    assert chart.loc["Dose after 1 year, minimum (µg/24 h)", "reproduced"] == "not shown"
    assert chart.loc["Dose after 1 year, maximum (µg/24 h)", "reproduced"] == "not shown"
    assert chart.loc["Dose after 1 year, median (µg/24 h)", "reproduced"] == "168"
    allowed = reproduction.compare(results, count=lambda n: disclosure.mask(n, 5), extremes=True)
    assert allowed.set_index("quantity").loc["Dose after 1 year, minimum (µg/24 h)", "reproduced"] == "30"
    assert reproduction.compare(results)["matches"].all()


def test_show_extremes_is_a_parameter_that_allows_them_on_chart_data(tmp_path):
    from helpers import study
    from helpers.study import params

    assert params.DEFAULTS["show_extremes"] is False
    assert params.check({"show_extremes": "yes"}) == ["parameter 'show_extremes': expected true or false, got 'yes'"]
    s = study.Study({**params.DEFAULTS, "data_dir": "x"}, tmp_path, None, None, "chart data", [])
    assert not s.show_extremes and "replaced by the 10th and 90th percentiles" in s.privacy_note()
    s = study.Study({**params.DEFAULTS, "data_dir": "x", "show_extremes": True}, tmp_path, None, None, "chart data", [])
    assert s.show_extremes
    assert study.Study(dict(params.DEFAULTS), tmp_path, None, None, "synthetic", []).show_extremes
