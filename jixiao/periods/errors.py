"""Messages of the periods app, defined once so tests can assert them. The exception classes
are the core ones (:mod:`jixiao.orgs.errors`)."""

from __future__ import annotations

from jixiao.orgs.errors import DomainError, PermissionDeniedError

__all__ = ["DomainError", "InvalidFieldError", "PermissionDeniedError"]


class InvalidFieldError(DomainError):
    """A rule broken by one input: forms show ``message`` next to ``field``."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


PERIOD_EXISTS = "期间“{name}”已存在。"
PERIOD_DATES_REQUIRED = "请填写期间的开始日期和结束日期。"
PERIOD_DATES_ORDER = "结束日期不能早于开始日期。"
PERIOD_NUMBER_INVALID = "{kind}的序号无效。"
PERIOD_ORG_REQUIRED = "监控轮次和自定义期间须指定所属组织。"
PERIOD_OUTSIDE_ORG = "所选期间不属于设定单位。"
DUE_AT_NAIVE = "截止时间必须带时区。"
OPENS_AFTER_DUE = "开始日期不能晚于截止时间。"
ROLE_INVALID = "责任角色无效。"
KIND_INVALID = "目标单位类型无效：{kind}。"
TARGET_OUTSIDE_ORG = "目标单位“{name}”不在设定单位“{org}”的范围内。"
NO_TARGETS = "没有符合条件的目标单位。"
LINK_INVALID = "办理链接须为本系统内的路径（以“/”开头）。"
NOT_A_TARGET = "“{name}”不是该截止事项的目标单位。"
NOT_COMPLETED = "“{name}”尚未完成该截止事项，无需重新打开。"
DEADLINE_INACTIVE = "该截止事项已取消。"
