"""Messages of the indicator services, defined once."""

from __future__ import annotations

from jixiao.orgs.errors import DomainError

FULL_SUM_MISMATCH = "各末级指标分值合计为{total}，应等于满分{scale}。"
LEAF_WITHOUT_RULE = "指标“{path}”没有下级指标，须设置计分规则。"
GROUP_WITH_RULE = "指标“{path}”有下级指标，不能同时设置计分规则。"
PARENT_OTHER_TREE = "上级指标不属于同一指标体系。"
NOT_A_TEMPLATE = "只能从模板复制指标体系。"
EMPTY_TREE = "指标体系没有任何指标。"


class IndicatorError(DomainError):
    pass
