"""Target declarations in Excel: export → import gives back the same declaration; an import is
all or nothing, with every error located by sheet, row and column; scope and locked
declarations; the export, template and import pages."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from jixiao.audit.models import AuditEvent
from jixiao.budget import excel, services
from jixiao.budget.models import Project
from jixiao.budget.tests.factories import D, fill_targets, group, make_project
from jixiao.documents.excel import ImportRefused
from jixiao.documents.tests.helpers import edit
from jixiao.indicators.models import Indicator
from jixiao.workflow import queries as wf
from jixiao.workflow.models import WorkflowState

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def declared(unit: Any, code: str = "P001") -> Project:
    """A complete draft declaration: funds with carry-over, mid-term funds and goal, a cost
    indicator against a budget standard, a qualitative indicator, last year's values."""
    project = make_project(
        unit,
        code=code,
        total=D(300),
        annual_fiscal=D("250.1234"),
        annual_carryover=D("30.5"),
        annual_other=D("19.3766"),
        midterm_total=D(900),
        midterm_fiscal=D(800),
        midterm_other=D(100),
        end_year=2029,
        manager="陈晓东",
        manager_phone="0531-1234567",
        midterm_goal="三年内农村自来水普及率达到95%。",
    )
    made = fill_targets(project)
    services.target_indicator_update(
        actor=None,
        project=project,
        indicator=made["单处工程平均造价"],
        basis="budget_standard",
        standard_value=D(55),
        previous_values={"2026": "52"},
    )
    services.target_indicator_update(
        actor=None, project=project, indicator=made["受益群众满意度"], full_score=D(5)
    )
    services.target_indicator_add(
        actor=None,
        project=project,
        parent=group(project, "可持续影响指标"),
        name="工程长效管护机制",
        kind="qualitative",
        target_text="建立并有效运行",
        full_score=D(5),
        basis="plan",
    )
    return project


def export(*projects: Project) -> bytes:
    return excel.export_projects(Project.objects.filter(pk__in=[p.pk for p in projects]))


def row_of(data: bytes, sheet: str, name: str) -> int:
    """The sheet row of the indicator called ``name`` (三级指标 in column C)."""
    ws = openpyxl.load_workbook(io.BytesIO(data))[sheet]
    return next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 3).value == name)


def refused(actor: Any, data: bytes, **options: Any) -> ImportRefused:
    with pytest.raises(ImportRefused) as caught:
        excel.import_workbook(actor=actor, file=data, fiscal_year=2027, **options)
    return caught.value


def located(error: ImportRefused) -> list[tuple[Any, ...]]:
    return sorted((e.sheet, e.row, e.column, e.field_label) for e in error.errors)


def without_keys(snapshot: dict[str, Any]) -> dict[str, Any]:
    """A snapshot with its indicators by path, without their ids (a copy has new ones, and
    the snapshot orders indicators of different groups by id)."""
    rows = [{k: v for k, v in row.items() if k != "key"} for row in snapshot["indicators"]]
    return {**snapshot, "indicators": sorted(rows, key=lambda row: row["path"])}


# --- Round trip ------------------------------------------------------------------------------


def test_export_then_import_gives_back_the_same_declaration(personas):
    project = declared(personas.unit_a)
    before = services.target_snapshot(project)

    result = excel.import_workbook(
        actor=personas.unit_a_operator, file=export(project), fiscal_year=2027
    )

    assert (result.created, result.updated, result.indicators) == (0, 1, 6)
    project.refresh_from_db()
    assert services.target_snapshot(project) == before  # values and indicator ids alike
    event = AuditEvent.objects.get(action=excel.IMPORT_ACTION)
    assert event.object_id == str(project.pk)
    assert event.new_values["indicator_count"] == 6
    assert event.new_values["indicators"] == []  # nothing changed


def test_a_declaration_exported_imports_as_a_new_project_with_the_same_content(personas):
    project = declared(personas.unit_a)
    data = edit(export(project), "P001", {"H3": "P002"})
    events_before = AuditEvent.objects.count()

    result = excel.import_workbook(actor=personas.unit_a_operator, file=data, fiscal_year=2027)

    copy = Project.objects.get(fiscal_year=2027, code="P002")
    assert [(p.pk, p.created, p.indicators) for p in result.projects] == [(copy.pk, True, 6)]
    expected = {**without_keys(services.target_snapshot(project)), "code": "P002"}
    assert without_keys(services.target_snapshot(copy)) == expected
    assert copy.department == personas.education and copy.created_by == personas.unit_a_operator
    assert services.case_of(copy).state == WorkflowState.DRAFT
    assert services.targets_check(copy).ok
    levels = copy.annual_tree.indicators.filter(level__lte=2).values_list("level", "name")
    assert len(levels) == 12 and (2, "服务对象满意度指标") in levels  # the standard framework
    assert copy.annual_tree.owner_id == str(copy.pk)
    new_events = AuditEvent.objects.order_by("id")[events_before:]
    assert [e.action for e in new_events] == [excel.IMPORT_ACTION]  # one row, not one per row
    assert new_events[0].new_values["indicator_count"] == 6
    assert new_events[0].new_values["code"] == "P002"


def test_export_reads_the_projects_and_their_indicators_in_two_queries(
    personas, django_assert_num_queries
):
    for code in ("P001", "P002", "P003"):
        declared(personas.unit_a, code)

    with django_assert_num_queries(2):
        data = excel.export_projects(Project.objects.filter(unit=personas.unit_a))

    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["P001", "P002", "P003"]
    ws = book["P001"]
    assert ws["A1"].value == "项目支出绩效目标申报表"
    assert "A1:J1" in {str(r) for r in ws.merged_cells.ranges}
    assert ws.freeze_panes == "A15"
    assert (ws["B3"].value, ws["H3"].value, ws["H4"].value) == (
        "农村饮水安全巩固提升",
        "P001",
        "测试县第一中学",
    )
    assert ws["B4"].value == f"测试县教育局（{personas.education.code}）"
    assert ws["H5"].value == "21303 水利"
    assert ws["H8"].number_format == "#,##0.00##"
    header = [ws.cell(14, c).value for c in range(1, 11)]
    assert header[:3] == ["一级指标", "二级指标", "三级指标"]
    assert [ws.cell(13, c).value for c in range(4, 11)] == [
        "指标性质",
        "指标值",
        "度量单位",
        "分值",
        "指标值确定依据",
        "预算支出标准",
        "上年指标值",
    ]


# --- All or nothing, every error located ------------------------------------------------------


def test_three_errors_write_nothing_and_all_are_reported_then_the_corrected_workbook_imports(
    personas,
):
    """The acceptance case: a missing unit, a non-numeric value, an unknown indicator level."""
    source = export(declared(personas.unit_a))
    first = row_of(source, "P001", "新建改造供水工程")
    last = row_of(source, "P001", "受益群众满意度")
    bad = edit(
        source,
        "P001",
        {"H3": "P009", "H4": "县不存在的单位", f"G{first}": "三十", f"B{last}": "满意程度指标"},
    )
    projects, events = Project.objects.count(), AuditEvent.objects.count()

    error = refused(personas.unit_a_operator, bad)

    assert located(error) == [
        ("P001", 4, "H", "实施单位"),
        ("P001", first, "G", "分值"),
        ("P001", last, "B", "二级指标"),
    ]
    messages = {e.field_label: e.message for e in error.errors}
    assert messages["实施单位"] == excel.UNIT_UNKNOWN.format(unit="县不存在的单位")
    assert messages["分值"] == "应为数字，实际为“三十”"
    assert messages["二级指标"].startswith("应为“数量指标”")
    assert error.message == "导入未完成：发现3处错误，未写入任何数据。"
    assert (Project.objects.count(), AuditEvent.objects.count()) == (projects, events)

    fixed = edit(
        bad,
        "P001",
        {"H4": "测试县第一中学", f"G{first}": 30, f"B{last}": "服务对象满意度指标"},
    )
    result = excel.import_workbook(actor=personas.unit_a_operator, file=fixed, fiscal_year=2027)
    assert (result.created, result.indicators) == (1, 6)
    assert Project.objects.filter(code="P009").exists()


def test_batches_already_written_roll_back_when_a_later_sheet_is_wrong(personas):
    data = export(declared(personas.unit_a, "P001"), declared(personas.unit_a, "P002"))
    data = edit(data, "P001", {"H3": "N001"})
    data = edit(data, "P002", {"H3": "N002", "H5": "99999"})

    error = refused(personas.unit_a_operator, data, batch_size=1)

    assert located(error) == [("P002", 5, "H", "功能分类")]
    assert not Project.objects.filter(code__in=["N001", "N002"]).exists()


def test_domain_checks_say_what_is_wrong_and_where(personas):
    source = export(declared(personas.unit_a, "P001"), declared(personas.unit_a, "P002"))
    cost = row_of(source, "P001", "单处工程平均造价")
    benefit = row_of(source, "P001", "农村自来水普及率")
    data = edit(
        source,
        "P001",
        {
            "B2": 2030,
            "B4": "测试县卫生健康局",
            "E5": "2029-2027",
            "H8": 200,
            f"E{cost}": "约五十",
            f"B{benefit}": "数量指标",
        },
    )
    data = edit(data, "P002", {"H3": "P001"})

    error = refused(personas.unit_a_operator, data)

    found = {(e.sheet, e.row, e.column): e.message for e in error.errors}
    assert found == {
        ("P001", 2, "B"): excel.YEAR_MISMATCH.format(expected=2027, value=2030),
        ("P001", 4, "B"): excel.DEPARTMENT_MISMATCH.format(
            department=f"测试县教育局（{personas.education.code}）", value="测试县卫生健康局"
        ),
        ("P001", 5, "E"): "项目终止年度不能早于起始年度。",
        ("P001", 7, "H"): "年度资金总额300.00万元应等于财政拨款、上年结转与其他资金之和"
        "249.88万元。",
        ("P001", cost, "E"): excel.TARGET_NOT_A_NUMBER.format(value="约五十"),
        ("P001", benefit, "B"): excel.LEVEL2_MISMATCH.format(
            level2="数量指标",
            level1="效益指标",
            choices="“经济效益指标”、“社会效益指标”、“生态效益指标”、“可持续影响指标”",
        ),
        ("P002", 3, "H"): excel.CODE_TWICE.format(code="P001", sheet="P001"),
    }


def test_percentages_and_short_level_names_are_read_as_people_type_them(personas):
    source = export(declared(personas.unit_a))
    row = row_of(source, "P001", "农村自来水普及率")
    data = edit(source, "P001", {f"A{row}": "效益", f"B{row}": "社会效益", f"E{row}": "92%"})

    excel.import_workbook(actor=personas.unit_a_operator, file=data, fiscal_year=2027)

    indicator = Indicator.objects.get(name="农村自来水普及率")
    assert (indicator.target_value, indicator.unit, indicator.rule) == (D(92), "%", "gte")


# --- Scope and locked declarations ------------------------------------------------------------


def test_another_units_operator_cannot_import_for_unit_a(personas):
    project = declared(personas.unit_a)
    before = services.target_snapshot(project)
    for_a = edit(export(project), "P001", {"H3": "B001"})

    error = refused(personas.unit_b_operator, for_a)

    assert located(error) == [("P001", 4, "H", "实施单位")]
    assert error.errors.errors[0].message == excel.UNIT_UNKNOWN.format(unit="测试县第一中学")
    # Their own unit on the sheet, but the code of unit A's project: a located refusal too.
    taken = edit(export(project), "P001", {"H4": "测试县人民医院", "B4": "测试县卫生健康局"})
    error = refused(personas.unit_b_operator, taken)
    assert [(e.row, e.column, e.message) for e in error.errors] == [
        (3, "H", "2027年度已有项目代码“P001”。")
    ]
    assert not Project.objects.filter(code="B001").exists()
    assert services.target_snapshot(project) == before


def test_a_declaration_under_review_is_not_overwritten(personas):
    project = declared(personas.unit_a)
    services.target_submit(actor=personas.unit_a_operator, project=project)
    before = services.target_snapshot(project)
    changed = edit(export(project), "P001", {"B3": "改过的名称"})

    error = refused(personas.unit_a_operator, changed)

    assert [(e.row, e.column, e.message) for e in error.errors] == [
        (3, "H", "项目“P001”的绩效目标正在审核中，不能通过导入覆盖")
    ]
    project.refresh_from_db()
    assert services.target_snapshot(project) == before


def test_a_returned_declaration_is_replaced_keeping_the_indicators_that_stay(personas):
    project = declared(personas.unit_a)
    kept = project.annual_tree.indicators.get(name="新建改造供水工程")
    dropped = project.annual_tree.indicators.get(name="工程验收合格率")
    services.target_submit(actor=personas.unit_a_operator, project=project)
    services.target_return(
        actor=personas.department_reviewer,
        project=project,
        comment="请修改后重新提交。",
        item_comments=[(f"indicator:{kept.pk}", "目标偏低。")],
    )
    source = export(project)
    kept_row = row_of(source, "P001", "新建改造供水工程")
    dropped_row = row_of(source, "P001", "工程验收合格率")
    data = edit(
        source, "P001", {f"E{kept_row}": 30, f"C{dropped_row}": "工程质量合格率", "B3": "新名称"}
    )

    result = excel.import_workbook(actor=personas.unit_a_operator, file=data, fiscal_year=2027)

    assert (result.updated, result.indicators) == (1, 6)
    project.refresh_from_db()
    assert project.name == "新名称"
    kept.refresh_from_db()
    assert kept.target_value == 30  # the same indicator, changed in place
    assert not Indicator.objects.filter(pk=dropped.pk).exists()
    added = project.annual_tree.indicators.get(name="工程质量合格率")
    assert (added.parent.name, added.target_value, added.rule) == ("质量指标", 100, "eq")
    case = services.case_of(project)
    assert case.state == WorkflowState.RETURNED  # to be submitted again by the unit
    assert [c.text for c in wf.comments_by_item(case)[f"indicator:{kept.pk}"]] == ["目标偏低。"]
    event = AuditEvent.objects.get(action=excel.IMPORT_ACTION)
    assert (event.old_values["name"], event.new_values["name"]) == (
        "农村饮水安全巩固提升",
        "新名称",
    )
    assert {i["name"] for i in event.old_values["indicators"]} == {
        "新建改造供水工程",
        "工程验收合格率",
    }
    assert {i["name"] for i in event.new_values["indicators"]} == {
        "新建改造供水工程",
        "工程质量合格率",
    }


def test_an_unreadable_file_is_refused_with_a_message(personas):
    error = refused(personas.unit_a_operator, b"not a workbook")
    assert [e.message for e in error.errors] == [
        "无法读取文件：不是有效的 Excel 工作簿（.xlsx / .xls），或文件已损坏"
    ]


# --- Pages -----------------------------------------------------------------------------------


def _upload(data: bytes, name: str = "申报表.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=XLSX)


def test_the_list_exports_what_it_shows(client, personas):
    declared(personas.unit_a, "P001")
    client.force_login(personas.unit_a_operator)

    response = client.get("/budget/projects/export/?year=2027&q=P001")

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert "attachment" in response["Content-Disposition"]
    assert openpyxl.load_workbook(io.BytesIO(response.content)).sheetnames == ["P001"]
    client.force_login(personas.unit_b_operator)
    other = client.get("/budget/projects/export/?year=2027")
    assert "P001" not in openpyxl.load_workbook(io.BytesIO(other.content)).sheetnames
    assert client.post("/budget/projects/export/?year=2027").status_code == 405


def test_a_projects_export_is_for_those_who_may_see_it(client, personas):
    project = declared(personas.unit_a)
    url = f"/budget/projects/{project.pk}/export/"
    client.force_login(personas.unit_a_operator)
    response = client.get(url)
    assert response.status_code == 200
    assert openpyxl.load_workbook(io.BytesIO(response.content)).sheetnames == ["P001"]
    assert client.post(url).status_code == 405
    client.force_login(personas.unit_b_operator)
    assert client.get(url).status_code == 404


def test_the_import_page_imports_and_lists_every_error(client, personas):
    project = declared(personas.unit_a)
    client.force_login(personas.unit_a_operator)
    page = client.get("/budget/projects/import/?year=2027")
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in page.content.decode()
    assert client.get("/budget/projects/import/template/?year=2027").status_code == 200

    data = edit(export(project), "P001", {"H3": "P010"})
    done = client.post(
        "/budget/projects/import/", {"fiscal_year": 2027, "file": _upload(data)}
    ).content.decode()
    assert "已导入1个项目、6个指标" in done
    assert f"/budget/projects/{Project.objects.get(code='P010').pk}/" in done

    wrong = edit(data, "P001", {"H3": "P011", "H4": "县不存在的单位", "H5": "99999"})
    response = client.post(
        "/budget/projects/import/", {"fiscal_year": 2027, "file": _upload(wrong)}
    )
    html = response.content.decode()
    assert response.status_code == 400
    for text in (
        "工作表",
        "行",
        "列",
        "字段",
        "问题",
        "县不存在的单位",
        "功能分类",
        "未写入任何数据",
    ):
        assert text in html
    assert not Project.objects.filter(code="P011").exists()
    not_excel = client.post(
        "/budget/projects/import/", {"fiscal_year": 2027, "file": _upload(b"x", "a.txt")}
    )
    assert not_excel.status_code == 400


def test_the_import_page_is_for_operators_with_csrf_and_its_methods(personas):
    client = Client()
    client.force_login(personas.leader)
    assert client.get("/budget/projects/import/").status_code == 404
    client.force_login(personas.unit_a_operator)
    assert client.put("/budget/projects/import/").status_code == 405
    assert client.delete("/budget/projects/import/").status_code == 405
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(personas.unit_a_operator)
    response = strict.post("/budget/projects/import/", {"fiscal_year": 2027, "file": _upload(b"x")})
    assert response.status_code == 403


def test_the_money_format_shows_two_decimals_and_keeps_four():
    assert excel.MONEY.display(Decimal("1234.5")) == "1,234.50"
    assert excel.MONEY.display(Decimal("1234.5678")) == "1,234.5678"


@pytest.mark.postgres
def test_on_postgresql_the_copy_path_writes_what_project_create_writes(personas):
    """The bulk path (COPY, the template copied by the server) against the services."""
    made = declared(personas.unit_a)
    data = edit(export(made), "P001", {"H3": "PG01"})

    excel.import_workbook(actor=personas.unit_a_operator, file=data, fiscal_year=2027)

    copy = Project.objects.get(code="PG01")
    expected = {**without_keys(services.target_snapshot(made)), "code": "PG01"}
    assert without_keys(services.target_snapshot(copy)) == expected
    for name in ("kind", "basic_expenditure", "department_id", "is_new"):
        assert getattr(copy, name) == getattr(made, name), name
    tree, made_tree = copy.annual_tree, made.annual_tree
    assert (tree.owner_type, tree.owner_id, tree.scale, tree.source_id) == (
        made_tree.owner_type,
        str(copy.pk),
        made_tree.scale,
        made_tree.source_id,
    )
    assert services.case_of(copy).state == WorkflowState.DRAFT
    assert services.targets_check(copy).ok
    event = AuditEvent.objects.get(action=excel.IMPORT_ACTION)
    assert event.actor == copy.created_by == personas.unit_a_operator
    assert event.organization_id == personas.unit_a.pk
    assert event.new_values["annual_total"] == "300"
    assert event.new_values["case_id"] == services.case_of(copy).pk


def test_a_department_declaration_is_neither_exported_nor_overwritten_with_this_form(
    client, personas
):
    department = services.department_declaration_create(
        actor=None, unit=personas.unit_a, fiscal_year=2027
    )
    data = edit(export(declared(personas.unit_a)), "P001", {"H3": department.code})

    error = refused(personas.unit_a_operator, data)

    assert [e.message for e in error.errors] == [excel.NOT_A_PROJECT.format(code=department.code)]
    client.force_login(personas.unit_a_operator)
    for url in ("export", "print"):
        assert client.get(f"/budget/projects/{department.pk}/{url}/").status_code == 404
    listed = client.get("/budget/projects/export/?year=2027")
    assert openpyxl.load_workbook(io.BytesIO(listed.content)).sheetnames == ["P001"]
