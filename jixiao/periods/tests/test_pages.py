"""The deadline pages: who may open and change what, methods, CSRF, and what they show."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from jixiao.audit.models import AuditEvent
from jixiao.orgs.models import OrgKind, Role
from jixiao.periods import services
from jixiao.periods.models import Deadline, DeadlineCompletion, Period, PeriodKind

LIST = "/periods/"
NEW = "/periods/deadlines/new/"
NEW_PERIOD = "/periods/periods/new/"


def detail(deadline) -> str:
    return f"/periods/deadlines/{deadline.pk}/"


@pytest.fixture
def health_deadline(personas):
    """A deadline of the health bureau's own subtree (unit B's), out of unit A's scope."""
    period = services.period_ensure(actor=None, kind=PeriodKind.MONTH, fiscal_year=2026, number=11)
    return services.deadline_create(
        actor=None,
        period=period,
        organization=personas.health,
        title="卫健系统自评",
        due_at=timezone.now() - timedelta(days=1),
        role=Role.UNIT_OPERATOR,
        target_kinds=[OrgKind.BUDGET_UNIT],
    )


def _table(html: str) -> str:
    """The deadline table of a list page, without the menu and the page around it."""
    start = html.index('data-testid="deadline-table"')
    return html[start : html.index("</table>", start)]


def _form(personas, period, **values):
    data = {
        "period": period.pk,
        "title": "2026年部门整体支出自评",
        "organization": personas.bureau.pk,
        "target_kinds": [OrgKind.BUDGET_UNIT],
        "role": Role.UNIT_OPERATOR,
        "opens_on": "2026-12-01",
        "due_at": "2026-12-20T18:00",
        "topic": "budget.self_evaluation",
        "link": "",
        "description": "",
    }
    data.update(values)
    return data


# --- List ---------------------------------------------------------------------------------


def test_list_shows_visible_deadlines_with_status_and_counts(
    client, personas, monitoring, health_deadline
):
    client.force_login(personas.finance_reviewer)
    body = client.get(LIST).content.decode()
    assert "2026年1-10月绩效运行监控" in body
    assert "卫健系统自评" in body
    assert 'data-count="overdue">1<' in body
    assert 'data-count="open">' in body
    assert 'class="badge jx-status-overdue" data-status="overdue"' in body


def test_list_filters_by_status_and_year(client, personas, monitoring, health_deadline):
    client.force_login(personas.finance_reviewer)
    body = _table(client.get(LIST, {"status": "overdue"}).content.decode())
    assert "卫健系统自评" in body
    assert "绩效运行监控" not in body  # the deadline; the menu has an entry of that name
    assert "卫健系统自评" not in client.get(LIST, {"year": "2025"}).content.decode()
    assert client.get(LIST, {"year": "x", "status": "?"}).status_code == 200


def test_unit_a_sees_its_deadlines_only(client, personas, monitoring, health_deadline):
    client.force_login(personas.unit_a_operator)
    body = client.get(LIST).content.decode()
    assert "绩效运行监控" in body
    assert "卫健系统自评" not in body
    assert "新增截止事项" not in body


def test_list_needs_deadline_view(client, personas):
    client.force_login(personas.employee)
    assert client.get(LIST).status_code == 404


def test_list_needs_login(client, personas):
    response = client.get(LIST)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


# --- Detail -------------------------------------------------------------------------------


def test_detail_lists_pending_and_completed_targets(client, personas, monitoring):
    services.deadline_complete(
        actor=personas.unit_b_operator, deadline=monitoring, organization=personas.unit_b
    )
    client.force_login(personas.finance_reviewer)
    body = client.get(detail(monitoring)).content.decode()
    assert "测试县第一中学" in body and "测试县人民医院" in body
    assert "2 个单位中 1 个未完成" in body.replace("</span>", "")
    assert "unit_b" in body  # completed by
    pending = client.get(detail(monitoring), {"show": "pending"}).content.decode()
    assert "测试县第一中学" in pending and "测试县人民医院" not in pending


def test_detail_of_a_deadline_out_of_scope_is_404(client, personas, health_deadline):
    client.force_login(personas.unit_a_operator)
    assert client.get(detail(health_deadline)).status_code == 404
    assert client.get("/periods/deadlines/999999/").status_code == 404


def test_unit_operator_sees_only_own_unit_in_the_detail(client, personas, monitoring):
    client.force_login(personas.unit_a_operator)
    body = client.get(detail(monitoring)).content.decode()
    assert "测试县第一中学" in body
    assert "测试县人民医院" not in body


def test_detail_wrong_method_is_405(client, personas, monitoring):
    client.force_login(personas.finance_reviewer)
    assert client.post(detail(monitoring)).status_code == 405
    assert (
        client.get(f"{detail(monitoring)}targets/{personas.unit_a.pk}/complete/").status_code == 405
    )


# --- Create -------------------------------------------------------------------------------


def test_manager_creates_a_deadline(client, personas, monitoring):
    client.force_login(personas.finance_reviewer)
    assert client.get(NEW).status_code == 200
    response = client.post(NEW, _form(personas, monitoring.period))
    deadline = Deadline.objects.get(title="2026年部门整体支出自评")
    assert response.status_code == 302
    assert response["Location"] == detail(deadline)
    assert deadline.created_by == personas.finance_reviewer
    assert timezone.localtime(deadline.due_at).strftime("%Y-%m-%d %H:%M") == "2026-12-20 18:00"
    assert set(deadline.targets.all()) == {personas.unit_a, personas.unit_b}
    assert (
        AuditEvent.objects.filter(action="deadline.create", object_id=str(deadline.pk)).count() == 1
    )


def test_validation_messages_next_to_the_fields(client, personas, monitoring):
    client.force_login(personas.finance_reviewer)
    response = client.post(NEW, _form(personas, monitoring.period, title="", opens_on="2026-12-25"))
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-field-error="title">这个字段是必填项。' in body
    # The service's rule appears next to its field too.
    response = client.post(NEW, _form(personas, monitoring.period, opens_on="2026-12-25"))
    assert 'data-field-error="opens_on">开始日期不能晚于截止时间。' in response.content.decode()
    assert not Deadline.objects.filter(title="2026年部门整体支出自评").exists()


def test_form_offers_only_organizations_in_scope(client, personas, monitoring):
    client.force_login(personas.hr_officer)
    body = client.get(NEW).content.decode()
    assert "测试公司生产部" in body
    assert "测试县第一中学" not in body
    response = client.post(NEW, _form(personas, monitoring.period, organization=personas.bureau.pk))
    assert 'data-field-error="organization"' in response.content.decode()
    assert not Deadline.objects.filter(title="2026年部门整体支出自评").exists()


@pytest.mark.parametrize("who", ["leader", "unit_a_operator", "department_reviewer"])
def test_read_only_personas_cannot_create(client, personas, monitoring, who):
    client.force_login(getattr(personas, who))
    assert client.get(NEW).status_code == 403
    assert client.post(NEW, _form(personas, monitoring.period)).status_code == 403
    assert client.get(NEW_PERIOD).status_code == 403
    assert Deadline.objects.count() == 1


def test_create_wrong_method_is_405(client, personas):
    client.force_login(personas.finance_reviewer)
    assert client.put(NEW).status_code == 405


def test_csrf_is_enforced(personas, monitoring):
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.finance_reviewer)
    assert client.post(NEW, _form(personas, monitoring.period)).status_code == 403
    url = f"{detail(monitoring)}targets/{personas.unit_a.pk}/complete/"
    assert client.post(url).status_code == 403
    assert not DeadlineCompletion.objects.exists()


# --- Edit, complete, reopen ---------------------------------------------------------------


def test_manager_edits_and_cancels(client, personas, monitoring):
    client.force_login(personas.finance_reviewer)
    url = f"{detail(monitoring)}edit/"
    assert client.get(url).status_code == 200
    data = _form(personas, monitoring.period, title="改期", due_at="2026-12-05T18:00")
    data["organization"] = ""
    response = client.post(url, data)
    assert response.status_code == 302
    monitoring.refresh_from_db()
    assert (monitoring.title, monitoring.is_active) == ("改期", False)  # is_active unticked
    assert monitoring.organization == personas.bureau
    assert AuditEvent.objects.filter(action="deadline.update").count() == 1


def test_edit_is_for_managers(client, personas, monitoring):
    client.force_login(personas.leader)
    assert client.get(f"{detail(monitoring)}edit/").status_code == 403
    client.force_login(personas.hr_officer)
    assert client.get(f"{detail(monitoring)}edit/").status_code == 404


def test_operator_marks_own_unit_complete_not_another(client, personas, monitoring):
    client.force_login(personas.unit_a_operator)
    own = f"{detail(monitoring)}targets/{personas.unit_a.pk}/complete/"
    other = f"{detail(monitoring)}targets/{personas.unit_b.pk}/complete/"
    assert client.post(own).status_code == 302
    assert client.post(other).status_code == 404
    assert list(DeadlineCompletion.objects.values_list("organization", flat=True)) == [
        personas.unit_a.pk
    ]
    reopen = f"{detail(monitoring)}targets/{personas.unit_a.pk}/reopen/"
    assert client.post(reopen).status_code == 403


def test_manager_reopens(client, personas, monitoring):
    services.deadline_complete(actor=None, deadline=monitoring, organization=personas.unit_a)
    client.force_login(personas.finance_reviewer)
    response = client.post(f"{detail(monitoring)}targets/{personas.unit_a.pk}/reopen/")
    assert response.status_code == 302
    assert not DeadlineCompletion.objects.exists()
    assert AuditEvent.objects.filter(action="deadline.reopen").count() == 1


def test_leader_cannot_complete(client, personas, monitoring):
    client.force_login(personas.leader)
    url = f"{detail(monitoring)}targets/{personas.unit_a.pk}/complete/"
    assert client.post(url).status_code == 403


# --- Periods, home, menu ------------------------------------------------------------------


def test_manager_creates_a_period(client, personas):
    client.force_login(personas.finance_reviewer)
    response = client.post(
        NEW_PERIOD, {"kind": PeriodKind.MONTH, "fiscal_year": "2026", "number": "7"}
    )
    period = Period.objects.get(name="2026年7月")
    assert response["Location"] == f"{NEW}?period={period.pk}"
    response = client.post(
        NEW_PERIOD, {"kind": PeriodKind.MONTH, "fiscal_year": "2026", "number": "13"}
    )
    assert 'data-field-error="number">月度的序号无效。' in response.content.decode()


def test_home_block_lists_upcoming_and_overdue(client, personas, health_deadline):
    period = health_deadline.period
    services.deadline_create(
        actor=None,
        period=period,
        organization=personas.bureau,
        title="下周截止的事项",
        due_at=timezone.now() + timedelta(days=5),
        role=Role.UNIT_OPERATOR,
        target_kinds=[OrgKind.BUDGET_UNIT],
    )
    client.force_login(personas.unit_b_operator)
    body = client.get("/").content.decode()
    overdue = body.split('data-testid="home-overdue"')[1].split("</ul>")[0]
    upcoming = body.split('data-testid="home-upcoming"')[1].split("</ul>")[0]
    assert "卫健系统自评" in overdue
    assert "下周截止的事项" in upcoming
    client.force_login(personas.unit_a_operator)
    body = client.get("/").content.decode()
    assert "卫健系统自评" not in body
    assert "下周截止的事项" in body


def test_menu_entry_for_those_who_see_deadlines(client, personas):
    client.force_login(personas.unit_a_operator)
    assert 'href="/periods/"' in client.get("/").content.decode()
    client.force_login(personas.employee)
    body = client.get("/").content.decode()
    assert 'href="/periods/"' not in body
    assert 'data-testid="home-deadlines"' not in body
