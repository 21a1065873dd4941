"""Budget deadlines learn that a unit has done the work (CORE-5): the target declaration
deadline completes when the unit's last declaration of the year is submitted, the
self-evaluation deadline when the last approved project's self-evaluation is; reminders then
skip the unit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from jixiao.budget import deadlines, services
from jixiao.budget.evaluation import services as evaluation
from jixiao.budget.evaluation.tests.factories import filled
from jixiao.budget.monitoring.tests.factories import YEAR
from jixiao.budget.tests.factories import fill_targets, make_project
from jixiao.orgs.models import Organization, OrgKind, Role
from jixiao.periods import reminders
from jixiao.periods import services as periods
from jixiao.periods.models import Deadline, DeadlineCompletion, PeriodKind

pytestmark = pytest.mark.django_db


def deadline(bureau: Organization, topic: str, period_year: int, due_in_days: int = 2) -> Deadline:
    period = periods.period_ensure(actor=None, kind=PeriodKind.YEAR, fiscal_year=period_year)
    return periods.deadline_create(
        actor=None,
        period=period,
        organization=bureau,
        title=f"{topic} {period_year}",
        due_at=timezone.now() + timedelta(days=due_in_days),
        role=Role.UNIT_OPERATOR,
        target_kinds=[OrgKind.BUDGET_UNIT],
        topic=topic,
    )


def completed(d: Deadline) -> set[int]:
    return set(
        DeadlineCompletion.objects.filter(deadline=d).values_list("organization_id", flat=True)
    )


def reminded(d: Deadline) -> set[object]:
    """Who today's reminder plan reminds of ``d``."""
    plan = reminders.plan(timezone.now(), [3, 1])
    return {
        r.recipient for r in plan.reminders if r.dedupe_key.startswith(f"periods.deadline:{d.pk}:")
    }


def declaration(unit: Organization, code: str, fiscal_year: int = YEAR):  # type: ignore[no-untyped-def]
    project = make_project(
        unit,
        code=code,
        is_new=False,
        fiscal_year=fiscal_year,
        start_year=fiscal_year,
        end_year=fiscal_year,
    )
    fill_targets(project)
    return project


def test_the_period_year_of_each_topic() -> None:
    assert deadlines.period_year(deadlines.TARGET_TOPIC, 2027) == 2026
    assert deadlines.period_year(deadlines.SELF_EVALUATION_TOPIC, 2027) == 2027


def test_target_deadline_completes_after_the_units_last_declaration(personas) -> None:
    due = deadline(personas.bureau, deadlines.TARGET_TOPIC, YEAR - 1)
    first, second = declaration(personas.unit_a, "P001"), declaration(personas.unit_a, "P002")
    operator = personas.unit_a_operator

    services.target_submit(actor=operator, project=first)
    assert completed(due) == set()

    services.target_submit(actor=operator, project=second)
    completion = DeadlineCompletion.objects.get(deadline=due)
    assert (completion.organization, completion.completed_by) == (personas.unit_a, operator)
    assert completed(due) == {personas.unit_a.pk}  # unit B has not declared

    recipients = reminded(due)
    assert personas.unit_b_operator in recipients
    assert operator not in recipients


def test_a_returned_declaration_leaves_the_deadline_completed(personas) -> None:
    due = deadline(personas.bureau, deadlines.TARGET_TOPIC, YEAR - 1)
    project = declaration(personas.unit_a, "P001")
    services.target_submit(actor=personas.unit_a_operator, project=project)

    services.target_return(actor=personas.department_reviewer, project=project, comment="请修改")

    assert completed(due) == {personas.unit_a.pk}


def test_target_deadline_about_another_year_is_not_touched(personas) -> None:
    this_year = deadline(personas.bureau, deadlines.TARGET_TOPIC, YEAR - 1)
    next_year = deadline(personas.bureau, deadlines.TARGET_TOPIC, YEAR)  # the YEAR+1 budget
    evaluation_deadline = deadline(personas.bureau, deadlines.SELF_EVALUATION_TOPIC, YEAR - 1)

    services.target_submit(actor=None, project=declaration(personas.unit_a, "P001"))

    assert completed(this_year) == {personas.unit_a.pk}
    assert completed(next_year) == set()
    assert completed(evaluation_deadline) == set()


def test_self_evaluation_deadline_completes_with_the_last_approved_project(personas) -> None:
    due = deadline(personas.bureau, deadlines.SELF_EVALUATION_TOPIC, YEAR, due_in_days=-5)
    earlier_year = deadline(personas.bureau, deadlines.SELF_EVALUATION_TOPIC, YEAR - 1)
    first, second = filled(personas.unit_a, "P001"), filled(personas.unit_a, "P002")
    other_unit = filled(personas.unit_b, "P003")
    operator = personas.unit_a_operator

    evaluation.self_evaluation_submit(actor=operator, self_evaluation=first)
    assert completed(due) == set()

    evaluation.self_evaluation_submit(actor=operator, self_evaluation=second)
    assert completed(due) == {personas.unit_a.pk}  # B's table is still a draft
    assert DeadlineCompletion.objects.get(deadline=due).completed_by == operator
    assert completed(earlier_year) == set()

    evaluation.self_evaluation_return(actor=None, self_evaluation=second, comment="请补充说明")
    assert completed(due) == {personas.unit_a.pk}  # a return does not un-complete

    recipients = reminded(due)
    assert personas.unit_b_operator in recipients and operator not in recipients

    evaluation.self_evaluation_submit(actor=personas.unit_b_operator, self_evaluation=other_unit)
    assert completed(due) == {personas.unit_a.pk, personas.unit_b.pk}


def test_a_deadline_set_after_the_work_starts_complete_for_those_done(personas) -> None:
    # Unit A has submitted all its declarations, unit B has one still in draft, when the
    # bureau sets the deadline: A is complete from the start (by the system), B is reminded.
    services.target_submit(
        actor=personas.unit_a_operator, project=declaration(personas.unit_a, "P001")
    )
    declaration(personas.unit_b, "P002")
    due = deadline(personas.bureau, deadlines.TARGET_TOPIC, YEAR - 1)

    completion = DeadlineCompletion.objects.get(deadline=due)
    assert completion.organization == personas.unit_a and completion.completed_by is None
    assert completion.note == periods.ALREADY_DONE
    assert personas.unit_b_operator in reminded(due)
    assert personas.unit_a_operator not in reminded(due)
    # A deadline about another year finds nothing done.
    assert completed(deadline(personas.bureau, deadlines.TARGET_TOPIC, YEAR)) == set()


def test_looking_for_work_already_done_does_not_query_per_unit(personas) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from jixiao.testing.factories import make_org

    def queries_of_a_new_deadline(period_year: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            deadline(personas.bureau, deadlines.TARGET_TOPIC, period_year)
        return len(captured.captured_queries)

    periods.period_ensure(actor=None, kind=PeriodKind.YEAR, fiscal_year=YEAR - 3)
    periods.period_ensure(actor=None, kind=PeriodKind.YEAR, fiscal_year=YEAR - 2)
    few = queries_of_a_new_deadline(YEAR - 3)
    for n in range(6):
        make_org(f"测试县第{n + 3}预算单位", OrgKind.BUDGET_UNIT, personas.education)
    assert queries_of_a_new_deadline(YEAR - 2) == few
