"""The warnings of a whole monitoring round in one set-based pass (BUD-5).

A few reads — the round's forms, the projects' spending up to the round's last day (one
grouped query) and the progress rows streamed in form order — then the pure rules of
:mod:`.warnings` in Python, and the new rows written in bulk after one ``DELETE`` of the
round's previous warnings, all in one transaction with one audit row. Every project gets its
budget execution and combined rows; an indicator gets a row only when it is not green (it is
counted all the same). Memory stays flat: progress rows are streamed and warnings written
batch by batch.

On PostgreSQL, SQL leaves out the progress rows that are certainly green (``MAYBE_NOT_GREEN``,
an exact superset of the others; one grouped query counts each form's indicators), the rest
come through a server-side cursor with their numbers as text, parsed straight into the
rules' integers of millionths, and each batch of warnings goes out through ``COPY`` while it
is computed. Elsewhere (SQLite) every row goes through the rules and ``bulk_create``. Both
write the same rows (``tests/test_compute_paths.py``, on PostgreSQL).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone

from jixiao.audit.services import audit_record
from jixiao.budget import permissions as actions
from jixiao.budget.monitoring import warnings as rules
from jixiao.budget.monitoring.models import (
    IndicatorProgress,
    MonitoringForm,
    MonitoringRound,
    MonitoringWarning,
    SpendingRecord,
)
from jixiao.budget.monitoring.services import ensure_open
from jixiao.orgs import permissions as perms
from jixiao.orgs.models import User

GREEN = rules.GREEN
CHUNK = 20_000  # progress rows fetched, and so about as many warnings written, per batch
COLUMNS = ("round_id", "project_id", "indicator_id", "kind", "colour", "value", "explain")
# (form id, indicator id, name, kind, direction, target, unit, actual, expected, level); the
# numbers in millionths (as int, or as text from PostgreSQL).
Progress = tuple[Any, ...]
Write = Callable[[tuple[Any, ...]], None]


@dataclass
class ComputeResult:
    """What a computation found and wrote: results by colour and by kind and colour (green
    indicators included), the rows written (``warnings``: no row for a green indicator) and
    the duration."""

    round_id: int
    projects: int = 0
    warnings: int = 0
    by_colour: dict[str, int] = field(default_factory=dict)
    by_kind: dict[str, dict[str, int]] = field(default_factory=dict)
    seconds: float = 0.0


@transaction.atomic
def round_compute_warnings(*, actor: User | None, round: MonitoringRound) -> ComputeResult:
    """Replace the round's warnings by those of its current data (finance bureau only).
    Running it twice on the same data writes the same warnings."""
    perms.require(actor, actions.MONITORING_MANAGE, round.bureau)
    round = MonitoringRound.objects.select_for_update().get(pk=round.pk)  # one run at a time
    ensure_open(round)
    return compute_locked(actor=actor, round=round)


def compute_locked(*, actor: User | None, round: MonitoringRound) -> ComputeResult:
    """The computation itself, for callers that hold the round's row lock (``round_close``)."""
    started = time.perf_counter()
    MonitoringWarning.objects.filter(round=round).delete()
    pass_ = _Pass(round)
    if connection.vendor == "postgresql":
        pass_.run_postgresql()
    else:
        pass_.run_orm()
    result = pass_.result()
    round.computed_at = timezone.now()
    round.save(update_fields=["computed_at"])
    result.seconds = time.perf_counter() - started
    audit_record(
        actor=actor,
        action="budget.monitoring.compute",
        obj=round,
        organization_id=round.bureau_id,
        new={
            "projects": result.projects,
            "warnings": result.warnings,
            "by_colour": result.by_colour,
            "by_kind": result.by_kind,
            "months_elapsed": round.months_elapsed,
            "thresholds": round.thresholds,
        },
    )
    return result


class _Pass:
    """One computation of a round: the forms and spending in memory (one row per project),
    the progress rows streamed by form."""

    def __init__(self, round: MonitoringRound) -> None:
        self.round = round
        self.months = round.months_elapsed
        self.thresholds = round.threshold_rules
        self.counts: dict[tuple[str, str], int] = {}
        self.projects = 0
        self.written = 0
        self.as_text = False
        # PostgreSQL leaves out rows that are certainly green: how many indicators of each
        # form have a colour, and the ones the rules saw, give the green ones.
        self.measured: dict[int, int] | None = None
        self.measured_by_kind = {rules.INDICATOR: 0, rules.QUALITATIVE: 0}
        micro = rules.to_micro
        self.forms = {
            pk: (project_id, micro(budget), None if executed is None else micro(executed))
            for pk, project_id, budget, executed in MonitoringForm.objects.filter(
                round=round
            ).values_list("pk", "project_id", "budget", "executed")
        }
        self.spent = {pk: micro(total) for pk, total in _spent(round).items()}

    def _count(self, result: rules.Result) -> None:
        key = (result.kind, result.colour)
        self.counts[key] = self.counts.get(key, 0) + 1

    def project(self, form_id: int, rows: list[Progress], write: Write) -> None:
        """The warnings of one form: budget execution, each indicator, combined."""
        project_id, budget, executed = self.forms.pop(form_id)
        if executed is None:
            executed = self.spent.get(project_id, 0)
        round_id, months, t = self.round.pk, self.months, self.thresholds
        execution = rules.execution_core(budget, executed, months, t)
        write((round_id, project_id, None, *execution))
        self._count(execution)
        named = []
        core, as_text = rules.indicator_core, self.as_text
        for _, indicator_id, name, kind, direction, target, unit, actual, expected, level in rows:
            if as_text:  # PostgreSQL: millionths as text
                target = None if target is None else int(target)
                actual = None if actual is None else int(actual)
                expected = None if expected is None else int(expected)
            result = core(
                kind, direction, target, actual, expected, level, months, t, name, unit, True
            )
            if result is not None:
                if result.colour != GREEN:  # an indicator on track is counted, not stored
                    write((round_id, project_id, indicator_id, *result))
                    self.written += 1
                self._count(result)
                named.append((name, result))
        measured = None if self.measured is None else self.measured.get(form_id, 0)
        overall = rules.combined(execution, named, measured)
        write((round_id, project_id, None, *overall))
        self._count(overall)
        self.written += 2
        self.projects += 1

    def leftover(self, write: Write) -> None:
        """Forms without indicators (or, on PostgreSQL, with green ones only) still get their
        execution and combined warnings."""
        for form_id in list(self.forms):
            self.project(form_id, [], write)

    # --- PostgreSQL: server-side cursor in, COPY out ------------------------------------------

    def run_postgresql(self) -> None:
        self.as_text = True
        t = self.thresholds
        params = {
            "round": self.round.pk,
            "months": self.months,
            "yellow4": t.yellow4,  # type: ignore[attr-defined]
            "blue4": t.blue4,  # type: ignore[attr-defined]
        }
        raw = connection.connection  # the psycopg connection, inside our transaction
        with raw.cursor() as cursor:
            cursor.execute(MEASURED_SQL.format(**_tables()), params)
            self.measured = {}
            for form_id, qualitative, quantitative in cursor:
                self.measured[form_id] = qualitative + quantitative
                self.measured_by_kind[rules.QUALITATIVE] += qualitative
                self.measured_by_kind[rules.INDICATOR] += quantitative
        with raw.cursor(name=f"monitoring_progress_{self.round.pk}") as source:
            source.execute(PROGRESS_SQL.format(**_tables()), params)
            for batch in _batches(source):
                with _copy(raw) as copy:
                    for form_id, rows in batch:
                        self.project(form_id, rows, copy.write_row)
        with _copy(raw) as copy:
            self.leftover(copy.write_row)

    # --- Elsewhere: the ORM ---------------------------------------------------------------------

    def run_orm(self) -> None:
        buffer: list[MonitoringWarning] = []

        def write(row: tuple[Any, ...]) -> None:
            buffer.append(MonitoringWarning(**dict(zip(COLUMNS, row, strict=True))))

        def flush() -> None:
            MonitoringWarning.objects.bulk_create(buffer, batch_size=1000)
            buffer.clear()

        for form_id, rows in _orm_groups(self.round):
            self.project(form_id, rows, write)
            if len(buffer) >= CHUNK:
                flush()
        self.leftover(write)
        flush()

    def result(self) -> ComputeResult:
        counts = dict(self.counts)
        if self.measured is not None:  # the green indicators PostgreSQL did not send
            for kind, measured in self.measured_by_kind.items():
                seen = sum(n for (k, _), n in counts.items() if k == kind)
                if measured > seen:
                    counts[kind, GREEN] = counts.get((kind, GREEN), 0) + measured - seen
        result = ComputeResult(round_id=self.round.pk, projects=self.projects)
        for (kind, colour), n in sorted(counts.items()):
            result.by_kind.setdefault(kind, {})[colour] = n
            result.by_colour[colour] = result.by_colour.get(colour, 0) + n
        result.warnings = self.written
        return result


def _spent(round: MonitoringRound) -> dict[int, Decimal]:
    """Each project's payments from the year's first day to the round's last day."""
    period = round.period
    rows = (
        SpendingRecord.objects.filter(
            project_id__in=MonitoringForm.objects.filter(round=round).values("project_id"),
            date__gte=period.start_date,
            date__lte=period.end_date,
        )
        .values("project_id")
        .annotate(total=Sum("amount"))
        .values_list("project_id", "total")
    )
    return dict(rows)


_ROUND_PROGRESS = "p.form_id IN (SELECT f.id FROM {form} f WHERE f.round_id = %(round)s)"

# How many indicators of each form have a colour (the rules give them a warning of some colour):
# qualitative ones with a level, quantitative ones with a target and an actual value.
MEASURED_SQL = (  # constant SQL: table names from the models, values as parameters
    "SELECT p.form_id,"  # noqa: S608
    " count(*) FILTER (WHERE p.kind = 'qualitative' AND p.level <> ''),"
    " count(*) FILTER (WHERE p.kind <> 'qualitative'"
    " AND p.actual IS NOT NULL AND p.target_value IS NOT NULL)"
    " FROM {progress} p WHERE " + _ROUND_PROGRESS + " GROUP BY p.form_id"
)

# The rows that may be other than green, for the rules to decide. A superset, exact: it
# leaves out only what :mod:`.warnings` makes green for certain — a qualitative 达成; a ≤
# indicator within its ceiling, expected too; a target ≤ 0 reached; and a ≥ or = indicator
# with an actual other than 0 at 80% (yellow threshold) or more of its time-scaled target and,
# for ≥, under the blue threshold. (numeric arithmetic in PostgreSQL is exact.)
MAYBE_NOT_GREEN = (
    "CASE WHEN p.kind = 'qualitative' THEN p.level NOT IN ('', 'achieved')"
    " WHEN p.actual IS NULL OR p.target_value IS NULL THEN false"
    " WHEN p.direction = 'lte' THEN p.actual > p.target_value"
    " OR coalesce(p.expected > p.target_value, false)"
    " WHEN p.target_value <= 0 THEN p.actual < p.target_value"
    " ELSE p.actual = 0"
    " OR p.actual * 120000 < %(yellow4)s * p.target_value * %(months)s"
    " OR (p.direction = 'gte' AND p.actual * 10000 >= %(blue4)s * p.target_value) END"
)

# Numbers arrive as text without their decimal point: numeric(20,6) prints exactly six
# decimals, so "24.000000" becomes "24000000", the rules' integer of millionths, at the cost of
# an int() in Python (no Decimal, no size limit).
PROGRESS_SQL = (  # constant SQL: table names from the models, values as parameters
    "SELECT p.form_id, p.indicator_id, p.indicator_name, p.kind, p.direction,"  # noqa: S608
    " replace(p.target_value::text, '.', ''), p.unit, replace(p.actual::text, '.', ''),"
    " replace(p.expected::text, '.', ''), p.level"
    " FROM {progress} p WHERE " + _ROUND_PROGRESS + " AND (" + MAYBE_NOT_GREEN + ")"
    " ORDER BY p.form_id, p.indicator_id"
)


def _tables() -> dict[str, str]:
    q = connection.ops.quote_name
    return {
        "progress": q(IndicatorProgress._meta.db_table),
        "form": q(MonitoringForm._meta.db_table),
        "warning": q(MonitoringWarning._meta.db_table),
        "columns": ", ".join(q(c) for c in COLUMNS),
    }


def _batches(source: Any) -> Iterator[list[tuple[int, list[Progress]]]]:
    """Complete forms, a fetch at a time (a form cut by a fetch waits for the next one)."""
    current: int | None = None
    group: list[Progress] = []
    while True:
        fetched = source.fetchmany(CHUNK)
        batch: list[tuple[int, list[Progress]]] = []
        for row in fetched:
            if row[0] != current:
                if current is not None:
                    batch.append((current, group))
                current, group = row[0], []
            group.append(row)
        if not fetched:
            if current is not None:
                batch.append((current, group))
            if batch:
                yield batch
            return
        yield batch


def _copy(raw: Any) -> Any:
    """A COPY of warning rows into the table (``copy.write_row``)."""
    names = _tables()
    cursor = raw.cursor()
    return _Copy(cursor, f"COPY {names['warning']} ({names['columns']}) FROM STDIN")


class _Copy:
    """The cursor and its COPY, closed together."""

    def __init__(self, cursor: Any, sql: str) -> None:
        self.cursor, self.sql = cursor, sql

    def __enter__(self) -> Any:
        self.copy = self.cursor.copy(self.sql)
        return self.copy.__enter__()

    def __exit__(self, *exc: Any) -> None:
        try:
            self.copy.__exit__(*exc)
        finally:
            self.cursor.close()


def _orm_groups(round: MonitoringRound) -> Iterator[tuple[int, list[Progress]]]:
    """The round's progress rows through the ORM, grouped by form."""
    micro = rules.to_micro
    rows = (
        IndicatorProgress.objects.filter(form__round=round)
        .order_by("form_id", "indicator_id")
        .values_list(
            "form_id",
            "indicator_id",
            "indicator_name",
            "kind",
            "direction",
            "target_value",
            "unit",
            "actual",
            "expected",
            "level",
        )
        .iterator(chunk_size=CHUNK)
    )
    current: int | None = None
    group: list[Progress] = []
    for form_id, indicator_id, name, kind, direction, target, unit, actual, expected, level in rows:
        if form_id != current:
            if current is not None:
                yield current, group
            current, group = form_id, []
        group.append(
            (
                form_id,
                indicator_id,
                name,
                kind,
                direction,
                None if target is None else micro(target),
                unit,
                None if actual is None else micro(actual),
                None if expected is None else micro(expected),
                level,
            )
        )
    if current is not None:
        yield current, group
