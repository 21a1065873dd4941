"""Demo of what follows the evaluations (BUD-11…BUD-14), built on the year's results already in
the database (approved self-evaluations, finished evaluations): results sent back with their
problems and rectification tasks in every state (one overdue), the year's rules, targets and
results published on the public site with one proposal waiting, the key evaluation's report
issued and published, a unit's annual report and the bureau's summary as drafts, and an
accountability record for the poorest result. Everything goes through the services; without
results nothing is created.

Wired by the lead into ``demo.build``: ``evaluation_results.build_results(today, by_name)``
after the evaluation demo."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.files.base import ContentFile
from django.db.models import Q

from jixiao.budget.evaluation.models import Evaluation, EvaluationState, ResultState, SelfEvaluation
from jixiao.budget.evaluation.result_models import (
    AccountabilityKind,
    PublicationKind,
    ReportKind,
    ResultFeedback,
)
from jixiao.budget.evaluation.results import (
    accountability,
    disclosure,
    rectification,
    reports,
    rules,
)
from jixiao.budget.evaluation.results.actions import RESULTS_MANAGE
from jixiao.orgs.models import Organization, OrgKind
from jixiao.orgs.permissions import holders

FALLBACK_PROBLEMS = (
    "部分绩效指标设置不够细化、量化，难以准确衡量项目实施效果。",
    "项目资金支付进度滞后于序时进度，年末集中支付。",
)


def build_results(today: date, by_name: dict[str, Organization]) -> None:
    """Create the demo's results, rectification, disclosure, reports and accountability."""
    bureau = next((o for o in by_name.values() if o.kind == OrgKind.FINANCE_BUREAU), None)
    if bureau is None:
        return
    under = Q(unit__path__startswith=bureau.path)
    selves = list(
        SelfEvaluation.objects.filter(under, state=ResultState.APPROVED, feedback__isnull=True)
        .select_related("project", "unit")
        .order_by("-fiscal_year", "unit__path", "project__code")
    )
    evaluations = list(
        Evaluation.objects.filter(
            bureau=bureau, state=EvaluationState.FINISHED, feedback__isnull=True
        )
        .select_related("project", "project__unit")
        .order_by("-fiscal_year", "project__code")
    )
    if not selves and not evaluations:
        return
    year = (selves[0] if selves else evaluations[0]).fiscal_year
    selves = [s for s in selves if s.fiscal_year == year]
    evaluations = [e for e in evaluations if e.fiscal_year == year]
    rules.result_settings_set(
        actor=None,
        bureau=bureau,
        fiscal_year=year,
        rectification_months=1,
        declaration_due=date(year - 1, 11, 30),
        self_evaluation_due=date(year + 1, 3, 31),
        commend_top=2,
        notify_bottom=1,
    )
    # Sent back: the results with something to rectify (a row scored short), not the full ones.
    short = [s for s in selves if rectification.problems_suggested(s)]
    sent = [_send(today, s, None, n) for n, s in enumerate(short[:6])]
    sent += [_send(today, None, e, n + 1) for n, e in enumerate(evaluations)]
    _rectify([f for f in sent if f is not None])
    _publish(selves[:3])
    _reports(bureau, year, evaluations, selves)
    _accountability(year, selves, evaluations)
    # The year's appraisal of the departments' budget-performance work, finalised (定稿): the
    # departments' own annual assessments take it (demo.government).
    if holders(bureau, RESULTS_MANAGE):
        accountability.department_appraisal_finalise(actor=None, bureau=bureau, fiscal_year=year)


def _send(
    today: date, selfe: SelfEvaluation | None, evaluation: Evaluation | None, n: int
) -> ResultFeedback | None:
    result = selfe or evaluation
    if result is None:
        return None
    # Results with nothing scored short get the common findings of the year's quality check.
    problems = rectification.problems_suggested(result)[:3] or list(FALLBACK_PROBLEMS)
    # The first result was sent six weeks ago: its tasks are overdue unless answered.
    sent_on = today - timedelta(days=45) if n == 0 else today - timedelta(days=3)
    return rectification.feedback_send(
        actor=None,
        self_evaluation=selfe,
        evaluation=evaluation,
        # A key evaluation's conclusion is the bureau's; a self-evaluation's is the unit's own.
        opinion=(evaluation.conclusion if evaluation else "")
        or "请针对存在的问题认真整改，并在期限内报送整改情况。",
        problems=problems,
        today=sent_on,
    )


def _evidence(name: str) -> ContentFile:
    return ContentFile("整改情况说明（演示）\n".encode(), name=name)


def _rectify(sent: list[ResultFeedback]) -> None:
    """Tasks in every state: accepted, returned, waiting for the bureau, pending, overdue."""
    tasks = [t for f in sent[1:] for t in f.tasks.order_by("position")]
    measures = "已组织专题会议研究，逐项制定整改措施，明确责任人和完成时限，相关制度已修订印发。"
    for n, task in enumerate(tasks[:4]):
        rectification.rectification_answer(
            actor=None, task=task, measures=measures, evidence=_evidence(f"整改说明{n + 1}.txt")
        )
        if n == 0:
            rectification.rectification_accept(actor=None, task=task, comment="整改到位。")
        elif n == 1:
            rectification.rectification_return(
                actor=None, task=task, comment="佐证材料不足，请补充资金支付凭证。"
            )


def _publish(selves: list[SelfEvaluation]) -> None:
    for n, selfe in enumerate(selves):
        targets = disclosure.publication_propose(
            actor=None, project=selfe.project, kind=PublicationKind.TARGETS, note="民生项目"
        )
        if n == len(selves) - 1 and n > 0:
            continue  # the last one waits for the bureau's review
        disclosure.publication_approve(actor=None, publication=targets)
        result = disclosure.publication_propose(
            actor=None, project=selfe.project, kind=PublicationKind.SELF_EVALUATION
        )
        disclosure.publication_approve(actor=None, publication=result)


def _reports(
    bureau: Organization, year: int, evaluations: list[Evaluation], selves: list[SelfEvaluation]
) -> None:
    key = next((e for e in evaluations if e.kind in ("key", "department")), None)
    if key is not None:
        report = reports.report_generate(actor=None, kind=ReportKind.EVALUATION, evaluation=key)
        report = reports.report_issue(actor=None, report=report)
        publication = disclosure.publication_propose(
            actor=None, project=key.project, kind=PublicationKind.REPORT, report=report
        )
        disclosure.publication_approve(actor=None, publication=publication)
    if selves:
        reports.report_generate(
            actor=None, kind=ReportKind.UNIT, organization=selves[0].unit, fiscal_year=year
        )
    if holders(bureau, RESULTS_MANAGE):
        reports.report_generate(
            actor=None, kind=ReportKind.SUMMARY, organization=bureau, fiscal_year=year
        )


def _accountability(year: int, selves: list[SelfEvaluation], evaluations: list[Evaluation]) -> None:
    results = [*evaluations, *selves]
    poorest = min((r for r in results if r.total is not None), key=lambda r: r.total, default=None)
    if poorest is None:
        return
    accountability.accountability_record(
        actor=None,
        organization=poorest.project.unit,
        project=poorest.project,
        kind=AccountabilityKind.INTERVIEW,
        reason=f"{poorest.project.name}绩效评价得分{poorest.total}分，为本年度最低。",
        decision="约谈单位主要负责人，责令限期整改，整改情况纳入部门年度考核。",
        decided_on=date(year + 1, 5, 20),
        decided_by="县财政局",
        fiscal_year=year,
    )
