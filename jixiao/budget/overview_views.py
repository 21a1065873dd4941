"""The leader overview page (预算绩效管理总览, SPEC X-2) and its home-page block. Thin: the
figures come from ``jixiao.budget.overview``; this module adds the links to the lists behind
each figure, the percentages as the pages print them and the charts' JSON (drawn by
``overview-charts.js``; the tables under the charts carry the same numbers)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from jixiao.budget import overview as queries
from jixiao.budget.evaluation.models import EvaluationKind, EvaluationState, Grade
from jixiao.budget.monitoring.models import Colour, MonitoringRound
from jixiao.budget.monitoring.queries import NO_DEPARTMENT
from jixiao.workflow.models import WorkflowState

STATE_COLOURS = {"draft": "#6c757d", "submitted": "#0d6efd", "returned": "#fd7e14"}
STATE_COLOURS["approved"] = "#198754"
GRADE_COLOURS = {"excellent": "#198754", "good": "#0d6efd", "fair": "#fd7e14", "poor": "#dc3545"}
GRADE_COLOURS[queries.NONE] = "#adb5bd"
WARNING_COLOURS = {"red": "#dc3545", "yellow": "#ffc107", "green": "#198754", "blue": "#0d6efd"}
COVERAGE_COLOURS = {"approved": "#198754", "submitted": "#0d6efd", "missing": "#dc3545"}
SORTS = ("name", "declared", "execution_rate", "red", "coverage", "average", "overdue")


def percent(value: Decimal | None) -> str:
    """A ratio as the pages show it: 45.71%; — for none."""
    if value is None:
        return "—"
    return f"{(Decimal(value) * 100).quantize(Decimal('0.01'), ROUND_HALF_UP)}%"


def _pct(value: Decimal | None) -> float | None:
    return None if value is None else float(round(Decimal(value) * 100, 2))


def _score(value: Decimal | None) -> str:
    if value is None:
        return "—"
    return str(Decimal(value).quantize(Decimal("0.01"), ROUND_HALF_UP))


def _url(name: str, *args: Any, **params: Any) -> str:
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    base = reverse(name, args=args)
    return f"{base}?{query}" if query else base


def _department_param(key: Any) -> str:
    return NO_DEPARTMENT if key == queries.NONE else str(key)


# --- Links -----------------------------------------------------------------------------------


class Links:
    """The filtered lists behind the figures."""

    def __init__(self, years: queries.Years, round: MonitoringRound | None) -> None:
        self.years, self.round = years, round

    def projects(self, state: str = "") -> str:
        return _url("budget:projects", year=self.years.budget, state=state)

    def forms(self, department: Any = None, **params: Any) -> str:
        if self.round is None:
            return ""
        dept = _department_param(department) if department is not None else ""
        return _url("budget:monitoring_round", self.round.pk, department=dept, **params)

    def dashboard(self, round: MonitoringRound | None = None) -> str:
        target = round or self.round
        if target is None:
            return _url("budget:monitoring_rounds")
        return _url("budget:monitoring_dashboard", target.pk)

    def red_list(self) -> str:
        if self.round is None:
            return _url("budget:monitoring_rounds")
        return _url("budget:monitoring_warnings", self.round.pk, colour=Colour.RED)

    def self_evaluations(self, year: int | None = None) -> str:
        return _url("budget:self_evaluations", year=year or self.years.evaluated)

    def evaluations(self) -> str:
        return _url("budget:evaluations")

    def proposal(self, year: int | None = None) -> str:
        return _url("budget:evaluation_proposal", year=year or self.years.evaluated)

    def tasks(self, department: Any = None, **params: Any) -> str:
        dept = "" if department in (None, queries.NONE) else department
        return _url("budget:rectifications", year=self.years.evaluated, department=dept, **params)


# --- The page --------------------------------------------------------------------------------


def _sorted(rows: list[dict[str, Any]], sort: str) -> list[dict[str, Any]]:
    key = sort.lstrip("-")
    if key not in SORTS or key == "name":
        return rows[::-1] if sort == "-name" else rows
    present = [r for r in rows if r[key] is not None]
    missing = [r for r in rows if r[key] is None]
    return sorted(present, key=lambda r: r[key], reverse=sort.startswith("-")) + missing


def _department_rows(data: queries.Overview, links: Links, sort: str) -> list[dict[str, Any]]:
    rows = data.department_rows
    for row in rows:
        key = row["key"]
        row["name"] = row["name"] or _("直属单位")
        row["execution_text"] = percent(row["execution_rate"])
        row["coverage_text"] = percent(row["coverage"])
        row["average_text"] = _score(row["average"])
        row["urls"] = {
            "declared": links.projects(),
            "execution": links.forms(key),
            "red": links.forms(key, colour=Colour.RED),
            "coverage": links.self_evaluations(),
            "grades": links.proposal(),
            "overdue": links.tasks(key, overdue=1),
        }
    return _sorted(rows, sort)


def _sort_links(years: queries.Years, sort: str) -> dict[str, dict[str, str]]:
    """Each column's header link (figures descending first, names ascending; the other way
    when clicked again) and the mark of the column the table is sorted by."""
    links = {}
    for key in SORTS:
        wanted = key if sort == f"-{key}" or (key == "name" and sort != "name") else f"-{key}"
        mark = "▼" if sort == f"-{key}" else "▲" if sort == key else ""
        url = _url("budget:overview", year=years.current, sort=wanted) + "#departments"
        links[key] = {"url": url, "mark": mark}
    return links


def _chart(data: queries.Overview, links: Links, rows: list[dict[str, Any]]) -> dict[str, Any]:
    states = data.declarations["states"]
    grade_labels = {**dict(Grade.choices), queries.NONE: _("未评价")}
    chart: dict[str, Any] = {
        "labels": {
            "rate": _("执行率"),
            "timeProgress": _("时间进度"),
            "average": _("自评平均分"),
            "projects": _("项目数"),
            "empty": _("无数据"),
        },
        "targets": [
            {
                "name": str(label),
                "value": states.get(state, {}).get("projects", 0),
                "colour": STATE_COLOURS[state],
                "url": links.projects(state),
            }
            for state, label in WorkflowState.choices
        ],
        "grades": [
            {
                "name": str(grade_labels[g]),
                "value": data.grades["counts"].get(g, 0),
                "colour": GRADE_COLOURS[g],
                "url": links.proposal(),
            }
            for g in (*queries.GRADES, queries.NONE)
        ],
        "coverage": {
            "series": [
                {"key": k, "name": str(label), "colour": COVERAGE_COLOURS[k]}
                for k, label in _coverage_labels()
            ],
            "rows": [
                {
                    "name": r["name"],
                    "counts": data.coverage["by_department"].get(r["key"], {}),
                    "url": r["urls"]["coverage"],
                }
                for r in rows
                if r["evaluable"]
            ],
        },
        "resultTrend": {
            "series": [
                {"key": g, "name": str(grade_labels[g]), "colour": GRADE_COLOURS[g]}
                for g in queries.GRADES
            ],
            "rows": [
                {
                    "name": str(t["fiscal_year"]),
                    "counts": t["counts"],
                    "average": None if t["average"] is None else float(round(t["average"], 2)),
                    "url": links.proposal(t["fiscal_year"]),
                }
                for t in data.result_trend
            ],
        },
        "executionTrend": [
            {
                "name": str(t["fiscal_year"]),
                "rate": _pct(t["rate"]),
                "timeProgress": _pct(t["time_progress"]),
                "url": links.dashboard(t["round"]),
            }
            for t in data.execution_trend
        ],
    }
    watched = data.monitoring
    if watched is not None:
        chart["warnings"] = [
            {
                "name": str(label),
                "value": watched["combined"].get(c, 0),
                "colour": WARNING_COLOURS[c],
                "url": links.forms(colour=c),
            }
            for c, label in Colour.choices
        ]
        chart["execution"] = {
            "timeProgress": _pct(watched["time_progress"]),
            "rows": [
                {
                    "name": r["name"],
                    "rate": _pct(r["execution_rate"]),
                    "url": r["urls"]["execution"],
                }
                for r in rows
                if r["budget"] is not None
            ],
        }
    return chart


def _coverage_labels() -> list[tuple[str, str]]:
    return [("approved", _("已审核")), ("submitted", _("待审核")), ("missing", _("未报送"))]


@require_GET
@login_required
def overview_page(request: HttpRequest) -> HttpResponse:
    """The bureau's (or a supervising department's) whole cycle of a year at a glance; 404
    for people who oversee no budget units (a unit's operator)."""
    if not queries.can_view(request.user):
        raise Http404
    years = queries.years_of(request.GET.get("year"))
    data = queries.overview(request.user, years)
    if data is None:
        raise Http404
    watched = data.monitoring
    links = Links(years, watched["round"] if watched else None)
    sort = request.GET.get("sort", "")
    rows = _department_rows(data, links, sort)
    this = timezone.localdate().year
    context = {
        "page_title": _("预算绩效管理总览"),
        "data": data,
        "years": years,
        "year_choices": range(min(this - 4, years.current), max(this + 1, years.current) + 1),
        "scope": "、".join(o.short_name or o.name for o in data.scope),
        "links": links,
        "rows": rows,
        "sort": sort,
        "sort_links": _sort_links(years, sort),
        "declaration_states": [
            (state, label, data.declarations["states"].get(state, {}), links.projects(state))
            for state, label in WorkflowState.choices
        ],
        "monitoring": _monitoring_context(watched, links),
        "coverage": {
            **data.coverage["total"],
            "rate_text": percent(data.coverage["total"]["rate"]),
            "labels": _coverage_labels(),
        },
        "evaluations": _evaluation_rows(data.evaluations),
        "grades": {
            **data.grades,
            "average_text": _score(data.grades["average"]),
            "rows": [
                (g, label, data.grades["counts"].get(g, 0))
                for g, label in [*Grade.choices, (queries.NONE, _("未评价"))]
            ],
        },
        "rectifications": data.rectifications["total"],
        "result_trend": [
            {**t, "average_text": _score(t["average"]), "url": links.proposal(t["fiscal_year"])}
            for t in data.result_trend
        ],
        "execution_trend": [
            {
                **t,
                "rate_text": percent(t["rate"]),
                "time_text": percent(t["time_progress"]),
                "url": links.dashboard(t["round"]),
            }
            for t in data.execution_trend
        ],
        "grade_choices": Grade.choices,
        "chart": _chart(data, links, rows),
    }
    return render(request, "budget/overview.html", context)


def _monitoring_context(watched: dict[str, Any] | None, links: Links) -> dict[str, Any] | None:
    if watched is None:
        return None
    return {
        **watched,
        "rate_text": percent(watched["rate"]),
        "time_text": percent(watched["time_progress"]),
        "colours": [
            (c, label, watched["combined"].get(c, 0), links.forms(colour=c))
            for c, label in Colour.choices
        ],
        "execution_colours": [
            (c, label, watched["execution_colours"].get(c, 0), links.forms(execution=c))
            for c, label in Colour.choices
        ],
    }


def _evaluation_rows(counts: dict[str, dict[str, int]]) -> list[dict[str, Any]]:
    return [
        {
            "kind": label,
            "finished": counts.get(kind, {}).get(EvaluationState.FINISHED, 0),
            "running": sum(counts.get(kind, {}).values())
            - counts.get(kind, {}).get(EvaluationState.FINISHED, 0),
        }
        for kind, label in EvaluationKind.choices
    ]


# --- Home page -------------------------------------------------------------------------------


def home_block(user: Any) -> dict[str, Any] | None:
    """Five headline numbers for the people who oversee budget units, each linking to the
    overview; hidden for everyone else."""
    if not queries.can_view(user):
        return None
    years = queries.years_of(None)
    figures = queries.headline(user, years)
    if figures is None:
        return None
    watched = figures["monitoring"]
    return {
        "years": years,
        "url": reverse("budget:overview"),
        "declared": figures["declarations"],
        "monitoring": watched,
        "rate_text": percent(watched["rate"]) if watched else "—",
        "time_text": percent(watched["time_progress"]) if watched else "—",
        "red": watched["combined"].get(Colour.RED, 0) if watched else None,
        "coverage": figures["coverage"],
        "coverage_text": percent(figures["coverage"]["rate"]),
        "overdue": figures["rectifications"]["overdue"],
    }
