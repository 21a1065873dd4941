"""Disclosure (BUD-13, 信息公开): the unit proposes publishing a project's targets, its
self-evaluation result or an issued evaluation report; the bureau reviews; a published item
appears on the public site (no login) from ``content``, a copy frozen at approval, so later
edits never leak; the bureau may withdraw it (with a reason, audited).

States: 待审核 → 已公开 → 已撤回, or 待审核 → 未通过; ``_move`` is the one state change. The
public reads (``published``, ``get_published``) see only 已公开 rows: anything else is 404.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from jixiao.audit.services import audit_record
from jixiao.budget.evaluation.models import ResultState, SelfEvaluation
from jixiao.budget.evaluation.result_models import (
    PerformanceReport,
    Publication,
    PublicationKind,
    PublicationState,
    ReportKind,
    ReportState,
)
from jixiao.budget.evaluation.results import errors
from jixiao.budget.evaluation.results.actions import RESULTS_ANSWER, RESULTS_MANAGE, RESULTS_VIEW
from jixiao.budget.evaluation.results.common import bureau_of, person
from jixiao.budget.evaluation.results.errors import ResultsError
from jixiao.budget.evaluation.scoring import GRADE_LABELS
from jixiao.budget.evaluation.services import _prefill_items, is_approved
from jixiao.budget.models import Project
from jixiao.budget.services import supervising_department
from jixiao.documents.language import in_official_language, official_text
from jixiao.lib import function_classes
from jixiao.notifications.services import notify_holders
from jixiao.orgs import permissions as perms
from jixiao.orgs.models import Organization, User

PUBLICATION_LINK = "/budget/results/publications/{pk}/"

_TRANSITIONS = {
    PublicationState.PROPOSED: {PublicationState.PUBLISHED, PublicationState.REJECTED},
    PublicationState.PUBLISHED: {PublicationState.WITHDRAWN},
    PublicationState.REJECTED: set(),
    PublicationState.WITHDRAWN: set(),
}


def _move(publication: Publication, to: str) -> None:
    if to not in _TRANSITIONS[PublicationState(publication.state)]:
        message = errors.NOT_PUBLISHED if to == PublicationState.WITHDRAWN else errors.NOT_PROPOSED
        raise ResultsError(message.format(state=publication.get_state_display()))
    publication.state = to


def _text(value: Any) -> str:
    if value is None:
        return ""
    return f"{value.normalize():f}" if hasattr(value, "normalize") else str(value)


# --- The frozen copies -------------------------------------------------------------------------


def _header(project: Project) -> dict[str, Any]:
    return {
        "code": project.code,
        "name": project.name,
        "unit": project.unit.name,
        "department": project.department.name if project.department else "",
        "fiscal_year": project.fiscal_year,
        "sector": function_classes.label(project.function_code) if project.function_code else "",
        "amount": _text(
            project.approved_amount if project.approved_amount is not None else project.annual_total
        ),
        "goal": project.annual_goal,
    }


def targets_content(project: Project) -> dict[str, Any]:
    rows = [
        {
            "level1": r.level1,
            "level2": r.level2,
            "name": r.name,
            "target": r.target_text or _text(r.target_value),
            "unit": r.unit,
            "full_score": _text(r.full_score),
        }
        for r in _prefill_items(project, None)
    ]
    return {"project": _header(project), "targets": rows}


def self_evaluation_content(evaluation: SelfEvaluation) -> dict[str, Any]:
    rate = evaluation.execution_rate
    rows = [
        {
            "level1": r.level1,
            "level2": r.level2,
            "name": r.name,
            "target": r.target_text or _text(r.target_value),
            "unit": r.unit,
            "actual": r.level or _text(r.actual),
            "full_score": _text(r.full_score),
            "score": _text(r.score),
            "explanation": r.explanation,
        }
        for r in evaluation.items.order_by("position", "id")
    ]
    return {
        "project": _header(evaluation.project),
        "budget": _text(evaluation.budget_full_year),
        "executed": _text(evaluation.executed),
        "execution_rate": f"{rate * 100:.2f}%" if rate is not None else "",
        "execution_score": _text(evaluation.execution_score),
        "goal_expected": evaluation.goal_expected,
        "goal_actual": evaluation.goal_actual,
        "total": _text(evaluation.total),
        "grade": GRADE_LABELS.get(evaluation.grade, ""),
        "conclusion": evaluation.conclusion,
        "items": rows,
    }


def report_content(report: PerformanceReport) -> dict[str, Any]:
    return {
        "project": _header(report.evaluation.project) if report.evaluation else {},
        "title": report.title,
        "sections": report.sections,
        "figures": report.figures,
        "issued_at": report.issued_at.date().isoformat() if report.issued_at else "",
    }


@in_official_language
def content_of(publication: Publication) -> dict[str, Any]:
    project = publication.project
    if publication.kind == PublicationKind.TARGETS:
        return targets_content(project)
    if publication.kind == PublicationKind.SELF_EVALUATION:
        return self_evaluation_content(SelfEvaluation.objects.get(project=project))
    return report_content(publication.report)  # type: ignore[arg-type]


# --- Services ----------------------------------------------------------------------------------


def _check_source(project: Project, kind: str, report: PerformanceReport | None) -> None:
    label = str(PublicationKind(kind).label)
    if kind == PublicationKind.TARGETS and not is_approved(project):
        raise ResultsError(errors.PUBLICATION_SOURCE.format(kind=label, what="绩效目标批复"))
    if (
        kind == PublicationKind.SELF_EVALUATION
        and not SelfEvaluation.objects.filter(project=project, state=ResultState.APPROVED).exists()
    ):
        raise ResultsError(errors.PUBLICATION_SOURCE.format(kind=label, what="绩效自评审核通过"))
    if kind == PublicationKind.REPORT and (
        report is None
        or report.kind != ReportKind.EVALUATION
        or report.state != ReportState.ISSUED
        or report.evaluation is None
        or report.evaluation.project_id != project.pk
    ):
        raise ResultsError(errors.PUBLICATION_REPORT)


@transaction.atomic
def publication_propose(
    *,
    actor: User | None,
    project: Project,
    kind: str,
    report: PerformanceReport | None = None,
    note: str = "",
) -> Publication:
    """The unit proposes publishing one item of its project; the bureau is told."""
    perms.require(actor, RESULTS_ANSWER, project.unit)
    _check_source(project, kind, report)
    live = Publication.objects.filter(
        project=project,
        kind=kind,
        state__in=[PublicationState.PROPOSED, PublicationState.PUBLISHED],
    )
    if report is not None:
        live = live.filter(report=report)
    if live.exists():
        raise ResultsError(errors.PUBLICATION_PENDING.format(kind=PublicationKind(kind).label))
    bureau = bureau_of(project.unit)
    department = project.department or supervising_department(project.unit)
    publication = Publication(
        bureau=bureau,
        fiscal_year=project.fiscal_year,
        kind=kind,
        project=project,
        unit=project.unit,
        department=department,
        sector=(project.function_code or "")[:3],
        report=report if kind == PublicationKind.REPORT else None,
        title=report.title
        if kind == PublicationKind.REPORT and report is not None
        else f"{project.name}{official_text(PublicationKind(kind).label)}",
        note=note.strip(),
        proposed_by=person(actor),
    )
    publication.full_clean()
    publication.save()
    audit_record(
        actor=actor,
        action="budget.publication.propose",
        obj=publication,
        organization_id=project.unit_id,
        new={"kind": kind, "project": project.pk, "report": publication.report_id},
    )
    notify_holders(
        organization=bureau,
        action=RESULTS_MANAGE,
        actor=actor,
        title=f"绩效信息公开待审核：{publication.title}",
        link=PUBLICATION_LINK.format(pk=publication.pk),
        dedupe_key=f"publication:{publication.pk}:propose",
    )
    return publication


def _locked(publication: Publication) -> Publication:
    return (
        Publication.objects.select_for_update(of=("self",))
        .select_related("project", "project__unit", "project__department", "unit", "report")
        .get(pk=publication.pk)
    )


@transaction.atomic
def publication_approve(
    *, actor: User | None, publication: Publication, comment: str = ""
) -> Publication:
    """Publish: the item's content is frozen now and shown on the public site."""
    perms.require(actor, RESULTS_MANAGE, publication.unit)
    publication = _locked(publication)
    _move(publication, PublicationState.PUBLISHED)
    publication.content = content_of(publication)
    publication.reviewed_by = person(actor)
    publication.review_comment = comment.strip()
    publication.published_at = timezone.now()
    publication.save()
    audit_record(
        actor=actor,
        action="budget.publication.approve",
        obj=publication,
        organization_id=publication.unit_id,
        old={"state": PublicationState.PROPOSED},
        new={"state": publication.state},
    )
    notify_holders(
        organization=publication.unit,
        action=RESULTS_ANSWER,
        actor=actor,
        title=f"已公开：{publication.title}",
        link=PUBLICATION_LINK.format(pk=publication.pk),
        dedupe_key=f"publication:{publication.pk}:published",
    )
    return publication


@transaction.atomic
def publication_reject(
    *, actor: User | None, publication: Publication, comment: str
) -> Publication:
    perms.require(actor, RESULTS_MANAGE, publication.unit)
    if not comment.strip():
        raise ResultsError(errors.REJECT_COMMENT)
    publication = _locked(publication)
    _move(publication, PublicationState.REJECTED)
    publication.reviewed_by = person(actor)
    publication.review_comment = comment.strip()
    publication.save(update_fields=["state", "reviewed_by", "review_comment"])
    audit_record(
        actor=actor,
        action="budget.publication.reject",
        obj=publication,
        organization_id=publication.unit_id,
        old={"state": PublicationState.PROPOSED},
        new={"state": publication.state, "comment": publication.review_comment},
    )
    notify_holders(
        organization=publication.unit,
        action=RESULTS_ANSWER,
        actor=actor,
        title=f"不予公开：{publication.title}",
        link=PUBLICATION_LINK.format(pk=publication.pk),
        dedupe_key=f"publication:{publication.pk}:rejected",
    )
    return publication


@transaction.atomic
def publication_withdraw(
    *, actor: User | None, publication: Publication, reason: str
) -> Publication:
    """Take a published item off the public site (it answers 404 from now on)."""
    perms.require(actor, RESULTS_MANAGE, publication.unit)
    if not reason.strip():
        raise ResultsError(errors.WITHDRAW_REASON)
    publication = _locked(publication)
    _move(publication, PublicationState.WITHDRAWN)
    publication.withdrawn_at = timezone.now()
    publication.withdraw_reason = reason.strip()
    publication.save(update_fields=["state", "withdrawn_at", "withdraw_reason"])
    audit_record(
        actor=actor,
        action="budget.publication.withdraw",
        obj=publication,
        organization_id=publication.unit_id,
        old={"state": PublicationState.PUBLISHED},
        new={"state": publication.state, "reason": publication.withdraw_reason},
    )
    return publication


# --- Reads in scope ----------------------------------------------------------------------------


def publications_visible(user: Any, *, state: str = "") -> QuerySet[Publication]:
    rows = perms.filter_for_user(
        user,
        Publication.objects.select_related("project", "unit", "department"),
        RESULTS_VIEW,
        "unit",
    )
    return rows.filter(state=state) if state else rows


def get_publication_for_user(user: Any, pk: Any) -> Publication:
    """404 outside the user's scope."""
    return perms.get_for_user(
        user,
        Publication.objects.select_related("project", "unit", "department", "report"),
        pk,
        RESULTS_VIEW,
        org_field="unit",
    )


# --- The public site ---------------------------------------------------------------------------


def published(
    *,
    fiscal_year: int | None = None,
    department: int | None = None,
    sector: str = "",
    kind: str = "",
    q: str = "",
) -> QuerySet[Publication]:
    """What the public sees: published items only, by year, department, sector (function
    class), kind, and a search over title, project code and name, unit and department."""
    rows = Publication.objects.filter(state=PublicationState.PUBLISHED).select_related(
        "unit", "department", "project"
    )
    if fiscal_year:
        rows = rows.filter(fiscal_year=fiscal_year)
    if department:
        rows = rows.filter(department_id=department)
    if sector:
        rows = rows.filter(sector=sector)
    if kind:
        rows = rows.filter(kind=kind)
    for word in q.split()[:5]:
        rows = rows.filter(
            Q(title__icontains=word)
            | Q(project__code__icontains=word)
            | Q(unit__name__icontains=word)
            | Q(department__name__icontains=word)
        )
    return rows.order_by("-fiscal_year", "department__path", "unit__path", "title", "id")


def get_published(pk: Any) -> Publication:
    """A published item for the public; 404 for anything not published (never published,
    under review, rejected or withdrawn) as for a missing one."""
    try:
        return published().get(pk=pk)
    except (Publication.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


@dataclass(frozen=True)
class Facets:
    years: list[int]
    departments: list[Organization]
    sectors: list[tuple[str, str]]


def facets() -> Facets:
    """The filters' choices: only values that have published items (three small queries)."""
    rows = Publication.objects.filter(state=PublicationState.PUBLISHED)
    years = sorted(set(rows.values_list("fiscal_year", flat=True)), reverse=True)
    departments = list(
        Organization.objects.filter(
            pk__in=rows.exclude(department=None).values("department_id")
        ).order_by("path")
    )
    codes = sorted(set(rows.exclude(sector="").values_list("sector", flat=True)))
    return Facets(years, departments, [(c, function_classes.label(c)) for c in codes])
