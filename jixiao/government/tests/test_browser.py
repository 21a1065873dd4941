"""The demo township's assessment cycle in a real Chromium (issue 8 acceptance): the scheme set
up, items assigned, an office enters values and self-evaluates with evidence, the office of the
leadership group scores, the survey adds the social part, the result and the cadre summary
appear, and the published result shows on the public site."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest

from jixiao.demo import data
from jixiao.demo import government as demo_government
from jixiao.demo.build import _Builder
from jixiao.government import services
from jixiao.government.models import Scheme
from jixiao.government.scoring import scheme_result
from jixiao.government.social import survey_feeds
from jixiao.government.tests.factories import submit_and_review
from jixiao.orgs import services as org_services
from jixiao.orgs.models import Organization, Role
from jixiao.surveys import services as survey_services
from jixiao.surveys.models import Survey
from jixiao.testing.browser import ARTIFACTS, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _township() -> tuple[Organization, dict[str, Organization], dict]:
    builder = _Builder(lambda _m: None)
    builder.township()
    town = builder.by_name[data.TOWNSHIP[0]]
    general = builder.by_name["党政综合办公室"]
    office_user = org_services.user_create(
        actor=None,
        username="town_office",
        password=data.DEMO_PASSWORD,
        organization=general,
        full_name="梁雨欣",
    )
    org_services.role_assign(
        actor=None, user=office_user, role=Role.UNIT_OPERATOR, organization=general
    )
    people = demo_government._people(town, builder.by_name)
    return town, builder.by_name, people


def test_township_assessment_cycle(live_server, browser_page, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    town, by_name, people = _township()
    page, base = browser_page, live_server.url

    # The leadership group's office sets the scheme up: 70/30, the default raters.
    login(page, base, "town_perf", data.DEMO_PASSWORD)
    page.goto(f"{base}/government/")
    page.get_by_test_id("new-scheme").click()
    page.select_option("#id_organization", str(town.pk))
    page.fill("#id_year", "2026")
    page.get_by_test_id("save").click()
    page.wait_for_url(f"{base}/government/*/")
    scheme = Scheme.objects.get()
    assert scheme.quantitative_weight == 70 and scheme.social_weight == 30

    # One item assigned through the page, the rest as the demo assigns them.
    item = scheme.items.get(indicator__name="固定资产投资完成额")
    page.locator("tr[data-item='固定资产投资完成额'] [data-testid=assign]").click()
    page.select_option("#id_office", str(by_name["经济发展办公室"].pk))
    page.select_option("#id_responsible", str(people["town_econ"].pk))
    page.fill("#id_standard", "全年完成固定资产投资5000万元以上，按月报送。")
    page.fill("#id_deadline", "2026-12-20")
    page.select_option("#id_aggregation", "sum")
    page.get_by_test_id("save").click()
    page.wait_for_url(f"{base}/government/{scheme.pk}/")
    others = scheme.items.exclude(pk=item.pk).select_related("indicator")
    for other in others:
        office = demo_government.ASSIGNMENTS[other.indicator.name]
        services.item_assign(
            actor=people["town_perf"],
            item=other,
            office=by_name[office],
            responsible=demo_government._person_for(office, people),
            standard=f"{other.indicator.name}达到年度目标",
        )
    page.reload()
    page.get_by_test_id("activate").click()
    assert "实施中" in page.get_by_test_id("scheme-state").inner_text()
    scheme.refresh_from_db()

    # The economy office's responsible person enters values, self-evaluates with evidence.
    login(page, base, "town_econ", data.DEMO_PASSWORD)
    page.goto(f"{base}/government/mine/")
    mine = page.get_by_test_id("my-items").inner_text()
    assert "固定资产投资完成额" in mine and "机关作风" not in mine
    page.goto(f"{base}/government/items/{item.pk}/")
    for period, value in (("2026-01", "2600"), ("2026-02", "2700")):
        page.fill("#id_period", period)
        page.fill("#id_value", value)
        page.fill("#id_progress_note", "重点项目按计划开工")
        page.fill("#id_problems", "征地进度偏慢")
        page.fill("#id_measures", "分管领导每周调度")
        page.get_by_test_id("save-value").click()  # htmx: the values card is replaced
        page.get_by_test_id("values-table").get_by_text(period).wait_for()
    assert "5300" in page.get_by_test_id("values-progress").inner_text()
    page.fill("#id_self_check", "对照考核标准逐项自查，台账与统计数据一致。")
    page.fill("#id_self_score", "10")
    page.fill("#id_self_explanation", "全年任务提前完成。")
    page.get_by_test_id("save-self").click()
    page.wait_for_load_state()
    evidence = tmp_path / "投资台账.txt"
    evidence.write_text("固定资产投资台账", encoding="utf-8")
    page.set_input_files("#id_file", str(evidence))
    page.get_by_test_id("upload").click()
    page.wait_for_load_state()
    assert "投资台账.txt" in page.get_by_test_id("evidence-list").inner_text()
    page.screenshot(path=str(ARTIFACTS / "government-item.png"), full_page=True)
    page.get_by_test_id("submit").click()
    page.wait_for_load_state()
    assert "待审核" in page.content()

    # The leadership group's office scores it; the other items are scored as in the demo.
    login(page, base, "town_perf", data.DEMO_PASSWORD)
    page.goto(f"{base}/government/review/")
    page.get_by_test_id("review-item").first.click()
    page.fill("#id_score", "9.5")
    page.fill("#id_comment", "部分项目未入统，扣0.5分")
    page.get_by_test_id("approve").click()
    page.wait_for_load_state()
    assert "9.50" in page.get_by_test_id("review-score").inner_text()
    for other in others.select_related("responsible"):
        if other.indicator.name == "群众满意度":
            continue
        full = other.indicator.full_score
        submit_and_review(town_for(people), other, full, full)

    # The satisfaction survey is published from the scheme page and answered by the public.
    page.goto(f"{base}/government/{scheme.pk}/")
    page.get_by_test_id("create-survey").click()
    page.wait_for_load_state()
    survey = Survey.objects.get(subject_type="government.scheme")
    rng = random.Random(8)
    for _ in range(20):
        answers = {
            q.pk: [str(rng.choice(list(q.options.order_by("position")[:3])).pk)]
            for q in survey.questions.all()
        }
        survey_services.survey_answer_submit(survey=survey, answers=answers)
    page.fill("[data-testid='rater-score-分管领导']", "90")
    page.fill("[data-testid='rater-score-干部职工']", "92")
    page.get_by_test_id("save-raters").click()
    page.wait_for_load_state()
    result = scheme_result(scheme, survey_feeds)
    assert result.complete, result.missing
    satisfaction = next(s for s in result.items if s.item.indicator.name == "群众满意度")
    assert satisfaction.feed is not None and satisfaction.score > 0

    page.screenshot(path=str(ARTIFACTS / "government-scheme.png"), full_page=True)
    # The result and the cadre summary.
    page.get_by_test_id("tab-result").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("result-total").inner_text() == str(result.total)
    assert "公众问卷" in page.content()
    page.wait_for_timeout(500)  # the charts' animation
    page.screenshot(path=str(ARTIFACTS / "government-result.png"), full_page=True)
    page.get_by_test_id("tab-cadres").click()
    page.wait_for_load_state()
    cadres = page.get_by_test_id("cadres-table").inner_text()
    assert "罗志强" in cadres and ("优秀" in cadres or "称职" in cadres)
    page.screenshot(path=str(ARTIFACTS / "government-cadres.png"), full_page=True)

    # Published after review, it shows on the public site without login.
    page.goto(f"{base}/government/{scheme.pk}/")
    page.get_by_test_id("publish").click()
    page.wait_for_load_state()
    page.click("form[action='/logout/'] button")
    page.goto(f"{base}/public/")
    page.get_by_role("link", name="政府绩效考核").first.click()
    page.get_by_role("link", name=scheme.name).click()
    assert page.get_by_test_id("public-total").inner_text() == str(result.total)
    assert "全年完成固定资产投资5000万元以上" in page.content()
    page.screenshot(path=str(ARTIFACTS / "government-public.png"), full_page=True)
    assert Decimal(str(result.total)) > 0


def town_for(people):  # type: ignore[no-untyped-def]
    """The factories' Town shape, enough for submit_and_review (the office reviews)."""

    class _Town:
        office = people["town_perf"]

    return _Town()
