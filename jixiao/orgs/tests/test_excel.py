"""组织机构及人员导入导出 with real .xlsx files: all or nothing, every error located,
order-independent, idempotent, round trip; the page and the commands."""

from __future__ import annotations

import io
from io import StringIO

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from jixiao.audit.models import AuditEvent
from jixiao.documents.excel import ImportRefused
from jixiao.orgs import excel
from jixiao.orgs.models import Organization, OrgKind, Role, RoleAssignment, User

pytestmark = pytest.mark.django_db

ORG_HEADER = ["上级机构代码", "机构代码", "机构名称", "机构类型", "简称", "排序", "状态"]
PEOPLE_HEADER = [
    "用户名", "姓名", "所属机构代码", "角色", "角色范围机构代码", "手机", "邮箱", "工号", "状态",
]  # fmt: skip

# The tree of a new county: children listed before their parents on purpose.
ORGS = [
    ["QS-EDU", "QS-EDU-01", "青山县第一中学", "预算单位", "一中", 1, "启用"],
    ["QS", "QS-EDU", "青山县教育局", "主管部门", "教育局", 1, "启用"],
    [None, "QS", "青山县财政局", "财政局", None, 0, "启用"],
    ["QS", "QS-HEALTH", "青山县卫生健康局", "主管部门", None, 2, None],
]
PEOPLE = [
    ["zhou", "周文博", "QS", "财政审核人员", "QS", "13800000001", "zhou@example.org", "F001", None],
    ["chen", "陈晓东", "QS-EDU-01", "单位填报人员", None, None, None, None, "启用"],
    ["he", "何海燕", "QS-EDU", "主管部门审核人员", "QS-EDU", None, None, None, None],
    ["he", "何海燕", "QS-EDU", "领导", "QS-EDU", None, None, None, None],
    ["wu", "吴嘉豪", "QS-HEALTH", None, None, None, None, None, None],
]


def workbook(orgs=ORGS, people=PEOPLE) -> bytes:  # type: ignore[no-untyped-def]
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "组织机构"
    sheet.append(["组织机构"])
    sheet.append(ORG_HEADER)
    for row in orgs:
        sheet.append(row)
    people_sheet = book.create_sheet("人员")
    people_sheet.append(["人员"])
    people_sheet.append(PEOPLE_HEADER)
    for row in people:
        people_sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _import(content: bytes, actor=None, **kwargs):  # type: ignore[no-untyped-def]
    return excel.import_workbook(actor=actor, file=io.BytesIO(content), **kwargs)


def test_a_new_tree_imports_in_any_order():
    result = _import(workbook())
    assert (result.orgs_created, result.people_created, result.roles_assigned) == (4, 4, 4)
    unit = Organization.objects.get(code="QS-EDU-01")
    education = Organization.objects.get(code="QS-EDU")
    assert unit.parent == education and unit.kind == OrgKind.BUDGET_UNIT
    assert unit.short_name == "一中" and unit.depth == 2
    assert unit.path.startswith(Organization.objects.get(code="QS").path)
    he = User.objects.get(username="he")
    assert set(he.role_assignments.values_list("role", flat=True)) == {
        Role.DEPARTMENT_REVIEWER,
        Role.LEADER,
    }
    chen = RoleAssignment.objects.get(user__username="chen")
    assert chen.organization == unit  # scope defaults to the person's organisation
    zhou = User.objects.get(username="zhou")
    assert (zhou.phone, zhou.email, zhou.employee_number) == (
        "13800000001", "zhou@example.org", "F001",
    )  # fmt: skip
    passwords = {p.username: p.password for p in result.passwords}
    assert set(passwords) == {"zhou", "chen", "he", "wu"}
    assert zhou.check_password(passwords["zhou"])
    assert passwords["zhou"] not in zhou.password  # only the hash is stored
    assert AuditEvent.objects.filter(source="cli").count() == 0  # no context: source "web"


def test_importing_twice_changes_nothing():
    _import(workbook())
    rows = AuditEvent.objects.count()
    result = _import(workbook())
    assert (result.orgs_created, result.orgs_updated, result.orgs_unchanged) == (0, 0, 4)
    assert (result.people_created, result.people_updated, result.people_unchanged) == (0, 0, 4)
    assert (result.roles_assigned, result.roles_unchanged) == (0, 4)
    assert result.passwords == []
    assert AuditEvent.objects.count() == rows


def test_three_errors_are_all_located_and_nothing_is_written():
    orgs = [
        ["QS-EDU", "QS-EDU-01", "青山县第一中学", "预算单位", None, 1, None],
        ["QS", "QS-EDU", "青山县教育局", "主管部门", None, 1, None],
        [None, "QS", "青山县财政局", "财政局", None, 0, None],
        ["QS-NOPE", "QS-X", "青山县某局", "主管部门", None, 3, None],  # unknown parent
        ["QS", "QS-Y", "青山县某办", "站所", None, 4, None],  # unknown kind
        ["QS", "QS-HEALTH", "青山县卫生健康局", "主管部门", None, 2, None],
    ]
    people = [
        *PEOPLE,
        ["zhou", "周文博", "QS", "安全管理员", "QS", None, None, None, None],  # 三员分立
    ]
    with pytest.raises(ImportRefused) as refused:
        _import(workbook(orgs, people))
    found = [(e.sheet, e.row, e.column, e.field_label) for e in refused.value.errors]
    assert found == [
        ("组织机构", 7, "D", "机构类型"),
        ("组织机构", 6, "A", "上级机构代码"),
        ("人员", 8, "D", "角色"),
    ]
    messages = [e.message for e in refused.value.errors]
    assert messages[0].startswith("应为“财政局”、“主管部门”")
    assert messages[1] == "上级机构代码“QS-NOPE”在本表和系统中都不存在"
    assert messages[2].startswith("三员分立：管理员账号不得同时授予业务角色")
    assert refused.value.message == "导入未完成：发现3处错误，未写入任何数据。"
    assert not Organization.objects.exists()
    assert not User.objects.exists()


def test_the_corrected_workbook_imports():
    orgs = [*ORGS, ["QS", "QS-X", "青山县某局", "主管部门", None, 3, None]]
    result = _import(workbook(orgs, PEOPLE))
    assert result.orgs_created == 5


def test_more_domain_errors():
    orgs = [
        [None, "QS", "青山县财政局", "财政局", None, 0, None],
        ["QS", "QS-EDU", "青山县教育局", "主管部门", None, 1, None],
        ["QS", "QS-EDU", "重复的教育局", "主管部门", None, 1, None],  # duplicate code
        ["QS-EDU", "T1", "班组", "班组", None, 1, None],  # a team under a department
        ["C2", "C1", "甲", "下属单位", None, 1, None],  # a cycle
        ["C1", "C2", "乙", "下属单位", None, 1, None],
    ]
    people = [
        ["bad name", "某人", "QS", None, None, None, None, None, None],
        ["li", "李娜", "NOWHERE", None, None, None, "not-an-email", None, None],
        ["ma", "马志强", "QS", "系统管理员", None, None, None, None, None],
        ["ma", "马志强", "QS", "审计管理员", None, None, None, None, None],
        ["ma", "马志", "QS", None, None, None, None, None, None],
    ]
    with pytest.raises(ImportRefused) as refused:
        _import(workbook(orgs, people))
    texts = refused.value.messages()
    expected = [
        "工作表“组织机构”第5行B列（机构代码）：机构代码“QS-EDU”与第4行重复",
        "工作表“组织机构”第6行D列（机构类型）：上级组织类型“主管部门”下不能设立“班组”。",
        "工作表“组织机构”第7行A列（上级机构代码）：上级关系形成循环：C1 → C2 → C1",
        "工作表“人员”第3行A列（用户名）：用户名只能包含字母、数字和 _ . @ -，实际为“bad name”",
        "工作表“人员”第4行C列（所属机构代码）：机构代码“NOWHERE”在本表和系统中都不存在",
        "工作表“人员”第4行G列（邮箱）：邮箱格式不正确：“not-an-email”",
        "工作表“人员”第6行D列（角色）：三员分立：同一人员不得同时担任系统管理员、安全管理员、"
        "审计管理员中的两个角色（已担任：系统管理员）。",
        "工作表“人员”第7行B列（姓名）：用户“ma”的姓名与第5行不一致（“马志强”和“马志”）",
    ]
    for line in expected:
        assert line in texts
    assert not Organization.objects.exists()


def test_updates_moves_and_deactivates_by_code():
    _import(workbook())
    orgs = [
        ["QS-HEALTH", "QS-EDU-01", "青山县第一高级中学", "预算单位", "一中", 1, "启用"],  # moved
        ["QS", "QS-EDU", "青山县教育局", "主管部门", "教育局", 1, "启用"],
        [None, "QS", "青山县财政局", "财政局", None, 0, "启用"],
        ["QS", "QS-HEALTH", "青山县卫生健康局", "主管部门", None, 2, None],
    ]
    result = _import(workbook(orgs, PEOPLE))
    assert (result.orgs_updated, result.orgs_unchanged) == (1, 3)
    unit = Organization.objects.get(code="QS-EDU-01")
    health = Organization.objects.get(code="QS-HEALTH")
    assert unit.parent == health and unit.name == "青山县第一高级中学"
    assert unit.path.startswith(health.path)


def test_deactivating_an_organisation_with_active_people_is_a_located_error():
    _import(workbook())
    orgs = [*ORGS[:3], ["QS", "QS-HEALTH", "青山县卫生健康局", "主管部门", None, 2, "停用"]]
    with pytest.raises(ImportRefused) as refused:
        _import(workbook(orgs, PEOPLE))
    assert refused.value.messages() == [
        "工作表“组织机构”第6行G列（状态）：“青山县卫生健康局”还有1名启用的人员，"
        "请先停用或调出这些人员。"
    ]
    people = [*PEOPLE[:4], ["wu", "吴嘉豪", "QS-HEALTH", None, None, None, None, None, "停用"]]
    _import(workbook(orgs, people))
    assert not Organization.objects.get(code="QS-HEALTH").is_active
    assert not User.objects.get(username="wu").is_active


def test_dry_run_writes_nothing_but_counts():
    result = _import(workbook(), dry_run=True)
    assert result.dry_run and result.orgs_created == 4 and result.passwords == []
    assert not Organization.objects.exists()


def test_round_trip(personas):
    content = excel.export_workbook(None)
    rows = AuditEvent.objects.count()
    result = _import(content)
    assert result.orgs_created == result.people_created == result.roles_assigned == 0
    assert result.orgs_unchanged == Organization.objects.count()
    assert AuditEvent.objects.count() == rows
    # and the sheets say what the database says
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["组织机构", "人员"]
    org_rows = list(book["组织机构"].iter_rows(min_row=3, values_only=True))
    by_code = {row[1]: row for row in org_rows}
    assert by_code[personas.unit_a.code][:4] == (
        personas.education.code, personas.unit_a.code, "测试县第一中学", "预算单位",
    )  # fmt: skip
    people = list(book["人员"].iter_rows(min_row=3, values_only=True))
    assert ("sysadmin", "sysadmin", personas.bureau.code, "系统管理员", personas.bureau.code) in [
        row[:5] for row in people
    ]


def test_system_admin_imports_people_and_leaves_roles_to_the_security_admin(personas):
    orgs = [[personas.education.code, "EDU-03", "测试县第三中学", "预算单位", None, 5, None]]
    people = [["zhao", "赵磊", "EDU-03", "单位填报人员", None, None, None, None, None]]
    result = _import(workbook(orgs, people), actor=personas.system_admin)
    assert (result.orgs_created, result.people_created, result.roles_assigned) == (1, 1, 0)
    assert result.pending_roles == [("zhao", "单位填报人员", "测试县第三中学")]
    assert not RoleAssignment.objects.filter(user__username="zhao").exists()
    result = _import(workbook(orgs, people), actor=personas.security_admin)
    assert (result.orgs_unchanged, result.people_unchanged, result.roles_assigned) == (1, 1, 1)
    assert RoleAssignment.objects.filter(user__username="zhao").exists()


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ([None, "NEW-ROOT", "新公司", "公司", None, 0, None], "顶级组织只能由命令行"),
        (["company", "CO-9", "测试公司新部门", "部门", None, 0, None], "您没有执行该操作的权限"),
    ],
)
def test_a_page_actor_cannot_create_a_root_or_write_outside_the_scope(personas, row, message):
    if row[0] == "company":
        row = [personas.company.code, *row[1:]]
    orgs = [[personas.education.code, "EDU-03", "测试县第三中学", "预算单位", None, 5, None], row]
    with pytest.raises(ImportRefused) as refused:
        _import(workbook(orgs, []), actor=personas.system_admin)
    assert [e.row for e in refused.value.errors] == [4]
    assert message in refused.value.errors.errors[0].message
    assert not Organization.objects.filter(code__in=["NEW-ROOT", "CO-9", "EDU-03"]).exists()


def test_missing_sheet_is_reported():
    book = openpyxl.Workbook()
    book.active.title = "别的表"
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(ImportRefused) as refused:
        _import(out.getvalue())
    assert "工作簿中没有名为“组织机构”的工作表" in refused.value.messages()[0]


def test_template_has_both_sheets_and_imports_as_nothing():
    content = excel.template_workbook()
    assert openpyxl.load_workbook(io.BytesIO(content)).sheetnames == ["组织机构", "人员"]
    result = _import(content)
    assert result.orgs_created == result.people_created == 0


# --- The page --------------------------------------------------------------------------------


def _upload(content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("组织机构及人员.xlsx", content)


def test_page_imports_and_shows_passwords_once(client, personas):
    client.force_login(personas.system_admin)
    assert client.get("/orgs/import/").status_code == 200
    orgs = [[personas.education.code, "EDU-03", "测试县第三中学", "预算单位", None, 5, None]]
    people = [["zhao", "赵磊", "EDU-03", "单位填报人员", None, None, None, None, None]]
    response = client.post("/orgs/import/", {"file": _upload(workbook(orgs, people))})
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="import-done"' in page and "组织：新增1个" in page
    assert 'data-testid="import-passwords"' in page and "zhao" in page
    assert 'data-testid="import-pending"' in page
    assert response["Cache-Control"] == "no-store"


def test_page_lists_every_error(client, personas):
    client.force_login(personas.system_admin)
    orgs = [["NOPE", "EDU-03", "测试县第三中学", "预算单位", None, 5, None]]
    response = client.post("/orgs/import/", {"file": _upload(workbook(orgs, []))})
    page = response.content.decode()
    assert response.status_code == 400
    assert "上级机构代码“NOPE”在本表和系统中都不存在" in page
    assert not Organization.objects.filter(code="EDU-03").exists()


def test_template_and_export_downloads(client, personas):
    client.force_login(personas.system_admin)
    template = client.get("/orgs/import/template.xlsx")
    assert template.status_code == 200
    assert openpyxl.load_workbook(io.BytesIO(template.content)).sheetnames == ["组织机构", "人员"]
    export = client.get("/orgs/export.xlsx")
    codes = [
        row[1]
        for row in openpyxl.load_workbook(io.BytesIO(export.content))["组织机构"].iter_rows(
            min_row=3, values_only=True
        )
    ]
    assert personas.unit_a.code in codes
    assert personas.company.code not in codes  # outside the system administrator's scope


@pytest.mark.parametrize("persona", ["unit_a_operator", "finance_reviewer", "audit_admin"])
def test_import_page_is_404_for_others(client, personas, persona):
    client.force_login(getattr(personas, persona))
    assert client.get("/orgs/import/").status_code == 404
    assert client.get("/orgs/import/template.xlsx").status_code == 404
    assert client.post("/orgs/import/", {"file": _upload(workbook())}).status_code == 404
    assert not Organization.objects.filter(code="QS").exists()


# --- The commands ----------------------------------------------------------------------------


def test_import_command_prints_counts_and_passwords(tmp_path):
    path = tmp_path / "tree.xlsx"
    path.write_bytes(workbook())
    out = StringIO()
    call_command("import_orgs", str(path), stdout=out, stderr=StringIO())
    text = out.getvalue()
    assert "组织：新增4个" in text and "人员：新增4名" in text
    password_lines = [line for line in text.splitlines() if line.startswith("zhou\t")]
    assert len(password_lines) == 1
    assert User.objects.get(username="zhou").check_password(password_lines[0].split("\t")[2])
    assert AuditEvent.objects.filter(source="cli", action="org.create").count() == 4


def test_import_command_dry_run_and_errors(tmp_path):
    path = tmp_path / "tree.xlsx"
    path.write_bytes(workbook())
    out = StringIO()
    call_command("import_orgs", str(path), "--dry-run", stdout=out, stderr=StringIO())
    assert "试运行" in out.getvalue() and not Organization.objects.exists()
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(workbook([["NOPE", "A", "甲", "主管部门", None, 0, None]], []))
    err = StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("import_orgs", str(bad), stdout=StringIO(), stderr=err)
    assert caught.value.returncode == 2
    assert "工作表“组织机构”第3行A列（上级机构代码）" in err.getvalue()


def test_export_command_round_trips(tmp_path, personas):
    path = tmp_path / "out.xlsx"
    out = StringIO()
    call_command("export_orgs", "-o", str(path), stdout=out)
    assert "已导出7个组织" in out.getvalue()
    result = _import(path.read_bytes())
    assert result.orgs_created == result.people_created == result.roles_assigned == 0
