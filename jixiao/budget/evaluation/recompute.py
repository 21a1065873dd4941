"""Recomputing stored scores and grades after a rule or threshold change (issue 6, item 9).

A :class:`RecomputeJob` covers a bureau's scored self-evaluations of a year and runs in
batches of ids (``cursor``), so the page can drive it by polling and show its progress and
the CLI can draw a progress bar; a batch is one transaction. Per batch:

A table the new rules refuse (say, a full score of 4.5 under whole-number scores) keeps its
result; the job counts it (``refused``) and names the first in ``error``.

1. two queries read the tables and their rows as plain tuples;
2. the pure engine scores every table with the year's rules (``scoring.score_rows``);
3. the rows whose score changed, and every table, are written set-based: on PostgreSQL a
   ``COPY`` into a temporary table and one ``UPDATE … FROM``, elsewhere ``bulk_update``;
4. every table whose total or grade changed leaves a :class:`ResultHistory` row with the old
   and new total, grade and rule version.

Finished evaluations (key, re-evaluation, department) are regraded set-based at the end with
the year's thresholds (their totals come from experts or an evaluator and do not change).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from django.db import connection, transaction
from django.db.models import Case, F, Q, QuerySet, Value, When
from django.utils import timezone

from jixiao.audit.services import audit_record
from jixiao.budget.evaluation import errors
from jixiao.budget.evaluation import permissions as actions
from jixiao.budget.evaluation.errors import EvaluationError
from jixiao.budget.evaluation.models import (
    Evaluation,
    EvaluationState,
    Grade,
    JobState,
    RecomputeJob,
    ResultHistory,
    SelfEvaluation,
    SelfEvaluationItem,
)
from jixiao.budget.evaluation.scoring import Rules, score_rows
from jixiao.budget.evaluation.services import rules_for
from jixiao.indicators.scoring import SheetError
from jixiao.orgs import permissions as perms
from jixiao.orgs.models import Organization, User

BATCH = 2000
MSG_REFUSED = "部分自评表按新规则无法计分，保留原结果（首个：自评表{first}）"
Progress = Callable[[int, int], None]

ITEM_COLUMNS = (
    "id",
    "self_evaluation_id",
    "rule",
    "target_value",
    "full_score",
    "actual",
    "level",
    "assessed_score",
    "reported_score",
    "score",
    "computed_score",
)
ROW_SLOTS = (*ITEM_COLUMNS, "explanation", "name", "unit", "level1", "level2")


class Row:
    """A self-evaluation row as the scoring module reads it, from one tuple: only what the
    score depends on (names and units serve the explanations, rebuilt when shown; of the
    explanation only whether there is one)."""

    __slots__ = ROW_SLOTS

    def __init__(self, values: Sequence[Any], position: int) -> None:
        for name, value in zip(ITEM_COLUMNS, values, strict=False):
            object.__setattr__(self, name, value)
        self.explanation = values[-1]
        self.name = str(position)
        self.unit = self.level1 = self.level2 = ""


HAS_EXPLANATION = Case(When(~Q(explanation=""), then=Value("有")), default=Value(""))


def scope(bureau: Organization, fiscal_year: int) -> QuerySet[SelfEvaluation]:
    """The results a recompute covers: the bureau's scored self-evaluations of the year."""
    return SelfEvaluation.objects.filter(
        fiscal_year=fiscal_year, unit__path__startswith=bureau.path, total__isnull=False
    )


@transaction.atomic
def results_recompute(
    *, actor: User | None, bureau: Organization, fiscal_year: int, reason: str
) -> RecomputeJob:
    """Start a recompute of the bureau's results of the year (queued; ``recompute_job_step``
    or ``recompute_job_run`` does the work)."""
    perms.require(actor, actions.EVALUATION_MANAGE, bureau)
    active = RecomputeJob.objects.select_for_update().filter(
        bureau=bureau, fiscal_year=fiscal_year, state__in=[JobState.QUEUED, JobState.RUNNING]
    )
    if active.exists():
        raise EvaluationError(errors.JOB_RUNNING)
    rules = rules_for(bureau, fiscal_year)
    job = RecomputeJob.objects.create(
        bureau=bureau,
        fiscal_year=fiscal_year,
        reason=reason.strip()[:500] or "规则调整",
        rule_version=rules.version,
        total=scope(bureau, fiscal_year).count(),
        created_by=actor if actor is not None and actor.pk else None,
    )
    audit_record(
        actor=actor,
        action="budget.evaluation.recompute",
        obj=job,
        organization_id=bureau.pk,
        new={"fiscal_year": fiscal_year, "total": job.total, "rule_version": job.rule_version},
    )
    return job


def recompute_job_run(
    *, job: RecomputeJob, batch: int = BATCH, progress: Progress | None = None
) -> RecomputeJob:
    """Run the job to its end, batch after batch, reporting ``progress(done, total)``."""
    while job.state in (JobState.QUEUED, JobState.RUNNING):
        job = recompute_job_step(job=job, batch=batch)
        if progress is not None:
            progress(job.done, job.total)
    return job


@transaction.atomic
def recompute_job_step(*, job: RecomputeJob, batch: int = BATCH) -> RecomputeJob:
    """One batch of the job (or its end: the evaluations regraded). Safe to call from two
    places at once: the job row is locked."""
    job = RecomputeJob.objects.select_for_update().select_related("bureau").get(pk=job.pk)
    if job.state not in (JobState.QUEUED, JobState.RUNNING):
        return job
    rules = rules_for(job.bureau, job.fiscal_year)
    ids = list(
        scope(job.bureau, job.fiscal_year)
        .filter(pk__gt=job.cursor)
        .order_by("pk")
        .values_list("pk", flat=True)[:batch]
    )
    now = timezone.now()
    if not ids:
        job.changed += _regrade_evaluations(job, rules, now)
        job.state = JobState.DONE
        job.finished_at = now
        job.done = job.total = max(job.total, job.done)
        job.save(update_fields=["state", "finished_at", "done", "total", "changed"])
        return job
    job.state = JobState.RUNNING
    job.changed += recompute_self_evaluations(ids, rules, job=job, now=now)
    job.cursor = ids[-1]
    job.done += len(ids)
    job.total = max(job.total, job.done)
    job.save(update_fields=["state", "cursor", "done", "total", "changed", "refused", "error"])
    return job


def recompute_self_evaluations(
    ids: Sequence[int], rules: Rules, *, job: RecomputeJob | None, now: Any
) -> int:
    """Rescore the given self-evaluations with ``rules``; store them; return how many
    results (total or grade) changed. A table the engine refuses keeps its result."""
    heads = list(
        SelfEvaluation.objects.filter(pk__in=ids)
        .order_by("pk")
        .values_list("pk", "budget_full_year", "executed", "total", "grade", "rule_version")
    )
    rows: dict[int, list[Row]] = {pk: [] for pk, *_ in heads}
    for values in (
        SelfEvaluationItem.objects.filter(self_evaluation_id__in=ids)
        .order_by("self_evaluation_id", "position", "id")
        .values_list(*ITEM_COLUMNS, HAS_EXPLANATION)
    ):
        table = rows[values[1]]
        table.append(Row(values, len(table) + 1))
    item_updates: list[tuple[Any, ...]] = []
    head_updates: list[tuple[Any, ...]] = []
    history: list[ResultHistory] = []
    refused: list[str] = []
    for pk, budget, executed, total, grade, version in heads:
        table = rows[pk]
        try:
            outcome = score_rows(
                title=str(pk),
                budget=budget,
                executed=executed,
                rows=table,
                rules=rules,
                flat=True,
            )
        except SheetError as exc:
            refused.append(f"{pk}：{exc.messages[0]}")
            continue
        for row, result in zip(table, outcome.items, strict=True):
            if result.score != row.score or result.computed != row.computed_score:
                # The explanation is rebuilt when the table is shown (``services.explained``):
                # building 20 sentences a table is a third of the scoring time.
                flags = json.dumps(result.flags)
                item_updates.append((row.id, result.score, result.computed, "", flags))
        head_updates.append(
            (pk, outcome.execution_score, outcome.total, outcome.grade, rules.version, now)
        )
        if outcome.total != total or outcome.grade != grade:
            history.append(
                ResultHistory(
                    job=job,
                    self_evaluation_id=pk,
                    old_total=total,
                    old_grade=grade,
                    old_rule_version=version,
                    new_total=outcome.total,
                    new_grade=outcome.grade,
                    new_rule_version=rules.version,
                    recorded_at=now,
                )
            )
    bulk_set(
        SelfEvaluationItem,
        ["score", "computed_score", "explain", "flags"],
        item_updates,
    )
    bulk_set(
        SelfEvaluation,
        ["execution_score", "total", "grade", "rule_version", "scored_at"],
        head_updates,
    )
    ResultHistory.objects.bulk_create(history, batch_size=5000)
    if refused and job is not None:
        job.refused += len(refused)
        if not job.error:
            job.error = MSG_REFUSED.format(first=refused[0])
    return len(history)


def bulk_set(model: Any, fields: list[str], rows: list[tuple[Any, ...]]) -> None:
    """Set ``fields`` of the rows ``(id, *values)`` in one statement: on PostgreSQL by COPY
    into a temporary table and ``UPDATE … FROM``; elsewhere with ``bulk_update``. JSON values
    come as JSON text."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        _bulk_update(model, fields, rows)
        return
    q = connection.ops.quote_name
    table = q(model._meta.db_table)
    columns = [model._meta.get_field(f).column for f in fields]
    names = ", ".join(q(c) for c in ["id", *columns])
    assignments = ", ".join(f"{q(c)} = s.{q(c)}" for c in columns)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS jx_bulk_set")
        cursor.execute(
            f"CREATE TEMP TABLE jx_bulk_set ON COMMIT DROP AS SELECT {names} FROM {table} LIMIT 0"  # noqa: S608 (model names)
        )
        with cursor.cursor.copy(f"COPY jx_bulk_set ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(
            f"UPDATE {table} AS t SET {assignments} FROM jx_bulk_set AS s WHERE t.id = s.id"  # noqa: S608 (model names)
        )
        cursor.execute("DROP TABLE jx_bulk_set")


def _bulk_update(model: Any, fields: list[str], rows: list[tuple[Any, ...]]) -> None:
    objects = []
    json_fields = {f for f in fields if model._meta.get_field(f).get_internal_type() == "JSONField"}
    for row in rows:
        obj = model(pk=row[0])
        for name, value in zip(fields, row[1:], strict=True):
            setattr(obj, name, json.loads(value) if name in json_fields else value)
        objects.append(obj)
    model.objects.bulk_update(objects, fields, batch_size=500)


def grade_case(rules: Rules) -> Case:
    """The grade of a ``total`` column under the year's thresholds, in SQL."""
    return Case(
        When(total__gte=rules.excellent_min, then=Value(Grade.EXCELLENT.value)),
        When(total__gte=rules.good_min, then=Value(Grade.GOOD.value)),
        When(total__gte=rules.fair_min, then=Value(Grade.FAIR.value)),
        default=Value(Grade.POOR.value),
    )


def _regrade_evaluations(job: RecomputeJob, rules: Rules, now: Any) -> int:
    finished = Evaluation.objects.filter(
        bureau=job.bureau,
        fiscal_year=job.fiscal_year,
        state=EvaluationState.FINISHED,
        total__isnull=False,
    )
    changed = finished.annotate(new_grade=grade_case(rules)).filter(~Q(grade=F("new_grade")))
    history = [
        ResultHistory(
            job=job,
            evaluation_id=pk,
            old_total=total,
            old_grade=grade,
            old_rule_version=version,
            new_total=total,
            new_grade=new_grade,
            new_rule_version=rules.version,
            recorded_at=now,
        )
        for pk, total, grade, version, new_grade in changed.values_list(
            "pk", "total", "grade", "rule_version", "new_grade"
        )
    ]
    ResultHistory.objects.bulk_create(history)
    finished.update(grade=grade_case(rules), rule_version=rules.version)
    return len(history)


def history_of(self_evaluation: SelfEvaluation) -> QuerySet[ResultHistory]:
    return (
        ResultHistory.objects.filter(self_evaluation=self_evaluation)
        .select_related("job")
        .order_by("-recorded_at", "-id")
    )
