"""A supervising department's government assessment takes the finance bureau's finalised
appraisal of its budget-performance work (BUD-14) as the actual value of 预算绩效管理工作:
the department template, the value, score and explanation carried, stale versions, the
refusals (another organisation, nothing finalised, a qualitative item, a published result)
and the page action (the API: api/tests/test_government_feed.py). Also: who sees 我的责任事项
in the menu."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jixiao.audit.models import AuditEvent
from jixiao.budget.evaluation.results import accountability, rules
from jixiao.budget.evaluation.tests.factories import approved
from jixiao.budget.monitoring.tests.factories import YEAR, approved_project
from jixiao.government import errors, external, services, standard
from jixiao.government.errors import GovernmentError
from jixiao.government.queries import shows_my_items
from jixiao.government.scoring import scheme_result
from jixiao.government.tests.factories import item_named, make_scheme, make_town
from jixiao.orgs.errors import PermissionDeniedError
from jixiao.orgs.models import Role
from jixiao.testing.factories import make_user
from jixiao.web.menu import menu_for

D = Decimal
pytestmark = pytest.mark.django_db
SOURCE = accountability.SOURCE_KEY


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def _department_scheme(personas):  # type: ignore[no-untyped-def]
    office = make_user("edu_perf", personas.education, Role.HR_OFFICER, full_name="教育局绩效办")
    # The assessment of YEAR + 1 takes the budget cycle of fiscal YEAR (finished during YEAR + 1).
    scheme = services.scheme_create(actor=office, organization=personas.education, year=YEAR + 1)
    return office, scheme


def _finalise(personas, reason: str = ""):  # type: ignore[no-untyped-def]
    """Education 87.50 (coverage 1/2 with the default weights), health 100."""
    if not reason:
        approved(personas.unit_a, "P001")
        approved_project(personas.unit_a, "P002")
    return accountability.department_appraisal_finalise(
        actor=personas.finance_reviewer, bureau=personas.bureau, fiscal_year=YEAR, reason=reason
    )


def _budget_score(scheme):  # type: ignore[no-untyped-def]
    result = scheme_result(scheme, external.scheme_feeds)
    return next(s for s in result.items if s.item.indicator.name == standard.BUDGET_LEAF)


def test_a_department_scheme_has_the_department_template_with_the_budget_item(personas) -> None:
    _office, scheme = _department_scheme(personas)
    assert scheme.quantitative_tree.source.code == standard.DEPARTMENT_QUANTITATIVE_CODE
    assert scheme.social_tree.source.code == standard.DEPARTMENT_SOCIAL_CODE
    item = item_named(scheme, standard.BUDGET_LEAF)
    assert item.indicator.rule == "gte" and item.indicator.target_value == D(100)
    assert item.indicator.full_score == D(15)
    for tree in (scheme.quantitative_tree, scheme.social_tree):
        leaves = tree.indicators.filter(children__isnull=True)
        assert sum(i.full_score for i in leaves) == D(100)
    # Items in reading order (the shared tree_rows): the first leaf of the first group first.
    first = scheme.items.filter(part="quantitative").order_by("position").first()
    assert first.indicator.name == "年度重点工作任务完成率"
    town = make_town()
    assert not make_scheme(town).items.filter(indicator__name=standard.BUDGET_LEAF).exists()


def test_the_stored_total_is_the_items_value_scored_and_explained(personas) -> None:
    office, scheme = _department_scheme(personas)
    item = item_named(scheme, standard.BUDGET_LEAF)
    with pytest.raises(GovernmentError) as exc:
        services.item_feed_pull(actor=office, item=item, source_key=SOURCE)
    assert exc.value.message == errors.FEED_NOTHING.format(
        org=personas.education, year=YEAR, label="预算绩效考核"
    )
    assert _budget_score(scheme).feed is None

    _finalise(personas)
    services.item_feed_pull(actor=office, item=item, source_key=SOURCE)
    item.refresh_from_db()
    assert item.fed_value == D("87.50") and item.feed_version.startswith("第1版（")
    assert item.fed_by == office and item.feed_reference.startswith("budget.department_appraisal")
    score = _budget_score(scheme)
    assert score.actual == D("87.50") and score.reviewed
    assert score.score == D("13.13")  # 87.5 ÷ 100 × 15 = 13.125
    assert score.explain.startswith("测试县财政局2027年度部门预算绩效管理工作考核第1版（")
    assert "总分87.50分，第2名" in score.explain
    assert "覆盖面：1/2 = 50.00%，× 25 = 12.50分" in score.explain  # the budget's explanation
    assert "87.50÷100×15.00＝13.125" in score.explain  # the item's rule, scaled to 15
    event = AuditEvent.objects.get(action="government.item.feed")
    assert D(event.new_values["fed_value"]) == D("87.50") and event.old_values["feed_source"] == ""


def test_a_new_version_is_taken_only_when_the_office_pulls_again(personas) -> None:
    office, scheme = _department_scheme(personas)
    item = item_named(scheme, standard.BUDGET_LEAF)
    _finalise(personas)
    services.item_feed_pull(actor=office, item=item, source_key=SOURCE)
    rules.result_settings_set(
        actor=None,
        bureau=personas.bureau,
        fiscal_year=YEAR,
        weights={"timeliness": D(10), "coverage": D(60), "quality": D(15), "rectification": D(15)},
    )
    _finalise(personas, reason="权重调整")
    [status] = external.feed_statuses(scheme)
    assert status.taken and status.stale and status.latest.value == D("70.00")
    assert _budget_score(scheme).actual == D("87.50")  # unchanged until taken again
    item.refresh_from_db()
    services.item_feed_pull(actor=office, item=item, source_key=SOURCE)
    assert _budget_score(scheme).actual == D("70.00")
    [status] = external.feed_statuses(scheme)
    assert not status.stale and status.item.feed_version.startswith("第2版（")


def test_the_refusals(personas) -> None:
    office, scheme = _department_scheme(personas)
    item = item_named(scheme, standard.BUDGET_LEAF)
    _finalise(personas)
    # Another organisation's office may not pull into this scheme.
    town = make_town()
    with pytest.raises(PermissionDeniedError):
        services.item_feed_pull(actor=town.office, item=item, source_key=SOURCE)
    # A township's scheme has no budget appraisal to take.
    town_item = item_named(make_scheme(town, YEAR + 1), "信访事项按期办结率")
    with pytest.raises(GovernmentError) as exc:
        services.item_feed_pull(actor=town.office, item=town_item, source_key=SOURCE)
    assert exc.value.message.startswith("测试镇人民政府2027年度的预算绩效考核尚未定稿")
    # Health's scheme takes health's score, never education's.
    health_office = make_user("health_perf", personas.health, Role.HR_OFFICER)
    health = services.scheme_create(
        actor=health_office, organization=personas.health, year=YEAR + 1
    )
    health_item = item_named(health, standard.BUDGET_LEAF)
    services.item_feed_pull(actor=health_office, item=health_item, source_key=SOURCE)
    health_item.refresh_from_db()
    assert health_item.fed_value == D("100.00")
    # A qualitative item, a second item of the same source, an unknown source.
    qualitative = item_named(scheme, "依法行政")
    with pytest.raises(GovernmentError) as exc:
        services.item_feed_pull(actor=office, item=qualitative, source_key=SOURCE)
    assert exc.value.message == errors.FEED_RULE.format(item="依法行政")
    services.item_feed_pull(actor=office, item=item, source_key=SOURCE)
    other = item_named(scheme, "建议提案按期办复率")
    with pytest.raises(GovernmentError) as exc:
        services.item_feed_pull(actor=office, item=other, source_key=SOURCE)
    assert exc.value.message.startswith("“预算绩效管理工作”已从预算绩效考核取数")
    with pytest.raises(GovernmentError) as exc:
        services.item_feed_pull(actor=office, item=item, source_key="nothing")
    assert exc.value.message == errors.FEED_UNKNOWN
    # A published result does not move.
    scheme.published_at = scheme.created_at
    scheme.save(update_fields=["published_at"])
    item.refresh_from_db()
    with pytest.raises(GovernmentError) as exc:
        services.item_feed_pull(actor=office, item=item, source_key=SOURCE)
    assert exc.value.message == errors.FEED_PUBLISHED


def test_the_office_pulls_from_the_scheme_page(personas) -> None:
    office, scheme = _department_scheme(personas)
    page_url = reverse("government:scheme", args=[scheme.pk])
    pull = reverse("government:feed_pull", args=[scheme.pk, SOURCE])
    page = client_for(office).get(page_url)
    assert "预算绩效考核尚未定稿，定稿后可取数。" in page.text
    assert 'data-testid="feed-pull"' not in page.text
    _finalise(personas)
    page = client_for(office).get(page_url)
    assert 'data-testid="feed-pull"' in page.text and "从预算绩效考核取数" in page.text
    town = make_town()
    assert client_for(town.office).post(pull).status_code == 404  # not their scheme
    assert client_for(personas.department_reviewer).post(pull).status_code == 404
    response = client_for(office).post(pull)
    assert response.status_code == 302
    item = item_named(scheme, standard.BUDGET_LEAF)
    assert item.fed_value == D("87.50")
    page = client_for(office).get(page_url)
    assert 'data-testid="fed-value">87.50<' in page.text
    assert "总分87.50分，第2名" in page.text
    detail = client_for(office).get(reverse("government:item", args=[item.pk]))
    assert 'data-testid="fed"' in detail.text and "覆盖面：1/2" in detail.text
    result = client_for(office).get(reverse("government:result", args=[scheme.pk]))
    assert "总分87.50分" in result.text


def _menu_labels(user) -> list[str]:  # type: ignore[no-untyped-def]
    return [e["label"] for g in menu_for(user) for e in g["entries"]]


def test_my_items_in_the_menu_only_for_the_people_it_concerns(personas) -> None:
    town = make_town()
    town_econ = make_user("town_econ", town.economy, Role.UNIT_OPERATOR)
    assert "我的责任事项" not in _menu_labels(personas.employee)
    assert "我的责任事项" not in _menu_labels(personas.unit_a_operator)
    assert "我的责任事项" not in _menu_labels(town_econ)  # no scheme yet
    make_scheme(town)
    town_econ = type(town_econ).objects.get(pk=town_econ.pk)  # a new request
    assert "我的责任事项" in _menu_labels(town_econ)
    # A department's scheme concerns the people of the department itself, not its budget
    # units' — unless an item is assigned to one of them.
    office, scheme = _department_scheme(personas)
    unit = type(personas.unit_a_operator).objects.get(pk=personas.unit_a_operator.pk)
    assert "我的责任事项" not in _menu_labels(unit)
    clerk = make_user("edu_clerk", personas.education, Role.UNIT_OPERATOR)
    assert "我的责任事项" in _menu_labels(clerk)
    services.item_assign(
        actor=office,
        item=item_named(scheme, standard.BUDGET_LEAF),
        office=personas.unit_a,
        responsible=unit,
    )
    unit = type(unit).objects.get(pk=unit.pk)
    assert "我的责任事项" in _menu_labels(unit)
    employee = type(personas.employee).objects.get(pk=personas.employee.pk)
    employee.organization  # noqa: B018 (loaded as the page shell loads it)
    with CaptureQueriesContext(connection) as queries:
        assert not shows_my_items(employee)
        assert not shows_my_items(employee)
    assert len(queries) == 1  # one query, remembered for the request
