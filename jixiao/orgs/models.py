"""The organisation tree, people and their scoped roles (CORE-4, X-6)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models


class OrgKind(models.TextChoices):
    FINANCE_BUREAU = "finance_bureau", "财政局"
    SUPERVISING_DEPARTMENT = "supervising_department", "主管部门"
    BUDGET_UNIT = "budget_unit", "预算单位"
    SUBORDINATE_UNIT = "subordinate_unit", "下属单位"
    COMPANY = "company", "公司"
    DEPARTMENT = "department", "部门"
    TEAM = "team", "班组"
    TOWNSHIP = "township", "乡镇政府"
    OFFICE = "office", "站所办公室"


class Organization(models.Model):
    """A node of the organisation tree.

    ``path`` is a materialised path of zero-padded ids (``000001.000007.``) so that a whole
    subtree is one indexed ``LIKE 'prefix%'`` query on SQLite and PostgreSQL alike.
    """

    name = models.CharField("名称", max_length=200)
    code = models.CharField("代码", max_length=50, unique=True)
    kind = models.CharField("类型", max_length=32, choices=OrgKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=255, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    sort_order = models.IntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "组织"
        verbose_name_plural = "组织"
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    def is_within(self, ancestor_path: str) -> bool:
        return self.path.startswith(ancestor_path)


class User(AbstractUser):
    """A person who logs in. ``organization`` is where they belong; what they may do comes
    from their role assignments, each scoped to a subtree."""

    full_name = models.CharField("姓名", max_length=100, blank=True)
    organization = models.ForeignKey(
        Organization,
        verbose_name="所属组织",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    phone = models.CharField("联系电话", max_length=30, blank=True)
    employee_number = models.CharField("工号", max_length=30, blank=True)
    is_service_account = models.BooleanField(
        "系统集成账号",
        default=False,
        help_text="供预算管理一体化系统等外部系统调用接口，只有这类账号可由系统管理员签发接口令牌。",
    )

    class Meta:
        verbose_name = "人员"
        verbose_name_plural = "人员"

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.username


class Role(models.TextChoices):
    SYSTEM_ADMIN = "system_admin", "系统管理员"
    SECURITY_ADMIN = "security_admin", "安全管理员"
    AUDIT_ADMIN = "audit_admin", "审计管理员"
    FINANCE_REVIEWER = "finance_reviewer", "财政审核人员"
    DEPARTMENT_REVIEWER = "department_reviewer", "主管部门审核人员"
    UNIT_OPERATOR = "unit_operator", "单位填报人员"
    EVALUATOR = "evaluator", "第三方评价人员"
    LEADER = "leader", "领导"
    HR_OFFICER = "hr_officer", "绩效办人员"
    DEPARTMENT_HEAD = "department_head", "部门负责人"
    EMPLOYEE = "employee", "员工"


ADMIN_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})


class RoleAssignment(models.Model):
    """``user`` acts as ``role`` over ``organization`` and everything below it."""

    user = models.ForeignKey(
        User, verbose_name="人员", on_delete=models.CASCADE, related_name="role_assignments"
    )
    role = models.CharField("角色", max_length=32, choices=Role.choices)
    organization = models.ForeignKey(
        Organization,
        verbose_name="管辖范围",
        on_delete=models.PROTECT,
        related_name="role_assignments",
    )
    created_at = models.DateTimeField("授权时间", auto_now_add=True)

    class Meta:
        verbose_name = "角色授权"
        verbose_name_plural = "角色授权"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "organization"], name="unique_role_assignment"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.organization}"
