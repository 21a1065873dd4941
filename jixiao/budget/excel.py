"""The target declaration in Excel (CORE-7, BUD-2): 项目支出绩效目标申报表 out and in.

One project per sheet, in the layout of the official form (财预〔2015〕88号 and the forms
deployed from it): title; header block (项目名称, 项目代码, 主管部门及代码, 实施单位, 项目属性,
项目期, 功能分类, 项目负责人); funds in 万元 (中期 / 年度资金总额, of which 财政拨款 / 上年结转 /
其他资金); 中期目标 / 年度目标; the indicator table (一级 · 二级 · 三级指标 · 指标性质 · 指标值 ·
度量单位 · 分值 · 指标值确定依据 · 预算支出标准 · 上年指标值); and the footer 单位（盖章）· 填报人 ·
联系电话 · 填报日期. :data:`TARGET_DECLARATION` describes it once; the documents core writes,
reads and prints it from that description, so an export imports back to the same data.

:func:`export_projects` reads set-based: the projects (with unit and department) in one query
when given a queryset, and all their indicators in one more query per thousand projects.

:func:`import_workbook` is all or nothing. It streams the workbook sheet by sheet (memory does
not grow with the file), checks every value (types by the layout; then the domain: the unit
exists and is in the actor's scope, the 功能分类 code is known, indicator levels are the standard
ones, funds add up, codes are not repeated, the existing declaration is not under review or
approved) and writes in batches inside one transaction. Any error anywhere stops the writing
and rolls back what the earlier batches wrote, and :class:`ImportRefused` lists every error with
sheet, row, column and a Chinese message.

The bulk path does not call the per-record services (``project_create``, ``target_indicator_add``)
because they cost a dozen queries and one audit row per indicator: 100 000 indicators would be
a million statements. It does what they do, set-based: the same permission (``budget.project.
change`` over the unit), the same checks and messages, the standard target tree copied from the
same template, a draft workflow case per new project, and ``select_for_update`` on the existing
projects' cases as ``workflow.ensure_editable`` does. The trail gets **one audit row per project**
(``budget.project.import``) instead of one per indicator: it names the project, the number of
indicators imported, the tree and case created, and for an overwritten declaration the fields and
indicators before and after — what the per-indicator rows would have said, in a form a reader of
the project's trail can follow, at a cost the import can bear.

Indicators of an existing declaration are matched by 二级指标 and name, so an indicator that
stays keeps its identity (and the reviewers' comments on it); the others are added or removed.
New declarations get no separate ``indicator_tree.copy`` and ``workflow.open`` rows: the
import row records the tree and the case.

Speed (``bench/import_targets.py``: 5 000 projects, 100 000 indicator rows): a second thread
reads and checks the sheets while this one writes the batches already checked (the reader
uses no database, so the one transaction stays on this thread's connection); on PostgreSQL
the rows go in with ``COPY`` of plain tuples and the template's 一级/二级指标 are copied by the
server; other databases use ``bulk_create``. Foreign keys are checked as each statement ends
(``SET CONSTRAINTS ALL IMMEDIATE``) rather than all at commit, so that work overlaps reading.

Only project declarations (项目支出) have this form; a department's overall declaration
(部门整体支出) is refused by code and is not exported with it.
"""

from __future__ import annotations

import json
import queue
import re
import threading
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import chain, islice
from typing import IO, Any, NamedTuple

from django.db import connection, transaction
from django.db.models import JSONField, Model, QuerySet
from django.utils import timezone
from psycopg import sql

from jixiao.audit.models import AuditEvent
from jixiao.audit.services import event_origin, snapshot
from jixiao.budget import errors as budget_errors
from jixiao.budget import permissions as actions
from jixiao.budget.models import BudgetYearSettings, DeclarationKind, Project
from jixiao.budget.services import (
    DEFAULT_INDICATOR_SCALE,
    PROJECT_FIELDS,
    SUBJECT,
    TARGET_TEMPLATE,
    UNIT_KINDS,
    with_rule,
)
from jixiao.documents.excel import (
    Bool,
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
    WorkbookReader,
    WorkbookWriter,
    iter_sheets,
)
from jixiao.documents.excel.cells import column_letter, number_text, parse_cell
from jixiao.documents.excel.errors import shown
from jixiao.documents.language import in_official_language
from jixiao.indicators.models import Indicator, IndicatorTree, TargetBasis, TreeKind
from jixiao.indicators.services import INDICATOR_FIELDS
from jixiao.indicators.standard import TEMPLATES, templates_install
from jixiao.lib import function_classes
from jixiao.lib.plain import plain
from jixiao.orgs import permissions as perms
from jixiao.orgs.errors import NO_PERMISSION, PermissionDeniedError
from jixiao.orgs.models import Organization, OrgKind, User
from jixiao.workflow.models import EDITABLE_STATES, WorkflowCase, WorkflowState

# --- Messages (Chinese, defined once; tests assert them) -------------------------------------

UNIT_UNKNOWN = "实施单位“{unit}”不存在、不是预算单位，或不在您的填报范围内"
UNIT_AMBIGUOUS = "有多个单位名为“{unit}”，请填写单位代码，如“{unit}（单位代码）”"
DEPARTMENT_MISMATCH = "应为实施单位的主管部门“{department}”，实际为“{value}”"
FUNCTION_UNKNOWN = "“{value}”不是支出功能分类（类/款）代码，应如“21303 水利”"
TERM_INVALID = "应为起止年度，如“2027-2029”，实际为“{value}”"
YEAR_MISMATCH = "本次导入的是{expected}年度，表中为{value}年度"
TARGET_NOT_A_NUMBER = "指标性质为“≥”“≤”“＝”时指标值应为数字，实际为“{value}”"
LEVEL2_MISMATCH = "二级指标“{level2}”不属于一级指标“{level1}”，应为{choices}之一"
CODE_TWICE = "项目代码“{code}”在工作表“{sheet}”中已经出现"
UNIT_CHANGED = "项目“{code}”的实施单位是“{unit}”，导入不能更改实施单位"
PROJECT_LOCKED = "项目“{code}”的绩效目标{state}，不能通过导入覆盖"
NOT_A_PROJECT = "代码“{code}”是部门整体支出申报，不能用项目支出申报表导入"
CATEGORY_MISSING = "项目“{code}”的申报表中没有二级指标“{level1} / {level2}”"
LOCKED_STATES = {WorkflowState.SUBMITTED: "正在审核中", WorkflowState.APPROVED: "已批复（已锁定）"}

IMPORT_ACTION = "budget.project.import"
BATCH_SIZE = 500  # projects written per round of bulk inserts (≈ 10 000 indicator rows)
EXPORT_CHUNK = 1000  # projects whose indicators are read in one query

# --- Value types of the form -----------------------------------------------------------------


@dataclass(frozen=True)
class Money(Number):
    """万元 to four decimals (one yuan), shown with at least two: 1,234.50 and 1,234.5678."""

    max_digits: int | None = 15
    places: int | None = 4
    min: Decimal | int | None = 0
    style: str = "money"
    fixed: bool = False
    width: float = 14

    @property
    def num_format(self) -> str:  # type: ignore[override]
        return "#,##0.00##"

    def display(self, value: Any) -> str:
        if value is None:
            return ""
        cents = value.quantize(Decimal("0.01"))
        return f"{cents:,.2f}" if cents == value else f"{value.normalize():,f}"


@dataclass(frozen=True)
class Category(Choice):
    """An indicator level name (一级/二级指标), with the short forms people type (产出 → 产出指标).
    Exports a name it does not know as it is, so an unusual tree still exports (and is then
    refused on import with the list of the known names)."""

    def to_cell(self, value: Any) -> str:
        return self._label_of.get(value, str(value))


@dataclass(frozen=True)
class TargetValue(CellType):
    """指标值: a number for ≥ ≤ ＝ (Decimal), a text for 定性 (str). Which one the row needs
    depends on its 指标性质, so the layout's row check ties the two together."""

    width: float = 14
    align: str = "center"

    def parse(self, value: Any) -> Decimal | str:
        if type(value) is Decimal:
            return _quick(value, _TARGET_NUMBER)
        if isinstance(value, str):
            try:
                return _TARGET_NUMBER.parse(value)
            except Invalid:
                return _TARGET_TEXT.parse(value)
        return _TARGET_TEXT.parse(value)

    def to_cell(self, value: Any) -> str:
        return number_text(value) if isinstance(value, Decimal) else str(value)


@dataclass(frozen=True)
class Score(Number):
    """分值: up to two decimals, shown as 10.00."""

    max_digits: int | None = 8
    places: int | None = 2
    min: Decimal | int | None = 0
    width: float = 9

    def parse(self, value: Any) -> Decimal:
        return _quick(value, self) if type(value) is Decimal else super().parse(value)


def _quick(value: Decimal, kind: Number) -> Decimal:
    """A number read from a cell that plainly fits ``kind`` (not negative, few enough
    decimals and digits) as it is; anything else through ``kind.parse`` with its checks and
    messages. Most cells are plain, and this runs for every row of every sheet."""
    places, digits = kind.places or 0, (kind.max_digits or 15) - (kind.places or 0)
    plain = value.is_finite() and value >= 0 and value.as_tuple().exponent >= -places
    if plain and value.adjusted() < digits:
        return value
    return Number.parse(kind, value)


@dataclass(frozen=True)
class YearSpan(CellType):
    """项目期: "2027-2029" (also 2027—2029, 2027年至2029年, or one year) → (2027, 2029)."""

    width: float = 12
    align: str = "center"

    def parse(self, value: Any) -> tuple[int, int]:
        text = number_text(value) if type(value) is Decimal else value
        if not isinstance(text, str):
            raise Invalid(TERM_INVALID.format(value=shown(value)))
        years = [int(y) for y in _YEAR_RE.findall(unicodedata.normalize("NFKC", text))]
        rest = _YEAR_RE.sub("", unicodedata.normalize("NFKC", text))
        if not 1 <= len(years) <= 2 or rest.strip(" -—–~～至到年度") or not _plausible(years):
            raise Invalid(TERM_INVALID.format(value=shown(value)))
        start, end = years[0], years[-1]
        if end < start:
            raise Invalid(budget_errors.YEARS_ORDER)
        return start, end

    def to_cell(self, value: Any) -> str:
        start, end = value
        return f"{start}-{end}" if end != start else str(start)


@dataclass(frozen=True)
class FunctionCode(CellType):
    """支出功能分类 (类/款) code: "21303 水利" or just 21303 → "21303"; unknown codes refused."""

    width: float = 16

    def parse(self, value: Any) -> str:
        text = number_text(value) if type(value) is Decimal else value
        if isinstance(text, str):
            match = _CODE_RE.match(unicodedata.normalize("NFKC", text))
            if match and match.group(1) in _FUNCTION_CODES:
                return match.group(1)
        raise Invalid(FUNCTION_UNKNOWN.format(value=shown(value)))

    def to_cell(self, value: Any) -> str:
        name = function_classes.SECTIONS.get(value) or function_classes.CLASSES.get(value, "")
        return f"{value} {name}".strip()


_YEAR_RE = re.compile(r"(?<!\d)(\d{4})(?!\d)")
_CODE_RE = re.compile(r"^\s*(\d{3,7})(?!\d)")
_PERCENT_RE = re.compile(r"^\s*([+-]?\d+(?:\.\d+)?)\s*[%％]\s*$")
_FUNCTION_CODES = frozenset(code for code, _label in function_classes.choices())
_TARGET_NUMBER = Number(max_digits=15, places=6, fixed=False)
_TARGET_TEXT = Text(max_length=500)


def _plausible(years: list[int]) -> bool:
    return all(2000 <= year <= 2100 for year in years)


def _categories() -> dict[str, list[str]]:
    """一级指标 → its 二级指标, from the standard template every declaration is copied from."""
    template = next(t for t in TEMPLATES if t.code == TARGET_TEMPLATE)
    return {node.name: [child.name for child in node.children] for node in template.items}


CATEGORIES = _categories()


def _category_type(names: Iterable[str]) -> Category:
    names = list(names)
    labels = {name: name for name in names}
    for name in names:
        labels.setdefault(name.removesuffix("指标"), name)
    return Category(labels)


LEVEL1 = _category_type(CATEGORIES)
LEVEL2 = _category_type(name for children in CATEGORIES.values() for name in children)
NATURE = Category(
    {
        "≥": "gte",
        "≤": "lte",
        "＝": "eq",
        "定性": "qualitative",
        ">=": "gte",
        "<=": "lte",
        "≧": "gte",
        "≦": "lte",
        "正向": "gte",
        "反向": "lte",
        "等于": "eq",
    }
)
BASIS = Category(
    {
        "计划标准": TargetBasis.PLAN.value,
        "行业标准": TargetBasis.SECTOR.value,
        "历史标准": TargetBasis.HISTORICAL.value,
        "预算支出标准": TargetBasis.BUDGET_STANDARD.value,
        "其他标准": TargetBasis.OTHER.value,
    }
)
PROJECT_NATURE = Choice({"新增项目": True, "延续项目": False, "新增": True, "延续": False})
MONEY = Money()


def levels_match(row: dict[str, Any]) -> Iterator[tuple[str | None, str]]:
    """The 二级指标 must be one of its 一级指标's categories."""
    children = CATEGORIES.get(row["level1"], [])
    if row["level1"] in CATEGORIES and row["level2"] not in children:
        choices = "、".join(f"“{name}”" for name in children)
        message = LEVEL2_MISMATCH.format(
            level2=row["level2"], level1=row["level1"], choices=choices
        )
        yield "level2", message


def target_matches_nature(row: dict[str, Any]) -> Iterator[tuple[str | None, str]]:
    """A ≥ ≤ ＝ indicator's value is a number ("95%" is read as 95); 定性 takes any text."""
    target = row["target"]
    if (
        row["direction"] != "qualitative"
        and isinstance(target, str)
        and not _PERCENT_RE.match(unicodedata.normalize("NFKC", target))
    ):
        yield "target", TARGET_NOT_A_NUMBER.format(value=shown(target))


def _money_field(key: str, label: str, cell: str, label_cell: str) -> Field:
    row = cell[1:]
    last = "E" if cell.startswith("D") else "J"
    label_end = chr(ord(label_cell[0]) + 1) + row
    return Field(
        key,
        label,
        cell,
        MONEY,
        merge_to=f"{last}{row}",
        label_cell=label_cell,
        label_merge_to=label_end,
    )


TARGET_DECLARATION = Layout(
    title="项目支出绩效目标申报表",
    fields=(
        Field("fiscal_year", "预算年度", "B2", Integer(min=2000, max=2100)),
        Field("name", "项目名称", "B3", Text(max_length=200), required=True, merge_to="F3"),
        Field("code", "项目代码", "H3", Text(max_length=40), required=True, merge_to="J3"),
        Field("department", "主管部门及代码", "B4", Text(max_length=300), merge_to="F4"),
        Field("unit", "实施单位", "H4", Text(max_length=300), required=True, merge_to="J4"),
        Field("is_new", "项目属性", "B5", PROJECT_NATURE, required=True, merge_to="C5"),
        Field("term", "项目期", "E5", YearSpan(), required=True, merge_to="F5"),
        Field("function_code", "功能分类", "H5", FunctionCode(), required=True, merge_to="J5"),
        Field("manager", "项目负责人", "B6", Text(max_length=50), merge_to="C6"),
        Field("manager_phone", "联系电话", "E6", Text(max_length=30), merge_to="F6"),
        Field("is_major_policy", "重大政策和项目", "H6", Bool(), merge_to="J6"),
        _money_field("midterm_total", "中期资金总额", "D7", "B7"),
        _money_field("annual_total", "年度资金总额", "H7", "F7"),
        _money_field("midterm_fiscal", "其中：财政拨款", "D8", "B8"),
        _money_field("annual_fiscal", "其中：财政拨款", "H8", "F8"),
        _money_field("annual_carryover", "上年结转", "H9", "F9"),
        _money_field("midterm_other", "其他资金", "D10", "B10"),
        _money_field("annual_other", "其他资金", "H10", "F10"),
        Field(
            "midterm_goal",
            "中期目标",
            "B12",
            Text(max_length=5000),
            merge_to="E12",
            show_label=False,
        ),
        Field(
            "annual_goal",
            "年度目标",
            "F12",
            Text(max_length=5000),
            merge_to="J12",
            show_label=False,
        ),
    ),
    labels=(
        Label("H2", "金额单位：万元", merge_to="J2"),
        Label("A7", "项目资金（万元）", merge_to="A10"),
        Label("B9", "上年结转", merge_to="C9"),
        Label("D9", "—", merge_to="E9"),
        Label("A11", "总体目标", merge_to="A12"),
        Label("B11", "中期目标", merge_to="E11"),
        Label("F11", "年度目标", merge_to="J11"),
    ),
    table=Table(
        header_row=14,
        columns=(
            Column(
                "level1",
                "一级指标",
                LEVEL1,
                required=True,
                group="绩效指标",
                fill_down=True,
                merge_repeats=True,
                width=11,
            ),
            Column(
                "level2",
                "二级指标",
                LEVEL2,
                required=True,
                group="绩效指标",
                fill_down=True,
                merge_repeats=True,
                width=13,
            ),
            Column(
                "name", "三级指标", Text(max_length=200), required=True, group="绩效指标", width=28
            ),
            Column("direction", "指标性质", NATURE, required=True, width=9),
            Column("target", "指标值", TargetValue(), aliases=("年度指标值",)),
            Column("unit", "度量单位", Text(max_length=30), width=9),
            Column("full_score", "分值", Score()),
            Column("basis", "指标值确定依据", BASIS, optional=True, width=13),
            Column(
                "standard_value",
                "预算支出标准",
                Number(max_digits=15, places=6, min=0, fixed=False),
                optional=True,
                width=12,
            ),
            Column("previous", "上年指标值", Text(max_length=100), optional=True, width=12),
        ),
        row_checks=(levels_match, target_matches_nature),
    ),
    footer=(
        FooterField("sealed_by", "单位（盖章）", line=1, column="A", span=2),
        FooterField("filled_by", "填报人", line=1, column="D", span=2),
        FooterField("phone", "联系电话", line=1, column="G"),
        FooterField("filled_on", "填报日期", Date(), line=1, column="I"),
    ),
    row_heights={12: 80},
)

# Project fields an import sets: the declaration's own (not its kind, year, unit, department,
# nor the split of a department declaration, which this form does not have).
IMPORTED_FIELDS = [
    f
    for f in PROJECT_FIELDS
    if f
    not in (
        "kind",
        "fiscal_year",
        "unit_id",
        "department_id",
        "basic_expenditure",
        "project_expenditure",
    )
]
MONEY_FIELDS = [
    f for f in IMPORTED_FIELDS if f.startswith(("annual_", "midterm_")) and "goal" not in f
]
# The columns of a level-3 indicator an import sets.
ROW_FIELDS = [
    "position",
    "name",
    "kind",
    "direction",
    "target_value",
    "target_text",
    "unit",
    "full_score",
    "rule",
    "basis",
    "standard_value",
    "previous_values",
]

# --- Export ----------------------------------------------------------------------------------


@in_official_language
def export_projects(projects: Iterable[Project]) -> bytes:
    """A workbook with one declaration per project, each sheet named by the project code."""
    writer = WorkbookWriter()
    for project, nodes in _with_indicators(projects):
        data = declaration_data(project, nodes)
        writer.add_sheet(TARGET_DECLARATION, name=project.code, fields=data.fields, rows=data.rows)
    return writer.close() or b""


@in_official_language
def template_workbook(fiscal_year: int, *, blank_rows: int = 20) -> bytes:
    """An empty declaration to fill in and import (copy the sheet for more projects)."""
    writer = WorkbookWriter()
    writer.add_sheet(
        TARGET_DECLARATION,
        name="项目1",
        fields={"fiscal_year": fiscal_year, "is_new": True, "term": (fiscal_year, fiscal_year)},
        blank_rows=blank_rows,
    )
    return writer.close() or b""


def _with_indicators(projects: Iterable[Project]) -> Iterator[tuple[Project, list[Any]]]:
    """Each project with its tree's indicators, read a thousand projects at a time."""
    if isinstance(projects, QuerySet):
        projects = projects.select_related("unit", "department").iterator(chunk_size=EXPORT_CHUNK)
    iterator = iter(projects)
    while chunk := list(islice(iterator, EXPORT_CHUNK)):
        by_tree = tree_nodes([p.annual_tree_id for p in chunk if p.annual_tree_id])
        for project in chunk:
            yield project, by_tree.get(project.annual_tree_id or 0, [])


_NODE_COLUMNS = [
    "tree_id",
    "pk",
    "parent_id",
    "level",
    "position",
    "name",
    "kind",
    "direction",
    "target_value",
    "target_text",
    "unit",
    "full_score",
    "basis",
    "standard_value",
    "previous_values",
]


def tree_nodes(tree_ids: list[int]) -> dict[int, list[Any]]:
    """The indicators of the trees as light rows, grouped by tree (one query)."""
    by_tree: dict[int, list[Any]] = defaultdict(list)
    if tree_ids:
        rows = Indicator.objects.filter(tree_id__in=tree_ids).values_list(
            *_NODE_COLUMNS, named=True
        )
        for node in rows.order_by("tree_id", "level", "position", "id"):
            by_tree[node.tree_id].append(node)
    return by_tree


def declaration_data(project: Project, nodes: list[Any]) -> SheetData:
    """The declaration of ``project`` as the layout's data; ``nodes`` from :func:`tree_nodes`."""
    department = project.department
    fields = {
        "fiscal_year": project.fiscal_year,
        "name": project.name,
        "code": project.code,
        "department": f"{department.name}（{department.code}）" if department else None,
        "unit": project.unit.name,
        "is_new": project.is_new,
        "term": (project.start_year, project.end_year),
        "function_code": project.function_code or None,
        "manager": project.manager or None,
        "manager_phone": project.manager_phone or None,
        "is_major_policy": project.is_major_policy,
        "midterm_goal": project.midterm_goal or None,
        "annual_goal": project.annual_goal or None,
        **{name: getattr(project, name) for name in MONEY_FIELDS},
    }
    return SheetData(name=project.code, fields=fields, rows=indicator_rows(project, nodes))


def indicator_rows(project: Project, nodes: list[Any]) -> list[dict[str, Any]]:
    """The level-3 indicators in reading order: by 一级, 二级, then their own order."""
    by_id = {node.pk: node for node in nodes}
    last_year = str(project.fiscal_year - 1)
    rows = []
    for node in nodes:
        parent = by_id.get(node.parent_id)
        top = by_id.get(parent.parent_id) if parent else None
        if node.level != 3 or parent is None or top is None:
            continue
        qualitative = node.kind == "qualitative"
        target = node.target_value if node.target_value is not None else node.target_text
        rows.append(
            {
                "sort": (top.position, top.pk, parent.position, parent.pk, node.position, node.pk),
                "level1": top.name,
                "level2": parent.name,
                "name": node.name,
                "direction": "qualitative" if qualitative else (node.direction or None),
                "target": target if target not in (None, "") else None,
                "unit": node.unit or None,
                "full_score": node.full_score,
                "basis": node.basis or None,
                "standard_value": node.standard_value,
                "previous": (node.previous_values or {}).get(last_year),
            }
        )
    rows.sort(key=lambda row: row.pop("sort"))
    return rows


# --- Import ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportedProject:
    pk: int
    code: str
    name: str
    created: bool
    indicators: int


@dataclass
class ImportResult:
    projects: list[ImportedProject] = field(default_factory=list)

    @property
    def created(self) -> int:
        return sum(1 for p in self.projects if p.created)

    @property
    def updated(self) -> int:
        return len(self.projects) - self.created

    @property
    def indicators(self) -> int:
        return sum(p.indicators for p in self.projects)


def import_workbook(
    *,
    actor: User | None,
    file: str | bytes | IO[bytes] | Any,
    fiscal_year: int,
    batch_size: int = BATCH_SIZE,
) -> ImportResult:
    """Import the declarations of a workbook into ``fiscal_year``: all of them, or none.

    Raises :class:`ImportRefused` (nothing written) listing every error, or
    ``PermissionDeniedError`` when the actor may change no project at all.

    A second thread reads and checks the sheets (pure Python, no database) while this one
    writes the batches already checked, so reading overlaps the database's work; the whole
    import is this thread's one transaction."""
    if actor is not None and not perms.can(actor, actions.PROJECT_CHANGE):
        raise PermissionDeniedError(NO_PERMISSION)
    errors = ImportErrors()  # the reader's: values and the checks of each sheet
    scope = _Scope(actor, fiscal_year)
    writer = _Writer(actor, fiscal_year, scope, errors)
    reader = _Reader(file, scope, fiscal_year, errors, batch_size)
    result = ImportResult()
    try:
        with transaction.atomic():
            _check_constraints(immediate=True)
            for batch in in_background(reader.batches()):
                result.projects += writer.write(batch)
            _check_constraints(immediate=False)  # for an outer transaction, as it was
            errors.extend(writer.errors)
            errors.raise_if_any()  # inside the transaction: every batch written rolls back
    except ImportRefused as refused:
        if refused.errors is not errors:  # the file or a sheet could not be read at all
            errors.extend(refused.errors)
        raise ImportRefused(errors) from None
    return result


def _check_constraints(*, immediate: bool) -> None:
    """Immediate: check foreign keys as each statement ends instead of all at commit (Django
    declares them deferrable, initially deferred), so the checks run while the reader thread
    reads on instead of after it has finished. Not immediate: Django's mode again."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            mode = "IMMEDIATE" if immediate else "DEFERRED"
            cursor.execute(f"SET CONSTRAINTS ALL {mode}")


_END = object()


def in_background(items: Iterator[Any], depth: int = 2) -> Iterator[Any]:
    """The items of ``items``, produced by a thread of their own ``depth`` items ahead.

    The producer must not use the database (its thread has its own connection, outside the
    caller's transaction). Its exceptions are raised here; leaving early stops it."""
    channel: queue.Queue[Any] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item: Any) -> bool:
        while not stop.is_set():
            try:
                channel.put(item, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not put(item):
                    return
            put(_END)
        except BaseException as exc:  # handed over to the consumer, which raises it
            put(_Failure(exc))
        finally:
            close = getattr(items, "close", None)
            if close is not None:
                close()  # a generator left early: its ``with`` blocks end here

    thread = threading.Thread(target=produce, name="jixiao-import-reader", daemon=True)
    thread.start()
    try:
        while (item := channel.get()) is not _END:
            if isinstance(item, _Failure):
                raise item.exc
            yield item
    finally:
        stop.set()
        thread.join()


@dataclass(frozen=True)
class _Failure:
    exc: BaseException


@dataclass
class _Declaration:
    """One sheet, checked: the project's values and its level-3 indicator rows."""

    sheet: str
    code: str
    code_cell: str
    unit: Organization
    department_id: int | None
    values: dict[str, Any]
    rows: list[dict[str, Any]]  # the fields of each Indicator, plus "level1" and "level2"


class _Scope:
    """What the import reads once: the units the actor may declare for (by id, code and
    name), their supervising departments, the year's indicator scale per bureau and the
    standard target template."""

    def __init__(self, actor: User | None, fiscal_year: int) -> None:
        units = Organization.objects.filter(kind__in=UNIT_KINDS, is_active=True)
        if actor is not None:
            units = units.filter(perms.scope_q(actor, actions.PROJECT_CHANGE, org_field=""))
        self.units = {unit.pk: unit for unit in units}
        self.by_code = {unit.code: unit for unit in self.units.values()}
        self.by_name: dict[str, list[Organization]] = defaultdict(list)
        for unit in self.units.values():
            self.by_name[_squash(unit.name)].append(unit)
        self.departments = self._departments()
        self.scales = dict(
            BudgetYearSettings.objects.filter(fiscal_year=fiscal_year).values_list(
                "bureau_id", "indicator_scale"
            )
        )
        self.template, self.template_nodes = _template()

    def _departments(self) -> dict[int, Organization]:
        """Unit id → its supervising department (the nearest one above it)."""
        ancestors = {seg for u in self.units.values() for seg in _path_ids(u.path)}
        found = Organization.objects.filter(
            pk__in=ancestors, kind=OrgKind.SUPERVISING_DEPARTMENT
        ).in_bulk()
        result = {}
        for unit in self.units.values():
            above = [found[i] for i in _path_ids(unit.path) if i in found]
            if above:
                result[unit.pk] = above[-1]
        return result

    def unit(self, text: str) -> Organization | str:
        """The unit named (or coded) by ``text``, or the message saying why there is none."""
        plain = unicodedata.normalize("NFKC", text).strip()
        if plain in self.by_code:
            return self.by_code[plain]
        match = _CODE_IN_PARENS.search(plain)
        if match and match.group(1).strip() in self.by_code:
            return self.by_code[match.group(1).strip()]
        named = self.by_name.get(_squash(text), [])
        if len(named) == 1:
            return named[0]
        if named:
            return UNIT_AMBIGUOUS.format(unit=text)
        return UNIT_UNKNOWN.format(unit=text)

    def scale(self, unit: Organization) -> Decimal:
        bureau = _path_ids(unit.path)[:1]
        found = self.scales.get(bureau[0]) if bureau else None
        return found if found is not None else DEFAULT_INDICATOR_SCALE


_CODE_IN_PARENS = re.compile(r"[(（]([^()（）]+)[)）]\s*$")


def _squash(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def _path_ids(path: str) -> list[int]:
    return [int(segment) for segment in path.split(".") if segment]


def _template() -> tuple[IndicatorTree, list[Indicator]]:
    template = IndicatorTree.objects.filter(
        kind=TreeKind.TEMPLATE, code=TARGET_TEMPLATE, organization=None
    ).first()
    if template is None:
        templates_install()
        template = IndicatorTree.objects.get(
            kind=TreeKind.TEMPLATE, code=TARGET_TEMPLATE, organization=None
        )
    return template, list(template.indicators.order_by("level", "position", "id"))


class _Reader:
    """Reads and checks the sheets, and hands them over in batches. Uses no database: what
    it needs is in the :class:`_Scope`, read before."""

    def __init__(
        self,
        file: Any,
        scope: _Scope,
        fiscal_year: int,
        errors: ImportErrors,
        batch_size: int,
    ) -> None:
        self.file = file
        self.scope = scope
        self.year = fiscal_year
        self.errors = errors
        self.batch_size = batch_size
        self.codes: dict[str, str] = {}  # code → the sheet where it was seen first

    def batches(self) -> Iterator[list[_Declaration]]:
        """The checked declarations in batches; the first ones small, so that the writer
        starts early, then doubling up to ``batch_size``."""
        batch: list[_Declaration] = []
        size = max(1, self.batch_size // 8)
        with WorkbookReader(self.file) as reader:
            for stream in iter_sheets(reader, TARGET_DECLARATION, self.errors):
                declaration = self.check(stream.collect())
                if declaration is not None:
                    batch.append(declaration)
                if len(batch) >= size:
                    yield batch
                    batch, size = [], min(size * 2, self.batch_size)
        if batch:
            yield batch

    def check(self, sheet: SheetData) -> _Declaration | None:
        """The sheet's domain checks, each error located at its cell; the declaration when
        it has what a project needs (other errors still stop the import)."""
        fields = sheet.fields
        self._check_year(sheet)
        unit = self._check_unit(sheet)
        department = self.scope.departments.get(unit.pk) if unit is not None else None
        if unit is not None:
            self._check_department(sheet, department)
        code = self._check_code(sheet)
        self._check_funds(sheet)
        rows = [_indicator(row, position) for position, row in _positions(sheet.rows)]
        if unit is None or code is None or fields.get("name") is None or not fields.get("term"):
            return None
        return _Declaration(
            sheet=sheet.name,
            code=code,
            code_cell=sheet.cells["code"],
            unit=unit,
            department_id=department.pk if department else None,
            values=_project_values(fields),
            rows=rows,
        )

    def _check_year(self, sheet: SheetData) -> None:
        year = sheet.fields.get("fiscal_year")
        if year is not None and year != self.year:
            message = YEAR_MISMATCH.format(expected=self.year, value=year)
            sheet.error(self.errors, message, key="fiscal_year")

    def _check_unit(self, sheet: SheetData) -> Organization | None:
        text = sheet.fields.get("unit")
        if text is None:
            return None
        found = self.scope.unit(text)
        if isinstance(found, str):
            sheet.error(self.errors, found, key="unit")
            return None
        return found

    def _check_department(self, sheet: SheetData, department: Organization | None) -> None:
        text = sheet.fields.get("department")
        if text is None or department is None:
            return
        plain = _squash(text)
        if _squash(department.name) not in plain and department.code not in plain:
            expected = f"{department.name}（{department.code}）"
            message = DEPARTMENT_MISMATCH.format(department=expected, value=shown(text))
            sheet.error(self.errors, message, key="department")

    def _check_code(self, sheet: SheetData) -> str | None:
        code = sheet.fields.get("code")
        if code is None:
            return None
        first = self.codes.setdefault(code, sheet.name)
        if first != sheet.name:
            sheet.error(self.errors, CODE_TWICE.format(code=code, sheet=first), key="code")
            return None
        return code

    def _check_funds(self, sheet: SheetData) -> None:
        """The same rule and message as the project form (``services._validate_project``)."""
        f = {name: sheet.fields.get(name) or Decimal(0) for name in MONEY_FIELDS}
        parts = f["annual_fiscal"] + f["annual_carryover"] + f["annual_other"]
        if parts != f["annual_total"]:
            message = budget_errors.FUNDS_SPLIT.format(
                total=_money(f["annual_total"]), parts=_money(parts)
            )
            sheet.error(self.errors, message, key="annual_total")
        mid_parts = f["midterm_fiscal"] + f["midterm_other"]
        if (f["midterm_total"] or mid_parts) and mid_parts != f["midterm_total"]:
            message = budget_errors.MIDTERM_SPLIT.format(
                total=_money(f["midterm_total"]), parts=_money(mid_parts)
            )
            sheet.error(self.errors, message, key="midterm_total")


def _project_values(fields: dict[str, Any]) -> dict[str, Any]:
    start, end = fields["term"]
    values = {
        "code": fields["code"],
        "name": fields["name"],
        "function_code": fields.get("function_code") or "",
        "is_new": bool(fields.get("is_new")),
        "is_major_policy": bool(fields.get("is_major_policy")),
        "start_year": start,
        "end_year": end,
        "annual_goal": fields.get("annual_goal") or "",
        "midterm_goal": fields.get("midterm_goal") or "",
        "manager": fields.get("manager") or "",
        "manager_phone": fields.get("manager_phone") or "",
    }
    for name in MONEY_FIELDS:
        values[name] = fields.get(name) or Decimal(0)
    return values


def _positions(rows: list[dict[str, Any]]) -> Iterator[tuple[int, dict[str, Any]]]:
    """Each row with its position among the rows of the same 二级指标 (0, 1, 2 …)."""
    seen: dict[tuple[str, str], int] = defaultdict(int)
    for row in rows:
        key = (row["level1"], row["level2"])
        yield seen[key], row
        seen[key] += 1


def _indicator(row: dict[str, Any], position: int) -> dict[str, Any]:
    """A checked table row as the fields of a level-3 Indicator (its rule follows its
    nature, as ``services.with_rule`` sets it), plus its levels and 上年指标值."""
    qualitative = row["direction"] == "qualitative"
    target, unit = row["target"], row["unit"] or ""
    if qualitative:
        value, text = None, number_text(target) if isinstance(target, Decimal) else target
    elif isinstance(target, str):  # "95%", let through by the row check
        match = _PERCENT_RE.match(unicodedata.normalize("NFKC", target))
        value, text, unit = Decimal(match.group(1)) if match else None, "", unit or "%"
    else:
        value, text = target, ""
    return {
        **_RULES[row["direction"]],
        "position": position,
        "name": row["name"],
        "target_value": value,
        "target_text": text or "",
        "unit": unit,
        "full_score": row["full_score"],
        "basis": row["basis"] or "",
        "standard_value": row["standard_value"],
        "level1": row["level1"],
        "level2": row["level2"],
        "previous": row["previous"],
    }


# kind, direction and rule of an indicator by its 指标性质, as ``services.with_rule`` sets them.
_RULES = {
    nature: with_rule(
        {
            "kind": "qualitative" if nature == "qualitative" else "quantitative",
            "direction": "" if nature == "qualitative" else nature,
        }
    )
    for nature in set(NATURE.labels.values())
}


def _money(value: Decimal) -> str:
    return f"{value:,.2f}"


def _previous_values(row: dict[str, Any], previous: dict[str, Any], year: int) -> dict[str, Any]:
    """上年指标值 goes into the indicator's past values under last year; earlier years stay."""
    merged = dict(previous)
    if row["previous"]:
        merged[str(year - 1)] = row["previous"]
    else:
        merged.pop(str(year - 1), None)
    return merged


class _Writer:
    """Writes the batches: the checks that need the database first (is the code taken, by
    whom, is that declaration editable), then — while no error was found anywhere — the
    set-based inserts and updates, in the caller's transaction."""

    def __init__(
        self, actor: User | None, fiscal_year: int, scope: _Scope, reading: ImportErrors
    ) -> None:
        self.actor = actor
        self.year = fiscal_year
        self.scope = scope
        self.reading = reading  # the reader's errors (another thread adds to them)
        self.errors = ImportErrors()  # this writer's
        self.audit = _AuditRows(actor)

    def write(self, batch: list[_Declaration]) -> list[ImportedProject]:
        new, existing = self._split(batch)
        if self.reading or self.errors:
            return []  # keep checking, write nothing more: it all rolls back
        inserted = self._insert(new) if new else []
        return inserted + self._replace(existing)

    def _insert(self, batch: list[_Declaration]) -> list[ImportedProject]:
        if connection.vendor == "postgresql":
            return _CopyInserter(self).insert(batch)
        return _OrmInserter(self).insert(batch)

    # --- checks against what exists -----------------------------------------------------

    def _split(
        self, batch: list[_Declaration]
    ) -> tuple[list[_Declaration], list[tuple[_Declaration, Project]]]:
        """New declarations, and those that overwrite an editable project of the year. The
        cases are locked (``select_for_update``, as ``workflow.ensure_editable`` does) so a
        submission cannot slip in before the transaction ends."""
        codes = [d.code for d in batch]
        found = {p.code: p for p in Project.objects.filter(fiscal_year=self.year, code__in=codes)}
        states: dict[int, str] = {}
        if found:
            states = dict(
                WorkflowCase.objects.select_for_update()
                .filter(subject_type=SUBJECT, subject_id__in=[p.pk for p in found.values()])
                .values_list("subject_id", "state")
            )
        new, existing = [], []
        for declaration in batch:
            project = found.get(declaration.code)
            if project is None:
                new.append(declaration)
            elif self._may_overwrite(declaration, project, states.get(project.pk)):
                existing.append((declaration, project))
        return new, existing

    def _may_overwrite(
        self, declaration: _Declaration, project: Project, state: str | None
    ) -> bool:
        code = declaration.code
        if project.unit_id not in self.scope.units:
            message = budget_errors.CODE_TAKEN.format(year=self.year, code=code)
        elif project.kind != DeclarationKind.PROJECT:
            message = NOT_A_PROJECT.format(code=code)
        elif project.unit_id != declaration.unit.pk:
            unit = self.scope.units[project.unit_id].name
            message = UNIT_CHANGED.format(code=code, unit=unit)
        elif state is not None and state not in EDITABLE_STATES:
            message = PROJECT_LOCKED.format(code=code, state=LOCKED_STATES[WorkflowState(state)])
        else:
            return True
        self._code_error(declaration, message)
        return False

    def _code_error(self, declaration: _Declaration, message: str) -> None:
        row, col = parse_cell(declaration.code_cell)
        self.errors.add(
            message,
            sheet=declaration.sheet,
            row=row,
            column=column_letter(col),
            field_label="项目代码",
        )

    # --- declarations that exist: draft or returned -------------------------------------

    def _replace(self, batch: list[tuple[_Declaration, Project]]) -> list[ImportedProject]:
        if not batch:
            return []
        tree_ids = [project.annual_tree_id for _d, project in batch]
        nodes = Indicator.objects.filter(tree_id__in=tree_ids).order_by("level", "position", "id")
        plan = _ReplacePlan(list(nodes), self.year)
        for declaration, project in batch:
            levels = {(row["level1"], row["level2"]) for row in declaration.rows}
            for level1, level2 in sorted(levels):
                if (project.annual_tree_id, level1, level2) not in plan.groups:
                    message = CATEGORY_MISSING.format(
                        code=declaration.code, level1=level1, level2=level2
                    )
                    self._code_error(declaration, message)
        if self.errors:
            return []
        now = timezone.now()
        done = [
            self._replace_one(declaration, project, plan, now) for declaration, project in batch
        ]
        Project.objects.bulk_update(
            [project for _d, project in batch], [*IMPORTED_FIELDS, "updated_at"]
        )
        plan.write()
        self.audit.write([row for _imported, row in done])
        return [imported for imported, _row in done]

    def _replace_one(
        self, declaration: _Declaration, project: Project, plan: _ReplacePlan, now: Any
    ) -> tuple[ImportedProject, AuditEvent]:
        before = snapshot(project, IMPORTED_FIELDS)
        for name, value in declaration.values.items():
            setattr(project, name, value)
        project.updated_at = now
        after = snapshot(project, IMPORTED_FIELDS)
        changed = [k for k in after if after[k] != before[k]]
        removed, updated, created = plan.apply(project.annual_tree_id, declaration.rows)
        old: dict[str, Any] = {k: before[k] for k in changed}
        new: dict[str, Any] = {k: after[k] for k in changed}
        old["indicators"] = [*removed, *(o for o, _n in updated)]
        new["indicators"] = [*(n for _o, n in updated), *created]
        new["indicator_count"] = len(declaration.rows)
        row = self.audit.row(project, old=old, new=new)
        count = len(declaration.rows)
        return ImportedProject(project.pk, project.code, project.name, False, count), row


# What the trail keeps of an indicator an import adds, changes or removes.
_AUDITED = [
    "name",
    "kind",
    "direction",
    "target_value",
    "target_text",
    "unit",
    "full_score",
    "basis",
    "standard_value",
    "previous_values",
]


class _ReplacePlan:
    """Matches a declaration's rows with the level-3 indicators its tree has: the same
    二级指标 and name keeps the indicator (updated in place, so the reviewers' comments on
    it stay attached); the other rows are added and the other indicators removed."""

    def __init__(self, nodes: list[Indicator], year: int) -> None:
        self.year = year
        by_id = {n.pk: n for n in nodes}
        self.groups: dict[tuple[int, str, str], int] = {}
        self.tree_groups: dict[int, list[int]] = defaultdict(list)
        self.leaves: dict[int, list[Indicator]] = defaultdict(list)  # 二级 id → its 三级
        for node in nodes:
            if node.level == 2 and node.parent_id in by_id:
                self.groups[(node.tree_id, by_id[node.parent_id].name, node.name)] = node.pk
                self.tree_groups[node.tree_id].append(node.pk)
            elif node.level == 3:
                self.leaves[node.parent_id].append(node)
        self.to_create: list[Indicator] = []
        self.to_update: list[Indicator] = []
        self.to_delete: list[int] = []

    def apply(
        self, tree_id: int, rows: list[dict[str, Any]]
    ) -> tuple[list[dict], list[tuple[dict, dict]], list[dict]]:
        """Plan the writes of one tree; returns what the trail records: the removed
        indicators, (before, after) of the changed ones, and the added ones."""
        waiting: dict[int, dict[str, list[Indicator]]] = {}
        for parent in self.tree_groups.get(tree_id, []):
            waiting[parent] = defaultdict(list)
            for node in self.leaves.get(parent, []):
                waiting[parent][node.name].append(node)
        updated, created = [], []
        for row in rows:
            parent = self.groups[(tree_id, row["level1"], row["level2"])]
            same = waiting[parent].get(row["name"])
            node = same.pop(0) if same else None
            values = {name: row[name] for name in ROW_FIELDS if name in row}
            if node is None:
                values["previous_values"] = _previous_values(row, {}, self.year)
                self.to_create.append(
                    Indicator(tree_id=tree_id, parent_id=parent, level=3, **values)
                )
                created.append({k: v for k, v in _snapshot_of(values).items() if k in _AUDITED})
                continue
            values["previous_values"] = _previous_values(row, node.previous_values, self.year)
            before = snapshot(node, [*_AUDITED, "position"])
            for name, value in values.items():
                setattr(node, name, value)
            after = snapshot(node, [*_AUDITED, "position"])
            if after != before:
                self.to_update.append(node)
                updated.append(({"id": node.pk, **before}, {"id": node.pk, **after}))
        removed = [
            {"id": node.pk, **snapshot(node, _AUDITED)}
            for by_name in waiting.values()
            for nodes in by_name.values()
            for node in nodes
        ]
        self.to_delete += [item["id"] for item in removed]
        return removed, updated, created

    def write(self) -> None:
        if self.to_delete:
            Indicator.objects.filter(pk__in=self.to_delete).delete()
        if self.to_update:
            Indicator.objects.bulk_update(self.to_update, ROW_FIELDS)
        if self.to_create:
            Indicator.objects.bulk_create(self.to_create)


def _snapshot_of(values: dict[str, Any]) -> dict[str, Any]:
    """Values as the trail stores them (``audit.services.snapshot`` of a dict)."""
    return {k: plain(v) for k, v in values.items()}


# --- Inserting new declarations --------------------------------------------------------------


class _New(NamedTuple):
    """A declaration being inserted, with the ids it gets."""

    declaration: _Declaration
    project_id: int
    tree_id: int
    case_id: int


class _Inserter:
    """Inserts a batch of new declarations as ``project_create`` makes one: the project,
    its target tree copied from the standard template (一级/二级指标), the level-3
    indicators, a draft workflow case, and one audit row per project."""

    def __init__(self, writer: _Writer) -> None:
        self.actor = writer.actor
        self.year = writer.year
        self.scope = writer.scope
        self.audit = writer.audit
        self.now = timezone.now()

    def insert(self, batch: list[_Declaration]) -> list[ImportedProject]:
        inserted = self.rows(batch)
        self.audit.write_created(inserted, self.year, self.now)
        return [
            ImportedProject(
                new.project_id,
                new.declaration.code,
                new.declaration.values["name"],
                True,
                len(new.declaration.rows),
            )
            for new in inserted
        ]

    def rows(self, batch: list[_Declaration]) -> list[_New]:
        raise NotImplementedError

    def tree_values(self, declaration: _Declaration) -> dict[str, Any]:
        """An IndicatorTree copied from the template, as ``tree_copy`` makes it."""
        template = self.scope.template
        return {
            "kind": TreeKind.INSTANCE,
            "domain": template.domain,
            "name": f"{declaration.values['name']}年度绩效指标"[:200],
            "description": template.description,
            "organization_id": declaration.unit.pk,
            "source_id": template.pk,
            "owner_type": SUBJECT,
            "scale": self.scope.scale(declaration.unit),
            "decimals": template.decimals,
            "rounding": template.rounding,
            "qualitative_bands": template.qualitative_bands,
            "grades": template.grades,
            "rule_version": template.rule_version,
            "created_by_id": self.actor.pk if self.actor else None,
        }

    def project_values(self, declaration: _Declaration) -> dict[str, Any]:
        return {
            "kind": DeclarationKind.PROJECT,
            "fiscal_year": self.year,
            "unit_id": declaration.unit.pk,
            "department_id": declaration.department_id,
            "created_by_id": self.actor.pk if self.actor else None,
            **declaration.values,
        }

    def case_values(self, declaration: _Declaration, project_id: int) -> dict[str, Any]:
        return {
            "definition_key": actions.TARGET_WORKFLOW,
            "subject_type": SUBJECT,
            "subject_id": project_id,
            "organization_id": declaration.unit.pk,
            "title": f"{declaration.code} {declaration.values['name']}"[:255],
        }


class _OrmInserter(_Inserter):
    """Any database: ``bulk_create`` per table, one insert per level of the tree."""

    def rows(self, batch: list[_Declaration]) -> list[_New]:
        trees = IndicatorTree.objects.bulk_create(
            [IndicatorTree(**self.tree_values(d)) for d in batch]
        )
        projects = Project.objects.bulk_create(
            [
                Project(**self.project_values(d), annual_tree_id=t.pk)
                for d, t in zip(batch, trees, strict=True)
            ]
        )
        for tree, project in zip(trees, projects, strict=True):
            tree.owner_id = str(project.pk)
        IndicatorTree.objects.bulk_update(trees, ["owner_id"])
        groups = self._copy_template([tree.pk for tree in trees])
        Indicator.objects.bulk_create(
            Indicator(
                tree_id=tree.pk,
                parent_id=groups[(tree.pk, row["level1"], row["level2"])],
                level=3,
                previous_values=_previous_values(row, {}, self.year),
                **{name: row[name] for name in ROW_FIELDS if name in row},
            )
            for declaration, tree in zip(batch, trees, strict=True)
            for row in declaration.rows
        )
        cases = WorkflowCase.objects.bulk_create(
            [
                WorkflowCase(**self.case_values(d, p.pk))
                for d, p in zip(batch, projects, strict=True)
            ]
        )
        return [
            _New(d, p.pk, t.pk, c.pk)
            for d, p, t, c in zip(batch, projects, trees, cases, strict=True)
        ]

    def _copy_template(self, tree_ids: list[int]) -> dict[tuple[int, str, str], int]:
        """The template's 一级/二级指标 in every tree, as ``tree_copy`` copies them;
        returns (tree id, 一级, 二级) → the new 二级指标's id."""
        copies: dict[tuple[int, int], int] = {}  # (tree, template node) → copy
        by_level: dict[int, list[Indicator]] = defaultdict(list)
        for node in self.scope.template_nodes:
            by_level[node.level].append(node)
        for level in sorted(by_level):
            pairs = [(tree_id, node) for tree_id in tree_ids for node in by_level[level]]
            created = Indicator.objects.bulk_create(
                Indicator(
                    tree_id=tree_id,
                    parent_id=copies[(tree_id, n.parent_id)] if n.parent_id else None,
                    **{f: getattr(n, f) for f in INDICATOR_FIELDS if f != "parent_id"},
                )
                for tree_id, n in pairs
            )
            for (tree_id, node), copy in zip(pairs, created, strict=True):
                copies[(tree_id, node.pk)] = copy.pk
        names = _group_names(self.scope.template_nodes)
        return {
            (tree_id, *names[node_pk]): copy_pk
            for (tree_id, node_pk), copy_pk in copies.items()
            if node_pk in names
        }


def _group_names(template_nodes: list[Indicator]) -> dict[int, tuple[str, str]]:
    """Template 二级指标 id → (一级 name, 二级 name)."""
    by_id = {n.pk: n for n in template_nodes}
    return {
        n.pk: (by_id[n.parent_id].name, n.name)
        for n in template_nodes
        if n.level == 2 and n.parent_id in by_id
    }


class _CopyInserter(_Inserter):
    """PostgreSQL: ``COPY … FROM STDIN`` of plain tuples (no model instances), the
    template's 一级/二级指标 copied by the server (``INSERT … SELECT``), and the ids of the
    projects, trees and cases drawn from their sequences first so that rows can name each
    other. Measured in ``bench/import_targets.py``: ``bulk_create`` spends about 60 µs of
    Python per row building and quoting its statement, COPY about 5."""

    def rows(self, batch: list[_Declaration]) -> list[_New]:
        with connection.cursor() as wrapper:
            cursor = wrapper.cursor  # psycopg's own cursor: COPY
            tree_ids, project_ids, case_ids = _next_ids(
                cursor, (IndicatorTree, Project, WorkflowCase), len(batch)
            )
            ids = list(zip(batch, tree_ids, project_ids, case_ids, strict=True))
            _copy_dicts(
                cursor,
                IndicatorTree,
                ({"id": t, "owner_id": str(p), **self.tree_values(d)} for d, t, p, _c in ids),
                self.now,
            )
            _copy_dicts(
                cursor,
                Project,
                ({"id": p, "annual_tree_id": t, **self.project_values(d)} for d, t, p, _c in ids),
                self.now,
            )
            groups = self._copy_template(cursor, tree_ids)
            self._copy_leaves(cursor, batch, tree_ids, groups)
            _copy_dicts(
                cursor,
                WorkflowCase,
                ({"id": c, **self.case_values(d, p)} for d, _t, p, c in ids),
                self.now,
            )
        return [_New(d, p, t, c) for d, t, p, c in ids]

    def _copy_template(self, cursor: Any, tree_ids: list[int]) -> dict[tuple[int, str, str], int]:
        """The server copies the template's 一级 then 二级指标 into every tree; returns
        (tree id, 一级, 二级) → the new 二级指标's id."""
        table = sql.Identifier(Indicator._meta.db_table)
        columns = [f for f in INDICATOR_FIELDS if f != "parent_id"]
        names = sql.SQL(", ").join(sql.Identifier(c) for c in columns)
        source = sql.SQL(", ").join(sql.SQL("n.") + sql.Identifier(c) for c in columns)
        template = self.scope.template.pk
        cursor.execute(
            sql.SQL(
                "INSERT INTO {table} (tree_id, parent_id, {names}) "
                "SELECT t.id, NULL, {source} FROM unnest(%s::bigint[]) AS t(id) "
                "JOIN {table} n ON n.tree_id = %s AND n.level = 1 "
                "ORDER BY t.id, n.position, n.id RETURNING id, tree_id, name"
            ).format(table=table, names=names, source=source),
            [tree_ids, template],
        )
        level1 = cursor.fetchall()
        # The new 一级 rows come as arrays: joining the table itself for them would make the
        # planner scan it (its statistics do not know this transaction's rows yet).
        cursor.execute(
            sql.SQL(
                "INSERT INTO {table} (tree_id, parent_id, {names}) "
                "SELECT x.tree_id, x.parent_id, {source} "
                "FROM unnest(%s::bigint[], %s::bigint[], %s::text[]) "
                "AS x(parent_id, tree_id, name) "
                "JOIN {table} tp ON tp.tree_id = %s AND tp.level = 1 AND tp.name = x.name "
                "JOIN {table} n ON n.parent_id = tp.id "
                "ORDER BY x.tree_id, tp.position, n.position, n.id "
                "RETURNING id, tree_id, parent_id, name"
            ).format(table=table, names=names, source=source),
            [*(list(column) for column in zip(*level1, strict=True)), template],
        )
        names_of = {pk: name for pk, _tree, name in level1}
        return {(tree, names_of[parent], name): pk for pk, tree, parent, name in cursor.fetchall()}

    def _copy_leaves(
        self,
        cursor: Any,
        batch: list[_Declaration],
        tree_ids: list[int],
        groups: dict[tuple[int, str, str], int],
    ) -> None:
        copy = _CopyRows(Indicator, ["tree_id", "parent_id", "level", *ROW_FIELDS], self.now)
        tail = copy.tail
        last_year = json.dumps(str(self.year - 1))
        with copy.start(cursor) as stream:
            for declaration, tree_id in zip(batch, tree_ids, strict=True):
                for row in declaration.rows:
                    previous = row["previous"]
                    stream.write_row(
                        (
                            tree_id,
                            groups[(tree_id, row["level1"], row["level2"])],
                            3,
                            row["position"],
                            row["name"],
                            row["kind"],
                            row["direction"],
                            row["target_value"],
                            row["target_text"],
                            row["unit"],
                            row["full_score"],
                            row["rule"],
                            row["basis"],
                            row["standard_value"],
                            # {"2026": "24"}: what _previous_values gives for a new indicator
                            f"{{{last_year}: {json.dumps(previous, ensure_ascii=False)}}}"
                            if previous
                            else "{}",
                            *tail,
                        )
                    )


def _next_ids(cursor: Any, models: tuple[type[Model], ...], count: int) -> list[list[int]]:
    """``count`` ids from each model's sequence, in one statement."""
    if not count:
        return [[] for _ in models]
    sequences = sql.SQL(", ").join(
        sql.SQL("nextval(pg_get_serial_sequence({}, 'id'))").format(
            sql.Literal(model._meta.db_table)
        )
        for model in models
    )
    cursor.execute(sql.SQL("SELECT {} FROM generate_series(1, %s)").format(sequences), [count])
    return [list(ids) for ids in zip(*cursor.fetchall(), strict=True)]


class _CopyRows:
    """``COPY model (columns …, the others) FROM STDIN``: the caller writes ``columns``
    (attribute names), then ``tail`` — the model's defaults for every other column, computed
    once (auto_now columns get ``now``; the primary key, when not given, its sequence)."""

    def __init__(self, model: type[Model], columns: list[str], now: Any) -> None:
        self.model = model
        fields = model._meta.concrete_fields
        column_of = {f.attname: f.column for f in fields}
        self.columns = [column_of[name] for name in columns]
        self.json = [i for i, name in enumerate(columns) if _is_json(model, name)]
        tail = []
        for f in fields:
            if f.attname in columns or f.primary_key:
                continue
            self.columns.append(f.column)
            tail.append(_default(f, now))
        self.tail = tuple(tail)

    def start(self, cursor: Any) -> Any:
        statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(self.model._meta.db_table),
            sql.SQL(", ").join(sql.Identifier(c) for c in self.columns),
        )
        return cursor.copy(statement)


def _is_json(model: type[Model], attname: str) -> bool:
    return any(f.attname == attname and isinstance(f, JSONField) for f in model._meta.fields)


def _default(f: Any, now: Any) -> Any:
    if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
        return now
    if f.has_default():
        value = f.get_default()
        return _json(f, value) if isinstance(f, JSONField) else value
    if f.null:
        return None
    return f.get_default()  # "" for text columns without a default


def _json(f: Any, value: Any) -> str | None:
    return None if value is None else json.dumps(value, cls=f.encoder, ensure_ascii=False)


def _copy_dicts(cursor: Any, model: type[Model], rows: Iterable[dict[str, Any]], now: Any) -> None:
    """COPY rows given as dicts of attribute values (all with the same keys); the model's
    defaults fill the other columns. JSON values are encoded with the field's encoder."""
    iterator = iter(rows)
    first = next(iterator, None)
    if first is None:
        return
    names = list(first)
    copy = _CopyRows(model, names, now)
    fields = {f.attname: f for f in model._meta.concrete_fields}
    encode = [(i, fields[names[i]]) for i in copy.json]
    with copy.start(cursor) as stream:
        for row in chain([first], iterator):
            values = [row[name] for name in names]
            for i, f in encode:
                values[i] = _json(f, values[i])
            stream.write_row((*values, *copy.tail))


class _AuditRows:
    """Audit rows written in bulk, each with what ``audit.services.audit_record`` records:
    the actor (or the command's context), the client address, the source and the project."""

    def __init__(self, actor: User | None) -> None:
        origin = event_origin(actor)
        self.actor = origin["actor"]
        self.actor_name = origin["actor_name"]
        self.ip_address = origin["ip_address"]
        self.source = origin["source"]

    def values(
        self,
        *,
        project_id: int,
        label: str,
        unit_id: int,
        old: dict[str, Any] | None,
        new: dict[str, Any],
        now: Any,
    ) -> dict[str, Any]:
        return {
            "created_at": now,
            "actor_id": self.actor.pk if self.actor else None,
            "actor_name": self.actor_name,
            "ip_address": self.ip_address,
            "source": self.source,
            "action": IMPORT_ACTION,
            "object_type": SUBJECT,
            "object_id": str(project_id),
            "object_repr": label[:255],
            "organization_id": unit_id,
            "old_values": old,
            "new_values": {**new, "source_file": "excel"},
        }

    def row(self, project: Project, *, old: dict[str, Any], new: dict[str, Any]) -> AuditEvent:
        """The row of an existing declaration overwritten by the import."""
        return AuditEvent(
            **self.values(
                project_id=project.pk,
                label=str(project),
                unit_id=project.unit_id,
                old=old,
                new=new,
                now=timezone.now(),
            )
        )

    def write_created(self, inserted: list[_New], year: int, now: Any) -> None:
        """One row per new declaration: its fields as ``project_create`` records them, the
        number of indicators imported, and the tree and case created with it."""
        rows = (
            self.values(
                project_id=new.project_id,
                label=f"{new.declaration.code} {new.declaration.values['name']}",
                unit_id=new.declaration.unit.pk,
                old=None,
                new={
                    **_created_fields(new.declaration, year),
                    "indicator_count": len(new.declaration.rows),
                    "annual_tree_id": new.tree_id,
                    "case_id": new.case_id,
                },
                now=now,
            )
            for new in inserted
        )
        if connection.vendor == "postgresql":
            with connection.cursor() as wrapper:
                (ids,) = _next_ids(wrapper.cursor, (AuditEvent,), len(inserted))
                numbered = ({"id": pk, **row} for pk, row in zip(ids, rows, strict=True))
                _copy_dicts(wrapper.cursor, AuditEvent, numbered, now)
        else:
            AuditEvent.objects.bulk_create(AuditEvent(**row) for row in rows)

    def write(self, rows: list[AuditEvent]) -> None:
        AuditEvent.objects.bulk_create(rows)


def _created_fields(declaration: _Declaration, year: int) -> dict[str, Any]:
    """The new project's PROJECT_FIELDS as ``audit.services.snapshot`` gives them."""
    values = {
        "kind": DeclarationKind.PROJECT.value,
        "basic_expenditure": Decimal(0),
        "project_expenditure": Decimal(0),
        "fiscal_year": year,
        "unit_id": declaration.unit.pk,
        "department_id": declaration.department_id,
        **declaration.values,
    }
    return {name: plain(values[name]) for name in PROJECT_FIELDS}
