"""The monitoring pages: who may open which, what they show, and what they write."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from jixiao.budget.monitoring import compute
from jixiao.budget.monitoring import services as monitoring
from jixiao.budget.monitoring.models import (
    FormState,
    MonitoringForm,
    MonitoringRound,
    RoundState,
    WarningThresholds,
)
from jixiao.budget.monitoring.tests.factories import (
    YEAR,
    approved_project,
    form_of,
    indicator_ids,
    open_round,
)

pytestmark = pytest.mark.django_db
D = Decimal


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def world(personas):  # type: ignore[no-untyped-def]
    """A-1 (unit A, education) far behind, A-2 on schedule, B-1 (unit B, health) nothing
    spent; a round of 1-7月, computed."""
    a1 = approved_project(personas.unit_a, "A-1", D(1200))
    a2 = approved_project(personas.unit_a, "A-2", D(300), qualitative=True)
    b1 = approved_project(personas.unit_b, "B-1", D(600))
    monitoring.spending_record(
        actor=None,
        fiscal_year=YEAR,
        items=[("A-1", date(YEAR, 5, 1), D(320)), ("A-2", date(YEAR, 6, 1), D(200))],
    )
    round = open_round(personas.bureau)
    form = form_of(round, a1)
    ids = indicator_ids(form)
    monitoring.form_save(
        actor=None,
        form=form,
        progress={
            ids["新建改造供水工程"]: {"actual": D(0), "reasons": ["funding"], "measures": "加快"},
        },
    )
    compute.round_compute_warnings(actor=None, round=round)
    return round, a1, a2, b1


# --- Permissions -----------------------------------------------------------------------------


BUREAU_PAGES = [
    ("get", "budget:monitoring_round_open", False),
    ("get", "budget:monitoring_thresholds", False),
]


@pytest.mark.parametrize(("method", "name", "_"), BUREAU_PAGES)
def test_bureau_pages_are_not_for_units(personas, method, name, _):  # type: ignore[no-untyped-def]
    assert client_for(personas.finance_reviewer).get(reverse(name)).status_code == 200
    assert client_for(personas.unit_a_operator).get(reverse(name)).status_code == 404
    assert client_for(personas.department_reviewer).get(reverse(name)).status_code == 404


def test_anonymous_is_sent_to_login(world):  # type: ignore[no-untyped-def]
    round, *_ = world
    response = Client().get(reverse("budget:monitoring_round", args=[round.pk]))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_unit_cannot_open_compute_or_close(personas, world):  # type: ignore[no-untyped-def]
    round, *_ = world
    unit = client_for(personas.unit_a_operator)
    assert unit.post(reverse("budget:monitoring_compute", args=[round.pk])).status_code == 403
    assert unit.post(reverse("budget:monitoring_close", args=[round.pk])).status_code == 403
    response = unit.post(
        reverse("budget:monitoring_round_open"),
        {"fiscal_year": YEAR, "months_elapsed": 10, "due_on": "2027-11-10"},
    )
    assert response.status_code == 404
    assert MonitoringRound.objects.count() == 1
    round.refresh_from_db()
    assert round.state == RoundState.OPEN


def test_another_units_form_is_404(personas, world):  # type: ignore[no-untyped-def]
    round, a1, _a2, b1 = world
    unit_b = client_for(personas.unit_b_operator)
    form_a = form_of(round, a1)
    for name in ("budget:monitoring_form", "budget:monitoring_form_export"):
        assert unit_b.get(reverse(name, args=[form_a.pk])).status_code == 404
    assert unit_b.post(reverse("budget:monitoring_form", args=[form_a.pk]), {}).status_code == 404
    assert (
        unit_b.get(reverse("budget:monitoring_form", args=[form_of(round, b1).pk])).status_code
        == 200
    )
    # The education reviewer sees unit A's form but cannot fill it.
    reviewer = client_for(personas.department_reviewer)
    assert reviewer.get(reverse("budget:monitoring_form", args=[form_a.pk])).status_code == 200
    assert (
        reviewer.get(reverse("budget:monitoring_form", args=[form_of(round, b1).pk])).status_code
        == 404
    )
    assert reviewer.post(reverse("budget:monitoring_form", args=[form_a.pk]), {}).status_code == 404


def test_round_list_and_detail_follow_the_scope(personas, world):  # type: ignore[no-untyped-def]
    round, *_ = world
    page = client_for(personas.unit_b_operator).get(
        reverse("budget:monitoring_round", args=[round.pk])
    )
    assert page.status_code == 200
    text = page.content.decode()
    assert 'data-project="B-1"' in text and 'data-project="A-1"' not in text
    assert 'data-testid="compute"' not in text
    bureau = client_for(personas.finance_reviewer).get(
        reverse("budget:monitoring_round", args=[round.pk])
    )
    assert all(f'data-project="{c}"' in bureau.content.decode() for c in ("A-1", "A-2", "B-1"))
    assert 'data-testid="compute"' in bureau.content.decode()
    listing = client_for(personas.unit_a_operator).get(reverse("budget:monitoring_rounds"))
    assert round.name in listing.content.decode()
    assert client_for(personas.employee).get(reverse("budget:monitoring_rounds")).status_code == 404


def test_wrong_method_is_405(personas, world):  # type: ignore[no-untyped-def]
    round, *_ = world
    bureau = client_for(personas.finance_reviewer)
    assert bureau.get(reverse("budget:monitoring_compute", args=[round.pk])).status_code == 405
    assert bureau.post(reverse("budget:monitoring_dashboard", args=[round.pk])).status_code == 405


def test_csrf_is_enforced(personas, world):  # type: ignore[no-untyped-def]
    round, *_ = world
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.finance_reviewer)
    assert client.post(reverse("budget:monitoring_compute", args=[round.pk])).status_code == 403


# --- The bureau's pages ----------------------------------------------------------------------


def test_bureau_opens_a_round_on_the_page(personas, world):  # type: ignore[no-untyped-def]
    bureau = client_for(personas.finance_reviewer)
    due = (timezone.localdate() + timedelta(days=20)).isoformat()
    response = bureau.post(
        reverse("budget:monitoring_round_open"),
        {"fiscal_year": YEAR, "months_elapsed": 10, "due_on": due, "name": ""},
    )
    second = MonitoringRound.objects.get(months_elapsed=10)
    assert response.status_code == 302
    assert response["Location"] == reverse("budget:monitoring_round", args=[second.pk])
    assert second.name == f"{YEAR}年1-10月" and second.forms.count() == 3
    assert timezone.localtime(second.deadline.due_at).date().isoformat() == due
    again = bureau.post(
        reverse("budget:monitoring_round_open"),
        {"fiscal_year": YEAR, "months_elapsed": 10, "due_on": due},
    )
    assert again.status_code == 200 and "已有" in again.content.decode()


def test_thresholds_are_set_as_percentages(personas):  # type: ignore[no-untyped-def]
    bureau = client_for(personas.finance_reviewer)
    url = f"{reverse('budget:monitoring_thresholds')}?year={YEAR}"
    bad = bureau.post(url, {"red_below": "90", "yellow_below": "80", "blue_at": "120"})
    assert "预警阈值应满足" in bad.content.decode()
    assert not WarningThresholds.objects.exists()
    assert (
        bureau.post(url, {"red_below": "50", "yellow_below": "75", "blue_at": "130"}).status_code
        == 302
    )
    row = WarningThresholds.objects.get(fiscal_year=YEAR)
    assert (row.red_below, row.yellow_below, row.blue_at) == (D("0.5"), D("0.75"), D("1.3"))


def test_compute_and_close_buttons(personas, world):  # type: ignore[no-untyped-def]
    round, *_ = world
    bureau = client_for(personas.finance_reviewer)
    response = bureau.post(reverse("budget:monitoring_compute", args=[round.pk]), follow=True)
    assert "已计算预警" in response.content.decode()
    assert "项目综合预警：红色1个、黄色1个、绿色1个（共3个项目）" in response.content.decode()
    round.refresh_from_db()
    assert round.computed_at is not None
    assert round.computed_at.strftime("%Y-%m-%d") in response.content.decode()
    bureau.post(reverse("budget:monitoring_close", args=[round.pk]))
    round.refresh_from_db()
    assert round.state == RoundState.CLOSED


def test_form_list_filters(personas, world):  # type: ignore[no-untyped-def]
    round, *_ = world
    bureau = client_for(personas.finance_reviewer)
    url = reverse("budget:monitoring_round", args=[round.pk])

    def codes(**params: str) -> set[str]:
        text = bureau.get(url, params).content.decode()
        return {c for c in ("A-1", "A-2", "B-1") if f'data-project="{c}"' in text}

    assert codes(department=str(personas.education.pk)) == {"A-1", "A-2"}
    assert codes(department=str(personas.health.pk)) == {"B-1"}
    assert codes(colour="red") == {"A-1"}
    assert codes(execution="red") == {"A-1", "B-1"}
    assert codes(state="submitted") == set()
    assert codes(q="B-1") == {"B-1"}
    assert codes(unit=str(personas.unit_a.pk), state="draft") == {"A-1", "A-2"}


def test_pending_units_and_overdue(personas, world):  # type: ignore[no-untyped-def]
    round, *_ = world
    bureau = client_for(personas.finance_reviewer)
    url = reverse("budget:monitoring_round", args=[round.pk])
    text = bureau.get(url).content.decode()
    assert "尚未报送" in text and personas.unit_a.name in text and personas.unit_b.name in text
    round.deadline.due_at = timezone.now() - timedelta(days=1)
    round.deadline.save(update_fields=["due_at"])
    assert "逾期未报送" in bureau.get(url).content.decode()


# --- The unit's form -------------------------------------------------------------------------


def _post_data(form: MonitoringForm, **overrides: str) -> dict[str, object]:
    data: dict[str, object] = {"executed": "", "expected_execution": "", "goal_progress": ""}
    for row in form.progress.all():
        key = row.indicator_id
        if row.is_qualitative:
            data[f"level_{key}"] = row.level
        else:
            data[f"actual_{key}"] = "" if row.actual is None else str(row.actual)
            data[f"expected_{key}"] = "" if row.expected is None else str(row.expected)
        data[f"likelihood_{key}"] = row.likelihood
        data[f"reasons_{key}"] = list(row.reasons)
        data[f"measures_{key}"] = row.measures
    data.update(overrides)
    return data


def test_unit_saves_a_draft_and_sees_problems_next_to_the_indicator(personas, world):  # type: ignore[no-untyped-def]
    round, _a1, a2, _b1 = world
    form = form_of(round, a2)
    ids = indicator_ids(form)
    unit = client_for(personas.unit_a_operator)
    url = reverse("budget:monitoring_form", args=[form.pk])
    water = ids["新建改造供水工程"]
    bad = unit.post(
        url,
        _post_data(form, **{f"actual_{water}": "十二", f"likelihood_{water}": "possible"}),
    )
    assert bad.status_code == 400
    text = bad.content.decode()
    assert "1-N月实际完成值应为数字，实际为“十二”" in text
    assert 'data-testid="row-problem"' in text
    assert form_of(round, a2).progress.get(indicator_id=water).actual is None
    good = unit.post(
        url,
        _post_data(
            form,
            executed="150",
            **{
                f"actual_{water}": "3",
                f"expected_{water}": "8",
                f"likelihood_{water}": "possible",
                f"reasons_{water}": ["funding", "staffing"],
                f"measures_{water}": "调度资金",
            },
        ),
    )
    assert good.status_code == 302
    saved = form_of(round, a2)
    row = saved.progress.get(indicator_id=water)
    assert (row.actual, row.expected, row.reasons) == (D(3), D(8), ["funding", "staffing"])
    assert saved.executed == D(150) and saved.state == FormState.DRAFT


def test_unit_submits_on_the_page(personas, world):  # type: ignore[no-untyped-def]
    round, _a1, _a2, b1 = world
    form = form_of(round, b1)
    unit = client_for(personas.unit_b_operator)
    url = reverse("budget:monitoring_form", args=[form.pk])
    incomplete = unit.post(url, {**_post_data(form), "submit": "1"})
    assert incomplete.status_code == 400 and "须填写1-N月实际完成值" in incomplete.content.decode()
    values = {}
    for row in form.progress.all():
        values[f"actual_{row.indicator_id}"] = str(row.target_value or 0)
        values[f"likelihood_{row.indicator_id}"] = "certain"
    response = unit.post(url, {**_post_data(form, **values), "submit": "1"})
    assert response.status_code == 302
    assert form_of(round, b1).state == FormState.SUBMITTED
    page = unit.get(url).content.decode()
    assert "已报送" in page and 'data-testid="submit-form"' not in page


def test_form_shows_each_warning_with_its_explanation(personas, world):  # type: ignore[no-untyped-def]
    round, a1, *_ = world
    text = (
        client_for(personas.finance_reviewer)
        .get(reverse("budget:monitoring_form", args=[form_of(round, a1).pk]))
        .content.decode()
    )
    assert 'data-testid="project-warnings"' in text
    for warning in round.warnings.filter(project=a1):
        assert warning.explain in text


def test_bureau_reopens_a_submitted_form(personas, world):  # type: ignore[no-untyped-def]
    round, _a1, _a2, b1 = world
    form = form_of(round, b1)
    rows = form.progress.all()
    monitoring.form_save(
        actor=None,
        form=form,
        progress={
            r.indicator_id: {"actual": r.target_value or 0, "likelihood": "certain"} for r in rows
        },
    )
    monitoring.form_submit(actor=None, form=form)
    url = reverse("budget:monitoring_form_reopen", args=[form.pk])
    assert client_for(personas.unit_b_operator).post(url, {"reason": "x"}).status_code == 403
    client_for(personas.finance_reviewer).post(url, {"reason": "请补充说明"})
    assert form_of(round, b1).state == FormState.DRAFT


# --- Warnings, dashboards, spending ----------------------------------------------------------


def test_warning_list_filters_and_explains(personas, world):  # type: ignore[no-untyped-def]
    round, *_ = world
    bureau = client_for(personas.finance_reviewer)
    url = reverse("budget:monitoring_warnings", args=[round.pk])
    text = bureau.get(url, {"colour": "red", "kind": "indicator"}).content.decode()
    assert 'data-project="A-1"' in text and 'data-project="B-1"' not in text
    assert "新建改造供水工程" in text
    warning = round.warnings.get(project__code="A-1", kind="indicator", colour="red")
    assert warning.explain in text
    health = bureau.get(url, {"department": str(personas.health.pk)}).content.decode()
    assert 'data-project="B-1"' in health and 'data-project="A-1"' not in health


def test_dashboard_numbers_and_click_through(personas, world):  # type: ignore[no-untyped-def]
    round, *_ = world
    response = client_for(personas.finance_reviewer).get(
        reverse("budget:monitoring_dashboard", args=[round.pk])
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert 'id="monitoring-data"' in text and "monitoring-charts.js" in text
    assert "echarts.min.js" in text and "<script>" not in text  # no inline script (CSP)
    # executed 320 + 200 + 0 of 1200 + 300 + 600; time progress 7/12
    assert "520.00 / 2,100.00" in text
    assert '<span class="fw-semibold" data-testid="execution-rate">24.76%</span>' in text
    assert "58.33%" in text
    chart = response.context["chart"]
    departments = {d["name"]: d for d in chart["departments"]}
    assert departments["测试县教育局"]["counts"]["red"] == 1
    assert departments["测试县卫生健康局"]["counts"]["yellow"] == 1
    red_url = departments["测试县教育局"]["urls"]["red"]
    assert f"department={personas.education.pk}" in red_url and "colour=red" in red_url
    # The red list, with the explanation; the click-through lists the project behind it.
    assert 'data-project="A-1"' in text.split('data-testid="red-list"')[1]
    listed = client_for(personas.finance_reviewer).get(red_url).content.decode()
    assert 'data-project="A-1"' in listed and 'data-project="A-2"' not in listed


def test_department_dashboard_keeps_to_its_scope(personas, world):  # type: ignore[no-untyped-def]
    round, *_ = world
    response = client_for(personas.department_reviewer).get(
        reverse("budget:monitoring_dashboard", args=[round.pk])
    )
    names = [d["name"] for d in response.context["chart"]["departments"]]
    assert names == ["测试县教育局"]
    assert "B-1" not in response.content.decode()


def test_dashboard_latest_redirects_to_the_newest_round(personas, world):  # type: ignore[no-untyped-def]
    round, *_ = world
    response = client_for(personas.finance_reviewer).get(
        reverse("budget:monitoring_dashboard_latest")
    )
    assert response["Location"] == reverse("budget:monitoring_dashboard", args=[round.pk])


def test_trend_and_movement_across_rounds(personas, world):  # type: ignore[no-untyped-def]
    round, *_ = world
    monitoring.round_close(actor=None, round=round)
    second = open_round(personas.bureau, months=10)
    compute.round_compute_warnings(actor=None, round=second)
    response = client_for(personas.finance_reviewer).get(
        reverse("budget:monitoring_dashboard", args=[second.pk])
    )
    trend = response.context["chart"]["trend"]
    assert [t["name"] for t in trend] == [round.name, second.name]
    assert sum(trend[0]["counts"].values()) == 3
    assert response.context["movement"]
    assert 'data-testid="movement-table"' in response.content.decode()


def test_spending_list_and_entry(personas, world):  # type: ignore[no-untyped-def]
    url = f"{reverse('budget:monitoring_spending')}?year={YEAR}"
    unit_b = client_for(personas.unit_b_operator).get(url)
    assert unit_b.status_code == 200 and "A-1" not in unit_b.content.decode()
    assert unit_b.context["form"] is None
    assert client_for(personas.unit_b_operator).post(url, {}).status_code == 404
    bureau = client_for(personas.finance_reviewer)
    bad = bureau.post(url, {"code": "NOPE", "date": f"{YEAR}-03-01", "amount": "5"})
    assert bad.status_code == 400 and "不存在或不在您的管辖范围内" in bad.content.decode()
    ok = bureau.post(
        url, {"code": "B-1", "date": f"{YEAR}-03-01", "amount": "12.5", "reference": "V-1"}
    )
    assert ok.status_code == 302
    assert "V-1" in client_for(personas.unit_b_operator).get(url).content.decode()


def test_menu_shows_monitoring(personas):  # type: ignore[no-untyped-def]
    text = client_for(personas.unit_a_operator).get("/").content.decode()
    assert reverse("budget:monitoring_rounds") in text


def test_compute_does_not_redirect_off_site(personas, world):  # type: ignore[no-untyped-def]
    round, *_ = world
    response = client_for(personas.finance_reviewer).post(
        reverse("budget:monitoring_compute", args=[round.pk]), {"next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("budget:monitoring_round", args=[round.pk])


@pytest.mark.parametrize("name", ["budget:monitoring_round", "budget:monitoring_dashboard"])
def test_page_queries_do_not_grow_with_the_forms(personas, world, name):  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    round, *_ = world
    bureau = client_for(personas.finance_reviewer)
    bureau.get(reverse(name, args=[round.pk]))  # warm the session
    with CaptureQueriesContext(connection) as three:
        assert bureau.get(reverse(name, args=[round.pk])).status_code == 200
    approved_project(personas.unit_a, "A-3", D(100))
    approved_project(personas.unit_b, "B-2", D(100))
    second = open_round(personas.bureau, months=10)
    compute.round_compute_warnings(actor=None, round=second)
    bureau.get(reverse(name, args=[second.pk]))
    with CaptureQueriesContext(connection) as five:
        assert bureau.get(reverse(name, args=[second.pk])).status_code == 200
    assert second.forms.count() == 5
    assert len(five) <= len(three) + 1  # the second round also has a previous one to compare


def test_form_page_reads_spending_with_the_form(personas, world):  # type: ignore[no-untyped-def]
    """The executed amount to date comes with the form (queries.with_executed), not from a
    query of its own: 12 queries before, 11 since."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    round, a1, *_ = world
    url = reverse("budget:monitoring_form", args=[form_of(round, a1).pk])
    for persona, shown in ((personas.finance_reviewer, "320.00"), (personas.unit_a_operator, "")):
        client = client_for(persona)
        client.get(url)  # warm the session
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert shown in response.content.decode()
        spending = [q["sql"] for q in queries if "budget_spendingrecord" in q["sql"]]
        assert len(spending) == 1 and "budget_monitoringform" in spending[0]


def test_home_shows_the_open_round_to_fill(personas, world):  # type: ignore[no-untyped-def]
    round, *_ = world
    text = client_for(personas.unit_b_operator).get("/").content.decode()
    block = text.split('data-testid="home-monitoring"')[1]
    assert round.name in block and "待报送 1 张 · 已报送 0 张" in block
    monitoring.round_close(actor=None, round=round)
    assert (
        'data-testid="home-monitoring"'
        not in client_for(personas.unit_b_operator).get("/").content.decode()
    )
    assert (
        'data-testid="home-monitoring"'
        not in client_for(personas.employee).get("/").content.decode()
    )


def test_a_tampered_choice_is_named(personas, world):  # type: ignore[no-untyped-def]
    round, _a1, a2, _b1 = world
    form = form_of(round, a2)
    water = indicator_ids(form)["新建改造供水工程"]
    response = client_for(personas.unit_a_operator).post(
        reverse("budget:monitoring_form", args=[form.pk]),
        _post_data(form, **{f"likelihood_{water}": "maybe"}),
    )
    assert response.status_code == 400
    assert "maybe" in response.content.decode() and 'data-testid="form-problems"' in (
        response.content.decode()
    )
