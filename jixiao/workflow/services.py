"""Transitions of the review workflow (CORE-3). Each function is one transaction: it locks the
case row (``select_for_update``), refuses if the case moved since the caller read it, checks the
state and the actor's permission through :mod:`jixiao.orgs.permissions`, writes the step and
leaves exactly one audit row. System jobs (the demo loader) pass ``actor=None`` and are trusted.

The domain owns its subject and its validation: it validates the form, then calls
``case_submit`` with a snapshot; it calls :func:`ensure_editable` inside its own update service
before changing the subject.

State machine (levels are skipped when the definition's rule finds no reviewer)::

    draft ──submit──▶ submitted@level i ──approve──▶ submitted@level j … ──approve──▶ approved
      ▲  ◀──withdraw──┘ (before any approval)  │                               (locked)
      │                                        └──return──▶ returned ──submit──▶ …   │
      └──────────────────── request_adjustment (kind adjustment) ◀─────────────────────┘
                            cancel_adjustment: draft/returned adjustment ──▶ approved
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from jixiao.audit.services import audit_record, changed
from jixiao.lib.plain import plain
from jixiao.orgs import permissions as perms
from jixiao.orgs.models import Organization, User
from jixiao.workflow import errors
from jixiao.workflow.definitions import WorkflowDefinition, get_definition
from jixiao.workflow.errors import PermissionDeniedError, WorkflowError
from jixiao.workflow.models import (
    EDITABLE_STATES,
    CaseKind,
    ReviewComment,
    StepAction,
    VersionPurpose,
    WorkflowCase,
    WorkflowState,
    WorkflowStep,
    WorkflowVersion,
)
from jixiao.workflow.notify import after_step

# The columns a transition may change (saved with update_fields) and the ones the trail shows.
CASE_FIELDS = [
    "state",
    "kind",
    "current_level",
    "reviewing_organization_id",
    "version_number",
    "approved_version_id",
    "locked",
    "submitted_by_id",
    "submitted_at",
    "decided_at",
    "due_at",
]
_TRAIL_FIELDS = [
    "state",
    "kind",
    "current_level",
    "reviewing_organization_id",
    "version_number",
    "approved_version_id",
    "locked",
    "due_at",
]


# --- Opening and guarding ------------------------------------------------------------------


@transaction.atomic
def case_open(
    *,
    actor: User | None = None,
    subject_type: str,
    subject_id: int,
    organization: Organization,
    definition_key: str,
    title: str = "",
) -> WorkflowCase:
    """The case of a subject, created (as a draft) on first use. A domain calls it when it
    creates the subject, or lazily before the first submit."""
    definition = get_definition(definition_key)
    perms.require(actor, definition.submit_action, organization)
    existing = WorkflowCase.objects.filter(subject_type=subject_type, subject_id=subject_id).first()
    if existing is not None:
        if existing.definition_key != definition_key:
            raise ValueError(f"{subject_type}#{subject_id} follows {existing.definition_key!r}")
        return existing
    case = WorkflowCase(
        definition_key=definition_key,
        subject_type=subject_type,
        subject_id=subject_id,
        organization=organization,
        title=title.strip()[:255],
    )
    case.full_clean()
    case.save()
    _audit(actor, "workflow.open", case, {}, _trail(case))
    return case


@transaction.atomic
def ensure_editable(case: WorkflowCase | None) -> None:
    """Refuse a change to the subject while it is under review or approved (locked).

    Call it inside the domain's update service: it locks the case row until that transaction
    ends, so a submission cannot slip in between the check and the change. No case yet means
    the subject was never submitted: editable."""
    if case is None or case.pk is None:
        return
    state = WorkflowCase.objects.select_for_update().values_list("state", flat=True).get(pk=case.pk)
    if state == WorkflowState.SUBMITTED:
        raise WorkflowError(errors.UNDER_REVIEW)
    if state == WorkflowState.APPROVED:
        raise WorkflowError(errors.LOCKED)


# --- The unit's moves ----------------------------------------------------------------------


@transaction.atomic
def case_submit(
    *,
    actor: User | None,
    case: WorkflowCase,
    snapshot: Mapping[str, Any],
    comment: str = "",
    title: str | None = None,
) -> WorkflowCase:
    """Submit a draft or returned form for review: store ``snapshot`` (the domain's JSON view
    of the subject, validated by the domain before) as the next version, and send the case
    to the first level that has a reviewer."""
    definition = _locked_definition(case)
    perms.require(actor, definition.submit_action, case.organization)
    if case.state not in EDITABLE_STATES:
        raise WorkflowError(errors.LOCKED if case.locked else errors.SUBMIT_NOT_ALLOWED)
    target = _next_level(definition, case.organization, 0)
    if target is None:
        raise WorkflowError(errors.NO_REVIEWER.format(level=definition.levels[-1].label))
    before, from_state, now = _trail(case), case.state, timezone.now()
    version = _add_version(case, actor, snapshot, VersionPurpose.SUBMITTED)
    case.state = WorkflowState.SUBMITTED
    case.submitted_by = _person(actor)
    case.submitted_at = now
    case.decided_at = None
    _enter_level(case, definition, target, now)
    if title is not None:
        case.title = title.strip()[:255]
    _step(case, actor, StepAction.SUBMIT, from_state, comment=comment, version=version)
    _save(case, actor, "workflow.submit", before, {"comment": comment}, extra_fields=["title"])
    after_step(case, actor)
    return case


@transaction.atomic
def case_withdraw(*, actor: User | None, case: WorkflowCase, comment: str = "") -> WorkflowCase:
    """Take a submitted form back to draft, as long as no level has approved it yet."""
    definition = _locked_definition(case)
    perms.require(actor, definition.submit_action, case.organization)
    if case.state != WorkflowState.SUBMITTED:
        raise WorkflowError(errors.WITHDRAW_NOT_SUBMITTED)
    approval = _approval_since_submit(case)
    if approval is not None:
        raise WorkflowError(errors.WITHDRAW_AFTER_REVIEW.format(level=approval.level_label))
    before = _trail(case)
    case.state = WorkflowState.DRAFT
    _leave_level(case)
    _step(case, actor, StepAction.WITHDRAW, WorkflowState.SUBMITTED, comment=comment)
    _save(case, actor, "workflow.withdraw", before, {"comment": comment})
    return case


@transaction.atomic
def comment_resolve(
    *, actor: User | None, comment: ReviewComment, reply: str = ""
) -> ReviewComment:
    """The unit marks a reviewer's comment as dealt with (while it may change the form)."""
    case = WorkflowCase.objects.select_for_update().get(pk=comment.case_id)
    perms.require(actor, get_definition(case.definition_key).submit_action, case.organization)
    if case.state not in EDITABLE_STATES:
        raise WorkflowError(errors.COMMENT_NOT_EDITABLE)
    comment.refresh_from_db()
    if comment.is_resolved:
        raise WorkflowError(errors.COMMENT_ALREADY_RESOLVED)
    comment.resolved_at = timezone.now()
    comment.resolved_by = _person(actor)
    comment.reply = reply.strip()
    comment.save(update_fields=["resolved_at", "resolved_by", "reply"])
    _audit(
        actor,
        "workflow.comment_resolve",
        case,
        {"comment_id": comment.pk, "resolved_at": None},
        {"comment_id": comment.pk, "resolved_at": comment.resolved_at, "reply": comment.reply},
    )
    return comment


@transaction.atomic
def case_request_adjustment(
    *,
    actor: User | None,
    case: WorkflowCase,
    reason: str,
    data: Mapping[str, Any] | None = None,
) -> WorkflowCase:
    """Open an adjustment round on an approved case: it becomes an editable draft of kind
    adjustment and goes through the same review. ``approved_version`` stays the version in
    force until the adjustment is approved. ``data``: e.g. the proposed budget adjustment."""
    definition = _locked_definition(case)
    perms.require(actor, definition.submit_action, case.organization)
    if case.state != WorkflowState.APPROVED:
        raise WorkflowError(errors.ADJUST_NOT_APPROVED)
    if not reason.strip():
        raise WorkflowError(errors.ADJUST_REASON_REQUIRED)
    before = _trail(case)
    case.state = WorkflowState.DRAFT
    case.kind = CaseKind.ADJUSTMENT
    case.locked = False
    _step(
        case,
        actor,
        StepAction.REQUEST_ADJUSTMENT,
        WorkflowState.APPROVED,
        comment=reason.strip(),
        data=data,
    )
    extra = {"reason": reason.strip(), "data": plain(data)}
    _save(case, actor, "workflow.adjustment_request", before, extra)
    return case


@transaction.atomic
def case_cancel_adjustment(
    *, actor: User | None, case: WorkflowCase, reason: str = ""
) -> WorkflowCase:
    """Drop an adjustment that is not under review: the case is approved and locked again.
    The domain restores its subject from ``case.approved_version.data`` if it had changed it."""
    definition = _locked_definition(case)
    perms.require(actor, definition.submit_action, case.organization)
    in_force = case.approved_version
    adjusting = case.kind == CaseKind.ADJUSTMENT and case.state in EDITABLE_STATES
    if not adjusting or in_force is None:
        raise WorkflowError(errors.CANCEL_NOT_ADJUSTMENT)
    before, from_state = _trail(case), case.state
    case.state = WorkflowState.APPROVED
    case.kind = in_force.kind
    case.locked = True
    _step(case, actor, StepAction.CANCEL_ADJUSTMENT, from_state, comment=reason.strip())
    _save(case, actor, "workflow.adjustment_cancel", before, {"reason": reason.strip()})
    return case


# --- The reviewers' moves ------------------------------------------------------------------


@transaction.atomic
def case_approve(
    *,
    actor: User | None,
    case: WorkflowCase,
    comment: str = "",
    data: Mapping[str, Any] | None = None,
    snapshot: Mapping[str, Any] | None = None,
) -> WorkflowCase:
    """Approve at the current level: on to the next level that has a reviewer, or, at the
    last one, approved and locked. ``data`` (e.g. the approved budget amount) is kept on the
    step. At the final approval a version is stored: ``snapshot`` if the domain gives one
    (the form with the approved amounts filled in), else a copy of the submitted version."""
    definition = _locked_definition(case)
    level_index, reviewer = _check_reviewer(actor, case, definition)
    before, now = _trail(case), timezone.now()
    target = _next_level(definition, case.organization, level_index + 1)
    version = None
    if target is not None:
        _enter_level(case, definition, target, now)
    else:
        data_in_force = snapshot if snapshot is not None else _last_version_data(case)
        version = _add_version(case, actor, data_in_force, VersionPurpose.APPROVED)
        case.state = WorkflowState.APPROVED
        case.locked = True
        case.approved_version = version
        case.decided_at = now
        _leave_level(case)
    _step(
        case,
        actor,
        StepAction.APPROVE,
        WorkflowState.SUBMITTED,
        level=level_index,
        level_label=definition.levels[level_index].label,
        organization=reviewer,
        comment=comment,
        data=data,
        version=version,
    )
    _save(case, actor, "workflow.approve", before, {"comment": comment, "data": plain(data)})
    after_step(case, actor)
    return case


@transaction.atomic
def case_return(
    *,
    actor: User | None,
    case: WorkflowCase,
    comment: str,
    item_comments: Iterable[tuple[str, str]] = (),
) -> WorkflowCase:
    """Return the form to the unit with a comment on the whole form (required) and comments
    on single items (``[("indicator:123", "目标值偏低"), …]``). Every comment is kept, for the
    unit to resolve; the next submission starts again at the first level."""
    definition = _locked_definition(case)
    level_index, reviewer = _check_reviewer(actor, case, definition)
    if not comment.strip():
        raise WorkflowError(errors.RETURN_COMMENT_REQUIRED)
    items = _item_comments(item_comments)
    before, label = _trail(case), definition.levels[level_index].label
    case.state = WorkflowState.RETURNED
    case.decided_at = timezone.now()
    _leave_level(case)
    step = _step(
        case,
        actor,
        StepAction.RETURN,
        WorkflowState.SUBMITTED,
        level=level_index,
        level_label=label,
        organization=reviewer,
        comment=comment.strip(),
    )
    ReviewComment.objects.bulk_create(
        ReviewComment(
            case=case,
            step=step,
            item_key=key,
            text=text,
            level=level_index,
            level_label=label,
            version_number=case.version_number,
            author=_person(actor),
            organization=reviewer,
        )
        for key, text in [("", comment.strip()), *items]
    )
    extra = {"comment": comment.strip(), "item_comments": [list(item) for item in items]}
    _save(case, actor, "workflow.return", before, extra)
    after_step(case, actor)
    return case


# --- Helpers -------------------------------------------------------------------------------


def _person(actor: User | None) -> User | None:
    return actor if actor is not None and actor.pk else None


def _locked_definition(case: WorkflowCase) -> WorkflowDefinition:
    """Re-read ``case`` under a row lock; refuse if it moved since the caller read it (another
    person acted meanwhile). The caller's instance is refreshed in place."""
    seen = case.revision
    case.refresh_from_db(from_queryset=WorkflowCase.objects.select_for_update())
    if case.revision != seen:
        raise WorkflowError(errors.CASE_CHANGED)
    return get_definition(case.definition_key)


def _check_reviewer(
    actor: User | None, case: WorkflowCase, definition: WorkflowDefinition
) -> tuple[int, Organization]:
    """The level and organisation ``actor`` reviews for, after checking they may."""
    reviewer = case.reviewing_organization
    if case.state != WorkflowState.SUBMITTED or case.current_level is None or reviewer is None:
        raise WorkflowError(errors.NOT_UNDER_REVIEW)
    perms.require(actor, definition.levels[case.current_level].action, reviewer)
    if actor is not None and actor.pk == case.submitted_by_id:
        raise PermissionDeniedError(errors.SELF_REVIEW)
    return case.current_level, reviewer


def _next_level(
    definition: WorkflowDefinition, organization: Organization, start: int
) -> tuple[int, Organization] | None:
    """The first level from ``start`` on that has a reviewing organisation."""
    for index in range(start, len(definition.levels)):
        level = definition.levels[index]
        reviewer = level.reviewer(organization)
        if reviewer is not None:
            return index, reviewer
        if level.required:
            raise WorkflowError(errors.NO_REVIEWER.format(level=level.label))
    return None


def _enter_level(
    case: WorkflowCase,
    definition: WorkflowDefinition,
    target: tuple[int, Organization],
    now: datetime,
) -> None:
    index, reviewer = target
    due_in = definition.levels[index].due_in
    case.current_level = index
    case.reviewing_organization = reviewer
    case.due_at = now + due_in if due_in is not None else None


def _leave_level(case: WorkflowCase) -> None:
    case.current_level = None
    case.reviewing_organization = None
    case.due_at = None


def _approval_since_submit(case: WorkflowCase) -> WorkflowStep | None:
    last_submit = case.steps.filter(action=StepAction.SUBMIT).order_by("-id").values("id")[:1]
    approvals = case.steps.filter(action=StepAction.APPROVE, id__gt=last_submit)
    return approvals.order_by("-id").first()


def _add_version(
    case: WorkflowCase, actor: User | None, data: Mapping[str, Any], purpose: str
) -> WorkflowVersion:
    if not isinstance(data, Mapping):
        raise TypeError("a snapshot is a dict of the subject's fields and tables")
    case.version_number += 1
    return WorkflowVersion.objects.create(
        case=case,
        number=case.version_number,
        purpose=purpose,
        kind=case.kind,
        data=plain(data),
        created_by=_person(actor),
    )


def _last_version_data(case: WorkflowCase) -> dict[str, Any]:
    data = (
        WorkflowVersion.objects.filter(case=case)
        .order_by("-number")
        .values_list("data", flat=True)
        .first()
    )
    return data if data is not None else {}


def _item_comments(items: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    cleaned = [(str(key).strip(), str(text).strip()) for key, text in items]
    if any(not key or not text for key, text in cleaned):
        raise WorkflowError(errors.ITEM_COMMENT_EMPTY)
    return cleaned


def _step(
    case: WorkflowCase,
    actor: User | None,
    action: str,
    from_state: str,
    *,
    level: int | None = None,
    level_label: str = "",
    organization: Organization | None = None,
    comment: str = "",
    data: Mapping[str, Any] | None = None,
    version: WorkflowVersion | None = None,
) -> WorkflowStep:
    return WorkflowStep.objects.create(
        case=case,
        action=action,
        from_state=from_state,
        to_state=case.state,
        level=level,
        level_label=level_label,
        actor=_person(actor),
        organization=organization if organization is not None else case.organization,
        comment=comment.strip(),
        data=plain(data) if data is not None else None,
        version=version,
    )


def _trail(case: WorkflowCase) -> dict[str, Any]:
    return {name: plain(getattr(case, name)) for name in _TRAIL_FIELDS}


def _save(
    case: WorkflowCase,
    actor: User | None,
    action: str,
    before: dict[str, Any],
    extra: dict[str, Any],
    extra_fields: Iterable[str] = (),
) -> None:
    case.revision += 1
    case.save(update_fields=[*CASE_FIELDS, *extra_fields, "revision", "updated_at"])
    old, new = changed(before, _trail(case))
    _audit(actor, action, case, old, new | {k: v for k, v in extra.items() if v not in ("", None)})


def _audit(
    actor: User | None, action: str, case: WorkflowCase, old: dict[str, Any], new: dict[str, Any]
) -> None:
    """The trail names the subject ("budget.target" #12), so searching the trail for a form
    shows its edits and its review together; ``case_id`` says which case moved."""
    audit_record(
        actor=actor,
        action=action,
        obj=case,
        object_type=case.subject_type,
        object_id=str(case.subject_id),
        organization_id=case.organization_id,
        old=old or None,
        new={"case_id": case.pk, **new},
    )
