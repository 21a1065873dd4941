"""The declarative description of a form's layout in a sheet, shared by import and export.

A :class:`Layout` is what the paper form looks like::

    row 1      title, centred and merged across the form's width
    rows 2…    the header block: fields at fixed cells (项目名称 in A3, its value in B3:H3),
               captions (项目资金（万元） merged over A5:A7)
    row N-1    optional group captions over columns (中期目标 | 年度目标)
    row N      the table's column titles (一级指标, 二级指标, 三级指标, 指标性质, 指标值 …)
    rows N+1…  one row per record (indicator), as many as there are
    after      footer lines: 单位（盖章）, 填报人, 联系电话, 填报日期 … located by their labels

The exporter (``writing.py``) draws exactly this; the importer (``importing.py``) reads it back
with the same value types, so export → import gives back the same data by construction. The
importer is strict where position carries meaning (a header field's label must be where the
layout puts it, so a shifted sheet is refused instead of misread) and tolerant where people
rearrange (the table's title row is searched for; columns are found by title in any order, with
extra spaces, full-width characters and aliases; extra columns are ignored).

A layout with only a table is a list: many records in one sheet, one per row.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from jixiao.documents.excel.cells import (
    TEXT,
    CellType,
    cell_ref,
    column_index,
    column_letter,
    parse_cell,
    squash,
)
from jixiao.documents.excel.errors import ImportErrors

# A check of one parsed table row: yields (column key or None, Chinese message) per problem.
RowCheck = Callable[[dict[str, Any]], Iterable[tuple[str | None, str]]]


@dataclass(frozen=True)
class Label:
    """Fixed text in the header block that belongs to no single field (a block caption)."""

    cell: str
    text: str
    merge_to: str | None = None


@dataclass(frozen=True)
class Field:
    """A value at a fixed cell of the header block, with its label in the cell to its left
    (or at ``label_cell``; ``show_label=False`` when a :class:`Label` captions it instead)."""

    key: str
    label: str
    cell: str
    type: CellType = TEXT
    required: bool = False
    merge_to: str | None = None
    label_cell: str | None = None
    label_merge_to: str | None = None
    show_label: bool = True

    @property
    def label_at(self) -> str | None:
        if not self.show_label:
            return None
        if self.label_cell:
            return self.label_cell
        row, col = parse_cell(self.cell)
        if col == 0:
            raise ValueError(f"field {self.key!r} in column A needs a label_cell")
        return cell_ref(row, col - 1)


@dataclass(frozen=True)
class Column:
    """A column of the table. ``optional``: the column may be missing from an imported sheet
    (its values are then None); ``required``: every row must have a value. ``fill_down``: an
    empty cell takes the value of the row above, as merged cells read (一级/二级指标);
    ``merge_repeats``: the exporter merges runs of equal values, so fill_down reads them back."""

    key: str
    title: str
    type: CellType = TEXT
    required: bool = False
    optional: bool = False
    aliases: tuple[str, ...] = ()
    width: float | None = None
    group: str | None = None
    fill_down: bool = False
    merge_repeats: bool = False

    @property
    def names(self) -> frozenset[str]:
        return frozenset(squash(name) for name in (self.title, *self.aliases))

    @property
    def column_width(self) -> float:
        return self.width if self.width is not None else self.type.width


@dataclass(frozen=True)
class Table:
    """The repeating part. ``header_row`` is where the exporter writes the column titles; the
    importer searches ``scan_rows`` rows below the header block for them. A row starting with
    one of ``stop_labels`` (合计 …) or with a footer label ends the table."""

    columns: tuple[Column, ...]
    header_row: int
    first_column: str = "A"
    stop_labels: tuple[str, ...] = ("合计", "总计", "小计")
    min_rows: int = 0
    row_checks: tuple[RowCheck, ...] = ()
    scan_rows: int = 30

    @property
    def has_groups(self) -> bool:
        return any(c.group for c in self.columns)

    @property
    def first_header_row(self) -> int:
        return self.header_row - 1 if self.has_groups else self.header_row

    def column_at(self, key: str) -> int:
        """0-based index of column ``key`` as the exporter places it."""
        start = column_index(self.first_column)
        for offset, column in enumerate(self.columns):
            if column.key == key:
                return start + offset
        raise KeyError(key)


@dataclass(frozen=True)
class FooterField:
    """A value below the table, found by its label (单位（盖章）, 填报人 …). The exporter writes
    footer ``line`` (0 = first line after the table) with the label at ``column`` and the value
    in the next cell, merged over ``span`` cells; the importer looks for the label anywhere
    below the table and reads the cell beside it (or the text after "：" in the same cell)."""

    key: str
    label: str
    type: CellType = TEXT
    required: bool = False
    line: int = 0
    column: str = "A"
    span: int = 1


@dataclass(frozen=True)
class Layout:
    title: str
    table: Table | None = None
    fields: tuple[Field, ...] = ()
    labels: tuple[Label, ...] = ()
    footer: tuple[FooterField, ...] = ()
    title_cell: str = "A1"
    landscape: bool = True
    row_heights: Mapping[int, float] = field(default_factory=dict)
    widths: Mapping[str, float] = field(default_factory=dict)
    title_height: float = 36

    def __post_init__(self) -> None:
        field_keys = [f.key for f in (*self.fields, *self.footer)]
        column_keys = [c.key for c in self.table.columns] if self.table else []
        for keys in (field_keys, column_keys):
            twice = sorted({k for k in keys if keys.count(k) > 1})
            if twice:
                raise ValueError(f"keys used twice in layout {self.title!r}: {twice}")
        if self.table and self.header_block_rows >= self.table.first_header_row:
            raise ValueError(f"layout {self.title!r}: the table must start below the header block")

    @property
    def header_block_rows(self) -> int:
        """The last row used by the title, fields and captions."""
        refs = [self.title_cell]
        for item in self.fields:
            refs += [item.cell, item.merge_to or item.cell, item.label_at or item.cell]
            refs.append(item.label_merge_to or item.cell)
        for caption in self.labels:
            refs += [caption.cell, caption.merge_to or caption.cell]
        return max(parse_cell(ref)[0] for ref in refs)

    @property
    def last_column(self) -> int:
        """0-based index of the rightmost column the form uses."""
        cols = [0]
        for item in self.fields:
            cols += [parse_cell(item.merge_to or item.cell)[1]]
        for caption in self.labels:
            cols += [parse_cell(caption.merge_to or caption.cell)[1]]
        if self.table:
            cols.append(column_index(self.table.first_column) + len(self.table.columns) - 1)
        for foot in self.footer:
            cols.append(column_index(foot.column) + foot.span)
        cols += [column_index(letter) for letter in self.widths]
        return max(cols)

    def column_widths(self) -> dict[int, float]:
        widths: dict[int, float] = {}
        if self.table:
            start = column_index(self.table.first_column)
            for offset, column in enumerate(self.table.columns):
                widths[start + offset] = column.column_width
        for letter, width in self.widths.items():
            widths[column_index(letter)] = width
        return widths


def repeat_runs(table: Table, rows: list[Mapping[str, Any]]) -> dict[str, list[tuple[int, int]]]:
    """Runs of equal values to merge, per ``merge_repeats`` column: (first, last) row indexes
    of each run longer than one row. A column's runs break wherever the runs of the merged
    columns before it break (二级 inside 一级)."""
    runs: dict[str, list[tuple[int, int]]] = {}
    breaks = {0}
    for column in table.columns:
        if not column.merge_repeats:
            continue
        key = column.key
        breaks = breaks | {
            i for i in range(1, len(rows)) if rows[i].get(key) != rows[i - 1].get(key)
        }
        bounds = [*sorted(breaks), len(rows)]
        runs[key] = [(b, e - 1) for b, e in pairwise(bounds) if e - b > 1]
    return runs


@dataclass
class SheetData:
    """One sheet's worth of a form: header and footer values by key, and the table rows.

    What the importer returns and what the exporter takes. After an import, ``row_numbers``,
    ``columns`` (column key → letter) and ``cells`` (field key → cell) say where each value
    was, and ``titles``/``labels`` name the columns and fields, for :meth:`error`.
    """

    fields: dict[str, Any] = field(default_factory=dict)
    rows: list[dict[str, Any]] = field(default_factory=list)
    name: str = ""
    row_numbers: list[int] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)
    cells: dict[str, str] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)

    def error(
        self,
        errors: ImportErrors,
        message: str,
        *,
        row: int | None = None,
        key: str | None = None,
        label: str | None = None,
    ) -> None:
        """Record a domain's error about this sheet: with ``row`` (an index into ``rows``),
        ``key`` is a column; without, a header or footer field."""
        number = column = None
        if row is not None:
            number = self.row_numbers[row] if self.row_numbers else None
            column = self.columns.get(key) if key else None
            label = label or (self.titles.get(key) if key else None)
        elif key:
            if key in self.cells:
                number, col = parse_cell(self.cells[key])
                column = column_letter(col)
            label = label or self.labels.get(key)
        errors.add(message, sheet=self.name, row=number, column=column, field_label=label)
