"""Pages of the interventions and of tracking: each step through HTTP, with the scope (404),
the role (403 / refused), the method (405) and CSRF."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from jixiao.budget.monitoring import interventions
from jixiao.budget.monitoring.models import (
    CorrectionRequest,
    CorrectionState,
    HoldKind,
    MidYearReview,
    Reallocation,
    TrackingRecord,
    TrackingState,
)
from jixiao.budget.monitoring.tests.factories import approved_project, open_round

pytestmark = pytest.mark.django_db
D = Decimal


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def world(personas):  # type: ignore[no-untyped-def]
    a1 = approved_project(personas.unit_a, "A-1", D(1200))
    a2 = approved_project(personas.unit_a, "A-2", D(300))
    b1 = approved_project(personas.unit_b, "B-1", D(600))
    return a1, a2, b1, open_round(personas.bureau)


def deadline() -> str:
    return (timezone.localdate() + timedelta(days=10)).isoformat()


def year_query(round) -> str:  # type: ignore[no-untyped-def]
    return f"?year={round.fiscal_year}"


def test_bureau_requires_unit_answers_bureau_closes(personas, world) -> None:  # type: ignore[no-untyped-def]
    a1, _, _, round = world
    bureau = client_for(personas.finance_reviewer)
    url = reverse("budget:correction_new") + year_query(round)
    page = bureau.get(url + f"&project={a1.pk}")
    assert page.status_code == 200 and "发出整改要求" in page.content.decode()
    response = bureau.post(
        url,
        {
            "project": a1.pk,
            "round": round.pk,
            "requirement": "执行进度滞后，请整改。",
            "deadline": deadline(),
        },
    )
    request = CorrectionRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("budget:correction", args=[request.pk])

    unit_a = client_for(personas.unit_a_operator)
    detail = unit_a.get(reverse("budget:correction", args=[request.pk])).content.decode()
    assert "提交整改答复" in detail and "执行进度滞后" in detail
    answer = unit_a.post(
        reverse("budget:correction_answer", args=[request.pk]), {"measures": "已加快支付。"}
    )
    assert answer.status_code == 302
    request.refresh_from_db()
    assert request.state == CorrectionState.ANSWERED

    page = bureau.get(reverse("budget:correction", args=[request.pk])).content.decode()
    assert "通过，办结" in page and "已加快支付。" in page
    bureau.post(
        reverse("budget:correction_decide", args=[request.pk]),
        {"decision": "accept", "comment": "同意"},
    )
    request.refresh_from_db()
    assert request.state == CorrectionState.CLOSED


def test_another_unit_cannot_see_or_answer(personas, world) -> None:  # type: ignore[no-untyped-def]
    a1, _, _, _ = world
    request = interventions.correction_require(
        actor=None, project=a1, requirement="整改", deadline=timezone.localdate()
    )
    unit_b = client_for(personas.unit_b_operator)
    assert unit_b.get(reverse("budget:correction", args=[request.pk])).status_code == 404
    answer = reverse("budget:correction_answer", args=[request.pk])
    assert unit_b.post(answer, {"measures": "x"}).status_code == 404
    listed = unit_b.get(reverse("budget:corrections") + "?year=2027").content.decode()
    assert reverse("budget:correction", args=[request.pk]) not in listed
    assert (
        reverse("budget:correction", args=[request.pk])
        in client_for(personas.unit_a_operator)
        .get(reverse("budget:corrections") + "?year=2027")
        .content.decode()
    )
    # The unit itself cannot decide, nor require corrections.
    unit_a = client_for(personas.unit_a_operator)
    decide = reverse("budget:correction_decide", args=[request.pk])
    assert unit_a.post(decide, {"decision": "accept"}).status_code == 403
    assert unit_a.get(reverse("budget:correction_new")).status_code == 404
    assert unit_a.get(answer).status_code == 405


def test_a_refused_answer_shows_its_message(personas, world) -> None:  # type: ignore[no-untyped-def]
    a1, _, _, _ = world
    request = interventions.correction_require(
        actor=None, project=a1, requirement="整改", deadline=timezone.localdate()
    )
    unit_a = client_for(personas.unit_a_operator)
    url = reverse("budget:correction_answer", args=[request.pk])
    unit_a.post(url, {"measures": "第一次"})
    again = unit_a.post(url, {"measures": "第二次"})
    assert again.status_code == 400
    assert "不能答复" in again.content.decode()


def test_unit_cannot_suspend_bureau_suspends_and_moves_money(personas, world) -> None:  # type: ignore[no-untyped-def]
    a1, a2, b1, round = world
    unit_a = client_for(personas.unit_a_operator)
    suspend = reverse("budget:project_hold", args=[a1.pk, "suspend"])
    assert unit_a.post(suspend, {"reason": "x"}).status_code == 403
    page = unit_a.get(reverse("budget:project_interventions", args=[a1.pk])).content.decode()
    assert "暂缓执行</button>" not in page
    unit_b = client_for(personas.unit_b_operator)
    assert unit_b.get(reverse("budget:project_interventions", args=[a1.pk])).status_code == 404
    assert unit_b.post(suspend, {"reason": "x"}).status_code == 404

    bureau = client_for(personas.finance_reviewer)
    page = bureau.get(reverse("budget:project_interventions", args=[a1.pk])).content.decode()
    assert "暂缓执行" in page and "调剂资金" in page
    assert bureau.post(suspend, {"reason": "进度严重滞后"}).status_code == 302
    assert interventions.active_hold(a1).kind == HoldKind.SUSPENDED

    new = reverse("budget:reallocation_new") + year_query(round)
    assert bureau.get(new + f"&source={a1.pk}").status_code == 200
    response = bureau.post(
        new,
        {
            "source": a1.pk,
            "reason": "暂缓项目资金调剂",
            "target_1": a2.pk,
            "amount_1": "100.50",
            "target_2": b1.pk,
            "amount_2": "99.50",
        },
    )
    assert response.status_code == 302
    move = Reallocation.objects.get()
    assert move.amount == D(200) and move.lines.count() == 2
    recon = bureau.get(reverse("budget:reallocations") + year_query(round)).content.decode()
    assert "调剂前后总额一致" in recon
    assert "2,100.00" in recon and "1,000.00" in recon


def test_reallocation_page_refusals(personas, world) -> None:  # type: ignore[no-untyped-def]
    a1, a2, _, round = world
    bureau = client_for(personas.finance_reviewer)
    new = reverse("budget:reallocation_new") + year_query(round)
    too_much = bureau.post(
        new, {"source": a2.pk, "reason": "x", "target_1": a1.pk, "amount_1": "99999"}
    )
    assert too_much.status_code == 200
    assert "将低于已支出" in too_much.content.decode()
    half = bureau.post(new, {"source": a2.pk, "reason": "x", "target_1": a1.pk})
    assert "调入项目和金额须同时填写" in half.content.decode()
    assert not Reallocation.objects.exists()
    unit_a = client_for(personas.unit_a_operator)
    assert unit_a.get(reverse("budget:reallocations")).status_code == 404
    assert unit_a.post(new, {"source": a2.pk}).status_code == 404


def test_the_stop_and_resume_buttons(personas, world) -> None:  # type: ignore[no-untyped-def]
    a1, _, _, _ = world
    bureau = client_for(personas.finance_reviewer)
    bureau.post(reverse("budget:project_hold", args=[a1.pk, "suspend"]), {"reason": "暂缓"})
    page = bureau.get(reverse("budget:project_interventions", args=[a1.pk])).content.decode()
    assert "恢复执行" in page and "停止执行" in page
    bureau.post(reverse("budget:project_hold", args=[a1.pk, "resume"]), {"reason": "已整改"})
    assert interventions.active_hold(a1) is None
    bureau.post(reverse("budget:project_hold", args=[a1.pk, "stop"]), {"reason": "停止"})
    assert interventions.active_hold(a1).kind == HoldKind.STOPPED
    refused = bureau.post(
        reverse("budget:project_hold", args=[a1.pk, "resume"]), {"reason": "x"}, follow=True
    )
    assert interventions.STOPPED_FINAL in refused.content.decode()
    assert bureau.post(reverse("budget:project_hold", args=[a1.pk, "other"])).status_code == 404


def test_tracking_through_the_pages_to_pdf(personas, world) -> None:  # type: ignore[no-untyped-def]
    a1, _, _, round = world
    unit_a = client_for(personas.unit_a_operator)
    new = reverse("budget:tracking_new", args=[a1.pk])
    page = unit_a.get(new).content.decode()
    assert "新建改造供水工程" in page and "开始跟踪" in page
    chosen = a1.annual_tree.indicators.filter(level=3, name="新建改造供水工程").values_list(
        "pk", flat=True
    )
    response = unit_a.post(new, {"round": round.pk, "indicators": list(chosen)})
    record = TrackingRecord.objects.get()
    assert response.status_code == 302
    url = reverse("budget:tracking", args=[record.pk])
    assert "绩效跟踪表（项目分阶段完成情况表）" in unit_a.get(url).content.decode()

    def step(name: str, data: dict) -> None:  # type: ignore[type-arg]
        assert (
            unit_a.post(reverse("budget:tracking_action", args=[record.pk, name]), data).status_code
            == 302
        )

    step(
        "stages",
        {"rows": "3", "stage_1": "前期准备", "planned_content_1": "招标", "completion_1": "完成"},
    )
    target = record.targets.get()
    step(
        "targets",
        {
            f"actual_{target.pk}": "18处",
            f"deviation_{target.pk}": "滞后",
            f"reason_analysis_{target.pk}": "雨季",
            f"correction_path_{target.pk}": "加派班组",
        },
    )
    step("generate", {})
    record.refresh_from_db()
    assert "前期准备" in record.report_implementation
    sections = {
        f: getattr(record, f)
        for f in (
            "report_basic",
            "report_targets",
            "report_implementation",
            "report_completion",
            "report_problems",
        )
    }
    step("report", {**sections, "report_conclusion": "单位修改后的跟踪结论。"})
    record.refresh_from_db()
    assert record.report_conclusion == "单位修改后的跟踪结论。"

    pdf = unit_a.get(reverse("budget:tracking_download", args=[record.pk, "pdf"]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    assert "attachment" in pdf["Content-Disposition"]
    docx = unit_a.get(reverse("budget:tracking_download", args=[record.pk, "docx"]))
    assert docx.status_code == 200 and docx.content.startswith(b"PK")

    step("submit", {})
    record.refresh_from_db()
    assert record.state == TrackingState.SUBMITTED
    bureau = client_for(personas.finance_reviewer)
    assert "退回原因" in bureau.get(url).content.decode()
    unit_b = client_for(personas.unit_b_operator)
    assert unit_b.get(url).status_code == 404
    assert (
        unit_b.get(reverse("budget:tracking_download", args=[record.pk, "pdf"])).status_code == 404
    )
    assert unit_b.get(new).status_code == 404
    assert bureau.get(new).status_code == 404  # the bureau does not fill tracking


def test_tracking_settings_and_overdue_list(personas, world) -> None:  # type: ignore[no-untyped-def]
    _, _, _, round = world
    bureau = client_for(personas.finance_reviewer)
    url = reverse("budget:tracking_settings") + year_query(round)
    assert bureau.post(url, {"days": "20"}).status_code == 302
    from jixiao.budget.monitoring import tracking

    assert tracking.due_days(personas.bureau.pk, round.fiscal_year) == 20
    unit_a = client_for(personas.unit_a_operator)
    assert unit_a.post(url, {"days": "5"}).status_code == 404
    page = bureau.get(reverse("budget:tracking_list") + year_query(round)).content.decode()
    assert "逾期未报送" in page


def test_midyear_review_pages(personas, world) -> None:  # type: ignore[no-untyped-def]
    a1, a2, _, round = world
    bureau = client_for(personas.finance_reviewer)
    url = reverse("budget:midyear_reviews") + year_query(round)
    assert "发起中期评估" in bureau.get(url).content.decode()
    response = bureau.post(url, {"title": "", "due_date": deadline(), "projects": [a1.pk, a2.pk]})
    review = MidYearReview.objects.get()
    assert response.status_code == 302
    item = review.items.get(project=a1)
    conclude = reverse("budget:midyear_conclude", args=[item.pk])
    unit_a = client_for(personas.unit_a_operator)
    unit_a.post(conclude, {f"i{item.pk}-findings": "x", f"i{item.pk}-conclusion": "stop"})
    item.refresh_from_db()
    assert item.conclusion == ""
    bureau.post(
        conclude,
        {
            f"i{item.pk}-findings": "进度滞后",
            f"i{item.pk}-conclusion": "suspend",
            f"i{item.pk}-act": "on",
        },
    )
    item.refresh_from_db()
    assert item.conclusion == "suspend" and item.action == "已暂缓执行"
    page = bureau.get(reverse("budget:midyear_review", args=[review.pk])).content.decode()
    assert "已暂缓执行" in page
    assert unit_a.post(url, {"due_date": deadline(), "projects": [a1.pk]}).status_code == 404
    # The review is the bureau's: units do not see it (they see its effects on their projects).
    unit_b = client_for(personas.unit_b_operator)
    assert unit_b.get(reverse("budget:midyear_review", args=[review.pk])).status_code == 404


@pytest.mark.parametrize(
    "name",
    [
        "budget:interventions",
        "budget:corrections",
        "budget:midyear_reviews",
        "budget:tracking_list",
    ],
)
def test_pages_open_for_those_who_may_see_them(personas, world, name) -> None:  # type: ignore[no-untyped-def]
    for user in (personas.finance_reviewer, personas.unit_a_operator, personas.leader):
        assert client_for(user).get(reverse(name)).status_code == 200
    assert client_for(personas.employee).get(reverse(name)).status_code == 404
    assert Client().get(reverse(name)).status_code == 302  # to the login page


def test_overview_lists_overdue_corrections(personas, world) -> None:  # type: ignore[no-untyped-def]
    a1, _, _, _ = world
    request = interventions.correction_require(
        actor=None, project=a1, requirement="整改", deadline=timezone.localdate()
    )
    CorrectionRequest.objects.filter(pk=request.pk).update(
        deadline=timezone.localdate() - timedelta(days=1)
    )
    page = client_for(personas.finance_reviewer).get(reverse("budget:interventions"))
    body = page.content.decode()
    assert reverse("budget:correction", args=[request.pk]) in body.split("overdue-corrections")[1]


def test_csrf_is_enforced(personas, world) -> None:  # type: ignore[no-untyped-def]
    a1, _, _, _ = world
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.finance_reviewer)
    url = reverse("budget:project_hold", args=[a1.pk, "suspend"])
    assert client.post(url, {"reason": "x"}).status_code == 403
    assert interventions.active_hold(a1) is None


def test_the_correction_list_filters_the_overdue(personas, world) -> None:  # type: ignore[no-untyped-def]
    a1, a2, _, round = world
    late = interventions.correction_require(
        actor=None, project=a1, requirement="整改", deadline=timezone.localdate()
    )
    on_time = interventions.correction_require(
        actor=None, project=a2, requirement="整改", deadline=timezone.localdate()
    )
    CorrectionRequest.objects.filter(pk=late.pk).update(
        deadline=timezone.localdate() - timedelta(days=1)
    )
    bureau = client_for(personas.finance_reviewer)
    page = bureau.get(reverse("budget:corrections") + year_query(round) + "&overdue=1")
    body = page.content.decode()
    assert reverse("budget:correction", args=[late.pk]) in body
    assert reverse("budget:correction", args=[on_time.pk]) not in body
