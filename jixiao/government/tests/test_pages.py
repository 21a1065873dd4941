from __future__ import annotations

import io
import shutil
import subprocess
from decimal import Decimal

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse
from docx import Document

from jixiao.government import services
from jixiao.government.models import Item, Scheme
from jixiao.government.tests.factories import (
    assign_all,
    evidence,
    item_named,
    make_scheme,
    make_town,
    submit_and_review,
)

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def town():
    return make_town()


@pytest.fixture
def active(town):
    scheme = make_scheme(town)
    assign_all(town, scheme)
    services.scheme_activate(actor=town.office, scheme=scheme)
    return scheme


def test_responsible_person_pages_show_and_accept_only_their_items(town, active):
    mine = item_named(active, "固定资产投资完成额")
    theirs = item_named(active, "机关作风")
    person = client_for(town.economy_person)
    page = person.get(reverse("government:my_items")).content.decode()
    assert "固定资产投资完成额" in page and "机关作风" not in page
    assert person.get(reverse("government:item", args=[mine.pk])).status_code == 200
    assert person.get(reverse("government:item", args=[theirs.pk])).status_code == 404
    data = {"period": "2026-03", "value": "100"}
    assert person.post(reverse("government:value_save", args=[theirs.pk]), data).status_code == 404
    response = person.post(reverse("government:value_save", args=[mine.pk]), data)
    assert response.status_code == 302
    assert mine.values.get().value == Decimal(100)
    # The scheme's pages are the leadership office's: 404 for a responsible person.
    assert person.get(reverse("government:scheme", args=[active.pk])).status_code == 404
    # A colleague of the same office sees nothing of it.
    other = client_for(town.economy_other)
    assert other.get(reverse("government:item", args=[mine.pk])).status_code == 404
    # The leader reads but may not write (403).
    leader = client_for(town.leader)
    assert leader.get(reverse("government:item", args=[mine.pk])).status_code == 200
    response = leader.post(reverse("government:value_save", args=[mine.pk]), data)
    assert response.status_code == 403
    assert leader.get(reverse("government:scheme", args=[active.pk])).status_code == 200
    assert leader.post(reverse("government:publish", args=[active.pk])).status_code == 404


def test_wrong_method_and_csrf(town, active):
    mine = item_named(active, "固定资产投资完成额")
    person = client_for(town.economy_person)
    assert person.get(reverse("government:value_save", args=[mine.pk])).status_code == 405
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(town.economy_person)
    url = reverse("government:value_save", args=[mine.pk])
    assert strict.post(url, {"period": "2026-03", "value": "1"}).status_code == 403


def test_office_sets_up_a_scheme_through_the_pages(town):
    office = client_for(town.office)
    response = office.post(
        reverse("government:scheme_create"),
        {
            "organization": town.town.pk,
            "year": 2026,
            "name": "",
            "quantitative_weight": "60",
            "social_weight": "40",
        },
    )
    scheme = Scheme.objects.get()
    assert response.status_code == 302 and scheme.social_weight == Decimal(40)
    item = item_named(scheme, "依法行政")
    response = office.post(
        reverse("government:item_assign", args=[scheme.pk, item.pk]),
        {
            "office": town.economy.pk,
            "responsible": town.economy_person.pk,
            "standard": "依法行政考核细则",
            "deadline": "2026-12-31",
            "frequency": "quarterly",
            "aggregation": "sum",
        },
    )
    assert response.status_code == 302
    gdp = item_named(scheme, "地区生产总值增长率")
    office.post(
        reverse("government:item_assign", args=[scheme.pk, gdp.pk]),
        {
            "office": town.economy.pk,
            "responsible": town.economy_person.pk,
            "standard": "增长7.5%",
            "target_value": "7.5",
            "frequency": "monthly",
            "aggregation": "latest",
        },
    )
    gdp.indicator.refresh_from_db()
    assert gdp.indicator.target_value == Decimal("7.5")
    item.refresh_from_db()
    assert item.responsible == town.economy_person and item.standard == "依法行政考核细则"
    response = office.post(
        reverse("government:raters", args=[scheme.pk]),
        {
            "name": ["分管领导", "干部职工", "考核组", ""],
            "weight": ["30", "30", "40", "0"],
            "assessment": "2",
            "score": ["88", "", "", ""],
            "note": ["", "", "", ""],
        },
    )
    assert response.status_code == 302
    weights = {r.name: (r.weight, r.score) for r in scheme.raters.all()}
    assert weights == {
        "分管领导": (Decimal(30), Decimal(88)),
        "干部职工": (Decimal(30), None),
        "考核组": (Decimal(40), None),
    }
    page = office.get(reverse("government:scheme", args=[scheme.pk])).content.decode()
    assert "依法行政考核细则" in page and "分管领导" in page
    # Not every item is assigned: activation is refused with the reason.
    response = office.post(reverse("government:activate", args=[scheme.pk]), follow=True)
    assert "尚未落实责任科室和责任人" in response.content.decode()


def test_self_evaluation_and_review_through_the_pages(town, active):
    item = item_named(active, "依法行政")
    person = client_for(town.economy_person)
    url = reverse("government:self_evaluate", args=[item.pk])
    response = person.post(url, {"self_check": "自查", "self_score": "9", "self_explanation": "x"})
    assert response.status_code == 400 and "自评得分应在0到分值7" in response.content.decode()
    person.post(url, {"self_check": "逐项自查", "self_score": "7", "self_explanation": "全部完成"})
    person.post(
        reverse("government:evidence_upload", args=[item.pk]), {"file": evidence("制度.pdf")}
    )
    person.post(reverse("government:item_submit", args=[item.pk]))
    office = client_for(town.office)
    queue = office.get(reverse("government:review_queue")).content.decode()
    assert "依法行政" in queue
    response = office.post(
        reverse("government:item_review", args=[item.pk]), {"score": "6", "comment": "执法记录不全"}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.review_score == Decimal(6)
    evidence_row = item.evidence.get()
    download = person.get(reverse("government:evidence_download", args=[item.pk, evidence_row.pk]))
    assert download.status_code == 200 and b"evidence" in b"".join(download.streaming_content)


def _review_all(town, scheme: Scheme) -> None:
    for item in scheme.items.select_related("indicator", "responsible"):
        full = item.indicator.full_score
        score = full if item.part == "quantitative" else full * Decimal("0.8")
        submit_and_review(town, item, full, score, comment="" if score == full else "一般")


def test_result_cadres_exports_and_public_site(town, active):
    _review_all(town, active)
    office = client_for(town.office)
    page = office.get(reverse("government:result", args=[active.pk])).content.decode()
    assert "考核组得分" in page and 'id="government-result-data"' in page
    cadres = office.get(reverse("government:cadres", args=[active.pk])).content.decode()
    assert "优秀" in cadres and "称职" in cadres
    xlsx = office.get(reverse("government:cadres_xlsx", args=[active.pk]))
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    values = [c for row in sheet.iter_rows(values_only=True) for c in row if c]
    assert "李明" in values and "优秀" in values and "陈静" in values
    docx = office.get(reverse("government:report_docx", args=[active.pk]))
    document = Document(io.BytesIO(docx.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "政府绩效管理工作进展情况报告" in text and "三、考核得分计算" in text
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert "存在问题" in cells and "机关作风" in cells
    # Public: nothing before publication, the result after.
    anonymous = Client()
    assert anonymous.get(reverse("government:public_scheme", args=[active.pk])).status_code == 404
    office.post(reverse("government:publish", args=[active.pk]))
    public = anonymous.get(reverse("government:public_scheme", args=[active.pk])).content.decode()
    assert "考核总分" in public and "机关作风" in public
    listing = anonymous.get(reverse("government:public")).content.decode()
    assert active.name in listing
    assert "政府绩效考核" in anonymous.get(reverse("public_home")).content.decode()


def test_meeting_report_pdf_has_chinese_text(town, active):
    item = item_named(active, "固定资产投资完成额")
    services.item_value_set(
        actor=town.economy_person,
        item=item,
        period="2026-03",
        value=Decimal(1200),
        progress_note="完成项目签约三个",
        problems="征地拆迁进度偏慢",
        measures="成立专班督办",
    )
    office = client_for(town.office)
    response = office.get(reverse("government:report_pdf", args=[active.pk]))
    assert response.status_code == 200 and response.content[:4] == b"%PDF"
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed")
    text = subprocess.run(
        ["pdftotext", "-raw", "-", "-"],  # noqa: S607
        input=response.content,
        capture_output=True,
        check=True,
    ).stdout.decode()
    squashed = "".join(text.split())
    assert "政府绩效管理工作进展情况报告" in squashed
    assert "征地拆迁进度偏慢" in squashed and "成立专班督办" in squashed
    assert "存在问题" in squashed


def test_item_outside_scheme_for_assign_is_404(town, active):
    other = make_scheme(town, year=2027)
    item = Item.objects.filter(scheme=active).first()
    office = client_for(town.office)
    url = reverse("government:item_assign", args=[other.pk, item.pk])
    assert office.get(url).status_code == 404


def test_value_entry_through_htmx_returns_the_values_card(town, active):
    item = item_named(active, "固定资产投资完成额")
    person = client_for(town.economy_person)
    url = reverse("government:value_save", args=[item.pk])
    headers = {"HX-Request": "true"}
    response = person.post(url, {"period": "2026-04", "value": "800"}, headers=headers)
    body = response.content.decode()
    assert response.status_code == 200 and 'id="item-values"' in body
    assert "已保存完成值" in body and "2026-04" in body and "<html" not in body
    response = person.post(url, {"period": "2030-04", "value": "1"}, headers=headers)
    assert "期间应为" in response.content.decode()
    assert item.values.count() == 1


def test_my_items_flag_overdue_items(town, active):
    from datetime import date

    item = item_named(active, "固定资产投资完成额")
    services.item_assign(
        actor=town.office,
        item=item,
        office=town.economy,
        responsible=town.economy_person,
        standard="按月报送",
        deadline=date(2020, 1, 1),
    )
    page = client_for(town.economy_person).get(reverse("government:my_items")).content.decode()
    assert page.count('data-testid="overdue"') == 1
