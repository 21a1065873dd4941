"""Reads of the budget pages, the API and exports: set-based, scoped through permissions."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from jixiao.audit.models import AuditEvent
from jixiao.budget import permissions as actions
from jixiao.budget.models import ControlNumber, ExAnteAssessment, Project
from jixiao.budget.services import SUBJECT
from jixiao.indicators.levels import level_label
from jixiao.indicators.models import Indicator
from jixiao.orgs import permissions as perms
from jixiao.orgs.models import Organization, OrgKind
from jixiao.workflow.models import WorkflowCase, WorkflowState
from jixiao.workflow.queries import cases_for_subjects


def projects_visible(user: Any) -> QuerySet[Project]:
    return perms.filter_for_user(
        user,
        Project.objects.select_related("unit", "department"),
        actions.PROJECT_VIEW,
        org_field="unit",
    )


def get_project_for_user(user: Any, pk: Any, action: str = actions.PROJECT_VIEW) -> Project:
    """The only way pages and the API fetch a project: 404 outside the user's scope."""
    return perms.get_for_user(
        user,
        Project.objects.select_related("unit", "department", "annual_tree"),
        pk,
        action,
        org_field="unit",
    )


@dataclass(frozen=True)
class ProjectRow:
    project: Project
    case: WorkflowCase | None
    next_step: str


NEXT_STEP = {
    WorkflowState.DRAFT: "完善并提交绩效目标",
    WorkflowState.RETURNED: "按审核意见修改后重新提交",
    WorkflowState.APPROVED: "已批复，按批复目标执行",
}


def next_step(case: WorkflowCase | None) -> str:
    if case is None:
        return ""
    if case.state == WorkflowState.SUBMITTED:
        who = case.reviewing_organization.name if case.reviewing_organization else ""
        return f"等待{who}{case.level_label}"
    return NEXT_STEP.get(WorkflowState(case.state), "")


def project_queryset(
    user: Any, *, fiscal_year: int | None = None, q: str = "", kind: str = ""
) -> QuerySet[Project]:
    """The projects of a list, filtered, in the list's order."""
    qs = projects_visible(user)
    if fiscal_year:
        qs = qs.filter(fiscal_year=fiscal_year)
    if kind:
        qs = qs.filter(kind=kind)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(code__icontains=q) | Q(unit__name__icontains=q))
    return qs.order_by("unit__path", "code")


def _cases(**filters: Any) -> QuerySet[WorkflowCase]:
    return WorkflowCase.objects.filter(subject_type=SUBJECT, **filters).order_by()


def in_state(qs: QuerySet[Project], state: str) -> QuerySet[Project]:
    """The projects of ``qs`` whose declaration is in ``state`` (a project whose case was never
    opened is a draft). Semi-joins on the cases, not a subquery per project."""
    chosen = Q(pk__in=_cases(state=state).values("subject_id"))
    if state == WorkflowState.DRAFT:
        chosen |= ~Q(pk__in=_cases().values("subject_id"))
    return qs.filter(chosen)


def project_state_counts(qs: QuerySet[Project]) -> dict[str, int]:
    """Counts of the projects of ``qs`` by workflow state, and ``"all"`` (two queries)."""
    total = qs.count()
    counts = dict(
        _cases(subject_id__in=qs.order_by().values("pk"))
        .values_list("state")
        .annotate(n=Count("pk"))
    )
    opened = sum(counts.values())
    counts[WorkflowState.DRAFT.value] = counts.get(WorkflowState.DRAFT.value, 0) + total - opened
    counts["all"] = total
    return counts


def rows_of(projects: list[Project]) -> list[ProjectRow]:
    """List rows (case, next step) of the projects given: one page, or an export."""
    cases = cases_for_subjects(SUBJECT, [p.pk for p in projects])
    return [ProjectRow(p, cases.get(p.pk), next_step(cases.get(p.pk))) for p in projects]


def project_rows(
    user: Any, *, fiscal_year: int | None = None, state: str = "", q: str = "", kind: str = ""
) -> tuple[list[ProjectRow], dict[str, int]]:
    """Every row of a project list (exports) and the counts by state."""
    qs = project_queryset(user, fiscal_year=fiscal_year, q=q, kind=kind)
    counts = project_state_counts(qs)
    if state:
        qs = in_state(qs, state)
    return rows_of(list(qs)), counts


@dataclass(frozen=True)
class IndicatorRow:
    indicator: Indicator
    level_label: str
    depth: int
    is_group: bool
    key: str


def target_rows(project: Project) -> list[IndicatorRow]:
    """The declaration's indicator table in reading order (one query)."""
    tree = project.annual_tree
    if tree is None:
        return []
    children: dict[int | None, list[Indicator]] = defaultdict(list)
    for node in tree.indicators.order_by("position", "id"):
        children[node.parent_id].append(node)
    rows: list[IndicatorRow] = []

    def walk(parent: int | None, depth: int) -> None:
        for node in children.get(parent, []):
            rows.append(
                IndicatorRow(
                    node, level_label(node.level), depth, node.level < 3, f"indicator:{node.pk}"
                )
            )
            walk(node.pk, depth + 1)

    walk(None, 0)
    return rows


def project_audit_events(
    project: Project, ex_ante: ExAnteAssessment | None = None
) -> QuerySet[AuditEvent]:
    """The trail of a project: its own rows (with its review), its ex-ante assessment and
    the indicators of its declaration."""
    condition = Q(object_type=SUBJECT, object_id=str(project.pk))
    if ex_ante is not None:
        condition |= Q(object_type="budget.exanteassessment", object_id=str(ex_ante.pk))
    if project.annual_tree_id is not None:
        indicator_ids = Indicator.objects.filter(tree_id=project.annual_tree_id).values_list(
            "pk", flat=True
        )
        condition |= Q(
            object_type="indicators.indicator", object_id__in=[str(pk) for pk in indicator_ids]
        )
    return AuditEvent.objects.filter(condition).order_by("-created_at", "-id")


@dataclass(frozen=True)
class ControlRow:
    department: Organization
    control: Decimal | None
    projects: int
    requested: Decimal
    ex_ante_cut: Decimal
    approved: Decimal

    @property
    def room(self) -> Decimal | None:
        """What is left of the control number after the approved amounts."""
        return None if self.control is None else self.control - self.approved


def control_report(user: Any, fiscal_year: int) -> list[ControlRow]:
    """Per supervising department: its control number against what its units asked for,
    what ex-ante assessments cut and what was approved (BUD-1, BUD-10). Set-based: one
    grouped query over projects, one over control numbers."""
    zero = Value(Decimal(0), output_field=DecimalField(max_digits=18, decimal_places=4))
    sums = (
        projects_visible(user)
        .filter(fiscal_year=fiscal_year, department__isnull=False)
        .values("department_id")
        .annotate(
            projects=Count("pk"),
            requested=Coalesce(Sum("annual_total"), zero),
            approved=Coalesce(Sum("approved_amount"), zero),
            ex_ante_requested=Coalesce(
                Sum("ex_ante__requested_amount", filter=Q(ex_ante__approved_amount__isnull=False)),
                zero,
            ),
            ex_ante_approved=Coalesce(Sum("ex_ante__approved_amount"), zero),
        )
    )
    by_dept = {row["department_id"]: row for row in sums}
    departments = (
        perms.visible_organizations(user, actions.PROJECT_VIEW)
        .filter(kind=OrgKind.SUPERVISING_DEPARTMENT)
        .order_by("path")
    )
    controls = dict(
        ControlNumber.objects.filter(
            fiscal_year=fiscal_year, department__in=departments
        ).values_list("department_id", "amount")
    )
    rows = []
    for dept in departments:
        row = by_dept.get(dept.pk, {})
        rows.append(
            ControlRow(
                department=dept,
                control=controls.get(dept.pk),
                projects=row.get("projects", 0),
                requested=row.get("requested", Decimal(0)),
                ex_ante_cut=row.get("ex_ante_requested", Decimal(0))
                - row.get("ex_ante_approved", Decimal(0)),
                approved=row.get("approved", Decimal(0)),
            )
        )
    return rows
