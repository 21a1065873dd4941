"""The standard templates of a government assessment scheme (GOV-1), from the township's plan
(seed, part 3): the quantitative part — 经济发展水平, 和谐社会构建进程, 城乡进度, 自身建设 — and
the social part — 贯彻落实上级重大决策部署, 维护群众利益, 依法处理群众利益问题, 自身建设. Each is
a 100-point indicator tree; a scheme copies both and the office adapts targets and points.

A supervising department (a county department: 教育局, 卫生健康局 …) has its own pair: its
duties (职能工作目标), the work every department shares (共性工作, with 预算绩效管理工作 fed
by the finance bureau's finalised appraisal, BUD-14, and the seed's "将预算绩效管理工作情况纳入
绩效考核"), its own conduct; and the public's and the served people's judgement."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction

from jixiao.indicators import services
from jixiao.indicators.models import IndicatorTree, TreeDomain, TreeKind
from jixiao.indicators.standard import GTE, Node, Q, Template
from jixiao.orgs.models import Organization, OrgKind

QUANTITATIVE_CODE = "government-quantitative"
SOCIAL_CODE = "government-social"
DEPARTMENT_QUANTITATIVE_CODE = "government-department-quantitative"
DEPARTMENT_SOCIAL_CODE = "government-department-social"
# The leaf of the social part that the public survey feeds (its satisfaction rate).
SATISFACTION_LEAF = "群众满意度"
# The leaf of a department's quantitative part that the finance bureau's finalised appraisal
# of its budget-performance work feeds (0–100 against a target of 100).
BUDGET_LEAF = "预算绩效管理工作"


def LTE(name: str, full: int, target: str, unit: str) -> Node:
    return Node(
        name,
        full=full,
        rule="lte",
        kind="quantitative",
        direction="lte",
        target=target,
        unit=unit,
    )


TEMPLATES = [
    Template(
        QUANTITATIVE_CODE,
        TreeDomain.GOVERNMENT,
        "政府绩效量化评估指标体系",
        "经济发展水平、和谐社会构建进程、城乡进度、自身建设（乡政府绩效管理实施方案）。",
        [
            Node(
                "经济发展水平",
                [
                    GTE("地区生产总值增长率", 10, "7", "%"),
                    GTE("固定资产投资完成额", 10, "5000", "万元"),
                    GTE("农村居民人均可支配收入增长率", 10, "7", "%"),
                ],
            ),
            Node(
                "和谐社会构建进程",
                [
                    GTE("城乡居民医疗保险参保率", 8, "95", "%"),
                    GTE("信访事项按期办结率", 9, "98", "%"),
                    LTE("较大及以上安全生产事故", 8, "0", "起"),
                ],
            ),
            Node(
                "城乡进度",
                [
                    GTE("农村人居环境整治村覆盖率", 9, "100", "%"),
                    GTE("新建改建农村公路", 8, "12", "公里"),
                    Q("村镇规划执行情况", 8),
                ],
            ),
            Node(
                "自身建设",
                [Q("依法行政", 7), Q("政务公开", 6), Q("党风廉政建设", 7)],
            ),
        ],
    ),
    Template(
        SOCIAL_CODE,
        TreeDomain.GOVERNMENT,
        "政府绩效社会评估指标体系",
        "贯彻落实上级重大决策部署、维护群众利益、依法处理群众利益问题、自身建设；"
        "群众满意度由公众问卷调查得出。",
        [
            Node(
                "贯彻落实上级重大决策部署",
                [Q("重大决策部署落实情况", 15), GTE("重点工作任务完成率", 15, "100", "%")],
            ),
            Node(
                "维护群众利益",
                [Q("民生实事办理情况", 15), GTE(SATISFACTION_LEAF, 15, "90", "%")],
            ),
            Node(
                "依法处理群众利益问题",
                [GTE("矛盾纠纷调处化解率", 10, "95", "%"), Q("依法稳妥处理群众利益问题", 10)],
            ),
            Node("自身建设", [Q("机关作风", 10), Q("服务效能", 10)]),
        ],
    ),
]


TEMPLATES += [
    Template(
        DEPARTMENT_QUANTITATIVE_CODE,
        TreeDomain.GOVERNMENT,
        "部门绩效量化评估指标体系",
        "职能工作目标、共性工作（含财政部门定稿的预算绩效管理工作考核得分）、自身建设。",
        [
            Node(
                "职能工作目标",
                [
                    GTE("年度重点工作任务完成率", 20, "100", "%"),
                    GTE("上级考核指标完成率", 15, "100", "%"),
                    Q("职能工作创新成效", 10),
                ],
            ),
            Node(
                "共性工作",
                [
                    GTE(BUDGET_LEAF, 15, "100", "分"),
                    Q("依法行政", 10),
                    Q("政务公开", 8),
                    GTE("建议提案按期办复率", 7, "100", "%"),
                ],
            ),
            Node("自身建设", [Q("党风廉政建设", 8), Q("机关作风", 7)]),
        ],
    ),
    Template(
        DEPARTMENT_SOCIAL_CODE,
        TreeDomain.GOVERNMENT,
        "部门绩效社会评估指标体系",
        "服务对象评价、依法处理群众利益问题；群众满意度由公众问卷调查得出。",
        [
            Node("服务对象评价", [GTE(SATISFACTION_LEAF, 40, "90", "%"), Q("服务对象评价", 20)]),
            Node(
                "依法处理群众利益问题",
                [GTE("信访事项按期办结率", 20, "98", "%"), Q("投诉办理情况", 20)],
            ),
        ],
    ),
]


def codes_for(organization: Organization) -> tuple[str, str]:
    """The (quantitative, social) template codes for an organisation's scheme: a supervising
    department's own pair, the township's for everyone else."""
    if organization.kind == OrgKind.SUPERVISING_DEPARTMENT:
        return DEPARTMENT_QUANTITATIVE_CODE, DEPARTMENT_SOCIAL_CODE
    return QUANTITATIVE_CODE, SOCIAL_CODE


@transaction.atomic
def templates_install() -> list[IndicatorTree]:
    """Create the templates if missing (safe to run again)."""
    existing = set(
        IndicatorTree.objects.filter(kind=TreeKind.TEMPLATE, organization=None).values_list(
            "code", flat=True
        )
    )
    return [_install(t) for t in TEMPLATES if t.code not in existing]


def template(code: str) -> IndicatorTree | None:
    return IndicatorTree.objects.filter(
        kind=TreeKind.TEMPLATE, organization=None, code=code, is_active=True
    ).first()


def _install(spec: Template) -> IndicatorTree:
    tree = services.tree_create(
        actor=None,
        kind=TreeKind.TEMPLATE,
        domain=spec.domain,
        name=spec.name,
        code=spec.code,
        description=spec.description,
    )
    for node in spec.items:
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
