"""The pinned environment: pip and conda users get the same packages."""

import os
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==([^\s;#]+)(?:\s*;\s*(.+))?$")


def _pins(lines, here=False):
    """{package: version}; with ``here``, only the pins whose marker (``; python_full_version == '3.12.*'``)
    applies to this interpreter and platform."""
    from packaging.markers import Marker

    pins = {}
    for line in lines:
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        m = PIN.match(line)
        assert m, f"not an exact pin: {line!r}"
        if here and m.group(3) and not Marker(m.group(3)).evaluate():
            continue
        pins[m.group(1).lower().replace("_", "-")] = m.group(2)
    return pins


def requirements(here=False):
    return _pins((ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines(), here)


def test_every_requirement_is_pinned_exactly():
    assert len(requirements()) > 20


def test_environment_yml_lists_the_same_pins_as_requirements():
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d)
    assert _pins(pip_section) == requirements()
    assert "python=3.11" in env["dependencies"]


def test_direct_dependencies_are_in_the_lock():
    direct = _pins((ROOT / "requirements.in").read_text(encoding="utf-8").splitlines())
    lock = requirements()
    assert {k: lock.get(k) for k in direct} == direct


def test_installed_versions_match_the_pins():
    from importlib import metadata

    wrong = {
        name: (pin, metadata.version(name))
        for name, pin in requirements(here=True).items()
        if metadata.version(name) != pin
    }
    assert not wrong, f"installed versions differ from requirements.txt (make rebuilds .venv): {wrong}"


@pytest.mark.xdist_group("grouping-check")
def test_xdist_groups_keep_their_tests_together(request):
    """`make test` relies on --dist loadgroup: nbval's cells share one kernel, so they must all run on one worker,
    and the heavy shared runs are built once. pytest 9.2 silently broke the groups (pytest-xdist#1386): every
    test was dealt out on its own. When this fails after an upgrade, the groups are ignored again."""
    if not os.environ.get("PYTEST_XDIST_WORKER") or not request.config.getvalue("loadgroup"):
        pytest.skip("checks the groups of `make test` (pytest-xdist with --dist loadgroup)")
    assert request.node.nodeid.endswith("@grouping-check"), request.node.nodeid
