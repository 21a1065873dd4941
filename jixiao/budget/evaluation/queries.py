"""Reads of evaluation for pages, the API, exports and reports: scoped, set-based.

The access helpers are the only way code obtains a self-evaluation or an evaluation for a
person (404 for what they may not see): ``get_self_evaluation_for_user`` and
``get_evaluation_for_user``. A third-party evaluator or expert sees an evaluation only
through an assignment, never through an organisation subtree.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from jixiao.budget.evaluation import permissions as actions
from jixiao.budget.evaluation.models import (
    Evaluation,
    EvaluationAssignment,
    EvaluationItem,
    EvaluationKind,
    EvaluationState,
    Grade,
    ResultState,
    SelfEvaluation,
    SelfEvaluationItem,
)
from jixiao.budget.evaluation.results.actions import RESULTS_VIEW
from jixiao.budget.evaluation.scoring import audit_rows
from jixiao.budget.evaluation.services import bureau_of, rules_for, settings_for
from jixiao.budget.models import ControlNumber, DeclarationKind, Project
from jixiao.budget.monitoring.models import Colour, MonitoringWarning, WarningKind
from jixiao.budget.monitoring.services import approved_projects
from jixiao.indicators.scoring import SheetError
from jixiao.orgs import permissions as perms
from jixiao.orgs.models import Organization

SUBMITTED_STATES = (ResultState.SUBMITTED, ResultState.APPROVED)
AMOUNT = Decimal("0.0001")


# --- Access ----------------------------------------------------------------------------------


def self_evaluations_visible(user: Any) -> QuerySet[SelfEvaluation]:
    return perms.filter_for_user(
        user,
        SelfEvaluation.objects.select_related("project", "unit", "project__department"),
        actions.SELF_EVALUATION_VIEW,
        org_field="unit",
    )


def get_self_evaluation_for_user(
    user: Any, pk: Any, action: str = actions.SELF_EVALUATION_VIEW
) -> SelfEvaluation:
    """404 outside the user's scope for ``action``."""
    return perms.get_for_user(
        user,
        SelfEvaluation.objects.select_related("project", "unit", "project__department"),
        pk,
        action,
        org_field="unit",
    )


def self_items(evaluation: SelfEvaluation) -> QuerySet[SelfEvaluationItem]:
    return evaluation.items.order_by("position", "id")


def evaluations_visible(user: Any) -> QuerySet[Evaluation]:
    """Evaluations in the user's scope (bureau, departments, units, leaders), plus those the
    user is assigned to (evaluators and experts: only those)."""
    if not getattr(user, "is_authenticated", False):
        return Evaluation.objects.none()
    scoped = perms.scope_q(user, actions.EVALUATION_VIEW, "project__unit")
    assigned = Exists(EvaluationAssignment.objects.filter(evaluation=OuterRef("pk"), user=user))
    return (
        Evaluation.objects.filter(scoped | Q(assigned))
        .select_related("project", "project__unit", "bureau")
        .order_by("-fiscal_year", "-id")
    )


def get_evaluation_for_user(user: Any, pk: Any, write: bool = False) -> Evaluation:
    """The one way to an evaluation: its bureau's managers (``write``), the people assigned
    to it, and (read only) the people whose scope holds the evaluated unit; 404 for others."""
    try:
        evaluation = Evaluation.objects.select_related(
            "project", "project__unit", "bureau", "self_evaluation"
        ).get(pk=pk)
    except (Evaluation.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    if perms.can(user, actions.EVALUATION_MANAGE, evaluation.bureau):
        return evaluation
    if is_assigned(user, evaluation):
        return evaluation
    if not write and perms.can(user, actions.EVALUATION_VIEW, evaluation.project.unit):
        return evaluation
    raise Http404


def is_assigned(user: Any, evaluation: Evaluation) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return EvaluationAssignment.objects.filter(evaluation=evaluation, user=user).exists()


def managed_bureau(user: Any) -> Organization | None:
    """The finance bureau whose evaluations the user manages (None: none)."""
    from jixiao.orgs.models import OrgKind

    return (
        perms.visible_organizations(user, actions.EVALUATION_MANAGE)
        .filter(kind=OrgKind.FINANCE_BUREAU)
        .order_by("path")
        .first()
    )


def results_bureau(user: Any) -> Organization:
    """The bureau whose results the user reads: the one above their highest scope of
    ``budget.results.view``; 404 for a user without one."""
    top = perms.visible_organizations(user, RESULTS_VIEW).order_by("depth").first()
    bureau = bureau_of(top) if top is not None else None
    if bureau is None:
        raise Http404
    return bureau


# --- Coverage --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CoverageRow:
    project: Project
    self_evaluation: SelfEvaluation | None

    @property
    def state_label(self) -> str:
        if self.self_evaluation is None:
            return gettext("未开始")
        return str(self.self_evaluation.get_state_display())

    @property
    def state(self) -> str:
        """The state for the status colours (UI.md): ``none`` when no table was made yet."""
        return self.self_evaluation.state if self.self_evaluation is not None else "none"

    @property
    def submitted(self) -> bool:
        return self.self_evaluation is not None and self.self_evaluation.state in SUBMITTED_STATES


def coverage(user: Any, bureau: Organization, fiscal_year: int) -> list[CoverageRow]:
    """Every approved declaration of the year in the user's scope with its self-evaluation
    (or none); the ones not submitted first."""
    projects = perms.filter_for_user(
        user,
        approved_projects(bureau, fiscal_year).select_related("unit", "department"),
        actions.SELF_EVALUATION_VIEW,
        org_field="unit",
    )
    evaluations = {
        e.project_id: e for e in SelfEvaluation.objects.filter(project__in=projects.values("pk"))
    }
    rows = [CoverageRow(p, evaluations.get(p.pk)) for p in projects.order_by("unit__path", "code")]
    rows.sort(key=lambda row: row.submitted)
    return rows


# --- Selection for key evaluation ------------------------------------------------------------


def selection_candidates(
    bureau: Organization,
    fiscal_year: int,
    *,
    sectors: Sequence[str] = (),
    min_amount: Decimal | None = None,
    max_amount: Decimal | None = None,
    warning_colours: Sequence[str] = (),
    sample: int | None = None,
    seed: int | None = None,
    kind: str = DeclarationKind.PROJECT,
) -> list[Project]:
    """Approved declarations of the year by sector (function-class prefixes: 213 农林水,
    205 教育 …), amount (approved, else declared), warnings of the year's monitoring rounds
    (the project's combined colour) and a reproducible random sample (``seed``)."""
    projects = approved_projects(bureau, fiscal_year).filter(kind=kind).select_related("unit")
    if sectors:
        q = Q()
        for prefix in sectors:
            q |= Q(function_code__startswith=prefix)
        projects = projects.filter(q)
    if warning_colours:
        warned = MonitoringWarning.objects.filter(
            round__fiscal_year=fiscal_year,
            round__bureau=bureau,
            kind=WarningKind.COMBINED,
            colour__in=list(warning_colours),
        ).values("project_id")
        projects = projects.filter(pk__in=warned)
    rows = list(projects.order_by("code"))
    if min_amount is not None:
        rows = [p for p in rows if amount_of(p) >= min_amount]
    if max_amount is not None:
        rows = [p for p in rows if amount_of(p) <= max_amount]
    if sample is not None and sample < len(rows):
        chosen = random.Random(seed).sample(rows, sample)  # noqa: S311 (a reproducible sample)
        rows = sorted(chosen, key=lambda p: p.code)
    return rows


def amount_of(project: Project) -> Decimal:
    return project.approved_amount if project.approved_amount is not None else project.annual_total


WARNING_CHOICES = [(Colour.RED.value, "红色"), (Colour.YELLOW.value, "黄色")]


# --- Re-evaluation ---------------------------------------------------------------------------


def evaluation_items(evaluation: Evaluation) -> QuerySet[EvaluationItem]:
    return evaluation.items.order_by("position", "id")


@dataclass(frozen=True)
class ExpertColumn:
    assignment: EvaluationAssignment
    scores: dict[int, Decimal]


def expert_table(evaluation: Evaluation) -> list[ExpertColumn]:
    """Each assigned person's scores by item id (one query for the scores)."""
    assignments = list(evaluation.assignments.select_related("user").order_by("id"))
    by: dict[int, dict[int, Decimal]] = defaultdict(dict)
    from jixiao.budget.evaluation.models import ExpertScore

    for assignment_id, item_id, score in ExpertScore.objects.filter(
        assignment__evaluation=evaluation
    ).values_list("assignment_id", "item_id", "score"):
        by[assignment_id][item_id] = score
    return [ExpertColumn(a, by.get(a.pk, {})) for a in assignments]


# --- Quality check ---------------------------------------------------------------------------

SHORTFALL_FULL = "shortfall_full"
MET_CUT = "met_cut_without_reason"
RULE_BREAK = "rule_break"
TOTAL_NOT_SUM = "total_not_sum"
FULL_SUM = "full_sum"
FINDING_LABELS = {
    SHORTFALL_FULL: "未完成目标却得满分",
    MET_CUT: "已完成目标被扣分且未说明理由",
    RULE_BREAK: "得分不符合计分规则",
    TOTAL_NOT_SUM: "总分不等于各项得分之和",
    FULL_SUM: "分值合计不等于满分",
}
WEIGHT = {SHORTFALL_FULL: 3, TOTAL_NOT_SUM: 3, MET_CUT: 2, FULL_SUM: 2, RULE_BREAK: 1}


@dataclass(frozen=True)
class Finding:
    code: str
    item: str
    text: str

    @property
    def label(self) -> str:
        return FINDING_LABELS[self.code]


@dataclass
class SheetFindings:
    self_evaluation: SelfEvaluation
    findings: list[Finding] = field(default_factory=list)

    @property
    def weight(self) -> int:
        return sum(WEIGHT[f.code] for f in self.findings)


@dataclass
class UnitFindings:
    unit: Organization
    sheets: list[SheetFindings] = field(default_factory=list)

    @property
    def weight(self) -> int:
        return sum(s.weight for s in self.sheets)

    @property
    def count(self) -> int:
        return sum(len(s.findings) for s in self.sheets)


@dataclass
class QualityReport:
    checked: int
    units: list[UnitFindings]

    @property
    def findings(self) -> int:
        return sum(u.count for u in self.units)


def quality_check(bureau: Organization, fiscal_year: int) -> QualityReport:
    """Run the engine's audit over every submitted self-evaluation of the bureau's year: the
    scores as the unit reported them against the rules (shortfalls scored full, met targets
    cut without a reason, other scores the rules do not give), totals that are not the sum of
    their items, full scores that do not add up to 100. Units with the heaviest findings
    first."""
    rules = rules_for(bureau, fiscal_year)
    evaluations = list(
        SelfEvaluation.objects.filter(
            fiscal_year=fiscal_year, state__in=SUBMITTED_STATES, unit__path__startswith=bureau.path
        ).select_related("project", "unit")
    )
    items: dict[int, list[SelfEvaluationItem]] = defaultdict(list)
    for row in SelfEvaluationItem.objects.filter(
        self_evaluation__in=[e.pk for e in evaluations]
    ).order_by("self_evaluation_id", "position", "id"):
        items[row.self_evaluation_id].append(row)
    units: dict[int, UnitFindings] = {}
    for evaluation in evaluations:
        found = sheet_findings(evaluation, items[evaluation.pk], rules)
        if found.findings:
            units.setdefault(evaluation.unit_id, UnitFindings(evaluation.unit)).sheets.append(found)
    ranked = sorted(units.values(), key=lambda u: (-u.weight, u.unit.path))
    for unit in ranked:
        unit.sheets.sort(key=lambda s: -s.weight)
    return QualityReport(len(evaluations), ranked)


def sheet_findings(
    evaluation: SelfEvaluation, rows: list[SelfEvaluationItem], rules: Any
) -> SheetFindings:
    found = SheetFindings(evaluation)
    published_total = (
        evaluation.reported_total if evaluation.reported_total is not None else evaluation.total
    )
    if published_total is None:
        return found
    try:
        result, order = audit_rows(
            title=str(evaluation.project),
            budget=evaluation.budget_full_year,
            executed=evaluation.executed,
            rows=rows,
            rules=rules,
            published_total=published_total,
            published_execution=evaluation.execution_score,
        )
    except SheetError as exc:
        found.findings.append(Finding(RULE_BREAK, "", "；".join(exc.messages)))
        return found
    audit = result.audit
    if audit is None:  # audit_sheet always sets it
        return found
    by_path = {result.items[position + 1].path: rows[n] for position, n in enumerate(order)}
    for deviation in audit.deviations:
        row = by_path.get(deviation.path)
        name = deviation.path[-1]
        text = f"填报{deviation.published}分，按规则应为{deviation.computed}分"
        found.findings.append(Finding(_classify(row, deviation), name, text))
    if audit.total_consistent is False:
        text = f"填报总分{audit.published_total}，各项得分之和为{audit.published_sum}"
        found.findings.append(Finding(TOTAL_NOT_SUM, "", text))
    if not audit.full_sum_consistent:
        text = f"各项分值合计{audit.full_sum}，应为{result.scale}"
        found.findings.append(Finding(FULL_SUM, "", text))
    return found


def _classify(row: SelfEvaluationItem | None, deviation: Any) -> str:
    if row is None:
        return RULE_BREAK
    full = row.full_score
    if deviation.published >= full and deviation.computed < full:
        return SHORTFALL_FULL
    if deviation.computed >= full and deviation.published < full and not row.explanation.strip():
        return MET_CUT
    return RULE_BREAK


# --- Results and the next year's budget ------------------------------------------------------


@dataclass
class ResultRow:
    project: Project
    total: Decimal | None
    grade: str
    source: str

    @property
    def grade_label(self) -> str:
        return Grade(self.grade).label if self.grade in Grade.values else _("未评价")


def project_results(user: Any, bureau: Organization, fiscal_year: int) -> list[ResultRow]:
    """The result in force for every approved declaration of the year in the user's scope:
    the latest finished evaluation (key, re-evaluation, department), else the submitted
    self-evaluation, else none."""
    projects = list(
        perms.filter_for_user(
            user,
            approved_projects(bureau, fiscal_year).select_related("unit", "department"),
            actions.EVALUATION_VIEW,
            org_field="unit",
        ).order_by("department__path", "unit__path", "code")
    )
    ids = [p.pk for p in projects]
    finished: dict[int, Evaluation] = {}
    for evaluation in Evaluation.objects.filter(
        project_id__in=ids, state=EvaluationState.FINISHED
    ).order_by("finished_at", "id"):
        finished[evaluation.project_id] = evaluation  # the latest wins
    selves = {
        e.project_id: e
        for e in SelfEvaluation.objects.filter(project_id__in=ids, state__in=SUBMITTED_STATES)
    }
    rows = []
    kinds = dict(EvaluationKind.choices)
    for project in projects:
        if project.pk in finished:
            e = finished[project.pk]
            rows.append(ResultRow(project, e.total, e.grade, kinds[e.kind]))
        elif project.pk in selves:
            s = selves[project.pk]
            rows.append(ResultRow(project, s.total, s.grade, "绩效自评"))
        else:
            rows.append(ResultRow(project, None, "", ""))
    return rows


ACTIONS = {
    Grade.EXCELLENT: "优先保障",
    Grade.GOOD: "按实际需要保障",
    Grade.FAIR: "压减{share}%",
    Grade.POOR: "取消或暂停，扣减预算控制数",
    "": "未评价，暂按原额",
}


@dataclass
class ProposalRow:
    result: ResultRow
    base: Decimal
    proposed: Decimal
    action: str

    @property
    def cut(self) -> Decimal:
        return self.base - self.proposed


@dataclass
class DepartmentRow:
    department: Organization | None
    base: Decimal = Decimal(0)
    proposed: Decimal = Decimal(0)
    control: Decimal | None = None
    control_cut: Decimal = Decimal(0)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def cut(self) -> Decimal:
        return self.base - self.proposed

    @property
    def control_proposed(self) -> Decimal | None:
        return None if self.control is None else self.control - self.control_cut


@dataclass
class Proposal:
    fiscal_year: int
    fair_cut: Decimal
    rows: list[ProposalRow]
    departments: list[DepartmentRow]

    @property
    def base(self) -> Decimal:
        return sum((r.base for r in self.rows), Decimal(0))

    @property
    def proposed(self) -> Decimal:
        return sum((r.proposed for r in self.rows), Decimal(0))

    @property
    def cut(self) -> Decimal:
        return self.base - self.proposed

    @property
    def control_cut(self) -> Decimal:
        return sum((d.control_cut for d in self.departments), Decimal(0))


def proposal(user: Any, bureau: Organization, fiscal_year: int) -> Proposal:
    """Next year's proposal from this year's grades (RULES.md, results and budgets): 优 kept
    with priority, 良 kept as needed, 中 cut by the year's ``fair_cut`` share, 差 cancelled or
    suspended with its amount taken off the supervising department's control number for the
    next year (that year's control number, else this year's)."""
    settings = settings_for(bureau, fiscal_year)
    share = settings.fair_cut
    rows = []
    for result in project_results(user, bureau, fiscal_year):
        base = amount_of(result.project)
        if result.grade == Grade.FAIR:
            proposed = (base * (1 - share)).quantize(AMOUNT, rounding=ROUND_HALF_UP)
        elif result.grade == Grade.POOR:
            proposed = Decimal(0)
        else:
            proposed = base
        percent = (share * 100).normalize()
        action = ACTIONS[result.grade].format(share=f"{percent:f}")
        rows.append(ProposalRow(result, base, proposed, action))
    return Proposal(fiscal_year + 1, share, rows, _departments(rows, fiscal_year))


def _departments(rows: list[ProposalRow], fiscal_year: int) -> list[DepartmentRow]:
    by: dict[int | None, DepartmentRow] = {}
    for row in rows:
        department = row.result.project.department
        key = department.pk if department is not None else None
        entry = by.setdefault(key, DepartmentRow(department))
        entry.base += row.base
        entry.proposed += row.proposed
        grade = row.result.grade or "none"
        entry.counts[grade] = entry.counts.get(grade, 0) + 1
        if row.result.grade == Grade.POOR:
            entry.control_cut += row.cut
    controls: dict[int, Decimal] = {}
    for department_id, _year, amount in (
        ControlNumber.objects.filter(
            department_id__in=[k for k in by if k is not None],
            fiscal_year__in=[fiscal_year, fiscal_year + 1],
        )
        .order_by("fiscal_year")
        .values_list("department_id", "fiscal_year", "amount")
    ):
        controls[department_id] = amount  # the next year's wins when both exist
    for key, entry in by.items():
        if key is not None:
            entry.control = controls.get(key)
    return sorted(by.values(), key=lambda d: d.department.path if d.department else "")
