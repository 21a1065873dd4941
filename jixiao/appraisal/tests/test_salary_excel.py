"""Salary bases (工资基数) in and out of Excel: the export is the template, the import is all or
nothing with every error located, writes go through ``pay_profile_set`` (audit rows) and only
for changed rows; the pages' permissions."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation

from jixiao.appraisal import salary_excel
from jixiao.appraisal.errors import SALARY_NEGATIVE
from jixiao.appraisal.models import PayProfile
from jixiao.audit.models import AuditEvent
from jixiao.documents.excel import ImportRefused
from jixiao.documents.excel import errors as excel_errors
from jixiao.orgs.models import OrgKind, Role
from jixiao.testing.factories import make_org, make_user

pytestmark = pytest.mark.django_db
D = Decimal
ACTION = "appraisal.pay_profile.set"
FIRST = 3  # the first data row: title in row 1, column titles in row 2
EXPORT = "/appraisal/salary-bases/export/"
IMPORT = "/appraisal/salary-bases/import/"
TITLES = ["工号/用户名", "姓名", "部门", "月工资基数（元）"]


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def other_company():  # type: ignore[no-untyped-def]
    """Another company with its own office and one employee of its own department."""
    company = make_org("另一公司", OrgKind.COMPANY)
    dept = make_org("另一公司财务部", OrgKind.DEPARTMENT, company)
    hr = make_user("hr_other", company, Role.HR_OFFICER, full_name="另一绩效办")
    person = make_user("other_staff", dept, Role.EMPLOYEE, full_name="他司员工")
    person.employee_number = "X001"
    person.save(update_fields=["employee_number"])
    return hr, person


def book_of(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(BytesIO(data))


def rows_of(book: openpyxl.Workbook) -> dict[str, list[object]]:
    """The data rows by their first cell (工号/用户名)."""
    ws = book[salary_excel.SHEET]
    return {
        str(row[0]): list(row)
        for row in ws.iter_rows(min_row=FIRST, values_only=True)
        if row[0] is not None
    }


def edited(data: bytes, changes: dict[str, object], extra: list[list[object]] = ()) -> BytesIO:  # type: ignore[assignment]
    """The exported workbook with the base of the employees in ``changes`` replaced and
    ``extra`` rows appended, saved as a real .xlsx."""
    book = book_of(data)
    ws = book[salary_excel.SHEET]
    for row in ws.iter_rows(min_row=FIRST):
        key = row[0].value
        if key in changes:
            row[3].value = changes[key]
    for values in extra:
        ws.append(values)
    out = BytesIO()
    book.save(out)
    out.seek(0)
    return out


def bases() -> dict[str, Decimal]:
    return {
        p.employee.employee_number or p.employee.username: p.salary_base
        for p in PayProfile.objects.select_related("employee")
    }


def audit_count() -> int:
    return AuditEvent.objects.filter(action=ACTION).count()


def test_export_lists_the_company_departments_people_with_their_bases(world) -> None:  # type: ignore[no-untyped-def]
    world.colleague.pay_profile.delete()  # no base yet: a blank cell to fill in
    book = book_of(salary_excel.export_salary_bases(world.company))
    assert book.sheetnames == ["工资基数"]
    ws = book["工资基数"]
    assert ws["A1"].value == "工资基数"
    assert [c.value for c in ws[2]][:4] == TITLES
    rows = rows_of(book)
    assert list(rows) == ["E001", "E002", "E003", "E004", "E005"]  # not the office (hr)
    assert rows["E001"][:3] == ["E001", world.employee.display_name, world.dept.name]
    assert rows["E005"][2] == world.other_dept.name
    assert rows["E001"][3] == 5000
    assert rows["E002"][3] is None


def test_export_stays_chinese_in_an_english_session(world) -> None:  # type: ignore[no-untyped-def]
    with translation.override("en"):
        book = book_of(salary_excel.export_salary_bases(world.company))
    assert [c.value for c in book["工资基数"][2]][:4] == TITLES


def test_import_updates_exactly_the_changed_rows_and_a_second_import_nothing(world) -> None:  # type: ignore[no-untyped-def]
    data = salary_excel.export_salary_bases(world.company)
    before = audit_count()
    upload = edited(data, {"E001": 6000, "E005": "7200.50"})
    result = salary_excel.pay_profiles_import(actor=world.hr, company=world.company, upload=upload)
    assert (result.updated, result.created, result.unchanged, result.blank) == (2, 0, 3, 0)
    assert bases() == {
        "E001": D(6000),
        "E002": D(5000),
        "E003": D(5000),
        "E004": D(5000),
        "E005": D("7200.50"),
    }
    events = AuditEvent.objects.filter(action=ACTION).order_by("id")[before:]
    assert audit_count() == before + 2
    changed = {e.object_id: (e.old_values, e.new_values, e.actor_id) for e in events}
    profile = PayProfile.objects.get(employee=world.employee)
    old, new, actor = changed[str(profile.pk)]
    assert (D(old["salary_base"]), D(new["salary_base"]), actor) == (D(5000), D(6000), world.hr.pk)
    other = PayProfile.objects.get(employee=world.outsider)
    assert D(changed[str(other.pk)][1]["salary_base"]) == D("7200.50")

    upload.seek(0)
    again = salary_excel.pay_profiles_import(actor=world.hr, company=world.company, upload=upload)
    assert (again.updated, again.created, again.unchanged) == (0, 0, 5)
    assert audit_count() == before + 2
    assert bases()["E005"] == D("7200.50")


def test_a_blank_base_is_left_alone_and_a_first_base_is_created(world) -> None:  # type: ignore[no-untyped-def]
    newcomer = make_user("newcomer", world.dept, Role.EMPLOYEE, full_name="新员工")
    data = salary_excel.export_salary_bases(world.company)
    assert rows_of(book_of(data))["newcomer"][3] is None  # no 工号: the username
    upload = edited(data, {"newcomer": 4300, "E002": None})
    result = salary_excel.pay_profiles_import(actor=world.hr, company=world.company, upload=upload)
    assert (result.created, result.updated, result.unchanged, result.blank) == (1, 0, 4, 1)
    assert PayProfile.objects.get(employee=newcomer).salary_base == D(4300)
    assert PayProfile.objects.get(employee=world.colleague).salary_base == D(5000)


def test_three_errors_are_all_located_and_nothing_is_written(world) -> None:  # type: ignore[no-untyped-def]
    data = salary_excel.export_salary_bases(world.company)
    upload = edited(
        data,
        {"E001": 9999, "E002": "五千", "E003": -100},  # E001 is valid: still not written
        extra=[["E999", "查无此人", "测试公司生产部", 3000]],
    )
    before, audits = bases(), audit_count()
    with pytest.raises(ImportRefused) as refused:
        salary_excel.pay_profiles_import(actor=world.hr, company=world.company, upload=upload)
    found = {(e.sheet, e.row, e.column, e.field_label, e.message) for e in refused.value.errors}
    assert found == {
        ("工资基数", 4, "D", "月工资基数（元）", excel_errors.NOT_A_NUMBER.format(value="五千")),
        ("工资基数", 5, "D", "月工资基数（元）", str(SALARY_NEGATIVE)),
        ("工资基数", 8, "A", "工号/用户名", salary_excel.EMPLOYEE_NOT_COVERED.format(key="E999")),
    }
    assert refused.value.message == "导入未完成：发现3处错误，未写入任何数据。"
    assert bases() == before and audit_count() == audits


def test_duplicates_other_companies_people_and_wrong_names_are_refused(world) -> None:  # type: ignore[no-untyped-def]
    _hr, stranger = other_company()
    data = salary_excel.export_salary_bases(world.company)
    upload = edited(
        data,
        {},
        extra=[
            ["E001", None, None, 5100],  # the same employee twice
            ["X001", "他司员工", None, 3000],  # another company's employee
            ["colleague", "张冠李戴", None, 5200],  # by username; not their name
        ],
    )
    with pytest.raises(ImportRefused) as refused:
        salary_excel.pay_profiles_import(actor=world.hr, company=world.company, upload=upload)
    messages = {(e.row, e.column, e.message) for e in refused.value.errors}
    assert messages == {
        (8, "A", salary_excel.EMPLOYEE_TWICE.format(key="E001", row=3)),
        (9, "A", salary_excel.EMPLOYEE_NOT_COVERED.format(key="X001")),
        (10, "A", salary_excel.EMPLOYEE_TWICE.format(key="colleague", row=4)),
    }
    assert not PayProfile.objects.filter(employee=stranger).exists()


def test_a_name_that_does_not_match_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    book = book_of(salary_excel.export_salary_bases(world.company))
    ws = book[salary_excel.SHEET]
    ws["B3"], ws["D3"] = "张冠李戴", 8000
    out = BytesIO()
    book.save(out)
    with pytest.raises(ImportRefused) as refused:
        salary_excel.pay_profiles_import(actor=world.hr, company=world.company, upload=out)
    [error] = list(refused.value.errors)
    want = world.employee.display_name
    assert (error.row, error.column) == (3, "B")
    assert error.message == salary_excel.NAME_MISMATCH.format(key="E001", want=want, got="张冠李戴")
    assert PayProfile.objects.get(employee=world.employee).salary_base == D(5000)


def test_a_workbook_without_the_sheet_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    book = openpyxl.Workbook()
    book.active.title = "Sheet1"
    out = BytesIO()
    book.save(out)
    with pytest.raises(ImportRefused) as refused:
        salary_excel.pay_profiles_import(actor=world.hr, company=world.company, upload=out)
    assert [e.message for e in refused.value.errors] == [
        excel_errors.SHEET_MISSING.format(sheet="工资基数")
    ]


# --- Pages -----------------------------------------------------------------------------------


def _upload(data: BytesIO | bytes) -> SimpleUploadedFile:
    content = data.getvalue() if isinstance(data, BytesIO) else data
    return SimpleUploadedFile("工资基数.xlsx", content)


def test_office_exports_and_imports_on_the_pages(world) -> None:  # type: ignore[no-untyped-def]
    client = client_for(world.hr)
    page = client.get("/appraisal/salary-bases/").content.decode()
    assert (
        'data-testid="export-salary-bases"' in page and 'data-testid="import-salary-bases"' in page
    )
    response = client.get(EXPORT)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    assert client.get(IMPORT).status_code == 200

    upload = edited(response.content, {"E002": 6100, "E004": 6200})
    before = audit_count()
    done = client.post(IMPORT, {"file": _upload(upload)})
    assert done.status_code == 200
    text = done.content.decode()
    assert 'data-testid="import-done"' in text and "已保存2名员工的工资基数" in text
    assert bases()["E002"] == D(6100) and bases()["E004"] == D(6200)
    events = AuditEvent.objects.filter(action=ACTION).order_by("-id")[:2]
    assert audit_count() == before + 2 and {e.actor_id for e in events} == {world.hr.pk}


def test_import_page_lists_errors_and_writes_nothing(world) -> None:  # type: ignore[no-untyped-def]
    client = client_for(world.hr)
    data = client.get(EXPORT).content
    upload = edited(data, {"E001": 7000, "E002": "abc"})
    response = client.post(IMPORT, {"file": _upload(upload)})
    assert response.status_code == 400
    text = response.content.decode()
    assert 'data-testid="import-errors"' in text and "应为数字，实际为“abc”" in text
    assert bases()["E001"] == D(5000)
    missing = client.post(IMPORT, {})
    assert missing.status_code == 400 and "请选择Excel文件。" in missing.content.decode()


@pytest.mark.parametrize("who", ["head", "employee", "leader"])
def test_others_cannot_export_or_import(world, who) -> None:  # type: ignore[no-untyped-def]
    user = {"head": world.head, "employee": world.employee, "leader": world.personas.leader}[who]
    client = client_for(user)
    data = salary_excel.export_salary_bases(world.company)
    upload = edited(data, {"E001": 1})
    assert client.get(EXPORT).status_code == 404
    assert client.get(IMPORT).status_code == 404
    assert client.post(IMPORT, {"file": _upload(upload)}).status_code == 404
    assert bases()["E001"] == D(5000)


def test_another_companys_office_sees_and_writes_only_its_own(world) -> None:  # type: ignore[no-untyped-def]
    hr, _stranger = other_company()
    client = client_for(hr)
    assert list(rows_of(book_of(client.get(EXPORT).content))) == ["X001"]
    ours = edited(salary_excel.export_salary_bases(world.company), {"E001": 1})
    response = client.post(IMPORT, {"file": _upload(ours)})
    assert response.status_code == 400
    assert salary_excel.EMPLOYEE_NOT_COVERED.format(key="E001") in response.content.decode()
    assert bases()["E001"] == D(5000)
    with pytest.raises(ImportRefused):  # the function itself: another company's office
        salary_excel.pay_profiles_import(actor=hr, company=hr.organization, upload=ours)
    from jixiao.orgs.errors import PermissionDeniedError

    with pytest.raises(PermissionDeniedError):
        salary_excel.pay_profiles_import(actor=hr, company=world.company, upload=ours)
    assert bases()["E001"] == D(5000)


def test_anonymous_wrong_method_and_csrf(world) -> None:  # type: ignore[no-untyped-def]
    assert Client().get(EXPORT).status_code == 302
    assert Client().post(IMPORT).status_code == 302
    client = client_for(world.hr)
    assert client.post(EXPORT).status_code == 405
    assert client.put(IMPORT).status_code == 405
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(world.hr)
    upload = edited(salary_excel.export_salary_bases(world.company), {"E001": 1})
    assert strict.post(IMPORT, {"file": _upload(upload)}).status_code == 403
    assert bases()["E001"] == D(5000)
