"""The path of a form through review: submit, approve level by level, lock; withdraw; skipped
levels; illegal moves refused with their Chinese message; adjustment rounds."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from jixiao.workflow import errors, services
from jixiao.workflow.errors import DomainError, WorkflowError
from jixiao.workflow.models import CaseKind, StepAction, WorkflowState
from jixiao.workflow.tests.support import DEPARTMENT_LABEL, FINANCE_LABEL, form, open_case


def _actions(case) -> list[str]:
    return list(case.steps.order_by("id").values_list("action", flat=True))


def test_full_path_submit_department_finance_locked(personas, case_a):
    assert (case_a.state, case_a.locked, case_a.version_number) == (WorkflowState.DRAFT, False, 0)

    services.case_submit(actor=personas.unit_a_operator, case=case_a, snapshot=form())
    assert case_a.state == WorkflowState.SUBMITTED
    assert (case_a.current_level, case_a.reviewing_organization) == (0, personas.education)
    assert case_a.level_label == DEPARTMENT_LABEL
    assert case_a.submitted_by == personas.unit_a_operator
    assert timedelta(days=4) < case_a.due_at - timezone.now() <= timedelta(days=5)

    services.case_approve(actor=personas.department_reviewer, case=case_a, comment="同意上报")
    assert (case_a.current_level, case_a.reviewing_organization) == (1, personas.bureau)
    assert case_a.level_label == FINANCE_LABEL
    assert timedelta(days=9) < case_a.due_at - timezone.now() <= timedelta(days=10)

    services.case_approve(
        actor=personas.finance_reviewer,
        case=case_a,
        comment="批复",
        data={"budget": Decimal("95.00")},
    )
    case_a.refresh_from_db()
    assert (case_a.state, case_a.locked) == (WorkflowState.APPROVED, True)
    assert (case_a.current_level, case_a.reviewing_organization, case_a.due_at) == (
        None,
        None,
        None,
    )
    assert case_a.decided_at is not None
    assert case_a.approved_version.number == 2
    assert case_a.approved_version.data == case_a.versions.get(number=1).data
    assert _actions(case_a) == ["submit", "approve", "approve"]

    final = case_a.steps.order_by("id").last()
    assert (final.level, final.level_label, final.organization) == (
        1,
        FINANCE_LABEL,
        personas.bureau,
    )
    assert final.data == {"budget": "95"}
    assert final.actor == personas.finance_reviewer
    assert (final.from_state, final.to_state) == ("submitted", "approved")


def test_approved_form_is_locked(personas, approved_a):
    with pytest.raises(WorkflowError, match=errors.LOCKED):
        services.ensure_editable(approved_a)
    with pytest.raises(WorkflowError, match=errors.LOCKED):
        services.case_submit(actor=personas.unit_a_operator, case=approved_a, snapshot=form())


def test_form_under_review_cannot_be_edited_but_a_draft_can(personas, case_a):
    services.ensure_editable(case_a)
    services.ensure_editable(None)  # never opened: editable
    services.case_submit(actor=personas.unit_a_operator, case=case_a, snapshot=form())
    with pytest.raises(WorkflowError, match=errors.UNDER_REVIEW):
        services.ensure_editable(case_a)


def test_final_approval_can_store_the_approved_snapshot(personas, submitted_a):
    services.case_approve(actor=personas.department_reviewer, case=submitted_a)
    services.case_approve(
        actor=personas.finance_reviewer, case=submitted_a, snapshot=form(budget="95.00")
    )
    assert submitted_a.approved_version.data["budget"] == "95"
    assert submitted_a.versions.get(number=1).data["budget"] == "100"


def test_withdraw_before_review_returns_to_draft(personas, submitted_a):
    services.case_withdraw(actor=personas.unit_a_operator, case=submitted_a, comment="补充材料")
    assert submitted_a.state == WorkflowState.DRAFT
    assert (submitted_a.current_level, submitted_a.reviewing_organization) == (None, None)
    assert submitted_a.due_at is None
    services.ensure_editable(submitted_a)
    services.case_submit(actor=personas.unit_a_operator, case=submitted_a, snapshot=form())
    assert submitted_a.version_number == 2
    assert _actions(submitted_a) == ["submit", "withdraw", "submit"]


def test_withdraw_after_a_level_approved_is_refused(personas, submitted_a):
    services.case_approve(actor=personas.department_reviewer, case=submitted_a)
    with pytest.raises(WorkflowError) as caught:
        services.case_withdraw(actor=personas.unit_a_operator, case=submitted_a)
    assert caught.value.message == errors.WITHDRAW_AFTER_REVIEW.format(level=DEPARTMENT_LABEL)


def test_withdraw_is_allowed_again_after_return_and_resubmit(personas, submitted_a):
    services.case_approve(actor=personas.department_reviewer, case=submitted_a)
    services.case_return(actor=personas.finance_reviewer, case=submitted_a, comment="预算偏高")
    services.case_submit(actor=personas.unit_a_operator, case=submitted_a, snapshot=form())
    services.case_withdraw(actor=personas.unit_a_operator, case=submitted_a)
    assert submitted_a.state == WorkflowState.DRAFT


def test_level_is_skipped_when_the_unit_has_no_supervising_department(
    personas, definition, direct_unit
):
    case = open_case(direct_unit)
    services.case_submit(actor=None, case=case, snapshot=form())
    assert (case.current_level, case.reviewing_organization) == (1, personas.bureau)
    assert case.level_label == FINANCE_LABEL
    services.case_approve(actor=personas.finance_reviewer, case=case)
    assert case.state == WorkflowState.APPROVED


def test_department_own_form_skips_its_own_level(personas, definition):
    case = open_case(personas.education)
    services.case_submit(actor=None, case=case, snapshot=form())
    assert case.reviewing_organization == personas.bureau


def test_a_required_level_without_reviewer_refuses_to_submit(personas, definition):
    """The company tree has no finance bureau above it: finance review is required."""
    case = open_case(personas.company_dept)
    with pytest.raises(WorkflowError) as caught:
        services.case_submit(actor=None, case=case, snapshot=form())
    assert caught.value.message == errors.NO_REVIEWER.format(level=FINANCE_LABEL)
    case.refresh_from_db()
    assert (case.state, case.version_number) == (WorkflowState.DRAFT, 0)


@pytest.mark.parametrize(
    ("fixture", "move", "message"),
    [
        ("submitted_a", "submit", errors.SUBMIT_NOT_ALLOWED),
        ("case_a", "approve", errors.NOT_UNDER_REVIEW),
        ("case_a", "return", errors.NOT_UNDER_REVIEW),
        ("case_a", "withdraw", errors.WITHDRAW_NOT_SUBMITTED),
        ("approved_a", "approve", errors.NOT_UNDER_REVIEW),
        ("approved_a", "withdraw", errors.WITHDRAW_NOT_SUBMITTED),
        ("case_a", "adjust", errors.ADJUST_NOT_APPROVED),
        ("submitted_a", "adjust", errors.ADJUST_NOT_APPROVED),
        ("approved_a", "cancel", errors.CANCEL_NOT_ADJUSTMENT),
        ("case_a", "cancel", errors.CANCEL_NOT_ADJUSTMENT),
    ],
)
def test_illegal_transitions_are_refused_with_their_message(
    request, personas, fixture, move, message
):
    case = request.getfixturevalue(fixture)
    state, revision = case.state, case.revision
    unit, finance = personas.unit_a_operator, personas.finance_reviewer
    moves = {
        "submit": lambda: services.case_submit(actor=unit, case=case, snapshot=form()),
        "approve": lambda: services.case_approve(actor=finance, case=case),
        "return": lambda: services.case_return(actor=finance, case=case, comment="退回"),
        "withdraw": lambda: services.case_withdraw(actor=unit, case=case),
        "adjust": lambda: services.case_request_adjustment(actor=unit, case=case, reason="调整"),
        "cancel": lambda: services.case_cancel_adjustment(actor=unit, case=case),
    }
    with pytest.raises(DomainError) as caught:
        moves[move]()
    assert caught.value.message == message
    case.refresh_from_db()
    assert (case.state, case.revision) == (state, revision)


def test_adjustment_round_on_an_approved_case(personas, approved_a):
    in_force = approved_a.approved_version
    services.case_request_adjustment(
        actor=personas.unit_a_operator,
        case=approved_a,
        reason="政策调整，追加预算",
        data={"budget_adjustment": Decimal("20.00")},
    )
    assert (approved_a.state, approved_a.kind, approved_a.locked) == (
        WorkflowState.DRAFT,
        CaseKind.ADJUSTMENT,
        False,
    )
    assert approved_a.approved_version == in_force
    services.ensure_editable(approved_a)
    step = approved_a.steps.order_by("id").last()
    assert (step.action, step.comment, step.data) == (
        StepAction.REQUEST_ADJUSTMENT,
        "政策调整，追加预算",
        {"budget_adjustment": "20"},
    )

    services.case_submit(
        actor=personas.unit_a_operator, case=approved_a, snapshot=form(budget="120.00")
    )
    assert approved_a.version_number == 3
    assert approved_a.versions.get(number=3).kind == CaseKind.ADJUSTMENT
    services.case_approve(actor=personas.department_reviewer, case=approved_a)
    assert approved_a.approved_version == in_force  # still the original until the end
    services.case_approve(actor=personas.finance_reviewer, case=approved_a)
    assert approved_a.state == WorkflowState.APPROVED and approved_a.locked
    assert approved_a.approved_version.number == 4
    assert approved_a.approved_version.data["budget"] == "120"
    assert in_force.data["budget"] == "100"


def test_adjustment_needs_a_reason(personas, approved_a):
    with pytest.raises(WorkflowError, match=errors.ADJUST_REASON_REQUIRED):
        services.case_request_adjustment(
            actor=personas.unit_a_operator, case=approved_a, reason=" "
        )


def test_cancelled_adjustment_restores_the_approved_lock(personas, approved_a):
    in_force = approved_a.approved_version
    services.case_request_adjustment(actor=personas.unit_a_operator, case=approved_a, reason="调整")
    services.case_submit(actor=personas.unit_a_operator, case=approved_a, snapshot=form("130"))
    services.case_return(actor=personas.department_reviewer, case=approved_a, comment="依据不足")
    services.case_cancel_adjustment(actor=personas.unit_a_operator, case=approved_a, reason="撤销")
    assert (approved_a.state, approved_a.locked, approved_a.kind) == (
        WorkflowState.APPROVED,
        True,
        CaseKind.ORIGINAL,
    )
    assert approved_a.approved_version == in_force
    with pytest.raises(WorkflowError, match=errors.LOCKED):
        services.ensure_editable(approved_a)


def test_case_open_returns_the_existing_case(personas, case_a):
    again = services.case_open(
        subject_type=case_a.subject_type,
        subject_id=case_a.subject_id,
        organization=personas.unit_a,
        definition_key=case_a.definition_key,
    )
    assert again == case_a


def test_a_snapshot_must_be_a_dict(personas, case_a):
    with pytest.raises(TypeError):
        services.case_submit(actor=personas.unit_a_operator, case=case_a, snapshot=["x"])
    case_a.refresh_from_db()
    assert case_a.state == WorkflowState.DRAFT
