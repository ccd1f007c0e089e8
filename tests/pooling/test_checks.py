"""Every kind of bad summary refused with one line naming the file and the field (exit code 2 from make pool,
nothing run); good ones pass."""

import json
import subprocess

import pytest

from helpers import paths
from helpers.errors import StudyInputError
from helpers.pooling import checks, examples

from ..conftest import PY


def _good():
    return json.loads((examples.FOLDER / "clinic_a.json").read_text(encoding="utf-8"))


def _bad(change):
    s = _good()
    change(s)
    return s


BAD = {
    "version": (lambda s: s.update(version=2), "field 'version'"),
    "missing": (lambda s: s.pop("settings"), "'settings' is a required property"),
    "extra id": (lambda s: s["groups"][0].update(patient_id="P001"), "field 'groups.0'"),
    "small count": (lambda s: s["groups"][0].update(n=3), "field 'groups.0.n': a count under the minimum"),
    "withheld with figures": (lambda s: s["differences"][0].update(withheld=True), "field 'differences.0.n_ms'"),
    "kind": (lambda s: s["data"].update(kind="real"), "field 'data.kind'"),
    "negative se": (lambda s: s["differences"][0].update(se_student=-1.0), "field 'differences.0.se_student'"),
}


@pytest.mark.parametrize("what", BAD)
def test_a_bad_summary_is_refused_naming_its_file_and_field(tmp_path, what):
    change, message = BAD[what]
    f = tmp_path / "bad.json"
    f.write_text(json.dumps(_bad(change)), encoding="utf-8")
    with pytest.raises(StudyInputError) as err:
        checks.read([examples.FOLDER / "clinic_b.json", f])
    assert len(err.value.lines) == 1 and err.value.lines[0].startswith(f"{f}: ") and message in err.value.lines[0]


def test_summaries_made_with_other_settings_or_twice_the_same_clinic_are_refused(tmp_path):
    other = tmp_path / "other.json"
    other.write_text(json.dumps(_bad(lambda s: s["settings"].update(reference_year=2))), encoding="utf-8")
    with pytest.raises(StudyInputError, match=r"other.json: field 'settings.reference_year': 2, but .*clinic_b.json"):
        checks.read([examples.FOLDER / "clinic_b.json", other])
    with pytest.raises(StudyInputError, match=r"field 'clinic'.*again"):
        checks.read([examples.FOLDER / "clinic_a.json", examples.FOLDER / "clinic_a.json"])
    with pytest.raises(StudyInputError, match=r"nothing\.json: no such file"):
        checks.read([tmp_path / "nothing.json"])
    (tmp_path / "text.json").write_text("clinic,estimate\n", encoding="utf-8")
    with pytest.raises(StudyInputError, match=r"text\.json: not a JSON summary"):
        checks.read([tmp_path / "text.json"])
    assert len(checks.read(sorted(examples.FOLDER.glob("*.json")))) == len(examples.CLINICS)


def test_make_pool_refuses_a_bad_summary_in_one_line_before_running_anything(tmp_path):
    f = tmp_path / "bad.json"
    f.write_text(json.dumps(_bad(lambda s: s.update(version=9))), encoding="utf-8")
    proc = subprocess.run([PY, "-m", "helpers.runner.pool", str(f), "--out", str(tmp_path / "out")], cwd=paths.ROOT,
                          capture_output=True, text=True, encoding="utf-8")  # fmt: skip
    assert proc.returncode == 2 and proc.stderr.strip().count("\n") == 0 and "field 'version'" in proc.stderr
    assert "Traceback" not in proc.stderr and not (tmp_path / "out").exists()
