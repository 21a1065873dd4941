"""A domain's menu shows only to the people it concerns: filling-in and office roles exist in
every tree, but a township's people see no budget or employee-appraisal menu, and a finance
bureau's people no employee appraisal — each entry they would see would answer 404."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from jixiao.orgs.models import OrgKind, Role
from jixiao.testing.factories import make_org, make_user
from jixiao.web.menu import menu_for

pytestmark = pytest.mark.django_db


def _groups(user) -> set[str]:  # type: ignore[no-untyped-def]
    return {group["name"] for group in menu_for(user)}


def _labels(user) -> set[str]:  # type: ignore[no-untyped-def]
    return {entry["label"] for group in menu_for(user) for entry in group["entries"]}


def test_each_domain_shows_to_its_own_trees(personas) -> None:  # type: ignore[no-untyped-def]
    town = make_org("测试镇人民政府", OrgKind.TOWNSHIP)
    office = make_org("测试镇经济发展办公室", OrgKind.OFFICE, town)
    town_perf = make_user("town_perf", town, Role.HR_OFFICER)
    town_operator = make_user("town_econ", office, Role.UNIT_OPERATOR)

    assert "预算绩效" in _groups(personas.unit_a_operator)
    assert "预算绩效" in _groups(personas.finance_reviewer)
    assert "员工考核" not in _groups(personas.finance_reviewer)
    assert "员工考核" in _groups(personas.hr_officer)
    assert "员工考核" in _groups(personas.employee)
    assert "预算绩效" not in _groups(personas.employee)
    for person in (town_perf, town_operator):
        assert not {"预算绩效", "员工考核"} & _groups(person), person.username
    assert "考核方案" in _labels(town_perf)


def test_pages_behind_the_hidden_entries_answer_404(personas) -> None:  # type: ignore[no-untyped-def]
    town = make_org("测试镇人民政府", OrgKind.TOWNSHIP)
    town_perf = make_user("town_perf", town, Role.HR_OFFICER)
    client = Client()
    client.force_login(town_perf)
    for url in ("/appraisal/progress/", "/appraisal/salary-bases/", "/appraisal/settings/"):
        assert client.get(url).status_code == 404, url


def test_the_check_is_one_query_per_domain_and_request(personas) -> None:  # type: ignore[no-untyped-def]
    user = personas.unit_a_operator
    menu_for(user)  # scopes and the conditions, once
    with CaptureQueriesContext(connection) as again:
        menu_for(user)
    assert len(again.captured_queries) <= 1  # only what an entry's own condition asks
