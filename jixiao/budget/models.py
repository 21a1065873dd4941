"""Budget performance management, part I (BUD-1…4): projects, ex-ante assessments and
performance targets. Amounts are in 万元 with four decimals (one yuan)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jixiao.lib import function_classes

MONEY = {"max_digits": 18, "decimal_places": 4}
ZERO = Decimal(0)


class DeclarationKind(models.TextChoices):
    PROJECT = "project", _("项目支出")
    DEPARTMENT = "department", _("部门整体支出")


class Project(models.Model):
    """A target declaration of a budget unit in a fiscal year: a project expenditure
    (项目支出), or the unit's department overall expenditure (部门整体支出, ``kind``), whose
    basic expenditure (基本支出) folds into it. Both share the declaration form's header,
    funds, goals and indicator tree, and the same review."""

    kind = models.CharField(
        "申报类型", max_length=16, choices=DeclarationKind.choices, default=DeclarationKind.PROJECT
    )
    fiscal_year = models.PositiveSmallIntegerField("预算年度", db_index=True)
    code = models.CharField("项目代码", max_length=40)
    name = models.CharField("项目名称", max_length=200)
    unit = models.ForeignKey(
        "orgs.Organization",
        verbose_name="实施单位",
        on_delete=models.PROTECT,
        related_name="budget_projects",
    )
    department = models.ForeignKey(
        "orgs.Organization",
        verbose_name="主管部门",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supervised_budget_projects",
    )
    function_code = models.CharField(
        "功能分类（类/款）", max_length=10, choices=function_classes.choices(), blank=True
    )
    is_new = models.BooleanField("新增项目", default=True)
    is_major_policy = models.BooleanField("重大政策和项目", default=False)
    start_year = models.PositiveSmallIntegerField("项目起始年度")
    end_year = models.PositiveSmallIntegerField("项目终止年度")
    annual_total = models.DecimalField("年度资金总额", **MONEY, default=ZERO)
    annual_fiscal = models.DecimalField("其中：财政拨款", **MONEY, default=ZERO)
    annual_carryover = models.DecimalField("其中：上年结转", **MONEY, default=ZERO)
    annual_other = models.DecimalField("其中：其他资金", **MONEY, default=ZERO)
    basic_expenditure = models.DecimalField("其中：基本支出", **MONEY, default=ZERO)
    project_expenditure = models.DecimalField("其中：项目支出", **MONEY, default=ZERO)
    midterm_total = models.DecimalField("中期资金总额", **MONEY, default=ZERO)
    midterm_fiscal = models.DecimalField("中期其中：财政拨款", **MONEY, default=ZERO)
    midterm_other = models.DecimalField("中期其中：其他资金", **MONEY, default=ZERO)
    annual_goal = models.TextField("年度目标", blank=True)
    midterm_goal = models.TextField("中期目标", blank=True)
    manager = models.CharField("项目负责人", max_length=50, blank=True)
    manager_phone = models.CharField("联系电话", max_length=30, blank=True)
    annual_tree = models.OneToOneField(
        "indicators.IndicatorTree",
        verbose_name="年度绩效指标",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    midterm_tree = models.OneToOneField(
        "indicators.IndicatorTree",
        verbose_name="中期绩效指标",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_amount = models.DecimalField("批复金额", **MONEY, null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "项目"
        verbose_name_plural = "项目"
        ordering = ["-fiscal_year", "code"]
        constraints = [
            models.UniqueConstraint(fields=["fiscal_year", "code"], name="unique_project_code"),
            models.CheckConstraint(
                condition=models.Q(end_year__gte=models.F("start_year")),
                name="project_years_ordered",
            ),
            models.UniqueConstraint(
                fields=["unit", "fiscal_year"],
                condition=models.Q(kind="department"),
                name="one_department_declaration_per_year",
            ),
        ]
        indexes = [models.Index(fields=["unit", "fiscal_year"])]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def function_label(self) -> str:
        return function_classes.label(self.function_code) if self.function_code else ""

    @property
    def is_department(self) -> bool:
        return self.kind == DeclarationKind.DEPARTMENT


class Conclusion(models.TextChoices):
    SUPPORT = "support", _("予以支持")
    PARTIAL = "partial", _("部分支持")
    REJECT = "reject", _("不予支持")


class ExAnteAssessment(models.Model):
    """事前绩效评估 of a new or major project (BUD-1): the criteria scored as a sheet
    through the engine, and a conclusion; without a passed one the project cannot be
    submitted for budget."""

    project = models.OneToOneField(
        Project, verbose_name="项目", on_delete=models.CASCADE, related_name="ex_ante"
    )
    tree = models.OneToOneField(
        "indicators.IndicatorTree",
        verbose_name="评估指标",
        on_delete=models.PROTECT,
        related_name="+",
    )
    values = models.JSONField("评分", default=dict, blank=True)
    total = models.DecimalField("总分", max_digits=8, decimal_places=2, null=True, blank=True)
    grade = models.CharField("等级", max_length=16, blank=True)
    conclusion = models.CharField("评估结论", max_length=16, choices=Conclusion.choices, blank=True)
    requested_amount = models.DecimalField("申报金额", **MONEY, default=ZERO)
    approved_amount = models.DecimalField("核定金额", **MONEY, null=True, blank=True)
    opinion = models.TextField("评估意见", blank=True)
    report = models.FileField("评估报告", upload_to="budget/ex_ante/%Y/", blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="评估人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    assessed_at = models.DateTimeField("评估时间", null=True, blank=True)

    class Meta:
        verbose_name = "事前绩效评估"
        verbose_name_plural = "事前绩效评估"

    def __str__(self) -> str:
        return f"{self.project} 事前绩效评估"

    @property
    def passed(self) -> bool:
        return self.conclusion in (Conclusion.SUPPORT, Conclusion.PARTIAL) and bool(self.report)

    @property
    def cut_amount(self) -> Decimal:
        if self.conclusion == Conclusion.REJECT:
            return self.requested_amount
        if self.approved_amount is None:
            return ZERO
        return max(ZERO, self.requested_amount - self.approved_amount)


class BudgetYearSettings(models.Model):
    """The finance bureau's rules for a fiscal year."""

    bureau = models.ForeignKey(
        "orgs.Organization", verbose_name="财政部门", on_delete=models.PROTECT, related_name="+"
    )
    fiscal_year = models.PositiveSmallIntegerField("预算年度")
    ex_ante_threshold = models.DecimalField(
        "事前绩效评估金额标准（万元）",
        **MONEY,
        default=Decimal(500),
        help_text="新增项目年度资金达到此金额须开展事前绩效评估；重大政策和项目不论金额。",
    )
    indicator_scale = models.DecimalField(
        "绩效指标分值合计",
        max_digits=6,
        decimal_places=2,
        default=Decimal(90),
        help_text="申报的三级指标分值合计；自评时另加预算执行率分值（默认10分），合计100分。",
    )

    class Meta:
        verbose_name = "年度预算绩效设置"
        verbose_name_plural = "年度预算绩效设置"
        constraints = [
            models.UniqueConstraint(fields=["bureau", "fiscal_year"], name="unique_year_settings")
        ]

    def __str__(self) -> str:
        return f"{self.fiscal_year}年度设置"


class ControlNumber(models.Model):
    """A supervising department's budget control number (预算控制数) for a year."""

    department = models.ForeignKey(
        "orgs.Organization", verbose_name="主管部门", on_delete=models.PROTECT, related_name="+"
    )
    fiscal_year = models.PositiveSmallIntegerField("预算年度")
    amount = models.DecimalField("控制数（万元）", **MONEY)

    class Meta:
        verbose_name = "预算控制数"
        verbose_name_plural = "预算控制数"
        constraints = [
            models.UniqueConstraint(
                fields=["department", "fiscal_year"], name="unique_control_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.department} {self.fiscal_year}年控制数"


# Double monitoring (BUD-5) lives in its own package; imported here so Django finds its models.
# Evaluation (BUD-7…BUD-10) lives in its own package, imported here likewise.
from jixiao.budget.evaluation.models import (  # noqa: E402, F401
    Evaluation,
    EvaluationAssignment,
    EvaluationItem,
    EvaluationSettings,
    ExpertScore,
    RecomputeJob,
    ResultHistory,
    SelfEvaluation,
    SelfEvaluationItem,
)
from jixiao.budget.evaluation.result_models import *  # noqa: E402, F403 (results, BUD-11…14)
from jixiao.budget.monitoring.models import (  # noqa: E402, F401
    IndicatorProgress,
    MonitoringForm,
    MonitoringRound,
    MonitoringWarning,
    SpendingRecord,
    WarningThresholds,
)
