"""Writes of evaluation (BUD-7…BUD-10): rules per year, self-evaluations and their review,
key evaluations, re-evaluations and department evaluations with their people and scores.

Each function is one transaction, checks permission (``orgs.permissions.require``, or the
assignment for evaluators and experts) and writes one audit row. Scores come from the
scoring engine (``scoring.py``); the bulk recompute lives in ``recompute.py``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from jixiao.audit.services import audit_record
from jixiao.budget import deadlines
from jixiao.budget.evaluation import combine as combining
from jixiao.budget.evaluation import errors
from jixiao.budget.evaluation import permissions as actions
from jixiao.budget.evaluation.errors import EvaluationError
from jixiao.budget.evaluation.framework import DEFAULT_WEIGHTS, check_weights, template_items
from jixiao.budget.evaluation.models import (
    AssignmentRole,
    Category,
    Combination,
    Evaluation,
    EvaluationAssignment,
    EvaluationItem,
    EvaluationKind,
    EvaluationSettings,
    EvaluationState,
    ExpertScore,
    ItemSource,
    Method,
    ResultState,
    SelfEvaluation,
    SelfEvaluationItem,
    Standard,
)
from jixiao.budget.evaluation.scoring import Outcome, Rules, score_rows
from jixiao.budget.models import DeclarationKind, Project
from jixiao.budget.monitoring.models import IndicatorProgress, MonitoringForm, SpendingRecord
from jixiao.budget.services import SUBJECT as PROJECT_SUBJECT
from jixiao.documents.language import official_text
from jixiao.indicators.models import Indicator
from jixiao.indicators.scoring import SheetError
from jixiao.orgs import permissions as perms
from jixiao.orgs.errors import NO_PERMISSION, PermissionDeniedError
from jixiao.orgs.models import Organization, OrgKind, Role, User
from jixiao.workflow import services as workflow
from jixiao.workflow.models import WorkflowCase, WorkflowState

SUBJECT = actions.SUBJECT
CENT = Decimal("0.01")
EXECUTION_EXPLAIN_BELOW = Decimal("0.9")  # a province rule: explain an execution under 90%
HEADER_FIELDS = (
    "budget_full_year",
    "executed",
    "execution_explanation",
    "goal_actual",
    "conclusion",
    "manager",
    "finance_manager",
    "reported_total",
)
MONEY_FIELDS = {"budget_full_year", "executed"}
ITEM_FIELDS = ("actual", "level", "assessed_score", "reported_score", "explanation")
ITEM_NUMBERS = {"actual", "assessed_score", "reported_score"}
SCORE_FIELDS = ["score", "computed_score", "explain", "flags"]


def _person(actor: User | None) -> User | None:
    return actor if actor is not None and actor.pk else None


def bureau_of(organization: Organization) -> Organization | None:
    """The finance bureau above (or at) ``organization``."""
    ids = [int(seg) for seg in organization.path.split(".") if seg]
    return (
        Organization.objects.filter(pk__in=ids, kind=OrgKind.FINANCE_BUREAU)
        .order_by("-depth")
        .first()
    )


# --- Rules of the year -----------------------------------------------------------------------


def settings_for(bureau: Organization | None, fiscal_year: int) -> EvaluationSettings:
    """The bureau's rules for the year; RULES.md's defaults (unsaved) when none were set."""
    row = None
    if bureau is not None:
        row = EvaluationSettings.objects.filter(bureau=bureau, fiscal_year=fiscal_year).first()
    return row or EvaluationSettings(bureau=bureau, fiscal_year=fiscal_year)


def rules_for(bureau: Organization | None, fiscal_year: int) -> Rules:
    return Rules.of(settings_for(bureau, fiscal_year))


SCORING_SETTINGS = (
    "excellent_min",
    "good_min",
    "fair_min",
    "execution_full",
    "decimals",
    "rounding",
)


@transaction.atomic
def evaluation_settings_set(
    *,
    actor: User | None,
    bureau: Organization,
    fiscal_year: int,
    excellent_min: Decimal,
    good_min: Decimal,
    fair_min: Decimal,
    execution_full: Decimal = Decimal(10),
    decimals: int = 2,
    rounding: str = "half_up",
    fair_cut: Decimal = Decimal("0.1"),
) -> EvaluationSettings:
    """Set the year's grades and scoring options. A change of anything that scores or grades
    raises ``rule_version``: stored results keep the version they were scored by until
    ``recompute.results_recompute`` brings them up to date."""
    perms.require(actor, actions.EVALUATION_MANAGE, bureau)
    if not (0 < fair_min < good_min < excellent_min <= 100) or not (0 <= fair_cut <= 1):
        raise EvaluationError(errors.SETTINGS_ORDER)
    row = settings_for(bureau, fiscal_year)
    old = None if row.pk is None else _settings_json(row)
    new_values = {
        "excellent_min": excellent_min,
        "good_min": good_min,
        "fair_min": fair_min,
        "execution_full": execution_full,
        "decimals": decimals,
        "rounding": rounding,
        "fair_cut": fair_cut,
    }
    # Compared with what is in force (the defaults before a first save): results scored by
    # the defaults are stale as soon as a first save changes them.
    changed = any(getattr(row, name) != new_values[name] for name in SCORING_SETTINGS)
    for name, value in new_values.items():
        setattr(row, name, value)
    if changed:
        row.rule_version += 1
    row.full_clean()
    row.save()
    audit_record(
        actor=actor,
        action="budget.evaluation.settings",
        obj=row,
        organization_id=bureau.pk,
        old=old,
        new=_settings_json(row),
    )
    return row


def _settings_json(row: EvaluationSettings) -> dict[str, Any]:
    return {
        name: str(getattr(row, name)) for name in (*SCORING_SETTINGS, "fair_cut", "rule_version")
    }


# --- Self-evaluation: creation and prefill ---------------------------------------------------


def is_approved(project: Project) -> bool:
    return WorkflowCase.objects.filter(
        subject_type=PROJECT_SUBJECT, subject_id=str(project.pk), approved_version__isnull=False
    ).exists()


def last_monitoring_form(project: Project) -> MonitoringForm | None:
    """The form of the project's last monitoring round (most months elapsed)."""
    return (
        MonitoringForm.objects.filter(project=project)
        .select_related("round")
        .order_by("-round__months_elapsed", "-round_id")
        .first()
    )


def _ancestors(nodes: dict[int, Indicator], node: Indicator) -> tuple[str, str]:
    parent = nodes.get(node.parent_id) if node.parent_id else None
    grand = nodes.get(parent.parent_id) if parent is not None and parent.parent_id else None
    level2 = parent.name if parent is not None else ""
    level1 = grand.name if grand is not None else level2
    return level1, level2


def _prefill_items(project: Project, form: MonitoringForm | None) -> list[SelfEvaluationItem]:
    nodes = {n.pk: n for n in project.annual_tree.indicators.all()} if project.annual_tree else {}
    progress = {}
    if form is not None:
        progress = {p.indicator_id: p for p in IndicatorProgress.objects.filter(form=form)}
    leaves = sorted(
        (n for n in nodes.values() if n.level >= 3 and n.rule and n.full_score),
        key=lambda n: (n.parent_id or 0, n.position, n.pk),
    )
    order = {n.pk: (n.level, n.position, n.pk) for n in nodes.values()}
    leaves.sort(key=lambda n: _path_key(nodes, n, order))
    items = []
    for position, node in enumerate(leaves, 1):
        level1, level2 = _ancestors(nodes, node)
        row = progress.get(node.pk)
        actual, source, note = None, ItemSource.TARGET, ""
        level = ""
        if row is not None:
            if row.expected is not None:
                actual, source = row.expected, ItemSource.MONITORING
                note = f"{form.round.name}：全年预计完成值"  # type: ignore[union-attr]
            elif row.actual is not None:
                actual, source = row.actual, ItemSource.MONITORING
                note = f"{form.round.name}：1-{form.round.months_elapsed}月实际完成值"  # type: ignore[union-attr]
            level = row.level or ""
        items.append(
            SelfEvaluationItem(
                indicator=node,
                position=position,
                level1=level1,
                level2=level2,
                name=node.name,
                kind=node.kind,
                rule=node.rule,
                target_value=node.target_value,
                target_text=node.target_text,
                unit=node.unit,
                full_score=node.full_score,
                actual=actual,
                level=level,
                source=source,
                source_note=note,
            )
        )
    return items


def _path_key(
    nodes: dict[int, Indicator], node: Indicator, order: dict[int, tuple[int, int, int]]
) -> tuple[tuple[int, int, int], ...]:
    chain = []
    current: Indicator | None = node
    while current is not None:
        chain.append(order[current.pk][1:])
        current = nodes.get(current.parent_id) if current.parent_id else None
    return tuple(reversed(chain))  # type: ignore[arg-type]


def _executed(project: Project, form: MonitoringForm | None) -> Decimal:
    """The year's execution: the budget system's payments of the year when there are any,
    else the last round's expected (or reported) execution."""
    paid = SpendingRecord.objects.filter(
        project=project,
        date__gte=date(project.fiscal_year, 1, 1),
        date__lte=date(project.fiscal_year, 12, 31),
    ).aggregate(total=Sum("amount"))["total"]
    if paid is not None:
        # SQLite sums decimals as floats (237.610000000000): back to the amounts' own places.
        places = SpendingRecord._meta.get_field("amount").decimal_places
        return paid.quantize(Decimal(1).scaleb(-places))
    if form is not None:
        for value in (form.expected_execution, form.executed):
            if value is not None:
                return value
    return Decimal(0)


@transaction.atomic
def self_evaluation_create(
    *, actor: User | None, project: Project, today: date | None = None
) -> SelfEvaluation:
    """The self-evaluation table of an approved declaration after its year: the indicators of
    the approved targets, actual values from the last monitoring round's expected year-end
    values, execution from the year's payments (else the round), scored at once when
    complete. The workflow case is opened with it."""
    perms.require(actor, actions.SELF_EVALUATION_FILL, project.unit)
    today = today or timezone.localdate()
    if today.year <= project.fiscal_year:
        raise EvaluationError(errors.NOT_AFTER_YEAR.format(year=project.fiscal_year))
    if not is_approved(project):
        raise EvaluationError(errors.NOT_APPROVED)
    if SelfEvaluation.objects.filter(project=project).exists():
        raise EvaluationError(errors.EXISTS)
    form = last_monitoring_form(project)
    items = _prefill_items(project, form)
    if not items:
        raise EvaluationError(errors.NO_INDICATORS)
    initial = (
        project.approved_amount if project.approved_amount is not None else project.annual_total
    )
    full_year = form.budget if form is not None else initial
    rules = rules_for(bureau_of(project.unit), project.fiscal_year)
    evaluation = SelfEvaluation(
        project=project,
        unit=project.unit,
        fiscal_year=project.fiscal_year,
        budget_initial=initial,
        budget_full_year=full_year,
        executed=_executed(project, form),
        execution_full=rules.execution_full,
        goal_expected=project.annual_goal,
        manager=project.manager,
    )
    evaluation.full_clean()
    evaluation.save()
    for item in items:
        item.self_evaluation = evaluation
    surveyed = _feed_surveys(project, items)
    SelfEvaluationItem.objects.bulk_create(items)
    workflow.case_open(
        actor=actor,
        subject_type=SUBJECT,
        subject_id=evaluation.pk,
        organization=project.unit,
        definition_key=actions.SELF_EVALUATION_WORKFLOW,
        title=f"{project.name} 绩效自评",
    )
    _try_score(evaluation, items, rules)
    audit_record(
        actor=actor,
        action="budget.self_evaluation.create",
        obj=evaluation,
        organization_id=project.unit_id,
        new={
            "project": project.pk,
            "items": len(items),
            "monitoring_form": form and form.pk,
            "survey_items": [row.name for row in surveyed],
        },
    )
    return evaluation


def case_of(evaluation: SelfEvaluation) -> WorkflowCase:
    return WorkflowCase.objects.get(subject_type=SUBJECT, subject_id=str(evaluation.pk))


def items_of(evaluation: SelfEvaluation) -> list[SelfEvaluationItem]:
    return list(evaluation.items.order_by("position", "id"))


# --- Self-evaluation: scoring ----------------------------------------------------------------


def _complete(rows: Sequence[SelfEvaluationItem]) -> bool:
    for row in rows:
        if row.is_qualitative:
            if not row.level or row.assessed_score is None:
                return False
        elif row.actual is None or row.target_value is None:
            return False
    return True


def score(evaluation: SelfEvaluation, rows: Sequence[SelfEvaluationItem], rules: Rules) -> Outcome:
    """The engine's outcome for the table as it stands (raises ``SheetError``)."""
    return score_rows(
        title=str(evaluation.project),
        budget=evaluation.budget_full_year,
        executed=evaluation.executed,
        rows=rows,
        rules=rules,
    )


SURVEY_NOTE = "；完成值取自满意度调查：{note}"
SATISFACTION_WORD = "满意度"
PROJECT_SUBJECT_TYPE = "budget.project"


def _explain_text(row: SelfEvaluationItem, text: str) -> str:
    """The engine's explanation, followed by where a survey's value came from."""
    if text and row.source == ItemSource.SURVEY and row.source_note:
        return text + SURVEY_NOTE.format(note=row.source_note)
    return text


def is_satisfaction(row: SelfEvaluationItem) -> bool:
    """A satisfaction indicator (满意度指标 / 服务对象满意度指标, or named …满意度) measured
    as a percentage."""
    named = any(SATISFACTION_WORD in text for text in (row.level1, row.level2, row.name))
    return named and not row.is_qualitative and row.unit in ("%", "％")


def survey_satisfaction(project: Project) -> tuple[Decimal, str] | None:
    """The satisfaction rate (0–100) of the newest published survey about the project that
    has one, with the survey's explanation; None without such a survey."""
    from jixiao.surveys.queries import satisfaction, surveys_for_subject

    for survey in surveys_for_subject(PROJECT_SUBJECT_TYPE, project.pk).order_by(
        "-published_at", "-id"
    ):
        result = satisfaction(survey)
        if result.rate is not None:
            explain = " ".join(result.explain.split("\n"))
            return result.rate, f"问卷“{survey.title}”（{result.answers}份答卷）{explain}"
    return None


def _feed_surveys(project: Project, rows: Sequence[SelfEvaluationItem]) -> list[SelfEvaluationItem]:
    """Put the project's survey satisfaction rate into its satisfaction indicators."""
    found = survey_satisfaction(project)
    if found is None:
        return []
    rate, note = found
    fed = [row for row in rows if is_satisfaction(row)]
    for row in fed:
        row.actual, row.source, row.source_note = rate, ItemSource.SURVEY, note
    return fed


def _store(
    evaluation: SelfEvaluation,
    rows: Sequence[SelfEvaluationItem],
    outcome: Outcome | None,
    rules: Rules,
) -> None:
    """Write the outcome (or clear the scores when the table cannot be scored yet)."""
    for n, row in enumerate(rows):
        result = outcome.items[n] if outcome is not None else None
        row.score = result.score if result else None
        row.computed_score = result.computed if result else None
        row.explain = _explain_text(row, result.explain) if result else ""
        row.flags = result.flags if result else []
    SelfEvaluationItem.objects.bulk_update(rows, SCORE_FIELDS)
    evaluation.execution_full = rules.execution_full
    evaluation.execution_score = outcome.execution_score if outcome else None
    evaluation.total = outcome.total if outcome else None
    evaluation.grade = outcome.grade if outcome else ""
    evaluation.rule_version = rules.version if outcome else ""
    evaluation.scored_at = timezone.now() if outcome else None
    evaluation.save(
        update_fields=[
            "execution_full",
            "execution_score",
            "total",
            "grade",
            "rule_version",
            "scored_at",
            "updated_at",
        ]
    )


def _try_score(
    evaluation: SelfEvaluation, rows: Sequence[SelfEvaluationItem], rules: Rules
) -> Outcome | None:
    """Score and store when every row is filled in (a draft may be incomplete)."""
    outcome = None
    if _complete(rows) and evaluation.budget_full_year > 0:
        try:
            outcome = score(evaluation, rows, rules)
        except SheetError:
            outcome = None
    _store(evaluation, rows, outcome, rules)
    return outcome


def explained(
    evaluation: SelfEvaluation, rows: list[SelfEvaluationItem]
) -> list[SelfEvaluationItem]:
    """The rows with their explanations: those a bulk recompute left empty are rebuilt in
    memory by scoring the table again with the year's rules (nothing is written)."""
    if all(row.explain or row.score is None for row in rows):
        return rows
    rules = rules_for(bureau_of(evaluation.unit), evaluation.fiscal_year)
    try:
        outcome = score(evaluation, rows, rules)
    except SheetError:
        return rows
    for row, result in zip(rows, outcome.items, strict=True):
        if not row.explain:
            row.explain = _explain_text(row, result.explain)
    return rows


def _decimal(value: Any, name: str, field: str) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation as exc:
        raise EvaluationError(
            errors.BAD_NUMBER.format(name=name, field=field, value=value)
        ) from exc
    if not number.is_finite():
        raise EvaluationError(errors.BAD_NUMBER.format(name=name, field=field, value=value))
    return number


def _editable(actor: User | None, evaluation: SelfEvaluation) -> None:
    perms.require(actor, actions.SELF_EVALUATION_FILL, evaluation.unit)
    if evaluation.state not in (ResultState.DRAFT, ResultState.RETURNED):
        raise EvaluationError(errors.NOT_EDITABLE)
    workflow.ensure_editable(case_of(evaluation))


@transaction.atomic
def self_evaluation_save(
    *,
    actor: User | None,
    self_evaluation: SelfEvaluation,
    values: Mapping[str, Any] | None = None,
    items: Mapping[int, Mapping[str, Any]] | None = None,
) -> SelfEvaluation:
    """Save the unit's entries: header ``values`` (``HEADER_FIELDS``) and per row (by item id)
    ``actual``, ``level``, ``assessed_score`` (qualitative), ``reported_score`` (the unit's
    own score where it departs from the rule's, with a reason) and ``explanation``
    (偏差原因分析及改进措施). The table is rescored when complete."""
    evaluation = SelfEvaluation.objects.select_for_update().get(pk=self_evaluation.pk)
    _editable(actor, evaluation)
    rows = items_of(evaluation)
    by_id = {row.pk: row for row in rows}
    for name, value in (values or {}).items():
        if name not in HEADER_FIELDS:
            raise ValueError(f"unknown field: {name}")
        if name in MONEY_FIELDS or name == "reported_total":
            label = str(SelfEvaluation._meta.get_field(name).verbose_name)
            number = _decimal(value, label, label)
            if number is not None and number < 0:
                raise EvaluationError(errors.NEGATIVE.format(field=label))
            if number is None and name in MONEY_FIELDS:
                number = Decimal(0)
            setattr(evaluation, name, number)
        else:
            setattr(evaluation, name, (value or "").strip())
    for pk, changes in (items or {}).items():
        row = by_id.get(int(pk))
        if row is None:
            raise EvaluationError(errors.UNKNOWN_ITEM.format(pk=pk))
        for name, value in changes.items():
            if name not in ITEM_FIELDS:
                raise ValueError(f"unknown item field: {name}")
            if name in ITEM_NUMBERS:
                label = str(SelfEvaluationItem._meta.get_field(name).verbose_name)
                number = _decimal(value, row.name, label)
                if number is not None and number < 0:
                    raise EvaluationError(errors.NEGATIVE.format(field=f"{row.name}{label}"))
                if name == "actual" and number != row.actual:
                    row.source = ItemSource.MANUAL
                    row.source_note = ""
                setattr(row, name, number)
            else:
                setattr(row, name, (value or "").strip())
    evaluation.full_clean()
    evaluation.save()
    SelfEvaluationItem.objects.bulk_update(rows, [*ITEM_FIELDS, "source", "source_note"])
    rules = rules_for(bureau_of(evaluation.unit), evaluation.fiscal_year)
    _try_score(evaluation, rows, rules)
    audit_record(
        actor=actor,
        action="budget.self_evaluation.save",
        obj=evaluation,
        organization_id=evaluation.unit_id,
        new={
            "values": {k: str(v) for k, v in (values or {}).items()},
            "items": {str(k): {f: str(v) for f, v in c.items()} for k, c in (items or {}).items()},
            "total": str(evaluation.total),
        },
    )
    return evaluation


def submit_problems(
    evaluation: SelfEvaluation, rows: Sequence[SelfEvaluationItem], outcome: Outcome | None
) -> list[str]:
    """Why the table cannot be submitted yet (empty: it can)."""
    problems = []
    if evaluation.budget_full_year <= 0:
        problems.append(str(errors.BUDGET_ZERO))
    for row in rows:
        if row.is_qualitative and (not row.level or row.assessed_score is None):
            problems.append(errors.LEVEL_MISSING.format(name=row.name))
        elif not row.is_qualitative and row.actual is None:
            problems.append(errors.ACTUAL_MISSING.format(name=row.name))
    rate = evaluation.execution_rate
    if (
        rate is not None
        and rate < EXECUTION_EXPLAIN_BELOW
        and not evaluation.execution_explanation.strip()
    ):
        shown = f"{(rate * 100).quantize(Decimal('0.01'))}%"
        problems.append(errors.EXECUTION_EXPLANATION.format(rate=shown))
    if outcome is not None:
        for n in outcome.needs_explanation():
            why = "未达到年度指标值" if _short(rows[n]) else "完成值超过指标值130%以上"
            problems.append(errors.EXPLANATION_REQUIRED.format(name=rows[n].name, why=why))
        for n in outcome.adjusted_without_reason:
            problems.append(
                errors.ADJUSTED_WITHOUT_REASON.format(
                    name=rows[n].name,
                    reported=rows[n].reported_score,
                    computed=outcome.items[n].computed,
                )
            )
    return problems


def _short(row: SelfEvaluationItem) -> bool:
    if row.actual is None or row.target_value is None:
        return False
    if row.rule in ("lte", "lte_ratio"):
        return row.actual > row.target_value
    if row.rule == "eq":
        return row.actual != row.target_value
    return row.actual < row.target_value


def self_evaluation_snapshot(
    evaluation: SelfEvaluation, rows: Sequence[SelfEvaluationItem]
) -> dict[str, Any]:
    """The table as the reviewers saw it."""
    return {
        "budget_initial": evaluation.budget_initial,
        "budget_full_year": evaluation.budget_full_year,
        "executed": evaluation.executed,
        "execution_score": evaluation.execution_score,
        "total": evaluation.total,
        "grade": evaluation.grade,
        "rule_version": evaluation.rule_version,
        "indicators": [
            {
                "key": f"item:{row.pk}",
                "path": [row.level1, row.level2, row.name],
                "target": row.target_value if row.target_value is not None else row.target_text,
                "actual": row.actual if row.actual is not None else row.level,
                "full": row.full_score,
                "score": row.score,
                "explanation": row.explanation,
            }
            for row in rows
        ],
    }


@transaction.atomic
def self_evaluation_submit(
    *, actor: User | None, self_evaluation: SelfEvaluation, comment: str = ""
) -> SelfEvaluation:
    """Submit the table for review: complete, every row the engine flags explained (shortfall,
    over-achievement of 130%), an execution under 90% explained, every departure from the
    rule's score with a reason; scored and stored with its grade and rule version."""
    evaluation = SelfEvaluation.objects.select_for_update().get(pk=self_evaluation.pk)
    _editable(actor, evaluation)
    rows = items_of(evaluation)
    rules = rules_for(bureau_of(evaluation.unit), evaluation.fiscal_year)
    outcome = None
    if _complete(rows) and evaluation.budget_full_year > 0:
        try:
            outcome = score(evaluation, rows, rules)
        except SheetError as exc:
            raise EvaluationError(
                errors.SCORING_REFUSED.format(problems="；".join(exc.messages))
            ) from exc
    problems = submit_problems(evaluation, rows, outcome)
    if problems:
        raise EvaluationError("；".join(problems))
    _store(evaluation, rows, outcome, rules)
    if evaluation.reported_total is None:
        evaluation.reported_total = evaluation.total
    evaluation.state = ResultState.SUBMITTED
    evaluation.submitted_at = timezone.now()
    evaluation.save(update_fields=["reported_total", "state", "submitted_at", "updated_at"])
    workflow.case_submit(
        actor=actor,
        case=case_of(evaluation),
        snapshot=self_evaluation_snapshot(evaluation, rows),
        comment=comment,
    )
    audit_record(
        actor=actor,
        action="budget.self_evaluation.submit",
        obj=evaluation,
        organization_id=evaluation.unit_id,
        new={"total": str(evaluation.total), "grade": evaluation.grade},
    )
    # The unit's self-evaluation deadline, once its last approved project's table is in.
    deadlines.self_evaluations_complete(
        actor=actor, unit=evaluation.unit, fiscal_year=evaluation.fiscal_year
    )
    return evaluation


def _mirror(evaluation: SelfEvaluation, case: WorkflowCase) -> None:
    state = {
        WorkflowState.DRAFT: ResultState.DRAFT,
        WorkflowState.SUBMITTED: ResultState.SUBMITTED,
        WorkflowState.RETURNED: ResultState.RETURNED,
        WorkflowState.APPROVED: ResultState.APPROVED,
    }[case.state]
    evaluation.state = state
    evaluation.save(update_fields=["state", "updated_at"])


@transaction.atomic
def self_evaluation_approve(
    *, actor: User | None, self_evaluation: SelfEvaluation, comment: str = ""
) -> SelfEvaluation:
    """Approve at the current level (supervising department, then finance bureau)."""
    case = workflow.case_approve(actor=actor, case=case_of(self_evaluation), comment=comment)
    _mirror(self_evaluation, case)
    audit_record(
        actor=actor,
        action="budget.self_evaluation.approve",
        obj=self_evaluation,
        organization_id=self_evaluation.unit_id,
        new={"state": self_evaluation.state, "level": case.current_level},
    )
    return self_evaluation


@transaction.atomic
def self_evaluation_return(
    *,
    actor: User | None,
    self_evaluation: SelfEvaluation,
    comment: str,
    item_comments: Iterable[tuple[str, str]] = (),
) -> SelfEvaluation:
    case = workflow.case_return(
        actor=actor, case=case_of(self_evaluation), comment=comment, item_comments=item_comments
    )
    _mirror(self_evaluation, case)
    audit_record(
        actor=actor,
        action="budget.self_evaluation.return",
        obj=self_evaluation,
        organization_id=self_evaluation.unit_id,
        new={"comment": comment},
    )
    return self_evaluation


@transaction.atomic
def self_evaluation_withdraw(
    *, actor: User | None, self_evaluation: SelfEvaluation, comment: str = ""
) -> SelfEvaluation:
    case = workflow.case_withdraw(actor=actor, case=case_of(self_evaluation), comment=comment)
    _mirror(self_evaluation, case)
    return self_evaluation


@transaction.atomic
def self_evaluation_survey_refresh(
    *, actor: User | None, self_evaluation: SelfEvaluation
) -> list[SelfEvaluationItem]:
    """Take the project's survey satisfaction rate again (more answers came in) into its
    satisfaction indicators and rescore; the survey's explanation is kept as the rows' source
    and carried into their score explanation. Returns the rows fed (none: no survey with a
    rate, or no satisfaction indicator)."""
    evaluation = SelfEvaluation.objects.select_for_update().get(pk=self_evaluation.pk)
    _editable(actor, evaluation)
    rows = items_of(evaluation)
    fed = _feed_surveys(evaluation.project, rows)
    if not fed:
        raise EvaluationError(errors.NO_SURVEY)
    SelfEvaluationItem.objects.bulk_update(fed, ["actual", "source", "source_note"])
    _try_score(evaluation, rows, rules_for(bureau_of(evaluation.unit), evaluation.fiscal_year))
    audit_record(
        actor=actor,
        action="budget.self_evaluation.survey",
        obj=evaluation,
        organization_id=evaluation.unit_id,
        new={"items": [row.pk for row in fed], "rate": str(fed[0].actual)},
    )
    return fed


# --- Evaluations -----------------------------------------------------------------------------


_TRANSITIONS = {
    EvaluationState.DRAFT: {EvaluationState.SCORING},
    EvaluationState.SCORING: {EvaluationState.FINISHED},
    EvaluationState.FINISHED: set(),
}


def _move(evaluation: Evaluation, to: str) -> None:
    """The one state change of an evaluation: 准备中 → 评分中 → 已完成."""
    if to not in _TRANSITIONS[evaluation.state]:
        if evaluation.state == EvaluationState.FINISHED:
            raise EvaluationError(errors.FINISHED)
        raise EvaluationError(
            errors.NOT_SCORING if to == EvaluationState.FINISHED else errors.NOT_DRAFT
        )
    evaluation.state = to


def _check_codes(codes: Iterable[str], allowed: Iterable[str]) -> list[str]:
    allowed = set(allowed)
    result = []
    for code in codes:
        if code not in allowed:
            raise EvaluationError(errors.UNKNOWN_METHOD.format(code=code))
        if code not in result:
            result.append(code)
    return result


def _check_cycle(project: Project, full_cycle: bool, start: int | None, end: int | None) -> None:
    if not full_cycle:
        return
    if project.start_year == project.end_year:
        raise EvaluationError(errors.CYCLE_SINGLE_YEAR)
    if start is None or end is None or not (project.start_year <= start <= end <= project.end_year):
        raise EvaluationError(errors.CYCLE_YEARS)


@transaction.atomic
def evaluation_create(
    *,
    actor: User | None,
    bureau: Organization,
    project: Project,
    kind: str,
    title: str = "",
    combination: str = Combination.MEAN,
    weights: Mapping[str, Decimal] | None = None,
    methods: Sequence[str] = (),
    standards: Sequence[str] = (),
    method_note: str = "",
    full_cycle: bool = False,
    cycle_start: int | None = None,
    cycle_end: int | None = None,
    selection: Mapping[str, Any] | None = None,
) -> Evaluation:
    """A key evaluation (project expenditure) or a department overall evaluation with the
    framework template under ``weights`` (output + benefit ≥ 60), or a re-evaluation of the
    project's submitted self-evaluation (its rows, to be rescored by the engine)."""
    perms.require(actor, actions.EVALUATION_MANAGE, bureau)
    if not project.unit.path.startswith(bureau.path):
        raise PermissionDeniedError(NO_PERMISSION)
    if kind == EvaluationKind.DEPARTMENT and project.kind != DeclarationKind.DEPARTMENT:
        raise EvaluationError(errors.EVALUATION_KIND_PROJECT)
    if kind == EvaluationKind.KEY and project.kind != DeclarationKind.PROJECT:
        raise EvaluationError(errors.EVALUATION_KIND_PROJECT)
    if Evaluation.objects.filter(project=project, kind=kind).exists():
        label = dict(EvaluationKind.choices)[kind]
        raise EvaluationError(errors.EVALUATION_EXISTS.format(year=project.fiscal_year, kind=label))
    weights = {**DEFAULT_WEIGHTS, **(weights or {})}
    check_weights(weights)
    _check_cycle(project, full_cycle, cycle_start, cycle_end)
    self_evaluation = None
    if kind == EvaluationKind.REEVALUATION:
        self_evaluation = SelfEvaluation.objects.filter(project=project).first()
        if self_evaluation is None or self_evaluation.state not in (
            ResultState.SUBMITTED,
            ResultState.APPROVED,
        ):
            raise EvaluationError(errors.REEVALUATION_NEEDS_SUBMITTED)
    label = official_text(EvaluationKind(kind).label)  # stored in the title: Chinese
    evaluation = Evaluation(
        bureau=bureau,
        fiscal_year=project.fiscal_year,
        kind=kind,
        project=project,
        self_evaluation=self_evaluation,
        title=title.strip() or f"{project.name}{project.fiscal_year}年度{label}",
        combination=combination,
        weight_decision=weights[Category.DECISION],
        weight_process=weights[Category.PROCESS],
        weight_output=weights[Category.OUTPUT],
        weight_benefit=weights[Category.BENEFIT],
        methods=_check_codes(methods, Method.values),
        standards=_check_codes(standards, Standard.values),
        method_note=method_note,
        full_cycle=full_cycle,
        cycle_start=cycle_start if full_cycle else None,
        cycle_end=cycle_end if full_cycle else None,
        selection=dict(selection or {}),
        created_by=_person(actor),
    )
    evaluation.full_clean()
    evaluation.save()
    if self_evaluation is not None:
        _copy_self_items(evaluation, self_evaluation)
    else:
        _template_items(evaluation)
    audit_record(
        actor=actor,
        action="budget.evaluation.create",
        obj=evaluation,
        organization_id=project.unit_id,
        new={
            "project": project.pk,
            "kind": kind,
            "weights": {k: str(v) for k, v in weights.items()},
        },
    )
    return evaluation


def _template_items(evaluation: Evaluation) -> None:
    department = evaluation.kind == EvaluationKind.DEPARTMENT
    EvaluationItem.objects.bulk_create(
        EvaluationItem(
            evaluation=evaluation,
            position=n,
            category=item.category,
            level1=item.level1,
            level2=item.level2,
            name=item.name,
            full_score=item.full_score,
        )
        for n, item in enumerate(template_items(evaluation.weights, department=department), 1)
    )


def _copy_self_items(evaluation: Evaluation, self_evaluation: SelfEvaluation) -> None:
    EvaluationItem.objects.bulk_create(
        EvaluationItem(
            evaluation=evaluation,
            position=row.position,
            level1=row.level1,
            level2=row.level2,
            name=row.name,
            full_score=row.full_score,
            self_item=row,
            self_score=row.reported_score if row.reported_score is not None else row.score,
            rule=row.rule,
            target_value=row.target_value,
            unit=row.unit,
            actual=row.actual,
            level=row.level,
            adjusted_score=row.assessed_score if row.is_qualitative else None,
            reason="",
        )
        for row in items_of(self_evaluation)
    )


@transaction.atomic
def evaluations_create(
    *,
    actor: User | None,
    bureau: Organization,
    projects: Sequence[Project],
    kind: str,
    selection: Mapping[str, Any] | None = None,
    **options: Any,
) -> list[Evaluation]:
    """One evaluation per selected project (all or none)."""
    return [
        evaluation_create(
            actor=actor, bureau=bureau, project=p, kind=kind, selection=selection, **options
        )
        for p in projects
    ]


UPDATABLE = {
    "title",
    "combination",
    "weights",
    "methods",
    "standards",
    "method_note",
    "full_cycle",
    "cycle_start",
    "cycle_end",
    "conclusion",
}


@transaction.atomic
def evaluation_update(*, actor: User | None, evaluation: Evaluation, **values: Any) -> Evaluation:
    """Change an evaluation's settings. Weights change only while it is being prepared (the
    template's full scores follow them); methods, standards and the conclusion until it is
    finished."""
    evaluation = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
    perms.require(actor, actions.EVALUATION_MANAGE, evaluation.bureau)
    unknown = set(values) - UPDATABLE
    if unknown:
        raise ValueError(f"unknown fields: {sorted(unknown)}")
    if evaluation.state == EvaluationState.FINISHED:
        raise EvaluationError(errors.FINISHED)
    draft_only = {"weights", "combination", "full_cycle", "cycle_start", "cycle_end"}
    if evaluation.state != EvaluationState.DRAFT and draft_only & set(values):
        raise EvaluationError(errors.NOT_DRAFT)
    old = {
        "weights": {k: str(v) for k, v in evaluation.weights.items()},
        "methods": evaluation.methods,
        "standards": evaluation.standards,
    }
    if "weights" in values:
        weights = {**evaluation.weights, **values.pop("weights")}
        check_weights(weights)
        evaluation.weight_decision = weights[Category.DECISION]
        evaluation.weight_process = weights[Category.PROCESS]
        evaluation.weight_output = weights[Category.OUTPUT]
        evaluation.weight_benefit = weights[Category.BENEFIT]
        if evaluation.kind != EvaluationKind.REEVALUATION:
            evaluation.items.all().delete()
            _template_items(evaluation)
    if "methods" in values:
        values["methods"] = _check_codes(values["methods"], Method.values)
    if "standards" in values:
        values["standards"] = _check_codes(values["standards"], Standard.values)
    for name, value in values.items():
        setattr(evaluation, name, value)
    _check_cycle(
        evaluation.project, evaluation.full_cycle, evaluation.cycle_start, evaluation.cycle_end
    )
    if not evaluation.full_cycle:
        evaluation.cycle_start = evaluation.cycle_end = None
    evaluation.full_clean()
    evaluation.save()
    audit_record(
        actor=actor,
        action="budget.evaluation.update",
        obj=evaluation,
        organization_id=evaluation.project.unit_id,
        old=old,
        new={
            "weights": {k: str(v) for k, v in evaluation.weights.items()},
            "methods": evaluation.methods,
            "standards": evaluation.standards,
        },
    )
    return evaluation


@transaction.atomic
def evaluation_assign(
    *,
    actor: User | None,
    evaluation: Evaluation,
    user: User,
    role: str,
    agency: str = "",
) -> EvaluationAssignment:
    """Assign a third-party evaluator (role 第三方评价人员) or an expert. The person then sees
    this evaluation, and only it, through the assignment."""
    perms.require(actor, actions.EVALUATION_MANAGE, evaluation.bureau)
    if evaluation.state == EvaluationState.FINISHED:
        raise EvaluationError(errors.FINISHED)
    if role not in AssignmentRole.values:
        raise ValueError(f"unknown role: {role}")
    if not (
        perms.has_role(user, Role.EVALUATOR)
        or perms.can(user, actions.EVALUATION_MANAGE, evaluation.bureau)
    ):
        raise EvaluationError(errors.ASSIGNEE_ROLE)
    if EvaluationAssignment.objects.filter(evaluation=evaluation, user=user).exists():
        raise EvaluationError(errors.ASSIGNED_ALREADY)
    assignment = EvaluationAssignment(evaluation=evaluation, user=user, role=role, agency=agency)
    assignment.full_clean()
    assignment.save()
    audit_record(
        actor=actor,
        action="budget.evaluation.assign",
        obj=evaluation,
        organization_id=evaluation.project.unit_id,
        new={"user": user.pk, "role": role, "agency": agency},
    )
    return assignment


@transaction.atomic
def evaluation_unassign(*, actor: User | None, assignment: EvaluationAssignment) -> None:
    evaluation = assignment.evaluation
    perms.require(actor, actions.EVALUATION_MANAGE, evaluation.bureau)
    if evaluation.state == EvaluationState.FINISHED:
        raise EvaluationError(errors.FINISHED)
    audit_record(
        actor=actor,
        action="budget.evaluation.unassign",
        obj=evaluation,
        organization_id=evaluation.project.unit_id,
        old={"user": assignment.user_id, "role": assignment.role},
    )
    assignment.delete()


@transaction.atomic
def evaluation_open(*, actor: User | None, evaluation: Evaluation) -> Evaluation:
    """准备中 → 评分中: the assigned people can score."""
    evaluation = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
    perms.require(actor, actions.EVALUATION_MANAGE, evaluation.bureau)
    _move(evaluation, EvaluationState.SCORING)
    evaluation.save(update_fields=["state"])
    audit_record(
        actor=actor,
        action="budget.evaluation.open",
        obj=evaluation,
        organization_id=evaluation.project.unit_id,
        new={"state": evaluation.state},
    )
    return evaluation


def assignment_of(user: User | None, evaluation: Evaluation) -> EvaluationAssignment:
    if user is None:
        raise EvaluationError(errors.NOT_ASSIGNED)
    found = EvaluationAssignment.objects.filter(evaluation=evaluation, user=user).first()
    if found is None:
        raise PermissionDeniedError(errors.NOT_ASSIGNED)
    return found


@transaction.atomic
def expert_scores_save(
    *,
    actor: User,
    evaluation: Evaluation,
    scores: Mapping[int, Any],
    comments: Mapping[int, str] | None = None,
    submit: bool = False,
) -> EvaluationAssignment:
    """An assigned expert's (or third-party evaluator's) scores of the framework items, each
    within [0, full]; ``submit`` marks them final (all items scored)."""
    evaluation = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
    assignment = assignment_of(actor, evaluation)
    if evaluation.state != EvaluationState.SCORING:
        raise EvaluationError(errors.NOT_SCORING)
    items = {item.pk: item for item in evaluation.items.all()}
    comments = comments or {}
    given: dict[int, ExpertScore | None] = {}  # item id → its score, None to clear it
    for pk, raw in scores.items():
        item = items.get(int(pk))
        if item is None:
            raise EvaluationError(errors.UNKNOWN_ITEM.format(pk=pk))
        value = _decimal(raw, item.name, "得分")
        given[item.pk] = None
        if value is not None:
            value = value.quantize(CENT, rounding=ROUND_HALF_UP)
            if value < 0 or value > item.full_score:
                raise EvaluationError(
                    errors.SCORE_RANGE.format(name=item.name, full=item.full_score)
                )
            comment = comments.get(int(pk), "")
            given[item.pk] = ExpertScore(
                assignment=assignment, item=item, score=value, comment=comment
            )
    _expert_scores_write(assignment, given)
    if submit:
        scored = ExpertScore.objects.filter(assignment=assignment).count()
        if scored < len(items):
            raise EvaluationError(errors.SCORES_INCOMPLETE.format(count=len(items) - scored))
        assignment.submitted_at = timezone.now()
        assignment.save(update_fields=["submitted_at"])
    audit_record(
        actor=actor,
        action="budget.evaluation.score",
        obj=evaluation,
        organization_id=evaluation.project.unit_id,
        new={"scores": {str(k): str(v) for k, v in scores.items()}, "submit": submit},
    )
    return assignment


def _expert_scores_write(
    assignment: EvaluationAssignment, given: Mapping[int, ExpertScore | None]
) -> None:
    """Two queries for any number of items: the cleared scores deleted, the others inserted
    or updated in place (one upsert, on SQLite as on PostgreSQL)."""
    cleared = [pk for pk, row in given.items() if row is None]
    if cleared:
        ExpertScore.objects.filter(assignment=assignment, item_id__in=cleared).delete()
    ExpertScore.objects.bulk_create(
        [row for row in given.values() if row is not None],
        update_conflicts=True,
        unique_fields=["assignment", "item"],
        update_fields=["score", "comment"],
    )


def _may_rescore(actor: User | None, evaluation: Evaluation) -> None:
    if actor is None or perms.can(actor, actions.EVALUATION_MANAGE, evaluation.bureau):
        return
    assignment_of(actor, evaluation)


REEVALUATION_FIELDS = ("actual", "level", "adjusted_score", "reason")


@transaction.atomic
def reevaluation_score(
    *,
    actor: User | None,
    evaluation: Evaluation,
    items: Mapping[int, Mapping[str, Any]] | None = None,
    executed: Any = None,
) -> Evaluation:
    """The bureau's (or an assigned evaluator's) re-evaluation: verified actual values, levels
    and adjusted scores with reasons per row; every row rescored by the engine, so the
    difference to the unit's own score shows item by item."""
    evaluation = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
    _may_rescore(actor, evaluation)
    if evaluation.kind != EvaluationKind.REEVALUATION:
        raise ValueError("not a re-evaluation")
    if evaluation.state == EvaluationState.FINISHED:
        raise EvaluationError(errors.FINISHED)
    rows = list(evaluation.items.order_by("position", "id"))
    by_id = {row.pk: row for row in rows}
    for pk, changes in (items or {}).items():
        row = by_id.get(int(pk))
        if row is None:
            raise EvaluationError(errors.UNKNOWN_ITEM.format(pk=pk))
        for name, value in changes.items():
            if name not in REEVALUATION_FIELDS:
                raise ValueError(f"unknown item field: {name}")
            if name in ("actual", "adjusted_score"):
                label = str(EvaluationItem._meta.get_field(name).verbose_name)
                setattr(row, name, _decimal(value, row.name, label))
            else:
                setattr(row, name, (value or "").strip())
    outcome = _rescore(evaluation, rows, executed)
    if evaluation.state == EvaluationState.DRAFT:  # the first scores start the scoring stage
        _move(evaluation, EvaluationState.SCORING)
    EvaluationItem.objects.bulk_update(rows, [*REEVALUATION_FIELDS, "score", "explain"])
    evaluation.save(update_fields=["total", "grade", "rule_version", "state"])
    audit_record(
        actor=actor,
        action="budget.evaluation.rescore",
        obj=evaluation,
        organization_id=evaluation.project.unit_id,
        new={"total": str(outcome.total), "grade": outcome.grade},
    )
    return evaluation


def _rescore(evaluation: Evaluation, rows: list[EvaluationItem], executed: Any = None) -> Outcome:
    source = evaluation.self_evaluation
    if source is None:
        raise ValueError("a re-evaluation without its self-evaluation")
    spent = (
        _decimal(executed, "预算执行率", "执行数")
        if executed not in (None, "")
        else source.executed
    )
    rules = rules_for(evaluation.bureau, evaluation.fiscal_year)
    for row in rows:
        if row.adjusted_score is not None and not row.reason.strip() and row.rule != "qualitative":
            raise EvaluationError(errors.REASON_REQUIRED.format(name=row.name))
    scored = [_ReRow(row) for row in rows]
    try:
        outcome = score_rows(
            title=evaluation.title,
            budget=source.budget_full_year,
            executed=spent,  # type: ignore[arg-type]
            rows=scored,
            rules=rules,
        )
    except SheetError as exc:
        raise EvaluationError(
            errors.SCORING_REFUSED.format(problems="；".join(exc.messages))
        ) from exc
    for n, row in enumerate(rows):
        row.score = outcome.items[n].score
        row.explain = outcome.items[n].explain
    evaluation.total = outcome.total
    evaluation.grade = outcome.grade
    evaluation.rule_version = rules.version
    return outcome


class _ReRow:
    """A re-evaluation row as the scoring module reads it (qualitative: the evaluator's score
    within the band is the assessed score, not an adjustment)."""

    def __init__(self, row: EvaluationItem) -> None:
        self.name, self.rule, self.full_score = row.name, row.rule, row.full_score
        self.level1, self.level2 = row.level1, row.level2
        self.target_value, self.actual, self.unit, self.level = (
            row.target_value,
            row.actual,
            row.unit,
            row.level,
        )
        qualitative = row.rule == "qualitative"
        self.assessed_score = row.adjusted_score if qualitative else None
        self.adjusted_score = None if qualitative else row.adjusted_score
        self.reason = row.reason
        self.score = row.score


@transaction.atomic
def evaluation_finish(
    *, actor: User | None, evaluation: Evaluation, conclusion: str = ""
) -> Evaluation:
    """Close the evaluation with its result: a framework evaluation combines the submitted
    experts' scores item by item (mean, or mean without the highest and lowest); a
    re-evaluation takes the engine's rescoring. Total, grade (the year's thresholds) and rule
    version are stored."""
    evaluation = (
        Evaluation.objects.select_for_update().select_related("project").get(pk=evaluation.pk)
    )
    perms.require(actor, actions.EVALUATION_MANAGE, evaluation.bureau)
    _move(evaluation, EvaluationState.FINISHED)
    rules = rules_for(evaluation.bureau, evaluation.fiscal_year)
    if evaluation.kind == EvaluationKind.REEVALUATION:
        rows = list(evaluation.items.order_by("position", "id"))
        _rescore(evaluation, rows)
        EvaluationItem.objects.bulk_update(rows, ["score", "explain"])
    else:
        _combine(evaluation, rules)
    evaluation.conclusion = conclusion or evaluation.conclusion
    evaluation.finished_at = timezone.now()
    evaluation.save()
    audit_record(
        actor=actor,
        action="budget.evaluation.finish",
        obj=evaluation,
        organization_id=evaluation.project.unit_id,
        new={"total": str(evaluation.total), "grade": evaluation.grade},
    )
    return evaluation


def _combine(evaluation: Evaluation, rules: Rules) -> None:
    submitted = EvaluationAssignment.objects.filter(
        evaluation=evaluation, submitted_at__isnull=False
    )
    if not submitted.exists():
        raise EvaluationError(errors.NO_EXPERT)
    by_item: dict[int, list[Decimal]] = {}
    for item_id, value in ExpertScore.objects.filter(assignment__in=submitted).values_list(
        "item_id", "score"
    ):
        by_item.setdefault(item_id, []).append(value)
    items = list(evaluation.items.order_by("position", "id"))
    total = Decimal(0)
    for item in items:
        scores = by_item.get(item.pk, [])
        if not scores:
            raise EvaluationError(errors.SCORES_INCOMPLETE.format(count=1))
        item.score = combining.combine(scores, evaluation.combination)
        item.explain = combining.explain(scores, evaluation.combination, item.score)
        total += item.score
    EvaluationItem.objects.bulk_update(items, ["score", "explain"])
    evaluation.total = total
    evaluation.grade = rules.grade_for(total)
    evaluation.rule_version = rules.version
