"""People and role pages: who may create, assign, unlock; everything else is 404/403."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from jixiao.audit.models import AuditEvent
from jixiao.orgs.models import Role, RoleAssignment, User
from jixiao.testing.factories import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Qingshan#2026"


def test_system_admin_creates_a_person(client, personas):
    client.force_login(personas.system_admin)
    before = AuditEvent.objects.count()
    response = client.post(
        "/orgs/people/new/",
        {
            "username": "li_na",
            "full_name": "李娜",
            "organization": personas.unit_a.pk,
            "password": NEW_PASSWORD,
        },
    )
    person = User.objects.get(username="li_na")
    assert response.status_code == 302
    assert response["Location"] == f"/orgs/people/{person.pk}/"
    assert person.check_password(NEW_PASSWORD)
    assert AuditEvent.objects.count() == before + 1


def test_weak_password_is_refused_in_chinese(client, personas):
    client.force_login(personas.system_admin)
    response = client.post(
        "/orgs/people/new/",
        {
            "username": "li_na",
            "full_name": "李娜",
            "organization": personas.unit_a.pk,
            "password": "abc",
        },
    )
    assert response.status_code == 200
    assert "密码长度至少为8位" in response.content.decode()
    assert not User.objects.filter(username="li_na").exists()


def test_only_system_admin_creates_people(client, personas):
    for user in (personas.security_admin, personas.finance_reviewer, personas.unit_a_operator):
        client.force_login(user)
        assert client.get("/orgs/people/new/").status_code == 404


def test_security_admin_assigns_and_revokes_a_role(client, personas):
    client.force_login(personas.security_admin)
    person = personas.unit_b_operator
    response = client.post(
        f"/orgs/people/{person.pk}/roles/",
        {"role": Role.LEADER, "organization": personas.unit_b.pk},
    )
    assert response.status_code == 302
    assignment = RoleAssignment.objects.get(user=person, role=Role.LEADER)
    response = client.post(f"/orgs/people/{person.pk}/roles/{assignment.pk}/revoke/")
    assert response.status_code == 302
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()


def test_separation_of_duties_shown_on_the_page(client, personas):
    client.force_login(personas.security_admin)
    response = client.post(
        f"/orgs/people/{personas.system_admin.pk}/roles/",
        {"role": Role.AUDIT_ADMIN, "organization": personas.bureau.pk},
    )
    assert response.status_code == 400
    assert "三员分立" in response.content.decode()


def test_system_admin_cannot_assign_roles(client, personas):
    client.force_login(personas.system_admin)
    response = client.post(
        f"/orgs/people/{personas.unit_b_operator.pk}/roles/",
        {"role": Role.LEADER, "organization": personas.unit_b.pk},
    )
    assert response.status_code == 400  # the organisation is not a choice in their scope
    assert not RoleAssignment.objects.filter(
        user=personas.unit_b_operator, role=Role.LEADER
    ).exists()


def test_unit_user_cannot_see_other_people(client, personas):
    client.force_login(personas.unit_a_operator)
    assert client.get(f"/orgs/people/{personas.unit_b_operator.pk}/").status_code == 404
    assert client.get("/orgs/people/").status_code == 404
    client.force_login(personas.department_reviewer)
    assert client.get(f"/orgs/people/{personas.unit_a_operator.pk}/").status_code == 200
    assert client.get(f"/orgs/people/{personas.unit_b_operator.pk}/").status_code == 404


def test_security_admin_unlocks_from_the_locked_list(personas):
    browser = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        browser.post("/login/", {"username": "unit_a", "password": "wrong"})
    admin = Client()
    admin.force_login(personas.security_admin)
    assert "unit_a" in admin.get("/orgs/people/locked/").content.decode()
    admin.post(f"/orgs/people/{personas.unit_a_operator.pk}/unlock/")
    assert "unit_a" not in admin.get("/orgs/people/locked/").content.decode()
    assert browser.post("/login/", {"username": "unit_a", "password": PASSWORD}).status_code == 302


def test_system_admin_deactivates_and_the_person_cannot_log_in(client, personas):
    client.force_login(personas.system_admin)
    client.post(f"/orgs/people/{personas.unit_a_operator.pk}/active/", {"active": "0"})
    assert not User.objects.get(pk=personas.unit_a_operator.pk).is_active
    other = Client()
    assert other.post("/login/", {"username": "unit_a", "password": PASSWORD}).status_code == 200


def test_one_button_actions_need_post_and_csrf(personas):
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.system_admin)
    url = f"/orgs/people/{personas.unit_a_operator.pk}/active/"
    assert client.get(url).status_code == 405
    assert client.post(url, {"active": "0"}).status_code == 403
    assert User.objects.get(pk=personas.unit_a_operator.pk).is_active


def test_leader_cannot_change_people(client, personas):
    client.force_login(personas.leader)
    response = client.post(f"/orgs/people/{personas.unit_a_operator.pk}/active/", {"active": "0"})
    assert response.status_code == 404
    assert User.objects.get(pk=personas.unit_a_operator.pk).is_active
