"""The words a reader sees, kept beside the code in ``helpers/text/*.yaml`` so that a methodologist can correct
a sentence without reading Python. The code computes the numbers and chooses which sentence applies.

A template is a ``str.format`` string addressed by its file and its place in the file:
``fill("scenarios.survivorship.alike", stayed=61.2, ...)`` reads ``helpers/text/scenarios.yaml``, key
``survivorship``, key ``alike`` (a list item is addressed by its index: ``checklist.items.3.asks``). Fields
may carry a format (``{stayed:.0f}``) or an index (``{tab[06_ratio_measures]}``). A template that names a field
the code does not give is refused with the file, the key and the field (:class:`TemplateError`); every key
filled in this process is recorded in :data:`FILLED`, so a test can check that its calls fill every template.
"""

from __future__ import annotations

import functools
import re
import string

import yaml

from helpers import paths

FILLED: set[str] = set()  # every template filled in this process
_NEGATIVE_ZERO = re.compile(r"-(0(?:\.0*)?)(?=\D|$)")


class _Formatter(string.Formatter):
    """``str.format`` that never writes a negative zero ("-0", "-0.00"): a tiny negative value rounds to 0."""

    def format_field(self, value, format_spec):
        text = super().format_field(value, format_spec)
        return _NEGATIVE_ZERO.sub(r"\1", text) if re.fullmatch(r"-0(\.0*)?%?", text) else text


_FORMATTER = _Formatter()


class TemplateError(KeyError):
    """A template names a field the code does not give, or a key that does not exist."""

    def __str__(self) -> str:
        return str(self.args[0])


@functools.cache
def load(name: str):
    """The parsed ``helpers/text/<name>.yaml``."""
    path = paths.TEXT / f"{name}.yaml"
    if not path.exists():
        raise TemplateError(f"helpers/text/{name}.yaml: no such text file")
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def get(key: str):
    """The text (or the mapping or list of texts) at ``file.key.sub`` (list items by index)."""
    name, *parts = key.split(".")
    node = load(name)
    for part in parts:
        try:
            node = node[int(part)] if isinstance(node, list) else node[part]
        except (KeyError, IndexError, ValueError, TypeError):
            raise TemplateError(f"helpers/text/{name}.yaml has no template {key!r}") from None
    return node


def fields(template: str) -> set[str]:
    """The names a template uses: ``{x:.0f}`` -> x, ``{tab[NAME]}`` -> tab."""
    out = set()
    for _text, field, _spec, _conv in string.Formatter().parse(template):
        if field is not None and field != "":
            out.add(field.split(".")[0].split("[")[0])
    return out


def fill(key: str, /, **values) -> str:
    """The template at ``key`` filled with ``values`` (extra values are ignored)."""
    return fill_text(get(key), key, **values)


def fill_text(template: str, key: str, /, **values) -> str:
    """``template`` (read from ``key``) filled with ``values``; refuses a field the code does not give."""
    if not isinstance(template, str):
        raise TemplateError(
            f"helpers/text/{key.split('.')[0]}.yaml, {key!r}: expected a text, got a {type(template).__name__}"
        )
    missing = sorted(fields(template) - set(values))
    if missing:
        raise TemplateError(
            f"helpers/text/{key.split('.')[0]}.yaml, template {key!r} names {', '.join(missing)}, which the code "
            f"does not give (it gives: {', '.join(sorted(values)) or 'nothing'})"
        )
    FILLED.add(key)
    return _FORMATTER.format(template, **values)


def keys(name: str | None = None) -> list[str]:
    """Every template key (a text leaf) of one file, or of every file in ``helpers/text/``."""
    names = [name] if name else sorted(p.stem for p in paths.TEXT.glob("*.yaml"))
    out = []

    def walk(node, prefix):
        if isinstance(node, str):
            out.append(prefix)
        elif isinstance(node, dict):
            for k, v in node.items():
                walk(v, f"{prefix}.{k}")
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, f"{prefix}.{i}")

    for n in names:
        walk(load(n), n)
    return out
