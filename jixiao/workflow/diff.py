"""Comparing two snapshots of a form, field by field and row by row (pure Python, no Django).

A snapshot is the JSON a domain hands to ``case_submit``: a dict whose values are either plain
values (fields: "name", "budget" …) or *tables* — lists of dicts that each carry a stable
``row_key`` (default ``"key"``, e.g. ``"indicator:123"``). Rows are matched by that key, so a
reordered table shows no change, an edited row shows which columns changed, and rows that
appear or disappear show as added or removed. A list whose items are not all dicts with the
key is compared as one value.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from jixiao.lib.plain import plain

ADDED = "added"
REMOVED = "removed"
CHANGED = "changed"
SAME = "same"


@dataclass(frozen=True)
class FieldChange:
    name: str
    old: Any
    new: Any


@dataclass(frozen=True)
class RowDiff:
    key: Any
    status: str  # ADDED, REMOVED, CHANGED or SAME
    old: dict[str, Any] | None
    new: dict[str, Any] | None
    changes: tuple[FieldChange, ...] = ()


@dataclass(frozen=True)
class TableDiff:
    """Every row of both versions, in the newer version's order with removed rows last —
    what a side-by-side page shows."""

    name: str
    rows: tuple[RowDiff, ...]

    def _with(self, status: str) -> list[RowDiff]:
        return [row for row in self.rows if row.status == status]

    @property
    def added(self) -> list[RowDiff]:
        return self._with(ADDED)

    @property
    def removed(self) -> list[RowDiff]:
        return self._with(REMOVED)

    @property
    def changed(self) -> list[RowDiff]:
        return self._with(CHANGED)

    @property
    def has_changes(self) -> bool:
        return any(row.status != SAME for row in self.rows)


@dataclass(frozen=True)
class SnapshotDiff:
    fields: tuple[FieldChange, ...] = ()
    tables: dict[str, TableDiff] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return not self.fields and not any(t.has_changes for t in self.tables.values())

    def table(self, name: str) -> TableDiff:
        return self.tables.get(name, TableDiff(name, ()))


def diff_snapshots(
    old: Mapping[str, Any], new: Mapping[str, Any], row_key: str = "key"
) -> SnapshotDiff:
    old, new = plain(old), plain(new)
    fields: list[FieldChange] = []
    tables: dict[str, TableDiff] = {}
    for name in _ordered_keys(old, new):
        before, after = old.get(name), new.get(name)
        tabular = isinstance(before, list) or isinstance(after, list)
        if tabular and _is_table(before, row_key) and _is_table(after, row_key):
            tables[name] = _diff_table(name, before or [], after or [], row_key)
        elif before != after:
            fields.append(FieldChange(name, before, after))
    return SnapshotDiff(tuple(fields), tables)


def _ordered_keys(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    return list(new) + [key for key in old if key not in new]


def _is_table(value: Any, row_key: str) -> bool:
    """A list of dicts keyed by ``row_key`` (an absent value counts as an empty table)."""
    if value is None:
        return True
    return isinstance(value, list) and all(
        isinstance(row, dict) and row_key in row for row in value
    )


def _diff_table(name: str, old: list[dict], new: list[dict], row_key: str) -> TableDiff:
    before = {row[row_key]: row for row in old}
    after = {row[row_key]: row for row in new}
    rows = [_diff_row(key, before.get(key), row) for key, row in after.items()]
    rows += [RowDiff(key, REMOVED, row, None) for key, row in before.items() if key not in after]
    return TableDiff(name, tuple(rows))


def _diff_row(key: Any, old: dict[str, Any] | None, new: dict[str, Any]) -> RowDiff:
    if old is None:
        return RowDiff(key, ADDED, None, new)
    changes = tuple(
        FieldChange(col, old.get(col), new.get(col))
        for col in _ordered_keys(old, new)
        if old.get(col) != new.get(col)
    )
    return RowDiff(key, CHANGED if changes else SAME, old, new, changes)
