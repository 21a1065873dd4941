"""Who sees which deadline, its status as each user sees it, the overdue list, and the people
concerned by a deadline."""

from __future__ import annotations

from datetime import timedelta

from jixiao.orgs import services as org_services
from jixiao.orgs.models import OrgKind, Role
from jixiao.periods import queries, services
from jixiao.periods.queries import DeadlineStatus
from jixiao.testing.factories import make_org, make_user


def _status(deadline, user, now):
    return queries.with_status(queries.deadlines_visible(user), user, now).get(pk=deadline.pk)


def test_bureau_deadline_is_visible_to_the_units_it_targets(personas, monitoring):
    for who in ("finance_reviewer", "leader", "department_reviewer", "unit_a_operator"):
        assert monitoring in queries.deadlines_visible(getattr(personas, who)), who
    for who in ("hr_officer", "employee", "evaluator", "system_admin", "audit_admin"):
        assert monitoring not in queries.deadlines_visible(getattr(personas, who)), who


def test_status_is_seen_through_the_users_scope(personas, monitoring, due_at):
    services.deadline_complete(actor=None, deadline=monitoring, organization=personas.unit_a)
    before = due_at - timedelta(days=1)
    after = due_at + timedelta(minutes=1)
    assert _status(monitoring, personas.unit_a_operator, after).status == DeadlineStatus.COMPLETED
    assert _status(monitoring, personas.unit_b_operator, before).status == DeadlineStatus.OPEN
    bureau = _status(monitoring, personas.finance_reviewer, after)
    assert bureau.status == DeadlineStatus.OVERDUE
    assert (bureau.pending_count, bureau.target_count) == (1, 2)


def test_cancelled_deadline_has_its_own_status(personas, monitoring, due_at):
    services.deadline_update(actor=None, deadline=monitoring, is_active=False)
    status = _status(monitoring, personas.finance_reviewer, due_at + timedelta(days=1)).status
    assert status == DeadlineStatus.CANCELLED


def test_overdue_list_with_counts(personas, monitoring, due_at):
    after = due_at + timedelta(hours=1)
    assert list(queries.overdue_list(now=due_at - timedelta(hours=1))) == []
    (row,) = queries.overdue_list(now=after)
    assert (row.pending_count, row.target_count) == (2, 2)
    services.deadline_complete(actor=None, deadline=monitoring, organization=personas.unit_a)
    services.deadline_complete(actor=None, deadline=monitoring, organization=personas.unit_b)
    assert list(queries.overdue_list(now=after)) == []


def test_status_counts(personas, monitoring, due_at):
    qs = queries.with_status(queries.deadlines_visible(personas.finance_reviewer), now=due_at)
    counts = queries.status_counts(qs)
    assert counts == {"open": 1, "completed": 0, "overdue": 0, "cancelled": 0, "all": 1}


def test_pending_organizations(personas, monitoring):
    services.deadline_complete(actor=None, deadline=monitoring, organization=personas.unit_b)
    assert list(queries.pending_organizations(monitoring)) == [personas.unit_a]
    assert list(queries.target_organizations(monitoring)) == [personas.unit_a, personas.unit_b]


def test_target_rows_show_only_the_users_organizations(personas, monitoring):
    services.deadline_complete(actor=None, deadline=monitoring, organization=personas.unit_b)
    rows = list(queries.target_rows(monitoring, personas.finance_reviewer))
    assert [r.organization for r in rows] == [personas.unit_a, personas.unit_b]  # pending first
    assert [r.is_completed for r in rows] == [False, True]
    assert rows[1].completed_by_name is None
    mine = queries.target_rows(monitoring, personas.unit_a_operator)
    assert [r.organization for r in mine] == [personas.unit_a]


def _concerned(deadline):
    return {c.user: set(c.organizations) for c in queries.concerned_people(deadline)}


def test_people_concerned_are_the_role_holders_of_pending_units(personas, monitoring):
    assert _concerned(monitoring) == {
        personas.unit_a_operator: {personas.unit_a},
        personas.unit_b_operator: {personas.unit_b},
    }
    services.deadline_complete(actor=None, deadline=monitoring, organization=personas.unit_a)
    assert _concerned(monitoring) == {personas.unit_b_operator: {personas.unit_b}}


def test_role_held_over_an_ancestor_covers_its_units(personas, monitoring):
    """An operator assigned to the education bureau's subtree answers for its units; another
    role over the same units (the department reviewer) is not concerned."""
    second_school = make_org("测试县第二中学", OrgKind.BUDGET_UNIT, personas.education)
    services.deadline_update(actor=None, deadline=monitoring, target_kinds=[OrgKind.BUDGET_UNIT])
    clerk = make_user("edu_clerk", personas.education, Role.UNIT_OPERATOR)
    concerned = _concerned(monitoring)
    assert concerned[clerk] == {personas.unit_a, second_school}
    assert personas.department_reviewer not in concerned


def test_inactive_people_are_not_concerned(personas, monitoring):
    org_services.user_update(actor=None, user=personas.unit_a_operator, is_active=False)
    assert set(_concerned(monitoring)) == {personas.unit_b_operator}


def test_concerned_people_take_a_fixed_number_of_queries(
    personas, monitoring, django_assert_num_queries
):
    for i in range(30):
        unit = make_org(f"单位{i}", OrgKind.BUDGET_UNIT, personas.health)
        make_user(f"op{i}", unit, Role.UNIT_OPERATOR)
    services.deadline_update(actor=None, deadline=monitoring, target_kinds=[OrgKind.BUDGET_UNIT])
    with django_assert_num_queries(3):  # pending targets, role assignments, users
        people = queries.concerned_people(monitoring)
    assert len(people) == 32


def test_managers_are_the_creator_and_the_managing_roles_above(personas, monitoring):
    assert queries.deadline_managers(monitoring) == [personas.finance_reviewer]
