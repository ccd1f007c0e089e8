"""Small synthetic examples of every form of chart data the study reads (``data/examples/``).

``python -m helpers.synthetic.example_exports`` writes them from one small simulated cohort (seeded; no real patient), each
form holding the same charts, so a test can show that every form gives the results of the canonical one.
``--check`` only checks that the committed examples are what this module writes. The forms are described
in ``data/examples/README.md`` and in the data dictionary (``data/synthetic/README.md``).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from helpers import paths, synthetic

SEED = 12
SIZE = {"n_ms": 6, "n_sci": 5, "n_excluded": 3}
REASONS = ("catheter or pump failure", "infection of the pump pocket", "moved to another region")
FIRST_IMPLANT = dt.date(2003, 2, 3)
OPTIONAL = ("sex", "age_at_implant", "years_since_onset", "sci_level", "ais_grade")
FIXED_TIME = dt.datetime(2020, 1, 1)  # written into the .xlsx files, so the same examples give the same bytes


def charts() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The examples' cohort in the canonical form, as text, with days since implant kept alongside.

    Times are whole days (as dates are); years are days / 365.25 rounded to 6 decimals. Doses are thinned
    to the last adjustment of each year, which keeps the dose at every whole year.
    """
    p, d = synthetic.generate(synthetic.make_spec("simulation", SEED, SIZE))
    ids = {pid: f"SYNTH-{i + 1:02d}" for i, pid in enumerate(p["patient_id"])}
    p["patient_id"], d["patient_id"] = p["patient_id"].map(ids), d["patient_id"].map(ids)
    excluded = p.index[p["excluded"]]
    p["exclusion_reason"] = p["exclusion_reason"].astype(object)
    p.loc[excluded, "exclusion_reason"] = [REASONS[i % len(REASONS)] for i in range(len(excluded))]
    d = d.loc[~d.assign(k=np.ceil(d["years_since_implant"])).duplicated(["patient_id", "k"], keep="last")]

    p["implant_day"] = np.arange(len(p)) * 53  # days after FIRST_IMPLANT
    p["followup_days"] = np.ceil(p["followup_years"] * 365.25).astype(int)
    d = d.assign(days=np.round(d["years_since_implant"] * 365.25).astype(int)).reset_index(drop=True)
    out = pd.DataFrame(
        {
            "patient_id": p["patient_id"],
            "diagnosis": p["diagnosis"],
            "excluded": p["excluded"].map({True: "true", False: "false"}),
            "exclusion_reason": p["exclusion_reason"].fillna(""),
            "followup_years": [f"{v / 365.25:.6f}" for v in p["followup_days"]],
            "sex": p["sex"],
            "age_at_implant": p["age_at_implant"].map("{:.0f}".format),
            "years_since_onset": p["years_since_onset"].map("{:.1f}".format),
            "sci_level": p["sci_level"].fillna(""),
            "ais_grade": p["ais_grade"].fillna(""),
            "implant_day": p["implant_day"],
            "followup_days": p["followup_days"],
        }
    )
    doses = pd.DataFrame(
        {
            "patient_id": d["patient_id"],
            "years_since_implant": [f"{v / 365.25:.6f}" for v in d["days"]],
            "dose_ug_per_day": d["dose_ug_per_day"].map("{:.1f}".format),
            "days": d["days"],
        }
    )
    return out, doses


def _date(days) -> list[str]:
    return [(FIRST_IMPLANT + dt.timedelta(days=int(n))).isoformat() for n in days]


def _canonical(p, d):
    return p.drop(columns=["implant_day", "followup_days"]), d.drop(columns=["days"])


def _dated(p, d):
    implant = p.set_index("patient_id")["implant_day"]
    dated_p = p.drop(columns=["followup_years", "implant_day", "followup_days"])
    dated_p.insert(4, "implant_date", _date(p["implant_day"]))
    dated_p.insert(5, "review_end_date", _date(p["implant_day"] + p["followup_days"]))
    dated_d = d.drop(columns=["years_since_implant", "days"])
    dated_d.insert(1, "date", _date(d["patient_id"].map(implant) + d["days"]))
    return dated_p, dated_d


def _spelled_freely(p, d):
    """What an export opened and saved in a spreadsheet may hold: other spellings, spaces, extra columns."""
    p, d = _canonical(p, d)
    p = p.copy()
    yes, no = ("TRUE", "Yes", "1", "true"), ("FALSE", "no", "0", "False")
    p["excluded"] = [(yes if v == "true" else no)[i % 4] for i, v in enumerate(p["excluded"])]
    p["sex"] = [{"F": ("female", "F", "Female"), "M": ("male", "m", "MALE")}[v][i % 3] for i, v in enumerate(p["sex"])]
    p["diagnosis"] = [f" {v.lower()} " if i % 2 else v for i, v in enumerate(p["diagnosis"])]
    p["sci_level"] = p["sci_level"].str.capitalize()
    p["ais_grade"] = p["ais_grade"].str.lower()
    p.insert(1, "hospital_number", [f"SYNTHETIC-{i:04d}" for i in range(len(p))])
    p["comment"] = "synthetic example: not a real patient"
    p[""], p[" "] = "", ""  # two empty, nameless columns at the end, as a spreadsheet's stray cells leave them
    p.columns = [f" {c} " if c in ("diagnosis", "sex") else c for c in p.columns]
    p = p.rename(columns={"patient_id": "Patient_ID", "excluded": "EXCLUDED"})
    return p, d


def _comma(canonical):
    """Decimal commas in the number columns, as Excel writes them in many European locales."""
    comma = tuple(df.map(lambda v: v.replace(".", ",") if isinstance(v, str) else v) for df in canonical)
    return (
        comma[0].assign(**{c: canonical[0][c] for c in ("patient_id", "exclusion_reason")}),
        comma[1].assign(patient_id=canonical[1]["patient_id"]),
    )


def _write_csv(df: pd.DataFrame, path: Path, **kw) -> None:
    df.to_csv(path, index=False, lineterminator=kw.pop("lineterminator", "\n"), **kw)


def _write_xlsx(sheets: dict[str, pd.DataFrame], path: Path, numbers=(), dates=(), note: str | None = None) -> None:
    """Sheets as Excel writes them: numbers as numbers, dates as date cells; fixed times so bytes repeat."""
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, df in sheets.items():
        ws = wb.create_sheet(title)
        ws.append(list(df.columns))
        for row in df.itertuples(index=False):
            cells = []
            for c, v in zip(df.columns, row):
                if v == "":
                    v = None
                elif c in numbers:
                    v = float(v)
                elif c in dates:
                    v = dt.date.fromisoformat(v)
                cells.append(v)
            ws.append(cells)
        for c, col in zip(df.columns, ws.iter_cols(min_row=2)):
            if c in dates:
                for cell in col:
                    cell.number_format = "yyyy-mm-dd"
    if note:
        wb.create_sheet("about")["A1"] = note
    wb.properties.created = wb.properties.modified = FIXED_TIME
    buf = io.BytesIO()
    wb.save(buf)
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "docProps/core.xml":  # openpyxl stamps the time of saving here
                stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + stamp, data)
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, data)


NUMBERS = ("followup_years", "age_at_implant", "years_since_onset", "years_since_implant", "dose_ug_per_day")
DATES = ("implant_date", "review_end_date", "date")
NOTE = "Synthetic example data for the ITB study (helpers/synthetic/example_exports.py): no real patient."


def write(folder: Path = paths.EXAMPLE_DATA) -> list[Path]:
    """Write every example into ``folder``; returns the files written."""
    p, d = charts()
    canonical, dated = _canonical(p, d), _dated(p, d)
    written = []

    def csvs(name, pair, **kw):
        (folder / name).mkdir(parents=True, exist_ok=True)
        for table, df in zip(("patients", "doses"), pair):
            _write_csv(df, folder / name / f"{table}.csv", **kw)
            written.append(folder / name / f"{table}.csv")

    csvs("canonical", canonical)
    csvs("spelled_freely", _spelled_freely(p, d))
    csvs("optional_columns_left_out", (canonical[0].drop(columns=list(OPTIONAL)), canonical[1]))
    csvs("dates", dated)
    comma = _comma(canonical)
    csvs("semicolon_decimal_comma", comma, sep=";", lineterminator="\r\n", encoding="utf-8-sig")
    # what Excel writes for "CSV" in Swedish (and other Western European) settings: Windows-1252, then the same
    # file as an older system would write it, in Latin-1; each with a note in the clinic's language
    note = "Överflyttad från Malmö – syntetiskt exempel, ingen riktig patient"
    csvs("windows_1252", (comma[0].assign(kommentar=note), comma[1]), sep=";", lineterminator="\r\n", encoding="cp1252")
    csvs("latin_1", (canonical[0].assign(kommentar=note.replace("–", "-")), canonical[1]), encoding="latin-1")
    (folder / "excel_files").mkdir(parents=True, exist_ok=True)
    for table, df in zip(("patients", "doses"), dated):
        _write_xlsx({table: df}, folder / "excel_files" / f"{table}.xlsx", NUMBERS, DATES)
        written.append(folder / "excel_files" / f"{table}.xlsx")
    _write_xlsx(dict(zip(("patients", "doses"), canonical)), folder / "workbook.xlsx", NUMBERS, note=NOTE)
    written.append(folder / "workbook.xlsx")
    return written


def main(argv=None) -> int:
    """``python -m helpers.synthetic.example_exports [--check]``: (re)write data/examples/ or check it is up to date."""
    import argparse
    import filecmp
    import tempfile

    ap = argparse.ArgumentParser(description=main.__doc__)
    ap.add_argument("--check", action="store_true", help="only check the committed examples are what this writes")
    args = ap.parse_args(argv)
    if not args.check:
        write()
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        fresh = write(Path(tmp))
        stale = [
            f.relative_to(tmp).as_posix()
            for f in fresh
            if not (paths.EXAMPLE_DATA / f.relative_to(tmp)).exists()
            or not filecmp.cmp(f, paths.EXAMPLE_DATA / f.relative_to(tmp), shallow=False)
        ]
    if stale:
        print(
            f"data/examples/: {', '.join(stale)} differ from what helpers/synthetic/example_exports.py writes; "
            "run python -m helpers.synthetic.example_exports"
        )
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
