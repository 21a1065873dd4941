"""In a real Chromium: the system administrator adds an organisation under the education
bureau, imports a workbook of one more unit and a person, and sees the counts and the new
person's initial password (once)."""

from __future__ import annotations

import pytest

from jixiao.orgs.models import Organization, OrgKind, User
from jixiao.orgs.tests.test_excel import workbook
from jixiao.testing.browser import ARTIFACTS, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_system_admin_creates_an_organisation_and_imports_a_workbook(
    personas, live_server, browser_page, tmp_path
):  # type: ignore[no-untyped-def]
    page, base = browser_page, live_server.url
    login(page, base, personas.system_admin.username)

    page.goto(f"{base}/orgs/{personas.education.pk}/")
    page.get_by_test_id("org-add-child").click()
    page.fill("#id_name", "测试县第二中学")
    page.fill("#id_code", "EDU-02")
    page.select_option("#id_kind", OrgKind.BUDGET_UNIT.value)
    page.get_by_test_id("org-save").click()
    page.wait_for_url(f"{base}/orgs/*/")
    assert page.get_by_test_id("org-name").inner_text() == "测试县第二中学"
    assert Organization.objects.get(code="EDU-02").parent == personas.education

    path = tmp_path / "组织机构及人员.xlsx"
    orgs = [["EDU-02", "EDU-02-1", "二中分校", "下属单位", None, 1, None]]
    people = [["qian", "钱多多", "EDU-02-1", "单位填报人员", None, None, None, None, None]]
    path.write_bytes(workbook(orgs, people))
    page.goto(f"{base}/orgs/import/")
    page.set_input_files("#id_file", str(path))
    page.get_by_test_id("import-submit").click()
    page.get_by_test_id("import-done").wait_for()
    assert "组织：新增1个" in page.get_by_test_id("import-done").inner_text()
    passwords = page.get_by_test_id("import-passwords").inner_text()
    assert "qian" in passwords
    assert "单位填报人员" in page.get_by_test_id("import-pending").inner_text()
    page.screenshot(path=str(ARTIFACTS / "orgs-import.png"), full_page=True)
    assert User.objects.get(username="qian").organization.code == "EDU-02-1"
