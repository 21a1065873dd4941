from __future__ import annotations

from decimal import Decimal

import pytest
from django.http import Http404

from jixiao.audit.models import AuditEvent
from jixiao.government import errors, queries, services
from jixiao.government.models import Rater, SchemeState
from jixiao.government.scoring import scheme_result
from jixiao.government.services import RaterSpec
from jixiao.government.tests.factories import (
    assign_all,
    evidence,
    item_named,
    make_scheme,
    make_town,
    submit_and_review,
)
from jixiao.orgs.errors import PermissionDeniedError
from jixiao.testing.factories import make_user
from jixiao.workflow.models import WorkflowState

pytestmark = pytest.mark.django_db


@pytest.fixture
def town():
    return make_town()


@pytest.fixture
def active(town):
    scheme = make_scheme(town)
    assign_all(town, scheme)
    services.scheme_activate(actor=town.office, scheme=scheme)
    return scheme


def test_scheme_has_both_parts_as_items_and_default_raters(town):
    scheme = make_scheme(town)
    names = set(scheme.items.values_list("indicator__name", flat=True))
    assert {"地区生产总值增长率", "依法行政", "群众满意度", "机关作风"} <= names
    parents = set(
        scheme.quantitative_tree.indicators.filter(level=1).values_list("name", flat=True)
    )
    assert parents == {"经济发展水平", "和谐社会构建进程", "城乡进度", "自身建设"}
    social = set(scheme.social_tree.indicators.filter(level=1).values_list("name", flat=True))
    assert social == {
        "贯彻落实上级重大决策部署",
        "维护群众利益",
        "依法处理群众利益问题",
        "自身建设",
    }
    raters = [(r.name, r.weight, r.is_assessment) for r in scheme.raters.all()]
    assert raters == [
        ("分管领导", Decimal(20), False),
        ("干部职工", Decimal(40), False),
        ("考核组", Decimal(40), True),
    ]
    assert AuditEvent.objects.filter(action="government.scheme.create").count() == 1


def test_scheme_refuses_bad_weights_and_outsiders(town):
    with pytest.raises(errors.GovernmentError, match="合计应为100"):
        services.scheme_create(
            actor=town.office,
            organization=town.town,
            year=2026,
            quantitative_weight=Decimal(70),
            social_weight=Decimal(20),
        )
    with pytest.raises(PermissionDeniedError):
        services.scheme_create(actor=town.leader, organization=town.town, year=2026)
    scheme = make_scheme(town)
    with pytest.raises(errors.GovernmentError, match="权重合计应为100"):
        services.scheme_set_raters(
            actor=town.office, scheme=scheme, raters=[RaterSpec("考核组", Decimal(90), True)]
        )
    with pytest.raises(errors.GovernmentError, match="加分不能为负数"):
        services.scheme_update(actor=town.office, scheme=scheme, bonus_points=Decimal(-1))
    with pytest.raises(errors.GovernmentError, match="称职线"):
        services.scheme_update(actor=town.office, scheme=scheme, competent_min=Decimal(95))
    with pytest.raises(errors.GovernmentError, match="有且只有一个"):
        services.scheme_set_raters(
            actor=town.office, scheme=scheme, raters=[RaterSpec("分管领导", Decimal(100))]
        )


def test_activation_needs_every_item_assigned(town):
    scheme = make_scheme(town)
    with pytest.raises(errors.GovernmentError, match="尚未落实责任科室"):
        services.scheme_activate(actor=town.office, scheme=scheme)


def test_assignment_checks_office_and_person(town):
    scheme = make_scheme(town)
    item = item_named(scheme, "依法行政")
    with pytest.raises(errors.GovernmentError, match="责任人应属于"):
        services.item_assign(
            actor=town.office, item=item, office=town.economy, responsible=town.social_person
        )
    visitor = make_user("visitor", town.economy)  # no role: may not fill in anything
    with pytest.raises(errors.GovernmentError, match="没有填报权限"):
        services.item_assign(actor=town.office, item=item, office=town.economy, responsible=visitor)
    with pytest.raises(errors.GovernmentError, match="下属科室"):
        services.item_assign(
            actor=town.office, item=item, office=town.town, responsible=town.office
        )


def test_responsible_person_sees_and_edits_only_their_items(town, active):
    mine = item_named(active, "地区生产总值增长率")
    theirs = item_named(active, "机关作风")
    visible = set(queries.items_for_user(town.economy_person).values_list("pk", flat=True))
    assert mine.pk in visible and theirs.pk not in visible
    with pytest.raises(Http404):
        queries.get_item_for_user(town.economy_person, theirs.pk)
    # A colleague of the same office who is not responsible sees nothing of it.
    assert not queries.items_for_user(town.economy_other).exists()
    with pytest.raises(PermissionDeniedError):
        services.item_value_set(
            actor=town.economy_other, item=mine, period="2026-03", value=Decimal(5)
        )
    # The office head sees and may edit the office's items, not the other office's.
    head_items = set(queries.items_for_user(town.economy_head).values_list("pk", flat=True))
    assert mine.pk in head_items and theirs.pk not in head_items
    services.item_value_set(actor=town.economy_head, item=mine, period="2026-03", value=Decimal(5))
    # The leader reads everything but edits nothing.
    assert queries.items_for_user(town.leader).count() == active.items.count()
    with pytest.raises(PermissionDeniedError):
        services.item_value_set(actor=town.leader, item=mine, period="2026-04", value=Decimal(1))


def test_values_periods_and_progress(town, active):
    item = item_named(active, "固定资产投资完成额")  # target 5000 万元, summed
    with pytest.raises(errors.GovernmentError, match="期间应为"):
        services.item_value_set(
            actor=town.economy_person, item=item, period="2025-03", value=Decimal(1)
        )
    for period, value in (("2026-01", "1000"), ("2026-02", "500.5")):
        services.item_value_set(
            actor=town.economy_person,
            item=item,
            period=period,
            value=Decimal(value),
            progress_note="按进度推进",
        )
    services.item_value_set(
        actor=town.economy_person, item=item, period="2026-02", value=Decimal("1000")
    )
    from datetime import date

    [row] = queries.progress_rows([item], date(2026, 6, 15))
    assert row.actual == Decimal("2000")
    assert row.completion == Decimal("40.00")
    assert row.time_progress == Decimal("50.00")
    assert row.behind


def test_self_evaluation_workflow_and_review(town, active):
    item = item_named(active, "依法行政")
    person = town.economy_person
    with pytest.raises(errors.GovernmentError, match="自评得分应在0到分值7"):
        services.item_self_evaluate(
            actor=person, item=item, self_check="x", self_score=Decimal(8), self_explanation="y"
        )
    services.item_self_evaluate(
        actor=person, item=item, self_check="自查", self_score=Decimal(7), self_explanation="完成"
    )
    with pytest.raises(errors.GovernmentError, match="佐证材料"):
        services.item_submit(actor=person, item=item)
    services.evidence_add(actor=person, item=item, file=evidence())
    case = services.item_submit(actor=person, item=item)
    assert case.state == WorkflowState.SUBMITTED
    # Locked while under review.
    with pytest.raises(Exception, match="审核"):
        services.item_self_evaluate(
            actor=person, item=item, self_check="改", self_score=Decimal(6), self_explanation="改"
        )
    with pytest.raises(PermissionDeniedError):
        services.item_review(actor=town.leader, item=item, score=Decimal(7))
    with pytest.raises(errors.GovernmentError, match="请写明考核意见"):
        services.item_review(actor=town.office, item=item, score=Decimal("5.6"))
    services.item_return(actor=town.office, item=item, comment="佐证不足")
    services.item_submit(actor=person, item=item)
    services.item_review(actor=town.office, item=item, score=Decimal("5.6"), comment="佐证不全")
    item.refresh_from_db()
    assert item.review_score == Decimal("5.6")
    assert queries.case_of(item).state == WorkflowState.APPROVED


def test_parts_and_raters_combine_exactly(town, active):
    """量化 98.6 × 70% + 社会 97 × 30% = 98.12; 20% × 88.5 + 40% × 91.25 + 40% × 98.12 + 1.5
    = 17.7 + 36.5 + 39.248 + 1.5 = 94.948 → 94.95."""
    special = {"依法行政": Decimal("5.6"), "机关作风": Decimal(7)}
    for item in active.items.select_related("indicator", "responsible"):
        full = item.indicator.full_score
        score = special.get(item.indicator.name, full)
        submit_and_review(town, item, full, score, comment="" if score == full else "扣分")
    raters = {r.name: r for r in Rater.objects.filter(scheme=active)}
    services.rater_score_set(actor=town.office, rater=raters["分管领导"], score=Decimal("88.5"))
    services.rater_score_set(actor=town.office, rater=raters["干部职工"], score=Decimal("91.25"))
    with pytest.raises(errors.GovernmentError):
        services.rater_score_set(actor=town.office, rater=raters["考核组"], score=Decimal(90))
    services.scheme_update(
        actor=town.office, scheme=active, bonus_points=Decimal("1.5"), bonus_reason="获县级表彰"
    )
    result = scheme_result(active)
    quantitative, social = result.parts
    assert quantitative.total == Decimal("98.60")
    assert social.total == Decimal("97.00")
    assert result.assessment == Decimal("98.12")
    assert result.exact_total == Decimal("94.948")
    assert result.total == Decimal("94.95")
    assert result.grade == "优"
    assert result.complete
    text = "\n".join(result.explanation())
    assert "量化评估得分 98.6 × 权重 70% = 69.02" in text
    assert "考核组：98.12 × 权重 40% = 39.248" in text
    assert "加分 1.5（获县级表彰）" in text
    assert "= 94.948，四舍五入保留两位小数为 94.95" in text


def test_quantitative_item_scored_by_its_rule_until_reviewed(town, active):
    item = item_named(active, "地区生产总值增长率")  # ≥ 7 %, 10 points
    services.item_assign(
        actor=town.office,
        item=item,
        office=town.economy,
        responsible=town.economy_person,
        aggregation="latest",
    )
    services.item_value_set(
        actor=town.economy_person, item=item, period="2026-06", value=Decimal("6.3")
    )
    result = scheme_result(active)
    score = next(s for s in result.items if s.item.pk == item.pk)
    assert score.score == Decimal("9.00") and not score.reviewed
    assert "6.3÷7×10.00＝9.00" in score.explain
    assert not result.complete
    submit_and_review(town, item, Decimal(9), Decimal(8), comment="数据未经统计部门核实")
    score = next(s for s in scheme_result(active).items if s.item.pk == item.pk)
    assert score.score == Decimal("8.00") and score.reviewed
    assert "调整为8" in score.explain and "数据未经统计部门核实" in score.explain


def test_not_scored_items_count_zero_and_say_so(town, active):
    result = scheme_result(active)
    assert result.parts[0].total == Decimal("0.00")
    lte = next(s for s in result.items if s.item.indicator.name == "较大及以上安全生产事故")
    assert lte.score == 0 and "尚无完成值" in lte.explain
    submit_and_review(town, lte.item, Decimal(8), Decimal(8))
    lte = next(
        s for s in scheme_result(active).items if s.item.indicator.name == "较大及以上安全生产事故"
    )
    assert lte.score == Decimal(8)
    assert lte.explain == "尚无完成值，由领导小组办公室考核评分8（领导小组办公室考核评定）"


def test_cadre_summary_recommends_with_reasons(town, active):
    for item in active.items.select_related("indicator", "responsible"):
        full = item.indicator.full_score
        if item.part == "quantitative":
            submit_and_review(town, item, full, full)
        elif item.indicator.name == "机关作风":
            submit_and_review(town, item, full, Decimal("5.5"), comment="作风问题被通报")
        else:
            submit_and_review(town, item, full, full * Decimal("0.85"), comment="一般")
    summaries = {c.person.username: c for c in queries.cadre_summaries(scheme_result(active))}
    assert summaries["eco1"].recommendation == "优秀"
    assert "均不低于90%" in summaries["eco1"].reasons[0]
    assert summaries["soc1"].recommendation == "基本称职"
    assert "“机关作风”得分率55.00%，低于称职线60%" in summaries["soc1"].reasons


def test_publish_needs_active_scheme_and_manager(town):
    scheme = make_scheme(town)
    with pytest.raises(errors.GovernmentError, match="启动实施后"):
        services.scheme_publish(actor=town.office, scheme=scheme)
    assign_all(town, scheme)
    services.scheme_activate(actor=town.office, scheme=scheme)
    assert scheme.state == SchemeState.ACTIVE
    with pytest.raises(PermissionDeniedError):
        services.scheme_publish(actor=town.leader, scheme=scheme)
    services.scheme_publish(actor=town.office, scheme=scheme)
    assert list(queries.published_schemes()) == [scheme]
    services.scheme_unpublish(actor=town.office, scheme=scheme)
    assert not queries.published_schemes().exists()


def test_target_set_while_setting_up_only(town):
    scheme = make_scheme(town)
    item = item_named(scheme, "固定资产投资完成额")
    services.item_assign(
        actor=town.office,
        item=item,
        office=town.economy,
        responsible=town.economy_person,
        target_value=Decimal(6000),
    )
    item.indicator.refresh_from_db()
    assert item.indicator.target_value == Decimal(6000)
    assign_all(town, scheme)
    services.scheme_activate(actor=town.office, scheme=scheme)
    item = item_named(scheme, "固定资产投资完成额")
    with pytest.raises(errors.GovernmentError, match="只有设置中的方案"):
        services.item_assign(
            actor=town.office,
            item=item,
            office=town.economy,
            responsible=town.economy_person,
            target_value=Decimal(7000),
        )


def test_evidence_type_is_checked(town, active):
    from django.core.files.uploadedfile import SimpleUploadedFile

    item = item_named(active, "依法行政")
    script = SimpleUploadedFile("run.exe", b"MZ")
    with pytest.raises(errors.GovernmentError, match="只接受以下格式"):
        services.evidence_add(actor=town.economy_person, item=item, file=script)
    assert not item.evidence.exists()
