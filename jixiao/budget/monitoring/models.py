"""Models of double monitoring (双监控, BUD-5). Imported at the end of ``jixiao.budget.models``,
so they belong to the budget app. Amounts are in 万元 with four decimals, as on projects.

A :class:`MonitoringRound` covers months 1…``months_elapsed`` of a fiscal year for one finance
bureau; opening it creates a :class:`MonitoringForm` for every approved declaration of the
bureau's tree, with one :class:`IndicatorProgress` row per level-3 target indicator. The
target, direction and unit are copied onto the progress row when the round opens, so a
warning can always be traced to the target it was measured against. :class:`SpendingRecord`
rows come from the budget system; a form's executed amount defaults to their sum up to the
round's last day. :class:`MonitoringWarning` rows (预警) are written by
``round_compute_warnings`` only.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jixiao.budget.monitoring import warnings as rules

MONEY = {"max_digits": 18, "decimal_places": 4}
VALUE = {"max_digits": 20, "decimal_places": 6}  # as Indicator.target_value
RATIO = {"max_digits": 14, "decimal_places": 4}
FRACTION = {"max_digits": 6, "decimal_places": 4}


class RoundState(models.TextChoices):
    OPEN = "open", _("进行中")
    CLOSED = "closed", _("已结束")


class FormState(models.TextChoices):
    DRAFT = "draft", _("填报中")
    SUBMITTED = "submitted", _("已报送")


class Likelihood(models.TextChoices):
    CERTAIN = "certain", _("确定能")
    POSSIBLE = "possible", _("有可能")
    IMPOSSIBLE = "impossible", _("完全不可能")


class DeviationReason(models.TextChoices):
    FUNDING = "funding", _("经费保障")
    INSTITUTIONAL = "institutional", _("制度保障")
    STAFFING = "staffing", _("人员保障")
    FACILITIES = "facilities", _("硬件条件保障")
    OTHER = "other", _("其他")


class Level(models.TextChoices):
    ACHIEVED = rules.ACHIEVED, _("达成")
    PARTLY = rules.PARTLY, _("部分达成")
    NOT_ACHIEVED = rules.NOT_ACHIEVED, _("未达成")


class WarningKind(models.TextChoices):
    BUDGET_EXECUTION = rules.BUDGET_EXECUTION, _("预算执行")
    INDICATOR = rules.INDICATOR, _("定量指标")
    QUALITATIVE = rules.QUALITATIVE, _("定性指标")
    COMBINED = rules.COMBINED, _("综合")


class Colour(models.TextChoices):
    RED = rules.RED, _("红色")
    YELLOW = rules.YELLOW, _("黄色")
    GREEN = rules.GREEN, _("绿色")
    BLUE = rules.BLUE, _("蓝色")


class WarningThresholds(models.Model):
    """A finance bureau's warning thresholds for a year (defaults: RULES.md). A round copies
    them when it opens (``MonitoringRound.thresholds``)."""

    bureau = models.ForeignKey(
        "orgs.Organization", verbose_name="财政部门", on_delete=models.PROTECT, related_name="+"
    )
    fiscal_year = models.PositiveSmallIntegerField("预算年度")
    red_below = models.DecimalField(
        "红色预警线", **FRACTION, default=rules.DEFAULT_THRESHOLDS.red_below
    )
    yellow_below = models.DecimalField(
        "黄色预警线", **FRACTION, default=rules.DEFAULT_THRESHOLDS.yellow_below
    )
    blue_at = models.DecimalField(
        "蓝色（超额完成）线", **FRACTION, default=rules.DEFAULT_THRESHOLDS.blue_at
    )
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = "监控预警阈值"
        verbose_name_plural = "监控预警阈值"
        constraints = [
            models.UniqueConstraint(
                fields=["bureau", "fiscal_year"], name="unique_warning_thresholds"
            ),
            models.CheckConstraint(
                condition=Q(red_below__gt=0)
                & Q(red_below__lte=models.F("yellow_below"))
                & Q(yellow_below__lte=1)
                & Q(blue_at__gt=1),
                name="warning_thresholds_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.fiscal_year}年度监控预警阈值"

    def as_rules(self) -> rules.Thresholds:
        return rules.Thresholds(self.red_below, self.yellow_below, self.blue_at)


class MonitoringRound(models.Model):
    """A monitoring round (监控轮次) of a finance bureau: months 1…``months_elapsed``."""

    bureau = models.ForeignKey(
        "orgs.Organization",
        verbose_name="财政部门",
        on_delete=models.PROTECT,
        related_name="monitoring_rounds",
    )
    fiscal_year = models.PositiveSmallIntegerField("预算年度")
    number = models.PositiveSmallIntegerField("轮次")
    name = models.CharField("名称", max_length=100)
    months_elapsed = models.PositiveSmallIntegerField("监控月份数（1-N月）")
    period = models.OneToOneField(
        "periods.Period", verbose_name="期间", on_delete=models.PROTECT, related_name="+"
    )
    deadline = models.OneToOneField(
        "periods.Deadline", verbose_name="填报截止", on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(
        "状态", max_length=16, choices=RoundState.choices, default=RoundState.OPEN
    )
    # The thresholds in force, copied from WarningThresholds ({"red_below": "0.6", …}).
    thresholds = models.JSONField("预警阈值", default=dict)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发起人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    opened_at = models.DateTimeField("发起时间", auto_now_add=True)
    closed_at = models.DateTimeField("结束时间", null=True, blank=True)
    computed_at = models.DateTimeField("预警计算时间", null=True, blank=True)

    class Meta:
        verbose_name = "监控轮次"
        verbose_name_plural = "监控轮次"
        ordering = ["-fiscal_year", "months_elapsed"]
        constraints = [
            models.UniqueConstraint(
                fields=["bureau", "fiscal_year", "months_elapsed"], name="unique_monitoring_round"
            ),
            models.CheckConstraint(
                condition=Q(months_elapsed__gte=1, months_elapsed__lte=12),
                name="monitoring_round_months_1_12",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.state == RoundState.OPEN

    @property
    def threshold_rules(self) -> rules.Thresholds:
        """The thresholds this round uses."""
        return rules.Thresholds.from_json(self.thresholds)


class MonitoringForm(models.Model):
    """项目支出绩效目标执行监控表: one per approved declaration and round."""

    round = models.ForeignKey(
        MonitoringRound, verbose_name="监控轮次", on_delete=models.CASCADE, related_name="forms"
    )
    project = models.ForeignKey(
        "budget.Project",
        verbose_name="项目",
        on_delete=models.PROTECT,
        related_name="monitoring_forms",
    )
    # 年初预算数: the approved amount (or the declared annual total) when the round opened;
    # a budget adjustment updates it.
    budget = models.DecimalField("预算数", **MONEY)
    # 1-N月执行数; None: the sum of the project's spending records up to the round's last day.
    executed = models.DecimalField("执行数", **MONEY, null=True, blank=True)
    expected_execution = models.DecimalField("全年预计执行数", **MONEY, null=True, blank=True)
    goal_progress = models.TextField("年度总体目标完成情况", blank=True)
    state = models.CharField(
        "状态", max_length=16, choices=FormState.choices, default=FormState.DRAFT
    )
    submitted_at = models.DateTimeField("报送时间", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="报送人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = "绩效监控表"
        verbose_name_plural = "绩效监控表"
        ordering = ["round", "project"]
        constraints = [
            models.UniqueConstraint(fields=["round", "project"], name="unique_monitoring_form"),
        ]
        indexes = [models.Index(fields=["project", "round"])]

    def __str__(self) -> str:
        return f"{self.round}·{self.project}"


class IndicatorProgress(models.Model):
    """Progress of one level-3 target indicator in a monitoring form."""

    form = models.ForeignKey(
        MonitoringForm,
        verbose_name="监控表",
        on_delete=models.CASCADE,
        related_name="progress",
        db_index=False,  # the unique (form, indicator) index serves
    )
    indicator = models.ForeignKey(
        "indicators.Indicator",
        verbose_name="三级指标",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The target as it stood when the round opened.
    indicator_name = models.CharField("指标名称", max_length=200)
    kind = models.CharField("指标性质", max_length=16, blank=True)
    direction = models.CharField("指标方向", max_length=8, blank=True)
    target_value = models.DecimalField("年度指标值", **VALUE, null=True, blank=True)
    target_text = models.CharField("年度指标值（定性）", max_length=500, blank=True)
    unit = models.CharField("度量单位", max_length=30, blank=True)
    actual = models.DecimalField("1-N月实际完成值", **VALUE, null=True, blank=True)
    expected = models.DecimalField("全年预计完成值", **VALUE, null=True, blank=True)
    level = models.CharField("定性完成情况", max_length=16, choices=Level.choices, blank=True)
    likelihood = models.CharField(
        "完成目标可能性", max_length=16, choices=Likelihood.choices, blank=True
    )
    reasons = models.JSONField("偏差原因", default=list, blank=True)  # DeviationReason codes
    measures = models.TextField("原因说明及纠偏措施", blank=True)

    class Meta:
        verbose_name = "指标完成情况"
        verbose_name_plural = "指标完成情况"
        ordering = ["form", "id"]
        constraints = [
            models.UniqueConstraint(fields=["form", "indicator"], name="unique_indicator_progress"),
        ]

    def __str__(self) -> str:
        return self.indicator_name

    @property
    def is_qualitative(self) -> bool:
        return self.kind == rules.QUALITATIVE

    @property
    def reason_labels(self) -> list[str]:
        labels = dict(DeviationReason.choices)
        return [str(labels.get(code, code)) for code in self.reasons]


class SpendingRecord(models.Model):
    """A payment of a project, pushed by the budget system (预算管理一体化系统)."""

    project = models.ForeignKey(
        "budget.Project", verbose_name="项目", on_delete=models.PROTECT, related_name="spending"
    )
    date = models.DateField("支付日期")
    # Negative for a reversal (冲销).
    amount = models.DecimalField("金额（万元）", **MONEY)
    # The budget system's voucher number; a voucher is recorded once per project.
    reference = models.CharField("凭证号", max_length=64, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "支出记录"
        verbose_name_plural = "支出记录"
        ordering = ["project", "date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "reference"],
                condition=~Q(reference=""),
                name="unique_spending_reference",
            ),
        ]
        indexes = [models.Index(fields=["project", "date"])]

    def __str__(self) -> str:
        return f"{self.project_id} {self.date} {self.amount}"


class MonitoringWarning(models.Model):
    """A warning of a round, written by ``round_compute_warnings`` only and replaced as a
    whole by every computation of the round.

    Every project of the round has two rows, its budget execution and its combined colour
    (green included); an indicator has a row only when it is off track or over-achieved (red,
    yellow, blue): an indicator on track is counted (the computation's audit row, the
    dashboard queries) but has nothing to warn about, and its status can be shown from its
    progress row with the same rule (``services.progress_warning``).

    Derived data, written hundreds of thousands of rows at a time: its foreign keys have no
    database constraint and no index of their own (the composite indexes serve the reads), so
    a computation does not queue a constraint check per row. ``indicator`` keeps the id of the
    indicator the round measured even if a later adjustment deletes it; the target used is on
    the round's progress row (form, indicator) and in ``explain``."""

    round = models.ForeignKey(
        MonitoringRound,
        verbose_name="监控轮次",
        on_delete=models.CASCADE,
        related_name="warnings",
        db_constraint=False,
        db_index=False,
    )
    project = models.ForeignKey(
        "budget.Project",
        verbose_name="项目",
        on_delete=models.DO_NOTHING,  # a monitored project cannot be deleted (forms protect it)
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    indicator = models.ForeignKey(
        "indicators.Indicator",
        verbose_name="指标",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    kind = models.CharField("预警类型", max_length=20, choices=WarningKind.choices)
    colour = models.CharField("预警等级", max_length=8, choices=Colour.choices)
    value = models.DecimalField("比值", **RATIO, null=True, blank=True)
    explain = models.TextField("说明")

    class Meta:
        verbose_name = "监控预警"
        verbose_name_plural = "监控预警"
        ordering = ["round", "project", "id"]
        indexes = [
            models.Index(fields=["round", "project"], name="monitoring_warning_project"),
            # The red list: a partial index holds the red rows only.
            models.Index(
                fields=["round", "kind"], condition=Q(colour="red"), name="monitoring_warning_red"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}·{self.get_colour_display()}"


# --- The finance bureau's interventions (BUD-5 actions) -----------------------------------------
# Amounts moved between projects are in 万元 with two decimals (fen are not moved).
TRANSFER = {"max_digits": 16, "decimal_places": 2}


class CorrectionState(models.TextChoices):
    PENDING = "pending", _("待整改")
    ANSWERED = "answered", _("已答复")
    RETURNED = "returned", _("已退回")
    CLOSED = "closed", _("已办结")


class CorrectionRequest(models.Model):
    """责令整改: the finance bureau requires a unit to correct a project by a date.

    ``warnings`` keeps a copy of the warnings the request was based on (kind, colour,
    indicator, explanation): warning rows are replaced by every computation of a round, so a
    link to them would not last."""

    project = models.ForeignKey(
        "budget.Project",
        verbose_name="项目",
        on_delete=models.PROTECT,
        related_name="correction_requests",
    )
    bureau = models.ForeignKey(
        "orgs.Organization", verbose_name="财政部门", on_delete=models.PROTECT, related_name="+"
    )
    round = models.ForeignKey(
        MonitoringRound,
        verbose_name="监控轮次",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    form = models.ForeignKey(
        MonitoringForm,
        verbose_name="绩效监控表",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    warnings = models.JSONField("相关预警", default=list, blank=True)
    requirement = models.TextField("整改要求")
    deadline = models.DateField("整改期限")
    state = models.CharField(
        "状态", max_length=16, choices=CorrectionState.choices, default=CorrectionState.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发起人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_at = models.DateTimeField("发起时间", auto_now_add=True)
    answered_at = models.DateTimeField("最近答复时间", null=True, blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)

    class Meta:
        verbose_name = "整改要求"
        verbose_name_plural = "整改要求"
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["state", "deadline"])]

    def __str__(self) -> str:
        return f"{self.project}整改要求"

    @property
    def awaits_unit(self) -> bool:
        return self.state in (CorrectionState.PENDING, CorrectionState.RETURNED)


class AnswerDecision(models.TextChoices):
    ACCEPTED = "accepted", _("通过")
    RETURNED = "returned", _("退回")


class CorrectionAnswer(models.Model):
    """One answer of the unit to a correction request, and the bureau's decision on it;
    every round of answers is kept."""

    request = models.ForeignKey(
        CorrectionRequest, verbose_name="整改要求", on_delete=models.CASCADE, related_name="answers"
    )
    measures = models.TextField("整改措施及成效")
    attachment = models.FileField("附件", upload_to="budget/corrections/%Y/", blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="答复人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    answered_at = models.DateTimeField("答复时间", auto_now_add=True)
    decision = models.CharField(
        "审核结果", max_length=16, choices=AnswerDecision.choices, blank=True
    )
    comment = models.TextField("审核意见", blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审核人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField("审核时间", null=True, blank=True)

    class Meta:
        verbose_name = "整改答复"
        verbose_name_plural = "整改答复"
        ordering = ["request", "answered_at", "id"]

    def __str__(self) -> str:
        return f"{self.request}答复"


class HoldKind(models.TextChoices):
    SUSPENDED = "suspended", _("暂缓")
    STOPPED = "stopped", _("停止")


class ProjectHold(models.Model):
    """A project suspended (暂缓) or stopped (停止) by the finance bureau. While a hold is in
    force (``ended_at`` empty) the project takes no spending; a suspension can be lifted
    (恢复执行), a stop is final."""

    project = models.ForeignKey(
        "budget.Project", verbose_name="项目", on_delete=models.PROTECT, related_name="holds"
    )
    kind = models.CharField("措施", max_length=16, choices=HoldKind.choices)
    reason = models.TextField("原因")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="决定人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    started_at = models.DateTimeField("决定时间", auto_now_add=True)
    ended_at = models.DateTimeField("解除时间", null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="解除人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    end_reason = models.TextField("解除原因", blank=True)

    class Meta:
        verbose_name = "项目暂缓/停止"
        verbose_name_plural = "项目暂缓/停止"
        ordering = ["project", "-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project"], condition=Q(ended_at__isnull=True), name="one_active_hold"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project}{self.get_kind_display()}"


class Reallocation(models.Model):
    """资金调剂: an amount moved from one project to one or more others of the same year;
    ``amount`` is the sum of the lines."""

    bureau = models.ForeignKey(
        "orgs.Organization", verbose_name="财政部门", on_delete=models.PROTECT, related_name="+"
    )
    fiscal_year = models.PositiveSmallIntegerField("预算年度")
    source = models.ForeignKey(
        "budget.Project",
        verbose_name="调出项目",
        on_delete=models.PROTECT,
        related_name="reallocations_out",
    )
    amount = models.DecimalField("调出金额（万元）", **TRANSFER)
    reason = models.TextField("调剂原因")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="经办人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("调剂时间", auto_now_add=True)

    class Meta:
        verbose_name = "资金调剂"
        verbose_name_plural = "资金调剂"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["bureau", "fiscal_year"])]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="reallocation_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.source}调出{self.amount}万元"


class ReallocationLine(models.Model):
    reallocation = models.ForeignKey(
        Reallocation, verbose_name="资金调剂", on_delete=models.CASCADE, related_name="lines"
    )
    target = models.ForeignKey(
        "budget.Project",
        verbose_name="调入项目",
        on_delete=models.PROTECT,
        related_name="reallocations_in",
    )
    amount = models.DecimalField("调入金额（万元）", **TRANSFER)

    class Meta:
        verbose_name = "资金调入"
        verbose_name_plural = "资金调入"
        ordering = ["reallocation", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="reallocation_line_positive"),
            models.UniqueConstraint(
                fields=["reallocation", "target"], name="unique_reallocation_target"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.target}调入{self.amount}万元"


class MidYearConclusion(models.TextChoices):
    CONTINUE = "continue", _("继续执行")
    ADJUST = "adjust", _("调整后执行")
    SUSPEND = "suspend", _("暂缓")
    STOP = "stop", _("停止")


class MidYearReview(models.Model):
    """中期评估: projects the finance bureau chose for a mid-year review."""

    bureau = models.ForeignKey(
        "orgs.Organization", verbose_name="财政部门", on_delete=models.PROTECT, related_name="+"
    )
    fiscal_year = models.PositiveSmallIntegerField("预算年度")
    title = models.CharField("名称", max_length=100)
    due_date = models.DateField("完成期限")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发起人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("发起时间", auto_now_add=True)

    class Meta:
        verbose_name = "中期评估"
        verbose_name_plural = "中期评估"
        ordering = ["-fiscal_year", "-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class MidYearReviewItem(models.Model):
    review = models.ForeignKey(
        MidYearReview, verbose_name="中期评估", on_delete=models.CASCADE, related_name="items"
    )
    project = models.ForeignKey(
        "budget.Project",
        verbose_name="项目",
        on_delete=models.PROTECT,
        related_name="midyear_reviews",
    )
    findings = models.TextField("评估发现", blank=True)
    conclusion = models.CharField(
        "评估结论", max_length=16, choices=MidYearConclusion.choices, blank=True
    )
    action = models.CharField("已采取的措施", max_length=200, blank=True)
    concluded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="评估人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    concluded_at = models.DateTimeField("评估时间", null=True, blank=True)

    class Meta:
        verbose_name = "中期评估项目"
        verbose_name_plural = "中期评估项目"
        ordering = ["review", "id"]
        constraints = [
            models.UniqueConstraint(fields=["review", "project"], name="unique_midyear_project"),
        ]

    def __str__(self) -> str:
        return f"{self.review}·{self.project}"


# --- Tracking (绩效跟踪, BUD-6) ------------------------------------------------------------------


class TrackingSettings(models.Model):
    """How many days after a round's last monitored day the tracking forms and report are due
    (seed part 5: within one month)."""

    bureau = models.ForeignKey(
        "orgs.Organization", verbose_name="财政部门", on_delete=models.PROTECT, related_name="+"
    )
    fiscal_year = models.PositiveSmallIntegerField("预算年度")
    due_days = models.PositiveSmallIntegerField("报送期限（监控期结束后天数）", default=30)

    class Meta:
        verbose_name = "绩效跟踪设置"
        verbose_name_plural = "绩效跟踪设置"
        constraints = [
            models.UniqueConstraint(fields=["bureau", "fiscal_year"], name="unique_tracking_days"),
            models.CheckConstraint(
                condition=Q(due_days__gte=1, due_days__lte=366), name="tracking_days_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.fiscal_year}年度绩效跟踪设置"


class TrackingState(models.TextChoices):
    DRAFT = "draft", _("填报中")
    SUBMITTED = "submitted", _("已报送")


# The sections of the 绩效跟踪结果报告, in order: (field, heading).
REPORT_SECTIONS = (
    ("report_basic", "一、项目基本情况"),
    ("report_targets", "二、目标设定情况"),
    ("report_implementation", "三、项目实施情况"),
    ("report_completion", "四、绩效目标完成及偏差情况"),
    ("report_problems", "五、存在问题及纠偏情况"),
    ("report_conclusion", "六、跟踪结论"),
)


class TrackingRecord(models.Model):
    """绩效跟踪 of a project in a monitoring round: key targets, the two tracking forms and
    the 绩效跟踪结果报告, due ``due_date``."""

    project = models.ForeignKey(
        "budget.Project",
        verbose_name="项目",
        on_delete=models.PROTECT,
        related_name="tracking_records",
    )
    round = models.ForeignKey(
        MonitoringRound, verbose_name="监控轮次", on_delete=models.PROTECT, related_name="+"
    )
    due_date = models.DateField("报送期限")
    state = models.CharField(
        "状态", max_length=16, choices=TrackingState.choices, default=TrackingState.DRAFT
    )
    report_basic = models.TextField("项目基本情况", blank=True)
    report_targets = models.TextField("目标设定情况", blank=True)
    report_implementation = models.TextField("项目实施情况", blank=True)
    report_completion = models.TextField("绩效目标完成及偏差情况", blank=True)
    report_problems = models.TextField("存在问题及纠偏情况", blank=True)
    report_conclusion = models.TextField("跟踪结论", blank=True)
    report_generated_at = models.DateTimeField("报告生成时间", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="创建人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="报送人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField("报送时间", null=True, blank=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = "绩效跟踪"
        verbose_name_plural = "绩效跟踪"
        ordering = ["round", "project"]
        constraints = [
            models.UniqueConstraint(fields=["project", "round"], name="unique_tracking_record"),
        ]
        indexes = [models.Index(fields=["state", "due_date"])]

    def __str__(self) -> str:
        return f"{self.project}绩效跟踪（{self.round}）"

    def report_sections(self) -> list[tuple[str, str, str]]:
        """(field, heading, text) of the report, in order."""
        return [(field, heading, getattr(self, field)) for field, heading in REPORT_SECTIONS]


class TrackingStage(models.Model):
    """A row of 绩效跟踪表（项目分阶段完成情况表）."""

    record = models.ForeignKey(
        TrackingRecord, verbose_name="绩效跟踪", on_delete=models.CASCADE, related_name="stages"
    )
    position = models.PositiveSmallIntegerField("序号", default=0)
    stage = models.CharField("实施阶段", max_length=100)
    planned_content = models.TextField("计划内容", blank=True)
    planned_time = models.CharField("计划完成时间", max_length=50, blank=True)
    actual_progress = models.TextField("实际进展", blank=True)
    completion = models.CharField("完成情况", max_length=100, blank=True)

    class Meta:
        verbose_name = "分阶段完成情况"
        verbose_name_plural = "分阶段完成情况"
        ordering = ["record", "position", "id"]

    def __str__(self) -> str:
        return self.stage


class TrackingTarget(models.Model):
    """A key target (重点目标) and its row of 绩效跟踪表（绩效目标实现情况及纠偏表）."""

    record = models.ForeignKey(
        TrackingRecord, verbose_name="绩效跟踪", on_delete=models.CASCADE, related_name="targets"
    )
    indicator = models.ForeignKey(
        "indicators.Indicator",
        verbose_name="指标",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    position = models.PositiveSmallIntegerField("序号", default=0)
    indicator_name = models.CharField("重点目标", max_length=200)
    target = models.CharField("目标值", max_length=500, blank=True)
    actual = models.CharField("实际完成值", max_length=500, blank=True)
    deviation = models.CharField("偏差情况", max_length=500, blank=True)
    reason_analysis = models.TextField("偏差原因分析", blank=True)
    correction_path = models.TextField("纠偏路径及措施", blank=True)
    correction_result = models.TextField("纠偏结果", blank=True)

    class Meta:
        verbose_name = "重点目标跟踪"
        verbose_name_plural = "重点目标跟踪"
        ordering = ["record", "position", "id"]

    def __str__(self) -> str:
        return self.indicator_name
