"""Completeness checks of a target declaration (BUD-2): what is missing, said exactly.

Errors block the submission; warnings are advice the unit may ignore. The checks read the
indicator tree once and work on plain objects, so they are cheap enough to run on every
save of a draft.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from jixiao.indicators.models import Direction, Indicator, IndicatorKind, TargetBasis
from jixiao.indicators.services import indicator_path
from jixiao.lib.plain import plain

OUTPUT, BENEFIT, SATISFACTION = "产出指标", "效益指标", "满意度指标"
COST = "成本指标"

MISSING_CATEGORY = "至少需要一个{category}（三级指标），目前没有。"
MISSING_VALUE = "指标“{path}”是定量指标，须填写指标值。"
MISSING_UNIT = "指标“{path}”是定量指标，须填写度量单位。"
MISSING_DIRECTION = "指标“{path}”须选择指标性质（≥、≤、＝或定性）。"
MISSING_QUALITATIVE_TEXT = "指标“{path}”是定性指标，须填写指标值（定性描述）。"
COST_ABOVE_STANDARD = "成本指标“{path}”的指标值{value}超过预算支出标准{standard}。"
COST_WITHOUT_STANDARD = "成本指标“{path}”以预算支出标准为依据，须填写该标准值。"
FULL_SUM = "各三级指标分值合计为{total}，应为{scale}。"
MISSING_FULL = "指标“{path}”须填写分值。"
GOAL_MISSING = "须填写{which}。"
COULD_BE_NUMBER = "定性指标“{path}”的指标值“{text}”含有数字，建议改为定量指标（≥、≤或＝）。"

_NUMBERISH = re.compile(r"\d|百分之|[％%]")


@dataclass
class CheckResult:
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def check_targets(
    nodes: Iterable[Indicator], *, scale: Decimal, goals: dict[str, str] | None = None
) -> CheckResult:
    """Check a declaration's indicators (``nodes``: the whole tree) and its goals
    (``{"年度目标": "...", ...}``: each must be filled)."""
    result = CheckResult()
    for which, text in (goals or {}).items():
        if not (text or "").strip():
            result.errors.append(GOAL_MISSING.format(which=which))
    nodes = list(nodes)
    by_id = {n.pk: n for n in nodes}
    children: dict[int | None, list[Indicator]] = defaultdict(list)
    for n in nodes:
        children[n.parent_id].append(n)
    # Indicators are the third level and below; a category left without any is not an error
    # by itself (only the three main categories are required, checked below).
    leaves = [n for n in nodes if n.pk not in children and n.level >= 3]
    _check_categories(leaves, by_id, result)
    total = Decimal(0)
    for leaf in sorted(leaves, key=lambda n: (n.level, n.position, n.pk)):
        path = indicator_path(leaf, by_id)
        _check_leaf(leaf, path, _top(leaf, by_id, 2), result)
        if leaf.full_score is None:
            result.errors.append(MISSING_FULL.format(path=path))
        else:
            total += leaf.full_score
    if total != scale:
        result.errors.append(FULL_SUM.format(total=plain(total), scale=plain(scale)))
    return result


def _check_categories(leaves: list[Indicator], by_id: dict, result: CheckResult) -> None:
    present = {_top(leaf, by_id, 1) for leaf in leaves if leaf.level >= 3}
    for category in (OUTPUT, BENEFIT, SATISFACTION):
        if category not in present:
            result.errors.append(MISSING_CATEGORY.format(category=category))


def _check_leaf(leaf: Indicator, path: str, group: str, result: CheckResult) -> None:
    if leaf.kind == IndicatorKind.QUALITATIVE:
        if not leaf.target_text.strip():
            result.errors.append(MISSING_QUALITATIVE_TEXT.format(path=path))
        elif _NUMBERISH.search(leaf.target_text):
            result.warnings.append(COULD_BE_NUMBER.format(path=path, text=leaf.target_text))
        return
    if leaf.direction not in (Direction.GTE, Direction.LTE, Direction.EQ):
        result.errors.append(MISSING_DIRECTION.format(path=path))
        return
    if leaf.target_value is None:
        result.errors.append(MISSING_VALUE.format(path=path))
    if not leaf.unit.strip():
        result.errors.append(MISSING_UNIT.format(path=path))
    if group == COST and leaf.basis == TargetBasis.BUDGET_STANDARD:
        _check_cost(leaf, path, result)


def _check_cost(leaf: Indicator, path: str, result: CheckResult) -> None:
    standard = leaf.standard_value
    if standard is None:
        result.errors.append(COST_WITHOUT_STANDARD.format(path=path))
    elif leaf.target_value is not None and leaf.target_value > standard:
        result.errors.append(
            COST_ABOVE_STANDARD.format(
                path=path, value=plain(leaf.target_value), standard=plain(standard)
            )
        )


def _top(node: Indicator, by_id: dict, level: int) -> str:
    """The name of the ancestor at ``level`` (1 = 一级)."""
    while node.level > level and node.parent_id:
        node = by_id[node.parent_id]
    return node.name if node.level == level else ""
