"""Returning with comments on the form and on single items; the unit resolves them; the
comments stay across rounds."""

from __future__ import annotations

import pytest

from jixiao.workflow import errors, queries, services
from jixiao.workflow.errors import WorkflowError
from jixiao.workflow.models import ReviewComment, WorkflowState
from jixiao.workflow.tests.support import DEPARTMENT_LABEL, form


def _return_with_item_comment(personas, case):
    return services.case_return(
        actor=personas.department_reviewer,
        case=case,
        comment="请完善产出指标",
        item_comments=[("indicator:1", "目标值偏低，应不少于600人")],
    )


def test_return_keeps_a_form_comment_and_an_item_comment(personas, submitted_a):
    _return_with_item_comment(personas, submitted_a)
    assert submitted_a.state == WorkflowState.RETURNED
    assert (submitted_a.current_level, submitted_a.reviewing_organization) == (None, None)
    assert submitted_a.decided_at is not None
    by_item = queries.comments_by_item(submitted_a)
    assert set(by_item) == {"", "indicator:1"}
    item = by_item["indicator:1"][0]
    assert item.text == "目标值偏低，应不少于600人"
    assert (item.level, item.level_label, item.version_number) == (0, DEPARTMENT_LABEL, 1)
    assert (item.author, item.organization) == (personas.department_reviewer, personas.education)
    assert not item.is_resolved
    step = submitted_a.steps.order_by("id").last()
    assert (step.action, step.comment) == ("return", "请完善产出指标")


def test_resubmit_keeps_the_comments_and_shows_which_were_resolved(personas, submitted_a):
    _return_with_item_comment(personas, submitted_a)
    item = ReviewComment.objects.get(item_key="indicator:1")
    services.comment_resolve(actor=personas.unit_a_operator, comment=item, reply="已调整为600人")
    services.case_submit(
        actor=personas.unit_a_operator, case=submitted_a, snapshot=form(target="600")
    )
    assert submitted_a.state == WorkflowState.SUBMITTED
    assert (submitted_a.current_level, submitted_a.version_number) == (0, 2)

    by_item = queries.comments_by_item(submitted_a)
    item, whole = by_item["indicator:1"][0], by_item[""][0]
    assert item.is_resolved and item.reply == "已调整为600人"
    assert item.resolved_by == personas.unit_a_operator
    assert not whole.is_resolved

    # A second return adds to the comments of the first round.
    services.case_return(actor=personas.department_reviewer, case=submitted_a, comment="附件缺失")
    texts = [c.text for c in queries.comments_by_item(submitted_a)[""]]
    assert texts == ["请完善产出指标", "附件缺失"]
    assert [c.version_number for c in queries.comments_by_item(submitted_a)[""]] == [1, 2]


def test_return_without_a_comment_is_refused(personas, submitted_a):
    for blank in ("", "   "):
        with pytest.raises(WorkflowError) as caught:
            services.case_return(
                actor=personas.department_reviewer, case=submitted_a, comment=blank
            )
        assert caught.value.message == errors.RETURN_COMMENT_REQUIRED
    submitted_a.refresh_from_db()
    assert submitted_a.state == WorkflowState.SUBMITTED
    assert not ReviewComment.objects.exists()


def test_an_empty_item_comment_is_refused(personas, submitted_a):
    with pytest.raises(WorkflowError, match=errors.ITEM_COMMENT_EMPTY):
        services.case_return(
            actor=personas.department_reviewer,
            case=submitted_a,
            comment="退回",
            item_comments=[("indicator:1", "")],
        )


def test_comments_are_resolved_only_while_the_form_may_change(personas, submitted_a):
    _return_with_item_comment(personas, submitted_a)
    item = ReviewComment.objects.get(item_key="indicator:1")
    services.case_submit(actor=personas.unit_a_operator, case=submitted_a, snapshot=form())
    with pytest.raises(WorkflowError, match=errors.COMMENT_NOT_EDITABLE):
        services.comment_resolve(actor=personas.unit_a_operator, comment=item)


def test_a_comment_is_resolved_once(personas, submitted_a):
    _return_with_item_comment(personas, submitted_a)
    item = ReviewComment.objects.get(item_key="indicator:1")
    services.comment_resolve(actor=personas.unit_a_operator, comment=item)
    with pytest.raises(WorkflowError, match=errors.COMMENT_ALREADY_RESOLVED):
        services.comment_resolve(actor=personas.unit_a_operator, comment=item)
