"""Review queues with their counts and deadlines, the cases of many subjects at once, and the
history — each in a fixed number of queries."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from jixiao.workflow import queries, services
from jixiao.workflow.models import WorkflowState
from jixiao.workflow.tests.support import KEY, SUBJECT, form, open_case


def _submitted(personas, organization, title):
    case = open_case(organization, title)
    return services.case_submit(actor=None, case=case, snapshot=form())


def test_queue_counts_and_deadlines(personas, definition, health_reviewer, direct_unit):
    a1 = _submitted(personas, personas.unit_a, "一中项目1")
    a2 = _submitted(personas, personas.unit_a, "一中项目2")
    b1 = _submitted(personas, personas.unit_b, "医院项目")
    direct = _submitted(personas, direct_unit, "直属单位项目")
    open_case(personas.unit_a, "一中草稿")
    services.case_approve(actor=personas.department_reviewer, case=a1)
    services.case_return(actor=personas.department_reviewer, case=a2, comment="退回修改")

    department = personas.department_reviewer
    assert list(queries.review_queue(department)) == []
    education = queries.queue_summary(department, KEY)
    assert (education.awaiting, education.overdue) == (0, 0)
    assert education.by_state == {"draft": 1, "submitted": 1, "returned": 1, "approved": 0}
    assert education.total == 3
    assert education.tabs[0] == ("draft", "草稿", 1)

    health = queries.queue_summary(health_reviewer, KEY)
    assert (health.awaiting, health.by_state["submitted"]) == (1, 1)
    assert list(queries.review_queue(health_reviewer)) == [b1]

    # The bureau waits for a1 (approved by education) and the direct unit's form.
    finance = personas.finance_reviewer
    queue = list(queries.review_queue(finance, KEY))
    assert set(queue) == {a1, direct}
    assert all(case.awaiting_me and not case.overdue for case in queue)
    summary = queries.queue_summary(finance)
    assert summary.awaiting == 2
    assert summary.by_state == {"draft": 1, "submitted": 3, "returned": 1, "approved": 0}
    assert summary.next_due_at == min(a1.due_at, direct.due_at)

    later = timezone.now() + timedelta(days=11)
    assert queries.queue_summary(finance, now=later).overdue == 2
    assert all(case.overdue for case in queries.review_queue(finance, now=later))
    unit = queries.queue_summary(personas.unit_a_operator)
    assert (unit.awaiting, unit.total) == (0, 3)


def test_queue_is_ordered_by_deadline(personas, definition, direct_unit):
    first = _submitted(personas, direct_unit, "先到")
    second = _submitted(personas, direct_unit, "后到")
    second.due_at = timezone.now() + timedelta(days=1)
    second.save(update_fields=["due_at"])
    assert list(queries.review_queue(personas.finance_reviewer)) == [second, first]


def test_visible_cases_flag_what_awaits_the_user(personas, submitted_a, case_a):
    rows = {c.pk: c for c in queries.visible_cases(personas.department_reviewer)}
    assert rows[submitted_a.pk].awaiting_me is True
    finance_rows = {c.pk: c for c in queries.visible_cases(personas.finance_reviewer)}
    assert finance_rows[submitted_a.pk].awaiting_me is False


def test_nothing_for_a_user_without_workflow_actions(personas, submitted_a):
    assert not queries.visible_cases(personas.employee).exists()
    assert queries.queue_summary(personas.employee).total == 0


def test_queue_summary_is_one_query(personas, submitted_a, django_assert_num_queries):
    user = personas.finance_reviewer
    queries.queue_summary(user)  # load the user's scopes once
    with django_assert_num_queries(1):
        queries.queue_summary(user)


def test_queue_list_is_one_query(personas, definition, django_assert_num_queries):
    for title in ("甲", "乙", "丙"):
        _submitted(personas, personas.unit_a, title)
    user = personas.department_reviewer
    list(queries.review_queue(user))
    with django_assert_num_queries(1):
        rows = list(queries.review_queue(user))
        names = [(c.organization.name, c.reviewing_organization.name) for c in rows]
    assert len(names) == 3


def test_cases_for_subjects_in_one_query(personas, definition, django_assert_num_queries):
    cases = [open_case(personas.unit_a, str(i)) for i in range(3)]
    ids = [case.subject_id for case in cases] + [10**9]
    with django_assert_num_queries(1):
        found = queries.cases_for_subjects(SUBJECT, ids)
    assert set(found) == {case.subject_id for case in cases}
    assert found[cases[0].subject_id].state == WorkflowState.DRAFT


def test_history_is_one_query_with_its_actors(personas, approved_a, django_assert_num_queries):
    with django_assert_num_queries(1):
        steps = [
            (s.action, s.actor.username, s.organization.name) for s in queries.history(approved_a)
        ]
    assert steps == [
        ("submit", "unit_a", personas.unit_a.name),
        ("approve", "edu_reviewer", personas.education.name),
        ("approve", "finance", personas.bureau.name),
    ]
