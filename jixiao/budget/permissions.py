"""The actions of budget performance management and who holds them (granted at start-up)."""

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

PROJECT_VIEW = "budget.project.view"
PROJECT_CHANGE = "budget.project.change"
EX_ANTE_ASSESS = "budget.ex_ante.assess"
TARGET_SUBMIT = "budget.target.submit"
TARGET_REVIEW_DEPARTMENT = "budget.target.review_department"
TARGET_REVIEW_FINANCE = "budget.target.review_finance"
SETTINGS_MANAGE = "budget.settings.manage"

TARGET_WORKFLOW = "budget.target"

# Double monitoring (BUD-5).
MONITORING_MANAGE = "budget.monitoring.manage"
MONITORING_FILL = "budget.monitoring.fill"
MONITORING_VIEW = "budget.monitoring.view"

GRANTS = {
    Role.UNIT_OPERATOR: {PROJECT_VIEW, PROJECT_CHANGE, EX_ANTE_ASSESS, TARGET_SUBMIT},
    Role.DEPARTMENT_REVIEWER: {PROJECT_VIEW, EX_ANTE_ASSESS, TARGET_REVIEW_DEPARTMENT},
    Role.FINANCE_REVIEWER: {PROJECT_VIEW, EX_ANTE_ASSESS, TARGET_REVIEW_FINANCE, SETTINGS_MANAGE},
    Role.LEADER: {PROJECT_VIEW},
}

MONITORING_GRANTS = {
    Role.FINANCE_REVIEWER: {MONITORING_MANAGE, MONITORING_VIEW},
    Role.DEPARTMENT_REVIEWER: {MONITORING_VIEW},
    Role.LEADER: {MONITORING_VIEW},
    Role.UNIT_OPERATOR: {MONITORING_FILL, MONITORING_VIEW},
}


def install() -> None:
    for role, actions in GRANTS.items():
        permissions.grant(role, *actions)
    for role, actions in MONITORING_GRANTS.items():
        permissions.grant(role, *actions)
    from jixiao.budget.monitoring.labels import install as monitoring_labels

    monitoring_labels()
    register_definition(
        WorkflowDefinition(
            key=TARGET_WORKFLOW,
            label="绩效目标申报",
            submit_action=TARGET_SUBMIT,
            view_action=PROJECT_VIEW,
            levels=(
                ReviewLevel(
                    "主管部门审核",
                    TARGET_REVIEW_DEPARTMENT,
                    ancestor_of_kind(OrgKind.SUPERVISING_DEPARTMENT),
                    due_in=timedelta(days=10),
                ),
                ReviewLevel(
                    "财政审核",
                    TARGET_REVIEW_FINANCE,
                    ancestor_of_kind(OrgKind.FINANCE_BUREAU),
                    required=True,
                    due_in=timedelta(days=15),
                ),
            ),
        )
    )


def in_budget_tree(user: Any) -> bool:
    """Whether budget performance concerns the user: a role over a finance bureau or inside
    one (a township or company on its own tree holds filling-in roles too)."""
    return permissions.acts_within(user, [OrgKind.FINANCE_BUREAU])
