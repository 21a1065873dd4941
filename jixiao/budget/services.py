"""Writes of budget performance management, part I: projects, their performance targets,
ex-ante assessments, and the review of targets on the generic workflow.

Each function is one transaction, checks permission through ``jixiao.orgs.permissions`` and
leaves audit rows; edits of a project or its targets go through ``workflow.ensure_editable``,
so nothing changes while a declaration is under review or after it is approved.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.files.base import File
from django.db import transaction
from django.utils import timezone

from jixiao.audit.services import audit_record, audited_update, snapshot
from jixiao.budget import deadlines, errors
from jixiao.budget import permissions as actions
from jixiao.budget.checks import CheckResult, check_targets
from jixiao.budget.models import (
    BudgetYearSettings,
    Conclusion,
    ControlNumber,
    DeclarationKind,
    ExAnteAssessment,
    Project,
)
from jixiao.indicators import services as indicators
from jixiao.indicators.library import entry_indicator_fields, library_promote
from jixiao.indicators.models import Indicator, IndicatorTree, LibraryIndicator, TreeKind
from jixiao.indicators.sheets import tree_score
from jixiao.indicators.standard import templates_install
from jixiao.orgs import permissions as perms
from jixiao.orgs.errors import NO_PERMISSION, PermissionDeniedError
from jixiao.orgs.models import Organization, OrgKind, User
from jixiao.workflow import services as workflow
from jixiao.workflow.models import WorkflowCase, WorkflowState

SUBJECT = "budget.project"
TARGET_TEMPLATE = "budget-project-target"
EX_ANTE_TEMPLATE = "ex-ante-assessment"
DEFAULT_EX_ANTE_THRESHOLD = Decimal(500)
DEFAULT_INDICATOR_SCALE = Decimal(90)  # the self-evaluation adds budget execution (10)

PROJECT_FIELDS = [
    "kind",
    "basic_expenditure",
    "project_expenditure",
    "fiscal_year",
    "code",
    "name",
    "unit_id",
    "department_id",
    "function_code",
    "is_new",
    "is_major_policy",
    "start_year",
    "end_year",
    "annual_total",
    "annual_fiscal",
    "annual_carryover",
    "annual_other",
    "midterm_total",
    "midterm_fiscal",
    "midterm_other",
    "annual_goal",
    "midterm_goal",
    "manager",
    "manager_phone",
]
EDITABLE = set(PROJECT_FIELDS) - {"kind", "fiscal_year", "unit_id", "department_id"}
UNIT_KINDS = (OrgKind.BUDGET_UNIT, OrgKind.SUBORDINATE_UNIT)


def supervising_department(unit: Organization) -> Organization | None:
    ids = [int(seg) for seg in unit.path.split(".") if seg]
    return (
        Organization.objects.filter(pk__in=ids, kind=OrgKind.SUPERVISING_DEPARTMENT)
        .order_by("-depth")
        .first()
    )


def case_of(project: Project) -> WorkflowCase:
    return WorkflowCase.objects.get(subject_type=SUBJECT, subject_id=str(project.pk))


# --- Projects -------------------------------------------------------------------------------


@transaction.atomic
def project_create(
    *,
    actor: User | None,
    unit: Organization,
    fiscal_year: int,
    code: str,
    name: str,
    function_code: str,
    start_year: int,
    end_year: int,
    **values: Any,
) -> Project:
    """A new project declaration (草稿) with the standard target framework."""
    perms.require(actor, actions.PROJECT_CHANGE, unit)
    if unit.kind not in UNIT_KINDS:
        raise errors.BudgetError(errors.UNIT_KIND)
    if Project.objects.filter(fiscal_year=fiscal_year, code=code).exists():
        raise errors.BudgetError(errors.CODE_TAKEN.format(year=fiscal_year, code=code))
    unknown = set(values) - EDITABLE - {"kind"}
    if unknown:
        raise ValueError(f"unknown fields: {sorted(unknown)}")
    project = Project(
        unit=unit,
        department=supervising_department(unit),
        fiscal_year=fiscal_year,
        code=code,
        name=name,
        function_code=function_code,
        start_year=start_year,
        end_year=end_year,
        created_by=actor,
        **values,
    )
    _validate_project(project)
    project.save()
    project.annual_tree = _target_tree(actor, project)
    project.save(update_fields=["annual_tree"])
    audit_record(
        actor=actor,
        action="budget.project.create",
        obj=project,
        organization_id=unit.pk,
        new=snapshot(project, PROJECT_FIELDS),
    )
    workflow.case_open(
        actor=actor,
        subject_type=SUBJECT,
        subject_id=str(project.pk),
        organization=unit,
        definition_key=actions.TARGET_WORKFLOW,
        title=f"{project.code} {project.name}",
    )
    return project


@transaction.atomic
def department_declaration_create(
    *, actor: User | None, unit: Organization, fiscal_year: int, **values: Any
) -> Project:
    """The unit's department overall expenditure (部门整体支出) declaration for a year."""
    if Project.objects.filter(
        unit=unit, fiscal_year=fiscal_year, kind=DeclarationKind.DEPARTMENT
    ).exists():
        raise errors.BudgetError(errors.DEPARTMENT_EXISTS.format(year=fiscal_year))
    return project_create(
        actor=actor,
        unit=unit,
        fiscal_year=fiscal_year,
        kind=DeclarationKind.DEPARTMENT,
        code=f"{unit.code}-{fiscal_year}-BM",
        name=f"{unit.name}{fiscal_year}年度部门整体支出",
        function_code="",
        start_year=fiscal_year,
        end_year=fiscal_year,
        is_new=False,
        **values,
    )


def _standard_copy(actor: User | None, project: Project, code: str, name: str) -> IndicatorTree:
    """A copy of the standard template ``code`` for the project (installed on first use)."""
    template = IndicatorTree.objects.filter(
        kind=TreeKind.TEMPLATE, code=code, organization=None
    ).first()
    if template is None:
        templates_install()
        template = IndicatorTree.objects.get(kind=TreeKind.TEMPLATE, code=code, organization=None)
    return indicators.tree_copy(
        actor=actor,
        template=template,
        organization=project.unit,
        name=name,
        owner_type=SUBJECT,
        owner_id=str(project.pk),
        authorized=True,
    )


def _target_tree(actor: User | None, project: Project) -> IndicatorTree:
    tree = _standard_copy(actor, project, TARGET_TEMPLATE, f"{project.name}年度绩效指标")
    tree.scale = year_settings(project).indicator_scale
    tree.save(update_fields=["scale"])
    return tree


def _validate_project(project: Project) -> None:
    if project.end_year < project.start_year:  # before full_clean, whose message is generic
        raise errors.BudgetError(errors.YEARS_ORDER)
    project.full_clean(exclude=["annual_tree", "midterm_tree"])
    if project.is_department:
        split = project.basic_expenditure + project.project_expenditure
        if split != project.annual_total:
            raise errors.BudgetError(
                errors.DEPARTMENT_SPLIT.format(
                    total=_money(project.annual_total), parts=_money(split)
                )
            )
    elif not project.function_code:
        raise errors.BudgetError(errors.FUNCTION_REQUIRED)
    parts = project.annual_fiscal + project.annual_carryover + project.annual_other
    if parts != project.annual_total:
        raise errors.BudgetError(
            errors.FUNDS_SPLIT.format(total=_money(project.annual_total), parts=_money(parts))
        )
    mid_parts = project.midterm_fiscal + project.midterm_other
    if (project.midterm_total or mid_parts) and mid_parts != project.midterm_total:
        raise errors.BudgetError(
            errors.MIDTERM_SPLIT.format(
                total=_money(project.midterm_total), parts=_money(mid_parts)
            )
        )


def _money(value: Decimal) -> str:
    return f"{value:,.2f}"


@transaction.atomic
def project_update(*, actor: User | None, project: Project, **values: Any) -> Project:
    perms.require(actor, actions.PROJECT_CHANGE, project.unit)
    workflow.ensure_editable(case_of(project))
    if (
        "code" in values
        and Project.objects.filter(fiscal_year=project.fiscal_year, code=values["code"])
        .exclude(pk=project.pk)
        .exists()
    ):
        raise errors.BudgetError(
            errors.CODE_TAKEN.format(year=project.fiscal_year, code=values["code"])
        )
    for field, value in values.items():
        setattr(project, field, value)
    _validate_project(project)
    project.refresh_from_db(fields=list(values))  # audited_update compares before and after
    return audited_update(
        project,
        values,
        actor=actor,
        action="budget.project.update",
        allowed=EDITABLE,
        fields=PROJECT_FIELDS,
        organization_id=project.unit_id,
    )


# --- Target indicators -----------------------------------------------------------------------


def target_tree(project: Project) -> IndicatorTree:
    if project.annual_tree is None:  # every project gets one at creation
        raise ValueError(f"project {project.pk} has no target tree")
    return project.annual_tree


def _editable_tree(actor: User | None, project: Project) -> IndicatorTree:
    perms.require(actor, actions.PROJECT_CHANGE, project.unit)
    workflow.ensure_editable(case_of(project))
    return target_tree(project)


def with_rule(fields: dict[str, Any]) -> dict[str, Any]:
    """A declaration's scoring rule follows its nature: ≥ ≤ = score as gte/lte/eq, a
    qualitative indicator by the evaluator's level; set it unless the caller chose one."""
    fields = dict(fields)
    if fields.get("kind") == "qualitative":
        fields.setdefault("rule", "qualitative")
        fields["direction"] = ""
    elif fields.get("direction"):
        fields.setdefault("kind", "quantitative")
        fields.setdefault("rule", fields["direction"])
    return fields


@transaction.atomic
def target_indicator_add(
    *, actor: User | None, project: Project, parent: Indicator, name: str, **fields: Any
) -> Indicator:
    fields = with_rule(fields)
    tree = _editable_tree(actor, project)
    if parent.tree_id != tree.pk:
        raise errors.BudgetError(errors.NOT_A_TARGET_INDICATOR)
    return indicators.indicator_add(
        actor=actor, tree=tree, parent=parent, name=name, authorized=True, **fields
    )


@transaction.atomic
def target_indicator_update(
    *, actor: User | None, project: Project, indicator: Indicator, **fields: Any
) -> Indicator:
    fields = with_rule(fields)
    tree = _editable_tree(actor, project)
    if indicator.tree_id != tree.pk:
        raise errors.BudgetError(errors.NOT_A_TARGET_INDICATOR)
    return indicators.indicator_update(actor=actor, indicator=indicator, authorized=True, **fields)


@transaction.atomic
def target_indicator_delete(*, actor: User | None, project: Project, indicator: Indicator) -> None:
    tree = _editable_tree(actor, project)
    if indicator.tree_id != tree.pk or indicator.level < 3:
        raise errors.BudgetError(errors.NOT_A_TARGET_INDICATOR)
    indicators.indicator_delete(actor=actor, indicator=indicator, authorized=True)


@transaction.atomic
def target_indicator_from_library(
    *,
    actor: User | None,
    project: Project,
    entry: LibraryIndicator,
    full_score: Decimal,
    target_value: Decimal | None = None,
) -> Indicator:
    """Copy a library indicator into the declaration, under its level-2 category."""
    tree = _editable_tree(actor, project)
    parent = tree.indicators.filter(level=2, name=entry.level2).first()
    if parent is None:
        raise errors.BudgetError(errors.NO_SUCH_CATEGORY.format(category=entry.level2))
    fields = entry_indicator_fields(entry)
    if target_value is not None:
        fields["target_value"] = target_value
    return indicators.indicator_add(
        actor=actor,
        tree=tree,
        parent=parent,
        name=entry.name,
        full_score=full_score,
        authorized=True,
        **fields,
    )


@transaction.atomic
def target_indicator_promote(
    *, actor: User | None, project: Project, indicator: Indicator, keywords: str = ""
) -> LibraryIndicator:
    """The finance bureau puts an approved project's indicator into its library."""
    case = case_of(project)
    if case.state != WorkflowState.APPROVED or indicator.tree_id != project.annual_tree_id:
        raise errors.BudgetError(errors.PROMOTE_APPROVED_ONLY)
    bureau = Organization.objects.filter(
        pk__in=[int(seg) for seg in project.unit.path.split(".") if seg],
        kind=OrgKind.FINANCE_BUREAU,
    ).first()
    if bureau is None:
        raise errors.BudgetError(errors.PROMOTE_APPROVED_ONLY)
    return library_promote(
        actor=actor,
        indicator=indicator,
        organization=bureau,
        fiscal_year=project.fiscal_year,
        sector=project.function_code,
        category=project.department.name if project.department else "",
        fund_use=project.name,
        keywords=keywords,
    )


def targets_check(project: Project) -> CheckResult:
    """The completeness check of the declaration (errors block submission)."""
    tree = target_tree(project)
    return check_targets(
        tree.indicators.all(),
        scale=tree.scale,
        goals={"年度目标": project.annual_goal},
    )


# --- Ex-ante assessment ------------------------------------------------------------------------


def year_settings(project: Project) -> BudgetYearSettings:
    """The bureau's settings for the project's year (defaults when none were saved)."""
    bureau_ids = [int(seg) for seg in project.unit.path.split(".") if seg][:1]
    found = BudgetYearSettings.objects.filter(
        bureau_id__in=bureau_ids, fiscal_year=project.fiscal_year
    ).first()
    return found or BudgetYearSettings(fiscal_year=project.fiscal_year)


@transaction.atomic
def year_settings_set(
    *,
    actor: User | None,
    bureau: Organization,
    fiscal_year: int,
    ex_ante_threshold: Decimal,
    indicator_scale: Decimal,
) -> BudgetYearSettings:
    """The finance bureau's rules for a year: the ex-ante assessment amount and the sum of the
    declared indicators' full scores. Declarations made afterwards follow them."""
    perms.require(actor, actions.SETTINGS_MANAGE, bureau)
    if ex_ante_threshold < 0 or not Decimal(0) < indicator_scale <= Decimal(100):
        raise errors.BudgetError(errors.SETTINGS_RANGE)
    row = BudgetYearSettings.objects.filter(bureau=bureau, fiscal_year=fiscal_year).first()
    old = snapshot(row, ["ex_ante_threshold", "indicator_scale"]) if row else None
    row = row or BudgetYearSettings(bureau=bureau, fiscal_year=fiscal_year)
    row.ex_ante_threshold = ex_ante_threshold
    row.indicator_scale = indicator_scale
    row.full_clean()
    row.save()
    audit_record(
        actor=actor,
        action="budget.settings.set",
        obj=row,
        organization_id=bureau.pk,
        old=old,
        new=snapshot(row, ["ex_ante_threshold", "indicator_scale"]),
    )
    return row


def ex_ante_required(project: Project) -> bool:
    """New major policies and new projects at or above the year's amount (BUD-1)."""
    if not project.is_new or project.is_department:
        return False
    return (
        project.is_major_policy or project.annual_total >= year_settings(project).ex_ante_threshold
    )


@transaction.atomic
def ex_ante_start(*, actor: User | None, project: Project) -> ExAnteAssessment:
    perms.require(actor, actions.EX_ANTE_ASSESS, project.unit)
    existing = ExAnteAssessment.objects.filter(project=project).first()
    if existing is not None:
        return existing
    tree = _standard_copy(actor, project, EX_ANTE_TEMPLATE, f"{project.name}事前绩效评估")
    assessment = ExAnteAssessment.objects.create(
        project=project, tree=tree, requested_amount=project.annual_total
    )
    audit_record(
        actor=actor,
        action="budget.ex_ante.create",
        obj=assessment,
        organization_id=project.unit_id,
        new={"project": project.pk},
    )
    return assessment


@transaction.atomic
def ex_ante_assess(
    *,
    actor: User | None,
    assessment: ExAnteAssessment,
    values: dict[int, dict[str, Any]],
    conclusion: str,
    opinion: str = "",
    approved_amount: Decimal | None = None,
) -> ExAnteAssessment:
    """Score the criteria through the engine and record the conclusion.

    ``values``: per criterion (indicator id) ``{"level": "achieved"|"partly"|"not_achieved",
    "score": Decimal}``; the engine refuses a score outside its level's band."""
    project = assessment.project
    perms.require(actor, actions.EX_ANTE_ASSESS, project.unit)
    workflow.ensure_editable(case_of(project))
    if conclusion not in Conclusion.values:
        raise errors.BudgetError(errors.EX_ANTE_CONCLUSION)
    if conclusion == Conclusion.PARTIAL and (
        approved_amount is None or not Decimal(0) <= approved_amount < assessment.requested_amount
    ):
        raise errors.BudgetError(errors.EX_ANTE_AMOUNT)
    result = tree_score(assessment.tree, values).to_dict()
    before = snapshot(assessment, ["total", "grade", "conclusion", "approved_amount"])
    assessment.values = {str(k): v for k, v in _plain_values(values).items()}
    assessment.total = result["total"]
    assessment.grade = result["grade_label"]
    assessment.conclusion = conclusion
    assessment.opinion = opinion
    assessment.approved_amount = {
        Conclusion.SUPPORT: assessment.requested_amount,
        Conclusion.PARTIAL: approved_amount,
        Conclusion.REJECT: Decimal(0),
    }[Conclusion(conclusion)]
    assessment.assessed_by = actor
    assessment.assessed_at = timezone.now()
    assessment.save()
    audit_record(
        actor=actor,
        action="budget.ex_ante.assess",
        obj=assessment,
        organization_id=project.unit_id,
        old=before,
        new={
            **snapshot(assessment, ["total", "grade", "conclusion", "approved_amount"]),
            "cut_amount": assessment.cut_amount,
        },
    )
    return assessment


def _plain_values(values: dict[int, dict[str, Any]]) -> dict[int, dict[str, Any]]:
    return {
        k: {f: str(v) if isinstance(v, Decimal) else v for f, v in d.items()}
        for k, d in values.items()
    }


@transaction.atomic
def ex_ante_attach_report(
    *, actor: User | None, assessment: ExAnteAssessment, report: File
) -> ExAnteAssessment:
    perms.require(actor, actions.EX_ANTE_ASSESS, assessment.project.unit)
    workflow.ensure_editable(case_of(assessment.project))
    assessment.report.save(report.name or "report.pdf", report, save=False)
    assessment.save(update_fields=["report"])
    audit_record(
        actor=actor,
        action="budget.ex_ante.report",
        obj=assessment,
        organization_id=assessment.project.unit_id,
        new={"report": assessment.report.name},
    )
    return assessment


@transaction.atomic
def control_number_set(
    *, actor: User | None, department: Organization, fiscal_year: int, amount: Decimal
) -> ControlNumber:
    """The finance bureau sets a department's budget control number (预算控制数)."""
    perms.require(actor, actions.SETTINGS_MANAGE, department)
    if amount < 0:
        raise errors.BudgetError(errors.AMOUNT_NEGATIVE)
    row, created = ControlNumber.objects.get_or_create(
        department=department, fiscal_year=fiscal_year, defaults={"amount": amount}
    )
    old = None if created else {"amount": row.amount}
    if not created:
        row.amount = amount
        row.save(update_fields=["amount"])
    audit_record(
        actor=actor,
        action="budget.control_number.set",
        obj=row,
        organization_id=department.pk,
        old=old,
        new={"amount": amount},
    )
    return row


# --- Review of the targets (BUD-3) ------------------------------------------------------------


def target_snapshot(project: Project) -> dict[str, Any]:
    """The declaration as the reviewers saw it: fields and the indicator table."""
    nodes = list(target_tree(project).indicators.all())
    by_id = {n.pk: n for n in nodes}
    rows = [
        {
            "key": f"indicator:{n.pk}",
            "path": indicators.indicator_path(n, by_id),
            "direction": n.direction or n.kind,
            "target": n.target_value if n.target_value is not None else n.target_text,
            "unit": n.unit,
            "full": n.full_score,
            "basis": n.basis,
        }
        for n in sorted(nodes, key=lambda n: (n.level, n.position, n.pk))
        if n.level >= 3
    ]
    fields = {f: getattr(project, f) for f in PROJECT_FIELDS if not f.endswith("_id")}
    return {**fields, "indicators": rows}


@transaction.atomic
def target_submit(*, actor: User | None, project: Project, comment: str = "") -> WorkflowCase:
    perms.require(actor, actions.TARGET_SUBMIT, project.unit)
    if ex_ante_required(project):
        assessment = ExAnteAssessment.objects.filter(project=project).first()
        if assessment is None or not assessment.passed:
            raise errors.BudgetError(errors.EX_ANTE_REQUIRED)
    result = targets_check(project)
    if not result.ok:
        raise errors.BudgetError(
            errors.TARGETS_INCOMPLETE.format(problems="；".join(result.errors))
        )
    case = workflow.case_submit(
        actor=actor, case=case_of(project), snapshot=target_snapshot(project), comment=comment
    )
    # The unit's declaration deadline, once its last declaration of the year is in.
    deadlines.targets_complete(actor=actor, unit=project.unit, fiscal_year=project.fiscal_year)
    return case


@transaction.atomic
def target_approve(
    *,
    actor: User | None,
    project: Project,
    comment: str = "",
    approved_amount: Decimal | None = None,
) -> WorkflowCase:
    """Approve at the current level; the finance bureau approves with the budget amount."""
    case = case_of(project)
    _require_reviewer(actor, case)
    final = _at_finance_level(case)
    data = None
    if final:
        if approved_amount is None:
            raise errors.BudgetError(errors.AMOUNT_REQUIRED)
        if approved_amount < 0:
            raise errors.BudgetError(errors.AMOUNT_NEGATIVE)
        data = {"approved_amount": approved_amount}
        from jixiao.budget.monitoring.interventions import ensure_covers_spending

        ensure_covers_spending(project, approved_amount)
    case = workflow.case_approve(actor=actor, case=case, comment=comment, data=data)
    if final and case.locked:
        before = snapshot(project, ["approved_amount"])
        project.approved_amount = approved_amount
        project.save(update_fields=["approved_amount"])
        audit_record(
            actor=actor,
            action="budget.project.approve",
            obj=project,
            organization_id=project.unit_id,
            old=before,
            new=snapshot(project, ["approved_amount"]),
        )
        # An adjustment approved during monitoring: the open round's form follows it.
        from jixiao.budget.monitoring.interventions import open_forms_refresh

        open_forms_refresh(actor=actor, projects=[project])
    return case


def _require_reviewer(actor: User | None, case: WorkflowCase) -> None:
    """Refuse people who may not review at the current level before looking at their input
    (the workflow checks again, under the row lock)."""
    from jixiao.workflow.definitions import get_definition

    if actor is None or case.current_level is None or case.reviewing_organization is None:
        return
    level = get_definition(case.definition_key).levels[case.current_level]
    if not perms.can(actor, level.action, case.reviewing_organization):
        raise PermissionDeniedError(NO_PERMISSION)


def _at_finance_level(case: WorkflowCase) -> bool:
    from jixiao.workflow.definitions import get_definition

    if case.current_level is None:
        return False
    level = get_definition(case.definition_key).levels[case.current_level]
    return level.action == actions.TARGET_REVIEW_FINANCE


@transaction.atomic
def target_return(
    *,
    actor: User | None,
    project: Project,
    comment: str,
    item_comments: list[tuple[str, str]] | None = None,
) -> WorkflowCase:
    return workflow.case_return(
        actor=actor, case=case_of(project), comment=comment, item_comments=item_comments or []
    )


@transaction.atomic
def target_adjust_request(
    *,
    actor: User | None,
    project: Project,
    reason: str,
    proposed_amount: Decimal | None = None,
) -> WorkflowCase:
    """Reopen approved targets for an adjustment (with a budget adjustment when the amount
    changes); it goes through the same review, and the approved version stays in force until
    the adjustment is approved."""
    if proposed_amount is not None and proposed_amount < 0:
        raise errors.BudgetError(errors.AMOUNT_NEGATIVE)
    data = {"proposed_amount": proposed_amount} if proposed_amount is not None else None
    return workflow.case_request_adjustment(
        actor=actor, case=case_of(project), reason=reason, data=data
    )


@transaction.atomic
def target_withdraw(*, actor: User | None, project: Project, comment: str = "") -> WorkflowCase:
    return workflow.case_withdraw(actor=actor, case=case_of(project), comment=comment)
