"""The tracking forms' Excel through the pages: the buttons, export of a record and of the
year, the upload page with its error table, and the scope (404) as on the tracking pages."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from jixiao.audit.models import AuditEvent
from jixiao.budget.monitoring import tracking_excel
from jixiao.budget.monitoring.models import TrackingRecord
from jixiao.budget.monitoring.tests.test_tracking_excel import (
    FIRST_ROW,
    book,
    build_world,
    row_of,
    saved,
    start,
)

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def record(personas) -> TrackingRecord:  # type: ignore[no-untyped-def]
    a1, _, round = build_world(personas)
    return start(personas.unit_a_operator, a1, round)


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def upload(content: bytes) -> dict[str, SimpleUploadedFile]:
    return {"file": SimpleUploadedFile("跟踪表.xlsx", content, content_type=XLSX)}


def test_buttons_export_and_import_of_a_record(personas, record) -> None:  # type: ignore[no-untyped-def]
    unit_a = client_for(personas.unit_a_operator)
    page = unit_a.get(reverse("budget:tracking", args=[record.pk])).content.decode()
    assert reverse("budget:tracking_export", args=[record.pk]) in page
    assert reverse("budget:tracking_import", args=[record.pk]) in page
    response = unit_a.get(reverse("budget:tracking_export", args=[record.pk]))
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    assert "attachment" in response["Content-Disposition"]
    wb = book(response.content)
    assert wb.sheetnames == ["A-1分阶段", "A-1纠偏"]
    targets = wb["A-1纠偏"]
    targets.cell(row_of(targets, "受益群众满意度"), 4, "92%")

    url = reverse("budget:tracking_import", args=[record.pk])
    assert "导入绩效跟踪表" in unit_a.get(url).content.decode()
    response = unit_a.post(url, upload(saved(wb)))
    assert response.status_code == 302
    assert response["Location"] == reverse("budget:tracking", args=[record.pk])
    assert record.targets.get(indicator_name="受益群众满意度").actual == "92%"
    assert AuditEvent.objects.filter(action="budget.tracking.targets_save").count() == 1


def test_the_upload_page_lists_the_errors(personas, record) -> None:  # type: ignore[no-untyped-def]
    wb = book(tracking_excel.export_record(record))
    wb["A-1纠偏"].cell(FIRST_ROW, 2, "不存在的目标")
    unit_a = client_for(personas.unit_a_operator)
    response = unit_a.post(reverse("budget:tracking_import", args=[record.pk]), upload(saved(wb)))
    assert response.status_code == 400
    page = response.content.decode()
    assert 'data-testid="import-errors"' in page
    assert tracking_excel.TARGET_UNKNOWN.format(name="不存在的目标", code="A-1") in page
    assert not AuditEvent.objects.filter(action="budget.tracking.targets_save").exists()


def test_the_year_list_exports_and_imports(personas, record) -> None:  # type: ignore[no-untyped-def]
    year = record.project.fiscal_year
    unit_a = client_for(personas.unit_a_operator)
    page = unit_a.get(reverse("budget:tracking_list") + f"?year={year}").content.decode()
    assert reverse("budget:tracking_list_export") in page
    assert reverse("budget:tracking_list_import") in page
    response = unit_a.get(reverse("budget:tracking_list_export") + f"?year={year}")
    assert response.status_code == 200
    wb = book(response.content)
    assert wb.sheetnames == ["A-1分阶段", "A-1纠偏"]
    wb["A-1分阶段"].cell(FIRST_ROW, 6, "已完成（导入）")
    url = reverse("budget:tracking_list_import") + f"?year={year}"
    response = unit_a.post(url, upload(saved(wb)))
    assert response.status_code == 302
    assert record.stages.get(position=1).completion == "已完成（导入）"
    # the bureau sees the year (export) but fills nothing (no import)
    bureau = client_for(personas.finance_reviewer)
    bureau_page = bureau.get(reverse("budget:tracking_list") + f"?year={year}").content.decode()
    assert reverse("budget:tracking_list_import") not in bureau_page
    assert bureau.get(reverse("budget:tracking_list_export") + f"?year={year}").status_code == 200
    assert bureau.get(reverse("budget:tracking_list_import")).status_code == 404


def test_scope_as_on_the_tracking_pages(personas, record) -> None:  # type: ignore[no-untyped-def]
    content = tracking_excel.export_record(record)
    export = reverse("budget:tracking_export", args=[record.pk])
    imports = reverse("budget:tracking_import", args=[record.pk])
    unit_b = client_for(personas.unit_b_operator)
    assert unit_b.get(export).status_code == 404
    assert unit_b.get(imports).status_code == 404
    assert unit_b.post(imports, upload(content)).status_code == 404
    # the unit's year import does not reach another unit's record
    response = unit_b.post(reverse("budget:tracking_list_import"), upload(content))
    assert response.status_code == 400
    bureau = client_for(personas.finance_reviewer)
    assert bureau.get(export).status_code == 200
    assert bureau.get(imports).status_code == 404
    assert (
        "tracking-import"
        not in bureau.get(reverse("budget:tracking", args=[record.pk])).content.decode()
    )
    anonymous = Client().get(export)
    assert anonymous.status_code == 302
    assert client_for(personas.unit_a_operator).post(export).status_code == 405


def test_an_english_page_still_exports_chinese_forms(personas, record) -> None:  # type: ignore[no-untyped-def]
    unit_a = client_for(personas.unit_a_operator)
    unit_a.cookies["django_language"] = "en"
    response = unit_a.get(
        reverse("budget:tracking_export", args=[record.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    assert wb["A-1分阶段"]["A2"].value == "项目名称"
    assert wb["A-1纠偏"]["B5"].value == "重点目标"
