"""The monitoring form in Excel (BUD-5): 项目支出绩效目标执行监控表 out and in.

One form per sheet, in the layout of the MOF form (财预〔2019〕136号 and the local forms taken
from it): title; header block (预算年度, 监控期间, 项目名称, 项目代码, 主管部门, 实施单位); 预算执行
情况 in 万元 (年初预算数 · 1-N月执行数 · 执行率 · 全年预计执行数); 年度总体目标 beside its 1-N月完成
情况; the indicator table (一级 · 二级 · 三级指标 · 年度指标值 · 1-N月实际完成值 · 全年预计完成值 ·
偏差原因 in one column per reason marked ✓ · 完成目标可能性 · 原因说明及纠偏措施) and the footer.
The layout names the round's months (1-7月执行数), so :func:`layout_for` builds one per number
of months; export and import of a round use the same one and round-trip by construction.

:func:`import_workbook` is all or nothing: it reads every sheet and checks every cell (types by
the layout; then the domain: the project code is a form of this round the actor may fill, the
form is still a draft, each 三级指标 is one of the form's, a qualitative indicator takes a level
and a quantitative one a number), then saves each form through ``services.form_save`` inside
one transaction; the service's refusals (reasons missing for a red indicator …) become located
errors too, and any error rolls every form back. Values not changed by the sheet are not sent,
so an executed amount left as the spending records give it keeps following them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import IO, Any

from django.db import transaction
from django.db.models import QuerySet

from jixiao.budget import permissions as actions
from jixiao.budget.excel import Money
from jixiao.budget.monitoring import queries, services
from jixiao.budget.monitoring.errors import MonitoringError
from jixiao.budget.monitoring.models import (
    DeviationReason,
    FormState,
    IndicatorProgress,
    Level,
    Likelihood,
    MonitoringForm,
    MonitoringRound,
)
from jixiao.documents.excel import (
    CellType,
    Choice,
    Column,
    Date,
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
from jixiao.orgs.errors import NO_PERMISSION, PermissionDeniedError
from jixiao.orgs.models import User

# --- Messages (Chinese, defined once; tests assert them) -------------------------------------

FORM_UNKNOWN = "项目代码“{code}”在“{round}”中没有绩效监控表，或不在您的填报范围内"
FORM_TWICE = "项目代码“{code}”已在工作表“{sheet}”中出现"
FORM_SUBMITTED = "项目“{code}”的绩效监控表已报送，不能通过导入修改"
INDICATOR_UNKNOWN = "三级指标“{name}”不属于项目“{code}”的绩效监控表"
INDICATOR_TWICE = "三级指标“{name}”在本表中出现了两次"
LEVEL_EXPECTED = "“{name}”是定性指标，应填写{choices}之一，实际为“{value}”"
NUMBER_EXPECTED = "“{name}”是定量指标，应填写数字，实际为“{value}”"
EXPECTED_QUALITATIVE = "“{name}”是定性指标，不填写全年预计完成值"
TICK_INVALID = "应打“✓”或留空，实际为“{value}”"

TICK = "✓"
_TICKS = frozenset({"✓", "√", "✔", "v", "V", "是", "y", "yes", "1", "true"})
_NAME_RE = re.compile(r"指标“([^”]*)”")
DIRECTION_SIGN = {"gte": "≥", "lte": "≤", "eq": "＝", "range": ""}

# --- Value types -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Tick(CellType):
    """A reason column: ✓ (also √, 是, 1 …) when the reason applies, empty when not."""

    width: float = 7
    align: str = "center"

    def parse(self, value: Any) -> bool:
        if isinstance(value, bool):
            return value
        text = value if isinstance(value, str) else shown(value)
        if text.strip() in _TICKS or squash(text) in _TICKS:
            return True
        if squash(text) in {"否", "×", "0", "n", "no", "false", "-", "—"}:
            return False
        raise Invalid(TICK_INVALID.format(value=shown(value)))

    def to_cell(self, value: Any) -> str:
        return TICK if value else ""


@dataclass(frozen=True)
class Progress(CellType):
    """1-N月实际完成值: a number for a quantitative indicator, a level (达成 / 部分达成 /
    未达成) for a qualitative one. Which one the row needs depends on the indicator, so the
    import checks it against the form."""

    width: float = 12
    align: str = "center"

    def parse(self, value: Any) -> Decimal | str:
        if type(value) is Decimal:
            return value
        if isinstance(value, str):
            try:
                return _NUMBER.parse(value)
            except Invalid:
                return value.strip()
        return Text().parse(value)

    def to_cell(self, value: Any) -> Any:
        return float(value) if isinstance(value, Decimal) else str(value)


_NUMBER = Number(max_digits=15, places=6, fixed=False)
LIKELIHOOD = Choice({official_text(label): value for value, label in Likelihood.choices})
LEVEL_BY_LABEL = {official_text(label): value for value, label in Level.choices}
REASON_COLUMNS = [
    (f"reason_{code}", official_text(label)) for code, label in DeviationReason.choices
]


def months_label(months: int) -> str:
    return "1月" if months == 1 else f"1-{months}月"


@lru_cache(maxsize=12)
def layout_for(months: int) -> Layout:
    """The form for a round of ``months`` months (its labels name them: 1-7月执行数)."""
    span = months_label(months)
    return Layout(
        title="项目支出绩效目标执行监控表",
        fields=(
            Field("fiscal_year", "预算年度", "B2", Integer(min=2000, max=2100)),
            Field("period", "监控期间", "E2", Text(max_length=30), merge_to="F2"),
            Field("name", "项目名称", "B3", Text(max_length=200), merge_to="G3"),
            Field("code", "项目代码", "I3", Text(max_length=40), required=True, merge_to="M3"),
            Field("department", "主管部门", "B4", Text(max_length=300), merge_to="G4"),
            Field("unit", "实施单位", "I4", Text(max_length=300), merge_to="M4"),
            Field(
                "budget",
                "年初预算数",
                "B6",
                Money(),
                merge_to="C6",
                label_cell="B5",
                label_merge_to="C5",
            ),
            Field(
                "executed",
                f"{span}执行数",
                "D6",
                Money(),
                merge_to="F6",
                label_cell="D5",
                label_merge_to="F5",
            ),
            Field(
                "rate",
                "执行率",
                "G6",
                Number(max_digits=12, places=4, style="percent"),
                merge_to="H6",
                label_cell="G5",
                label_merge_to="H5",
            ),
            Field(
                "expected_execution",
                "全年预计执行数",
                "I6",
                Money(),
                merge_to="M6",
                label_cell="I5",
                label_merge_to="M5",
            ),
            Field(
                "annual_goal",
                "年度总体目标",
                "B8",
                Text(max_length=5000),
                merge_to="G8",
                show_label=False,
            ),
            Field(
                "goal_progress",
                f"{span}完成情况",
                "H8",
                Text(max_length=5000),
                merge_to="M8",
                show_label=False,
            ),
        ),
        labels=(
            Label("K2", "金额单位：万元", merge_to="M2"),
            Label("A5", "预算执行情况（万元）", merge_to="A6"),
            Label("A7", "年度总体目标", merge_to="A8"),
            Label("B7", "年度目标", merge_to="G7"),
            Label("H7", f"{span}完成情况", merge_to="M7"),
        ),
        table=Table(
            header_row=10,
            columns=(
                Column(
                    "level1",
                    "一级指标",
                    Text(max_length=50),
                    group="绩效指标",
                    fill_down=True,
                    merge_repeats=True,
                    width=10,
                ),
                Column(
                    "level2",
                    "二级指标",
                    Text(max_length=50),
                    group="绩效指标",
                    fill_down=True,
                    merge_repeats=True,
                    width=12,
                ),
                Column(
                    "name",
                    "三级指标",
                    Text(max_length=200),
                    required=True,
                    group="绩效指标",
                    width=24,
                ),
                Column("target", "年度指标值", Text(max_length=500), width=12),
                Column(
                    "actual",
                    f"{span}实际完成值",
                    Progress(),
                    aliases=("实际完成值", "1-N月实际完成值"),
                ),
                Column("expected", "全年预计完成值", _NUMBER, width=12),
                *(
                    Column(key, label, Tick(), group="偏差原因", optional=True)
                    for key, label in REASON_COLUMNS
                ),
                Column("likelihood", "完成目标可能性", LIKELIHOOD, width=11),
                Column(
                    "measures",
                    "原因说明及纠偏措施",
                    Text(max_length=5000),
                    aliases=("备注",),
                    width=30,
                ),
            ),
        ),
        footer=(
            FooterField("sealed_by", "单位（盖章）", line=1, column="A", span=2),
            FooterField("filled_by", "填报人", line=1, column="E", span=2),
            FooterField("phone", "联系电话", line=1, column="H", span=2),
            FooterField("filled_on", "填报日期", Date(), line=1, column="K", span=2),
        ),
        row_heights={8: 60},
    )


# --- Export ----------------------------------------------------------------------------------


@in_official_language
def export_forms(round: MonitoringRound, forms: QuerySet[MonitoringForm]) -> bytes:
    """A workbook with one sheet per form (named by the project code), in the round's layout.
    Reads set-based: the forms with their projects, spending to date and indicator rows in
    three queries."""
    layout = layout_for(round.months_elapsed)
    forms = _with_spent(forms)
    rows = _progress_by_form([f.pk for f in forms])
    writer = WorkbookWriter()
    for form in forms:
        data = form_data(round, form, rows.get(form.pk, []))
        writer.add_sheet(layout, name=form.project.code, fields=data.fields, rows=data.rows)
    if not forms:
        writer.add_sheet(layout, name="监控表", fields={"fiscal_year": round.fiscal_year})
    return writer.close() or b""


def _with_spent(forms: QuerySet[MonitoringForm]) -> list[MonitoringForm]:
    if "executed_to_date" not in forms.query.annotations:
        forms = queries.with_executed(forms)
    return list(forms.select_related("project", "project__unit", "project__department"))


def _progress_by_form(form_ids: list[int]) -> dict[int, list[IndicatorProgress]]:
    by_form: dict[int, list[IndicatorProgress]] = {}
    rows = (
        IndicatorProgress.objects.filter(form_id__in=form_ids)
        .select_related("indicator__parent__parent")
        .order_by(
            "form_id",
            "indicator__parent__parent__position",
            "indicator__parent__position",
            "indicator__position",
            "id",
        )
    )
    for row in rows:
        by_form.setdefault(row.form_id, []).append(row)
    return by_form


def form_data(
    round: MonitoringRound, form: MonitoringForm, rows: list[IndicatorProgress]
) -> SheetData:
    project, department = form.project, form.project.department
    executed = form.executed_to_date
    fields = {
        "fiscal_year": round.fiscal_year,
        "period": f"{round.fiscal_year}年{months_label(round.months_elapsed)}",
        "name": project.name,
        "code": project.code,
        "department": department.name if department else None,
        "unit": project.unit.name,
        "budget": form.budget,
        "executed": executed,
        "rate": (executed / form.budget).quantize(Decimal("0.0001")) if form.budget > 0 else None,
        "expected_execution": form.expected_execution,
        "annual_goal": project.annual_goal or None,
        "goal_progress": form.goal_progress or None,
    }
    return SheetData(name=project.code, fields=fields, rows=[_row(row) for row in rows])


def _row(row: IndicatorProgress) -> dict[str, Any]:
    parent = row.indicator.parent if row.indicator else None
    top = parent.parent if parent else None
    if row.target_value is not None:
        target = DIRECTION_SIGN.get(row.direction, "") + number_text(row.target_value)
        target += row.unit or ""
    else:
        target = row.target_text
    actual: Decimal | str | None = row.actual
    if row.is_qualitative:
        actual = str(Level(row.level).label) if row.level else None
    return {
        "level1": top.name if top else None,
        "level2": parent.name if parent else None,
        "name": row.indicator_name,
        "target": target or None,
        "actual": actual,
        "expected": row.expected,
        **{f"reason_{code}": code in row.reasons or None for code in DeviationReason.values},
        "likelihood": row.likelihood or None,
        "measures": row.measures or None,
    }


# --- Import ----------------------------------------------------------------------------------


@dataclass
class ImportResult:
    forms: int = 0
    indicators: int = 0


@dataclass
class _Planned:
    sheet: SheetData
    form: MonitoringForm
    values: dict[str, Any]
    progress: dict[int, dict[str, Any]]
    row_of: dict[str, int]  # indicator name → index of its sheet row


def import_workbook(
    *, actor: User | None, round: MonitoringRound, file: str | bytes | IO[bytes] | Any
) -> ImportResult:
    """Save the monitoring forms of a workbook into ``round``: all of them, or none.

    Raises :class:`ImportRefused` (nothing written) listing every error with sheet, row and
    column, or ``PermissionDeniedError`` when the actor may fill no form at all."""
    if actor is not None and not perms.can(actor, actions.MONITORING_FILL):
        raise PermissionDeniedError(NO_PERMISSION)
    errors = ImportErrors()
    sheets = read_workbook(file, layout_for(round.months_elapsed), errors=errors)
    forms = _forms(actor, round, sheets)
    rows = _progress_by_form([f.pk for f in forms.values()])
    planned = []
    seen: dict[str, str] = {}
    for sheet in sheets:
        plan = _plan(round, sheet, forms, rows, seen, errors)
        if plan is not None:
            planned.append(plan)
    errors.raise_if_any()
    result = ImportResult()
    with transaction.atomic():
        for plan in planned:
            if plan.values or plan.progress:
                try:
                    services.form_save(
                        actor=actor, form=plan.form, progress=plan.progress, **plan.values
                    )
                except MonitoringError as exc:
                    _service_errors(plan, exc, errors)
                    continue
            result.forms += 1
            result.indicators += len(plan.progress)
        errors.raise_if_any()  # inside the transaction: every form saved rolls back
    return result


def _forms(
    actor: User | None, round: MonitoringRound, sheets: list[SheetData]
) -> dict[str, MonitoringForm]:
    """The round's forms named by the sheets that the actor may fill, by project code."""
    codes = {str(s.fields.get("code") or "").strip() for s in sheets} - {""}
    qs = MonitoringForm.objects.filter(round=round, project__code__in=codes)
    if actor is not None:
        qs = queries.forms_visible(actor, round, actions.MONITORING_FILL).filter(
            project__code__in=codes
        )
    qs = queries.with_executed(qs).select_related("round", "project", "project__unit")
    return {form.project.code: form for form in qs}


def _plan(
    round: MonitoringRound,
    sheet: SheetData,
    forms: dict[str, MonitoringForm],
    rows: dict[int, list[IndicatorProgress]],
    seen: dict[str, str],
    errors: ImportErrors,
) -> _Planned | None:
    code = str(sheet.fields.get("code") or "").strip()
    if not code:
        return None  # the reader has named the missing code
    if code in seen:
        sheet.error(errors, FORM_TWICE.format(code=code, sheet=seen[code]), key="code")
        return None
    seen[code] = sheet.name
    form = forms.get(code)
    if form is None:
        sheet.error(errors, FORM_UNKNOWN.format(code=code, round=round.name), key="code")
        return None
    if form.state != FormState.DRAFT:
        sheet.error(errors, FORM_SUBMITTED.format(code=code), key="code")
        return None
    plan = _Planned(sheet, form, _form_values(sheet, form), {}, {})
    by_name: dict[str, IndicatorProgress] = {}
    for row in rows.get(form.pk, []):
        by_name.setdefault(squash(row.indicator_name), row)
    for index, values in enumerate(sheet.rows):
        _plan_row(plan, index, values, by_name, errors)
    return plan


def _form_values(sheet: SheetData, form: MonitoringForm) -> dict[str, Any]:
    """The form's own values that the sheet changes."""
    fields, values = sheet.fields, {}
    executed = fields.get("executed")
    if executed is None and form.executed is not None:
        values["executed"] = None
    elif executed is not None and executed != form.executed_to_date:
        values["executed"] = executed
    if fields.get("expected_execution") != form.expected_execution:
        values["expected_execution"] = fields.get("expected_execution")
    goal = (fields.get("goal_progress") or "").strip()
    if goal != form.goal_progress:
        values["goal_progress"] = goal
    return values


def _plan_row(
    plan: _Planned,
    index: int,
    values: dict[str, Any],
    by_name: dict[str, IndicatorProgress],
    errors: ImportErrors,
) -> None:
    sheet, name = plan.sheet, values.get("name")
    if not name:
        return
    row = by_name.get(squash(name))
    if row is None:
        message = INDICATOR_UNKNOWN.format(name=name, code=plan.form.project.code)
        sheet.error(errors, message, row=index, key="name")
        return
    if row.indicator_name in plan.row_of:
        sheet.error(errors, INDICATOR_TWICE.format(name=name), row=index, key="name")
        return
    plan.row_of[row.indicator_name] = index
    changes: dict[str, Any] = {}
    actual = values.get("actual")
    if row.is_qualitative:
        level = LEVEL_BY_LABEL.get(squash(actual)) if isinstance(actual, str) else None
        if actual is not None and level is None:
            choices = "、".join(f"“{label}”" for label in LEVEL_BY_LABEL)
            message = LEVEL_EXPECTED.format(name=name, choices=choices, value=shown(actual))
            sheet.error(errors, message, row=index, key="actual")
        if values.get("expected") is not None:
            sheet.error(errors, EXPECTED_QUALITATIVE.format(name=name), row=index, key="expected")
        if (level or "") != row.level:
            changes["level"] = level or ""
    else:
        if isinstance(actual, str):
            message = NUMBER_EXPECTED.format(name=name, value=shown(actual))
            sheet.error(errors, message, row=index, key="actual")
        elif actual != row.actual:
            changes["actual"] = actual
        if values.get("expected") != row.expected:
            changes["expected"] = values.get("expected")
    if (values.get("likelihood") or "") != row.likelihood:
        changes["likelihood"] = values.get("likelihood") or ""
    reasons = [code for code in DeviationReason.values if values.get(f"reason_{code}")]
    if reasons != list(row.reasons):
        changes["reasons"] = reasons
    measures = (values.get("measures") or "").strip()
    if measures != row.measures:
        changes["measures"] = measures
    if changes:
        plan.progress[row.indicator_id] = changes


def _service_errors(plan: _Planned, exc: MonitoringError, errors: ImportErrors) -> None:
    """The service's refusal, each problem at its indicator's row when it names one."""
    for problem in exc.problems or [exc.message]:
        match = _NAME_RE.search(problem)
        index = plan.row_of.get(match.group(1)) if match else None
        if index is not None:
            plan.sheet.error(errors, problem, row=index, key="measures")
        else:
            plan.sheet.error(errors, problem, key="code")


__all__ = [
    "ImportRefused",
    "ImportResult",
    "export_forms",
    "form_data",
    "import_workbook",
    "layout_for",
]


# --- Spending records (支出明细) ------------------------------------------------------------

SPENDING_LAYOUT = Layout(
    title="项目支出明细",
    table=Table(
        header_row=2,
        columns=(
            Column("code", "项目代码", Text(max_length=40), required=True, width=20),
            Column("date", "支付日期", Date(), required=True, width=14),
            Column(
                "amount",
                "金额（万元）",
                Number(max_digits=15, places=4, style="money", fixed=False),
                required=True,
                aliases=("金额", "支付金额"),
            ),
            Column("reference", "凭证号", Text(max_length=64), optional=True, width=20),
        ),
    ),
)
_ITEM_RE = re.compile(r"^第(\d+)条：(.*)$")


@in_official_language
def spending_template() -> bytes:
    """An empty 项目支出明细 to fill in and import."""
    writer = WorkbookWriter()
    writer.add_sheet(SPENDING_LAYOUT, name="支出明细", blank_rows=20)
    return writer.close() or b""


def import_spending(
    *, actor: User | None, fiscal_year: int, file: str | bytes | IO[bytes] | Any
) -> services.SpendingResult:
    """Record the payments listed in a workbook (every sheet in the 项目支出明细 layout), all
    or nothing: the values are checked by the layout, then ``services.spending_record``
    checks projects, dates and vouchers; each of its problems is put back at its sheet row."""
    errors = ImportErrors()
    sheets = read_workbook(file, SPENDING_LAYOUT, errors=errors)
    errors.raise_if_any()
    items, where = [], []
    for sheet in sheets:
        for index, row in enumerate(sheet.rows):
            items.append((row["code"], row["date"], row["amount"], row.get("reference") or ""))
            where.append((sheet, index))
    try:
        return services.spending_record(actor=actor, fiscal_year=fiscal_year, items=items)
    except MonitoringError as exc:
        for problem in exc.problems or [exc.message]:
            match = _ITEM_RE.match(problem)
            if match and 0 < int(match.group(1)) <= len(where):
                sheet, index = where[int(match.group(1)) - 1]
                sheet.error(errors, match.group(2), row=index)
            else:
                errors.add(problem)
        raise ImportRefused(errors) from exc
