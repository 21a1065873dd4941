"""Indicator trees: templates, copies, checks, scoring through the engine, pages."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from jixiao.audit.models import AuditEvent
from jixiao.indicators import services
from jixiao.indicators.levels import level_label
from jixiao.indicators.models import IndicatorTree, TreeDomain, TreeKind
from jixiao.indicators.scoring import SheetError, parse_sheet, score_sheet
from jixiao.indicators.sheets import sheet_json, tree_score, tree_to_sheet
from jixiao.indicators.standard import TEMPLATES, templates_install
from jixiao.orgs.errors import PermissionDeniedError

pytestmark = pytest.mark.django_db
D = Decimal


def test_level_labels():
    assert [level_label(n) for n in (1, 2, 3, 4, 10, 12, 21)] == [
        "一级",
        "二级",
        "三级",
        "四级",
        "十级",
        "十二级",
        "二十一级",
    ]


def test_standard_templates_install_once():
    created = templates_install()
    assert len(created) == len(TEMPLATES)
    assert templates_install() == []
    framework = IndicatorTree.objects.get(code="evaluation-framework")
    assert services.tree_check(framework) == []
    levels = set(framework.indicators.values_list("level", flat=True))
    assert levels == {1, 2, 3}


def _water_project(tree: IndicatorTree) -> dict[int, dict]:
    """Example 01 of the public scoring examples, entered as a tree."""
    add = services.indicator_add
    values: dict[int, dict] = {}
    execution = add(
        actor=None, tree=tree, name="预算执行率", rule="budget_execution", full_score=D(10)
    )
    values[execution.pk] = {"budget": D("1200.00"), "executed": D("1083.60")}
    output = add(actor=None, tree=tree, name="产出指标")
    quantity = add(actor=None, tree=tree, name="数量指标", parent=output)
    works = add(
        actor=None,
        tree=tree,
        name="新建改造供水工程",
        parent=quantity,
        rule="gte",
        full_score=D(15),
        target_value=D(24),
        unit="处",
        direction="gte",
    )
    values[works.pk] = {"actual": D(22), "explanation": "2处因用地审批延后至次年"}
    people = add(
        actor=None,
        tree=tree,
        name="受益人口",
        parent=quantity,
        rule="gte",
        full_score=D(10),
        target_value=D(36000),
        unit="人",
    )
    values[people.pk] = {"actual": D(48000)}
    quality = add(actor=None, tree=tree, name="质量指标", parent=output)
    rate = add(
        actor=None,
        tree=tree,
        name="工程验收合格率",
        parent=quality,
        rule="eq",
        full_score=D(10),
        target_value=D(100),
        unit="%",
    )
    values[rate.pk] = {"actual": D(100)}
    timely = add(actor=None, tree=tree, name="时效指标", parent=output)
    done = add(
        actor=None,
        tree=tree,
        name="工程完工及时性",
        parent=timely,
        rule="qualitative",
        full_score=D(5),
    )
    values[done.pk] = {"level": "partly", "score": D("3.5")}
    cost = add(actor=None, tree=tree, name="成本指标", parent=output)
    unit_cost = add(
        actor=None,
        tree=tree,
        name="单处工程平均造价",
        parent=cost,
        rule="lte",
        full_score=D(10),
        target_value=D(50),
        unit="万元",
    )
    values[unit_cost.pk] = {"actual": D(56)}
    benefit = add(actor=None, tree=tree, name="效益指标")
    social = add(actor=None, tree=tree, name="社会效益指标", parent=benefit)
    coverage = add(
        actor=None,
        tree=tree,
        name="农村自来水普及率",
        parent=social,
        rule="gte",
        full_score=D(15),
        target_value=D(92),
        unit="%",
    )
    values[coverage.pk] = {"actual": D("93.5")}
    lasting = add(actor=None, tree=tree, name="可持续影响指标", parent=benefit)
    care = add(
        actor=None,
        tree=tree,
        name="工程长效运行管护机制",
        parent=lasting,
        rule="qualitative",
        full_score=D(15),
    )
    values[care.pk] = {"level": "achieved", "score": D(14)}
    satisfaction = add(actor=None, tree=tree, name="满意度指标")
    served = add(actor=None, tree=tree, name="服务对象满意度指标", parent=satisfaction)
    happy = add(
        actor=None,
        tree=tree,
        name="受益群众满意度",
        parent=served,
        rule="gte",
        full_score=D(10),
        target_value=D(90),
        unit="%",
    )
    values[happy.pk] = {"actual": D("87.3")}
    return values


def test_a_tree_scores_like_the_public_example(personas):
    tree = services.tree_create(
        actor=None,
        kind=TreeKind.INSTANCE,
        domain=TreeDomain.SELF_EVALUATION,
        name="农村饮水安全项目自评",
        organization=personas.unit_a,
    )
    values = _water_project(tree)
    assert services.tree_check(tree) == []
    result = tree_score(tree, values)
    data = result.to_dict()
    assert D(str(data["total"])) == D("93.78")
    assert data["grade_label"] == "优"
    works = next(i for i in data["items"] if i["path"][-1] == "新建改造供水工程")
    assert works["path"] == ["产出指标", "数量指标", "新建改造供水工程"]
    assert "22" in works["explain"] and "13.75" in works["explain"]
    # The same sheet as JSON text scores identically (what `jixiao score` would print).
    again = score_sheet(
        parse_sheet(json.loads(sheet_json(tree_to_sheet(tree, values)), parse_float=D, parse_int=D))
    )
    assert again.to_dict()["total"] == data["total"]


def test_tree_check_names_what_is_wrong(personas):
    tree = services.tree_create(
        actor=None,
        kind=TreeKind.INSTANCE,
        domain=TreeDomain.OTHER,
        name="不完整",
        organization=personas.unit_a,
    )
    group = services.indicator_add(actor=None, tree=tree, name="产出指标")
    services.indicator_add(
        actor=None,
        tree=tree,
        name="数量",
        parent=group,
        rule="gte",
        full_score=D(60),
        target_value=D(1),
    )
    services.indicator_add(actor=None, tree=tree, name="质量", parent=group)
    problems = services.tree_check(tree)
    assert "指标“产出指标 / 质量”没有下级指标，须设置计分规则。" in problems
    assert "各末级指标分值合计为60，应等于满分100。" in problems
    with pytest.raises(SheetError):
        tree_score(tree, {})


def test_copy_keeps_structure_and_source(personas):
    templates_install()
    template = IndicatorTree.objects.get(code="evaluation-framework")
    before = AuditEvent.objects.count()
    copy = services.tree_copy(
        actor=personas.finance_reviewer,
        template=template,
        organization=personas.unit_a,
        owner_type="budget.project",
        owner_id="7",
    )
    assert AuditEvent.objects.count() == before + 1
    assert copy.source == template and copy.kind == TreeKind.INSTANCE
    original = [(n.name, n.level, n.full_score) for n in template.indicators.order_by("id")]
    copied = [(n.name, n.level, n.full_score) for n in copy.indicators.order_by("id")]
    assert sorted(original) == sorted(copied)
    names = {n.pk: n.name for n in copy.indicators.all()}
    for node in copy.indicators.exclude(parent=None):
        assert node.parent.tree_id == copy.pk
        assert node.parent_id in names
    assert services.tree_check(copy) == []


def test_system_templates_are_kept_by_the_command_line_only(personas):
    templates_install()
    template = IndicatorTree.objects.get(code="ex-ante-assessment")
    node = template.indicators.first()
    with pytest.raises(PermissionDeniedError):
        services.indicator_update(actor=personas.finance_reviewer, indicator=node, full_score=D(30))


def test_organisation_templates_need_the_right_in_scope(personas):
    own = services.tree_create(
        actor=personas.finance_reviewer,
        kind=TreeKind.TEMPLATE,
        domain=TreeDomain.EVALUATION,
        name="县级评价模板",
        organization=personas.bureau,
    )
    services.indicator_add(actor=personas.finance_reviewer, tree=own, name="决策")
    with pytest.raises(PermissionDeniedError):
        services.indicator_add(actor=personas.unit_a_operator, tree=own, name="过程")
    with pytest.raises(PermissionDeniedError):
        services.tree_create(
            actor=personas.unit_a_operator,
            kind=TreeKind.TEMPLATE,
            domain=TreeDomain.EVALUATION,
            name="x",
            organization=personas.unit_a,
        )


def test_update_and_delete_leave_one_audit_row_each(personas):
    tree = services.tree_create(
        actor=None,
        kind=TreeKind.INSTANCE,
        domain=TreeDomain.OTHER,
        name="t",
        organization=personas.unit_a,
    )
    group = services.indicator_add(actor=None, tree=tree, name="产出指标")
    leaf = services.indicator_add(
        actor=None,
        tree=tree,
        name="数量",
        parent=group,
        rule="gte",
        full_score=D(100),
        target_value=D(5),
    )
    before = AuditEvent.objects.count()
    services.indicator_update(actor=None, indicator=leaf, target_value=D(6))
    row = AuditEvent.objects.order_by("-id").first()
    assert row.old_values == {"target_value": "5"}
    assert row.new_values == {"target_value": "6"}
    services.indicator_delete(actor=None, indicator=group)
    assert AuditEvent.objects.count() == before + 2
    assert not tree.indicators.exists()


def test_template_pages(client, personas):
    templates_install()
    other = services.tree_create(
        actor=None,
        kind=TreeKind.TEMPLATE,
        domain=TreeDomain.OTHER,
        name="卫健系统专用模板",
        organization=personas.health,
    )
    template = IndicatorTree.objects.get(code="evaluation-framework")
    client.force_login(personas.unit_a_operator)
    listing = client.get("/indicators/templates/").content.decode()
    assert "项目支出绩效评价指标体系（参考框架）" in listing
    assert "卫健系统专用模板" not in listing
    detail = client.get(f"/indicators/templates/{template.pk}/").content.decode()
    assert "一级" in detail and "三级" in detail and "资金到位率" in detail
    assert client.get(f"/indicators/templates/{other.pk}/").status_code == 404
    sheet = client.get(f"/indicators/templates/{template.pk}/sheet.json")
    assert json.loads(sheet.content)["format"] == "jixiao-sheet/1"
    client.force_login(personas.unit_b_operator)
    assert client.get(f"/indicators/templates/{other.pk}/").status_code == 200
    client.force_login(personas.audit_admin)
    assert client.get("/indicators/templates/").status_code == 404
