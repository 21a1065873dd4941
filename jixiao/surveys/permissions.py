"""The actions of surveys and who holds them (granted at start-up from ``SurveysConfig.ready``).

Domains may grant these actions to more roles from their own ``ready()``."""

from __future__ import annotations

from jixiao.orgs import permissions
from jixiao.orgs.models import Role

SURVEY_VIEW = "surveys.survey.view"
SURVEY_MANAGE = "surveys.survey.manage"

# Who builds and publishes questionnaires over their scope: the finance bureau, supervising
# departments and units for budget projects (BUD-9), the performance office of a company, the
# township's offices (their accounts are unit operators) for the social part (GOV-5).
# Leaders and department heads read the figures.
GRANTS = {
    Role.FINANCE_REVIEWER: {SURVEY_VIEW, SURVEY_MANAGE},
    Role.DEPARTMENT_REVIEWER: {SURVEY_VIEW, SURVEY_MANAGE},
    Role.UNIT_OPERATOR: {SURVEY_VIEW, SURVEY_MANAGE},
    Role.HR_OFFICER: {SURVEY_VIEW, SURVEY_MANAGE},
    Role.LEADER: {SURVEY_VIEW},
    Role.DEPARTMENT_HEAD: {SURVEY_VIEW},
}


def install() -> None:
    for role, actions in GRANTS.items():
        permissions.grant(role, *actions)
