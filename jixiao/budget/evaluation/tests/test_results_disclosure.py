"""Disclosure (BUD-13): the unit proposes, the bureau publishes a frozen copy or refuses,
the public reads only what is published, withdrawal takes it off (audited)."""

from __future__ import annotations

import pytest
from django.http import Http404

from jixiao.audit.models import AuditEvent
from jixiao.budget.evaluation.result_models import PublicationKind, PublicationState
from jixiao.budget.evaluation.results import disclosure, errors
from jixiao.budget.evaluation.results.errors import ResultsError
from jixiao.budget.evaluation.tests.factories import approved, submitted
from jixiao.budget.monitoring.tests.factories import YEAR, approved_project
from jixiao.budget.tests.factories import make_project
from jixiao.orgs.errors import PermissionDeniedError

pytestmark = pytest.mark.django_db


def propose(personas, project, kind=PublicationKind.TARGETS):  # type: ignore[no-untyped-def]
    return disclosure.publication_propose(
        actor=personas.unit_a_operator, project=project, kind=kind, note="民生项目"
    )


def test_targets_are_proposed_reviewed_and_published_as_a_frozen_copy(personas) -> None:
    project = approved_project(personas.unit_a, "P001")
    publication = propose(personas, project)
    assert publication.state == PublicationState.PROPOSED
    assert publication.department == personas.education
    assert publication.title == f"{project.name}绩效目标"
    with pytest.raises(Http404):  # not on the public site before review
        disclosure.get_published(publication.pk)
    assert list(disclosure.published()) == []
    with pytest.raises(ResultsError) as exc:
        propose(personas, project)
    assert exc.value.message == errors.PUBLICATION_PENDING.format(kind="绩效目标")
    with pytest.raises(PermissionDeniedError):
        disclosure.publication_approve(actor=personas.unit_a_operator, publication=publication)
    disclosure.publication_approve(actor=personas.finance_reviewer, publication=publication)
    shown = disclosure.get_published(publication.pk)
    names = [row["name"] for row in shown.content["targets"]]
    assert "受益群众满意度" in names and shown.content["project"]["code"] == "P001"
    project.name = "改名以后"
    project.save()
    assert disclosure.get_published(publication.pk).content["project"]["name"] != "改名以后"
    with pytest.raises(ResultsError) as exc:
        disclosure.publication_approve(actor=None, publication=publication)
    assert exc.value.message == errors.NOT_PROPOSED.format(state="已公开")


def test_only_approved_sources_are_proposed_and_only_by_their_unit(personas) -> None:
    draft = make_project(personas.unit_a, code="D001")
    with pytest.raises(ResultsError) as exc:
        propose(personas, draft)
    assert exc.value.message == errors.PUBLICATION_SOURCE.format(
        kind="绩效目标", what="绩效目标批复"
    )
    pending = submitted(personas.unit_a, "P002")
    with pytest.raises(ResultsError) as exc:
        propose(personas, pending.project, PublicationKind.SELF_EVALUATION)
    assert "绩效自评审核通过" in exc.value.message
    with pytest.raises(ResultsError) as exc:
        propose(personas, pending.project, PublicationKind.REPORT)
    assert exc.value.message == errors.PUBLICATION_REPORT
    other = approved_project(personas.unit_b, "P003")
    with pytest.raises(PermissionDeniedError):
        propose(personas, other)


def test_a_rejection_needs_a_comment_and_a_new_proposal_is_possible(personas) -> None:
    project = approved_project(personas.unit_a, "P001")
    publication = propose(personas, project)
    with pytest.raises(ResultsError) as exc:
        disclosure.publication_reject(
            actor=personas.finance_reviewer, publication=publication, comment=" "
        )
    assert exc.value.message == errors.REJECT_COMMENT
    disclosure.publication_reject(
        actor=personas.finance_reviewer, publication=publication, comment="涉密内容须删除"
    )
    publication.refresh_from_db()
    assert publication.state == PublicationState.REJECTED
    with pytest.raises(Http404):
        disclosure.get_published(publication.pk)
    again = propose(personas, project)
    assert again.pk != publication.pk


def test_the_self_evaluation_result_and_withdrawal(personas) -> None:
    self_evaluation = approved(personas.unit_a, "P001")
    publication = propose(personas, self_evaluation.project, PublicationKind.SELF_EVALUATION)
    disclosure.publication_approve(actor=None, publication=publication)
    content = disclosure.get_published(publication.pk).content
    assert content["total"] == f"{self_evaluation.total.normalize():f}"
    assert content["grade"] in {"优", "良", "中", "差"} and len(content["items"]) == 5
    with pytest.raises(ResultsError) as exc:
        disclosure.publication_withdraw(actor=None, publication=publication, reason="")
    assert exc.value.message == errors.WITHDRAW_REASON
    with pytest.raises(PermissionDeniedError):
        disclosure.publication_withdraw(
            actor=personas.unit_a_operator, publication=publication, reason="x"
        )
    disclosure.publication_withdraw(
        actor=personas.finance_reviewer, publication=publication, reason="数据有误，更正后重新公开"
    )
    with pytest.raises(Http404):
        disclosure.get_published(publication.pk)
    event = AuditEvent.objects.get(action="budget.publication.withdraw")
    assert event.new_values["reason"] == "数据有误，更正后重新公开"
    with pytest.raises(ResultsError) as exc:
        disclosure.publication_withdraw(actor=None, publication=publication, reason="again")
    assert exc.value.message == errors.NOT_PUBLISHED.format(state="已撤回")


def test_public_lists_filter_by_year_department_sector_and_search(personas) -> None:
    a = approved_project(personas.unit_a, "P001")
    b = approved_project(personas.unit_b, "P002")
    for project, operator in ((a, personas.unit_a_operator), (b, personas.unit_b_operator)):
        publication = disclosure.publication_propose(
            actor=operator, project=project, kind=PublicationKind.TARGETS
        )
        disclosure.publication_approve(actor=None, publication=publication)
    approved_project(personas.unit_a, "P009")  # never proposed: never listed
    assert {p.project.code for p in disclosure.published()} == {"P001", "P002"}
    assert [p.project.code for p in disclosure.published(department=personas.health.pk)] == ["P002"]
    assert [p.project.code for p in disclosure.published(q="人民医院")] == ["P002"]
    assert [p.project.code for p in disclosure.published(q="P001")] == ["P001"]
    assert list(disclosure.published(fiscal_year=YEAR + 5)) == []
    sector = a.function_code[:3]
    assert disclosure.published(sector=sector).count() == 2
    facets = disclosure.facets()
    assert facets.years == [YEAR]
    assert [d.name for d in facets.departments] == ["测试县教育局", "测试县卫生健康局"]
    assert facets.sectors[0][0] == sector
    # In scope for the platform's pages: unit A's operator sees its own only.
    assert [p.project.code for p in disclosure.publications_visible(personas.unit_a_operator)] == [
        "P001"
    ]


def test_public_and_platform_lists_are_paginated_not_cut_off(personas, client, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("jixiao.lib.pages.PAGE_SIZE", 1)
    for code in ("P001", "P002"):
        publication = propose(personas, approved_project(personas.unit_a, code))
        disclosure.publication_approve(actor=None, publication=publication)
    first = client.get("/budget/public/").content.decode()  # anonymous
    assert "共 2 条，第 1/2 页" in first
    second = client.get("/budget/public/?page=2")
    assert len(second.context["rows"]) == 1 and second.context["rows"].number == 2
    client.force_login(personas.unit_a_operator)
    page = client.get(f"/budget/results/publications/?year={YEAR}&page=2")
    assert page.context["rows"].paginator.count == 2
