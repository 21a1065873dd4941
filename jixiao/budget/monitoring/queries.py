"""Reads of monitoring for pages, dashboards, the API and exports: scoped through
``budget.monitoring.view`` and set-based (one grouped query each, no per-row queries).

Dashboard functions return plain rows (dicts) ready for tables and charts; the access helpers
(``get_round_for_user``, ``get_form_for_user``) answer 404 outside the user's scope.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import (
    Count,
    DecimalField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404

from jixiao.budget import permissions as actions
from jixiao.budget.monitoring import warnings as rules
from jixiao.budget.monitoring.models import (
    Colour,
    IndicatorProgress,
    MonitoringForm,
    MonitoringRound,
    MonitoringWarning,
    SpendingRecord,
    WarningKind,
)
from jixiao.orgs import permissions as perms
from jixiao.orgs.models import Organization

PROJECT_UNIT = "project__unit"
MONEY_ZERO = Value(Decimal(0), output_field=DecimalField(max_digits=18, decimal_places=4))

# --- Access ----------------------------------------------------------------------------------


def forms_visible(
    user: Any, round: MonitoringRound | None = None, action: str = actions.MONITORING_VIEW
) -> QuerySet[MonitoringForm]:
    qs = perms.filter_for_user(
        user,
        MonitoringForm.objects.select_related(
            "round", "project", "project__unit", "project__department"
        ),
        action,
        org_field=PROJECT_UNIT,
    )
    return qs if round is None else qs.filter(round=round)


def rounds_visible(user: Any) -> QuerySet[MonitoringRound]:
    """Rounds of the bureaus in the user's scope, and rounds where the user sees a form (a
    unit operator sees the rounds its unit takes part in)."""
    in_scope = perms.scope_q(user, actions.MONITORING_VIEW, "bureau")
    with_forms = Q(pk__in=forms_visible(user).values("round_id"))
    return MonitoringRound.objects.filter(in_scope | with_forms).select_related(
        "bureau", "period", "deadline"
    )


def get_round_for_user(user: Any, pk: Any) -> MonitoringRound:
    """404 for a round the user may not see, as for a missing one."""
    try:
        return rounds_visible(user).get(pk=pk)
    except (MonitoringRound.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def get_form_for_user(user: Any, pk: Any, action: str = actions.MONITORING_VIEW) -> MonitoringForm:
    """The only way pages and the API fetch a form: 404 outside the user's scope for
    ``action`` (``budget.monitoring.fill`` for the editing page). With ``spent`` and
    ``executed_to_date`` (``with_executed``)."""
    forms = MonitoringForm.objects.select_related(
        "round", "round__period", "round__deadline", "project", "project__unit"
    )
    return perms.get_for_user(user, with_executed(forms), pk, action, org_field=PROJECT_UNIT)


def progress_rows(form: MonitoringForm) -> QuerySet[IndicatorProgress]:
    """The form's indicator rows in the declaration's order, with their level-1 and level-2
    groups (``indicator.parent.parent``, ``indicator.parent``) joined."""
    return form.progress.select_related("indicator__parent__parent").order_by(
        "indicator__parent__parent__position",
        "indicator__parent__position",
        "indicator__position",
        "id",
    )


def warnings_visible(user: Any, round: MonitoringRound) -> QuerySet[MonitoringWarning]:
    return perms.filter_for_user(
        user,
        MonitoringWarning.objects.filter(round=round),
        actions.MONITORING_VIEW,
        org_field=PROJECT_UNIT,
    )


def spent_subquery() -> Coalesce:
    """Each form's project payments from the year's first day to its round's last day (0 when
    there are none)."""
    total = (
        SpendingRecord.objects.filter(
            project_id=OuterRef("project_id"),
            date__gte=OuterRef("round__period__start_date"),
            date__lte=OuterRef("round__period__end_date"),
        )
        .values("project_id")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return Coalesce(Subquery(total, output_field=MONEY_ZERO.output_field), MONEY_ZERO)


def with_executed(forms: QuerySet[MonitoringForm]) -> QuerySet[MonitoringForm]:
    """The forms with their spending to date (``spent``) and their executed amount to date
    (``executed_to_date``: the unit's figure, else ``spent``), in the same query. The one
    place that says what "executed to date" is, for pages, the API and the workbooks."""
    return forms.annotate(spent=spent_subquery()).annotate(
        executed_to_date=Coalesce("executed", "spent")
    )


# --- Dashboards ------------------------------------------------------------------------------


INDICATOR_KINDS = (WarningKind.INDICATOR, WarningKind.QUALITATIVE)


def _colour_counts() -> dict[str, Count]:
    counts = {c: Count("pk", filter=Q(colour=c)) for c in Colour.values}
    return {**counts, "total": Count("pk")}


def measured_progress(user: Any, round: MonitoringRound, kind: str) -> QuerySet[IndicatorProgress]:
    """The round's progress rows that have a warning colour (indicators of ``kind`` with their
    values filled in), in the user's scope. An indicator on track has no warning row, so its
    green is the difference between these and the stored red, yellow and blue rows."""
    qs = perms.filter_for_user(
        user,
        IndicatorProgress.objects.filter(form__round=round),
        actions.MONITORING_VIEW,
        org_field="form__project__unit",
    )
    if kind == WarningKind.QUALITATIVE:
        return qs.filter(kind=rules.QUALITATIVE).exclude(level="")
    return qs.exclude(kind=rules.QUALITATIVE).filter(
        actual__isnull=False, target_value__isnull=False
    )


def colour_counts_by_department(
    user: Any, round: MonitoringRound, kind: str = WarningKind.COMBINED
) -> list[dict[str, Any]]:
    """Per supervising department: how many warnings of ``kind`` of each colour (projects for
    the per-project kinds, indicators for the others, green ones included). Units directly
    under the bureau have department None. Two grouped queries at most."""
    rows = (
        warnings_visible(user, round)
        .filter(kind=kind)
        .values("project__department_id", "project__department__name")
        .annotate(**_colour_counts())
        .order_by("project__department__path")
    )
    result = {
        row["project__department_id"]: {
            "department_id": row["project__department_id"],
            "department": row["project__department__name"] or "",
            **{c: row[c] for c in (*Colour.values, "total")},
        }
        for row in rows
    }
    if kind in INDICATOR_KINDS:
        measured = (
            measured_progress(user, round, kind)
            .values("form__project__department_id", "form__project__department__name")
            .annotate(n=Count("pk"))
            .order_by("form__project__department__path")
        )
        merged = {}
        for row in measured:
            department = row["form__project__department_id"]
            counts = result.get(department) or {
                "department_id": department,
                "department": row["form__project__department__name"] or "",
                **dict.fromkeys((*Colour.values, "total"), 0),
            }
            counts["green"] = row["n"] - counts["total"]
            counts["total"] = row["n"]
            merged[department] = counts
        return list(merged.values())
    return list(result.values())


def colour_totals(user: Any, round: MonitoringRound) -> dict[str, dict[str, int]]:
    """Counts by kind and colour over the whole visible round: {kind: {colour: n}}, green
    indicators included."""
    rows = warnings_visible(user, round).values("kind", "colour").annotate(n=Count("pk"))
    totals: dict[str, dict[str, int]] = {kind: {} for kind in WarningKind.values}
    for row in rows:
        totals[row["kind"]][row["colour"]] = row["n"]
    for kind in INDICATOR_KINDS:
        green = measured_progress(user, round, kind).count() - sum(totals[kind].values())
        if green:
            totals[kind][Colour.GREEN] = green
    return totals


RED_LIST_FIELDS = (
    "id",
    "kind",
    "value",
    "explain",
    "indicator_id",
    "project_id",
    "project__code",
    "project__name",
    "project__unit_id",
    "project__unit__name",
    "project__department_id",
    "project__department__name",
)


def red_list(
    user: Any,
    round: MonitoringRound,
    kind: str | None = None,
    department: Organization | None = None,
) -> QuerySet[MonitoringWarning, dict[str, Any]]:
    """The red warnings of the round (of one ``kind``, of one department), with their
    projects, units and departments, in the organisation tree's order."""
    qs = warnings_visible(user, round).filter(colour=Colour.RED)
    if kind:
        qs = qs.filter(kind=kind)
    if department is not None:
        qs = qs.filter(project__unit__path__startswith=department.path)
    return qs.order_by("project__unit__path", "project__code", "kind", "id").values(
        *RED_LIST_FIELDS
    )


def execution_progress(user: Any, round: MonitoringRound) -> list[dict[str, Any]]:
    """Per project: budget, executed to date (the form's figure, else the spending records),
    execution rate, time progress, their ratio and its colour as last computed."""
    warning = MonitoringWarning.objects.filter(
        round=round, project_id=OuterRef("project_id"), kind=WarningKind.BUDGET_EXECUTION
    )
    rows = (
        with_executed(forms_visible(user, round))
        .annotate(
            colour=Subquery(warning.values("colour")[:1]),
            ratio=Subquery(warning.values("value")[:1]),
        )
        .order_by("project__unit__path", "project__code")
        .values(
            "id",
            "state",
            "budget",
            "executed",
            "spent",
            "executed_to_date",
            "colour",
            "ratio",
            "project_id",
            "project__code",
            "project__name",
            "project__unit__name",
            "project__department_id",
            "project__department__name",
        )
    )
    time_progress = rules.time_progress(round.months_elapsed)
    result = []
    for row in rows:
        budget = row["budget"]
        rate = row["executed_to_date"] / budget if budget > 0 else None
        result.append({**row, "execution_rate": rate, "time_progress": time_progress})
    return result


def colour_trend(
    user: Any, bureau: Organization, fiscal_year: int, kind: str = WarningKind.COMBINED
) -> list[dict[str, Any]]:
    """Per round of the year, in order: counts of ``kind`` warnings by colour."""
    rows = (
        perms.filter_for_user(
            user,
            MonitoringWarning.objects.filter(
                round__bureau=bureau, round__fiscal_year=fiscal_year, kind=kind
            ),
            actions.MONITORING_VIEW,
            org_field=PROJECT_UNIT,
        )
        .values("round_id", "round__name", "round__months_elapsed")
        .annotate(**_colour_counts())
        .order_by("round__months_elapsed")
    )
    return [
        {
            "round_id": row["round_id"],
            "round": row["round__name"],
            "months_elapsed": row["round__months_elapsed"],
            **{c: row[c] for c in (*Colour.values, "total")},
        }
        for row in rows
    ]


def colour_movement(
    user: Any, round: MonitoringRound, kind: str = WarningKind.COMBINED
) -> list[dict[str, Any]]:
    """How projects moved between colours since the bureau's previous round of the year:
    rows (from_colour, to_colour, projects); from_colour None for projects new in this
    round. Empty for the first round."""
    previous = (
        MonitoringRound.objects.filter(
            bureau_id=round.bureau_id,
            fiscal_year=round.fiscal_year,
            months_elapsed__lt=round.months_elapsed,
        )
        .order_by("-months_elapsed")
        .first()
    )
    if previous is None:
        return []
    before = MonitoringWarning.objects.filter(
        round=previous, project_id=OuterRef("project_id"), kind=kind
    ).values("colour")[:1]
    rows = (
        warnings_visible(user, round)
        .filter(kind=kind)
        .annotate(from_colour=Subquery(before))
        .values("from_colour", "colour")
        .annotate(projects=Count("pk"))
        .order_by("from_colour", "colour")
    )
    return [
        {
            "from_round_id": previous.pk,
            "to_round_id": round.pk,
            "from_colour": row["from_colour"],
            "to_colour": row["colour"],
            "projects": row["projects"],
        }
        for row in rows
    ]


# --- Pages -----------------------------------------------------------------------------------

NO_DEPARTMENT = "none"  # the department filter for units directly under the bureau


def _colour_of(kind: str) -> Subquery:
    return Subquery(
        MonitoringWarning.objects.filter(
            round_id=OuterRef("round_id"), project_id=OuterRef("project_id"), kind=kind
        ).values("colour")[:1]
    )


def form_rows(
    user: Any,
    round: MonitoringRound | None,
    *,
    department: str = "",
    unit: str = "",
    state: str = "",
    colour: str = "",
    execution: str = "",
    q: str = "",
    action: str = actions.MONITORING_VIEW,
) -> QuerySet[MonitoringForm]:
    """The round's forms (every round's, for ``None``) in the user's scope for the list page,
    the dashboards' click-through and the API, each with its combined and budget-execution
    colour as last computed (``combined``, ``execution``), its spending and executed amount
    to date (``spent``, ``executed_to_date``) and its number of red indicators
    (``red_indicators``), filtered by department id (or ``NO_DEPARTMENT``), unit, state,
    combined colour, execution colour and a search text. One query."""
    red_indicators = (
        MonitoringWarning.objects.filter(
            round_id=OuterRef("round_id"),
            project_id=OuterRef("project_id"),
            kind__in=INDICATOR_KINDS,
            colour=Colour.RED,
        )
        .values("project_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    qs = with_executed(forms_visible(user, round, action)).annotate(
        combined=_colour_of(WarningKind.COMBINED),
        execution=_colour_of(WarningKind.BUDGET_EXECUTION),
        red_indicators=Coalesce(Subquery(red_indicators), Value(0)),
    )
    if department == NO_DEPARTMENT:
        qs = qs.filter(project__department__isnull=True)
    elif department.isdigit():
        qs = qs.filter(project__department_id=int(department))
    if unit.isdigit():
        qs = qs.filter(project__unit_id=int(unit))
    if state:
        qs = qs.filter(state=state)
    if colour:
        qs = qs.filter(combined=colour)
    if execution:
        qs = qs.filter(execution=execution)
    if q.strip():
        text = q.strip()
        qs = qs.filter(
            Q(project__name__contains=text)
            | Q(project__code__contains=text)
            | Q(project__unit__name__contains=text)
        )
    return qs.order_by("project__unit__path", "project__code")


def form_state_counts(user: Any, round: MonitoringRound) -> dict[str, int]:
    """The visible forms of the round by state, and ``all``: one grouped query."""
    rows = forms_visible(user, round).order_by().values("state").annotate(n=Count("pk"))
    counts = {row["state"]: row["n"] for row in rows}
    return {**counts, "all": sum(counts.values())}


def pending_units(user: Any, round: MonitoringRound) -> list[dict[str, Any]]:
    """Units of the user's scope with forms of the round not yet submitted (the overdue list
    once the deadline has passed): unit, department, forms pending and in all. One query."""
    from jixiao.budget.monitoring.models import FormState

    rows = (
        forms_visible(user, round)
        .order_by()
        .values(
            "project__unit_id",
            "project__unit__name",
            "project__unit__path",
            "project__department__name",
        )
        .annotate(
            pending=Count("pk", filter=Q(state=FormState.DRAFT)),
            forms=Count("pk"),
        )
        .filter(pending__gt=0)
        .order_by("project__unit__path")
    )
    return [
        {
            "unit_id": row["project__unit_id"],
            "unit": row["project__unit__name"],
            "department": row["project__department__name"] or "",
            "pending": row["pending"],
            "forms": row["forms"],
        }
        for row in rows
    ]


def form_warnings(form: MonitoringForm) -> QuerySet[MonitoringWarning]:
    """The warnings of the form's project in its round as last computed, the project's own
    (execution, combined) first."""
    return MonitoringWarning.objects.filter(
        round_id=form.round_id, project_id=form.project_id
    ).order_by("indicator_id", "kind", "id")


def warning_rows(
    user: Any,
    round: MonitoringRound,
    *,
    colour: str = "",
    kind: str = "",
    department: str = "",
) -> QuerySet[MonitoringWarning]:
    """The round's warnings in the user's scope, with project, unit and department joined,
    filtered by colour, kind and department id (or ``NO_DEPARTMENT``)."""
    qs = warnings_visible(user, round).select_related(
        "project", "project__unit", "project__department"
    )
    if colour:
        qs = qs.filter(colour=colour)
    if kind:
        qs = qs.filter(kind=kind)
    if department == NO_DEPARTMENT:
        qs = qs.filter(project__department__isnull=True)
    elif department.isdigit():
        qs = qs.filter(project__department_id=int(department))
    return qs.order_by("project__unit__path", "project__code", "kind", "id")


def indicator_names(warnings: Any) -> dict[int, str]:
    """Names of the indicators the warnings measured, as their rounds copied them (one
    query): warning id → name."""
    pairs = [(w.round_id, w.project_id, w.indicator_id) for w in warnings if w.indicator_id]
    if not pairs:
        return {}
    rows = IndicatorProgress.objects.filter(
        form__round_id__in={r for r, _, _ in pairs},
        indicator_id__in={i for _, _, i in pairs},
        form__project_id__in={p for _, p, _ in pairs},
    ).values_list("form__round_id", "form__project_id", "indicator_id", "indicator_name")
    names = {(r, p, i): name for r, p, i, name in rows}
    return {
        w.pk: names.get((w.round_id, w.project_id, w.indicator_id), "")
        for w in warnings
        if w.indicator_id
    }


def spending_visible(user: Any, fiscal_year: int, project: str = "") -> QuerySet[SpendingRecord]:
    """Payments of the year's projects in the user's scope (``budget.monitoring.view`` over
    the project's unit), newest first, optionally of one project code."""
    qs = perms.filter_for_user(
        user,
        SpendingRecord.objects.filter(project__fiscal_year=fiscal_year).select_related(
            "project", "project__unit"
        ),
        actions.MONITORING_VIEW,
        org_field=PROJECT_UNIT,
    )
    if project.strip():
        qs = qs.filter(project__code=project.strip())
    return qs.order_by("-date", "-id")


def execution_by_department(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``execution_progress`` rows summed per department: budget, executed, rate."""
    by: dict[Any, dict[str, Any]] = {}
    for row in rows:
        key = row["project__department__name"] or ""
        item = by.setdefault(
            key,
            {
                "department": key,
                "department_id": row.get("project__department_id"),
                "budget": Decimal(0),
                "executed": Decimal(0),
                "projects": 0,
            },
        )
        item["budget"] += row["budget"]
        item["executed"] += row["executed_to_date"]
        item["projects"] += 1
    for item in by.values():
        item["rate"] = item["executed"] / item["budget"] if item["budget"] > 0 else None
    return list(by.values())
