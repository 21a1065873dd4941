"""Organisation pages for the system administrator: create, edit, move, switch on and off.
Only holders of org.manage over the subtree; everybody else gets 404 (403 for a refusal)."""

from __future__ import annotations

import pytest
from django.test import Client

from jixiao.audit.models import AuditEvent
from jixiao.orgs import errors, services
from jixiao.orgs.models import Organization, OrgKind

pytestmark = pytest.mark.django_db


def test_system_admin_creates_a_child_organisation(client, personas):
    client.force_login(personas.system_admin)
    assert client.get(f"/orgs/new/?parent={personas.education.pk}").status_code == 200
    before = AuditEvent.objects.order_by("pk").last().pk
    response = client.post(
        "/orgs/new/",
        {
            "parent": personas.education.pk,
            "name": "测试县第二中学",
            "short_name": "二中",
            "code": "EDU-02",
            "kind": OrgKind.BUDGET_UNIT,
            "sort_order": "3",
        },
    )
    org = Organization.objects.get(code="EDU-02")
    assert response.status_code == 302
    assert response["Location"] == f"/orgs/{org.pk}/"
    assert (org.parent, org.short_name, org.sort_order) == (personas.education, "二中", 3)
    assert org.path.startswith(personas.education.path)
    new_rows = AuditEvent.objects.filter(pk__gt=before).values_list("action", flat=True)
    assert list(new_rows) == ["org.create"]


def test_wrong_parent_kind_is_refused_in_chinese(client, personas):
    client.force_login(personas.system_admin)
    response = client.post(
        "/orgs/new/",
        {"parent": personas.unit_a.pk, "name": "x", "code": "X1", "kind": OrgKind.TEAM},
    )
    assert response.status_code == 400
    assert "上级组织类型“预算单位”下不能设立“班组”" in response.content.decode()
    assert not Organization.objects.filter(code="X1").exists()


def test_parent_outside_the_scope_is_not_offered(client, personas):
    client.force_login(personas.system_admin)
    response = client.post(
        "/orgs/new/",
        {"parent": personas.company.pk, "name": "x", "code": "X2", "kind": OrgKind.DEPARTMENT},
    )
    assert response.status_code == 400
    assert not Organization.objects.filter(code="X2").exists()


def test_system_admin_edits_name_code_kind_and_short_name(client, personas):
    client.force_login(personas.system_admin)
    unit = personas.unit_a
    response = client.post(
        f"/orgs/{unit.pk}/edit/",
        {
            "name": "测试县第一高级中学",
            "short_name": "一中",
            "code": "U-A",
            "kind": OrgKind.BUDGET_UNIT,
            "sort_order": "",
        },
    )
    assert response.status_code == 302
    unit.refresh_from_db()
    assert (unit.name, unit.short_name, unit.code) == ("测试县第一高级中学", "一中", "U-A")
    row = AuditEvent.objects.filter(action="org.update").latest("pk")
    assert row.old_values["name"] == "测试县第一中学"


def test_kind_change_that_breaks_the_tree_is_refused(client, personas):
    client.force_login(personas.system_admin)
    response = client.post(
        f"/orgs/{personas.education.pk}/edit/",
        {"name": "x", "code": personas.education.code, "kind": OrgKind.BUDGET_UNIT},
    )
    # a budget unit may sit under the bureau, but its child 第一中学 cannot sit under a unit
    assert response.status_code == 400
    assert "不能改为该类型" in response.content.decode()


def test_move_updates_the_whole_subtree(client, personas):
    child = services.organization_create(
        actor=None, name="一中分校", code="A-1", kind=OrgKind.SUBORDINATE_UNIT,
        parent=personas.unit_a,
    )  # fmt: skip
    grandchild = services.organization_create(
        actor=None, name="一中分校食堂", code="A-1-1", kind=OrgKind.SUBORDINATE_UNIT,
        parent=child,
    )  # fmt: skip
    client.force_login(personas.system_admin)
    assert client.get(f"/orgs/{personas.unit_a.pk}/move/").status_code == 200
    response = client.post(f"/orgs/{personas.unit_a.pk}/move/", {"parent": personas.health.pk})
    assert response.status_code == 302
    for org in (personas.unit_a, child, grandchild):
        org.refresh_from_db()
    assert personas.unit_a.parent == personas.health
    assert personas.unit_a.path == personas.health.path + f"{personas.unit_a.pk:06d}."
    assert child.path == personas.unit_a.path + f"{child.pk:06d}."
    assert grandchild.path == child.path + f"{grandchild.pk:06d}."
    assert (personas.unit_a.depth, child.depth, grandchild.depth) == (2, 3, 4)
    row = AuditEvent.objects.get(action="org.move")
    assert row.old_values["parent_id"] == personas.education.pk
    assert row.new_values["parent_id"] == personas.health.pk
    # the health reviewer's subtree now holds the unit
    assert Organization.objects.filter(path__startswith=personas.health.path).count() == 5


def test_move_into_its_own_subtree_is_refused(personas):
    child = services.organization_create(
        actor=None, name="一中分校", code="A-1", kind=OrgKind.SUBORDINATE_UNIT,
        parent=personas.unit_a,
    )  # fmt: skip
    grandchild = services.organization_create(
        actor=None, name="分校分部", code="A-1-1", kind=OrgKind.SUBORDINATE_UNIT, parent=child
    )
    with pytest.raises(errors.DomainError, match="不能把“一中分校”移到它自己或它的下级组织之下"):
        services.organization_move(
            actor=personas.system_admin, organization=child, parent=grandchild
        )
    child.refresh_from_db()
    assert child.parent == personas.unit_a


def test_move_target_must_be_in_scope(client, personas):
    client.force_login(personas.system_admin)
    response = client.post(f"/orgs/{personas.unit_a.pk}/move/", {"parent": personas.company.pk})
    assert response.status_code == 400
    personas.unit_a.refresh_from_db()
    assert personas.unit_a.parent == personas.education


def test_deactivate_is_refused_with_active_people_then_allowed(client, personas):
    client.force_login(personas.system_admin)
    response = client.post(f"/orgs/{personas.unit_b.pk}/active/", {"active": "0"}, follow=True)
    assert "还有1名启用的人员" in response.content.decode()
    personas.unit_b.refresh_from_db()
    assert personas.unit_b.is_active
    services.user_update(actor=None, user=personas.unit_b_operator, is_active=False)
    client.post(f"/orgs/{personas.unit_b.pk}/active/", {"active": "0"})
    personas.unit_b.refresh_from_db()
    assert not personas.unit_b.is_active
    response = client.post(f"/orgs/{personas.health.pk}/active/", {"active": "0"}, follow=True)
    personas.health.refresh_from_db()
    assert personas.health.is_active is False  # its only child is off, nobody belongs to it
    response = client.post(f"/orgs/{personas.unit_b.pk}/active/", {"active": "1"}, follow=True)
    assert "上级组织“测试县卫生健康局”已停用" in response.content.decode()


def test_deactivate_with_active_children_is_refused(personas):
    with pytest.raises(errors.DomainError, match="还有2个启用的下级组织"):
        services.organization_set_active(
            actor=personas.system_admin, organization=personas.bureau, active=False
        )


@pytest.mark.parametrize("persona", ["security_admin", "unit_a_operator", "finance_reviewer"])
def test_other_roles_get_404(client, personas, persona):
    client.force_login(getattr(personas, persona))
    pk = personas.unit_a.pk
    assert client.get("/orgs/new/").status_code == 404
    assert client.get(f"/orgs/{pk}/edit/").status_code == 404
    assert client.get(f"/orgs/{pk}/move/").status_code == 404
    assert client.post(f"/orgs/{pk}/active/", {"active": "0"}).status_code == 404
    assert client.get("/orgs/export.xlsx").status_code == 404
    personas.unit_a.refresh_from_db()
    assert personas.unit_a.is_active


def test_system_admin_of_one_tree_cannot_touch_another(client, personas):
    client.force_login(personas.system_admin)  # scoped to the bureau, not the company
    pk = personas.company_dept.pk
    assert client.get(f"/orgs/{pk}/edit/").status_code == 404
    assert client.post(f"/orgs/{pk}/edit/", {"name": "x"}).status_code == 404
    assert client.post(f"/orgs/{pk}/active/", {"active": "0"}).status_code == 404


def test_root_is_never_created_from_a_page(personas):
    with pytest.raises(errors.PermissionDeniedError):
        services.organization_create(
            actor=personas.system_admin, name="x", code="R", kind=OrgKind.COMPANY
        )


def test_wrong_method_and_csrf(personas):
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.system_admin)
    assert client.get(f"/orgs/{personas.unit_a.pk}/active/").status_code == 405
    assert client.post(f"/orgs/{personas.unit_a.pk}/active/", {"active": "0"}).status_code == 403


def test_anonymous_is_sent_to_login(client, personas):
    response = client.get("/orgs/new/")
    assert response.status_code == 302 and "login" in response["Location"]


def test_detail_shows_management_buttons_only_to_managers(client, personas):
    client.force_login(personas.system_admin)
    page = client.get(f"/orgs/{personas.unit_a.pk}/").content.decode()
    assert 'data-testid="org-edit"' in page and 'data-testid="org-move"' in page
    client.force_login(personas.finance_reviewer)
    page = client.get(f"/orgs/{personas.unit_a.pk}/").content.decode()
    assert 'data-testid="org-edit"' not in page
