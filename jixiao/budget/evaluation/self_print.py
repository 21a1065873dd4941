"""The self-evaluation table printed (BUD-7, CORE-7): 项目支出绩效自评表 as PDF.

The same values as the Excel form (:func:`jixiao.budget.evaluation.self_excel.sheet_data`)
in the official layout, drawn by ``budget/evaluation/self_print.html`` on the documents
print base: A4 landscape, the title with the year under it, the header block, the funds block,
年度总体目标, the indicator table with 一级/二级指标 merged as on paper, 总分 and 评价结论, then the
signature line 项目负责人 · 财务负责人 · 单位负责人（盖章） · 填报日期 in a serif CJK font, nothing
fetched from outside. Only PDF: the other forms (the target declaration) print as PDF too;
Word is for the reports that units edit further.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from jixiao.budget.evaluation.models import SelfEvaluation
from jixiao.budget.evaluation.self_excel import layout_of, sheet_data, with_rows
from jixiao.documents.excel import Layout, SheetData
from jixiao.documents.excel.schema import repeat_runs
from jixiao.documents.language import in_official_language
from jixiao.documents.pdf import render_pdf

TEMPLATE = "budget/evaluation/self_print.html"
FUNDS_ROWS = (
    ("年度资金总额", "budget_initial"),
    ("其中：本年财政拨款", "fiscal_initial"),
    ("上年结转资金", "carryover_initial"),
    ("其他资金", "other_initial"),
)
# Column widths in per cent, A to J, of the header block and of the indicator table (定性评分,
# an input of the Excel form, is not printed).
BLOCK_WIDTHS = (10, 9, 9, 12, 12, 12, 12, 12, 6, 6)
WIDTHS = (8, 9, 16, 7, 9, 7, 9, 6, 6, 23)
INDICATOR_COLUMNS = (
    "level1",
    "level2",
    "name",
    "nature",
    "target",
    "unit",
    "actual",
    "full_score",
    "score",
    "explanation",
)


def signatures(data: SheetData) -> list[list[Any]]:
    fields = data.fields
    return [
        [
            ("项目负责人", fields.get("manager") or ""),
            ("财务负责人", fields.get("finance_manager") or ""),
            "单位负责人（盖章）",
            "填报日期",
        ]
    ]


def context(evaluation: SelfEvaluation, data: SheetData) -> dict[str, Any]:
    """What the print template shows, each value formatted by its type in the layout."""
    layout = layout_of(evaluation)
    kinds = {f.key: f.type for f in (*layout.fields, *layout.footer)}

    def shown(key: str) -> str:
        return kinds[key].display(data.fields.get(key))

    total_row = ["budget_full_year", "executed", "execution_full", "execution_rate"]
    funds = [
        {
            "label": label,
            "initial": shown(key),
            "rest": [shown(k) for k in total_row] + [shown("execution_score")] if n == 0 else None,
        }
        for n, (label, key) in enumerate(FUNDS_ROWS)
    ]
    return {
        "title": layout.title,
        "subtitle": f"（{evaluation.fiscal_year}年度）",
        "landscape": True,
        "block_widths": BLOCK_WIDTHS,
        "widths": WIDTHS,
        "header": {key: shown(key) for key in ("name", "code", "department", "unit", "manager")},
        "funds": funds,
        "explanation": shown("execution_explanation"),
        "goal_expected": shown("goal_expected"),
        "goal_actual": shown("goal_actual"),
        "rows": indicator_rows(layout, data),
        "full_total": kinds["total"].display(full_total(data)),
        "total": shown("total"),
        "grade": shown("grade"),
        "conclusion": shown("conclusion"),
    }


def full_total(data: SheetData) -> Decimal:
    """The points of the table: execution's plus every indicator's (100 when valid)."""
    points = data.fields.get("execution_full") or Decimal(0)
    return points + sum((row.get("full_score") or Decimal(0) for row in data.rows), Decimal(0))


def indicator_rows(layout: Layout, data: SheetData) -> list[list[dict[str, Any]]]:
    """The table's cells row by row; 一级/二级指标 merged over their runs (``rowspan``)."""
    table = layout.table
    if table is None:
        return []
    kinds = {c.key: c.type for c in table.columns}
    spans: dict[tuple[int, str], int] = {}
    hidden: set[tuple[int, str]] = set()
    for key, runs in repeat_runs(table, data.rows).items():
        for begin, end in runs:
            spans[(begin, key)] = end - begin + 1
            hidden.update((i, key) for i in range(begin + 1, end + 1))
    result = []
    for index, values in enumerate(data.rows):
        cells = []
        for key in INDICATOR_COLUMNS:
            if (index, key) in hidden:
                continue
            text = kinds[key].display(values.get(key))
            css = "num" if key in ("full_score", "score") else ""
            css = "center" if key in ("nature", "target", "unit", "actual") else css
            cells.append({"text": text, "css": css, "rowspan": spans.get((index, key), 1)})
        result.append(cells)
    return result


@in_official_language
def self_evaluation_pdf(evaluation: SelfEvaluation) -> bytes:
    """The table as PDF bytes (one query for its rows beyond what the caller loaded)."""
    (_, rows), *_ = with_rows([evaluation])
    data = sheet_data(evaluation, rows)
    return render_pdf(TEMPLATE, context(evaluation, data), signatures=signatures(data))


def pdf_filename(evaluation: SelfEvaluation) -> str:
    return f"{evaluation.project.code}_{layout_of(evaluation).title}.pdf"
