"""The evaluation indicator frameworks of RULES.md as templates, and the weights rule.

Project expenditure (财预〔2020〕10号): 决策 / 过程 / 产出 / 效益; department overall
expenditure (财预〔2013〕53号): 投入 / 过程 / 产出 / 效果, mapped onto the same four
categories so that one weights rule applies: the four weights add up to 100 and output plus
benefit weigh at least 60. A category's weight is shared equally between its indicators
(two decimals; the last indicator takes the remainder, so the full scores add up exactly).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from jixiao.budget.evaluation import errors
from jixiao.budget.evaluation.models import Category

HUNDRED = Decimal(100)
OUTPUT_BENEFIT_MIN = Decimal(60)
CENT = Decimal("0.01")

DEFAULT_WEIGHTS: dict[str, Decimal] = {
    Category.DECISION: Decimal(20),
    Category.PROCESS: Decimal(20),
    Category.OUTPUT: Decimal(30),
    Category.BENEFIT: Decimal(30),
}

# (category, 一级, 二级, 三级)
PROJECT: tuple[tuple[str, str, str, str], ...] = (
    (Category.DECISION, "决策", "项目立项", "立项依据充分性"),
    (Category.DECISION, "决策", "项目立项", "立项程序规范性"),
    (Category.DECISION, "决策", "绩效目标", "绩效目标合理性"),
    (Category.DECISION, "决策", "绩效目标", "绩效指标明确性"),
    (Category.DECISION, "决策", "资金投入", "预算编制科学性"),
    (Category.DECISION, "决策", "资金投入", "资金分配合理性"),
    (Category.PROCESS, "过程", "资金管理", "资金到位率"),
    (Category.PROCESS, "过程", "资金管理", "预算执行率"),
    (Category.PROCESS, "过程", "资金管理", "资金使用合规性"),
    (Category.PROCESS, "过程", "组织实施", "管理制度健全性"),
    (Category.PROCESS, "过程", "组织实施", "制度执行有效性"),
    (Category.OUTPUT, "产出", "产出数量", "实际完成率"),
    (Category.OUTPUT, "产出", "产出质量", "质量达标率"),
    (Category.OUTPUT, "产出", "产出时效", "完成及时性"),
    (Category.OUTPUT, "产出", "产出成本", "成本节约率"),
    (Category.BENEFIT, "效益", "项目效益", "经济效益"),
    (Category.BENEFIT, "效益", "项目效益", "社会效益"),
    (Category.BENEFIT, "效益", "项目效益", "生态效益"),
    (Category.BENEFIT, "效益", "项目效益", "可持续影响"),
    (Category.BENEFIT, "效益", "满意度", "服务对象满意度"),
)

DEPARTMENT: tuple[tuple[str, str, str, str], ...] = (
    (Category.DECISION, "投入", "目标设定", "绩效目标合理性"),
    (Category.DECISION, "投入", "目标设定", "绩效指标明确性"),
    (Category.DECISION, "投入", "预算配置", "在职人员控制率"),
    (Category.DECISION, "投入", "预算配置", "“三公经费”变动率"),
    (Category.DECISION, "投入", "预算配置", "重点支出安排率"),
    (Category.PROCESS, "过程", "预算执行", "预算完成率"),
    (Category.PROCESS, "过程", "预算执行", "预算调整率"),
    (Category.PROCESS, "过程", "预算执行", "支付进度率"),
    (Category.PROCESS, "过程", "预算执行", "结转结余率"),
    (Category.PROCESS, "过程", "预算管理", "管理制度健全性"),
    (Category.PROCESS, "过程", "资产管理", "资产管理安全性"),
    (Category.OUTPUT, "产出", "职责履行", "实际完成率"),
    (Category.OUTPUT, "产出", "职责履行", "质量达标率"),
    (Category.OUTPUT, "产出", "职责履行", "完成及时性"),
    (Category.OUTPUT, "产出", "职责履行", "重点工作办结率"),
    (Category.BENEFIT, "效果", "履职效益", "经济效益"),
    (Category.BENEFIT, "效果", "履职效益", "社会效益"),
    (Category.BENEFIT, "效果", "履职效益", "生态效益"),
    (Category.BENEFIT, "效果", "履职效益", "可持续影响"),
    (Category.BENEFIT, "效果", "满意度", "社会公众或服务对象满意度"),
)


def check_weights(weights: Mapping[str, Decimal]) -> None:
    """Refuse weights that do not add up to 100 or give output and benefit under 60%."""
    from jixiao.budget.evaluation.errors import EvaluationError

    if any(weights[c] < 0 for c in Category.values):
        raise EvaluationError(errors.WEIGHT_NEGATIVE)
    total = sum((weights[c] for c in Category.values), Decimal(0))
    if total != HUNDRED:
        raise EvaluationError(errors.WEIGHTS_SUM.format(total=_plain(total)))
    share = weights[Category.OUTPUT] + weights[Category.BENEFIT]
    if share < OUTPUT_BENEFIT_MIN:
        raise EvaluationError(errors.WEIGHTS_OUTPUT_BENEFIT.format(total=_plain(share)))


def _plain(value: Decimal) -> str:
    """50, 62.5 — never 5E+1."""
    return f"{value.normalize():f}"


@dataclass(frozen=True)
class TemplateItem:
    category: str
    level1: str
    level2: str
    name: str
    full_score: Decimal


def template_items(
    weights: Mapping[str, Decimal], *, department: bool = False
) -> list[TemplateItem]:
    """The framework's indicators with their full scores under ``weights``."""
    rows = DEPARTMENT if department else PROJECT
    result: list[TemplateItem] = []
    for category in Category.values:
        members = [r for r in rows if r[0] == category]
        weight = weights[category]
        each = (weight / len(members)).quantize(CENT, rounding=ROUND_DOWN)
        for n, (cat, level1, level2, name) in enumerate(members):
            full = each if n < len(members) - 1 else weight - each * (len(members) - 1)
            result.append(TemplateItem(cat, level1, level2, name, full))
    return result
