"""The standard templates every deployment starts with, from the official forms (RULES.md):
the target declaration skeleton (财预〔2015〕88号), the self-evaluation table and the reference
evaluation framework (财预〔2020〕10号), and the ex-ante assessment score sheet (local practice).
A bureau copies them and adapts weights and rules; the copies keep their source."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction

from jixiao.indicators import services
from jixiao.indicators.models import IndicatorTree, TreeDomain, TreeKind


@dataclass
class Node:
    name: str
    children: list[Node] = field(default_factory=list)
    full: int | None = None
    rule: str = ""
    kind: str = ""
    direction: str = ""
    target: str | None = None
    unit: str = ""
    formula: str = ""


def Q(name: str, full: int, formula: str = "") -> Node:
    """A qualitative leaf scored within the bands by the evaluator."""
    return Node(name, full=full, rule="qualitative", kind="qualitative", formula=formula)


def GTE(name: str, full: int, target: str, unit: str, formula: str = "") -> Node:
    return Node(
        name,
        full=full,
        rule="gte",
        kind="quantitative",
        direction="gte",
        target=target,
        unit=unit,
        formula=formula,
    )


@dataclass
class Template:
    code: str
    domain: str
    name: str
    description: str
    items: list[Node]


TEMPLATES = [
    Template(
        "budget-project-target",
        TreeDomain.BUDGET_TARGET,
        "项目支出绩效目标（标准框架）",
        "一级、二级指标按财预〔2015〕88号；三级指标由预算单位结合项目填报。",
        [
            Node(
                "产出指标", [Node("数量指标"), Node("质量指标"), Node("时效指标"), Node("成本指标")]
            ),
            Node(
                "效益指标",
                [
                    Node("经济效益指标"),
                    Node("社会效益指标"),
                    Node("生态效益指标"),
                    Node("可持续影响指标"),
                ],
            ),
            Node("满意度指标", [Node("服务对象满意度指标")]),
        ],
    ),
    Template(
        "self-evaluation",
        TreeDomain.SELF_EVALUATION,
        "项目支出绩效自评表",
        "预算执行率10分、产出指标50分、效益指标30分、满意度指标10分（财预〔2020〕10号附件）；"
        "二、三级指标取自批复的绩效目标。",
        [
            Node(
                "预算执行率",
                full=10,
                rule="budget_execution",
                kind="quantitative",
                formula="全年执行数÷全年预算数×分值",
            ),
            Node(
                "产出指标", [Node("数量指标"), Node("质量指标"), Node("时效指标"), Node("成本指标")]
            ),
            Node(
                "效益指标",
                [
                    Node("经济效益指标"),
                    Node("社会效益指标"),
                    Node("生态效益指标"),
                    Node("可持续影响指标"),
                ],
            ),
            Node("满意度指标", [Node("服务对象满意度指标")]),
        ],
    ),
    Template(
        "evaluation-framework",
        TreeDomain.EVALUATION,
        "项目支出绩效评价指标体系（参考框架）",
        "决策20、过程20、产出30、效益30（财预〔2020〕10号附件，权重可调整，产出与效益合计不低于60%）。",
        [
            Node(
                "决策",
                [
                    Node("项目立项", [Q("立项依据充分性", 4), Q("立项程序规范性", 3)]),
                    Node("绩效目标", [Q("绩效目标合理性", 4), Q("绩效指标明确性", 3)]),
                    Node("资金投入", [Q("预算编制科学性", 3), Q("资金分配合理性", 3)]),
                ],
            ),
            Node(
                "过程",
                [
                    Node(
                        "资金管理",
                        [
                            GTE("资金到位率", 4, "100", "%", "实际到位资金÷预算资金×100%"),
                            GTE("预算执行率", 5, "100", "%", "实际支出资金÷实际到位资金×100%"),
                            Q("资金使用合规性", 4),
                        ],
                    ),
                    Node("组织实施", [Q("管理制度健全性", 3), Q("制度执行有效性", 4)]),
                ],
            ),
            Node(
                "产出",
                [
                    Node(
                        "产出数量",
                        [GTE("实际完成率", 10, "100", "%", "实际产出数÷计划产出数×100%")],
                    ),
                    Node(
                        "产出质量",
                        [GTE("质量达标率", 8, "100", "%", "质量达标产出数÷实际产出数×100%")],
                    ),
                    Node("产出时效", [Q("完成及时性", 6)]),
                    Node("产出成本", [Q("成本节约率", 6, "(计划成本－实际成本)÷计划成本×100%")]),
                ],
            ),
            Node(
                "效益",
                [
                    Node(
                        "项目效益",
                        [
                            Q("经济效益", 6),
                            Q("社会效益", 8),
                            Q("生态效益", 4),
                            Q("可持续影响", 4),
                            GTE("服务对象满意度", 8, "90", "%"),
                        ],
                    ),
                ],
            ),
        ],
    ),
    Template(
        "ex-ante-assessment",
        TreeDomain.EX_ANTE,
        "事前绩效评估评分表",
        "立项必要性、投入经济性、绩效目标合理性、实施方案可行性、筹资合规性各20分（地方通行做法）。",
        [
            Q("立项必要性", 20),
            Q("投入经济性", 20),
            Q("绩效目标合理性", 20),
            Q("实施方案可行性", 20),
            Q("筹资合规性", 20),
        ],
    ),
]


@transaction.atomic
def templates_install() -> list[IndicatorTree]:
    """Create the standard templates that are missing (safe to run again)."""
    existing = set(
        IndicatorTree.objects.filter(kind=TreeKind.TEMPLATE, organization=None).values_list(
            "code", flat=True
        )
    )
    return [_install(t) for t in TEMPLATES if t.code not in existing]


def _install(template: Template) -> IndicatorTree:
    tree = services.tree_create(
        actor=None,
        kind=TreeKind.TEMPLATE,
        domain=template.domain,
        name=template.name,
        code=template.code,
        description=template.description,
    )
    for node in template.items:
        _add(tree, node, None)
    return tree


def _add(tree: IndicatorTree, node: Node, parent: Any) -> None:
    fields: dict[str, Any] = {
        "kind": node.kind,
        "direction": node.direction,
        "unit": node.unit,
        "rule": node.rule,
        "formula": node.formula,
    }
    if node.full is not None:
        fields["full_score"] = Decimal(node.full)
    if node.target is not None:
        fields["target_value"] = Decimal(node.target)
    created = services.indicator_add(actor=None, tree=tree, name=node.name, parent=parent, **fields)
    for child in node.children:
        _add(tree, child, created)


# The common indicators of the library (共性指标), from the evaluation framework of
# 财预〔2020〕10号: (level 1, level 2, name, kind, direction, unit, reference, formula).
COMMON_LIBRARY = [
    (
        "过程指标",
        "资金管理",
        "资金到位率",
        "quantitative",
        "gte",
        "%",
        "100",
        "实际到位资金÷预算资金×100%",
    ),
    (
        "过程指标",
        "资金管理",
        "预算执行率",
        "quantitative",
        "gte",
        "%",
        "100",
        "实际支出资金÷实际到位资金×100%",
    ),
    (
        "产出指标",
        "数量指标",
        "实际完成率",
        "quantitative",
        "gte",
        "%",
        "100",
        "实际产出数÷计划产出数×100%",
    ),
    (
        "产出指标",
        "质量指标",
        "质量达标率",
        "quantitative",
        "gte",
        "%",
        "100",
        "质量达标产出数÷实际产出数×100%",
    ),
    (
        "产出指标",
        "时效指标",
        "完成及时率",
        "quantitative",
        "gte",
        "%",
        "100",
        "按时完成的产出数÷实际产出数×100%",
    ),
    (
        "产出指标",
        "成本指标",
        "成本节约率",
        "quantitative",
        "gte",
        "%",
        "0",
        "(计划成本－实际成本)÷计划成本×100%",
    ),
    (
        "满意度指标",
        "服务对象满意度指标",
        "服务对象满意度",
        "quantitative",
        "gte",
        "%",
        "90",
        "满意及基本满意的样本数÷有效样本数×100%",
    ),
    (
        "效益指标",
        "可持续影响指标",
        "长效管理机制健全性",
        "qualitative",
        "",
        "",
        None,
        "制度、人员、经费保障是否到位",
    ),
]


@transaction.atomic
def library_install() -> int:
    """Create the common library entries that are missing (safe to run again)."""
    from jixiao.indicators.library import library_add
    from jixiao.indicators.models import LibraryIndicator, LibrarySource

    existing = set(
        LibraryIndicator.objects.filter(source=LibrarySource.COMMON, organization=None).values_list(
            "name", flat=True
        )
    )
    created = 0
    for level1, level2, name, kind, direction, unit, ref, formula in COMMON_LIBRARY:
        if name in existing:
            continue
        library_add(
            actor=None,
            name=name,
            level1=level1,
            level2=level2,
            kind=kind,
            direction=direction,
            unit=unit,
            reference_value=Decimal(ref) if ref is not None else None,
            formula=formula,
            source=LibrarySource.COMMON,
            keywords="共性",
        )
        created += 1
    return created
