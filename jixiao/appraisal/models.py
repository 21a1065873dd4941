"""Employee appraisal and performance pay (EMP-1…7).

A department appraises its people monthly by a versioned rule set (考核细则): scored items,
bonus items and penalty items (with caps), plus the organisation's general rules (《规定》), a
shared rule set of bonus and penalty items. A month's department sheet (its summary) is the
subject of the generic workflow: submitted by the head, returned or approved by the
performance office. Each employee's total comes from the scoring engine, with its explanation;
pay follows from the total and the organisation's settings. Writes go through ``services``.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from jixiao.orgs.models import Organization

MONEY = {"max_digits": 14, "decimal_places": 2}
SCORE = {"max_digits": 8, "decimal_places": 2}
ZERO = Decimal(0)


class CoefficientMethod(models.TextChoices):
    BANDS = "bands", _("分档系数")
    LINEAR = "linear", _("线性公式")


class PayMode(models.TextChoices):
    DIRECT = "direct", _("按系数直接计算")
    POOL = "pool", _("总额控制（按系数分配绩效工资总额）")


class AppraisalSettings(models.Model):
    """An organisation's (company's) appraisal and pay settings.

    Coefficient by bands: the first band (highest ``min`` first) the score reaches gives the
    coefficient. Linear: ``1 + (score − pivot) × slope``, clamped to [min, max]. Pay mode
    *direct*: pay = standard × coefficient; *pool*: the pool (the sum of standard performance
    pay) is shared out in proportion to standard × coefficient, to the cent.
    """

    organization = models.OneToOneField(
        Organization,
        verbose_name=_("单位"),
        on_delete=models.PROTECT,
        related_name="appraisal_settings",
    )
    performance_share = models.DecimalField(
        _("绩效工资占比"),
        max_digits=5,
        decimal_places=4,
        default=Decimal("0.2"),
        validators=[MinValueValidator(Decimal("0.2")), MaxValueValidator(Decimal(1))],
    )
    coefficient_method = models.CharField(
        _("系数计算方式"),
        max_length=10,
        choices=CoefficientMethod.choices,
        default=CoefficientMethod.BANDS,
    )
    bands = models.JSONField(_("分档"), default=list, blank=True)
    linear_pivot = models.DecimalField(_("基准分"), **SCORE, default=Decimal(80))
    linear_slope = models.DecimalField(
        _("每分系数"), max_digits=7, decimal_places=4, default=Decimal("0.01")
    )
    coefficient_min = models.DecimalField(
        _("系数下限"), max_digits=6, decimal_places=4, default=Decimal("0.5")
    )
    coefficient_max = models.DecimalField(
        _("系数上限"), max_digits=6, decimal_places=4, default=Decimal("1.5")
    )
    pay_mode = models.CharField(
        _("发放方式"), max_length=10, choices=PayMode.choices, default=PayMode.DIRECT
    )
    excellent_quota = models.DecimalField(
        _("优秀比例上限（%）"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(ZERO), MaxValueValidator(Decimal(100))],
    )
    submit_due_day = models.PositiveSmallIntegerField(
        _("部门提交截止日（次月）"), default=5, validators=[MaxValueValidator(28)]
    )
    review_opens_day = models.PositiveSmallIntegerField(_("审核分析开始日"), default=1)
    review_due_day = models.PositiveSmallIntegerField(_("审核分析截止日"), default=20)
    feedback_opens_day = models.PositiveSmallIntegerField(_("反馈整改开始日"), default=15)
    feedback_due_day = models.PositiveSmallIntegerField(_("反馈整改截止日"), default=28)

    class Meta:
        verbose_name = _("考核设置")
        verbose_name_plural = _("考核设置")

    def __str__(self) -> str:
        return f"{self.organization} 考核设置"


DEFAULT_BANDS = [
    {"min": "95", "coefficient": "1.3"},
    {"min": "90", "coefficient": "1.15"},
    {"min": "80", "coefficient": "1.0"},
    {"min": "70", "coefficient": "0.85"},
    {"min": "60", "coefficient": "0.7"},
    {"min": "0", "coefficient": "0.5"},
]


class RuleSetKind(models.TextChoices):
    DEPARTMENT = "department", _("部门考核细则")
    GENERAL = "general", _("《规定》通用奖惩")


class RuleSetStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    TRIAL = "trial", _("试行")
    FINAL = "final", _("定稿")
    SUPERSEDED = "superseded", _("已被新版本取代")


class RuleSet(models.Model):
    """One version of a department's 考核细则 (or of the organisation's 《规定》)."""

    organization = models.ForeignKey(
        Organization, verbose_name=_("部门"), on_delete=models.PROTECT, related_name="rule_sets"
    )
    kind = models.CharField(
        _("类型"), max_length=12, choices=RuleSetKind.choices, default=RuleSetKind.DEPARTMENT
    )
    name = models.CharField(_("名称"), max_length=200)
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    status = models.CharField(
        _("状态"), max_length=12, choices=RuleSetStatus.choices, default=RuleSetStatus.DRAFT
    )
    previous = models.ForeignKey(
        "self",
        verbose_name=_("上一版本"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="next_versions",
    )
    general = models.ForeignKey(
        "self",
        verbose_name=_("适用《规定》"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="department_rule_sets",
    )
    note = models.TextField(_("修订说明"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    status_changed_at = models.DateTimeField(_("状态变更时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("考核细则")
        verbose_name_plural = _("考核细则")
        ordering = ["organization__path", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "kind", "version"], name="unique_rule_set_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}（第{self.version}版·{self.get_status_display()}）"

    @property
    def in_force(self) -> bool:
        return self.status in (RuleSetStatus.TRIAL, RuleSetStatus.FINAL)


class ItemKind(models.TextChoices):
    SCORED = "scored", _("考核项目")
    BONUS = "bonus", _("加分项目")
    PENALTY = "penalty", _("扣分项目")


class RuleItem(models.Model):
    """A scored item (满分 ``full_score``) or a bonus/penalty item (``points`` per occurrence,
    at most ``cap`` a month)."""

    rule_set = models.ForeignKey(
        RuleSet, verbose_name=_("考核细则"), on_delete=models.CASCADE, related_name="items"
    )
    kind = models.CharField(_("类别"), max_length=10, choices=ItemKind.choices)
    name = models.CharField(_("项目"), max_length=200)
    standard = models.TextField(_("考核标准"), blank=True)
    full_score = models.DecimalField(_("满分"), **SCORE, null=True, blank=True)
    points = models.DecimalField(_("每次分值"), **SCORE, null=True, blank=True)
    cap = models.DecimalField(_("每月上限"), **SCORE, null=True, blank=True)
    position = models.PositiveIntegerField(_("序号"), default=0)

    class Meta:
        verbose_name = _("考核项目")
        verbose_name_plural = _("考核项目")
        ordering = ["rule_set", "position", "id"]

    def __str__(self) -> str:
        return self.name


class RuleSetFeedback(models.Model):
    """A department's problem with a rule set, collected by the office; resolved by the
    version that answers it."""

    rule_set = models.ForeignKey(
        RuleSet, verbose_name=_("考核细则"), on_delete=models.CASCADE, related_name="feedback"
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("反馈部门"), on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("问题及建议"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("反馈时间"), auto_now_add=True)
    resolved_in = models.ForeignKey(
        RuleSet,
        verbose_name=_("采纳于版本"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="resolved_feedback",
    )

    class Meta:
        verbose_name = _("细则反馈")
        verbose_name_plural = _("细则反馈")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text[:50]


class MonthStatus(models.TextChoices):
    OPEN = "open", _("考核中")
    CLOSED = "closed", _("已锁定")


class AppraisalMonth(models.Model):
    """The office has opened month ``period`` for ``organization`` (the company)."""

    organization = models.ForeignKey(
        Organization, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+"
    )
    period = models.ForeignKey(
        "periods.Period", verbose_name=_("考核月份"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    month = models.PositiveSmallIntegerField(_("月份"))
    status = models.CharField(
        _("状态"), max_length=10, choices=MonthStatus.choices, default=MonthStatus.OPEN
    )
    submit_due = models.DateField(_("部门提交截止日期"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_at = models.DateTimeField(_("开启时间"), auto_now_add=True)
    pay_computed_at = models.DateTimeField(_("绩效工资计算时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("锁定时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("考核月份")
        verbose_name_plural = _("考核月份")
        ordering = ["-year", "-month"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "year", "month"], name="unique_appraisal_month"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year}年{self.month}月"

    @property
    def label(self) -> str:
        return str(self)


class DepartmentSheet(models.Model):
    """A department's appraisal of one month: its employees' scores and events, the rule set
    version used, and the sign-off of the statistics table. The workflow subject."""

    month = models.ForeignKey(
        AppraisalMonth, verbose_name=_("考核月份"), on_delete=models.CASCADE, related_name="sheets"
    )
    department = models.ForeignKey(
        Organization, verbose_name=_("部门"), on_delete=models.PROTECT, related_name="+"
    )
    rule_set = models.ForeignKey(
        RuleSet,
        verbose_name=_("考核细则版本"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewer_name = models.CharField(_("审核"), max_length=50, blank=True)
    statistician_name = models.CharField(_("统计"), max_length=50, blank=True)
    summary = models.TextField(_("考核情况说明"), blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("部门月度考核")
        verbose_name_plural = _("部门月度考核")
        ordering = ["month", "department__path"]
        constraints = [
            models.UniqueConstraint(fields=["month", "department"], name="unique_department_sheet")
        ]

    def __str__(self) -> str:
        return f"{self.department}·{self.month}"

    @property
    def organization_id(self) -> int:  # for the audit trail
        return self.department_id


class EmployeeScore(models.Model):
    """One employee's month: the entered item scores (``scores``: item id → score), the
    engine's totals and its explanation (``items``: one line per item)."""

    sheet = models.ForeignKey(
        DepartmentSheet,
        verbose_name=_("部门月度考核"),
        on_delete=models.CASCADE,
        related_name="scores",
    )
    employee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("员工"), on_delete=models.PROTECT, related_name="+"
    )
    scores = models.JSONField(_("各项得分"), default=dict, blank=True)
    complete = models.BooleanField(_("已评完"), default=False)
    scored_total = models.DecimalField(_("考核得分"), **SCORE, default=ZERO)
    bonus_total = models.DecimalField(_("加分"), **SCORE, default=ZERO)
    penalty_total = models.DecimalField(_("扣分"), **SCORE, default=ZERO)
    total = models.DecimalField(_("总分"), **SCORE, default=ZERO)
    grade = models.CharField(_("等级"), max_length=20, blank=True)
    grade_label = models.CharField(_("等级名称"), max_length=20, blank=True)
    items = models.JSONField(_("得分说明"), default=list, blank=True)

    class Meta:
        verbose_name = _("员工月度得分")
        verbose_name_plural = _("员工月度得分")
        ordering = ["sheet", "employee__employee_number", "employee_id"]
        constraints = [
            models.UniqueConstraint(fields=["sheet", "employee"], name="unique_employee_score")
        ]

    def __str__(self) -> str:
        return f"{self.employee}·{self.sheet.month}"


def evidence_path(instance: AppraisalEvent, filename: str) -> str:
    return f"appraisal/evidence/{instance.sheet_id}/{filename}"


class AppraisalEvent(models.Model):
    """A bonus or penalty occurrence for one employee in one month, with its evidence."""

    sheet = models.ForeignKey(
        DepartmentSheet,
        verbose_name=_("部门月度考核"),
        on_delete=models.CASCADE,
        related_name="events",
    )
    employee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("员工"), on_delete=models.PROTECT, related_name="+"
    )
    item = models.ForeignKey(
        RuleItem, verbose_name=_("奖惩项目"), on_delete=models.PROTECT, related_name="+"
    )
    count = models.DecimalField(_("次数"), max_digits=6, decimal_places=2, default=Decimal(1))
    evidence_text = models.TextField(_("事实依据"))
    evidence_file = models.FileField(_("佐证材料"), upload_to=evidence_path, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("奖惩事项")
        verbose_name_plural = _("奖惩事项")
        ordering = ["sheet", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.employee}·{self.item}"


class PayProfile(models.Model):
    """An employee's monthly salary base, of which the organisation's share is performance
    pay."""

    employee = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("员工"),
        on_delete=models.CASCADE,
        related_name="pay_profile",
    )
    salary_base = models.DecimalField(_("月工资基数"), **MONEY)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("工资基数")
        verbose_name_plural = _("工资基数")

    def __str__(self) -> str:
        return f"{self.employee} {self.salary_base}"


class PayResult(models.Model):
    """One employee's performance pay for a month, with its explanation (``lines``)."""

    month = models.ForeignKey(
        AppraisalMonth, verbose_name=_("考核月份"), on_delete=models.CASCADE, related_name="pay"
    )
    sheet = models.ForeignKey(
        DepartmentSheet,
        verbose_name=_("部门月度考核"),
        on_delete=models.CASCADE,
        related_name="pay",
    )
    department = models.ForeignKey(
        Organization, verbose_name=_("部门"), on_delete=models.PROTECT, related_name="+"
    )
    employee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("员工"), on_delete=models.PROTECT, related_name="+"
    )
    salary_base = models.DecimalField(_("月工资基数"), **MONEY)
    share = models.DecimalField(_("绩效工资占比"), max_digits=5, decimal_places=4)
    standard = models.DecimalField(_("标准绩效工资"), **MONEY)
    score = models.DecimalField(_("总分"), **SCORE)
    coefficient = models.DecimalField(_("绩效系数"), max_digits=8, decimal_places=4)
    pay = models.DecimalField(_("应发绩效工资"), **MONEY)
    lines = models.JSONField(_("计算说明"), default=list)

    class Meta:
        verbose_name = _("绩效工资")
        verbose_name_plural = _("绩效工资")
        ordering = ["month", "department__path", "employee__employee_number", "employee_id"]
        constraints = [
            models.UniqueConstraint(fields=["month", "employee"], name="unique_pay_result")
        ]

    def __str__(self) -> str:
        return f"{self.employee}·{self.month}·{self.pay}"

    @property
    def delta(self) -> Decimal:
        return self.pay - self.standard


class AppealStatus(models.TextChoices):
    PENDING = "pending", _("待处理")
    UPHELD = "upheld", _("申诉成立")
    REJECTED = "rejected", _("维持原结果")


class Appeal(models.Model):
    """An employee's appeal (申诉) of a month's result; the office decides."""

    score = models.ForeignKey(
        EmployeeScore, verbose_name=_("月度得分"), on_delete=models.CASCADE, related_name="appeals"
    )
    employee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("员工"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("申诉理由"))
    status = models.CharField(
        _("状态"), max_length=10, choices=AppealStatus.choices, default=AppealStatus.PENDING
    )
    decision = models.TextField(_("处理意见"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("申诉时间"), auto_now_add=True)
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("申诉")
        verbose_name_plural = _("申诉")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.employee}·{self.score.sheet.month}"


class StepStatus(models.TextChoices):
    PLANNED = "planned", _("未开始")
    IN_PROGRESS = "in_progress", _("进行中")
    DONE = "done", _("已完成")
    DELAYED = "delayed", _("滞后")


class ProgressStep(models.Model):
    """A planned step of the year's appraisal work (绩效考核工作进度表, EMP-7)."""

    organization = models.ForeignKey(
        Organization, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    position = models.PositiveIntegerField(_("序号"), default=0)
    title = models.CharField(_("工作事项"), max_length=200)
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("完成时限"))
    owner = models.CharField(_("责任人"), max_length=100)
    status = models.CharField(
        _("状态"), max_length=12, choices=StepStatus.choices, default=StepStatus.PLANNED
    )
    note = models.CharField(_("备注"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("工作进度")
        verbose_name_plural = _("工作进度")
        ordering = ["year", "position", "start_date", "id"]

    def __str__(self) -> str:
        return self.title
