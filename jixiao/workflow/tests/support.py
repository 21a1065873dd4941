"""Constants and builders shared by the workflow tests."""

from __future__ import annotations

from decimal import Decimal
from itertools import count

from jixiao.workflow import services

KEY = "test.form"
SUBJECT = "test.subject"
SUBMIT = "test.submit"
VIEW = "test.view"
REVIEW_DEPARTMENT = "test.review.department"
REVIEW_FINANCE = "test.review.finance"
DEPARTMENT_LABEL = "主管部门审核"
FINANCE_LABEL = "财政审核"

_subject_ids = count(1)


def open_case(organization, title: str = "测试项目"):
    return services.case_open(
        actor=None,
        subject_type=SUBJECT,
        subject_id=next(_subject_ids),
        organization=organization,
        definition_key=KEY,
        title=title,
    )


def form(budget: str = "100.00", target: str = "500", extra_rows=()) -> dict:
    """A snapshot as a domain would give it: fields (money as Decimal) and an indicator table
    keyed by "key"."""
    return {
        "name": "测试项目",
        "budget": Decimal(budget),
        "indicators": [
            {"key": "indicator:1", "name": "受益学生人数", "target": target, "unit": "人"},
            {"key": "indicator:2", "name": "满意度", "target": "90", "unit": "%"},
            *extra_rows,
        ],
    }
