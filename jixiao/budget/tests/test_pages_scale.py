"""The project list and the review queue stay one page of work at any size: paginated, with
counts by the database and a number of queries that does not follow the number of projects
(bench/pages.py measures them at 20 000 projects)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from jixiao.budget import services
from jixiao.budget.tests.factories import D, fill_targets, make_project

pytestmark = pytest.mark.django_db
SMALL = D(100)  # under the ex-ante threshold: submitted without an assessment


def _submitted(personas, first: int, count: int, *, mixed: bool = True) -> None:  # type: ignore[no-untyped-def]
    for number in range(first, first + count):
        unit = personas.unit_b if mixed and number % 2 else personas.unit_a
        project = make_project(unit, code=f"S{number:03d}", total=SMALL)
        fill_targets(project)
        services.target_submit(actor=None, project=project)


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("url", ["/budget/projects/?year=2027", "/budget/review/?year=2027"])
def test_queries_do_not_follow_the_number_of_projects(personas, url) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(personas.department_reviewer)
    _submitted(personas, 0, 2)
    few = _queries(client, url)
    _submitted(personas, 2, 6)
    assert _queries(client, url) == few


def test_lists_are_paginated_with_counts_from_the_database(personas, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("jixiao.lib.pages.PAGE_SIZE", 3)
    _submitted(personas, 0, 7, mixed=False)  # all in unit A: the department's queue
    make_project(personas.unit_a, code="DRAFT1", total=SMALL)
    client = Client()
    client.force_login(personas.department_reviewer)

    last = client.get("/budget/projects/?year=2027&state=submitted&page=3")
    assert [row.project.code for row in last.context["rows"]] == ["S006"]
    assert "共 7 条，第 3/3 页" in last.content.decode()
    tabs = client.get("/budget/projects/?year=2027").context["tabs"]
    assert {value: count for value, _label, count in tabs}[""] == 8
    assert {value: count for value, _label, count in tabs}["submitted"] == 7

    queue = client.get("/budget/review/?year=2027&page=2")
    assert len(queue.context["rows"]) == 3 and queue.context["page"].paginator.count == 7
    assert client.get("/budget/review/?year=2026").context["page"].paginator.count == 0
