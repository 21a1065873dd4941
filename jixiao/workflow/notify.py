"""Telling people that a form needs them: the reviewers of the level a form reaches, and the
submitter when it comes back or is approved. Sent after the transaction commits, through the
notifications app (in-app, and e-mail where an address is known), once per step."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from jixiao.notifications.services import notification_send
from jixiao.orgs import permissions as perms
from jixiao.orgs.models import User
from jixiao.workflow.definitions import get_definition
from jixiao.workflow.models import WorkflowCase, WorkflowState

LINKS: dict[str, str] = {}  # definition key → URL pattern with {subject_id}


def register_link(definition_key: str, pattern: str) -> None:
    """Where a case of this kind is opened, e.g. "/budget/projects/{subject_id}/"."""
    LINKS[definition_key] = pattern


def reviewers(case: WorkflowCase) -> list[User]:
    """Active people who may act at the case's current level (one query)."""
    if case.current_level is None or case.reviewing_organization is None:
        return []
    action = get_definition(case.definition_key).levels[case.current_level].action
    return perms.holders(case.reviewing_organization, action)


def after_step(case: WorkflowCase, actor: Any) -> None:
    """Queue the notifications of the step just taken (after commit)."""
    step_no = case.revision
    title = case.title or f"{case.subject_type} #{case.subject_id}"
    link = LINKS.get(case.definition_key, "").format(subject_id=case.subject_id)
    if case.state == WorkflowState.SUBMITTED:
        people = reviewers(case)
        text = f"待审核：{title}（{case.level_label}）"
    elif case.state in (WorkflowState.RETURNED, WorkflowState.APPROVED) and case.submitted_by_id:
        people = [case.submitted_by]
        text = f"{'已退回' if case.state == WorkflowState.RETURNED else '已批复'}：{title}"
    else:
        return
    recipients = [p for p in people if p is not None and p.pk != getattr(actor, "pk", None)]

    def send() -> None:
        for person in recipients:
            notification_send(
                recipient=person, title=text, link=link, dedupe_key=f"workflow:{case.pk}:{step_no}"
            )

    transaction.on_commit(send)
