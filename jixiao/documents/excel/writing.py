"""Styled workbooks from a :class:`~jixiao.documents.excel.schema.Layout`, with XlsxWriter.

What the paper form has, the sheet has: the title centred and merged across the form, the
header block with merged cells, column titles (grouped captions merged above them), borders,
column widths, number formats (money #,##0.00, percentages 0.00%, dates yyyy-mm-dd), frozen
header rows, drop-down lists for choice columns, a serif CJK font (宋体, GB2312 charset) and an
A4 page set up for printing (landscape for wide tables, fitted to the page width, title rows
repeated on every page, "第 N 页 共 M 页" in the footer).

Memory: XlsxWriter's ``constant_memory`` mode writes each row to a temporary file as soon as the
next row starts, so a workbook of 5 000 sheets or a sheet of 100 000 rows is written in flat
memory. The price is that rows must be written strictly in order, which ``merge_range`` cannot
do for vertical merges (its padding cells flush the row before its other cells are written).
So this module lays out each sheet's header block as a small grid, writes every cell itself in
row order and registers merged ranges on the worksheet directly (``_register_merge``); and it
closes each finished sheet's temporary file (``_opt_close``, which XlsxWriter reopens when it
assembles the file) so 5 000 sheets do not hold 5 000 open files. Both touch XlsxWriter
internals that have been stable for years; the tests read merges back with openpyxl.

Cell text is always written as text (never as a formula, number or link), so a value such as
``=HYPERLINK(...)`` typed into the platform stays inert in the exported file.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from jixiao.documents.excel.cells import CellType, Date, Integer, Number, parse_cell
from jixiao.documents.excel.schema import Column, Layout, SheetData, Table, repeat_runs

FONT_NAME = "宋体"  # SimSun: the serif face of printed Chinese forms
FONT_CHARSET = 134  # GB2312, as Chinese Excel writes it
FONT_SIZE = 11
PAGE_FOOTER = '&C&"宋体"&9第 &P 页 共 &N 页'
SHEET_NAME_MAX = 31
_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")
_RESERVED_SHEET_NAMES = {"history"}


def sheet_name(name: str, taken: set[str]) -> str:
    """A valid, unused sheet name from ``name``: no []:*?/\\, at most 31 characters, not
    starting or ending with an apostrophe; "（2）" … appended when taken (case-insensitive, as
    Excel compares). ``taken`` holds the lower-cased names in use and is updated."""
    base = _SHEET_NAME_BAD.sub("_", name).strip().strip("'") or "Sheet"
    if base.lower() in _RESERVED_SHEET_NAMES:
        base += "_"
    candidate = base[:SHEET_NAME_MAX]
    number = 1
    while candidate.lower() in taken:
        number += 1
        suffix = f"（{number}）"
        candidate = base[: SHEET_NAME_MAX - len(suffix)] + suffix
    taken.add(candidate.lower())
    return candidate


class WorkbookWriter:
    """Writes sheets of forms into one workbook. ``target`` is a path or a binary file; without
    one, :meth:`close` returns the bytes. Use as a context manager or call :meth:`close`."""

    def __init__(
        self, target: str | Path | IO[bytes] | None = None, *, constant_memory: bool = True
    ) -> None:
        self._buffer = io.BytesIO() if target is None else None
        output = self._buffer if self._buffer is not None else target
        self.book = xlsxwriter.Workbook(
            output if not isinstance(output, Path) else str(output),
            {
                "constant_memory": constant_memory,
                "strings_to_formulas": False,
                "strings_to_numbers": False,
                "strings_to_urls": False,
                "default_format_properties": {
                    "font_name": FONT_NAME,
                    "font_size": FONT_SIZE,
                    "font_charset": FONT_CHARSET,
                    "font_scheme": "none",
                },
            },
        )
        self._formats: dict[tuple[tuple[str, Any], ...], Format] = {}
        self._taken: set[str] = set()
        self.closed = False

    # --- formats --------------------------------------------------------------------------

    def fmt(self, **props: Any) -> Format:
        """A cell format (cached): the form's font plus ``props``."""
        key = tuple(sorted(props.items()))
        cached = self._formats.get(key)
        if cached is None:
            base = {
                "font_name": FONT_NAME,
                "font_size": FONT_SIZE,
                "font_charset": FONT_CHARSET,
                "font_scheme": "none",
                "valign": "vcenter",
            }
            cached = self._formats[key] = self.book.add_format({**base, **props})
        return cached

    def _value_format(self, kind: CellType, *, wrap: bool = True) -> Format:
        return self.fmt(
            border=1,
            num_format=kind.num_format,
            align=kind.align,
            text_wrap=wrap and kind.align == "left",
        )

    # --- sheets ---------------------------------------------------------------------------

    def add_sheet(
        self,
        layout: Layout,
        *,
        name: str,
        fields: Mapping[str, Any] | None = None,
        rows: Iterable[Mapping[str, Any]] = (),
        blank_rows: int = 0,
    ) -> str:
        """Write one form (or one list) as a new sheet; returns the sheet's actual name.

        ``rows`` may be a generator (written as it comes, in flat memory) unless a column
        merges repeated values, which needs the sheet's rows at once. ``blank_rows`` adds
        empty bordered rows with drop-down lists, for a template to fill in."""
        actual = sheet_name(name, self._taken)
        ws = self.book.add_worksheet(actual)
        _SheetWriter(self, ws, layout).write(dict(fields or {}), rows, blank_rows)
        if hasattr(ws, "_opt_close") and ws.constant_memory:
            ws._opt_close()  # XlsxWriter reopens the row file when it assembles the workbook
        return actual

    def add_data(self, layout: Layout, data: SheetData, *, blank_rows: int = 0) -> str:
        return self.add_sheet(
            layout, name=data.name, fields=data.fields, rows=data.rows, blank_rows=blank_rows
        )

    def close(self) -> bytes | None:
        if not self.closed:
            self.book.close()
            self.closed = True
        return self._buffer.getvalue() if self._buffer is not None else None

    def __enter__(self) -> WorkbookWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def export_workbook(layout: Layout, sheets: Iterable[SheetData], *, blank_rows: int = 0) -> bytes:
    """A workbook with one sheet per :class:`SheetData`, as bytes."""
    writer = WorkbookWriter()
    for data in sheets:
        writer.add_data(layout, data, blank_rows=blank_rows)
    return writer.close() or b""


def _register_merge(
    ws: Worksheet, first_row: int, first_col: int, last_row: int, last_col: int
) -> None:
    """Declare a merged range whose cells this module writes itself, in row order (see the
    module docstring for why ``merge_range`` cannot be used in constant-memory mode)."""
    ws.merge.append([first_row, first_col, last_row, last_col])


class _SheetWriter:
    """Writes one sheet. Rows are 0-based here, as in XlsxWriter; layouts use Excel's 1-based
    numbers."""

    def __init__(self, writer: WorkbookWriter, ws: Worksheet, layout: Layout) -> None:
        self.writer = writer
        self.ws = ws
        self.layout = layout
        self.fmt = writer.fmt
        self.last_col = layout.last_column
        self.grid: dict[tuple[int, int], tuple[Any, Format, CellType | None]] = {}

    def write(self, fields: dict[str, Any], rows: Iterable[Mapping[str, Any]], blank: int) -> None:
        self._page_setup()
        self._title()
        self._header_block(fields)
        table = self.layout.table
        if table is not None:
            self._column_titles(table)
        self._flush_grid()
        end = self._body(table, rows, blank) if table else self.layout.header_block_rows
        self._footer(fields, end)

    # --- page, widths, title ------------------------------------------------------------

    def _page_setup(self) -> None:
        ws, layout = self.ws, self.layout
        for col, width in layout.column_widths().items():
            ws.set_column(col, col, width)
        ws.set_paper(9)  # A4
        if layout.landscape:
            ws.set_landscape()
        else:
            ws.set_portrait()
        ws.fit_to_pages(1, 0)
        ws.center_horizontally()
        ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.7)
        ws.set_footer(PAGE_FOOTER)
        table = layout.table
        if table is not None:
            ws.repeat_rows(table.first_header_row - 1, table.header_row - 1)
            ws.freeze_panes(table.header_row, 0)

    def _put(
        self, ref: str, value: Any, fmt: Format, kind: CellType | None = None, to: str | None = None
    ) -> None:
        row, col = parse_cell(ref)
        self._put_at(row - 1, col, value, fmt, kind)
        if to:
            last_row, last_col = parse_cell(to)
            self._merge(row - 1, col, last_row - 1, last_col, fmt)

    def _put_at(self, row: int, col: int, value: Any, fmt: Format, kind: CellType | None) -> None:
        self.grid[(row, col)] = (value, fmt, kind)

    def _merge(self, row: int, col: int, last_row: int, last_col: int, fmt: Format) -> None:
        for r in range(row, last_row + 1):
            for c in range(col, last_col + 1):
                if (r, c) != (row, col):
                    self.grid.setdefault((r, c), (None, fmt, None))
        _register_merge(self.ws, row, col, last_row, last_col)

    def _title(self) -> None:
        row, col = parse_cell(self.layout.title_cell)
        title_fmt = self.fmt(bold=True, font_size=18, align="center")
        self.ws.set_row(row - 1, self.layout.title_height)
        self._put_at(row - 1, col, self.layout.title, title_fmt, None)
        if self.last_col > col:
            self._merge(row - 1, col, row - 1, self.last_col, title_fmt)

    def _header_block(self, fields: dict[str, Any]) -> None:
        label_fmt = self.fmt(border=1, align="center", text_wrap=True)
        for caption in self.layout.labels:
            self._put(caption.cell, caption.text, label_fmt, None, caption.merge_to)
        for item in self.layout.fields:
            if item.label_at:
                self._put(item.label_at, item.label, label_fmt, None, item.label_merge_to)
            fmt = self._value_fmt(item.type)
            self._put(item.cell, fields.get(item.key), fmt, item.type, item.merge_to)
        for number, height in self.layout.row_heights.items():
            self.ws.set_row(number - 1, height)

    def _value_fmt(self, kind: CellType) -> Format:
        return self.writer._value_format(kind)

    def _column_titles(self, table: Table) -> None:
        title_fmt = self.fmt(border=1, bold=True, align="center", text_wrap=True)
        row = table.header_row - 1
        start = parse_cell(f"{table.first_column}1")[1]
        group_start: tuple[str, int] | None = None
        for offset, column in enumerate(table.columns):
            col = start + offset
            if not table.has_groups:
                self._put_at(row, col, column.title, title_fmt, None)
                continue
            if column.group is None:
                self._put_at(row - 1, col, column.title, title_fmt, None)
                self._merge(row - 1, col, row, col, title_fmt)
            else:
                self._put_at(row, col, column.title, title_fmt, None)
            group_start = self._group(table, group_start, column, col, title_fmt)
        self._group(table, group_start, None, start + len(table.columns), title_fmt)

    def _group(
        self,
        table: Table,
        current: tuple[str, int] | None,
        column: Column | None,
        col: int,
        fmt: Format,
    ) -> tuple[str, int] | None:
        """Close the running group caption when the group changes; start the next one."""
        group = column.group if column is not None else None
        if current is not None and current[0] != group:
            name, first = current
            row = table.header_row - 2
            self._put_at(row, first, name, fmt, None)
            if col - 1 > first:
                self._merge(row, first, row, col - 1, fmt)
            current = None
        if group is not None and current is None:
            current = (group, col)
        return current

    def _flush_grid(self) -> None:
        for (row, col), (value, fmt, kind) in sorted(self.grid.items()):
            self._cell(row, col, value, fmt, kind)
        self.grid.clear()

    def _cell(self, row: int, col: int, value: Any, fmt: Format, kind: CellType | None) -> None:
        ws = self.ws
        if value is None:
            ws.write_blank(row, col, None, fmt)
            return
        cell = kind.to_cell(value) if kind is not None else value
        if isinstance(kind, Number | Integer):
            ws.write_number(row, col, cell, fmt)
        elif isinstance(kind, Date) or isinstance(cell, date | datetime):
            ws.write_datetime(row, col, cell, fmt)
        else:
            ws.write_string(row, col, str(cell), fmt)

    # --- the table ----------------------------------------------------------------------

    def _body(self, table: Table, rows: Iterable[Mapping[str, Any]], blank: int) -> int:
        """Write the rows below the column titles; returns the last row used (1-based)."""
        start_col = parse_cell(f"{table.first_column}1")[1]
        columns = [
            (start_col + i, c.key, c.type, self.writer._value_format(c.type))
            for i, c in enumerate(table.columns)
        ]
        first = table.header_row  # 0-based index of the first body row
        skip: set[tuple[int, int]] = set()
        if any(c.merge_repeats for c in table.columns):
            rows = list(rows)
            for key, runs in repeat_runs(table, rows).items():
                col = table.column_at(key)
                for begin, end in runs:
                    _register_merge(self.ws, first + begin, col, first + end, col)
                    skip.update((first + i, col) for i in range(begin + 1, end + 1))
        row = first
        cell = self._cell
        for values in rows:
            for col, key, kind, fmt in columns:
                if (row, col) in skip:
                    cell(row, col, None, fmt, None)
                else:
                    cell(row, col, values.get(key), fmt, kind)
            row += 1
        for _ in range(blank):
            for col, _key, _kind, fmt in columns:
                cell(row, col, None, fmt, None)
            row += 1
        self._drop_downs(columns, first, row - 1)
        return row

    def _drop_downs(
        self, columns: list[tuple[int, str, CellType, Format]], first: int, last: int
    ) -> None:
        if last < first:
            return
        for col, _key, kind, _fmt in columns:
            options = kind.list_values()
            if options and len(",".join(options)) <= 255:
                self.ws.data_validation(
                    first,
                    col,
                    last,
                    col,
                    {
                        "validate": "list",
                        "source": options,
                        "error_title": "输入有误",
                        "error_message": "请从下拉列表中选择：" + "、".join(options),
                    },
                )

    # --- footer -------------------------------------------------------------------------

    def _footer(self, fields: dict[str, Any], end: int) -> None:
        """Footer lines below the table (``end`` is the number of rows written so far)."""
        label_fmt = self.fmt(align="left")
        for foot in sorted(self.layout.footer, key=lambda f: (f.line, f.column)):
            row = end + foot.line
            col = parse_cell(f"{foot.column}1")[1]
            self._put_at(row, col, foot.label + "：", label_fmt, None)
            value_fmt = self.fmt(align="left", num_format=foot.type.num_format, bottom=1)
            self._put_at(row, col + 1, fields.get(foot.key), value_fmt, foot.type)
            if foot.span > 1:
                self._merge(row, col + 1, row, col + foot.span, value_fmt)
        self._flush_grid()
