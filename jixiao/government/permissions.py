"""The actions of government performance assessment and who holds them.

- The leadership group's office (乡绩效管理办, role 绩效办人员 ``hr_officer`` over the township
  or department) sets schemes up, assigns items, reviews and scores them, enters the raters'
  scores and publishes results.
- Leaders (领导) read every scheme and item in their scope.
- A responsible person (any person in the office, usually 单位填报人员) sees and edits only the
  items assigned to them; an office head (部门负责人 over the office) sees and edits the items of
  the office as well, to stand in for a responsible person who is away.
"""

from __future__ import annotations

from jixiao.orgs import permissions
from jixiao.orgs.models import OrgKind, Role

SCHEME_VIEW = "government.scheme.view"
SCHEME_MANAGE = "government.scheme.manage"
ITEM_REVIEW = "government.item.review"
ITEM_SUBMIT = "government.item.submit"
# Over an office: see and edit every item of that office (office heads).
ITEM_OFFICE = "government.item.office"

ITEM_WORKFLOW = "government.item"
SUBJECT_ITEM = "government.item"
SUBJECT_SCHEME = "government.scheme"

REVIEWING_KINDS = (
    OrgKind.TOWNSHIP,
    OrgKind.SUPERVISING_DEPARTMENT,
    OrgKind.BUDGET_UNIT,
    OrgKind.DEPARTMENT,
    OrgKind.COMPANY,
)


def install() -> None:
    from jixiao.workflow.definitions import (
        ReviewLevel,
        WorkflowDefinition,
        ancestor_of_kind,
        register_definition,
    )

    permissions.grant(Role.HR_OFFICER, SCHEME_VIEW, SCHEME_MANAGE, ITEM_REVIEW)
    permissions.grant(Role.LEADER, SCHEME_VIEW)
    for role in (Role.UNIT_OPERATOR, Role.DEPARTMENT_HEAD, Role.EMPLOYEE):
        permissions.grant(role, ITEM_SUBMIT)
    permissions.grant(Role.DEPARTMENT_HEAD, ITEM_OFFICE)
    register_definition(
        WorkflowDefinition(
            key=ITEM_WORKFLOW,
            label="政府绩效自查自评",
            submit_action=ITEM_SUBMIT,
            view_action=SCHEME_VIEW,
            levels=(
                ReviewLevel(
                    "领导小组办公室考核",
                    ITEM_REVIEW,
                    ancestor_of_kind(*REVIEWING_KINDS),
                    required=True,
                ),
            ),
        )
    )
