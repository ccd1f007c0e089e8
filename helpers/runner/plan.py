"""What a run will do, decided and checked before any notebook runs: parameters, data, notebooks, where it goes."""

from __future__ import annotations

import json
import re
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from helpers import paths
from helpers.errors import StudyInputError
from helpers.runner import notebook_hygiene, shown


@dataclass(frozen=True)
class Plan:
    notebooks: list[Path]
    target: Path  # the folder the run's outputs go to (outputs/ for the default study)
    values: dict = field(default_factory=dict)  # parameters that differ from the notebooks' defaults
    name: str | None = None  # a named run under outputs/runs/; None: the default study
    in_place: bool = False  # the default study: notebooks/ and outputs/ themselves
    params_file: Path | None = None
    html: bool = True
    failed: Path | None = None  # where a failing notebook is kept; None: beside the target
    warnings: tuple[str, ...] = ()  # chart data: values allowed but unlikely (shown in the pages too)

    @property
    def failed_folder(self) -> Path:
        return self.failed or self.target.with_name(self.target.name + "-failed")


def make(params_file=None, data=None, name=None, out=None, html=True) -> Plan:
    """Check every input and decide where the run goes; raises StudyInputError naming each problem."""
    from helpers.study import params  # here: a Ctrl-C while numpy imports is answered quietly by the runner

    values = params.load_file(params_file) if params_file else {}
    if "output_dir" in values:
        raise StudyInputError(
            f"{params_file}: parameter 'output_dir': the runner decides where a run goes "
            "(outputs/runs/NAME/); use --name NAME instead"
        )
    if data:
        values["data_dir"] = data
    warnings = ()
    if values.get("data_dir"):
        values["data_dir"] = str(Path(values["data_dir"]).expanduser().resolve())
        export = check_data(values)  # every data problem, before any notebook runs
        report(export, sys.stderr)
        warnings = tuple(export.warnings)
    named = bool(params_file or data or name)
    if not name and named:  # from the data folder's (or parameters file's) name, spaces and all
        origin = Path(data) if data else Path(params_file)
        name = re.sub(r"[^\w.-]+", "-", origin.stem if origin.is_file() else origin.resolve().name).strip("-.")
    if named and (not name or not all(c.isalnum() or c in "-_." for c in name) or name.startswith(".")):
        raise StudyInputError(f"run name {name!r}: use letters, digits, '-', '_' or '.' (option --name)")
    in_place = not named and not out
    target = Path(out).resolve() if out else paths.RUNS / name if named else paths.OUTPUTS
    if named and not out:
        same_run(target, values.get("data_dir"), params_file)
    for folder in [paths.OUTPUTS, paths.NOTEBOOKS] if in_place else [target.parent]:
        writable(folder)
    nbs = paths.study_notebooks()
    if not nbs:
        raise StudyInputError(f"{shown(paths.NOTEBOOKS)}: no notebooks named NN_topic.ipynb")
    edited_defaults(nbs)
    failed = paths.FAILED / (name or "default") if not out else None
    return Plan(nbs, target, values, name if named else None, in_place, params_file, html, failed, warnings)


def same_run(target: Path, data_dir, params_file) -> None:
    """Refuse to replace a run folder made from other data or parameters (another clinic's export, say)."""
    record = target / "html" / "run.json"
    if not target.exists():
        return
    before = json.loads(record.read_text(encoding="utf-8")).get("source", {}) if record.exists() else None
    if before != run_source(data_dir, params_file):
        made = "other data or parameters" if before else "files not made by a run"
        raise StudyInputError(
            f"run folder {shown(target)}: holds {made}; give this run another name with --name NAME "
            f"(make study ... NAME=...), or delete that folder first"
        )


def run_source(data_dir, params_file) -> dict:
    """What a named run was made from, as its record keeps it."""
    return {k: str(Path(v).resolve()) if v else None for k, v in (("data_dir", data_dir), ("params_file", params_file))}


def report(export, stream) -> None:
    """The notes and warnings of a checked export, one line each."""
    for kind, lines in (("note", export.notes), ("warning", export.warnings)):
        print("".join(f"{kind}: {line}\n" for line in lines), end="", file=stream)


def check_data(values: dict):
    """The chart data of ``values``, checked under the parameters the contract depends on (reading.Export)."""
    from helpers.clinic import contract, export_files
    from helpers.study import params

    merged = {**params.DEFAULTS, **values}
    rules = contract.Rules(merged["reference_year"], merged["min_followup_years"], merged["accept_low_reference_dose"])
    return export_files.read(Path(merged["data_dir"]), rules)


def writable(folder: Path) -> None:
    try:  # a real write, not os.access: root passes os.access even where writing fails
        folder.mkdir(parents=True, exist_ok=True)
        tempfile.TemporaryFile(dir=folder).close()
    except OSError as err:
        raise StudyInputError(
            f"output folder {shown(folder)}: cannot be created or written ({err.strerror}); previous outputs are unchanged"
        ) from None


def edited_defaults(nbs) -> None:
    """Refuse notebooks whose parameters cell no longer holds the defaults (an edit saved in JupyterLab, say)."""
    from helpers.study import params

    lines = []
    for nb in nbs:
        for name, value in notebook_hygiene.declared_parameters(nb).items():
            if name in params.DEFAULTS and value != params.DEFAULTS[name]:
                lines.append(
                    f"{shown(nb)}: parameter {name!r} is {value!r} in the parameters cell, but the study's default "
                    f"is {params.DEFAULTS[name]!r}; restore it (git checkout {shown(nb)}) and set other values "
                    "in a parameters file (make study PARAMS=...) or experiment in make lab"
                )
    if lines:
        raise StudyInputError(lines)
