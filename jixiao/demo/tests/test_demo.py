from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from jixiao.demo.data import DEMO_ACCOUNTS, DEMO_PASSWORD
from jixiao.orgs.models import Organization, OrgKind, Role, RoleAssignment, User


def _count(kind: str) -> int:
    return Organization.objects.filter(kind=kind).count()


def test_demo_builds_a_realistic_county(demo):
    assert _count(OrgKind.FINANCE_BUREAU) == 1
    assert _count(OrgKind.SUPERVISING_DEPARTMENT) >= 8
    assert _count(OrgKind.BUDGET_UNIT) >= 40
    assert _count(OrgKind.SUBORDINATE_UNIT) >= 1
    assert _count(OrgKind.DEPARTMENT) >= 5
    assert _count(OrgKind.OFFICE) >= 5
    company = Organization.objects.get(kind=OrgKind.COMPANY)
    employees = User.objects.filter(organization__path__startswith=company.path)
    assert employees.count() >= 60
    assert len({u.full_name for u in employees}) == employees.count()


def test_one_demo_account_per_role(demo):
    roles = set(
        RoleAssignment.objects.filter(user__username__in=[a[0] for a in DEMO_ACCOUNTS]).values_list(
            "role", flat=True
        )
    )
    assert roles == set(Role.values)


def test_every_demo_account_logs_in(client, demo):
    for username, *_ in DEMO_ACCOUNTS:
        response = client.post("/login/", {"username": username, "password": DEMO_PASSWORD})
        assert response.status_code == 302, username
        home = client.get("/")
        assert home.status_code == 200, username
        client.post("/logout/")


def test_demo_refuses_a_non_empty_database(demo):
    with pytest.raises(CommandError, match="数据库不为空"):
        call_command("demo")
    call_command("demo", "--if-empty")  # make run: a second start changes nothing
    assert Organization.objects.filter(kind=OrgKind.FINANCE_BUREAU).count() == 1


def test_demo_has_deadlines_to_show(demo):
    from jixiao.periods.models import Deadline

    titles = list(Deadline.objects.values_list("title", flat=True))
    assert len(titles) >= 5
    assert any("绩效运行监控" in t for t in titles)
    assert any("审核分析各部门考核汇总" in t for t in titles)


def test_demo_accounts_have_reminders_in_the_bell(demo):
    from jixiao.notifications.models import Notification

    assert Notification.objects.filter(recipient__username="unit_operator").exists()


def test_demo_has_projects_in_every_review_state(demo):
    from jixiao.budget.models import Project
    from jixiao.workflow.models import WorkflowCase

    assert Project.objects.count() >= 10
    states = set(WorkflowCase.objects.values_list("state", flat=True))
    assert states == {"draft", "submitted", "returned", "approved"}


def test_demo_self_evaluation_deadline_is_completed_by_the_work(demo):
    """Overdue and partly done: completed exactly for the units that submitted every table
    of last year (the returned one too: a return does not un-complete)."""
    from django.utils import timezone

    from jixiao.budget.deadlines import SELF_EVALUATION_TOPIC
    from jixiao.budget.evaluation.models import ResultState, SelfEvaluation
    from jixiao.periods import queries
    from jixiao.periods.models import Deadline, DeadlineCompletion

    deadline = Deadline.objects.get(topic=SELF_EVALUATION_TOPIC)
    done = set(
        DeadlineCompletion.objects.filter(deadline=deadline).values_list(
            "organization_id", flat=True
        )
    )
    tables = SelfEvaluation.objects.filter(fiscal_year=deadline.period.fiscal_year)
    drafts = set(tables.filter(state=ResultState.DRAFT).values_list("unit_id", flat=True))
    assert done == set(tables.values_list("unit_id", flat=True)) - drafts
    assert drafts and len(done) >= 5
    assert deadline.due_at < timezone.now()
    assert queries.pending_organizations(deadline).filter(pk__in=drafts).count() == len(drafts)
