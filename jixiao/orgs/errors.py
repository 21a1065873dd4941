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
PARENT_INACTIVE = "上级组织“{parent}”已停用，不能在其下新增、移入或启用组织。"
MOVE_INTO_ITSELF = "不能把“{org}”移到它自己或它的下级组织之下。"
MOVE_ROOT = "顶级组织不能移动。"
TREE_TOO_DEEP = "移动后组织层级过深（最多{depth}级）。"
KIND_CHILD_MISMATCH = "“{child}”的下级组织“{name}”（{kind}）不能设在“{new}”之下，不能改为该类型。"
DEACTIVATE_WITH_CHILDREN = "“{org}”还有{count}个启用的下级组织，请先停用或移走它们。"
DEACTIVATE_WITH_PEOPLE = "“{org}”还有{count}名启用的人员，请先停用或调出这些人员。"
ROOT_NEEDS_SETUP = "顶级组织只能由命令行 jixiao setup --add-root 新增。"
