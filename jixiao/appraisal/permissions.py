"""The actions of employee appraisal and who holds them (granted at start-up)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from jixiao.orgs import permissions
from jixiao.orgs.models import OrgKind, Role
from jixiao.workflow.definitions import (
    ReviewLevel,
    WorkflowDefinition,
    ancestor_of_kind,
    register_definition,
)

# The performance office (绩效办) over the company; department heads over their department.
MANAGE = "appraisal.manage"  # open months, settings, rule-set versions, pay, appeals
REVIEW = "appraisal.review"  # review the departments' monthly summaries
VIEW = "appraisal.view"  # see departments' scores, pay and tables within scope
SCORE = "appraisal.score"  # score one's department, record events, submit
OWN = "appraisal.own"  # see one's own results and appeal

SHEET_WORKFLOW = "appraisal.sheet"

GRANTS = {
    Role.HR_OFFICER: {MANAGE, REVIEW, VIEW, OWN},
    Role.DEPARTMENT_HEAD: {SCORE, VIEW, OWN},
    Role.LEADER: {VIEW},
    Role.EMPLOYEE: {OWN},
}


def install() -> None:
    for role, actions in GRANTS.items():
        permissions.grant(role, *actions)
    register_definition(
        WorkflowDefinition(
            key=SHEET_WORKFLOW,
            label="部门月度考核汇总",
            submit_action=SCORE,
            view_action=VIEW,
            levels=(
                ReviewLevel(
                    "绩效办审核",
                    REVIEW,
                    ancestor_of_kind(OrgKind.COMPANY),
                    required=True,
                    due_in=timedelta(days=20),
                ),
            ),
        )
    )


def in_company_tree(user: Any) -> bool:
    """Whether the employee appraisal concerns the user: a role over a company or inside one
    (a township's performance office holds the same role on its own tree)."""
    return permissions.acts_within(user, [OrgKind.COMPANY])
