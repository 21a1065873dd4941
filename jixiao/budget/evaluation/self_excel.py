"""The self-evaluation table in Excel (BUD-7, CORE-7): 项目支出绩效自评表 out and in.

One self-evaluation per sheet, in the layout of the MOF form (财预〔2020〕10号 appendix;
RULES.md "Self-evaluation table"): title; 预算年度; 项目名称 · 项目代码 · 主管部门 · 实施单位 ·
项目负责人; the funds block in 万元 (年初预算数 · 全年预算数 · 全年执行数 · 分值 · 执行率 ·
得分; rows 年度资金总额, 其中：本年财政拨款 / 上年结转资金 / 其他资金, then 执行率偏低原因,
which the province rule asks for below 90 %); 年度总体目标 (预期目标 · 实际完成情况); the
indicator table (一级 · 二级 · 三级指标 · 指标性质 · 年度指标值 · 度量单位 · 实际完成值 · 分值 ·
得分 · 偏差原因分析及改进措施, and at the right edge 定性评分, the score inside its band that a
qualitative indicator takes); the footer 总分, 评价结论 and the signature line 项目负责人 ·
财务负责人 · 单位负责人（盖章） · 填报日期. A department's overall self-evaluation has the same
layout under the title 部门整体支出绩效自评表.

What the unit fills is what ``services.self_evaluation_save`` accepts from the page:
全年预算数, 全年执行数, 执行率偏低原因, 实际完成情况, 评价结论, 项目负责人, 财务负责人 and per
indicator 实际完成值 (a number; for a qualitative indicator 达成 / 部分达成 / 未达成 with its
定性评分) and 偏差原因分析及改进措施. Everything else is output only (types
:class:`OutputMoney` … whose ``parse`` ignores the cell): 分值, 得分, 执行率 and 总分 are the
engine's, recomputed by the service on every save and never read from a file; the unit's own
departure from the rule's score (``reported_score``) is entered on the page, where it must
carry a reason.

:func:`import_workbook` is all or nothing: it reads every sheet and checks every cell (types by
the layout; then the domain: the project code names a self-evaluation of the year the actor
sees, may fill and that is still a draft or returned; each 三级指标 is one of its rows; a number
for a quantitative indicator, a level for a qualitative one), then saves each changed table
through ``services.self_evaluation_save`` (the page's validation, scoring and audit row) inside
one transaction; the service's refusals become located errors, and any error rolls every table
back. Only values the sheet changes are sent, so an export imported unchanged writes nothing.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import islice
from typing import IO, Any

from django.db import transaction
from django.db.models import QuerySet

from jixiao.budget.evaluation import permissions as actions
from jixiao.budget.evaluation import queries, services
from jixiao.budget.evaluation.models import ResultState, SelfEvaluation, SelfEvaluationItem
from jixiao.budget.excel import Money
from jixiao.budget.monitoring.models import Level
from jixiao.documents.excel import (
    CellType,
    Column,
    Field,
    FooterField,
    ImportErrors,
    ImportRefused,
    Integer,
    Invalid,
    Label,
    Layout,
    Number,
    SheetData,
    Table,
    Text,
    WorkbookWriter,
    read_workbook,
)
from jixiao.documents.excel.cells import number_text, squash
from jixiao.documents.excel.errors import shown
from jixiao.documents.language import in_official_language, official_text
from jixiao.orgs import permissions as perms
from jixiao.orgs.errors import NO_PERMISSION, DomainError, PermissionDeniedError
from jixiao.orgs.models import User

# --- Messages (Chinese, defined once; tests assert them) -------------------------------------

UNKNOWN_CODE = "项目代码“{code}”没有{year}年度的绩效自评表，或不在您的查看范围内"
NOT_YOURS = "项目“{code}”的绩效自评表不在您的填报范围内，不能导入"
LOCKED = "项目“{code}”的绩效自评表{state}，不能通过导入修改"
CODE_TWICE = "项目代码“{code}”已在工作表“{sheet}”中出现"
YEAR_MISMATCH = "本次导入的是{expected}年度，表中为{value}年度"
INDICATOR_UNKNOWN = "三级指标“{name}”不在项目“{code}”的绩效自评表中"
INDICATOR_TWICE = "三级指标“{name}”在本表中出现了两次"
NUMBER_EXPECTED = "“{name}”是定量指标，实际完成值应为数字，实际为“{value}”"
LEVEL_EXPECTED = "“{name}”是定性指标，实际完成值应为{choices}之一，实际为“{value}”"
ASSESSED_QUANTITATIVE = "“{name}”是定量指标，得分由系统按计分规则计算，不填写定性评分"
MANAGER_MISMATCH = "表头与表尾的项目负责人不一致（“{head}”与“{foot}”），请只改一处"

TITLE = "项目支出绩效自评表"
DEPARTMENT_TITLE = "部门整体支出绩效自评表"
NOTE = (
    "绩效指标（“分值”“得分”“执行率”“总分”由系统按计分规则计算，导入时不读取；定性指标的"
    "实际完成值填“达成”“部分达成”或“未达成”，并在“定性评分”列填写档位内得分）"
)
DASH = "—"
EXPORT_CHUNK = 1000  # self-evaluations whose rows are read in one query
NATURE_SIGN = {"gte": "≥", "lte": "≤", "lte_ratio": "≤", "eq": "＝", "qualitative": "定性"}
LEVEL_LABEL = {value: official_text(label) for value, label in Level.choices}
LEVEL_BY_LABEL = {squash(label): value for value, label in LEVEL_LABEL.items()}
_NUMERIC_RE = re.compile(r"^[+-]?[\d,.]+%?$")

# --- Value types -----------------------------------------------------------------------------


class _OutputOnly:
    """Mixed into a value type: the cell is written, and ignored when a file is read back."""

    def parse(self, value: Any) -> None:
        return None


@dataclass(frozen=True)
class OutputMoney(_OutputOnly, Money):  # type: ignore[misc]
    pass


@dataclass(frozen=True)
class OutputNumber(_OutputOnly, Number):  # type: ignore[misc]
    pass


@dataclass(frozen=True)
class OutputText(_OutputOnly, Text):  # type: ignore[misc]
    pass


_ACTUAL_NUMBER = Number(max_digits=15, places=6, min=0, fixed=False)


@dataclass(frozen=True)
class Actual(CellType):
    """实际完成值: a number for a quantitative indicator, a level (达成 …) for a qualitative one.
    Which one a row needs depends on its indicator, so the import checks it against the
    table; here a number is checked as a number and anything else is kept as text."""

    width: float = 12
    align: str = "center"

    def parse(self, value: Any) -> Decimal | str:
        if type(value) is Decimal:
            return _ACTUAL_NUMBER.parse(value)
        text = value if isinstance(value, str) else shown(value)
        plain = unicodedata.normalize("NFKC", text).replace(" ", "")
        try:  # "95%" in a row measured in % is 95
            return _ACTUAL_NUMBER.parse(plain.removesuffix("%"))
        except Invalid:
            if _NUMERIC_RE.match(plain):
                raise  # a number, but a wrong one (negative, too many places)
            return text.strip()

    def to_cell(self, value: Any) -> str:
        return number_text(value) if isinstance(value, Decimal) else str(value)


MONEY_IN = Money()
MONEY_OUT = OutputMoney()
SCORE_OUT = OutputNumber(max_digits=8, places=2, width=9)
RATE_OUT = OutputNumber(max_digits=12, places=4, style="percent")
TEXT_OUT = OutputText()
LONG_TEXT = Text(max_length=5000)
NAME = Text(max_length=50)


def _funds_row(row: int, key: str, label: str, *, total: bool) -> tuple[Field, ...]:
    """One row of the funds block: its label over B:C and the 年初预算数 in D (the total row
    carries the rest of the block; the rows of the sources show "—" there)."""
    initial = Field(
        key, label, f"D{row}", MONEY_OUT, label_cell=f"B{row}", label_merge_to=f"C{row}"
    )
    if not total:
        return (initial,)
    hidden = {"show_label": False}
    return (
        initial,
        Field("budget_full_year", "全年预算数", f"E{row}", MONEY_IN, required=True, **hidden),
        Field("executed", "全年执行数", f"F{row}", MONEY_IN, required=True, **hidden),
        Field("execution_full", "分值", f"G{row}", SCORE_OUT, **hidden),
        Field("execution_rate", "执行率", f"H{row}", RATE_OUT, **hidden),
        Field("execution_score", "得分", f"I{row}", SCORE_OUT, merge_to=f"K{row}", **hidden),
    )


def _dashes(row: int) -> tuple[Label, ...]:
    return (
        Label(f"E{row}", DASH),
        Label(f"F{row}", DASH),
        Label(f"G{row}", DASH),
        Label(f"H{row}", DASH),
        Label(f"I{row}", DASH, merge_to=f"K{row}"),
    )


def _layout(title: str) -> Layout:
    return Layout(
        title=title,
        fields=(
            Field("fiscal_year", "预算年度", "B2", Integer(min=2000, max=2100)),
            Field("name", "项目名称", "B3", TEXT_OUT, merge_to="F3"),
            Field("code", "项目代码", "H3", Text(max_length=40), required=True, merge_to="K3"),
            Field("department", "主管部门", "B4", TEXT_OUT, merge_to="F4"),
            Field("unit", "实施单位", "H4", TEXT_OUT, merge_to="K4"),
            Field("manager", "项目负责人", "B5", NAME, merge_to="K5"),
            *_funds_row(7, "budget_initial", "年度资金总额", total=True),
            *_funds_row(8, "fiscal_initial", "其中：本年财政拨款", total=False),
            *_funds_row(9, "carryover_initial", "上年结转资金", total=False),
            *_funds_row(10, "other_initial", "其他资金", total=False),
            Field(
                "execution_explanation",
                "执行率偏低原因",
                "D11",
                LONG_TEXT,
                merge_to="K11",
                label_cell="B11",
                label_merge_to="C11",
            ),
            Field("goal_expected", "预期目标", "B13", TEXT_OUT, merge_to="F13", show_label=False),
            Field(
                "goal_actual", "实际完成情况", "G13", LONG_TEXT, merge_to="K13", show_label=False
            ),
        ),
        labels=(
            Label("I2", "金额单位：万元", merge_to="K2"),
            Label("A6", "项目资金（万元）", merge_to="A11"),
            Label("B6", "", merge_to="C6"),
            Label("D6", "年初预算数"),
            Label("E6", "全年预算数"),
            Label("F6", "全年执行数"),
            Label("G6", "分值"),
            Label("H6", "执行率"),
            Label("I6", "得分", merge_to="K6"),
            *_dashes(8),
            *_dashes(9),
            *_dashes(10),
            Label("A12", "年度总体目标", merge_to="A13"),
            Label("B12", "预期目标", merge_to="F12"),
            Label("G12", "实际完成情况", merge_to="K12"),
            Label("A14", NOTE, merge_to="K14"),
        ),
        table=Table(
            header_row=15,
            columns=(
                Column(
                    "level1", "一级指标", TEXT_OUT, fill_down=True, merge_repeats=True, width=10
                ),
                Column(
                    "level2", "二级指标", TEXT_OUT, fill_down=True, merge_repeats=True, width=12
                ),
                Column("name", "三级指标", Text(max_length=200), required=True, width=24),
                Column("nature", "指标性质", OutputText(width=8), optional=True),
                Column("target", "年度指标值", OutputText(width=12), optional=True),
                Column("unit", "度量单位", OutputText(width=8), optional=True),
                Column("actual", "实际完成值", Actual()),
                Column("full_score", "分值", SCORE_OUT, optional=True),
                Column("score", "得分", SCORE_OUT, optional=True),
                Column(
                    "explanation",
                    "偏差原因分析及改进措施",
                    LONG_TEXT,
                    aliases=("偏差原因分析及改进措施（未完成原因）",),
                    width=32,
                ),
                Column(
                    "assessed",
                    "定性评分",
                    Number(max_digits=8, places=2, min=0),
                    optional=True,
                    aliases=("定性评分（档位内）",),
                    width=10,
                ),
            ),
        ),
        footer=(
            FooterField("total", "总分", SCORE_OUT, line=0, column="A"),
            FooterField("grade", "等级", TEXT_OUT, line=0, column="C"),
            FooterField("conclusion", "评价结论", LONG_TEXT, line=1, column="A", span=10),
            FooterField("manager_signature", "项目负责人", NAME, line=2, column="A", span=2),
            FooterField("finance_manager", "财务负责人", NAME, line=2, column="D", span=2),
            FooterField("unit_head", "单位负责人（盖章）", TEXT_OUT, line=2, column="G", span=2),
            FooterField("filled_on", "填报日期", TEXT_OUT, line=2, column="J"),
        ),
        row_heights={13: 72, 14: 30},
    )


SELF_EVALUATION = _layout(TITLE)
DEPARTMENT_SELF_EVALUATION = _layout(DEPARTMENT_TITLE)


def layout_of(evaluation: SelfEvaluation) -> Layout:
    return DEPARTMENT_SELF_EVALUATION if evaluation.project.is_department else SELF_EVALUATION


# --- Export ----------------------------------------------------------------------------------


@in_official_language
def export_self_evaluations(evaluations: Iterable[SelfEvaluation]) -> bytes:
    """A workbook with one table per self-evaluation, each sheet named by the project code.
    Reads set-based: the tables (with project, unit and department) and their rows in one
    query per thousand tables."""
    writer = WorkbookWriter()
    written = 0
    for evaluation, rows in with_rows(evaluations):
        data = sheet_data(evaluation, rows)
        writer.add_sheet(layout_of(evaluation), name=data.name, fields=data.fields, rows=data.rows)
        written += 1
    if not written:
        writer.add_sheet(SELF_EVALUATION, name="绩效自评表")
    return writer.close() or b""


def with_rows(
    evaluations: Iterable[SelfEvaluation],
) -> Iterator[tuple[SelfEvaluation, list[SelfEvaluationItem]]]:
    """Each self-evaluation with its rows in table order, a thousand tables at a time."""
    if isinstance(evaluations, QuerySet):
        evaluations = evaluations.select_related("project", "unit", "project__department").iterator(
            chunk_size=EXPORT_CHUNK
        )
    iterator = iter(evaluations)
    while chunk := list(islice(iterator, EXPORT_CHUNK)):
        by_table: dict[int, list[SelfEvaluationItem]] = {e.pk: [] for e in chunk}
        items = SelfEvaluationItem.objects.filter(self_evaluation_id__in=list(by_table))
        for item in items.order_by("self_evaluation_id", "position", "id"):
            by_table[item.self_evaluation_id].append(item)
        for evaluation in chunk:
            yield evaluation, by_table[evaluation.pk]


def sheet_data(evaluation: SelfEvaluation, rows: list[SelfEvaluationItem]) -> SheetData:
    """The table of ``evaluation`` as the layout's data (also what the print shows)."""
    project = evaluation.project
    department = project.department
    rate = evaluation.execution_rate
    fields: dict[str, Any] = {
        "fiscal_year": evaluation.fiscal_year,
        "name": project.name,
        "code": project.code,
        "department": department.name if department else None,
        "unit": evaluation.unit.name,
        "manager": evaluation.manager or None,
        "budget_initial": evaluation.budget_initial,
        "fiscal_initial": project.annual_fiscal,
        "carryover_initial": project.annual_carryover,
        "other_initial": project.annual_other,
        "budget_full_year": evaluation.budget_full_year,
        "executed": evaluation.executed,
        "execution_full": evaluation.execution_full,
        "execution_rate": rate.quantize(Decimal("0.0001")) if rate is not None else None,
        "execution_score": evaluation.execution_score,
        "execution_explanation": evaluation.execution_explanation or None,
        "goal_expected": evaluation.goal_expected or None,
        "goal_actual": evaluation.goal_actual or None,
        "total": evaluation.total,
        "grade": official_text(evaluation.get_grade_display()) if evaluation.grade else None,
        "conclusion": evaluation.conclusion or None,
        "manager_signature": evaluation.manager or None,
        "finance_manager": evaluation.finance_manager or None,
    }
    return SheetData(name=project.code, fields=fields, rows=[row_data(row) for row in rows])


def row_data(row: SelfEvaluationItem) -> dict[str, Any]:
    if row.target_value is not None:
        target = number_text(row.target_value)
    else:
        target = row.target_text or None
    actual: Decimal | str | None = row.actual
    if row.is_qualitative:
        actual = LEVEL_LABEL.get(row.level) if row.level else None
    return {
        "level1": row.level1,
        "level2": row.level2,
        "name": row.name,
        "nature": NATURE_SIGN.get(row.rule) or None,
        "target": target,
        "unit": row.unit or None,
        "actual": actual,
        "full_score": row.full_score,
        "score": row.score,
        "explanation": row.explanation or None,
        "assessed": row.assessed_score if row.is_qualitative else None,
    }


# --- Import ----------------------------------------------------------------------------------


@dataclass
class ImportResult:
    tables: int = 0  # self-evaluations in the workbook
    changed: list[SelfEvaluation] = field(default_factory=list)  # those saved
    items: int = 0  # indicator rows changed


@dataclass
class _Planned:
    sheet: SheetData
    evaluation: SelfEvaluation
    values: dict[str, Any] = field(default_factory=dict)
    items: dict[int, dict[str, Any]] = field(default_factory=dict)
    seen: set[int] = field(default_factory=set)


def import_workbook(
    *, actor: User | None, fiscal_year: int, file: str | bytes | IO[bytes] | Any
) -> ImportResult:
    """Save the self-evaluations of a workbook for ``fiscal_year``: all of them, or none.

    Raises :class:`ImportRefused` (nothing written) listing every error with sheet, row and
    column, or ``PermissionDeniedError`` when the actor may fill no self-evaluation at all."""
    if actor is not None and not perms.can(actor, actions.SELF_EVALUATION_FILL):
        raise PermissionDeniedError(NO_PERMISSION)
    errors = ImportErrors()
    sheets = read_workbook(file, SELF_EVALUATION, errors=errors)
    tables = _tables(actor, fiscal_year, sheets)
    rows = {evaluation.pk: items for evaluation, items in with_rows(tables.values())}
    planned: list[_Planned] = []
    seen: dict[str, str] = {}
    for sheet in sheets:
        plan = _plan(actor, fiscal_year, sheet, tables, seen, errors)
        if plan is not None:
            _plan_header(plan, errors)
            _plan_rows(plan, rows[plan.evaluation.pk], errors)
            planned.append(plan)
    errors.raise_if_any()
    result = ImportResult(tables=len(planned))
    with transaction.atomic():
        for plan in planned:
            if not (plan.values or plan.items):
                continue
            try:
                saved = services.self_evaluation_save(
                    actor=actor,
                    self_evaluation=plan.evaluation,
                    values=plan.values,
                    items=plan.items,
                )
            except DomainError as exc:
                plan.sheet.error(errors, exc.message, key="code")
                continue
            result.changed.append(saved)
            result.items += len(plan.items)
        errors.raise_if_any()  # inside the transaction: every table saved rolls back
    return result


def _tables(
    actor: User | None, fiscal_year: int, sheets: list[SheetData]
) -> dict[str, SelfEvaluation]:
    """The year's self-evaluations the actor sees, named by the sheets, by project code."""
    codes = {str(s.fields.get("code") or "").strip() for s in sheets} - {""}
    if actor is None:
        qs = SelfEvaluation.objects.select_related("project", "unit", "project__department")
    else:
        qs = queries.self_evaluations_visible(actor)
    qs = qs.filter(fiscal_year=fiscal_year, project__code__in=codes)
    return {evaluation.project.code: evaluation for evaluation in qs}


def _plan(
    actor: User | None,
    fiscal_year: int,
    sheet: SheetData,
    tables: dict[str, SelfEvaluation],
    seen: dict[str, str],
    errors: ImportErrors,
) -> _Planned | None:
    """The sheet's self-evaluation, when the actor may change it through this import."""
    code = str(sheet.fields.get("code") or "").strip()
    if not code:
        return None  # the reader has named the missing code
    year = sheet.fields.get("fiscal_year")
    if year is not None and year != fiscal_year:
        message = YEAR_MISMATCH.format(expected=fiscal_year, value=year)
        sheet.error(errors, message, key="fiscal_year")
        return None
    if code in seen:
        sheet.error(errors, CODE_TWICE.format(code=code, sheet=seen[code]), key="code")
        return None
    seen[code] = sheet.name
    evaluation = tables.get(code)
    if evaluation is None:
        sheet.error(errors, UNKNOWN_CODE.format(code=code, year=fiscal_year), key="code")
        return None
    if actor is not None and not perms.can(actor, actions.SELF_EVALUATION_FILL, evaluation.unit):
        sheet.error(errors, NOT_YOURS.format(code=code), key="code")
        return None
    if evaluation.state not in (ResultState.DRAFT, ResultState.RETURNED):
        state = evaluation.get_state_display()  # a message to the reader: their language
        sheet.error(errors, LOCKED.format(code=code, state=state), key="code")
        return None
    return _Planned(sheet, evaluation)


def _same_text(value: Any, stored: str) -> bool:
    def plain(text: str) -> str:
        return text.replace("\r\n", "\n").replace("\r", "\n").strip()

    return plain(value or "") == plain(stored or "")


TEXT_FIELDS = ("execution_explanation", "goal_actual", "conclusion", "finance_manager")


def _plan_header(plan: _Planned, errors: ImportErrors) -> None:
    """The table's own values that the sheet changes."""
    fields, evaluation = plan.sheet.fields, plan.evaluation
    for name in ("budget_full_year", "executed"):
        value = fields.get(name)
        if value is not None and value != getattr(evaluation, name):
            plan.values[name] = value
    for name in TEXT_FIELDS:
        if not _same_text(fields.get(name), getattr(evaluation, name)):
            plan.values[name] = (fields.get(name) or "").strip()
    head, foot = fields.get("manager") or "", fields.get("manager_signature") or ""
    changed = {value.strip() for value in (head, foot) if not _same_text(value, evaluation.manager)}
    if len(changed) > 1:
        message = MANAGER_MISMATCH.format(head=head, foot=foot)
        plan.sheet.error(errors, message, key="manager_signature")
    elif changed:
        plan.values["manager"] = changed.pop()


def _plan_rows(plan: _Planned, rows: list[SelfEvaluationItem], errors: ImportErrors) -> None:
    by_name: dict[str, SelfEvaluationItem] = {}
    for row in rows:
        by_name.setdefault(squash(row.name), row)
    assessed_column = "assessed" in plan.sheet.columns
    for index, values in enumerate(plan.sheet.rows):
        name = values.get("name")
        if not name:
            continue
        row = by_name.get(squash(name))
        if row is None:
            code = plan.evaluation.project.code
            message = INDICATOR_UNKNOWN.format(name=name, code=code)
            plan.sheet.error(errors, message, row=index, key="name")
            continue
        if row.pk in plan.seen:
            plan.sheet.error(errors, INDICATOR_TWICE.format(name=name), row=index, key="name")
            continue
        plan.seen.add(row.pk)
        changes = _row_changes(plan, index, values, row, assessed_column, errors)
        if changes:
            plan.items[row.pk] = changes


def _row_changes(
    plan: _Planned,
    index: int,
    values: dict[str, Any],
    row: SelfEvaluationItem,
    assessed_column: bool,
    errors: ImportErrors,
) -> dict[str, Any]:
    sheet, changes = plan.sheet, {}
    actual = values.get("actual")
    if row.is_qualitative:
        level = LEVEL_BY_LABEL.get(squash(actual)) if isinstance(actual, str) else None
        if actual is not None and level is None:
            choices = "、".join(f"“{label}”" for label in LEVEL_LABEL.values())
            message = LEVEL_EXPECTED.format(name=row.name, choices=choices, value=shown(actual))
            sheet.error(errors, message, row=index, key="actual")
        elif (level or "") != row.level:
            changes["level"] = level or ""
        assessed = values.get("assessed")
        if assessed_column and assessed != row.assessed_score:
            changes["assessed_score"] = assessed
    else:
        if isinstance(actual, str):
            message = NUMBER_EXPECTED.format(name=row.name, value=shown(actual))
            sheet.error(errors, message, row=index, key="actual")
        elif actual != row.actual:
            changes["actual"] = actual
        if assessed_column and values.get("assessed") is not None:
            message = ASSESSED_QUANTITATIVE.format(name=row.name)
            sheet.error(errors, message, row=index, key="assessed")
    if not _same_text(values.get("explanation"), row.explanation):
        changes["explanation"] = (values.get("explanation") or "").strip()
    return changes


def filename(evaluation: SelfEvaluation) -> str:
    return f"{evaluation.project.code}_{layout_of(evaluation).title}.xlsx"


__all__ = [
    "DEPARTMENT_SELF_EVALUATION",
    "SELF_EVALUATION",
    "ImportRefused",
    "ImportResult",
    "export_self_evaluations",
    "import_workbook",
    "layout_of",
    "sheet_data",
    "with_rows",
]
