"""Every write leaves exactly one audit row, in its transaction, naming the subject; a refused
move leaves none."""

from __future__ import annotations

import pytest

from jixiao.audit.models import AuditEvent
from jixiao.workflow import services
from jixiao.workflow.errors import DomainError
from jixiao.workflow.models import ReviewComment
from jixiao.workflow.tests.support import SUBJECT, form


def _resolve(personas, case):
    services.case_return(
        actor=personas.department_reviewer,
        case=case,
        comment="退回",
        item_comments=[("indicator:1", "偏低")],
    )
    return lambda: services.comment_resolve(
        actor=personas.unit_a_operator, comment=ReviewComment.objects.get(item_key="indicator:1")
    )


def _cancel(personas, case):
    services.case_request_adjustment(actor=personas.unit_a_operator, case=case, reason="调整")
    return lambda: services.case_cancel_adjustment(actor=personas.unit_a_operator, case=case)


# (fixture, set-up returning the write, audit action)
WRITES = {
    "submit": (
        "case_a",
        lambda p, c: lambda: services.case_submit(actor=p.unit_a_operator, case=c, snapshot=form()),
        "workflow.submit",
    ),
    "withdraw": (
        "submitted_a",
        lambda p, c: lambda: services.case_withdraw(actor=p.unit_a_operator, case=c),
        "workflow.withdraw",
    ),
    "approve": (
        "submitted_a",
        lambda p, c: lambda: services.case_approve(actor=p.department_reviewer, case=c),
        "workflow.approve",
    ),
    "return": (
        "submitted_a",
        lambda p, c: (
            lambda: services.case_return(
                actor=p.department_reviewer, case=c, comment="退回", item_comments=[("i:1", "x")]
            )
        ),
        "workflow.return",
    ),
    "resolve": ("submitted_a", _resolve, "workflow.comment_resolve"),
    "adjust": (
        "approved_a",
        lambda p, c: (
            lambda: services.case_request_adjustment(actor=p.unit_a_operator, case=c, reason="调整")
        ),
        "workflow.adjustment_request",
    ),
    "cancel": ("approved_a", _cancel, "workflow.adjustment_cancel"),
}


@pytest.mark.parametrize("write", list(WRITES))
def test_each_write_leaves_exactly_one_audit_row(request, personas, write):
    fixture, prepare, action = WRITES[write]
    case = request.getfixturevalue(fixture)
    run = prepare(personas, case)
    last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    run()
    events = list(AuditEvent.objects.filter(pk__gt=last).order_by("id"))
    assert [e.action for e in events] == [action]
    event = events[0]
    assert (event.object_type, event.object_id) == (SUBJECT, str(case.subject_id))
    assert event.organization_id == personas.unit_a.pk
    assert event.new_values["case_id"] == case.pk


def test_case_open_is_audited(personas, case_a):
    event = AuditEvent.objects.get(action="workflow.open")
    assert event.new_values["state"] == "draft"


def test_audit_row_shows_the_state_change_and_the_decision(personas, submitted_a):
    services.case_approve(actor=personas.department_reviewer, case=submitted_a, comment="同意")
    event = AuditEvent.objects.get(action="workflow.approve")
    assert event.actor == personas.department_reviewer
    assert event.old_values["current_level"] == 0
    assert event.new_values["current_level"] == 1
    assert event.new_values["reviewing_organization_id"] == personas.bureau.pk
    assert event.new_values["comment"] == "同意"


def test_a_refused_move_leaves_no_row(personas, submitted_a):
    before = AuditEvent.objects.count()
    with pytest.raises(DomainError):
        services.case_return(actor=personas.department_reviewer, case=submitted_a, comment="")
    assert AuditEvent.objects.count() == before
