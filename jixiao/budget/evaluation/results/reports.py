"""Reports (BUD-12): the evaluation report of a finished evaluation, a unit's (or a
department's) annual performance report, and the bureau's summary for its leadership.

``report_generate`` builds a draft from the data: ``figures`` hold the numbers and tables (and
the chart, as SVG), ``sections`` the text, prefilled from the figures, which the user edits
(``report_save``) until the report is issued (``report_issue``), after which it is locked.
Generating again replaces a draft's text and figures with fresh ones; an issued report is
never regenerated.

Who writes: the bureau (``budget.results.manage``) the evaluation reports and its summary;
the unit or department (``budget.results.answer``) its own annual report. An evaluation
report belongs to the evaluated unit's organisation for reading, so the unit sees it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from jixiao.audit.services import audit_record
from jixiao.budget.evaluation import permissions as evaluation_actions
from jixiao.budget.evaluation.models import (
    Category,
    Evaluation,
    EvaluationKind,
    EvaluationState,
    SelfEvaluation,
)
from jixiao.budget.evaluation.queries import SUBMITTED_STATES, amount_of, proposal
from jixiao.budget.evaluation.result_models import (
    AccountabilityKind,
    AccountabilityRecord,
    PerformanceReport,
    RectificationState,
    RectificationTask,
    ReportKind,
    ReportState,
)
from jixiao.budget.evaluation.results import errors
from jixiao.budget.evaluation.results.accountability import department_scores
from jixiao.budget.evaluation.results.actions import RESULTS_ANSWER, RESULTS_MANAGE, RESULTS_VIEW
from jixiao.budget.evaluation.results.charts import Bar, bar_chart
from jixiao.budget.evaluation.results.common import bureau_of, person
from jixiao.budget.evaluation.results.errors import ResultsError
from jixiao.budget.evaluation.scoring import GRADE_LABELS
from jixiao.budget.models import Project
from jixiao.budget.monitoring.services import approved_projects
from jixiao.documents.language import in_official_language
from jixiao.orgs import permissions as perms
from jixiao.orgs.models import Organization, OrgKind, User

CENT = Decimal("0.01")
GRADES = (("excellent", "优"), ("good", "良"), ("fair", "中"), ("poor", "差"))

SECTIONS: dict[str, tuple[tuple[str, str], ...]] = {
    ReportKind.EVALUATION: (
        ("basic", "一、项目基本情况"),
        ("work", "二、绩效评价工作开展情况"),
        ("conclusion", "三、综合评价结论"),
        ("analysis", "四、绩效目标实现情况分析"),
        ("problems", "五、存在的问题及原因分析"),
        ("suggestions", "六、有关建议"),
        ("other", "七、其他需要说明的问题"),
    ),
    ReportKind.UNIT: (
        ("basic", "一、基本情况"),
        ("self_evaluation", "二、绩效自评情况"),
        ("rectification", "三、整改落实情况"),
        ("problems", "四、存在的问题"),
        ("plans", "五、下一步工作打算"),
    ),
    ReportKind.SUMMARY: (
        ("overall", "一、总体情况"),
        ("grades", "二、绩效评价结果"),
        ("key", "三、重点评价情况"),
        ("application", "四、评价结果应用情况"),
        ("rectification", "五、整改落实情况"),
        ("accountability", "六、问责情况"),
        ("departments", "七、部门预算绩效管理工作考核"),
        ("plans", "八、下一步工作"),
    ),
}


def _n(value: Decimal | None) -> str:
    return "—" if value is None else f"{value.normalize():f}"


def _money(value: Decimal) -> str:
    return f"{value.quantize(CENT, rounding=ROUND_HALF_UP):,.2f}"


def _percent(part: int, whole: int) -> str:
    if not whole:
        return "—"
    return f"{(Decimal(part) * 100 / Decimal(whole)).quantize(CENT, rounding=ROUND_HALF_UP)}%"


def _project(project: Project) -> dict[str, Any]:
    return {
        "code": project.code,
        "name": project.name,
        "unit": project.unit.name,
        "department": project.department.name if project.department else "",
        "amount": _money(amount_of(project)),
        "goal": project.annual_goal,
        "fiscal_year": project.fiscal_year,
    }


# --- The evaluation report -------------------------------------------------------------------


def evaluation_figures(evaluation: Evaluation) -> dict[str, Any]:
    items = list(evaluation.items.order_by("position", "id"))
    parts = []
    for category, label in Category.choices:
        rows = [i for i in items if i.category == category]
        if rows:
            full = sum((i.full_score for i in rows), Decimal(0))
            score = sum((i.score or Decimal(0) for i in rows), Decimal(0))
            parts.append({"label": str(label), "full": _n(full), "score": _n(score)})
    experts = evaluation.assignments.filter(submitted_at__isnull=False).count()
    chart = ""
    if parts:
        chart = bar_chart(
            "决策、过程、产出、效益得分",
            [Bar(p["label"], Decimal(p["score"]), Decimal(p["full"])) for p in parts],
            unit="分",
        )
    return {
        "project": _project(evaluation.project),
        "kind": evaluation.get_kind_display(),
        "total": _n(evaluation.total),
        "grade": GRADE_LABELS.get(evaluation.grade, ""),
        "methods": evaluation.method_labels,
        "standards": evaluation.standard_labels,
        "method_note": evaluation.method_note,
        "combination": evaluation.get_combination_display(),
        "experts": experts,
        "parts": parts,
        "items": [
            {
                "level1": i.level1,
                "level2": i.level2,
                "name": i.name,
                "full": _n(i.full_score),
                "self_score": _n(i.self_score) if i.self_score is not None else "",
                "score": _n(i.score),
            }
            for i in items
        ],
        "chart_svg": chart,
        "conclusion": evaluation.conclusion,
    }


def _evaluation_text(f: dict[str, Any]) -> dict[str, str]:
    p = f["project"]
    parts = "；".join(f"{x['label']}{x['score']}分（满分{x['full']}分）" for x in f["parts"])
    low = [i for i in f["items"] if i["score"] != "—" and Decimal(i["score"]) < Decimal(i["full"])]
    problems = "\n".join(
        f"{n}. “{i['name']}”得分{i['score']}分（满分{i['full']}分）。" for n, i in enumerate(low, 1)
    )
    methods = "、".join(f["methods"]) or "综合评分法"
    standards = "、".join(f["standards"]) or "计划标准"
    return {
        "basic": (
            f"{p['name']}（项目代码{p['code']}）由{p['unit']}实施，"
            f"主管部门为{p['department'] or '—'}，{p['fiscal_year']}年度资金{p['amount']}万元。"
            + (f"\n年度目标：{p['goal']}" if p["goal"] else "")
        ),
        "work": (
            f"本次{f['kind']}采用{methods}，以{standards}为评价标准，"
            f"{f['experts']}位评价人员独立评分，按{f['combination']}合成得分。"
            + (f"\n{f['method_note']}" if f["method_note"] else "")
        ),
        "conclusion": (
            f"综合评分{f['total']}分，评价等级为“{f['grade'] or '未定级'}”。"
            + (f"\n{f['conclusion']}" if f["conclusion"] else "")
        ),
        "analysis": f"各部分得分：{parts}。" if parts else "逐项得分见评价指标得分表。",
        "problems": problems or "未发现明显扣分事项。",
        "suggestions": "针对上述问题，建议项目单位在一个月内制定整改措施并报送整改情况。",
        "other": "无。",
    }


# --- The unit's annual report ----------------------------------------------------------------


def unit_figures(organization: Organization, fiscal_year: int) -> dict[str, Any]:
    bureau = bureau_of(organization)
    projects = list(
        approved_projects(bureau, fiscal_year)
        .filter(unit__path__startswith=organization.path)
        .select_related("unit", "department")
        .order_by("unit__path", "code")
    )
    ids = [p.pk for p in projects]
    selves = {s.project_id: s for s in SelfEvaluation.objects.filter(project_id__in=ids)}
    finished: dict[int, Evaluation] = {}
    for e in Evaluation.objects.filter(project_id__in=ids, state=EvaluationState.FINISHED).order_by(
        "finished_at", "id"
    ):
        finished[e.project_id] = e
    rows, grades = [], Counter()
    for p in projects:
        s, e = selves.get(p.pk), finished.get(p.pk)
        submitted = s is not None and s.state in SUBMITTED_STATES
        rows.append(
            {
                "code": p.code,
                "name": p.name,
                "unit": p.unit.name,
                "amount": _money(amount_of(p)),
                "self_state": s.get_state_display() if s else "未开始",
                "self_total": _n(s.total) if submitted and s else "",
                "self_grade": GRADE_LABELS.get(s.grade, "") if submitted and s else "",
                "evaluation": _evaluation_label(e) if e else "",
            }
        )
        grade = (e.grade if e else (s.grade if submitted and s else "")) or "none"
        grades[grade] += 1
    tasks = RectificationTask.objects.filter(
        feedback__fiscal_year=fiscal_year, unit__path__startswith=organization.path
    )
    today = timezone.localdate()
    states = Counter(tasks.values_list("state", flat=True))
    overdue = tasks.filter(
        state__in=[RectificationState.PENDING, RectificationState.RETURNED], deadline__lt=today
    ).count()
    total = sum(states.values())
    return {
        "organization": organization.name,
        "fiscal_year": fiscal_year,
        "projects": rows,
        "submitted": sum(1 for r in rows if r["self_total"]),
        "grades": {code: grades.get(code, 0) for code, _ in GRADES} | {"none": grades["none"]},
        "rectification": {
            "total": total,
            "done": states.get(RectificationState.DONE, 0),
            "unresolved": total - states.get(RectificationState.DONE, 0),
            "overdue": overdue,
        },
        "chart_svg": _grade_chart(grades) if rows else "",
    }


def _evaluation_label(e: Evaluation) -> str:
    return f"{e.get_kind_display()} {_n(e.total)}分 {GRADE_LABELS.get(e.grade, '')}"


def _grade_chart(grades: Mapping[str, int]) -> str:
    bars = [Bar(label, Decimal(grades.get(code, 0))) for code, label in GRADES]
    bars.append(Bar("未评价", Decimal(grades.get("none", 0))))
    return bar_chart("评价等级分布（个）", bars)


def _grades_text(grades: Mapping[str, int]) -> str:
    return "，".join(f"“{label}”{grades.get(code, 0)}个" for code, label in GRADES) + (
        f"，未评价{grades.get('none', 0)}个"
    )


def _unit_text(f: dict[str, Any]) -> dict[str, str]:
    count = len(f["projects"])
    r = f["rectification"]
    return {
        "basic": f"{f['fiscal_year']}年度，{f['organization']}共有{count}个项目绩效目标获批复。",
        "self_evaluation": (
            f"已完成绩效自评{f['submitted']}个，覆盖率{_percent(f['submitted'], count)}。"
            f"评价等级：{_grades_text(f['grades'])}。"
        ),
        "rectification": (
            f"收到整改任务{r['total']}项，已完成整改{r['done']}项，尚未完成{r['unresolved']}项，"
            f"其中逾期{r['overdue']}项。"
        ),
        "problems": "（请填写绩效管理工作中存在的问题。）",
        "plans": "（请填写下一步工作打算。）",
    }


# --- The bureau's summary --------------------------------------------------------------------


def _scope_user(bureau: Organization, actor: User | None) -> User:
    """Whose scope the summary's results are read in: the actor, or (a system job) a person
    managing the bureau's results."""
    if actor is not None and perms.can(actor, evaluation_actions.EVALUATION_VIEW, bureau):
        return actor
    managers = perms.holders(bureau, RESULTS_MANAGE)
    if not managers:
        raise ResultsError(errors.NO_BUREAU)
    return managers[0]


def summary_figures(bureau: Organization, fiscal_year: int, actor: User | None) -> dict[str, Any]:
    user = _scope_user(bureau, actor)
    plan = proposal(user, bureau, fiscal_year)  # its rows carry every project's result
    results = [row.result for row in plan.rows]
    submitted = SelfEvaluation.objects.filter(
        fiscal_year=fiscal_year,
        state__in=SUBMITTED_STATES,
        project_id__in=[r.project.pk for r in results],
    ).count()
    grades = Counter(r.grade or "none" for r in results)
    key = [
        {
            "code": e.project.code,
            "name": e.project.name,
            "unit": e.project.unit.name,
            "kind": e.get_kind_display(),
            "total": _n(e.total),
            "grade": GRADE_LABELS.get(e.grade, ""),
        }
        for e in Evaluation.objects.filter(
            bureau=bureau,
            fiscal_year=fiscal_year,
            state=EvaluationState.FINISHED,
            kind__in=[EvaluationKind.KEY, EvaluationKind.DEPARTMENT],
        )
        .select_related("project", "project__unit")
        .order_by("project__code")
    ]
    tasks = RectificationTask.objects.filter(
        feedback__bureau=bureau, feedback__fiscal_year=fiscal_year
    )
    states = Counter(tasks.values_list("state", flat=True))
    overdue = tasks.filter(
        state__in=[RectificationState.PENDING, RectificationState.RETURNED],
        deadline__lt=timezone.localdate(),
    ).count()
    kinds = Counter(
        AccountabilityRecord.objects.filter(bureau=bureau, fiscal_year=fiscal_year).values_list(
            "kind", flat=True
        )
    )
    appraisal = department_scores(bureau, fiscal_year)
    return {
        "bureau": bureau.name,
        "fiscal_year": fiscal_year,
        "approved": len(results),
        "submitted": submitted,
        "grades": {code: grades.get(code, 0) for code, _ in GRADES} | {"none": grades["none"]},
        "key": key,
        "budget": {
            "base": _money(plan.base),
            "proposed": _money(plan.proposed),
            "cut": _money(plan.cut),
            "control_cut": _money(plan.control_cut),
            "next_year": plan.fiscal_year,
        },
        "rectification": {
            "total": sum(states.values()),
            "done": states.get(RectificationState.DONE, 0),
            "overdue": overdue,
        },
        "accountability": [
            {"kind": str(label), "count": kinds[value]}
            for value, label in AccountabilityKind.choices
            if kinds.get(value)
        ],
        "departments": [
            {
                "rank": r.rank,
                "name": r.department.name,
                "total": _n(r.total),
                "list": "通报表扬" if r.commended else ("通报批评" if r.notified else ""),
            }
            for r in appraisal.rows
        ],
        "chart_svg": _grade_chart(grades) if results else "",
    }


def _summary_text(f: dict[str, Any]) -> dict[str, str]:
    r, b = f["rectification"], f["budget"]
    key = "；".join(f"{k['name']}{k['total']}分（{k['grade']}）" for k in f["key"])
    commended = "、".join(d["name"] for d in f["departments"] if d["list"] == "通报表扬")
    notified = "、".join(d["name"] for d in f["departments"] if d["list"] == "通报批评")
    accountability = "，".join(f"{a['kind']}{a['count']}次" for a in f["accountability"])
    return {
        "overall": (
            f"{f['fiscal_year']}年度，{f['bureau']}管辖范围内共有{f['approved']}个项目绩效目标获批复，"
            f"完成绩效自评{f['submitted']}个，覆盖率{_percent(f['submitted'], f['approved'])}。"
        ),
        "grades": f"评价等级分布：{_grades_text(f['grades'])}。",
        "key": f"完成重点评价{len(f['key'])}个：{key}。" if f["key"] else "本年度未完成重点评价。",
        "application": (
            f"按评价结果提出{b['next_year']}年度预算安排建议：原预算{b['base']}万元，"
            f"建议安排{b['proposed']}万元，压减{b['cut']}万元，"
            f"其中扣减主管部门预算控制数{b['control_cut']}万元。"
        ),
        "rectification": (
            f"下达整改任务{r['total']}项，已完成整改{r['done']}项，逾期未整改{r['overdue']}项。"
        ),
        "accountability": f"问责情况：{accountability}。"
        if accountability
        else "本年度无问责事项。",
        "departments": (
            f"部门预算绩效管理工作考核：通报表扬{commended or '无'}；通报批评{notified or '无'}。"
        ),
        "plans": "（请填写下一步工作。）",
    }


# --- Services ----------------------------------------------------------------------------------


def _sections(kind: str, texts: Mapping[str, str]) -> list[dict[str, str]]:
    return [
        {"key": key, "heading": heading, "text": texts.get(key, "")}
        for key, heading in SECTIONS[kind]
    ]


def _may_write(actor: User | None, report: PerformanceReport) -> None:
    if report.kind == ReportKind.UNIT:
        perms.require(actor, RESULTS_ANSWER, report.organization)
    else:
        perms.require(actor, RESULTS_MANAGE, report.bureau)


@in_official_language  # the stored draft is an official document: Chinese labels
@transaction.atomic
def report_generate(
    *,
    actor: User | None,
    kind: str,
    evaluation: Evaluation | None = None,
    organization: Organization | None = None,
    fiscal_year: int | None = None,
) -> PerformanceReport:
    """Create the report's draft from the data, or refresh a draft (text and figures)."""
    if kind == ReportKind.EVALUATION:
        if evaluation is None or evaluation.state != EvaluationState.FINISHED:
            raise ResultsError(errors.REPORT_EVALUATION)
        perms.require(actor, RESULTS_MANAGE, evaluation.bureau)
        bureau, year = evaluation.bureau, evaluation.fiscal_year
        owner = evaluation.project.unit
        figures = evaluation_figures(evaluation)
        texts = _evaluation_text(figures)
        title = f"{evaluation.project.name}{evaluation.get_kind_display()}报告"
        existing = PerformanceReport.objects.filter(evaluation=evaluation)
    elif kind == ReportKind.UNIT:
        if organization is None or fiscal_year is None:
            raise ResultsError(errors.REPORT_UNIT)
        if organization.kind not in (OrgKind.BUDGET_UNIT, OrgKind.SUPERVISING_DEPARTMENT):
            raise ResultsError(errors.REPORT_UNIT)
        perms.require(actor, RESULTS_ANSWER, organization)
        bureau, year, owner = bureau_of(organization), fiscal_year, organization
        figures = unit_figures(organization, fiscal_year)
        texts = _unit_text(figures)
        title = f"{organization.name}{fiscal_year}年度预算绩效管理工作报告"
        existing = PerformanceReport.objects.filter(
            kind=kind, organization=organization, fiscal_year=fiscal_year
        )
    else:
        if organization is None or fiscal_year is None:
            raise ResultsError(errors.NO_BUREAU)
        perms.require(actor, RESULTS_MANAGE, organization)
        bureau, year, owner = organization, fiscal_year, organization
        figures = summary_figures(organization, fiscal_year, actor)
        texts = _summary_text(figures)
        title = f"{organization.name}{fiscal_year}年度预算绩效管理工作情况报告"
        existing = PerformanceReport.objects.filter(
            kind=kind, organization=organization, fiscal_year=fiscal_year
        )
    report = existing.select_for_update().first()
    if report is not None and report.state == ReportState.ISSUED:
        raise ResultsError(errors.REPORT_ISSUED)
    report = report or PerformanceReport(
        kind=kind, bureau=bureau, fiscal_year=year, organization=owner, evaluation=evaluation
    )
    report.title = title
    report.figures = figures
    report.sections = _sections(kind, texts)
    report.generated_at = timezone.now()
    report.full_clean()
    report.save()
    audit_record(
        actor=actor,
        action="budget.report.generate",
        obj=report,
        organization_id=owner.pk,
        new={"kind": kind, "title": title},
    )
    return report


def _locked(report: PerformanceReport) -> PerformanceReport:
    return (
        PerformanceReport.objects.select_for_update(of=("self",))
        .select_related("organization", "bureau", "evaluation")
        .get(pk=report.pk)
    )


@transaction.atomic
def report_save(
    *, actor: User | None, report: PerformanceReport, sections: Mapping[str, str]
) -> PerformanceReport:
    """Edit the draft's text, section by section (by key); unknown keys are ignored."""
    _may_write(actor, report)
    report = _locked(report)
    if report.state == ReportState.ISSUED:
        raise ResultsError(errors.REPORT_ISSUED)
    changed = []
    for section in report.sections:
        if section["key"] in sections:
            text = str(sections[section["key"]]).replace("\r\n", "\n").strip()
            if text != section["text"]:
                section["text"] = text
                changed.append(section["key"])
    report.save(update_fields=["sections", "updated_at"])
    audit_record(
        actor=actor,
        action="budget.report.save",
        obj=report,
        organization_id=report.organization_id,
        new={"sections": changed},
    )
    return report


@transaction.atomic
def report_issue(*, actor: User | None, report: PerformanceReport) -> PerformanceReport:
    """Issue the report: every section written; locked from now on."""
    _may_write(actor, report)
    report = _locked(report)
    if report.state == ReportState.ISSUED:
        raise ResultsError(errors.REPORT_ISSUED)
    for section in report.sections:
        if not section["text"].strip():
            raise ResultsError(errors.REPORT_EMPTY.format(heading=section["heading"]))
    report.state = ReportState.ISSUED
    report.issued_at = timezone.now()
    report.issued_by = person(actor)
    report.save(update_fields=["state", "issued_at", "issued_by", "updated_at"])
    audit_record(
        actor=actor,
        action="budget.report.issue",
        obj=report,
        organization_id=report.organization_id,
        new={"state": report.state},
    )
    return report


# --- Reads -------------------------------------------------------------------------------------


def reports_visible(user: Any, fiscal_year: int | None = None) -> QuerySet[PerformanceReport]:
    rows = perms.filter_for_user(
        user,
        PerformanceReport.objects.select_related("organization", "evaluation"),
        RESULTS_VIEW,
        "organization",
    )
    return rows.filter(fiscal_year=fiscal_year) if fiscal_year is not None else rows


def get_report_for_user(user: Any, pk: Any) -> PerformanceReport:
    """404 outside the user's scope."""
    try:
        return reports_visible(user).select_related("bureau", "issued_by").get(pk=pk)
    except (PerformanceReport.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def may_write(user: Any, report: PerformanceReport) -> bool:
    if report.kind == ReportKind.UNIT:
        return perms.can(user, RESULTS_ANSWER, report.organization)
    return perms.can(user, RESULTS_MANAGE, report.bureau)


def issued_report_of(project: Project) -> PerformanceReport | None:
    """The latest issued evaluation report of the project (for disclosure)."""
    return (
        PerformanceReport.objects.filter(
            kind=ReportKind.EVALUATION, evaluation__project=project, state=ReportState.ISSUED
        )
        .order_by("-issued_at", "-id")
        .first()
    )


def finished_without_report(user: Any, fiscal_year: int) -> list[Evaluation]:
    """Finished evaluations of the year the user manages that have no report yet."""
    return list(
        perms.filter_for_user(
            user,
            Evaluation.objects.filter(
                fiscal_year=fiscal_year, state=EvaluationState.FINISHED, report__isnull=True
            ).select_related("project", "project__unit"),
            RESULTS_MANAGE,
            "project__unit",
        ).order_by("project__code")
    )
