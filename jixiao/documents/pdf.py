"""Printed forms as PDF: Django templates → HTML → WeasyPrint.

WeasyPrint lays out paged HTML/CSS (``@page`` sizes, margin boxes for "第 N 页 共 M 页", table
headers repeated on every page) with Pango, so Chinese text is shaped and the fonts embedded
(subset) by fontconfig name: Noto Serif CJK SC for the body as the paper forms use a Song face,
Noto Sans CJK SC for headings; both come from Debian's ``fonts-noto-cjk``.

Nothing is fetched from outside: :class:`LocalFetcher` answers ``data:`` URLs and ``file:``
URLs under the allowed folders (our static files, the system fonts) and refuses everything
else — also ``file:`` elsewhere, so a crafted link could not attach a server file to a PDF.
Refused addresses are kept on the fetcher for tests and logs.

:func:`render_layout_pdf` prints any Excel :class:`~jixiao.documents.excel.schema.Layout` with
its data — the header block with its merged cells, the table with its grouped titles and merged
repeats, the footer fields as signature lines — so every form that imports and exports also
prints, with no template of its own. Forms that need more write a template extending
``documents/print_base.html`` and call :func:`render_pdf`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from jixiao.documents.excel.cells import Bool, CellType, Choice, Date, Integer, Number, parse_cell
from jixiao.documents.excel.schema import Layout, SheetData, Table, repeat_runs

FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"))
DEFAULT_WIDTH = 9.0

# A signature line: labels, or (label, value) pairs: [("填报人", "张三"), "联系电话"].
SignatureLine = Sequence[str | tuple[str, str]]


class LocalFetcher(URLFetcher):  # type: ignore[misc]
    """Fetches ``data:`` URLs and files under ``roots``; refuses the rest (kept in
    ``refused``)."""

    def __init__(self, roots: Iterable[Path] | None = None) -> None:
        super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False)
        self.roots = [p.resolve() for p in (roots if roots is not None else default_roots())]
        self.refused: list[str] = []

    def fetch(self, url: str, headers: Any = None) -> Any:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme == "data" or (scheme == "file" and self._allowed(parts.path)):
            return super().fetch(url, headers)
        self.refused.append(url)
        raise ValueError(f"外部资源不予加载：{url}")

    def _allowed(self, path: str) -> bool:
        target = Path(unquote(path)).resolve()
        return any(target.is_relative_to(root) for root in self.roots)


def default_roots() -> list[Path]:
    roots = [Path(settings.BASE_DIR) / "jixiao" / "static", Path(settings.STATIC_ROOT)]
    return roots + [d for d in FONT_DIRS if d.exists()]


def html_to_pdf(html: str, *, fetcher: LocalFetcher | None = None) -> bytes:
    """PDF bytes of an HTML document; relative URLs resolve against our static files."""
    base = (Path(settings.BASE_DIR) / "jixiao" / "static").as_uri() + "/"
    document = HTML(string=html, base_url=base, url_fetcher=fetcher or LocalFetcher())
    return document.write_pdf()


def render_pdf(
    template_name: str,
    context: Mapping[str, Any],
    *,
    signatures: Iterable[SignatureLine] = (),
    fetcher: LocalFetcher | None = None,
) -> bytes:
    """Render a template that extends ``documents/print_base.html`` to PDF.

    The base reads ``title``, ``subtitle``, ``landscape`` and the signature lines (e.g.
    ``[["单位（盖章）", "填报人", "联系电话", "填报日期"], ["审核", "统计"]]``)."""
    full = {**context, "signature_lines": signature_lines(signatures)}
    return html_to_pdf(render_to_string(template_name, full), fetcher=fetcher)


def signature_lines(lines: Iterable[SignatureLine]) -> list[list[tuple[str, str]]]:
    return [[(i, "") if isinstance(i, str) else (i[0], i[1]) for i in line] for line in lines]


# --- Any layout, printed ----------------------------------------------------------------------


@dataclass
class GridCell:
    text: str
    css: str = ""
    colspan: int = 1
    rowspan: int = 1


def render_layout_pdf(
    layout: Layout,
    data: SheetData,
    *,
    subtitle: str = "",
    signatures: Iterable[SignatureLine] = (),
    landscape: bool | None = None,
    fetcher: LocalFetcher | None = None,
) -> bytes:
    """The form of ``layout`` filled with ``data``, as PDF. Footer fields print as the first
    signature line; ``signatures`` adds lines (单位（盖章）, 审核, 统计 …)."""
    return html_to_pdf(
        layout_html(layout, data, subtitle=subtitle, signatures=signatures, landscape=landscape),
        fetcher=fetcher,
    )


def layout_html(
    layout: Layout,
    data: SheetData,
    *,
    subtitle: str = "",
    signatures: Iterable[SignatureLine] = (),
    landscape: bool | None = None,
) -> str:
    footer_line = [(f.label, f.type.display(data.fields.get(f.key))) for f in layout.footer]
    lines = ([footer_line] if footer_line else []) + list(signatures)
    context = {
        "title": layout.title,
        "subtitle": subtitle,
        "landscape": layout.landscape if landscape is None else landscape,
        "widths": _widths(layout),
        "block_rows": _block_rows(layout, data),
        "head_rows": _head_rows(layout.table, layout) if layout.table else [],
        "body_rows": _body_rows(layout.table, layout, data.rows) if layout.table else [],
        "signature_lines": signature_lines(lines),
    }
    return render_to_string("documents/layout_print.html", context)


def _widths(layout: Layout) -> list[float]:
    given = layout.column_widths()
    widths = [given.get(c, DEFAULT_WIDTH) for c in range(layout.last_column + 1)]
    total = sum(widths)
    return [round(w * 100 / total, 2) for w in widths]


def _css(kind: CellType) -> str:
    if isinstance(kind, Number | Integer):
        return "num"
    if isinstance(kind, Choice | Bool | Date):
        return "center"
    return ""


def _block_rows(layout: Layout, data: SheetData) -> list[list[GridCell]]:
    placed: dict[tuple[int, int], GridCell] = {}
    covered: set[tuple[int, int]] = set()

    def place(ref: str, cell: GridCell, merge_to: str | None) -> None:
        row, col = parse_cell(ref)
        if merge_to:
            last_row, last_col = parse_cell(merge_to)
            cell.rowspan, cell.colspan = last_row - row + 1, last_col - col + 1
            covered.update(
                (r, c) for r in range(row, last_row + 1) for c in range(col, last_col + 1)
            )
        placed[(row, col)] = cell

    for caption in layout.labels:
        place(caption.cell, GridCell(caption.text, "label"), caption.merge_to)
    for item in layout.fields:
        if item.label_at:
            place(item.label_at, GridCell(item.label, "label"), item.label_merge_to)
        value = item.type.display(data.fields.get(item.key))
        place(item.cell, GridCell(value, _css(item.type)), item.merge_to)
    first = parse_cell(layout.title_cell)[0] + 1
    rows = []
    for r in range(first, layout.header_block_rows + 1):
        row = []
        for c in range(layout.last_column + 1):
            cell = placed.get((r, c))
            if cell is None and (r, c) in covered:
                continue
            row.append(cell or GridCell("", "free"))
        rows.append(row)
    return rows


def _pad(table: Table, layout: Layout) -> tuple[int, int]:
    start = parse_cell(f"{table.first_column}1")[1]
    return start, layout.last_column + 1 - start - len(table.columns)


def _head_rows(table: Table, layout: Layout) -> list[list[GridCell]]:
    before, after = _pad(table, layout)
    free = [GridCell("", "free")]
    if not table.has_groups:
        return [free * before + [GridCell(c.title) for c in table.columns] + free * after]
    upper: list[GridCell] = free * before
    lower: list[GridCell] = free * before
    for column in table.columns:
        if column.group is None:
            upper.append(GridCell(column.title, rowspan=2))
            continue
        lower.append(GridCell(column.title))
        last = upper[-1] if len(upper) > before else None
        if last is not None and last.text == column.group and last.rowspan == 1:
            last.colspan += 1
        else:
            upper.append(GridCell(column.group))
    return [upper + free * after, lower + free * after]


def _body_rows(table: Table, layout: Layout, rows: list[dict[str, Any]]) -> list[list[GridCell]]:
    before, after = _pad(table, layout)
    spans: dict[tuple[int, str], int] = {}
    hidden: set[tuple[int, str]] = set()
    for key, runs in repeat_runs(table, rows).items():
        for begin, end in runs:
            spans[(begin, key)] = end - begin + 1
            hidden.update((i, key) for i in range(begin + 1, end + 1))
    result = []
    for index, values in enumerate(rows):
        row = [GridCell("", "free") for _ in range(before)]
        for column in table.columns:
            if (index, column.key) in hidden:
                continue
            text = column.type.display(values.get(column.key))
            cell = GridCell(text, _css(column.type), rowspan=spans.get((index, column.key), 1))
            row.append(cell)
        row += [GridCell("", "free") for _ in range(after)]
        result.append(row)
    return result
