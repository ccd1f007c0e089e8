"""Results in words: the sentences notebooks show beside a table (Markdown), and p-values as text."""

from __future__ import annotations

import numpy as np
import pandas as pd


def tests_in_words(tests: pd.DataFrame, alpha: float) -> str:
    """One plain sentence per time point from :func:`group_tests` (Markdown)."""
    lines = []
    for k, t in tests.groupby("year", sort=True):
        r = t.set_index("test")
        if pd.isna(r.at["Student t", "p"]) if "p" in r else True:
            lines.append(f"* **{k} years:** too few patients in a group to compare.")
            continue
        st, we, mw, g = (r.loc[n] for n in ("Student t", "Welch t", "Mann-Whitney U", "Hedges' g"))
        ci = f"{100 * (1 - alpha):g}% CI"
        lines.append(
            f"* **{k} years** (MS n={st['n_ms']}, SCI n={st['n_sci']}): the MS mean is {st['estimate']:.0f} % points "
            f"{'above' if st['estimate'] >= 0 else 'below'} the SCI mean ({ci} {st['ci_low']:.0f} to {st['ci_high']:.0f}); "
            f"Student {p_text(st['p'])}, Welch {p_text(we['p'])}, Mann-Whitney {p_text(mw['p'])}; "
            f"Hedges' g = {g['estimate']:.2f} ({ci} {g['ci_low']:.2f} to {g['ci_high']:.2f}). "
            f"{_agree(st, we, mw, alpha)}"
        )
    return "\n".join(lines)


def _agree(st, we, mw, alpha) -> str:
    sig = [p < alpha for p in (st["p"], we["p"], mw["p"])]
    if all(sig):
        return f"All three tests find a difference at alpha = {alpha:g}."
    if not any(sig):
        return f"None of the three tests finds a difference at alpha = {alpha:g}."
    return f"The tests disagree at alpha = {alpha:g}: read the difference with caution."


def p_format(p: float) -> str:
    """A p-value for a table cell: '0.012', '<0.001' (never '0.000'), '-' when missing."""
    if p is None or (isinstance(p, float) and np.isnan(p)):
        return "-"
    return "<0.001" if p < 0.001 else f"{p:.3f}"


def p_text(p: float) -> str:
    """A p-value in a sentence: 'p = 0.012' or 'p < 0.001' (never 'p = 0.000' or 'p = <0.001')."""
    text = p_format(p)
    return f"p < {text[1:]}" if text.startswith("<") else f"p = {text}"
