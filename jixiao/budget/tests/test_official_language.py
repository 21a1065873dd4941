"""Choice labels are English on English pages, but the official forms stay Chinese: a workbook
in the official layout, a Word or PDF report and the text stored for them are produced in
Chinese whatever language the user reads (``jixiao.documents.language``)."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from collections.abc import Iterator
from datetime import date

import openpyxl
import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation
from docx import Document

from jixiao.budget.evaluation.models import Grade
from jixiao.budget.monitoring import excel as monitoring_excel
from jixiao.budget.monitoring import services as monitoring
from jixiao.budget.monitoring import tracking, tracking_print
from jixiao.budget.monitoring.models import Level, MonitoringForm
from jixiao.budget.monitoring.tests.factories import (
    approved_project,
    form_of,
    indicator_ids,
    open_round,
)
from jixiao.budget.tests.factories import D, make_project
from jixiao.documents.language import in_official_language, official_text
from jixiao.government import printing as government_printing
from jixiao.government import services as government
from jixiao.government.models import Part
from jixiao.government.scoring import scheme_result
from jixiao.government.tests.factories import assign_all, make_scheme, make_town
from jixiao.workflow.models import WorkflowState

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _default_language_afterwards() -> Iterator[None]:
    yield
    translation.activate(settings.LANGUAGE_CODE)


def _english(client: Client) -> None:
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302


def test_labels_follow_the_language_and_official_text_stays_chinese() -> None:
    with translation.override("en"):
        assert str(WorkflowState.DRAFT.label) == "Draft"
        assert str(Grade.EXCELLENT.label) == "Excellent"
        assert str(Level.PARTLY.label) == "Partly achieved"
        assert official_text(Grade.EXCELLENT.label) == "优"
        assert in_official_language(lambda: str(Level.PARTLY.label))() == "部分达成"
        assert translation.get_language() == "en"  # and the user's language comes back
    assert str(WorkflowState.DRAFT.label) == "草稿"


def test_english_project_list_shows_english_states(personas) -> None:  # type: ignore[no-untyped-def]
    make_project(personas.unit_a)
    client = Client()
    client.force_login(personas.unit_a_operator)
    assert "草稿" in client.get(reverse("budget:projects")).content.decode()
    _english(client)
    html = client.get(reverse("budget:projects")).content.decode()
    assert "Draft" in html and "Awaiting review" in html and "All" in html
    assert "草稿" not in html and "待审核" not in html


@pytest.fixture
def monitored(personas):  # type: ignore[no-untyped-def]
    project = approved_project(personas.unit_a, "A-1", D(1200), qualitative=True)
    round = open_round(personas.bureau)
    form = form_of(round, project)
    ids = indicator_ids(form)
    monitoring.form_save(
        actor=None,
        form=form,
        progress={ids["群众饮水安全状况"]: {"level": "partly", "likelihood": "certain"}},
    )
    return project, round


def test_monitoring_export_in_english_is_the_chinese_form(personas, monitored) -> None:  # type: ignore[no-untyped-def]
    project, round = monitored
    with translation.override("en"):
        content = monitoring_excel.export_forms(
            round, MonitoringForm.objects.filter(round=round, project=project)
        )
        assert translation.get_language() == "en"
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    values = [c for row in sheet.iter_rows(values_only=True) for c in row if c]
    assert "部分达成" in values
    # … and it imports back, whoever imports it.
    with translation.override("en"):
        result = monitoring_excel.import_workbook(
            actor=personas.unit_a_operator, round=round, file=content
        )
    assert result.forms == 1 and result.indicators == 0  # nothing changed


def test_tracking_started_and_printed_in_english_keeps_chinese_labels(personas, monitored) -> None:  # type: ignore[no-untyped-def]
    project, round = monitored
    target = project.annual_tree.indicators.get(level=3, name="群众饮水安全状况")
    with translation.override("en"):
        record = tracking.tracking_start(
            actor=personas.unit_a_operator, project=project, round=round, indicators=[target]
        )
        assert record.targets.get().actual == "部分达成"  # stored in Chinese
        document = Document(io.BytesIO(tracking_print.report_docx(record)))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert "部分达成" in cells


def _pdf_text(pdf: bytes) -> str:
    out = subprocess.run(
        ["pdftotext", "-raw", "-", "-"],  # noqa: S607
        input=pdf,
        capture_output=True,
        check=True,
    ).stdout.decode()
    return "".join(out.split())


def test_government_meeting_report_in_english_is_chinese() -> None:
    town = make_town()
    scheme = make_scheme(town)
    assign_all(town, scheme)
    government.scheme_activate(actor=town.office, scheme=scheme)
    with translation.override("en"):
        report = government_printing.meeting_report(
            scheme, scheme_result(scheme), date(scheme.year, 6, 30)
        )
        docx = government_printing.meeting_report_docx(report)
        pdf = government_printing.meeting_report_pdf(report)
        assert str(Part.QUANTITATIVE.label) == "Quantitative assessment"
    document = Document(io.BytesIO(docx))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert "量化评估" in cells and "Quantitative assessment" not in cells
    if shutil.which("pdftotext"):
        text = _pdf_text(pdf)
        assert "量化评估" in text and "Quantitativeassessment" not in text


def test_english_pages_name_the_actions_and_years_in_english(personas) -> None:  # type: ignore[no-untyped-def]
    """定稿 the state is "Final", 定稿 the button "Finalise"; 停用 the state is "Inactive",
    the button "Deactivate"; the overview's years need no 年."""
    finance = Client()
    finance.force_login(personas.finance_reviewer)
    _english(finance)
    html = finance.get(reverse("budget:department_scores"), {"year": 2027}).content.decode()
    assert re.search(r'data-testid="finalise">\s*Finalise\s*</button>', html)
    html = finance.get("/budget/overview/?year=2027").content.decode()
    assert re.search(r'<option value="2027"[^>]*>2027</option>', html)
    assert "2027年" not in html
    admin = Client()
    admin.force_login(personas.system_admin)
    _english(admin)
    html = admin.get(f"/orgs/{personas.education.pk}/").content.decode()
    assert re.search(r'data-testid="org-deactivate">.*Deactivate</button>', html)
    assert "Active" in html  # the state
