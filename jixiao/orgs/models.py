"""The organisation tree, people and their scoped roles (CORE-4, X-6)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class OrgKind(models.TextChoices):
    FINANCE_BUREAU = "finance_bureau", _("财政局")
    SUPERVISING_DEPARTMENT = "supervising_department", _("主管部门")
    BUDGET_UNIT = "budget_unit", _("预算单位")
    SUBORDINATE_UNIT = "subordinate_unit", _("下属单位")
    COMPANY = "company", _("公司")
    DEPARTMENT = "department", _("部门")
    TEAM = "team", _("班组")
    TOWNSHIP = "township", _("乡镇政府")
    OFFICE = "office", _("站所办公室")


class Organization(models.Model):
    """A node of the organisation tree.

    ``path`` is a materialised path of zero-padded ids (``000001.000007.``) so that a whole
    subtree is one indexed ``LIKE 'prefix%'`` query on SQLite and PostgreSQL alike.
    """

    name = models.CharField(_("名称"), max_length=200)
    short_name = models.CharField(_("简称"), max_length=100, blank=True)
    code = models.CharField(_("代码"), max_length=50, unique=True)
    kind = models.CharField(_("类型"), max_length=32, choices=OrgKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=255, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    sort_order = models.IntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("组织")
        verbose_name_plural = _("组织")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    def is_within(self, ancestor_path: str) -> bool:
        return self.path.startswith(ancestor_path)


class User(AbstractUser):
    """A person who logs in. ``organization`` is where they belong; what they may do comes
    from their role assignments, each scoped to a subtree."""

    full_name = models.CharField(_("姓名"), max_length=100, blank=True)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("所属组织"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    employee_number = models.CharField(_("工号"), max_length=30, blank=True)
    is_service_account = models.BooleanField(
        _("系统集成账号"),
        default=False,
        help_text=_(
            "供预算管理一体化系统等外部系统调用接口，只有这类账号可由系统管理员签发接口令牌。"
        ),
    )

    class Meta:
        verbose_name = _("人员")
        verbose_name_plural = _("人员")

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.username


class Role(models.TextChoices):
    SYSTEM_ADMIN = "system_admin", _("系统管理员")
    SECURITY_ADMIN = "security_admin", _("安全管理员")
    AUDIT_ADMIN = "audit_admin", _("审计管理员")
    FINANCE_REVIEWER = "finance_reviewer", _("财政审核人员")
    DEPARTMENT_REVIEWER = "department_reviewer", _("主管部门审核人员")
    UNIT_OPERATOR = "unit_operator", _("单位填报人员")
    EVALUATOR = "evaluator", _("第三方评价人员")
    LEADER = "leader", _("领导")
    HR_OFFICER = "hr_officer", _("绩效办人员")
    DEPARTMENT_HEAD = "department_head", _("部门负责人")
    EMPLOYEE = "employee", _("员工")


ADMIN_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})


class RoleAssignment(models.Model):
    """``user`` acts as ``role`` over ``organization`` and everything below it."""

    user = models.ForeignKey(
        User, verbose_name=_("人员"), on_delete=models.CASCADE, related_name="role_assignments"
    )
    role = models.CharField(_("角色"), max_length=32, choices=Role.choices)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("管辖范围"),
        on_delete=models.PROTECT,
        related_name="role_assignments",
    )
    created_at = models.DateTimeField(_("授权时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("角色授权")
        verbose_name_plural = _("角色授权")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "organization"], name="unique_role_assignment"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.organization}"
