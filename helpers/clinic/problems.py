"""Broken rules of a clinic's export, reported as a clinic can fix them: one line per (file, column, rule),
with how many rows break it and the first few of their lines."""

from __future__ import annotations

from dataclasses import dataclass

from helpers.errors import StudyInputError

LINES_SHOWN = 3  # line numbers named per problem; the count says how many there are in all


@dataclass(frozen=True)
class Place:
    """Where a table came from, as messages name it: the data row with index i is ``unit`` i + 2."""

    name: str  # "patients.csv"
    unit: str = "line"  # "line" of a text file; "row" of a spreadsheet


DEFAULT_PLACES = {"patients": Place("patients.csv"), "doses": Place("doses.csv")}


class Problems:
    """Broken rules, one entry per (table, column, rule), each with the rows that break it."""

    def __init__(self, places: dict[str, Place]):
        self.places = places
        self._rows: dict[tuple, list[tuple[int, str | None]]] = {}
        self._whole: list[str] = []

    def add(self, table: str, column, rule: str, index, values=None) -> None:
        """Rows (by index) of ``table`` whose ``column`` breaks ``rule``; ``values`` shown beside them."""
        index = list(index)
        values = [None] * len(index) if values is None else list(values)
        if index:
            self._rows.setdefault((table, column, rule), []).extend(zip(index, values))

    def whole(self, line: str) -> None:
        """A problem of a whole file or column, already worded."""
        self._whole.append(line)

    def lines(self) -> list[str]:
        out = list(self._whole)
        for (table, column, rule), rows in self._rows.items():
            place = self.places[table]
            rows = sorted(rows, key=lambda r: r[0])
            n = len(rows)
            nums = [str(int(i) + 2) for i, _ in rows[:LINES_SHOWN]] + (["..."] if n > LINES_SHOWN else [])
            where = f"{place.unit}{'s' if n > 1 else ''} {', '.join(nums)}"
            seen = list(dict.fromkeys(v for _, v in rows if v is not None))
            got = "; got " + ", ".join(seen[:LINES_SHOWN]) + (", ..." if len(seen) > LINES_SHOWN else "")
            cols = (
                "columns " + "/".join(f"'{c}'" for c in column) if isinstance(column, tuple) else f"column '{column}'"
            )
            out.append(f"{place.name}, {cols}: {n} row{'s' if n > 1 else ''} {rule} ({where}{got if seen else ''})")
        return out

    def __bool__(self) -> bool:
        return bool(self._whole or self._rows)

    def raise_any(self) -> None:
        if self:
            raise StudyInputError(self.lines())
