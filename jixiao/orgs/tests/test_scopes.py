"""Scopes: a user of unit A cannot see unit B's pages; subtree roles see their subtree."""

from __future__ import annotations

import pytest
from django.http import Http404

from jixiao.orgs import permissions as perms


def test_unit_operator_sees_only_own_unit(personas):
    visible = set(perms.visible_organizations(personas.unit_a_operator))
    assert visible == {personas.unit_a}


def test_department_reviewer_sees_its_units_not_others(personas):
    visible = set(perms.visible_organizations(personas.department_reviewer))
    assert personas.unit_a in visible
    assert personas.education in visible
    assert personas.unit_b not in visible
    assert personas.bureau not in visible


def test_finance_reviewer_sees_the_whole_county(personas):
    visible = set(perms.visible_organizations(personas.finance_reviewer))
    assert {personas.unit_a, personas.unit_b, personas.health} <= visible
    assert personas.company not in visible


def test_get_for_user_answers_404_out_of_scope(personas):
    with pytest.raises(Http404):
        perms.get_organization_for_user(personas.unit_a_operator, personas.unit_b.pk)
    with pytest.raises(Http404):
        perms.get_organization_for_user(personas.unit_a_operator, "not-a-number")
    assert perms.get_organization_for_user(personas.unit_a_operator, personas.unit_a.pk)


def test_unit_a_gets_404_for_unit_b_page(client, personas):
    client.force_login(personas.unit_a_operator)
    assert client.get(f"/orgs/{personas.unit_b.pk}/").status_code == 404
    assert client.get(f"/orgs/{personas.unit_a.pk}/").status_code == 200


def test_unknown_organization_also_404(client, personas):
    client.force_login(personas.unit_a_operator)
    assert client.get("/orgs/999999/").status_code == 404


def test_org_list_shows_only_scope(client, personas):
    client.force_login(personas.department_reviewer)
    body = client.get("/orgs/").content.decode()
    assert personas.unit_a.name in body
    assert personas.unit_b.name not in body


def test_pages_need_login(client, personas):
    response = client.get(f"/orgs/{personas.unit_a.pk}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_wrong_method_is_405(client, personas):
    client.force_login(personas.unit_a_operator)
    assert client.post(f"/orgs/{personas.unit_a.pk}/").status_code == 405


def test_admin_roles_get_no_business_actions(personas):
    for admin in (personas.system_admin, personas.security_admin, personas.audit_admin):
        for action in (perms.DASHBOARD_VIEW, perms.DEADLINE_VIEW):
            assert not perms.can(admin, action)


def test_leader_is_read_only(personas):
    assert perms.can(personas.leader, perms.DASHBOARD_VIEW)
    assert not perms.can(personas.leader, perms.DEADLINE_MANAGE)
    assert not perms.can(personas.leader, perms.ORG_MANAGE)
