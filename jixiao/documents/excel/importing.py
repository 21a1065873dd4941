"""Reading workbooks into data with a :class:`~jixiao.documents.excel.schema.Layout`.

Two ways in, one parser:

- :func:`read_workbook` gives a list of :class:`SheetData` (header and footer values, table rows)
  and raises :class:`ImportRefused` listing every error. For forms of ordinary size.
- :func:`iter_sheets` streams: one :class:`SheetStream` per sheet whose ``rows`` is a generator,
  so a domain can validate and write in batches inside one transaction and raise
  ``ImportRefused`` at the end (rolling everything back) when the collector holds any error —
  "validate everything, write all or nothing" with memory that does not grow with the file.

Every value error goes to the collector with sheet, row, column letter, the field's label and a
Chinese message; a row with an error is not yielded, parsing goes on to find the others.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain
from typing import Any, NamedTuple

from jixiao.documents.excel import errors as msg
from jixiao.documents.excel.cells import Invalid, cell_ref, column_letter, parse_cell, squash
from jixiao.documents.excel.errors import ImportErrors, ImportRefused
from jixiao.documents.excel.reading import SheetRow, Source, WorkbookReader
from jixiao.documents.excel.schema import Column, FooterField, Layout, SheetData, Table


class TableRow(NamedTuple):
    number: int  # the sheet row number
    values: dict[str, Any]


@dataclass
class SheetStream:
    """A sheet being read. ``fields`` holds the header values at once and the footer values
    once ``rows`` is exhausted; ``columns`` maps column keys to the letters found."""

    name: str
    rows: Iterator[TableRow]
    fields: dict[str, Any] = field(default_factory=dict)
    columns: dict[str, str] = field(default_factory=dict)
    cells: dict[str, str] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)

    def collect(self) -> SheetData:
        rows, numbers = [], []
        for row in self.rows:
            numbers.append(row.number)
            rows.append(row.values)
        return SheetData(
            fields=self.fields,
            rows=rows,
            name=self.name,
            row_numbers=numbers,
            columns=self.columns,
            cells=self.cells,
            titles=self.titles,
            labels=self.labels,
        )


class _Spec(NamedTuple):
    key: str
    index: int
    parse: Callable[[Any], Any]
    required: bool
    fill_down: bool
    label: str
    letter: str


# --- Public entry points ----------------------------------------------------------------------


def read_workbook(
    source: Source,
    layout: Layout,
    *,
    sheets: Iterable[str] | None = None,
    errors: ImportErrors | None = None,
    engine: str = "auto",
) -> list[SheetData]:
    """Every sheet of the workbook (or those named) read with ``layout``.

    Without ``errors``, raises ``ImportRefused`` when anything is wrong. With a collector, the
    errors go there and the caller adds its own checks before raising (``raise_if_any``).
    """
    collector = errors if errors is not None else ImportErrors()
    result: list[SheetData] = []
    try:
        with WorkbookReader(source, engine=engine) as reader:
            for sheet in iter_sheets(reader, layout, collector, sheets=sheets):
                result.append(sheet.collect())
    except ImportRefused as refused:  # the file or a sheet cannot be read at all
        collector.extend(refused.errors)
    if errors is None:
        collector.raise_if_any()
    return result


def iter_sheets(
    reader: WorkbookReader,
    layout: Layout,
    errors: ImportErrors,
    *,
    sheets: Iterable[str] | None = None,
) -> Iterator[SheetStream]:
    """One stream per sheet; sheets with nothing in them are passed over."""
    names = list(sheets) if sheets is not None else reader.sheet_names
    if not names:
        errors.add(msg.NO_SHEETS)
    for name in names:
        rows = reader.rows(name)
        first = next(rows, None)
        if first is not None:
            yield parse_sheet(layout, name, chain([first], rows), errors)


def parse_sheet(
    layout: Layout, name: str, rows: Iterable[SheetRow], errors: ImportErrors
) -> SheetStream:
    """Read the header block and find the table's title row now; stream the rest."""
    return _SheetParser(layout, name, errors).start(iter(rows))


# --- The parser -------------------------------------------------------------------------------


# Columns found (key → index), required columns missing, titles seen twice (column, first,
# second). Callers only read them: one match serves every sheet with the same rows.
_Match = tuple[dict[str, int], list[Column], list[tuple[Column, int, int]]]
_MATCHES_KEPT = 256


@dataclass(frozen=True)
class _FieldPlan:
    key: str
    label: str
    parse: Callable[[Any], Any]
    required: bool
    row: int
    col: int
    label_at: tuple[int, int] | None
    label_key: str
    ref: str  # "B3"


@dataclass(frozen=True)
class _Plan:
    """What the parser needs from a layout, worked out once per layout (not per sheet)."""

    block: int
    wanted: dict[int, tuple[int, ...]]
    fields: tuple[_FieldPlan, ...]
    stops: frozenset[str]
    initials: frozenset[str]
    names: tuple[tuple[Column, frozenset[str], str | None], ...]
    titles: dict[str, str]
    footer: dict[str, FooterField]
    # Candidate title rows already matched: the sheets of one workbook repeat the same rows.
    matches: dict[tuple[Any, ...], _Match] = field(default_factory=dict)

    def match_titles(self, table: Table, row: SheetRow, above: SheetRow | None) -> _Match:
        key = (tuple(row.values), tuple(above.values) if above is not None else None)
        try:
            return self.matches[key]
        except KeyError:
            pass
        except TypeError:  # an unhashable value: match it, do not remember it
            return _match_titles(self, table, row, above)
        if len(self.matches) >= _MATCHES_KEPT:
            self.matches.clear()
        found = self.matches[key] = _match_titles(self, table, row, above)
        return found


def _plan(layout: Layout) -> _Plan:
    plan = layout.__dict__.get("_import_plan")
    if plan is None:
        plan = _make_plan(layout)
        object.__setattr__(layout, "_import_plan", plan)  # a cache on a frozen dataclass
    return plan


def _make_plan(layout: Layout) -> _Plan:
    fields = []
    wanted: dict[int, set[int]] = {}
    # The header fields end at ``block``; the table's titles are looked for below (a list's
    # own title row is no field, so a list pasted with its titles in row 1 reads too).
    block = 0
    for item in layout.fields:
        row, col = parse_cell(item.cell)
        label_at = parse_cell(item.label_at) if item.label_at else None
        label_key = squash(item.label).rstrip(":")
        fields.append(
            _FieldPlan(
                item.key,
                item.label,
                item.type.parse,
                item.required,
                row,
                col,
                label_at,
                label_key,
                cell_ref(row, col),
            )
        )
        for r, c in (p for p in ((row, col), label_at) if p is not None):
            wanted.setdefault(r, set()).add(c)
        block = max(block, row, parse_cell(item.merge_to or item.cell)[0], (label_at or (0, 0))[0])
    table = layout.table
    stops = {squash(label) for label in (table.stop_labels if table else ())}
    stops |= {squash(f.label) for f in layout.footer}
    columns = table.columns if table else ()
    return _Plan(
        block=block,
        wanted={r: tuple(sorted(cols)) for r, cols in wanted.items()},
        fields=tuple(fields),
        stops=frozenset(stops),
        initials=frozenset(label[:1] for label in stops),
        names=tuple((c, c.names, squash(c.group) if c.group else None) for c in columns),
        titles={c.key: c.title for c in columns},
        footer={squash(f.label): f for f in layout.footer},
    )


class _SheetParser:
    def __init__(self, layout: Layout, name: str, errors: ImportErrors) -> None:
        self.layout = layout
        self.name = name
        self.errors = errors
        self.plan = _plan(layout)
        self.block = self.plan.block
        self.store: dict[tuple[int, int], Any] = {}

    def error(
        self,
        message: str,
        row: int | None = None,
        col: int | None = None,
        label: str | None = None,
    ) -> None:
        letter = column_letter(col) if col is not None else None
        self.errors.add(message, sheet=self.name, row=row, column=letter, field_label=label)

    # --- header block and title row -----------------------------------------------------

    def start(self, rows: Iterator[SheetRow]) -> SheetStream:
        stream = SheetStream(name=self.name, rows=iter(()))
        table = self.layout.table
        rest: Iterator[SheetRow] = rows
        specs: list[_Spec] | None = None
        header_number = 0
        if table is not None:
            found = self._find_title_row(rows, table)
            if found is not None:
                header_number, specs, rest = found
                stream.columns = {s.key: s.letter for s in specs}
        else:
            rest = self._read_block(rows)
        self._header_fields(stream)
        stream.titles = self.plan.titles
        if table is not None and specs is not None:
            stream.rows = self._body(table, stream, rest, specs, header_number)
        else:
            stream.rows = self._footer_only(stream, rest)
        return stream

    def _keep(self, row: SheetRow) -> None:
        values = row.values
        for col in self.plan.wanted.get(row.number, ()):
            if col < len(values) and values[col] is not None:
                self.store[(row.number, col)] = values[col]

    def _read_block(self, rows: Iterator[SheetRow]) -> Iterator[SheetRow]:
        for row in rows:
            if row.number > self.block:
                return chain([row], rows)
            self._keep(row)
        return iter(())

    def _find_title_row(
        self, rows: Iterator[SheetRow], table: Table
    ) -> tuple[int, list[_Spec], Iterator[SheetRow]] | None:
        limit = max(table.header_row, self.block) + table.scan_rows
        previous: SheetRow | None = None
        best: tuple[int, SheetRow, list[Column]] | None = None  # (matches, row, missing)
        for row in rows:
            if row.number <= self.block:
                self._keep(row)
                continue
            if row.number > limit:
                break
            above = previous if previous and previous.number == row.number - 1 else None
            found, missing, twice = self.plan.match_titles(table, row, above)
            if not missing:
                for column, first, second in twice:
                    self.error(
                        msg.COLUMN_TWICE.format(
                            title=column.title,
                            first=column_letter(first),
                            second=column_letter(second),
                        ),
                        row.number,
                    )
                return row.number, self._specs(table, found), rows
            if found and (best is None or len(found) > best[0]):
                best = (len(found), row, missing)
            previous = row
        if best is not None:
            for column in best[2]:
                self.error(msg.COLUMN_MISSING.format(title=column.title), best[1].number)
        else:
            titles = "、".join(c.title for c in table.columns if not c.optional)
            self.error(msg.HEADER_NOT_FOUND.format(titles=titles))
        return None

    def _specs(self, table: Table, found: dict[str, int]) -> list[_Spec]:
        return [
            _Spec(
                c.key,
                found[c.key],
                c.type.parse,
                c.required,
                c.fill_down,
                c.title,
                column_letter(found[c.key]),
            )
            for c in table.columns
            if c.key in found
        ]

    def _header_fields(self, stream: SheetStream) -> None:
        store = self.store
        for item in self.plan.fields:
            stream.cells[item.key] = item.ref
            stream.labels[item.key] = item.label
            if item.label_at is not None:
                actual = store.get(item.label_at)
                if not (isinstance(actual, str) and squash(actual).rstrip(":") == item.label_key):
                    shown = msg.shown(actual) if actual is not None else ""
                    message = msg.LABEL_MISMATCH.format(expected=item.label, value=shown)
                    self.error(message, *item.label_at)
                    continue
            raw = store.get((item.row, item.col))
            stream.fields[item.key] = self._value(
                item.parse, item.required, raw, item.row, item.col, item.label
            )

    def _value(
        self,
        parse: Callable[[Any], Any],
        required: bool,
        raw: Any,
        row: int | None,
        col: int | None,
        label: str,
    ) -> Any:
        if raw is None:
            if required:
                self.error(msg.REQUIRED, row, col, label)
            return None
        try:
            return parse(raw)
        except Invalid as exc:
            self.error(exc.message, row, col, label)
            return None

    # --- table rows -----------------------------------------------------------------------

    def _body(
        self,
        table: Table,
        stream: SheetStream,
        rows: Iterator[SheetRow],
        specs: list[_Spec],
        header: int,
    ) -> Iterator[TableRow]:
        errors, name = self.errors, self.name
        stops, initials = self.plan.stops, self.plan.initials
        last: dict[str, Any] = {}
        found = {spec.key for spec in specs}
        absent = dict.fromkeys(c.key for c in table.columns if c.key not in found)
        count = 0
        plain = not absent and not any(spec.fill_down for spec in specs)
        for row in rows:
            values = row.values
            width = len(values)
            first = None
            for first in values:  # the first value that is not None
                if first is not None:
                    break
            if type(first) is str and first[:1] in initials and _label_key(first) in stops:
                rows = chain([row], rows)
                break
            out: dict[str, Any] = {} if plain else absent.copy()
            missing: list[_Spec] = []
            empty = True
            bad = False
            for spec in specs:
                key, index, parse = spec.key, spec.index, spec.parse
                raw = values[index] if index < width else None
                if raw is None:
                    kept = last.get(key) if spec.fill_down else None
                    out[key] = kept
                    if kept is None and spec.required:
                        missing.append(spec)
                    continue
                empty = False
                try:
                    value = parse(raw)
                except Invalid as exc:
                    errors.add(
                        exc.message,
                        sheet=name,
                        row=row.number,
                        column=spec.letter,
                        field_label=spec.label,
                    )
                    bad = True
                    value = None
                out[key] = value
                if spec.fill_down:
                    last[key] = value
            if empty:
                continue  # values only outside the table's columns
            for spec in missing:
                errors.add(
                    msg.REQUIRED,
                    sheet=name,
                    row=row.number,
                    column=spec.letter,
                    field_label=spec.label,
                )
            bad = bad or bool(missing)
            if not bad and table.row_checks:
                bad = self._row_checks(table, stream, row.number, out)
            count += 1
            if not bad:
                yield TableRow(row.number, out)
        else:
            rows = iter(())
        if count < table.min_rows:
            self.error(msg.TOO_FEW_ROWS.format(count=table.min_rows), header)
        self._footer(stream, rows)

    def _row_checks(
        self, table: Table, stream: SheetStream, number: int, values: dict[str, Any]
    ) -> bool:
        bad = False
        for check in table.row_checks:
            for key, message in check(values):
                letter = stream.columns.get(key) if key else None
                label = stream.titles.get(key) if key else None
                self.errors.add(
                    message, sheet=self.name, row=number, column=letter, field_label=label
                )
                bad = True
        return bad

    # --- footer -------------------------------------------------------------------------

    def _footer_only(self, stream: SheetStream, rows: Iterator[SheetRow]) -> Iterator[TableRow]:
        self._footer(stream, rows)
        return
        yield  # a generator that yields nothing

    def _footer(self, stream: SheetStream, rows: Iterable[SheetRow]) -> None:
        footer = self.layout.footer
        if not footer:
            return
        by_label = self.plan.footer
        found: dict[str, tuple[Any, int, int]] = {}
        for row in rows:
            for col, value in enumerate(row.values):
                if type(value) is not str:
                    continue
                key, _, inline = squash(value).partition(":")
                item = by_label.get(key)
                if item is None or item.key in found:
                    continue
                if inline:
                    found[item.key] = (_after_colon(value), row.number, col)
                else:
                    raw = row.values[col + 1] if col + 1 < len(row.values) else None
                    found[item.key] = (raw, row.number, col + 1)
        for item in footer:
            raw, number, col = found.get(item.key, (None, None, None))
            stream.labels[item.key] = item.label
            if number is not None and col is not None:
                stream.cells[item.key] = cell_ref(number, col)
            stream.fields[item.key] = self._value(
                item.type.parse, item.required, None if raw == "" else raw, number, col, item.label
            )


def _after_colon(text: str) -> str:
    return text.replace("：", ":", 1).partition(":")[2].strip()


def _label_key(text: str) -> str:
    return squash(text).partition(":")[0]


def _match_titles(plan: _Plan, table: Table, row: SheetRow, above: SheetRow | None) -> _Match:
    """Columns found in a candidate title row (key → index), the required ones missing, and
    titles that appear more often than the layout has columns for them."""
    titles, groups = _titles(table, row, above)
    positions: dict[str, list[int]] = {}
    for index, title in enumerate(titles):
        if title:
            positions.setdefault(title, []).append(index)
    used: set[int] = set()
    found: dict[str, int] = {}
    missing: list[Column] = []
    for column, names, group in plan.names:
        candidates = sorted(i for n in names for i in positions.get(n, ()) if i not in used)
        if group and len(candidates) > 1:
            candidates = [i for i in candidates if groups[i] == group] or candidates
        if candidates:
            found[column.key] = candidates[0]
            used.add(candidates[0])
        elif not column.optional:
            missing.append(column)
    twice = []
    for column, names, _group in plan.names:
        if column.key in found:
            extra = [i for n in names for i in positions.get(n, ()) if i not in used]
            if extra:
                used.update(extra)
                twice.append((column, found[column.key], extra[0]))
    return found, missing, twice


def _titles(
    table: Table, row: SheetRow, above: SheetRow | None
) -> tuple[list[str | None], list[str | None]]:
    """Comparable titles of a candidate row; with column groups, a title merged down from the
    row above counts, and the group caption above each column (merged across) is noted."""
    width = max(len(row.values), len(above.values) if above else 0)
    values = row.values + [None] * (width - len(row.values))
    upper: list[Any] = [None] * width
    if above is not None and table.has_groups:
        upper = above.values + [None] * (width - len(above.values))
    titles: list[str | None] = []
    groups: list[str | None] = []
    group = None
    for value, over in zip(values, upper, strict=True):
        if isinstance(over, str):
            group = squash(over)
        if isinstance(value, str):
            titles.append(squash(value))
            groups.append(group)
        elif isinstance(over, str):
            titles.append(squash(over))
            groups.append(None)
        else:
            titles.append(None)
            groups.append(group)
    return titles, groups
