"""A run's outputs are replaced whole or not at all: where one old file cannot be moved (on Windows, a file
another program holds open), every old output stays as it was and the message names that file."""

from pathlib import Path

import pytest

from helpers.runner import replace


def _tree(root: Path, words: str) -> dict[str, str]:
    for part, name in (("figures", "a.png"), ("tables", "t.csv"), ("html", "index.html")):
        (root / part).mkdir(parents=True)
        (root / part / name).write_text(f"{words} {name}", encoding="utf-8")
    return _read(root)


def _read(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): p.read_text(encoding="utf-8") for p in sorted(root.rglob("*")) if p.is_file()
    }


@pytest.fixture
def trees(tmp_path):
    old, new = tmp_path / "outputs", tmp_path / "work"
    before, built = _tree(old, "old"), _tree(new, "new")
    pairs = [(new / part, old / part) for part in ("figures", "tables", "html")]
    return old, new, before, built, pairs


def _held_open(monkeypatch, locked: Path):
    """Path.rename as Windows does it while another program holds ``locked`` open: neither the file nor a folder
    that holds it can be renamed."""
    rename = Path.rename

    def refusing(self, target):
        if self == locked or self in locked.parents:
            raise PermissionError(13, "Permission denied", str(self))
        return rename(self, target)

    monkeypatch.setattr(Path, "rename", refusing)


def test_a_run_replaces_every_part_and_leaves_nothing_aside(trees):
    old, _, _, built, pairs = trees
    replace.swap(pairs)
    assert _read(old) == built
    assert not list(old.glob(".old-*")) and not any(p.exists() for p, _ in pairs)


def test_a_file_held_open_leaves_every_old_output_whole_and_is_named(trees, monkeypatch):
    old, new, before, built, pairs = trees
    _held_open(monkeypatch, old / "html" / "index.html")
    with pytest.raises(replace.InUse) as err:
        replace.swap(pairs)
    assert Path(err.value.filename) == old / "html" / "index.html"
    assert "is it open in another program?" in str(err.value)
    assert _read(old) == before and _read(new) == built  # the parts moved aside before it are back
    assert not list(old.glob(".old-*"))


def test_a_failure_while_moving_the_new_outputs_in_puts_the_old_ones_back(trees, monkeypatch):
    old, new, before, built, pairs = trees
    _held_open(monkeypatch, new / "html" / "index.html")  # the last new part cannot be moved in
    with pytest.raises(PermissionError):
        replace.swap(pairs)
    assert _read(old) == before and _read(new) == built
