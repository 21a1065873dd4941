"""Government assessment through the API: a responsible person sees and edits only their
items (404 for others'), a leader reads but may not write (403), the result explains itself."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.test import Client

from jixiao.government import services
from jixiao.government.tests.factories import (
    assign_all,
    item_named,
    make_scheme,
    make_town,
    submit_and_review,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def town():
    return make_town()


@pytest.fixture
def active(town):
    scheme = make_scheme(town)
    assign_all(town, scheme)
    services.scheme_activate(actor=town.office, scheme=scheme)
    return scheme


def post(client, url, body, headers):  # type: ignore[no-untyped-def]
    return client.post(url, json.dumps(body), content_type="application/json", headers=headers)


def test_responsible_person_lists_and_edits_only_their_items(town, active, bearer):
    headers = bearer(town.economy_person)
    client = Client()
    rows = client.get("/api/government/items/", headers=headers).json()
    names = {r["name"] for r in rows["items"]}
    assert "地区生产总值增长率" in names and "机关作风" not in names
    assert rows["count"] == active.items.filter(part="quantitative").count()
    mine = item_named(active, "固定资产投资完成额")
    theirs = item_named(active, "机关作风")
    assert client.get(f"/api/government/items/{theirs.pk}", headers=headers).status_code == 404
    body = {"period": "2026-02", "value": "1200.5", "problems": "资金到位慢"}
    response = post(client, f"/api/government/items/{theirs.pk}/values", body, headers)
    assert response.status_code == 404
    response = post(client, f"/api/government/items/{mine.pk}/values", body, headers)
    assert response.status_code == 200 and response.json()["value"] == "1200.500000"
    detail = client.get(f"/api/government/items/{mine.pk}", headers=headers).json()
    assert detail["actual"] == "1200.5" and detail["completion"] == "24.01"
    assert detail["values"][0]["problems"] == "资金到位慢"
    response = post(
        client,
        f"/api/government/items/{mine.pk}/values",
        {"period": "2025-01", "value": 1},
        headers,
    )
    assert response.status_code == 400 and "期间应为" in response.json()["detail"]
    # No access to schemes for a responsible person.
    assert client.get(f"/api/government/schemes/{active.pk}", headers=headers).status_code == 404


def test_leader_reads_but_cannot_write(town, active, bearer):
    headers = bearer(town.leader)
    client = Client()
    item = item_named(active, "固定资产投资完成额")
    assert client.get(f"/api/government/items/{item.pk}", headers=headers).status_code == 200
    response = post(
        client,
        f"/api/government/items/{item.pk}/values",
        {"period": "2026-02", "value": 1},
        headers,
    )
    assert response.status_code == 403
    schemes = client.get("/api/government/schemes/", headers=headers).json()
    assert [s["id"] for s in schemes["items"]] == [active.pk]
    outsider = Client()
    assert outsider.get("/api/government/schemes/").status_code == 401


def test_self_evaluation_review_and_result(town, active, bearer):
    item = item_named(active, "依法行政")
    client = Client()
    person = bearer(town.economy_person)
    body = {"self_check": "逐项自查", "self_score": "7", "self_explanation": "完成"}
    response = post(client, f"/api/government/items/{item.pk}/self-evaluation", body, person)
    assert response.status_code == 200 and response.json()["self_score"] == "7.00"
    response = post(client, f"/api/government/items/{item.pk}/submit", {}, person)
    assert response.status_code == 400 and "佐证材料" in response.json()["detail"]
    from jixiao.government.tests.factories import evidence

    services.evidence_add(actor=town.economy_person, item=item, file=evidence())
    response = post(client, f"/api/government/items/{item.pk}/submit", {}, person)
    assert response.json()["state"] == "submitted"
    office = bearer(town.office)
    response = post(client, f"/api/government/items/{item.pk}/review", {"score": "7"}, person)
    assert response.status_code == 403
    response = post(client, f"/api/government/items/{item.pk}/review", {"score": "7"}, office)
    assert response.status_code == 200 and response.json()["review_score"] == "7.00"
    for other in active.items.select_related("indicator", "responsible").exclude(pk=item.pk):
        full = other.indicator.full_score
        submit_and_review(town, other, full, full)
    result = client.get(f"/api/government/schemes/{active.pk}/result", headers=office).json()
    assert result["total"] == "40.00"  # only the assessment team (40 %) has scored so far
    assert Decimal(result["assessment"]) == 100
    assert result["complete"] is False
    assert any("考核组：100 × 权重 40% = 40" in line for line in result["explanation"])
    rows = {r["name"]: r for r in result["items"]}
    assert rows["依法行政"]["score"] == "7.00" and rows["依法行政"]["reviewed"] is True
    assert Decimal(result["parts"][0]["weighted"]) == Decimal(70)


def test_item_list_queries_do_not_grow_with_items(town, active, bearer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    headers = bearer(town.leader)
    client = Client()
    client.get("/api/government/items/", headers=headers)  # warm up
    with CaptureQueriesContext(connection) as one:
        first = client.get("/api/government/items/", headers=headers).json()
    second = make_scheme(town, year=2027)
    assign_all(town, second)
    with CaptureQueriesContext(connection) as two:
        both = client.get("/api/government/items/", headers=headers).json()
    assert both["count"] == 2 * first["count"]
    assert len(two.captured_queries) == len(one.captured_queries)
