"""Organisations and people through the API: each persona sees exactly its scope, objects
outside it answer 404 like missing ones, and nothing secret is ever in an answer."""

from __future__ import annotations

import pytest

from jixiao.api import errors
from jixiao.orgs import permissions as perms


def _get(client, bearer, user, url: str):  # type: ignore[no-untyped-def]
    return client.get(url, headers=bearer(user))


def _names(response) -> set[str]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200
    return {item["name"] for item in response.json()["items"]}


def _usernames(response) -> set[str]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200
    return {item["username"] for item in response.json()["items"]}


def test_unit_a_cannot_reach_unit_b(client, personas, bearer):
    p = personas
    headers = bearer(p.unit_a_operator)
    for url in (f"/api/orgs/{p.unit_b.pk}", f"/api/people/{p.unit_b_operator.pk}"):
        response = client.get(url, headers=headers)
        assert response.status_code == 404
        assert response.json() == {"detail": errors.NOT_FOUND}
    assert client.get(f"/api/orgs/{p.unit_a.pk}", headers=headers).status_code == 200
    assert _names(client.get("/api/orgs/", headers=headers)) == {p.unit_a.name}


def test_unit_operator_has_no_people_access(client, personas, bearer):
    p = personas
    headers = bearer(p.unit_a_operator)  # unit operators lack USER_VIEW, even in their own unit
    assert _usernames(client.get("/api/people/", headers=headers)) == set()
    assert client.get(f"/api/people/{p.unit_a_operator.pk}", headers=headers).status_code == 404


def test_missing_objects_answer_like_hidden_ones(client, personas, bearer):
    headers = bearer(personas.finance_reviewer)
    for url in ("/api/orgs/999999", "/api/people/999999", "/api/orgs/abc", "/api/nowhere"):
        response = client.get(url, headers=headers)
        assert response.status_code == 404, url
        assert response.json() == {"detail": errors.NOT_FOUND}


def test_department_reviewer_sees_its_subtree(client, personas, bearer):
    p = personas
    headers = bearer(p.department_reviewer)
    assert _names(client.get("/api/orgs/", headers=headers)) == {p.education.name, p.unit_a.name}
    people = _usernames(client.get("/api/people/", headers=headers))
    assert {"edu_reviewer", "unit_a"} <= people
    assert "unit_b" not in people
    assert client.get(f"/api/people/{p.unit_b_operator.pk}", headers=headers).status_code == 404


def test_finance_reviewer_sees_the_county(client, personas, bearer):
    p = personas
    headers = bearer(p.finance_reviewer)
    county = {p.bureau, p.education, p.health, p.unit_a, p.unit_b}
    assert _names(client.get("/api/orgs/", headers=headers)) == {o.name for o in county}
    people = _usernames(client.get("/api/people/", headers=headers))
    assert {"unit_a", "unit_b", "finance"} <= people
    assert "hr" not in people  # the company is another tree
    assert client.get(f"/api/orgs/{p.company.pk}", headers=headers).status_code == 404


def test_audit_admin_sees_no_business_data(client, personas, bearer):
    p = personas
    headers = bearer(p.audit_admin)
    assert client.get("/api/orgs/", headers=headers).json() == {"items": [], "count": 0}
    assert client.get("/api/people/", headers=headers).json() == {"items": [], "count": 0}
    assert client.get(f"/api/orgs/{p.bureau.pk}", headers=headers).status_code == 404
    assert client.get(f"/api/people/{p.audit_admin.pk}", headers=headers).status_code == 404


@pytest.mark.parametrize("persona", ["system_admin", "security_admin"])
def test_other_admins_see_only_what_their_actions_allow(client, personas, bearer, persona):
    p = personas
    user = getattr(p, persona)
    headers = bearer(user)
    visible = {o.name for o in perms.visible_organizations(user)}
    assert _names(client.get("/api/orgs/", headers=headers)) == visible
    assert p.company.name not in visible
    assert client.get(f"/api/people/{p.hr_officer.pk}", headers=headers).status_code == 404


def test_evaluator_and_employee_see_nothing(client, personas, bearer):
    for user in (personas.evaluator, personas.employee):
        assert _names(client.get("/api/orgs/", headers=bearer(user))) == set()


def test_org_answer_has_english_fields_and_chinese_labels(client, personas, bearer):
    p = personas
    response = client.get(f"/api/orgs/{p.unit_a.pk}", headers=bearer(p.finance_reviewer))
    assert response.json() == {
        "id": p.unit_a.pk,
        "name": "测试县第一中学",
        "code": p.unit_a.code,
        "kind": "budget_unit",
        "kind_label": "预算单位",
        "parent_id": p.education.pk,
        "depth": 2,
        "sort_order": 0,
        "is_active": True,
    }


def test_org_filters_and_pagination(client, personas, bearer):
    p = personas
    headers = bearer(p.finance_reviewer)
    by_kind = client.get("/api/orgs/?kind=budget_unit", headers=headers)
    assert _names(by_kind) == {p.unit_a.name, p.unit_b.name}
    assert _names(client.get("/api/orgs/?q=人民医院", headers=headers)) == {p.unit_b.name}
    children = client.get(f"/api/orgs/?parent={p.bureau.pk}", headers=headers)
    assert _names(children) == {p.education.name, p.health.name}
    page = client.get("/api/orgs/?limit=2&offset=1", headers=headers).json()
    assert page["count"] == 5
    assert [o["name"] for o in page["items"]] == [p.education.name, p.unit_a.name]


def test_bad_filter_is_422_in_chinese(client, personas, bearer):
    response = client.get("/api/orgs/?kind=castle", headers=bearer(personas.finance_reviewer))
    assert response.status_code == 422
    assert response.json()["detail"] == errors.INVALID_REQUEST
    assert response.json()["errors"][0]["loc"][-1] == "kind"


def test_person_answer_never_exposes_secrets(client, personas, bearer):
    p = personas
    response = client.get(f"/api/people/{p.unit_a_operator.pk}", headers=bearer(p.finance_reviewer))
    body = response.json()
    assert body["username"] == "unit_a"
    assert body["organization"] == {"id": p.unit_a.pk, "name": p.unit_a.name, "code": p.unit_a.code}
    assert body["roles"] == [
        {"role": "unit_operator", "role_label": "单位填报人员", "organization_id": p.unit_a.pk}
    ]
    text = response.content.decode()
    assert "password" not in text
    assert p.unit_a_operator.password not in text


def test_people_filters(client, personas, bearer):
    p = personas
    headers = bearer(p.finance_reviewer)
    in_health = client.get(f"/api/people/?organization={p.health.pk}", headers=headers)
    assert _usernames(in_health) == {"unit_b"}
    assert _usernames(client.get("/api/people/?q=unit_a", headers=headers)) == {"unit_a"}
    hidden = client.get(f"/api/people/?organization={p.company.pk}", headers=headers)
    assert _usernames(hidden) == set()


def test_me_lists_roles_and_scopes(client, personas, bearer):
    p = personas
    body = client.get("/api/me", headers=bearer(p.department_reviewer)).json()
    assert body["organization"]["id"] == p.education.pk
    assert body["roles"] == [
        {
            "role": "department_reviewer",
            "role_label": "主管部门审核人员",
            "organization": {
                "id": p.education.pk,
                "name": p.education.name,
                "code": p.education.code,
            },
        }
    ]


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize("url", ["/api/orgs/", "/api/orgs/{pk}", "/api/people/", "/api/me"])
def test_read_only_resources_answer_405(client, personas, bearer, method, url):
    headers = bearer(personas.finance_reviewer)
    response = getattr(client, method)(url.format(pk=personas.unit_a.pk), headers=headers)
    assert response.status_code == 405
    assert response.json() == {"detail": errors.METHOD_NOT_ALLOWED}
    assert "GET" in response["Allow"]
