"""Domain errors with Chinese messages, defined once so tests can assert them."""

from __future__ import annotations


class DomainError(Exception):
    """An operation the rules do not allow; ``message`` is shown to the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class PermissionDeniedError(DomainError):
    pass


NO_PERMISSION = "您没有执行该操作的权限。"
ADMIN_ROLES_EXCLUSIVE = (
    "三员分立：同一人员不得同时担任系统管理员、安全管理员、审计管理员中的两个角色"
    "（已担任：{held}）。"
)
ADMIN_ROLE_WITH_BUSINESS = "三员分立：管理员账号不得同时授予业务角色（已担任：{held}）。"
ROLE_OUTSIDE_SCOPE = "授权范围超出您的管辖范围。"
PARENT_KIND_MISMATCH = "上级组织类型“{parent}”下不能设立“{child}”。"
ORG_CODE_TAKEN = "组织代码“{code}”已存在。"
USERNAME_TAKEN = "用户名“{username}”已存在。"
