"""The shapes the API answers with: English field names (GLOSSARY), Chinese labels beside the
codes. Each schema lists its fields explicitly, so nothing (a password hash, a token hash) is
exposed by accident when a model grows."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from ninja import Field, Schema

from jixiao.api.models import ApiToken
from jixiao.orgs.models import Organization, OrgKind, Role, RoleAssignment, User


class Error(Schema):
    detail: str = Field(description="错误说明（中文）")


class ValidationErrorOut(Error):
    errors: list[dict] = Field(description="逐项的参数错误")


class OrgRef(Schema):
    id: int
    name: str
    code: str


class PersonRef(Schema):
    id: int
    username: str
    full_name: str


class ProjectRef(Schema):
    """A budget project named in another answer (a monitoring form, a warning, an evaluation).
    One schema for all of them: the OpenAPI document keeps one component per name."""

    id: int
    code: str
    name: str
    fiscal_year: int


class CommentIn(Schema):
    comment: str = Field("", description="说明（退回时必填）")


class OrgOut(Schema):
    id: int
    name: str = Field(description="名称")
    code: str = Field(description="组织代码")
    kind: OrgKind = Field(description="类型")
    kind_label: str = Field(description="类型名称，如“预算单位”")
    parent_id: int | None = Field(description="上级组织")
    depth: int = Field(description="层级（根为 0）")
    sort_order: int
    is_active: bool = Field(description="启用")

    @staticmethod
    def resolve_kind_label(obj: Organization) -> str:
        return str(obj.get_kind_display())


class OrgFilters(Schema):
    kind: OrgKind | None = Field(None, description="只列出该类型")
    q: str = Field("", description="按名称或代码搜索")
    parent: int | None = Field(None, description="只列出该组织的直属下级")


class RoleOut(Schema):
    role: Role
    role_label: str = Field(description="角色名称，如“单位填报人员”")
    organization_id: int = Field(description="管辖范围：该组织及其全部下级")

    @staticmethod
    def resolve_role_label(obj: RoleAssignment) -> str:
        return str(obj.get_role_display())


class PersonOut(Schema):
    id: int
    username: str
    full_name: str = Field(description="姓名")
    organization: OrgRef | None = Field(description="所属组织")
    email: str
    phone: str
    employee_number: str = Field(description="工号")
    is_active: bool
    roles: list[RoleOut] = Field(description="角色授权")

    @staticmethod
    def resolve_roles(obj: User) -> list[RoleAssignment]:
        return list(obj.role_assignments.all())  # prefetched by the query


class PeopleFilters(Schema):
    q: str = Field("", description="按用户名、姓名或工号搜索")
    organization: int | None = Field(None, description="只列出该组织及其下级的人员")


class ScopeOut(Schema):
    role: Role
    role_label: str
    organization: OrgRef = Field(description="管辖范围：该组织及其全部下级")


class MeOut(Schema):
    id: int
    username: str
    full_name: str
    organization: OrgRef | None
    auth_method: str = Field(description="认证方式：token（令牌）或 session（登录会话）")
    roles: list[ScopeOut]


class TokenOut(Schema):
    id: int
    name: str
    prefix: str = Field(description="令牌开头几位，用于辨认")
    user_id: int
    username: str
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime | None
    revoked_at: datetime | None
    status: str = Field(description="active（有效）、expired（已过期）或 revoked（已吊销）")
    status_label: str

    @staticmethod
    def resolve_username(obj: ApiToken) -> str:
        return obj.user.username

    @staticmethod
    def resolve_status(obj: ApiToken) -> str:
        return str(obj.status_at(timezone.now()))

    @staticmethod
    def resolve_status_label(obj: ApiToken) -> str:
        return str(obj.status_at(timezone.now()).label)


class TokenCreateIn(Schema):
    user_id: int = Field(description="令牌所属人员；令牌以该人员的角色和范围访问接口")
    name: str = Field(min_length=1, max_length=100, description="用途，如“预算一体化系统”")
    days: int | None = Field(None, ge=1, le=3650, description="有效天数；不填则长期有效")


class TokenCreatedOut(TokenOut):
    token: str = Field(description="令牌本身：只在此次显示，请立即妥善保存")
