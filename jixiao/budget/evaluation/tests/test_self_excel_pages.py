"""The self-evaluation's Excel and print pages: the buttons, the same scope as the page (another
unit's operator gets 404), import only for the units' filling-in role, the error table."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from jixiao.budget.evaluation.self_excel import UNKNOWN_CODE
from jixiao.budget.evaluation.tests.factories import MET, filled
from jixiao.budget.evaluation.tests.test_self_excel import (
    fill,
    footer,
    fresh,
    saved,
    workbook,
)
from jixiao.budget.monitoring.tests.factories import YEAR

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def login(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def upload(content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("自评表.xlsx", content, content_type=XLSX)


def test_the_pages_show_the_buttons(personas) -> None:
    evaluation = filled(personas.unit_a)
    client = login(personas.unit_a_operator)
    page = client.get(reverse("budget:self_evaluation", args=[evaluation.pk])).content.decode()
    assert reverse("budget:self_evaluation_export", args=[evaluation.pk]) in page
    assert reverse("budget:self_evaluation_pdf", args=[evaluation.pk]) in page
    listing = client.get(reverse("budget:self_evaluations"), {"year": YEAR}).content.decode()
    assert 'data-testid="export-page"' in listing and 'data-testid="export-all"' in listing
    assert reverse("budget:self_evaluations_import") in listing
    reviewer = login(personas.department_reviewer)
    listing = reviewer.get(reverse("budget:self_evaluations"), {"year": YEAR}).content.decode()
    assert 'data-testid="export-all"' in listing
    assert reverse("budget:self_evaluations_import") not in listing


def test_export_and_print_follow_the_pages_scope(personas) -> None:
    evaluation = filled(personas.unit_a)
    export = reverse("budget:self_evaluation_export", args=[evaluation.pk])
    pdf = reverse("budget:self_evaluation_pdf", args=[evaluation.pk])
    mine = login(personas.unit_a_operator)
    response = mine.get(export)
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    assert load_workbook(BytesIO(response.content)).sheetnames == ["P001"]
    response = mine.get(pdf)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert login(personas.department_reviewer).get(pdf).status_code == 200
    other = login(personas.unit_b_operator)
    assert other.get(export).status_code == 404
    assert other.get(pdf).status_code == 404
    assert Client().get(export).status_code == 302  # to the login page
    assert mine.post(export).status_code == 405


def test_the_list_exports_the_page_or_everything_in_scope(personas) -> None:
    filled(personas.unit_a, "P001")
    filled(personas.unit_a, "P002")
    filled(personas.unit_b, "P003")
    url = reverse("budget:self_evaluations_export")
    response = login(personas.unit_a_operator).get(url, {"year": YEAR})
    assert load_workbook(BytesIO(response.content)).sheetnames == ["P001", "P002"]
    response = login(personas.unit_a_operator).get(url, {"year": YEAR, "scope": "page"})
    assert sorted(load_workbook(BytesIO(response.content)).sheetnames) == ["P001", "P002"]
    response = login(personas.finance_reviewer).get(url, {"year": YEAR})
    assert load_workbook(BytesIO(response.content)).sheetnames == ["P001", "P002", "P003"]
    assert login(personas.employee).get(url, {"year": YEAR}).status_code == 404


def test_import_through_the_page(personas) -> None:
    evaluation = fresh(personas.unit_a)
    book = workbook(evaluation)
    fill(book["P001"], MET)
    url = f"{reverse('budget:self_evaluations_import')}?year={YEAR}"
    client = login(personas.unit_a_operator)
    assert client.get(url).status_code == 200
    response = client.post(url, {"file": upload(saved(book))})
    assert response.status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.total is not None


def test_import_of_another_units_table_lists_the_error_and_writes_nothing(personas) -> None:
    theirs = fresh(personas.unit_a)
    book = workbook(theirs)
    fill(book["P001"], MET)
    book["P001"][footer(book["P001"], "评价结论")] = "别人的结论"
    url = f"{reverse('budget:self_evaluations_import')}?year={YEAR}"
    response = login(personas.unit_b_operator).post(url, {"file": upload(saved(book))})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-testid="import-errors"' in html
    assert UNKNOWN_CODE.format(code="P001", year=YEAR) in html
    theirs.refresh_from_db()
    assert theirs.conclusion == "" and theirs.total is None


def test_import_is_for_the_filling_in_role_only(personas) -> None:
    url = reverse("budget:self_evaluations_import")
    for persona in (personas.department_reviewer, personas.finance_reviewer, personas.leader):
        assert login(persona).get(url).status_code == 404
    assert login(personas.unit_a_operator).put(url).status_code == 405


def test_import_enforces_csrf(personas) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.unit_a_operator)
    response = client.post(reverse("budget:self_evaluations_import"), {"file": upload(b"x")})
    assert response.status_code == 403
