"""The performance office's company-wide records through the API: salary bases (read, and a
batch push from the payroll system, all or nothing), the appraisal settings and the work
progress table. The office reads and writes; a department head may read the settings and the
progress table but not change them (403); anyone else is answered 404."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

from jixiao.appraisal import services
from jixiao.appraisal.models import PayProfile, ProgressStep
from jixiao.appraisal.tests.world import World, make_world
from jixiao.audit.models import AuditEvent
from jixiao.orgs.models import OrgKind, Role
from jixiao.testing.factories import Personas, make_org, make_user

SALARY = "/api/appraisal/salary-bases/"
SETTINGS = "/api/appraisal/settings/"
PROGRESS = "/api/appraisal/progress/"
D = Decimal


@pytest.fixture
def world(personas: Personas) -> World:
    return make_world(personas)


@pytest.fixture
def other_hr(world):  # type: ignore[no-untyped-def]
    """The performance office of another company, with one employee of its own."""
    company = make_org("另一公司", OrgKind.COMPANY)
    dept = make_org("另一公司综合部", OrgKind.DEPARTMENT, company)
    make_user("stranger", dept, Role.EMPLOYEE, full_name="外单位员工")
    return make_user("other_hr", company, Role.HR_OFFICER)


def _send(client, method, url, headers, body=None):  # type: ignore[no-untyped-def]
    data = json.dumps(body if body is not None else {})
    return getattr(client, method)(url, data, content_type="application/json", headers=headers)


def _base(user) -> Decimal:  # type: ignore[no-untyped-def]
    return PayProfile.objects.get(employee=user).salary_base


def _audits(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


# --- Salary bases ------------------------------------------------------------------------------


def test_office_reads_and_sets_salary_bases(client, world, bearer) -> None:  # type: ignore[no-untyped-def]
    office = bearer(world.hr)
    rows = client.get(SALARY, headers=office).json()
    assert [r["employee_number"] for r in rows] == ["E001", "E002", "E003", "E004", "E005"]
    assert {r["salary_base"] for r in rows} == {"5000.00"}
    first = rows[0]
    assert first["username"] == "employee" and first["department"]["id"] == world.dept.pk
    sales = client.get(SALARY, {"department": world.other_dept.code}, headers=office).json()
    assert {r["username"] for r in sales} == {"other_head", "outsider"}
    assert client.get(SALARY, {"department": "NOPE"}, headers=office).status_code == 404

    before = _audits("appraisal.pay_profile.set")
    body = {
        "items": [
            {"employee_number": "E001", "salary_base": "5200.50"},
            {"username": "colleague", "salary_base": 5000},  # unchanged: nothing written
            {"username": "outsider", "salary_base": 4800.5},
        ]
    }
    response = _send(client, "put", SALARY, office, body)
    assert response.status_code == 200, response.json()
    assert response.json() == {"created": 0, "updated": 2, "unchanged": 1}
    assert _base(world.employee) == D("5200.50") and _base(world.outsider) == D("4800.50")
    assert _audits("appraisal.pay_profile.set") == before + 2

    # Someone without a base yet: created; the same batch again writes nothing.
    newcomer = make_user("newcomer", world.dept, Role.EMPLOYEE, full_name="新同事")
    body = {"items": [{"username": "newcomer", "salary_base": "3000"}]}
    assert _send(client, "put", SALARY, office, body).json()["created"] == 1
    assert _base(newcomer) == D("3000.00")
    again = _send(client, "put", SALARY, office, body).json()
    assert again == {"created": 0, "updated": 0, "unchanged": 1}
    assert _audits("appraisal.pay_profile.set") == before + 3


def test_a_batch_with_a_bad_item_writes_nothing_and_names_it(client, world, bearer) -> None:  # type: ignore[no-untyped-def]
    office = bearer(world.hr)
    before = _audits("appraisal.pay_profile.set")
    body = {
        "items": [
            {"employee_number": "E001", "salary_base": "6000"},
            {"employee_number": "E999", "salary_base": "1"},
        ]
    }
    response = _send(client, "put", SALARY, office, body)
    assert response.status_code == 400
    answer = response.json()
    assert answer["detail"] == "工资基数未保存：有1条有误，全部未写入。"
    assert answer["problems"] == ["第2条：“E999”不是本单位各部门的在职员工，或不在您的管理范围内"]
    assert _base(world.employee) == D(5000)
    assert _audits("appraisal.pay_profile.set") == before

    body = {
        "items": [
            {"employee_number": "E001", "salary_base": "-1"},
            {"username": "colleague", "employee_number": "E002", "salary_base": "1"},
            {"salary_base": "1"},
            {"username": "head", "salary_base": "1.005"},
            {"employee_number": "E005", "salary_base": "1"},
            {"username": "outsider", "salary_base": "2"},
        ]
    }
    problems = _send(client, "put", SALARY, office, body).json()["problems"]
    assert problems == [
        "第1条：工资基数不能为负数。",
        "第2条：须填写用户名或工号（只填其一）",
        "第3条：须填写用户名或工号（只填其一）",
        "第4条：工资基数“1.005”不是有效金额（元，至多两位小数）",
        "第6条：员工“outsider”与第5条重复",
    ]
    assert set(PayProfile.objects.values_list("salary_base", flat=True)) == {D(5000)}
    assert _audits("appraisal.pay_profile.set") == before
    assert _send(client, "put", SALARY, office, {"items": []}).status_code == 422


def test_salary_bases_refused_to_everyone_but_the_office(client, world, bearer, other_hr) -> None:  # type: ignore[no-untyped-def]
    body = {"items": [{"employee_number": "E001", "salary_base": "9000"}]}
    for user in (world.head, world.employee, world.personas.finance_reviewer):
        headers = bearer(user)
        assert client.get(SALARY, headers=headers).status_code == 404
        response = _send(client, "put", SALARY, headers, body)
        assert response.status_code == 404 and response.json()["detail"]
    # Another company's office: our company is 404, its own lists only its own people and
    # does not reach ours (the same message as for an unknown person).
    theirs = bearer(other_hr)
    assert client.get(SALARY, {"company": world.company.pk}, headers=theirs).status_code == 404
    assert _send(
        client, "put", f"{SALARY}?company={world.company.pk}", theirs, body
    ).status_code == (404)
    assert [r["username"] for r in client.get(SALARY, headers=theirs).json()] == ["stranger"]
    response = _send(client, "put", SALARY, theirs, body)
    assert response.status_code == 400
    assert response.json()["problems"] == [
        "第1条：“E001”不是本单位各部门的在职员工，或不在您的管理范围内"
    ]
    assert _base(world.employee) == D(5000)
    assert client.get(SALARY).status_code == 401


# --- Settings ------------------------------------------------------------------------------


def test_settings_read_by_office_and_head_changed_only_by_the_office(
    client, world, bearer, other_hr
) -> None:  # type: ignore[no-untyped-def]
    office, head = bearer(world.hr), bearer(world.head)
    shown = client.get(SETTINGS, headers=office).json()
    assert shown["company"]["id"] == world.company.pk and shown["saved"] is False
    assert shown["performance_share"] == "0.2000" and shown["coefficient_method"] == "bands"
    assert shown["coefficient_method_label"] == "分档系数"
    assert shown["bands"][0] == {"min": "95", "coefficient": "1.3"}
    assert client.get(SETTINGS, headers=head).json() == shown

    change = {
        "performance_share": "0.3",
        "bands": [{"min": 90, "coefficient": "1.2"}, {"min": 0, "coefficient": "0.8"}],
        "excellent_quota": "20",
    }
    response = _send(client, "patch", SETTINGS, office, change)
    assert response.status_code == 200, response.json()
    saved = response.json()
    assert saved["saved"] is True and saved["performance_share"] == "0.3000"
    assert saved["bands"] == [
        {"min": "90", "coefficient": "1.2"},
        {"min": "0", "coefficient": "0.8"},
    ]
    assert saved["excellent_quota"] == "20.00" and saved["pay_mode"] == "direct"
    assert services.settings_for(world.company).performance_share == D("0.3")
    assert _audits("appraisal.settings.set") == 1

    response = _send(client, "patch", SETTINGS, office, {"performance_share": "0.1"})
    assert response.status_code == 400
    assert response.json()["detail"] == "绩效工资占比应在20%到100%之间。"
    assert _send(client, "patch", SETTINGS, head, {"pay_mode": "pool"}).status_code == 403
    assert services.settings_for(world.company).pay_mode == "direct"

    for user in (world.employee, world.personas.finance_reviewer):
        assert client.get(SETTINGS, headers=bearer(user)).status_code == 404
        assert _send(client, "patch", SETTINGS, bearer(user), {}).status_code == 404
    theirs = bearer(other_hr)
    assert client.get(SETTINGS, {"company": world.company.pk}, headers=theirs).status_code == 404
    url = f"{SETTINGS}?company={world.company.pk}"
    assert _send(client, "patch", url, theirs, {"pay_mode": "pool"}).status_code == 404
    assert services.settings_for(world.company).pay_mode == "direct"


# --- Work progress -------------------------------------------------------------------------


def _steps(world):  # type: ignore[no-untyped-def]
    return [
        services.progress_step_save(
            actor=None,
            organization=world.company,
            year=2026,
            title=title,
            start_date=date(2026, m, 1),
            end_date=date(2026, m, 20),
            owner="绩效办",
            position=n,
        )
        for n, (title, m) in enumerate([("修订考核细则", 1), ("一季度考核", 4)], start=1)
    ]


def test_progress_read_and_updated_by_the_office(client, world, bearer, other_hr) -> None:  # type: ignore[no-untyped-def]
    first, _second = _steps(world)
    office, head = bearer(world.hr), bearer(world.head)
    rows = client.get(PROGRESS, {"year": 2026}, headers=office).json()
    assert [r["title"] for r in rows] == ["修订考核细则", "一季度考核"]
    assert rows[0]["status"] == "planned" and rows[0]["status_label"] == "未开始"
    assert client.get(PROGRESS, {"year": 2025}, headers=office).json() == []
    assert client.get(PROGRESS, {"year": 2026}, headers=head).json() == rows

    url = f"{PROGRESS}{first.pk}"
    before = _audits("appraisal.progress.save")
    change = {"status": "done", "end_date": "2026-01-25"}
    response = _send(client, "patch", url, office, change)
    assert response.status_code == 200, response.json()
    assert (
        response.json()["status_label"] == "已完成" and response.json()["end_date"] == "2026-01-25"
    )
    first.refresh_from_db()
    assert first.status == "done" and first.title == "修订考核细则"
    assert _audits("appraisal.progress.save") == before + 1

    response = _send(client, "patch", url, office, {"end_date": "2025-12-31"})
    assert response.status_code == 400
    assert response.json()["detail"] == "完成时限不能早于开始日期。"
    assert _send(client, "patch", url, office, {"status": "finished"}).status_code == 422
    assert _send(client, "patch", url, head, {"status": "delayed"}).status_code == 403
    for user in (world.employee, world.personas.finance_reviewer, other_hr):
        headers = bearer(user)
        assert _send(client, "patch", url, headers, {"status": "delayed"}).status_code == 404
    for user in (world.employee, world.personas.finance_reviewer):
        assert client.get(PROGRESS, headers=bearer(user)).status_code == 404
    theirs = {"company": world.company.pk, "year": 2026}
    assert client.get(PROGRESS, theirs, headers=bearer(other_hr)).status_code == 404
    assert client.get(PROGRESS, {"year": 2026}, headers=bearer(other_hr)).json() == []
    first.refresh_from_db()
    assert first.status == "done"
    assert _send(client, "patch", f"{PROGRESS}999999", office, {}).status_code == 404
    assert ProgressStep.objects.count() == 2


# --- The OpenAPI document ------------------------------------------------------------------


def test_openapi_lists_the_new_paths_with_chinese_summaries(client, db) -> None:  # type: ignore[no-untyped-def]
    paths = client.get("/api/openapi.json").json()["paths"]
    wanted = {
        SALARY: ("get", "put"),
        SETTINGS: ("get", "patch"),
        PROGRESS: ("get",),
        PROGRESS + "{step_id}": ("patch",),
    }
    for path, methods in wanted.items():
        for method in methods:
            summary = paths[path][method]["summary"]
            assert any("\u4e00" <= c <= "\u9fff" for c in summary), (path, method, summary)
    doc = client.get("/api/openapi.json").json()
    ref = paths[SALARY]["put"]["responses"]["400"]["content"]["application/json"]["schema"]
    name = ref["$ref"].rsplit("/", 1)[-1]
    assert "problems" in doc["components"]["schemas"][name]["properties"]
