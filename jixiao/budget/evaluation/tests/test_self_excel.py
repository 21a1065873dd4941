"""The self-evaluation table in Excel: the official layout out, the unit's entries back in
through the service (scores recomputed, never read from the file), all or nothing with every
error located, and export → import changing nothing."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO
from typing import Any

import pytest
from django.utils import translation
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from jixiao.audit.models import AuditEvent
from jixiao.budget.evaluation import self_excel, services
from jixiao.budget.evaluation.models import SelfEvaluation, SelfEvaluationItem
from jixiao.budget.evaluation.self_excel import (
    ASSESSED_QUANTITATIVE,
    INDICATOR_UNKNOWN,
    LOCKED,
    NOT_YOURS,
    NUMBER_EXPECTED,
    UNKNOWN_CODE,
    Actual,
    export_self_evaluations,
    import_workbook,
)
from jixiao.budget.evaluation.tests.factories import (
    AFTER_YEAR,
    EXECUTED,
    MET,
    filled,
    spend,
    submitted,
)
from jixiao.budget.monitoring.tests.factories import YEAR, approved_project
from jixiao.documents.excel import ImportRefused, Invalid
from jixiao.orgs.errors import PermissionDeniedError
from jixiao.orgs.models import Role
from jixiao.orgs.services import role_assign

D = Decimal
pytestmark = pytest.mark.django_db

HEADER_ROW = 15  # the indicator table's column titles
COLUMNS = {"name": "C", "actual": "G", "full_score": "H", "score": "I", "explanation": "J"}


def fresh(unit, code: str = "P001", executed: Decimal = EXECUTED) -> SelfEvaluation:  # type: ignore[no-untyped-def]
    """A self-evaluation just generated: no actual values yet."""
    project = approved_project(unit, code)
    spend(project, executed)
    return services.self_evaluation_create(actor=None, project=project, today=AFTER_YEAR)


def workbook(*evaluations: SelfEvaluation) -> Workbook:
    content = export_self_evaluations(
        SelfEvaluation.objects.filter(pk__in=[e.pk for e in evaluations]).order_by("pk")
    )
    return load_workbook(BytesIO(content))


def saved(book: Workbook) -> bytes:
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def row_of(ws: Worksheet, name: str) -> int:
    for row in range(HEADER_ROW + 1, ws.max_row + 1):
        if ws[f"C{row}"].value == name:
            return row
    raise KeyError(name)


def footer(ws: Worksheet, label: str) -> str:
    """The cell beside a footer label (总分：, 评价结论： …)."""
    for row in ws.iter_rows(min_row=HEADER_ROW + 1):
        for cell in row:
            if cell.value == f"{label}：":
                return f"{chr(ord(cell.column_letter) + 1)}{cell.row}"
    raise KeyError(label)


def fill(ws: Worksheet, actuals: dict[str, Any]) -> None:
    for name, value in actuals.items():
        ws[f"G{row_of(ws, name)}"] = value


def audit_count() -> int:
    return AuditEvent.objects.filter(action="budget.self_evaluation.save").count()


# --- Export ----------------------------------------------------------------------------------


def test_the_export_has_the_official_layout(personas) -> None:
    evaluation = filled(personas.unit_a, explanations={"工程验收合格率": "已全部验收"})
    ws = workbook(evaluation)["P001"]
    assert ws["A1"].value == "项目支出绩效自评表"
    assert (ws["A2"].value, ws["B2"].value) == ("预算年度", YEAR)
    assert (ws["A3"].value, ws["B3"].value) == ("项目名称", evaluation.project.name)
    assert (ws["G3"].value, ws["H3"].value) == ("项目代码", "P001")
    assert (ws["A4"].value, ws["G4"].value, ws["H4"].value) == (
        "主管部门",
        "实施单位",
        "测试县第一中学",
    )
    assert ws["A5"].value == "项目负责人"
    assert [ws[f"{c}6"].value for c in "DEFGHI"] == [
        "年初预算数",
        "全年预算数",
        "全年执行数",
        "分值",
        "执行率",
        "得分",
    ]
    assert [ws[f"B{r}"].value for r in range(7, 12)] == [
        "年度资金总额",
        "其中：本年财政拨款",
        "上年结转资金",
        "其他资金",
        "执行率偏低原因",
    ]
    assert ws["E7"].value == 300 and ws["F7"].value == 270 and ws["G7"].value == 10
    assert ws["H7"].value == pytest.approx(0.9) and ws["H7"].number_format == "0.00%"
    assert ws["I7"].value == float(evaluation.execution_score)
    assert (ws["A12"].value, ws["B12"].value, ws["G12"].value) == (
        "年度总体目标",
        "预期目标",
        "实际完成情况",
    )
    assert "导入时不读取" in ws["A14"].value
    titles = [ws.cell(HEADER_ROW, col).value for col in range(1, 12)]
    assert titles == [
        "一级指标",
        "二级指标",
        "三级指标",
        "指标性质",
        "年度指标值",
        "度量单位",
        "实际完成值",
        "分值",
        "得分",
        "偏差原因分析及改进措施",
        "定性评分",
    ]
    row = row_of(ws, "工程验收合格率")
    assert [ws[f"{c}{row}"].value for c in "DEFGHIJ"] == [
        "＝",
        "100",
        "%",
        "100",
        10,
        10,
        "已全部验收",
    ]
    assert ws[f"H{row}"].number_format == "0.00"
    assert ws[footer(ws, "总分")].value == float(evaluation.total)
    for label in ("评价结论", "项目负责人", "财务负责人", "单位负责人（盖章）", "填报日期"):
        footer(ws, label)  # every footer field is there
    assert any(str(r) == "A1:K1" for r in ws.merged_cells.ranges)


def test_one_workbook_holds_every_table_and_stays_chinese_in_english(personas) -> None:
    first = fresh(personas.unit_a, "P001")
    second = fresh(personas.unit_a, "P002")
    with translation.override("en"):
        book = workbook(first, second)
    assert book.sheetnames == ["P001", "P002"]
    assert book["P002"]["A1"].value == "项目支出绩效自评表"
    assert book["P002"]["A6"].value == "项目资金（万元）"


# --- Import ----------------------------------------------------------------------------------


def test_export_fill_import_saves_through_the_service_and_scores(personas) -> None:
    evaluation = fresh(personas.unit_a)
    twin = filled(personas.unit_a, "P002")  # the same table filled on the page
    book = workbook(evaluation)
    ws = book["P001"]
    fill(ws, MET)
    ws[f"I{row_of(ws, '工程验收合格率')}"] = 0  # 得分 is output only: ignored
    ws[footer(ws, "总分")] = 1  # so is 总分
    ws["G13"] = "新建改造供水工程24处，全部验收。"
    ws[f"J{row_of(ws, '受益群众满意度')}"] = "问卷调查"
    ws[footer(ws, "评价结论")] = "项目目标全部完成。"
    ws[footer(ws, "财务负责人")] = "李会计"

    result = import_workbook(actor=personas.unit_a_operator, fiscal_year=YEAR, file=saved(book))

    assert result.tables == 1 and [e.pk for e in result.changed] == [evaluation.pk]
    assert result.items == len(MET)
    evaluation.refresh_from_db()
    assert evaluation.total == twin.total and evaluation.total is not None
    assert evaluation.grade == twin.grade
    assert evaluation.goal_actual == "新建改造供水工程24处，全部验收。"
    assert evaluation.conclusion == "项目目标全部完成。"
    assert evaluation.finance_manager == "李会计"
    rows = {row.name: row for row in evaluation.items.all()}
    assert {name: rows[name].actual for name in MET} == MET
    assert rows["工程验收合格率"].score == rows["工程验收合格率"].full_score
    assert rows["受益群众满意度"].explanation == "问卷调查"
    assert rows["新建改造供水工程"].source == "manual"
    event = AuditEvent.objects.filter(action="budget.self_evaluation.save").latest("id")
    assert event.actor_id == personas.unit_a_operator.pk


def test_header_values_the_page_edits_come_in_too(personas) -> None:
    evaluation = filled(personas.unit_a)
    book = workbook(evaluation)
    ws = book["P001"]
    ws["F7"] = 240  # 全年执行数: 80 %
    ws["D11"] = "部分工程款次年结算"
    ws["B5"] = "王工"  # 项目负责人 in the header; the footer's is left as it was

    import_workbook(actor=personas.unit_a_operator, fiscal_year=YEAR, file=saved(book))

    evaluation.refresh_from_db()
    assert evaluation.executed == D(240)
    assert evaluation.execution_explanation == "部分工程款次年结算"
    assert evaluation.manager == "王工"
    assert evaluation.execution_score == D(8)  # min(240 / 300, 1) × 10, by the engine


def test_three_errors_write_nothing_and_are_all_located(personas) -> None:
    first = fresh(personas.unit_a, "P001")
    second = fresh(personas.unit_a, "P002")
    book = workbook(first, second)
    ws = book["P001"]
    fill(ws, MET)  # valid changes, which must not be written either
    bad_value = row_of(ws, "工程验收合格率")
    ws[f"G{bad_value}"] = "全部合格"
    bad_name = row_of(ws, "单处工程平均造价")
    ws[f"C{bad_name}"] = "单处工程平均工期"
    book["P002"]["H3"] = "X999"
    before = audit_count()

    with pytest.raises(ImportRefused) as refused:
        import_workbook(actor=personas.unit_a_operator, fiscal_year=YEAR, file=saved(book))

    found = {(e.sheet, e.row, e.column, e.message) for e in refused.value.errors}
    assert found == {
        ("P001", bad_value, "G", NUMBER_EXPECTED.format(name="工程验收合格率", value="全部合格")),
        (
            "P001",
            bad_name,
            "C",
            INDICATOR_UNKNOWN.format(name="单处工程平均工期", code="P001"),
        ),
        ("P002", 3, "H", UNKNOWN_CODE.format(code="X999", year=YEAR)),
    }
    assert "工作表“P001”第" in refused.value.messages()[0]
    first.refresh_from_db()
    assert audit_count() == before
    assert all(row.actual is None for row in first.items.all())


def test_another_units_project_is_refused(personas) -> None:
    theirs = fresh(personas.unit_a, "P001")
    book = workbook(theirs)
    fill(book["P001"], MET)
    with pytest.raises(ImportRefused) as refused:
        import_workbook(actor=personas.unit_b_operator, fiscal_year=YEAR, file=saved(book))
    [error] = refused.value.errors
    assert (error.sheet, error.row, error.column) == ("P001", 3, "H")
    assert error.message == UNKNOWN_CODE.format(code="P001", year=YEAR)
    assert all(row.actual is None for row in theirs.items.all())


def test_a_reviewer_may_not_import_at_all(personas) -> None:
    book = workbook(fresh(personas.unit_a))
    with pytest.raises(PermissionDeniedError):
        import_workbook(actor=personas.department_reviewer, fiscal_year=YEAR, file=saved(book))


def test_a_submitted_table_is_refused(personas) -> None:
    evaluation = submitted(personas.unit_a)
    book = workbook(evaluation)
    book["P001"][footer(book["P001"], "评价结论")] = "改一下"
    with pytest.raises(ImportRefused) as refused:
        import_workbook(actor=personas.unit_a_operator, fiscal_year=YEAR, file=saved(book))
    [error] = refused.value.errors
    assert error.message == LOCKED.format(code="P001", state="待审核")


def test_another_year_is_refused(personas) -> None:
    book = workbook(fresh(personas.unit_a))
    with pytest.raises(ImportRefused) as refused:
        import_workbook(actor=personas.unit_a_operator, fiscal_year=YEAR + 1, file=saved(book))
    [error] = refused.value.errors
    assert (error.row, error.column) == (2, "B")


def test_a_service_refusal_rolls_back_every_table(personas) -> None:
    first = fresh(personas.unit_a, "P001")
    second = fresh(personas.unit_a, "P002")
    book = workbook(first, second)
    fill(book["P001"], MET)
    book["P002"][footer(book["P002"], "评价结论")] = "结论"
    with pytest.raises(ImportRefused) as refused, pytest.MonkeyPatch.context() as patch:
        original = services.self_evaluation_save

        def refuse_second(**kwargs: Any) -> SelfEvaluation:
            if kwargs["self_evaluation"].pk == second.pk:
                from jixiao.budget.evaluation.errors import NOT_EDITABLE, EvaluationError

                raise EvaluationError(NOT_EDITABLE)
            return original(**kwargs)

        patch.setattr(services, "self_evaluation_save", refuse_second)
        import_workbook(actor=personas.unit_a_operator, fiscal_year=YEAR, file=saved(book))
    [error] = refused.value.errors
    assert (error.sheet, error.column) == ("P002", "H")
    assert all(row.actual is None for row in first.items.all())  # the first one rolled back


def test_export_then_import_changes_nothing(personas) -> None:
    evaluation = filled(
        personas.unit_a,
        actuals={"农村自来水普及率": D("92.5")},
        explanations={"农村自来水普及率": "部分村庄管网未通\n次年完成"},
    )
    services.self_evaluation_save(
        actor=None,
        self_evaluation=evaluation,
        values={"conclusion": "良好", "manager": "张三", "goal_actual": "基本完成"},
    )
    evaluation.refresh_from_db()
    before = self_excel.sheet_data(evaluation, list(evaluation.items.order_by("position")))
    audits = audit_count()
    content = export_self_evaluations(SelfEvaluation.objects.filter(pk=evaluation.pk))

    result = import_workbook(actor=personas.unit_a_operator, fiscal_year=YEAR, file=content)

    assert result.tables == 1 and result.changed == [] and audit_count() == audits
    evaluation.refresh_from_db()
    after = self_excel.sheet_data(evaluation, list(evaluation.items.order_by("position")))
    assert after.fields == before.fields and after.rows == before.rows


def test_the_actual_value_type() -> None:
    actual = Actual()
    assert actual.parse(D("24")) == D(24)
    assert actual.parse("95%") == D(95)
    assert actual.parse("１２") == D(12)
    assert actual.parse(" 达成 ") == "达成"
    assert actual.parse("全部合格") == "全部合格"
    with pytest.raises(Invalid):
        actual.parse("-3")
    assert actual.to_cell(D("24.500000")) == "24.5"


def with_qualitative(evaluation: SelfEvaluation) -> SelfEvaluationItem:
    """Give the table a qualitative row worth 5 of the satisfaction row's 10 points."""
    evaluation.items.filter(name="受益群众满意度").update(full_score=D(5))
    return SelfEvaluationItem.objects.create(
        self_evaluation=evaluation,
        position=99,
        level1="效益指标",
        level2="社会效益指标",
        name="群众饮水安全状况",
        kind="qualitative",
        rule="qualitative",
        target_text="明显改善",
        full_score=D(5),
    )


def test_a_qualitative_row_takes_a_level_and_its_score_in_the_band(personas) -> None:
    evaluation = fresh(personas.unit_a)
    qualitative = with_qualitative(evaluation)
    book = workbook(evaluation)
    ws = book["P001"]
    row = row_of(ws, "群众饮水安全状况")
    assert (ws[f"D{row}"].value, ws[f"E{row}"].value, ws[f"G{row}"].value) == (
        "定性",
        "明显改善",
        None,
    )
    fill(ws, {**MET, "群众饮水安全状况": "达成"})
    ws[f"K{row}"] = 4.5

    import_workbook(actor=personas.unit_a_operator, fiscal_year=YEAR, file=saved(book))

    qualitative.refresh_from_db()
    assert (qualitative.level, qualitative.assessed_score) == ("achieved", D("4.5"))
    assert qualitative.score == D("4.5")  # scored by the engine inside the band [4, 5]
    evaluation.refresh_from_db()
    assert evaluation.total is not None
    again = workbook(evaluation)["P001"]
    assert (again[f"G{row}"].value, again[f"K{row}"].value) == ("达成", 4.5)


def test_levels_and_band_scores_where_they_do_not_belong_are_refused(personas) -> None:
    evaluation = fresh(personas.unit_a)
    with_qualitative(evaluation)
    book = workbook(evaluation)
    ws = book["P001"]
    fill(ws, {"群众饮水安全状况": "很好"})
    ws[f"K{row_of(ws, '新建改造供水工程')}"] = 3
    with pytest.raises(ImportRefused) as refused:
        import_workbook(actor=personas.unit_a_operator, fiscal_year=YEAR, file=saved(book))
    found = {(e.row, e.column) for e in refused.value.errors}
    assert found == {
        (row_of(ws, "群众饮水安全状况"), "G"),
        (row_of(ws, "新建改造供水工程"), "K"),
    }
    messages = "\n".join(refused.value.messages())
    assert ASSESSED_QUANTITATIVE.format(name="新建改造供水工程") in messages
    assert "实际为“很好”" in messages


def test_a_table_seen_but_not_filled_by_the_actor_is_refused(personas) -> None:
    """A unit operator of unit B who also reviews unit A's department sees A's table."""
    theirs = fresh(personas.unit_a)
    operator = personas.unit_b_operator
    role_assign(
        actor=None, user=operator, role=Role.DEPARTMENT_REVIEWER, organization=personas.education
    )
    book = workbook(theirs)
    fill(book["P001"], MET)
    with pytest.raises(ImportRefused) as refused:
        import_workbook(actor=operator, fiscal_year=YEAR, file=saved(book))
    [error] = refused.value.errors
    assert error.message == NOT_YOURS.format(code="P001")
