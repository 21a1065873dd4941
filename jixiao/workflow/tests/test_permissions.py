"""Who may move a case: the unit submits, the department and the bureau review at their own
level only, nobody reviews their own submission, and nobody sees a case out of their scope."""

from __future__ import annotations

import pytest
from django.http import Http404

from jixiao.orgs.models import Role
from jixiao.orgs.services import role_assign
from jixiao.workflow import errors, queries, services
from jixiao.workflow.errors import PermissionDeniedError
from jixiao.workflow.models import ReviewComment, WorkflowState


def test_reviewer_of_another_department_cannot_act_nor_see(personas, submitted_a, health_reviewer):
    with pytest.raises(PermissionDeniedError) as caught:
        services.case_approve(actor=health_reviewer, case=submitted_a)
    assert caught.value.message == errors.NO_PERMISSION
    with pytest.raises(PermissionDeniedError):
        services.case_return(actor=health_reviewer, case=submitted_a, comment="退回")
    assert not queries.review_queue(health_reviewer).exists()
    assert not queries.visible_cases(health_reviewer).exists()
    with pytest.raises(Http404):
        queries.get_case_for_user(health_reviewer, submitted_a.pk)
    submitted_a.refresh_from_db()
    assert (submitted_a.state, submitted_a.current_level) == (WorkflowState.SUBMITTED, 0)


def test_unit_cannot_approve_or_return_its_own_case(personas, submitted_a):
    with pytest.raises(PermissionDeniedError):
        services.case_approve(actor=personas.unit_a_operator, case=submitted_a)
    with pytest.raises(PermissionDeniedError):
        services.case_return(actor=personas.unit_a_operator, case=submitted_a, comment="x")


def test_finance_cannot_act_at_the_department_level(personas, submitted_a):
    """The bureau's scope contains the department, but not the department's action."""
    with pytest.raises(PermissionDeniedError):
        services.case_approve(actor=personas.finance_reviewer, case=submitted_a)
    assert not queries.review_queue(personas.finance_reviewer).exists()


def test_department_cannot_act_at_the_finance_level(personas, submitted_a):
    services.case_approve(actor=personas.department_reviewer, case=submitted_a)
    with pytest.raises(PermissionDeniedError):
        services.case_approve(actor=personas.department_reviewer, case=submitted_a)


def test_nobody_reviews_their_own_submission(personas, case_a):
    """A person holding both roles submits; their reviewer role does not let them approve."""
    role_assign(
        actor=None,
        user=personas.unit_a_operator,
        role=Role.DEPARTMENT_REVIEWER,
        organization=personas.education,
    )
    services.case_submit(actor=personas.unit_a_operator, case=case_a, snapshot={})
    with pytest.raises(PermissionDeniedError) as caught:
        services.case_approve(actor=personas.unit_a_operator, case=case_a)
    assert caught.value.message == errors.SELF_REVIEW
    assert not queries.review_queue(personas.unit_a_operator).exists()
    services.case_approve(actor=personas.department_reviewer, case=case_a)


def test_other_unit_cannot_submit_withdraw_or_resolve(personas, case_a):
    other = personas.unit_b_operator
    with pytest.raises(PermissionDeniedError):
        services.case_submit(actor=other, case=case_a, snapshot={})
    services.case_submit(actor=personas.unit_a_operator, case=case_a, snapshot={})
    with pytest.raises(PermissionDeniedError):
        services.case_withdraw(actor=other, case=case_a)
    services.case_return(actor=personas.department_reviewer, case=case_a, comment="退回")
    with pytest.raises(PermissionDeniedError):
        services.comment_resolve(actor=other, comment=ReviewComment.objects.get())


def test_reviewers_cannot_submit_for_the_unit(personas, case_a):
    for reviewer in (personas.department_reviewer, personas.finance_reviewer):
        with pytest.raises(PermissionDeniedError):
            services.case_submit(actor=reviewer, case=case_a, snapshot={})


def test_only_the_unit_requests_an_adjustment(personas, approved_a):
    with pytest.raises(PermissionDeniedError):
        services.case_request_adjustment(
            actor=personas.finance_reviewer, case=approved_a, reason="调整"
        )


def test_case_open_checks_the_submit_permission(personas, definition):
    with pytest.raises(PermissionDeniedError):
        services.case_open(
            actor=personas.unit_b_operator,
            subject_type="test.subject",
            subject_id=999,
            organization=personas.unit_a,
            definition_key=definition.key,
        )


def test_who_sees_a_case(personas, submitted_a, health_reviewer):
    seeing = ("unit_a_operator", "department_reviewer", "finance_reviewer", "leader")
    for who in seeing:
        assert queries.get_case_for_user(getattr(personas, who), submitted_a.pk) == submitted_a
    for who in ("unit_b_operator", "evaluator", "hr_officer", "employee", "audit_admin"):
        with pytest.raises(Http404):
            queries.get_case_for_user(getattr(personas, who), submitted_a.pk)


def test_the_read_only_leader_cannot_act(personas, submitted_a):
    with pytest.raises(PermissionDeniedError):
        services.case_approve(actor=personas.leader, case=submitted_a)
    assert not queries.review_queue(personas.leader).exists()
