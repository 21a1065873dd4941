"""Finished evaluations and sent results for the results tests."""

from __future__ import annotations

from decimal import Decimal

from jixiao.budget.evaluation import services
from jixiao.budget.evaluation.models import AssignmentRole, Evaluation, EvaluationKind
from jixiao.budget.evaluation.result_models import ResultFeedback
from jixiao.budget.evaluation.results import rectification
from jixiao.budget.evaluation.tests.factories import approved
from jixiao.budget.models import Project
from jixiao.orgs.models import Role
from jixiao.testing.factories import Personas, make_user

D = Decimal
NINE_TENTHS = Decimal("0.9")


def finished_key(
    personas: Personas, project: Project, fraction: Decimal = NINE_TENTHS, expert: str = "expert"
) -> Evaluation:
    """A key evaluation of ``project`` scored by one expert at ``fraction`` of every item's
    full score, finished."""
    evaluation = services.evaluation_create(
        actor=None, bureau=personas.bureau, project=project, kind=EvaluationKind.KEY
    )
    user = make_user(f"{expert}{project.pk}", personas.bureau, Role.EVALUATOR)
    services.evaluation_assign(
        actor=None, evaluation=evaluation, user=user, role=AssignmentRole.EXPERT, agency="某事务所"
    )
    services.evaluation_open(actor=None, evaluation=evaluation)
    scores = {item.pk: item.full_score * fraction for item in evaluation.items.all()}
    services.expert_scores_save(actor=user, evaluation=evaluation, scores=scores, submit=True)
    return services.evaluation_finish(actor=None, evaluation=evaluation, conclusion="总体较好。")


def sent(
    personas: Personas, code: str = "P001", problems: tuple[str, ...] = ("问题一", "问题二"), **kw
) -> ResultFeedback:  # type: ignore[no-untyped-def]
    """An approved self-evaluation of unit A sent back with ``problems``."""
    self_evaluation = approved(personas.unit_a, code, **kw)
    return rectification.feedback_send(
        actor=personas.finance_reviewer,
        self_evaluation=self_evaluation,
        opinion="请按期整改。",
        problems=problems,
    )
