"""The indicator library from a declaration: search, add, promote (BUD-4)."""

from __future__ import annotations

import pytest

from jixiao.budget import errors, services
from jixiao.budget.tests.factories import D, fill_targets, make_project
from jixiao.indicators.library import library_search
from jixiao.indicators.models import LibraryIndicator
from jixiao.indicators.standard import library_install
from jixiao.orgs.errors import PermissionDeniedError

pytestmark = pytest.mark.django_db


def _approved(personas):  # type: ignore[no-untyped-def]
    project = make_project(personas.unit_a, total=D(300))
    fill_targets(project)
    services.target_submit(actor=None, project=project)
    services.target_approve(actor=None, project=project)
    services.target_approve(actor=None, project=project, approved_amount=D(300))
    return project


def test_common_library_and_search(personas):
    assert library_install() > 0
    assert library_install() == 0
    found = library_search(personas.unit_a_operator, q="满意度")
    assert [e.name for e in found] == ["服务对象满意度"]
    assert library_search(personas.audit_admin).count() == 0


def test_add_from_library_goes_under_its_category(personas):
    library_install()
    project = make_project(personas.unit_a, total=D(300))
    entry = LibraryIndicator.objects.get(name="服务对象满意度")
    indicator = services.target_indicator_from_library(
        actor=personas.unit_a_operator, project=project, entry=entry, full_score=D(10)
    )
    assert indicator.parent.name == "服务对象满意度指标"
    assert indicator.target_value == D(90) and indicator.unit == "%"
    assert indicator.library_entry_id == entry.pk


def test_finance_promotes_approved_indicators_once(personas):
    project = _approved(personas)
    indicator = project.annual_tree.indicators.get(name="新建改造供水工程")
    with pytest.raises(PermissionDeniedError):
        services.target_indicator_promote(
            actor=personas.unit_a_operator, project=project, indicator=indicator
        )
    entry = services.target_indicator_promote(
        actor=personas.finance_reviewer, project=project, indicator=indicator, keywords="饮水"
    )
    assert entry.level1 == "产出指标" and entry.level2 == "数量指标"
    assert entry.history == {"2027": {"target": "24"}}
    assert entry.organization == personas.bureau
    assert [e.name for e in library_search(personas.unit_b_operator, q="饮水")] == [
        "新建改造供水工程"
    ]
    with pytest.raises(Exception, match="已在指标库中"):
        services.target_indicator_promote(
            actor=personas.finance_reviewer, project=project, indicator=indicator
        )


def test_only_approved_projects_are_promoted(personas):
    project = make_project(personas.unit_a, total=D(300))
    indicator = fill_targets(project)["新建改造供水工程"]
    with pytest.raises(errors.BudgetError, match="已批复"):
        services.target_indicator_promote(
            actor=personas.finance_reviewer, project=project, indicator=indicator
        )


def test_library_pages(client, personas):
    library_install()
    project = make_project(personas.unit_a, total=D(300))
    entry = LibraryIndicator.objects.get(name="服务对象满意度")
    client.force_login(personas.unit_a_operator)
    assert "服务对象满意度" in client.get("/indicators/library/?q=满意").content.decode()
    assert client.get(f"/budget/projects/{project.pk}/library/").status_code == 200
    response = client.post(
        f"/budget/projects/{project.pk}/library/{entry.pk}/add/",
        {"full_score": "10", "target_value": "95"},
    )
    assert response.status_code == 302
    added = project.annual_tree.indicators.get(name="服务对象满意度")
    assert added.target_value == D(95)
    client.force_login(personas.unit_b_operator)
    assert client.get(f"/budget/projects/{project.pk}/library/").status_code == 404
    assert (
        client.post(
            f"/budget/projects/{project.pk}/library/{entry.pk}/add/", {"full_score": "10"}
        ).status_code
        == 404
    )
