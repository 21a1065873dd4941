"""Two reviewers cannot both act on one case: the second is told it was handled already."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, transaction

from jixiao.workflow import errors, services
from jixiao.workflow.errors import WorkflowError
from jixiao.workflow.models import WorkflowCase, WorkflowStep
from jixiao.workflow.tests.support import form, open_case


def test_acting_on_a_stale_case_is_refused(personas, submitted_a):
    seen_by_second = WorkflowCase.objects.get(pk=submitted_a.pk)
    services.case_approve(actor=personas.department_reviewer, case=submitted_a)
    with pytest.raises(WorkflowError) as caught:
        services.case_return(actor=personas.finance_reviewer, case=seen_by_second, comment="退回")
    assert caught.value.message == errors.CASE_CHANGED
    assert seen_by_second.current_level == 1  # the caller now sees the current state


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_second_reviewer_waits_for_the_row_lock_then_is_refused(personas, definition):
    """On PostgreSQL the second transaction blocks on SELECT … FOR UPDATE until the first
    commits, then sees the new revision."""
    case = open_case(personas.unit_a)
    services.case_submit(actor=personas.unit_a_operator, case=case, snapshot=form())
    first = WorkflowCase.objects.get(pk=case.pk)
    second = WorkflowCase.objects.get(pk=case.pk)
    outcome: list[str] = []

    def second_reviewer() -> None:
        try:
            services.case_approve(actor=personas.department_reviewer, case=second)
            outcome.append("approved")
        except WorkflowError as exc:
            outcome.append(exc.message)
        finally:
            connection.close()

    with transaction.atomic():
        services.case_approve(actor=personas.department_reviewer, case=first)
        thread = threading.Thread(target=second_reviewer)
        thread.start()
        time.sleep(0.3)
        assert thread.is_alive(), "the second reviewer should wait for the row lock"
    thread.join(timeout=10)
    assert outcome == [errors.CASE_CHANGED]
    assert WorkflowStep.objects.filter(case=case, action="approve").count() == 1
