"""The appraisal pages: who sees what (404 outside the scope), the grid, review, pay,
statistics, dead water, progress, self-service and appeals."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from jixiao.appraisal import services
from jixiao.appraisal.models import Appeal, EmployeeScore, PayResult, ProgressStep

from .test_services import open_month, score_all, sheet_of


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def approved(world):  # type: ignore[no-untyped-def]
    month = open_month(world)
    sheet = sheet_of(month, world.dept)
    score_all(world, sheet)
    services.appraisal_sheet_submit(actor=world.head, sheet=sheet)
    services.appraisal_sheet_approve(actor=world.hr, sheet=sheet)
    return month, sheet


def test_office_opens_a_month_from_the_page(world) -> None:  # type: ignore[no-untyped-def]
    client = client_for(world.hr)
    response = client.post(
        "/appraisal/", {"organization": world.company.pk, "year": "2026", "month": "5"}
    )
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert world.dept.name in page.content.decode()
    assert (
        client_for(world.head)
        .post("/appraisal/", {"organization": world.company.pk, "year": "2026", "month": "6"})
        .status_code
        == 404
    )


def test_head_scores_in_the_grid(world) -> None:  # type: ignore[no-untyped-def]
    month = open_month(world)
    sheet = sheet_of(month, world.dept)
    client = client_for(world.head)
    page = client.get(f"/appraisal/sheets/{sheet.pk}/").content.decode()
    assert "jx-grid-input" in page and "appraisal-grid.js" in page
    items = services.sheet_items(sheet).scored
    data = {
        f"score-{world.employee.pk}-{i.pk}": v
        for i, v in zip(items, ("40", "25", "15"), strict=False)
    }
    response = client.post(f"/appraisal/sheets/{sheet.pk}/save/", data)
    assert response.status_code == 302
    assert EmployeeScore.objects.get(sheet=sheet, employee=world.employee).total == Decimal(80)
    bad = {f"score-{world.employee.pk}-{items[0].pk}": "99"}
    client.post(f"/appraisal/sheets/{sheet.pk}/save/", bad)
    page = client.get(f"/appraisal/sheets/{sheet.pk}/").content.decode()
    assert "应在0到50之间" in page


def test_a_head_sees_only_their_department(world) -> None:  # type: ignore[no-untyped-def]
    month = open_month(world)
    mine, theirs = sheet_of(month, world.dept), sheet_of(month, world.other_dept)
    client = client_for(world.head)
    assert client.get(f"/appraisal/sheets/{mine.pk}/").status_code == 200
    assert client.get(f"/appraisal/sheets/{theirs.pk}/").status_code == 404
    assert client.get(f"/appraisal/sheets/{theirs.pk}/export/").status_code == 404
    assert client.post(f"/appraisal/sheets/{theirs.pk}/save/", {}).status_code == 404
    page = client.get(f"/appraisal/months/{month.pk}/").content.decode()
    assert world.dept.name in page and world.other_dept.name not in page


def test_an_employee_sees_only_their_own_results(world, approved) -> None:  # type: ignore[no-untyped-def]
    month, sheet = approved
    client = client_for(world.employee)
    assert client.get(f"/appraisal/sheets/{sheet.pk}/").status_code == 404
    assert client.get(f"/appraisal/months/{month.pk}/pay/").status_code == 404
    assert client.get("/appraisal/statistics/").status_code == 404
    mine = EmployeeScore.objects.get(sheet=sheet, employee=world.employee)
    theirs = EmployeeScore.objects.get(sheet=sheet, employee=world.colleague)
    page = client.get(f"/appraisal/mine/{mine.pk}/").content.decode()
    assert "绩效工资计算说明" in page and "标准绩效工资1,000.00元" in page
    assert client.get(f"/appraisal/mine/{theirs.pk}/").status_code == 404
    listing = client.get("/appraisal/mine/").content.decode()
    assert "1,150.00" in listing  # 91 points → coefficient 1.15 (default bands)
    colleague_pay = PayResult.objects.get(employee=world.colleague).pay
    assert colleague_pay and str(world.colleague.full_name) not in listing


def test_review_return_and_approve_pages(world) -> None:  # type: ignore[no-untyped-def]
    month = open_month(world)
    sheet = sheet_of(month, world.dept)
    score_all(world, sheet)
    head = client_for(world.head)
    head.post(f"/appraisal/sheets/{sheet.pk}/submit/")
    office = client_for(world.hr)
    queue = office.get("/appraisal/review/").content.decode()
    assert world.dept.name in queue
    assert head.post(f"/appraisal/sheets/{sheet.pk}/approve/").status_code == 403
    assert services.case_of(sheet).state == "submitted"  # the head may not approve
    office.post(f"/appraisal/sheets/{sheet.pk}/return/", {"comment": "请补充奖惩依据"})
    page = head.get(f"/appraisal/sheets/{sheet.pk}/").content.decode()
    assert "请补充奖惩依据" in page
    head.post(f"/appraisal/sheets/{sheet.pk}/submit/")
    office.post(f"/appraisal/sheets/{sheet.pk}/approve/", {"comment": "同意"})
    assert services.case_of(sheet).state == "approved"
    assert PayResult.objects.filter(sheet=sheet).count() == 3


def test_office_pages_render(world, approved) -> None:  # type: ignore[no-untyped-def]
    month, _sheet = approved
    client = client_for(world.hr)
    for url in [
        "/appraisal/",
        f"/appraisal/months/{month.pk}/",
        f"/appraisal/months/{month.pk}/pay/",
        "/appraisal/statistics/",
        "/appraisal/dashboard/",
        "/appraisal/rule-sets/",
        f"/appraisal/rule-sets/{world.rule_set.pk}/",
        "/appraisal/settings/",
        "/appraisal/progress/",
        "/appraisal/appeals/",
        "/appraisal/review/",
    ]:
        assert client.get(url).status_code == 200, url
    xlsx = client.get(f"/appraisal/statistics/?month={month.pk}&format=xlsx")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    dashboard = client.get("/appraisal/dashboard/").content.decode()
    assert "全员得分相同" in dashboard  # score_all gives everyone 91
    assert client.get("/appraisal/dashboard/").status_code == 200
    assert client_for(world.head).get("/appraisal/dashboard/").status_code == 404


def test_settings_and_progress_are_edited_from_pages(world) -> None:  # type: ignore[no-untyped-def]
    client = client_for(world.hr)
    response = client.post(
        "/appraisal/settings/",
        {
            "performance_share": "60",
            "coefficient_method": "linear",
            "pay_mode": "pool",
            "band_min": ["90", "0"],
            "band_coef": ["1.2", "0.8"],
            "excellent_quota": "20",
        },
    )
    assert response.status_code == 302
    s = services.settings_for(world.company)
    assert s.performance_share == Decimal("0.6") and s.pay_mode == "pool"
    client.post(
        "/appraisal/progress/?year=2026",
        {
            "title": "部门考核细则定稿",
            "start_date": "2026-03-01",
            "end_date": "2026-03-31",
            "owner": "绩效办",
            "status": "in_progress",
        },
    )
    step = ProgressStep.objects.get()
    assert step.title == "部门考核细则定稿"
    export = client.get("/appraisal/progress/?year=2026&format=xlsx")
    assert export.status_code == 200


def test_employee_appeals_and_office_decides(world, approved) -> None:  # type: ignore[no-untyped-def]
    _month, sheet = approved
    mine = EmployeeScore.objects.get(sheet=sheet, employee=world.employee)
    client_for(world.employee).post(f"/appraisal/mine/{mine.pk}/", {"reason": "加班未计入"})
    appeal = Appeal.objects.get()
    office = client_for(world.hr)
    assert "加班未计入" in office.get("/appraisal/appeals/").content.decode()
    office.post(
        "/appraisal/appeals/", {"appeal": appeal.pk, "status": "rejected", "decision": "维持"}
    )
    appeal.refresh_from_db()
    assert appeal.status == "rejected"
    assert client_for(world.head).get("/appraisal/appeals/").status_code == 404


def test_methods_and_csrf(world) -> None:  # type: ignore[no-untyped-def]
    month = open_month(world)
    sheet = sheet_of(month, world.dept)
    client = client_for(world.head)
    assert client.get(f"/appraisal/sheets/{sheet.pk}/save/").status_code == 405
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(world.head)
    assert strict.post(f"/appraisal/sheets/{sheet.pk}/save/", {}).status_code == 403
    assert Client().get("/appraisal/").status_code == 302  # to the login page


def test_event_with_evidence_file_and_quota_warning(world) -> None:  # type: ignore[no-untyped-def]
    from django.core.files.uploadedfile import SimpleUploadedFile

    from jixiao.appraisal.models import AppraisalEvent

    services.appraisal_settings_set(
        actor=world.hr, organization=world.company, excellent_quota=Decimal(20)
    )
    month = open_month(world)
    sheet = sheet_of(month, world.dept)
    score_all(world, sheet)  # everyone 91: 优 for 100 % of the department
    client = client_for(world.head)
    evidence = SimpleUploadedFile("表彰通报.pdf", b"%PDF-1.4 evidence", "application/pdf")
    client.post(
        f"/appraisal/sheets/{sheet.pk}/event/",
        {
            "employee": world.employee.pk,
            "item": world.item("受到上级表彰").pk,
            "count": "1",
            "evidence_text": "市级通报表扬",
            "evidence_file": evidence,
        },
    )
    event = AppraisalEvent.objects.get()
    assert event.evidence_file.name.endswith(".pdf") and event.evidence_text == "市级通报表扬"
    page = client_for(world.hr).get(f"/appraisal/months/{month.pk}/").content.decode()
    assert "优秀比例超过20" in page and "100.00%" in page


def test_office_sets_salary_bases_by_department(world) -> None:  # type: ignore[no-untyped-def]
    from jixiao.appraisal.models import PayProfile

    client = client_for(world.hr)
    url = f"/appraisal/salary-bases/?department={world.dept.pk}"
    page = client.get(url).content.decode()
    assert world.colleague.full_name in page and world.outsider.full_name not in page
    client.post(url, {f"base-{world.colleague.pk}": "6800", f"base-{world.employee.pk}": "5000"})
    assert PayProfile.objects.get(employee=world.colleague).salary_base == Decimal(6800)
    assert client_for(world.head).get(url).status_code == 404


def test_home_page_shows_the_office_the_dead_water(world) -> None:  # type: ignore[no-untyped-def]
    month = open_month(world)
    score_all(world, sheet_of(month, world.dept))  # everyone the same score
    page = client_for(world.hr).get("/").content.decode()
    assert 'data-testid="home-appraisal"' in page
    assert f"一潭死水：{world.dept.name}" in page
    assert (
        'data-testid="home-appraisal"' not in client_for(world.employee).get("/").content.decode()
    )


def test_grid_import_page_lists_located_errors_and_writes_nothing(world) -> None:  # type: ignore[no-untyped-def]
    from io import BytesIO

    import openpyxl
    from django.core.files.uploadedfile import SimpleUploadedFile

    from jixiao.appraisal import excel

    month = open_month(world)
    sheet = sheet_of(month, world.dept)
    book = openpyxl.load_workbook(BytesIO(excel.export_grid(sheet)))
    book.active["C5"] = "很好"
    out = BytesIO()
    book.save(out)
    upload = SimpleUploadedFile("grid.xlsx", out.getvalue())
    response = client_for(world.head).post(
        f"/appraisal/sheets/{sheet.pk}/import/", {"file": upload}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "导入未成功" in page and "第5行C列" in page and "很好" in page
    assert not EmployeeScore.objects.filter(sheet=sheet).exclude(scores={}).exists()


@pytest.mark.parametrize("name", ["appraisal:month", "appraisal:pay"])
def test_month_pages_read_the_settings_once(world, approved, name) -> None:  # type: ignore[no-untyped-def]
    """The excellent quota and its warnings come from one read of the settings (two before)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from jixiao.appraisal.models import AppraisalSettings

    client = client_for(world.hr)
    month, _ = approved
    url = reverse(name, args=[month.pk])
    client.get(url)  # warm the session
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    table = AppraisalSettings._meta.db_table
    assert sum(table in q["sql"] for q in queries) == 1
