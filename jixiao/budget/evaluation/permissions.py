"""The actions of evaluation and who holds them; the self-evaluation's review workflow.

Third-party evaluators and experts hold no action over an organisation subtree: they see an
evaluation only through an :class:`~jixiao.budget.evaluation.models.EvaluationAssignment`
(``queries.get_evaluation_for_user``)."""

from __future__ import annotations

from datetime import timedelta

from jixiao.orgs import permissions
from jixiao.orgs.models import OrgKind, Role
from jixiao.workflow.definitions import (
    ReviewLevel,
    WorkflowDefinition,
    ancestor_of_kind,
    register_definition,
)

SELF_EVALUATION_FILL = "budget.self_evaluation.fill"
SELF_EVALUATION_VIEW = "budget.self_evaluation.view"
SELF_EVALUATION_REVIEW_DEPARTMENT = "budget.self_evaluation.review_department"
SELF_EVALUATION_REVIEW_FINANCE = "budget.self_evaluation.review_finance"
EVALUATION_MANAGE = "budget.evaluation.manage"
EVALUATION_VIEW = "budget.evaluation.view"
# Held by third-party evaluators for the menu only: what they see comes from assignments.
EVALUATION_ASSIGNED = "budget.evaluation.assigned"

SELF_EVALUATION_WORKFLOW = "budget.self_evaluation"
SUBJECT = "budget.self_evaluation"

GRANTS = {
    Role.UNIT_OPERATOR: {SELF_EVALUATION_FILL, SELF_EVALUATION_VIEW, EVALUATION_VIEW},
    Role.DEPARTMENT_REVIEWER: {
        SELF_EVALUATION_VIEW,
        SELF_EVALUATION_REVIEW_DEPARTMENT,
        EVALUATION_VIEW,
    },
    Role.FINANCE_REVIEWER: {
        SELF_EVALUATION_VIEW,
        SELF_EVALUATION_REVIEW_FINANCE,
        EVALUATION_MANAGE,
        EVALUATION_VIEW,
    },
    Role.LEADER: {SELF_EVALUATION_VIEW, EVALUATION_VIEW},
    Role.EVALUATOR: {EVALUATION_ASSIGNED},
}

LABELS = {
    "budget.self_evaluation.create": "生成绩效自评表",
    "budget.self_evaluation.save": "保存绩效自评表",
    "budget.self_evaluation.submit": "提交绩效自评",
    "budget.self_evaluation.approve": "审核通过绩效自评",
    "budget.self_evaluation.return": "退回绩效自评",
    "budget.self_evaluation.survey": "引入满意度调查结果",
    "budget.evaluation.settings": "修改绩效评价规则",
    "budget.evaluation.create": "创建绩效评价",
    "budget.evaluation.update": "修改绩效评价",
    "budget.evaluation.assign": "指派评价人员",
    "budget.evaluation.unassign": "取消评价人员指派",
    "budget.evaluation.open": "开始评分",
    "budget.evaluation.score": "专家评分",
    "budget.evaluation.rescore": "再评价评分",
    "budget.evaluation.finish": "完成绩效评价",
    "budget.evaluation.recompute": "重新计分",
}


def install() -> None:
    for role, actions in GRANTS.items():
        permissions.grant(role, *actions)
    register_definition(
        WorkflowDefinition(
            key=SELF_EVALUATION_WORKFLOW,
            label="绩效自评",
            submit_action=SELF_EVALUATION_FILL,
            view_action=SELF_EVALUATION_VIEW,
            levels=(
                ReviewLevel(
                    "主管部门审核",
                    SELF_EVALUATION_REVIEW_DEPARTMENT,
                    ancestor_of_kind(OrgKind.SUPERVISING_DEPARTMENT),
                    due_in=timedelta(days=10),
                ),
                ReviewLevel(
                    "财政审核",
                    SELF_EVALUATION_REVIEW_FINANCE,
                    ancestor_of_kind(OrgKind.FINANCE_BUREAU),
                    required=True,
                    due_in=timedelta(days=15),
                ),
            ),
        )
    )
