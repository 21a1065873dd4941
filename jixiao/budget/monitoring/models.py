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

from jixiao.budget.monitoring import warnings as rules

MONEY = {"max_digits": 18, "decimal_places": 4}
VALUE = {"max_digits": 20, "decimal_places": 6}  # as Indicator.target_value
RATIO = {"max_digits": 14, "decimal_places": 4}
FRACTION = {"max_digits": 6, "decimal_places": 4}


class RoundState(models.TextChoices):
    OPEN = "open", "进行中"
    CLOSED = "closed", "已结束"


class FormState(models.TextChoices):
    DRAFT = "draft", "填报中"
    SUBMITTED = "submitted", "已报送"


class Likelihood(models.TextChoices):
    CERTAIN = "certain", "确定能"
    POSSIBLE = "possible", "有可能"
    IMPOSSIBLE = "impossible", "完全不可能"


class DeviationReason(models.TextChoices):
    FUNDING = "funding", "经费保障"
    INSTITUTIONAL = "institutional", "制度保障"
    STAFFING = "staffing", "人员保障"
    FACILITIES = "facilities", "硬件条件保障"
    OTHER = "other", "其他"


class Level(models.TextChoices):
    ACHIEVED = rules.ACHIEVED, "达成"
    PARTLY = rules.PARTLY, "部分达成"
    NOT_ACHIEVED = rules.NOT_ACHIEVED, "未达成"


class WarningKind(models.TextChoices):
    BUDGET_EXECUTION = rules.BUDGET_EXECUTION, "预算执行"
    INDICATOR = rules.INDICATOR, "定量指标"
    QUALITATIVE = rules.QUALITATIVE, "定性指标"
    COMBINED = rules.COMBINED, "综合"


class Colour(models.TextChoices):
    RED = rules.RED, "红色"
    YELLOW = rules.YELLOW, "黄色"
    GREEN = rules.GREEN, "绿色"
    BLUE = rules.BLUE, "蓝色"


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
