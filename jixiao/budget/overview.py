"""Reads of the leader overview (预算绩效管理总览, SPEC X-2): the whole budget-performance cycle
of a finance bureau, or of a supervising department, on one page.

Three years are read at once, as the work runs: next year's budget is being declared
(targets, BUD-2/3), this year's money is being monitored (BUD-5), last year's is evaluated and
its results applied (BUD-7…11). :class:`Years` names them from the one year the page asks for.

Everything is scoped by the reused queries of each area (monitoring, evaluation, results),
which keep to the user's own scope; the page itself is for people who oversee budget units —
a finance bureau or a supervising department (:func:`can_view`); a unit's operator has its own
lists. Each function returns plain data (dicts, numbers) and runs a fixed handful of grouped
queries, whatever the number of projects and departments. Two reads the areas lack are here:
the declarations by review state and department (:func:`declarations`) and the results in
force of every year at once (:func:`result_trend`, the set-based twin of
``evaluation.queries.project_results``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from jixiao.budget import permissions as budget_actions
from jixiao.budget.evaluation import permissions as evaluation_actions
from jixiao.budget.evaluation import queries as evaluation_queries
from jixiao.budget.evaluation.models import (
    Evaluation,
    EvaluationState,
    Grade,
    SelfEvaluation,
)
from jixiao.budget.evaluation.results import rectification
from jixiao.budget.evaluation.services import bureau_of
from jixiao.budget.models import Project
from jixiao.budget.monitoring import queries as monitoring_queries
from jixiao.budget.monitoring import warnings as rules
from jixiao.budget.monitoring.models import Colour, MonitoringRound, WarningKind
from jixiao.budget.services import SUBJECT
from jixiao.orgs import permissions as perms
from jixiao.orgs.models import Organization, OrgKind
from jixiao.workflow.models import WorkflowCase, WorkflowState

# The action that opens the page (with an overseeing scope): the monitoring dashboard's.
VIEW = budget_actions.MONITORING_VIEW
OVERSEEING = (OrgKind.FINANCE_BUREAU, OrgKind.SUPERVISING_DEPARTMENT)
GRADES = tuple(Grade.values)  # 优, 良, 中, 差
NONE = "none"  # the key of "not evaluated" and of units directly under the bureau
ZERO = Decimal(0)


@dataclass(frozen=True)
class Years:
    """The year the page is about (``current``: monitoring) and the two it reads with it."""

    current: int

    @property
    def budget(self) -> int:
        """Next year's budget, whose targets are being declared."""
        return self.current + 1

    @property
    def evaluated(self) -> int:
        """Last year, self-evaluated and evaluated this year; its results set next budgets."""
        return self.current - 1


def years_of(text: str | None, today: date | None = None) -> Years:
    """The page's years from its ``year`` parameter (this year when absent or not a year)."""
    this = (today or timezone.localdate()).year
    if text and text.isdigit() and 2000 <= int(text) <= 2100:
        return Years(int(text))
    return Years(this)


# --- Who sees it -----------------------------------------------------------------------------


def overseen(user: Any) -> list[Organization]:
    """The finance bureaus and supervising departments over which ``user`` holds the view
    action (one query, remembered on the user object for the request)."""
    cached = getattr(user, "_jixiao_overseen", None)
    if cached is None:
        paths = perms.action_paths(user, VIEW)
        cached = (
            list(Organization.objects.filter(path__in=paths, kind__in=OVERSEEING).order_by("path"))
            if paths
            else []
        )
        user._jixiao_overseen = cached
    return cached


def can_view(user: Any) -> bool:
    """Finance-bureau people (reviewers, leaders) and supervising departments' reviewers; not
    a unit's operator, nor a township's or a company's leader."""
    return bool(overseen(user))


def bureau_for(user: Any) -> Organization | None:
    """The finance bureau whose cycle the user oversees (its own, or its department's)."""
    orgs = overseen(user)
    for org in orgs:
        if org.kind == OrgKind.FINANCE_BUREAU:
            return org
    return bureau_of(orgs[0]) if orgs else None


def departments(user: Any) -> list[dict[str, Any]]:
    """The supervising departments in the user's scope, in the tree's order (one query)."""
    rows = (
        perms.visible_organizations(user, VIEW)
        .filter(kind=OrgKind.SUPERVISING_DEPARTMENT)
        .order_by("path")
        .values("id", "name", "short_name")
    )
    return [{"id": r["id"], "name": r["short_name"] or r["name"]} for r in rows]


# --- Targets (BUD-2/3) -----------------------------------------------------------------------

DECLARATION_STATES = tuple(WorkflowState.values)  # draft, submitted, returned, approved


def declarations(user: Any, fiscal_year: int) -> dict[str, Any]:
    """The year's declarations in scope by review state (as the project list's tabs count
    them: no case yet is a draft) and by supervising department: projects, declared money
    (年度资金总额) and approved money. One grouped query."""
    # One case per project (unique): no ordering, so no sort per project.
    case = WorkflowCase.objects.filter(subject_type=SUBJECT, subject_id=OuterRef("pk"))
    state = Subquery(case.order_by().values("state")[:1])
    rows = (
        perms.filter_for_user(
            user,
            Project.objects.filter(fiscal_year=fiscal_year),
            budget_actions.PROJECT_VIEW,
            "unit",
        )
        .annotate(case_state=Coalesce(state, Value(WorkflowState.DRAFT.value)))
        .order_by()
        .values("department_id", "case_state")
        .annotate(n=Count("pk"), declared=Sum("annual_total"), approved=Sum("approved_amount"))
    )
    states = {s: {"projects": 0, "declared": ZERO, "approved": ZERO} for s in DECLARATION_STATES}
    by_department: dict[Any, dict[str, Any]] = {}
    for row in rows:
        figures = (row["n"], row["declared"] or ZERO, row["approved"] or ZERO)
        for target in (
            states.setdefault(
                row["case_state"], {"projects": 0, "declared": ZERO, "approved": ZERO}
            ),
            by_department.setdefault(
                row["department_id"] or NONE,
                {"projects": 0, "declared": ZERO, "approved": ZERO, "states": {}},
            ),
        ):
            target["projects"] += figures[0]
            target["declared"] += figures[1]
            target["approved"] += figures[2]
        counts = by_department[row["department_id"] or NONE]["states"]
        counts[row["case_state"]] = counts.get(row["case_state"], 0) + row["n"]
    total = {
        key: sum((s[key] for s in states.values()), ZERO if key != "projects" else 0)
        for key in ("projects", "declared", "approved")
    }
    return {
        "fiscal_year": fiscal_year,
        "states": states,
        "total": total,
        "by_department": by_department,
    }


# --- Monitoring (BUD-5) ----------------------------------------------------------------------


def _rate(executed: Decimal, budget: Decimal) -> Decimal | None:
    return executed / budget if budget > 0 else None


def _summed(progress: list[dict[str, Any]]) -> dict[str, Any]:
    budget = sum((r["budget"] for r in progress), ZERO)
    executed = sum((r["executed_to_date"] for r in progress), ZERO)
    return {"budget": budget, "executed": executed, "rate": _rate(executed, budget)}


def rounds(user: Any, bureau: Organization) -> list[MonitoringRound]:
    """The bureau's monitoring rounds the user sees, oldest first (one query)."""
    return list(
        monitoring_queries.rounds_visible(user)
        .filter(bureau=bureau)
        .order_by("fiscal_year", "months_elapsed")
    )


def latest_round(all_rounds: list[MonitoringRound], fiscal_year: int) -> MonitoringRound | None:
    of_year = [r for r in all_rounds if r.fiscal_year == fiscal_year]
    return of_year[-1] if of_year else None


def monitoring(user: Any, round: MonitoringRound | None) -> dict[str, Any] | None:
    """The round's execution against time progress (in all and by department), its warnings
    by colour (project combined, budget execution) and by department, and its red list's
    length, from ``monitoring.queries``. Seven queries; None without a round."""
    if round is None:
        return None
    progress = monitoring_queries.execution_progress(user, round)
    totals = monitoring_queries.colour_totals(user, round)
    by_department = {
        row["department_id"] or NONE: row
        for row in monitoring_queries.colour_counts_by_department(user, round)
    }
    execution = {
        row["department_id"] or NONE: row
        for row in monitoring_queries.execution_by_department(progress)
    }
    return {
        "round": round,
        "time_progress": rules.time_progress(round.months_elapsed),
        **_summed(progress),
        "projects": len(progress),
        "combined": totals.get(WarningKind.COMBINED, {}),
        "execution_colours": totals.get(WarningKind.BUDGET_EXECUTION, {}),
        "red_list": monitoring_queries.red_list(user, round).count(),
        "by_department": by_department,
        "execution": execution,
    }


def execution_trend(
    user: Any, all_rounds: list[MonitoringRound], months: int | None
) -> list[dict[str, Any]]:
    """Per fiscal year with rounds: the execution rate at the same point of the year — the
    year's last round of at most ``months`` months (None: its last round) — with that round's
    time progress. One query per year (``monitoring.queries.execution_progress``)."""
    chosen: dict[int, MonitoringRound] = {}
    for round in all_rounds:  # oldest first: the last one kept is the latest
        if months is None or round.months_elapsed <= months:
            chosen[round.fiscal_year] = round
    result = []
    for year in sorted(chosen):
        round = chosen[year]
        summed = _summed(monitoring_queries.execution_progress(user, round))
        result.append(
            {
                "fiscal_year": year,
                "round": round,
                "time_progress": rules.time_progress(round.months_elapsed),
                **summed,
            }
        )
    return result


# --- Self-evaluation and evaluation (BUD-7, BUD-8) -------------------------------------------

COVERAGE_KEYS = ("projects", "approved", "submitted", "missing")


def coverage(user: Any, bureau: Organization, fiscal_year: int) -> dict[str, Any]:
    """Self-evaluation coverage of the year's approved declarations, in all and by
    department: approved (已批复), waiting for review (待审核) and missing (not begun, draft or
    sent back), from ``evaluation.queries.coverage`` (two queries)."""
    from jixiao.budget.evaluation.models import ResultState

    total = dict.fromkeys(COVERAGE_KEYS, 0)
    by_department: dict[Any, dict[str, int]] = {}
    for row in evaluation_queries.coverage(user, bureau, fiscal_year):
        state = row.self_evaluation.state if row.self_evaluation is not None else ""
        key = (
            "approved"
            if state == ResultState.APPROVED
            else "submitted"
            if state == ResultState.SUBMITTED
            else "missing"
        )
        department = by_department.setdefault(
            row.project.department_id or NONE, dict.fromkeys(COVERAGE_KEYS, 0)
        )
        for counts in (total, department):
            counts["projects"] += 1
            counts[key] += 1
    for counts in (total, *by_department.values()):
        done = counts["approved"] + counts["submitted"]
        counts["rate"] = Decimal(done) / counts["projects"] if counts["projects"] else None
    return {"fiscal_year": fiscal_year, "total": total, "by_department": by_department}


def evaluations(user: Any, fiscal_year: int) -> dict[str, dict[str, int]]:
    """The year's key evaluations, re-evaluations and department evaluations in scope, by
    kind and state: {kind: {state: n}} (one grouped query)."""
    rows = (
        evaluation_queries.evaluations_visible(user)
        .filter(fiscal_year=fiscal_year)
        .order_by()
        .values("kind", "state")
        .annotate(n=Count("pk"))
    )
    result: dict[str, dict[str, int]] = defaultdict(dict)
    for row in rows:
        result[row["kind"]][row["state"]] = row["n"]
    return dict(result)


# --- Grades and the next budget (BUD-10) -----------------------------------------------------


def grades(user: Any, bureau: Organization, fiscal_year: int) -> dict[str, Any]:
    """The grades in force of the year's approved declarations (优/良/中/差/未评价) in all and
    by department with the average score, and the next year's proposed cuts, from
    ``evaluation.queries.proposal`` (five queries)."""
    proposal = evaluation_queries.proposal(user, bureau, fiscal_year)
    counts = dict.fromkeys((*GRADES, NONE), 0)
    scores: dict[Any, list[Decimal]] = defaultdict(list)
    by_department: dict[Any, dict[str, Any]] = {}
    for row in proposal.rows:
        grade = row.result.grade or NONE
        counts[grade] += 1
        key = row.result.project.department_id or NONE
        entry = by_department.setdefault(key, {"counts": dict.fromkeys((*GRADES, NONE), 0)})
        entry["counts"][grade] += 1
        if row.result.total is not None:
            scores[key].append(row.result.total)
    for key, entry in by_department.items():
        values = scores.get(key, [])
        entry["average"] = sum(values, ZERO) / len(values) if values else None
    everything = [v for values in scores.values() for v in values]
    return {
        "fiscal_year": fiscal_year,
        "budget_year": proposal.fiscal_year,
        "counts": counts,
        "evaluated": sum(counts[g] for g in GRADES),
        "average": sum(everything, ZERO) / len(everything) if everything else None,
        "base": proposal.base,
        "proposed": proposal.proposed,
        "cut": proposal.cut,
        "control_cut": proposal.control_cut,
        "by_department": by_department,
    }


def result_trend(user: Any, bureau: Organization) -> list[dict[str, Any]]:
    """Per fiscal year with results: the grades in force (the latest finished evaluation,
    else the submitted self-evaluation — as ``evaluation.queries.project_results`` decides
    for one year) and the average self-evaluation score. Two grouped queries for all years."""
    finished = Evaluation.objects.filter(
        project_id=OuterRef("pk"), state=EvaluationState.FINISHED
    ).order_by("-finished_at", "-id")
    self_evaluated = SelfEvaluation.objects.filter(
        project_id=OuterRef("pk"), state__in=evaluation_queries.SUBMITTED_STATES
    )
    in_force = Coalesce(
        Subquery(finished.values("grade")[:1]), Subquery(self_evaluated.values("grade")[:1])
    )
    with_result = Q(
        pk__in=SelfEvaluation.objects.filter(state__in=evaluation_queries.SUBMITTED_STATES).values(
            "project_id"
        )
    ) | Q(pk__in=Evaluation.objects.filter(state=EvaluationState.FINISHED).values("project_id"))
    projects = perms.filter_for_user(
        user,
        Project.objects.filter(with_result, unit__path__startswith=bureau.path),
        evaluation_actions.EVALUATION_VIEW,
        "unit",
    )
    rows = (
        projects.annotate(grade_in_force=in_force)
        .order_by()
        .values("fiscal_year", "grade_in_force")
        .annotate(n=Count("pk"))
    )
    by_year: dict[int, dict[str, Any]] = {}

    def year(y: int) -> dict[str, Any]:
        return by_year.setdefault(
            y, {"fiscal_year": y, "counts": dict.fromkeys(GRADES, 0), "average": None, "self": 0}
        )

    for row in rows:
        if row["grade_in_force"] in GRADES:
            year(row["fiscal_year"])["counts"][row["grade_in_force"]] += row["n"]
    averages = (
        perms.filter_for_user(
            user,
            SelfEvaluation.objects.filter(
                state__in=evaluation_queries.SUBMITTED_STATES,
                total__isnull=False,
                unit__path__startswith=bureau.path,
            ),
            evaluation_actions.SELF_EVALUATION_VIEW,
            "unit",
        )
        .order_by()
        .values("fiscal_year")
        .annotate(average=Avg("total"), n=Count("pk"))
    )
    for row in averages:
        entry = year(row["fiscal_year"])
        entry["average"] = row["average"]
        entry["self"] = row["n"]
    return [by_year[y] for y in sorted(by_year)]


# --- Rectification (BUD-11) ------------------------------------------------------------------


def rectifications(user: Any, fiscal_year: int, today: date | None = None) -> dict[str, Any]:
    """Rectification tasks of the year's results: in all, done, unresolved, overdue, by
    department, from ``results.rectification.counts_by_department`` (two queries)."""
    rows = rectification.counts_by_department(user, fiscal_year, today)
    keys = ("total", "done", "waiting", "unresolved", "overdue")
    total = {k: sum(getattr(r, k) for r in rows) for k in keys}
    by_department = {
        (r.department.pk if r.department is not None else NONE): {k: getattr(r, k) for k in keys}
        for r in rows
    }
    return {"fiscal_year": fiscal_year, "total": total, "by_department": by_department}


# --- The page --------------------------------------------------------------------------------


@dataclass
class Overview:
    years: Years
    bureau: Organization | None
    scope: list[Organization]
    departments: list[dict[str, Any]]
    declarations: dict[str, Any]
    monitoring: dict[str, Any] | None
    execution_trend: list[dict[str, Any]]
    coverage: dict[str, Any]
    evaluations: dict[str, dict[str, int]]
    grades: dict[str, Any]
    rectifications: dict[str, Any]
    result_trend: list[dict[str, Any]]

    @property
    def department_rows(self) -> list[dict[str, Any]]:
        """One row per supervising department (and one for the units directly under the
        bureau when they have figures): every area's figures side by side."""
        keys: list[Any] = [d["id"] for d in self.departments]
        names = {d["id"]: d["name"] for d in self.departments}
        sources = [
            self.declarations["by_department"],
            self.coverage["by_department"],
            self.grades["by_department"],
            self.rectifications["by_department"],
        ]
        if self.monitoring is not None:
            sources += [self.monitoring["by_department"], self.monitoring["execution"]]
        if any(NONE in source for source in sources):
            keys.append(NONE)
        return [self._department_row(key, names.get(key, "")) for key in keys]

    def _department_row(self, key: Any, name: str) -> dict[str, Any]:
        monitoring = self.monitoring or {"by_department": {}, "execution": {}}
        declared = self.declarations["by_department"].get(key, {})
        execution = monitoring["execution"].get(key, {})
        colours = monitoring["by_department"].get(key, {})
        covered = self.coverage["by_department"].get(key, {})
        graded = self.grades["by_department"].get(key, {})
        rectified = self.rectifications["by_department"].get(key, {})
        return {
            "key": key,
            "name": name,
            "declared": declared.get("projects", 0),
            "declared_money": declared.get("declared", ZERO),
            "budget": execution.get("budget"),
            "executed": execution.get("executed"),
            "execution_rate": execution.get("rate"),
            "red": colours.get(Colour.RED, 0),
            "yellow": colours.get(Colour.YELLOW, 0),
            "evaluable": covered.get("projects", 0),
            "covered": covered.get("approved", 0) + covered.get("submitted", 0),
            "coverage": covered.get("rate"),
            "average": graded.get("average"),
            "grades": graded.get("counts", dict.fromkeys((*GRADES, NONE), 0)),
            "unresolved": rectified.get("unresolved", 0),
            "overdue": rectified.get("overdue", 0),
        }


def overview(user: Any, years: Years, today: date | None = None) -> Overview | None:
    """Everything the page shows, for the user's scope; None for a user who oversees
    nothing. A fixed number of queries (about 25) plus one per monitored year."""
    bureau = bureau_for(user)
    if bureau is None:
        return None
    all_rounds = rounds(user, bureau)
    round = latest_round(all_rounds, years.current)
    return Overview(
        years=years,
        bureau=bureau,
        scope=overseen(user),
        departments=departments(user),
        declarations=declarations(user, years.budget),
        monitoring=monitoring(user, round),
        execution_trend=execution_trend(
            user, all_rounds, round.months_elapsed if round is not None else None
        ),
        coverage=coverage(user, bureau, years.evaluated),
        evaluations=evaluations(user, years.evaluated),
        grades=grades(user, bureau, years.evaluated),
        rectifications=rectifications(user, years.evaluated, today),
        result_trend=result_trend(user, bureau),
    )


def headline(user: Any, years: Years, today: date | None = None) -> dict[str, Any] | None:
    """The home page's few numbers: next year's declarations, this year's execution against
    time progress and red warnings, last year's self-evaluation coverage and overdue
    rectification. None for a user who oversees nothing. About a dozen queries."""
    bureau = bureau_for(user)
    if bureau is None:
        return None
    round = latest_round(rounds(user, bureau), years.current)
    watched = monitoring(user, round)
    return {
        "years": years,
        "declarations": declarations(user, years.budget)["total"],
        "monitoring": watched,
        "coverage": coverage(user, bureau, years.evaluated)["total"],
        "rectifications": rectifications(user, years.evaluated, today)["total"],
    }
