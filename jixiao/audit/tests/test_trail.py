"""The audit trail: one row per write with old and new values; nobody can change it."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from jixiao.audit.models import AuditEvent, AuditImmutableError
from jixiao.orgs import services
from jixiao.orgs.models import OrgKind, Role


def _new_rows(before: int) -> list[AuditEvent]:
    return list(AuditEvent.objects.order_by("id")[before:])


@pytest.mark.django_db
def test_each_write_leaves_exactly_one_row_with_old_and_new(personas):
    before = AuditEvent.objects.count()
    services.organization_update(
        actor=personas.system_admin, organization=personas.unit_a, name="测试县第一高级中学"
    )
    rows = _new_rows(before)
    assert len(rows) == 1
    row = rows[0]
    assert row.action == "org.update"
    assert row.actor == personas.system_admin
    assert row.old_values == {"name": "测试县第一中学"}
    assert row.new_values == {"name": "测试县第一高级中学"}
    assert row.object_id == str(personas.unit_a.pk)
    assert row.organization_id == personas.unit_a.pk


@pytest.mark.django_db
def test_create_and_role_writes_are_traced(personas):
    before = AuditEvent.objects.count()
    org = services.organization_create(
        actor=personas.system_admin,
        name="测试县第三中学",
        code="X300",
        kind=OrgKind.BUDGET_UNIT,
        parent=personas.education,
    )
    services.role_assign(
        actor=personas.security_admin,
        user=personas.unit_b_operator,
        role=Role.UNIT_OPERATOR,
        organization=org,
    )
    rows = _new_rows(before)
    assert [r.action for r in rows] == ["org.create", "role.assign"]
    assert rows[0].old_values is None
    assert rows[0].new_values["name"] == "测试县第三中学"
    assert rows[1].new_values == {"user": "unit_b", "role": "unit_operator", "organization": org.pk}


@pytest.mark.django_db
def test_update_without_change_leaves_no_row(personas):
    before = AuditEvent.objects.count()
    services.organization_update(
        actor=personas.system_admin, organization=personas.unit_a, name=personas.unit_a.name
    )
    assert AuditEvent.objects.count() == before


@pytest.mark.django_db
def test_failed_write_leaves_no_row_and_no_change(personas):
    before = AuditEvent.objects.count()
    with pytest.raises(Exception, match="已存在"):
        services.organization_update(
            actor=personas.system_admin, organization=personas.unit_a, code=personas.unit_b.code
        )
    assert AuditEvent.objects.count() == before


@pytest.mark.django_db
def test_source_ip_is_recorded_for_web_requests(client, personas):
    client.force_login(personas.audit_admin)
    before = AuditEvent.objects.count()
    client.get("/audit/export.csv", REMOTE_ADDR="10.1.2.3")
    row = _new_rows(before)[0]
    assert row.ip_address == "10.1.2.3"
    assert row.source == "web"


@pytest.mark.django_db
def test_rows_cannot_be_changed_through_the_application(personas):
    row = AuditEvent.objects.first()
    row.action = "forged"
    with pytest.raises(AuditImmutableError):
        row.save()
    with pytest.raises(AuditImmutableError):
        row.delete()
    with pytest.raises(AuditImmutableError):
        AuditEvent.objects.all().update(action="forged")
    with pytest.raises(AuditImmutableError):
        AuditEvent.objects.all().delete()


@pytest.mark.django_db
def test_audit_pages_are_read_only(client, personas):
    client.force_login(personas.audit_admin)
    assert client.post("/audit/").status_code == 405
    client.force_login(personas.system_admin)
    assert client.get("/admin/audit/auditevent/").status_code == 404


@pytest.mark.postgres
@pytest.mark.django_db
def test_postgres_trigger_refuses_update_and_delete(personas):
    pk = AuditEvent.objects.first().pk
    for sql in (
        "UPDATE audit_auditevent SET action = 'forged' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="审计日志不可修改或删除"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [pk])
    assert AuditEvent.objects.get(pk=pk).action != "forged"


@pytest.mark.django_db
def test_audit_admin_searches_and_exports(client, personas):
    services.organization_update(
        actor=personas.system_admin, organization=personas.unit_b, name="测试县人民医院（新）"
    )
    client.force_login(personas.audit_admin)
    page = client.get("/audit/", {"action": "org.update"}).content.decode()
    assert "测试县人民医院（新）" in page
    export = b"".join(client.get("/audit/export.csv", {"action": "org.update"}).streaming_content)
    text = export.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("时间,操作人")
    assert "测试县人民医院（新）" in text


@pytest.mark.django_db
def test_only_audit_admin_sees_the_trail(client, personas):
    for user in (
        personas.system_admin,
        personas.security_admin,
        personas.finance_reviewer,
        personas.unit_a_operator,
    ):
        client.force_login(user)
        assert client.get("/audit/").status_code == 404
        assert client.get("/audit/export.csv").status_code == 404
