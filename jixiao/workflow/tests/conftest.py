"""A test workflow ("test.form") reviewed by the supervising department, then the finance
bureau, with actions granted for the duration of each test only."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from jixiao.orgs import permissions
from jixiao.orgs.models import OrgKind, Role
from jixiao.testing.factories import make_org, make_user
from jixiao.workflow import definitions, services
from jixiao.workflow.definitions import ReviewLevel, WorkflowDefinition, ancestor_of_kind
from jixiao.workflow.tests.support import (
    DEPARTMENT_LABEL,
    FINANCE_LABEL,
    KEY,
    REVIEW_DEPARTMENT,
    REVIEW_FINANCE,
    SUBMIT,
    VIEW,
    form,
    open_case,
)


@pytest.fixture
def restore_permissions():
    saved = {role: set(actions) for role, actions in permissions._ROLE_ACTIONS.items()}
    yield
    permissions._ROLE_ACTIONS.clear()
    permissions._ROLE_ACTIONS.update(saved)


@pytest.fixture
def restore_registry():
    saved = dict(definitions._REGISTRY)
    yield
    definitions._REGISTRY.clear()
    definitions._REGISTRY.update(saved)


@pytest.fixture
def definition(restore_permissions, restore_registry) -> WorkflowDefinition:
    permissions.grant(Role.UNIT_OPERATOR, SUBMIT)
    permissions.grant(Role.DEPARTMENT_REVIEWER, REVIEW_DEPARTMENT)
    permissions.grant(Role.FINANCE_REVIEWER, REVIEW_FINANCE)
    permissions.grant(Role.LEADER, VIEW)
    return definitions.register_definition(
        WorkflowDefinition(
            key=KEY,
            label="测试表单",
            submit_action=SUBMIT,
            view_action=VIEW,
            levels=(
                ReviewLevel(
                    DEPARTMENT_LABEL,
                    REVIEW_DEPARTMENT,
                    ancestor_of_kind(OrgKind.SUPERVISING_DEPARTMENT),
                    due_in=timedelta(days=5),
                ),
                ReviewLevel(
                    FINANCE_LABEL,
                    REVIEW_FINANCE,
                    ancestor_of_kind(OrgKind.FINANCE_BUREAU),
                    required=True,
                    due_in=timedelta(days=10),
                ),
            ),
        )
    )


@pytest.fixture
def health_reviewer(personas):
    """A department reviewer of the other department (health), not unit A's."""
    return make_user("health_reviewer", personas.health, Role.DEPARTMENT_REVIEWER)


@pytest.fixture
def direct_unit(personas):
    """A budget unit directly under the finance bureau (no supervising department)."""
    return make_org("测试县机关事务服务中心", OrgKind.BUDGET_UNIT, personas.bureau)


@pytest.fixture
def case_a(personas, definition):
    return open_case(personas.unit_a)


@pytest.fixture
def submitted_a(personas, case_a):
    return services.case_submit(actor=personas.unit_a_operator, case=case_a, snapshot=form())


@pytest.fixture
def approved_a(personas, submitted_a):
    services.case_approve(actor=personas.department_reviewer, case=submitted_a)
    return services.case_approve(
        actor=personas.finance_reviewer, case=submitted_a, data={"budget": Decimal("95.00")}
    )
