"""Writes on periods and deadlines: rules, permissions, and one audit row per change."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from jixiao.audit.models import AuditEvent
from jixiao.orgs import services as org_services
from jixiao.orgs.errors import NO_PERMISSION
from jixiao.orgs.models import OrgKind, Role
from jixiao.periods import dates, errors, services
from jixiao.periods.errors import DomainError, InvalidFieldError, PermissionDeniedError
from jixiao.periods.models import DeadlineCompletion, Period, PeriodKind


def _audits(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


def _targets(deadline) -> set:
    return set(deadline.targets.all())


# --- Periods -------------------------------------------------------------------------------


def test_period_create_names_standard_periods_and_leaves_one_audit_row(personas):
    period = services.period_create(
        actor=personas.finance_reviewer, kind=PeriodKind.QUARTER, fiscal_year=2026, number=3
    )
    assert period.name == "2026年第三季度"
    assert (period.start_date, period.end_date) == (date(2026, 7, 1), date(2026, 9, 30))
    event = AuditEvent.objects.get(action="period.create")
    assert event.actor == personas.finance_reviewer
    assert event.new_values["name"] == "2026年第三季度"


def test_monitoring_round_is_named_after_its_span(personas):
    period = services.period_create(
        actor=personas.finance_reviewer,
        kind=PeriodKind.MONITORING_ROUND,
        fiscal_year=2026,
        start_date=date(2026, 1, 1),
        end_date=date(2026, 7, 31),
        organization=personas.bureau,
    )
    assert period.name == "2026年1-7月"


def test_duplicate_period_is_refused(personas):
    services.period_create(actor=None, kind=PeriodKind.MONTH, fiscal_year=2026, number=3)
    with pytest.raises(DomainError, match="2026年3月"):
        services.period_create(actor=None, kind=PeriodKind.MONTH, fiscal_year=2026, number=3)
    assert _audits("period.create") == 1


def test_period_ensure_reuses_the_existing_period(personas):
    first = services.period_ensure(actor=None, kind=PeriodKind.MONTH, fiscal_year=2026, number=3)
    again = services.period_ensure(actor=None, kind=PeriodKind.MONTH, fiscal_year=2026, number=3)
    assert first == again
    assert Period.objects.count() == 1


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"kind": "month", "number": 13}, "number", "月度的序号无效。"),
        ({"kind": "custom", "start_date": date(2026, 1, 1)}, "end_date", None),
        (
            {"kind": "custom", "start_date": date(2026, 2, 1), "end_date": date(2026, 1, 1)},
            "end_date",
            errors.PERIOD_DATES_ORDER,
        ),
    ],
)
def test_period_input_errors_name_their_field(personas, values, field, message):
    with pytest.raises(InvalidFieldError) as caught:
        services.period_create(actor=None, fiscal_year=2026, organization=personas.bureau, **values)
    assert caught.value.field == field
    assert message is None or caught.value.message == message


def test_custom_period_belongs_to_an_organization(personas):
    with pytest.raises(InvalidFieldError, match=errors.PERIOD_ORG_REQUIRED):
        services.period_create(
            actor=None,
            kind=PeriodKind.CUSTOM,
            fiscal_year=2026,
            start_date=date(2026, 1, 1),
            end_date=date(2026, 1, 31),
            name="专项",
        )


def test_leader_cannot_create_a_period(personas):
    with pytest.raises(PermissionDeniedError, match=NO_PERMISSION):
        services.period_create(
            actor=personas.leader, kind=PeriodKind.MONTH, fiscal_year=2026, number=1
        )


# --- Deadlines -----------------------------------------------------------------------------


def test_targets_are_the_budget_units_of_the_subtree(personas, monitoring):
    assert _targets(monitoring) == {personas.unit_a, personas.unit_b}
    event = AuditEvent.objects.get(action="deadline.create")
    assert event.object_id == str(monitoring.pk)
    assert event.organization_id == personas.bureau.pk
    assert event.new_values["target_count"] == 2
    assert event.new_values["target_kinds"] == ["budget_unit"]


def _make(personas, due_at, **values):
    period = services.period_ensure(actor=None, kind=PeriodKind.MONTH, fiscal_year=2026, number=11)
    base = {
        "actor": personas.finance_reviewer,
        "period": period,
        "organization": personas.bureau,
        "title": "报送",
        "due_at": due_at,
        "role": Role.UNIT_OPERATOR,
    }
    return services.deadline_create(**{**base, **values})


def test_explicit_targets_and_kinds_add_up(personas, due_at):
    deadline = _make(
        personas,
        due_at,
        target_kinds=[OrgKind.SUPERVISING_DEPARTMENT],
        targets=[personas.unit_a],
    )
    assert _targets(deadline) == {personas.education, personas.health, personas.unit_a}


def test_without_kinds_or_targets_the_organization_itself(personas, due_at):
    deadline = _make(personas, due_at, role=Role.FINANCE_REVIEWER)
    assert _targets(deadline) == {personas.bureau}


def test_inactive_units_are_not_targets(personas, due_at):
    org_services.organization_update(actor=None, organization=personas.unit_b, is_active=False)
    deadline = _make(personas, due_at, target_kinds=[OrgKind.BUDGET_UNIT])
    assert _targets(deadline) == {personas.unit_a}


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"targets": "company"}, "targets"),
        ({"target_kinds": [OrgKind.TEAM]}, "target_kinds"),
        ({"target_kinds": ["planet"]}, "target_kinds"),
        ({"role": Role.AUDIT_ADMIN}, "role"),
        ({"role": "nobody"}, "role"),
        ({"link": "//evil.example/"}, "link"),
        ({"link": "https://evil.example/"}, "link"),
        ({"link": "/\\evil.example/"}, "link"),
        ({"opens_on": date(2026, 12, 2)}, "opens_on"),
    ],
)
def test_deadline_rules(personas, due_at, values, field):
    if values.get("targets") == "company":
        values["targets"] = [personas.company_dept]
    with pytest.raises(InvalidFieldError) as caught:
        _make(personas, due_at, **values)
    assert caught.value.field == field
    assert _audits("deadline.create") == 0


def test_internal_links_are_kept(personas, due_at):
    assert _make(personas, due_at, link="/").link == "/"
    assert _make(personas, due_at, link=" /budget/ ", title="其他").link == "/budget/"


def test_naive_due_time_is_refused(personas):
    with pytest.raises(InvalidFieldError, match=errors.DUE_AT_NAIVE):
        _make(personas, datetime(2026, 12, 1, 18, 0))  # noqa: DTZ001 (the point of the test)


def test_period_of_another_tree_is_refused(personas, due_at, monitoring):
    with pytest.raises(InvalidFieldError, match=errors.PERIOD_OUTSIDE_ORG):
        services.deadline_create(
            actor=personas.hr_officer,
            period=monitoring.period,
            organization=personas.company,
            title="x",
            due_at=due_at,
            role=Role.EMPLOYEE,
        )


@pytest.mark.parametrize("who", ["leader", "unit_a_operator", "department_reviewer", "hr_officer"])
def test_only_managers_of_the_organization_set_deadlines(personas, due_at, who):
    with pytest.raises(PermissionDeniedError):
        _make(personas, due_at, actor=getattr(personas, who))


def test_deadline_update_leaves_one_audit_row_with_old_and_new(personas, monitoring, due_at):
    later = due_at + timedelta(days=2)
    services.deadline_update(
        actor=personas.finance_reviewer, deadline=monitoring, due_at=later, title="改名"
    )
    event = AuditEvent.objects.get(action="deadline.update")
    assert event.old_values == {"due_at": due_at.isoformat(), "title": "2026年1-10月绩效运行监控"}
    assert event.new_values == {"due_at": later.isoformat(), "title": "改名"}


def test_deadline_update_without_change_leaves_no_row(personas, monitoring):
    services.deadline_update(
        actor=personas.finance_reviewer, deadline=monitoring, title=monitoring.title
    )
    assert _audits("deadline.update") == 0


def test_retargeting_keeps_the_explicit_targets(personas, due_at):
    deadline = _make(personas, due_at, targets=[personas.education])
    services.deadline_update(
        actor=personas.finance_reviewer, deadline=deadline, target_kinds=[OrgKind.BUDGET_UNIT]
    )
    assert _targets(deadline) == {personas.education, personas.unit_a, personas.unit_b}
    event = AuditEvent.objects.get(action="deadline.update")
    assert event.new_values["target_count"] == 3


def test_deadline_update_needs_manage_permission(personas, monitoring):
    with pytest.raises(PermissionDeniedError):
        services.deadline_update(actor=personas.leader, deadline=monitoring, title="x")
    with pytest.raises(ValueError, match="organization"):
        services.deadline_update(
            actor=personas.finance_reviewer, deadline=monitoring, organization=personas.health
        )


# --- Completion ----------------------------------------------------------------------------


def test_complete_leaves_one_audit_row_and_is_idempotent(personas, monitoring):
    first = services.deadline_complete(
        actor=personas.unit_a_operator, deadline=monitoring, organization=personas.unit_a
    )
    again = services.deadline_complete(
        actor=personas.unit_a_operator, deadline=monitoring, organization=personas.unit_a
    )
    assert first == again
    assert first.completed_by == personas.unit_a_operator
    event = AuditEvent.objects.get(action="deadline.complete")
    assert event.organization_id == personas.unit_a.pk
    assert event.object_id == str(monitoring.pk)


def test_operator_of_another_unit_cannot_complete(personas, monitoring):
    with pytest.raises(PermissionDeniedError):
        services.deadline_complete(
            actor=personas.unit_b_operator, deadline=monitoring, organization=personas.unit_a
        )
    with pytest.raises(PermissionDeniedError):
        services.deadline_complete(
            actor=personas.leader, deadline=monitoring, organization=personas.unit_a
        )


def test_manager_and_system_may_complete(personas, monitoring):
    services.deadline_complete(
        actor=personas.finance_reviewer, deadline=monitoring, organization=personas.unit_a
    )
    services.deadline_complete(actor=None, deadline=monitoring, organization=personas.unit_b)
    assert DeadlineCompletion.objects.filter(deadline=monitoring).count() == 2


def test_only_targets_complete(personas, monitoring):
    with pytest.raises(DomainError, match="测试县教育局"):
        services.deadline_complete(actor=None, deadline=monitoring, organization=personas.education)


def test_cancelled_deadline_cannot_be_completed(personas, monitoring):
    services.deadline_update(actor=None, deadline=monitoring, is_active=False)
    with pytest.raises(DomainError, match=errors.DEADLINE_INACTIVE):
        services.deadline_complete(actor=None, deadline=monitoring, organization=personas.unit_a)


def test_reopen_leaves_one_audit_row(personas, monitoring):
    services.deadline_complete(actor=None, deadline=monitoring, organization=personas.unit_a)
    services.deadline_reopen(
        actor=personas.finance_reviewer,
        deadline=monitoring,
        organization=personas.unit_a,
        reason="退回修改",
    )
    assert not DeadlineCompletion.objects.exists()
    event = AuditEvent.objects.get(action="deadline.reopen")
    assert event.old_values["organization_id"] == personas.unit_a.pk
    assert event.new_values["reason"] == "退回修改"


def test_reopen_rules(personas, monitoring):
    with pytest.raises(DomainError, match="尚未完成"):
        services.deadline_reopen(actor=None, deadline=monitoring, organization=personas.unit_a)
    services.deadline_complete(actor=None, deadline=monitoring, organization=personas.unit_a)
    with pytest.raises(PermissionDeniedError):
        services.deadline_reopen(
            actor=personas.unit_a_operator, deadline=monitoring, organization=personas.unit_a
        )


def test_complete_by_topic_for_domain_services(personas, monitoring):
    done = services.deadline_complete_by_topic(
        actor=personas.unit_a_operator, topic="budget.monitoring", organization=personas.unit_a
    )
    assert [c.deadline for c in done] == [monitoring]
    again = services.deadline_complete_by_topic(
        actor=personas.unit_a_operator, topic="budget.monitoring", organization=personas.unit_a
    )
    assert again == []
    assert _audits("deadline.complete") == 1


# --- Monthly windows (EMP-4) ---------------------------------------------------------------


def test_monthly_windows_follow_the_seed_and_clip_to_short_months(personas):
    review, feedback = services.monthly_windows_create(
        actor=personas.hr_officer, organization=personas.company, year=2026, month=2
    )
    assert review.period.name == "2026年2月"
    assert review.title == "2026年2月审核分析各部门考核汇总"
    assert review.opens_on == date(2026, 2, 1)
    assert review.due_at == dates.local_datetime(date(2026, 2, 20), time(23, 59))
    assert feedback.opens_on == date(2026, 2, 15)
    assert feedback.due_at == dates.local_datetime(date(2026, 2, 28), time(23, 59))
    assert _targets(review) == {personas.company}
    assert review.role == Role.HR_OFFICER


def test_monthly_windows_are_configurable_and_created_once(personas):
    windows = (
        services.MonthlyWindow(
            "appraisal.summary",
            "部门考核汇总报送",
            due_day=31,
            role=Role.DEPARTMENT_HEAD,
            opens_day=25,
            target_kinds=(OrgKind.DEPARTMENT,),
            due_time=time(17, 30),
        ),
    )
    first = services.monthly_windows_create(
        actor=None, organization=personas.company, year=2026, month=4, windows=windows
    )
    again = services.monthly_windows_create(
        actor=None, organization=personas.company, year=2026, month=4, windows=windows
    )
    assert again == []
    (summary,) = first
    assert summary.due_at == dates.local_datetime(date(2026, 4, 30), time(17, 30))
    assert _targets(summary) == {personas.company_dept}
    assert _audits("deadline.create") == 1
