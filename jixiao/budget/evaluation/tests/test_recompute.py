"""Recomputing scores and grades after a rule change keeps the old results in history."""

from __future__ import annotations

from decimal import Decimal

import pytest

from jixiao.budget.evaluation import errors, recompute, services
from jixiao.budget.evaluation.errors import EvaluationError
from jixiao.budget.evaluation.models import JobState, ResultHistory
from jixiao.budget.evaluation.tests.factories import submitted
from jixiao.budget.monitoring.tests.factories import YEAR
from jixiao.orgs.errors import PermissionDeniedError

D = Decimal
pytestmark = pytest.mark.django_db
WHY = {"新建改造供水工程": "征地推迟"}


def _rules(personas, **values):  # type: ignore[no-untyped-def]
    fields = {"excellent_min": D(90), "good_min": D(80), "fair_min": D(60), **values}
    return services.evaluation_settings_set(
        actor=personas.finance_reviewer, bureau=personas.bureau, fiscal_year=YEAR, **fields
    )


def test_a_rule_change_rescores_and_keeps_the_old_results(personas) -> None:
    _rules(personas)
    short = submitted(personas.unit_a, "A1", actuals={"新建改造供水工程": D(19)}, explanations=WHY)
    full = submitted(personas.unit_b, "B1")
    assert (short.total, short.grade) == (D("92.75"), "excellent")  # 19÷24×30 = 23.75
    assert full.total == D(99)

    _rules(personas, excellent_min=D(95), decimals=0, rounding="down")  # whole points, cut
    job = recompute.results_recompute(
        actor=personas.finance_reviewer, bureau=personas.bureau, fiscal_year=YEAR, reason="取整"
    )
    assert (job.total, job.state, job.percent) == (2, JobState.QUEUED, 0)
    seen = []
    job = recompute.recompute_job_run(job=job, batch=1, progress=lambda d, t: seen.append((d, t)))

    assert job.state == JobState.DONE and job.percent == 100 and job.changed == 1
    assert seen[:2] == [(1, 2), (2, 2)]
    short.refresh_from_db()
    assert (short.total, short.grade, short.rule_version) == (D(92), "good", f"{YEAR}.2")
    row = short.items.get(name="新建改造供水工程")
    assert row.score == D(23) and row.explain == ""  # rebuilt when shown:
    rows = services.explained(short, services.items_of(short))
    assert "向下取整为23" in next(r for r in rows if r.pk == row.pk).explain
    history = ResultHistory.objects.get(self_evaluation=short)
    assert (history.old_total, history.old_grade, history.old_rule_version) == (
        D("92.75"),
        "excellent",
        f"{YEAR}.1",
    )
    assert (history.new_total, history.new_grade) == (D(92), "good")
    full.refresh_from_db()
    assert (full.total, full.grade) == (D(99), "excellent")
    assert full.rule_version == f"{YEAR}.2"
    assert not ResultHistory.objects.filter(self_evaluation=full).exists()  # unchanged


def test_finished_evaluations_are_regraded(personas) -> None:
    from jixiao.budget.evaluation.models import EvaluationKind

    _rules(personas)
    self_evaluation = submitted(personas.unit_a)
    evaluation = services.evaluation_create(
        actor=personas.finance_reviewer,
        bureau=personas.bureau,
        project=self_evaluation.project,
        kind=EvaluationKind.REEVALUATION,
    )
    services.reevaluation_score(actor=personas.finance_reviewer, evaluation=evaluation)
    services.evaluation_finish(actor=personas.finance_reviewer, evaluation=evaluation)
    _rules(personas, excellent_min=D(99.5), good_min=D(95))
    job = recompute.results_recompute(
        actor=None, bureau=personas.bureau, fiscal_year=YEAR, reason="等级线调整"
    )
    recompute.recompute_job_run(job=job)
    evaluation.refresh_from_db()
    assert (evaluation.total, evaluation.grade) == (D(99), "good")
    assert ResultHistory.objects.get(evaluation=evaluation).old_grade == "excellent"


def test_one_job_at_a_time_and_only_the_bureau(personas) -> None:
    recompute.results_recompute(actor=None, bureau=personas.bureau, fiscal_year=YEAR, reason="x")
    with pytest.raises(EvaluationError) as exc:
        recompute.results_recompute(
            actor=None, bureau=personas.bureau, fiscal_year=YEAR, reason="y"
        )
    assert exc.value.message == errors.JOB_RUNNING
    with pytest.raises(PermissionDeniedError):
        recompute.results_recompute(
            actor=personas.department_reviewer,
            bureau=personas.bureau,
            fiscal_year=YEAR + 1,
            reason="z",
        )


def test_the_command_line_runs_a_job(personas) -> None:
    from io import StringIO

    from django.core.management import call_command

    _rules(personas)
    submitted(personas.unit_a, "A1", actuals={"新建改造供水工程": D(19)}, explanations=WHY)
    _rules(personas, decimals=0, rounding="down")
    out = StringIO()
    call_command("recompute", bureau=personas.bureau.code, year=YEAR, stdout=out)
    assert "完成：1 张自评表，1 个结果有变化" in out.getvalue()
    assert ResultHistory.objects.count() == 1
