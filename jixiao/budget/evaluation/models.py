"""Models of evaluation (BUD-7…BUD-10, issue 6 item 9). Imported at the end of
``jixiao.budget.models``, so they belong to the budget app. Amounts in 万元 (four decimals),
scores with two decimals.

- :class:`EvaluationSettings`: a bureau's grades, execution points, rounding and the share
  cut from 中 projects, per year; ``rule_version`` names the rules a result was scored by.
- :class:`SelfEvaluation` (项目支出绩效自评表) of one approved declaration (a project or a
  unit's department overall expenditure), with one :class:`SelfEvaluationItem` per level-3
  target indicator; reviewed on the workflow ``budget.self_evaluation``.
- :class:`Evaluation`: a key evaluation (重点评价) with the 决策/过程/产出/效益 framework, a
  re-evaluation (再评价) of a self-evaluation, or a department overall evaluation; its
  :class:`EvaluationItem` rows, the people assigned (:class:`EvaluationAssignment`) and their
  scores (:class:`ExpertScore`).
- :class:`RecomputeJob` and :class:`ResultHistory`: a bulk recompute and the results it
  replaced.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

MONEY = {"max_digits": 18, "decimal_places": 4}
VALUE = {"max_digits": 20, "decimal_places": 6}  # as Indicator.target_value
SCORE = {"max_digits": 8, "decimal_places": 2}
SHARE = {"max_digits": 6, "decimal_places": 4}


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("优")
    GOOD = "good", _("良")
    FAIR = "fair", _("中")
    POOR = "poor", _("差")


class Rounding(models.TextChoices):
    HALF_UP = "half_up", _("四舍五入")
    DOWN = "down", _("向下舍去")


class EvaluationSettings(models.Model):
    """A finance bureau's evaluation rules for a fiscal year (defaults: RULES.md). Changing
    them makes the stored results stale until ``results_recompute`` runs."""

    bureau = models.ForeignKey(
        "orgs.Organization", verbose_name="财政部门", on_delete=models.PROTECT, related_name="+"
    )
    fiscal_year = models.PositiveSmallIntegerField("预算年度")
    excellent_min = models.DecimalField("“优”最低分", **SCORE, default=Decimal(90))
    good_min = models.DecimalField("“良”最低分", **SCORE, default=Decimal(80))
    fair_min = models.DecimalField("“中”最低分", **SCORE, default=Decimal(60))
    execution_full = models.DecimalField("预算执行率分值", **SCORE, default=Decimal(10))
    decimals = models.PositiveSmallIntegerField("得分保留小数位", default=2)
    rounding = models.CharField(
        "舍入方式", max_length=16, choices=Rounding.choices, default=Rounding.HALF_UP
    )
    fair_cut = models.DecimalField(
        "“中”等级压减比例", **SHARE, default=Decimal("0.1"), help_text="如0.1表示压减10%。"
    )
    rule_version = models.PositiveIntegerField("规则版本", default=1)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = "绩效评价规则"
        verbose_name_plural = "绩效评价规则"
        constraints = [
            models.UniqueConstraint(
                fields=["bureau", "fiscal_year"], name="unique_evaluation_settings"
            ),
            models.CheckConstraint(
                condition=Q(fair_min__gt=0)
                & Q(good_min__gt=models.F("fair_min"))
                & Q(excellent_min__gt=models.F("good_min"))
                & Q(excellent_min__lte=100),
                name="evaluation_grades_ordered",
            ),
            models.CheckConstraint(
                condition=Q(fair_cut__gte=0, fair_cut__lte=1), name="evaluation_fair_cut_share"
            ),
            models.CheckConstraint(condition=Q(decimals__lte=4), name="evaluation_decimals_0_4"),
        ]

    def __str__(self) -> str:
        return f"{self.fiscal_year}年度绩效评价规则"

    @property
    def version_label(self) -> str:
        """The rule version as stored on results: ``2027.3``."""
        return f"{self.fiscal_year}.{self.rule_version}"


class ResultState(models.TextChoices):
    """The state of a self-evaluation, mirrored from its workflow case for set-based lists."""

    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待审核")
    RETURNED = "returned", _("已退回")
    APPROVED = "approved", _("已批复")


class ItemSource(models.TextChoices):
    TARGET = "target", _("绩效目标")
    MONITORING = "monitoring", _("监控预计完成值")
    SURVEY = "survey", _("满意度调查")
    MANUAL = "manual", _("单位填报")


class SelfEvaluation(models.Model):
    """项目支出绩效自评表 (or 部门整体支出绩效自评表) of one approved declaration."""

    project = models.OneToOneField(
        "budget.Project",
        verbose_name="项目",
        on_delete=models.PROTECT,
        related_name="self_evaluation",
    )
    unit = models.ForeignKey(
        "orgs.Organization",
        verbose_name="实施单位",
        on_delete=models.PROTECT,
        related_name="+",
    )
    fiscal_year = models.PositiveSmallIntegerField("预算年度")
    state = models.CharField(
        "状态", max_length=16, choices=ResultState.choices, default=ResultState.DRAFT
    )
    budget_initial = models.DecimalField("年初预算数", **MONEY)
    budget_full_year = models.DecimalField("全年预算数", **MONEY)
    executed = models.DecimalField("全年执行数", **MONEY)
    execution_full = models.DecimalField("预算执行率分值", **SCORE)
    execution_score = models.DecimalField("预算执行率得分", **SCORE, null=True, blank=True)
    execution_explanation = models.TextField("执行率偏低原因", blank=True)
    goal_expected = models.TextField("年度总体目标·预期目标", blank=True)
    goal_actual = models.TextField("年度总体目标·实际完成情况", blank=True)
    total = models.DecimalField("总分", **SCORE, null=True, blank=True)
    grade = models.CharField("等级", max_length=16, choices=Grade.choices, blank=True)
    # The total as the unit wrote it on its form (None: the computed one is taken).
    reported_total = models.DecimalField("填报总分", **SCORE, null=True, blank=True)
    rule_version = models.CharField("规则版本", max_length=20, blank=True)
    scored_at = models.DateTimeField("计分时间", null=True, blank=True)
    conclusion = models.TextField("评价结论", blank=True)
    manager = models.CharField("项目负责人", max_length=50, blank=True)
    finance_manager = models.CharField("财务负责人", max_length=50, blank=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = "绩效自评表"
        verbose_name_plural = "绩效自评表"
        ordering = ["-fiscal_year", "project"]
        indexes = [models.Index(fields=["fiscal_year", "state"])]

    def __str__(self) -> str:
        return f"{self.project} 绩效自评"

    @property
    def execution_rate(self) -> Decimal | None:
        if not self.budget_full_year:
            return None
        return self.executed / self.budget_full_year


class SelfEvaluationItem(models.Model):
    """One indicator row of the self-evaluation table."""

    self_evaluation = models.ForeignKey(
        SelfEvaluation,
        verbose_name="绩效自评表",
        on_delete=models.CASCADE,
        related_name="items",
        db_index=False,  # the (self_evaluation, position) index serves
    )
    indicator = models.ForeignKey(
        "indicators.Indicator",
        verbose_name="三级指标",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    position = models.PositiveIntegerField("顺序", default=0)
    level1 = models.CharField("一级指标", max_length=100)
    level2 = models.CharField("二级指标", max_length=100)
    name = models.CharField("三级指标", max_length=200)
    kind = models.CharField("指标性质", max_length=16, blank=True)
    rule = models.CharField("计分规则", max_length=40)
    target_value = models.DecimalField("年度指标值", **VALUE, null=True, blank=True)
    target_text = models.CharField("年度指标值（定性）", max_length=500, blank=True)
    unit = models.CharField("度量单位", max_length=30, blank=True)
    full_score = models.DecimalField("分值", **SCORE)
    actual = models.DecimalField("实际完成值", **VALUE, null=True, blank=True)
    level = models.CharField("定性完成情况", max_length=16, blank=True)
    assessed_score = models.DecimalField("定性评分", **SCORE, null=True, blank=True)
    source = models.CharField(
        "完成值来源", max_length=16, choices=ItemSource.choices, default=ItemSource.TARGET
    )
    source_note = models.TextField("来源说明", blank=True)
    score = models.DecimalField("得分", **SCORE, null=True, blank=True)
    computed_score = models.DecimalField("按规则得分", **SCORE, null=True, blank=True)
    reported_score = models.DecimalField("填报得分", **SCORE, null=True, blank=True)
    explanation = models.TextField("偏差原因分析及改进措施", blank=True)
    explain = models.TextField("计分说明", blank=True)
    flags = models.JSONField("计分标记", default=list, blank=True)

    class Meta:
        verbose_name = "绩效自评指标"
        verbose_name_plural = "绩效自评指标"
        ordering = ["self_evaluation", "position", "id"]
        indexes = [models.Index(fields=["self_evaluation", "position"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_qualitative(self) -> bool:
        return self.rule == "qualitative"


class EvaluationKind(models.TextChoices):
    KEY = "key", _("重点评价")
    REEVALUATION = "reevaluation", _("再评价")
    DEPARTMENT = "department", _("部门整体支出评价")


class EvaluationState(models.TextChoices):
    DRAFT = "draft", _("准备中")
    SCORING = "scoring", _("评分中")
    FINISHED = "finished", _("已完成")


class Combination(models.TextChoices):
    MEAN = "mean", _("算术平均")
    TRIMMED_MEAN = "trimmed_mean", _("去掉最高分和最低分后平均")


class Method(models.TextChoices):
    COST_BENEFIT = "cost_benefit", _("成本效益分析法")
    COMPARISON = "comparison", _("比较法")
    FACTOR_ANALYSIS = "factor_analysis", _("因素分析法")
    LOWEST_COST = "lowest_cost", _("最低成本法")
    PUBLIC_JUDGEMENT = "public_judgement", _("公众评判法")
    BENCHMARKING = "benchmarking", _("标杆管理法")
    OTHER = "other", _("其他方法")


class Standard(models.TextChoices):
    PLAN = "plan", _("计划标准")
    SECTOR = "sector", _("行业标准")
    HISTORICAL = "historical", _("历史标准")
    OTHER = "other", _("其他标准")


class Category(models.TextChoices):
    DECISION = "decision", _("决策")
    PROCESS = "process", _("过程")
    OUTPUT = "output", _("产出")
    BENEFIT = "benefit", _("效益")


class Evaluation(models.Model):
    """A finance-bureau evaluation of one declaration: key evaluation with the framework, a
    re-evaluation of its self-evaluation, or a department overall evaluation."""

    bureau = models.ForeignKey(
        "orgs.Organization", verbose_name="财政部门", on_delete=models.PROTECT, related_name="+"
    )
    fiscal_year = models.PositiveSmallIntegerField("预算年度")
    kind = models.CharField("评价类型", max_length=16, choices=EvaluationKind.choices)
    project = models.ForeignKey(
        "budget.Project", verbose_name="项目", on_delete=models.PROTECT, related_name="evaluations"
    )
    self_evaluation = models.ForeignKey(
        SelfEvaluation,
        verbose_name="被再评价的自评表",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reevaluations",
    )
    title = models.CharField("名称", max_length=200)
    state = models.CharField(
        "状态", max_length=16, choices=EvaluationState.choices, default=EvaluationState.DRAFT
    )
    combination = models.CharField(
        "专家评分合成方式", max_length=16, choices=Combination.choices, default=Combination.MEAN
    )
    weight_decision = models.DecimalField("决策权重", **SCORE, default=Decimal(20))
    weight_process = models.DecimalField("过程权重", **SCORE, default=Decimal(20))
    weight_output = models.DecimalField("产出权重", **SCORE, default=Decimal(30))
    weight_benefit = models.DecimalField("效益权重", **SCORE, default=Decimal(30))
    methods = models.JSONField("评价方法", default=list, blank=True)
    standards = models.JSONField("评价标准", default=list, blank=True)
    method_note = models.TextField("方法与标准说明", blank=True)
    full_cycle = models.BooleanField("全周期评价", default=False)
    cycle_start = models.PositiveSmallIntegerField("评价起始年度", null=True, blank=True)
    cycle_end = models.PositiveSmallIntegerField("评价终止年度", null=True, blank=True)
    selection = models.JSONField("选取条件", default=dict, blank=True)
    total = models.DecimalField("总分", **SCORE, null=True, blank=True)
    grade = models.CharField("等级", max_length=16, choices=Grade.choices, blank=True)
    rule_version = models.CharField("规则版本", max_length=20, blank=True)
    conclusion = models.TextField("评价结论", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="创建人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "绩效评价"
        verbose_name_plural = "绩效评价"
        ordering = ["-fiscal_year", "-id"]
        indexes = [models.Index(fields=["bureau", "fiscal_year", "kind"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(cycle_start__isnull=True)
                | Q(cycle_end__isnull=True)
                | Q(cycle_end__gte=models.F("cycle_start")),
                name="evaluation_cycle_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def weights(self) -> dict[str, Decimal]:
        return {
            Category.DECISION: self.weight_decision,
            Category.PROCESS: self.weight_process,
            Category.OUTPUT: self.weight_output,
            Category.BENEFIT: self.weight_benefit,
        }

    @property
    def method_labels(self) -> list[str]:
        labels = dict(Method.choices)
        return [str(labels.get(code, code)) for code in self.methods]

    @property
    def standard_labels(self) -> list[str]:
        labels = dict(Standard.choices)
        return [str(labels.get(code, code)) for code in self.standards]


class EvaluationItem(models.Model):
    """A scored row of an evaluation: a framework indicator scored by the experts (``rule``
    empty), or, in a re-evaluation, a row of the self-evaluation rescored by the engine."""

    evaluation = models.ForeignKey(
        Evaluation, verbose_name="绩效评价", on_delete=models.CASCADE, related_name="items"
    )
    position = models.PositiveIntegerField("顺序", default=0)
    category = models.CharField("类别", max_length=16, choices=Category.choices, blank=True)
    level1 = models.CharField("一级指标", max_length=100)
    level2 = models.CharField("二级指标", max_length=100)
    name = models.CharField("三级指标", max_length=200)
    full_score = models.DecimalField("分值", **SCORE)
    # Re-evaluation: the row of the self-evaluation and what the unit scored it.
    self_item = models.ForeignKey(
        SelfEvaluationItem,
        verbose_name="自评指标",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    self_score = models.DecimalField("自评得分", **SCORE, null=True, blank=True)
    rule = models.CharField("计分规则", max_length=40, blank=True)
    target_value = models.DecimalField("年度指标值", **VALUE, null=True, blank=True)
    unit = models.CharField("度量单位", max_length=30, blank=True)
    actual = models.DecimalField("核实完成值", **VALUE, null=True, blank=True)
    level = models.CharField("定性完成情况", max_length=16, blank=True)
    adjusted_score = models.DecimalField("评价人调整得分", **SCORE, null=True, blank=True)
    reason = models.TextField("调整理由", blank=True)
    score = models.DecimalField("得分", **SCORE, null=True, blank=True)
    explain = models.TextField("计分说明", blank=True)

    class Meta:
        verbose_name = "绩效评价指标"
        verbose_name_plural = "绩效评价指标"
        ordering = ["evaluation", "position", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def difference(self) -> Decimal | None:
        """再评价 − 自评 (negative: the unit scored itself too high)."""
        if self.score is None or self.self_score is None:
            return None
        return self.score - self.self_score


class AssignmentRole(models.TextChoices):
    THIRD_PARTY = "third_party", _("第三方机构")
    EXPERT = "expert", _("评审专家")


class EvaluationAssignment(models.Model):
    """A person assigned to an evaluation: the only way a third-party evaluator or an
    expert sees it (per assignment, not per organisation subtree)."""

    evaluation = models.ForeignKey(
        Evaluation, verbose_name="绩效评价", on_delete=models.CASCADE, related_name="assignments"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="人员",
        on_delete=models.PROTECT,
        related_name="evaluation_assignments",
    )
    role = models.CharField("角色", max_length=16, choices=AssignmentRole.choices)
    agency = models.CharField("所在机构", max_length=200, blank=True)
    submitted_at = models.DateTimeField("评分提交时间", null=True, blank=True)
    created_at = models.DateTimeField("指派时间", auto_now_add=True)

    class Meta:
        verbose_name = "评价人员指派"
        verbose_name_plural = "评价人员指派"
        ordering = ["evaluation", "id"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "user"], name="unique_evaluation_user"),
        ]

    def __str__(self) -> str:
        return f"{self.evaluation} · {self.user}"


class ExpertScore(models.Model):
    """One expert's score of one framework item."""

    assignment = models.ForeignKey(
        EvaluationAssignment, verbose_name="指派", on_delete=models.CASCADE, related_name="scores"
    )
    item = models.ForeignKey(
        EvaluationItem, verbose_name="指标", on_delete=models.CASCADE, related_name="expert_scores"
    )
    score = models.DecimalField("得分", **SCORE)
    comment = models.TextField("评分意见", blank=True)

    class Meta:
        verbose_name = "专家评分"
        verbose_name_plural = "专家评分"
        constraints = [
            models.UniqueConstraint(fields=["assignment", "item"], name="unique_expert_score"),
        ]

    def __str__(self) -> str:
        return f"{self.item}: {self.score}"


class JobState(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("计算中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class RecomputeJob(models.Model):
    """A bulk recompute of a bureau's results of a year, done in batches (``cursor``: the last
    self-evaluation id done), so a page can drive it and show its progress."""

    bureau = models.ForeignKey(
        "orgs.Organization", verbose_name="财政部门", on_delete=models.PROTECT, related_name="+"
    )
    fiscal_year = models.PositiveSmallIntegerField("预算年度")
    reason = models.CharField("原因", max_length=500)
    rule_version = models.CharField("规则版本", max_length=20)
    state = models.CharField(
        "状态", max_length=16, choices=JobState.choices, default=JobState.QUEUED
    )
    total = models.PositiveIntegerField("总数", default=0)
    done = models.PositiveIntegerField("已完成", default=0)
    changed = models.PositiveIntegerField("结果变化数", default=0)
    refused = models.PositiveIntegerField("无法计分数", default=0)
    cursor = models.BigIntegerField("进度位置", default=0)
    error = models.TextField("错误", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发起人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("发起时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "重新计分任务"
        verbose_name_plural = "重新计分任务"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.fiscal_year}年度重新计分 #{self.pk}"

    @property
    def percent(self) -> int:
        if not self.total:
            return 100 if self.state == JobState.DONE else 0
        return min(100, self.done * 100 // self.total)


class ResultHistory(models.Model):
    """A result replaced by a recompute: what it was and what it became. Written only."""

    job = models.ForeignKey(
        RecomputeJob,
        verbose_name="重新计分任务",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="history",
        db_constraint=False,
    )
    self_evaluation = models.ForeignKey(
        SelfEvaluation,
        verbose_name="绩效自评表",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="history",
        db_constraint=False,
        db_index=False,  # the (self_evaluation, recorded_at) index serves
    )
    evaluation = models.ForeignKey(
        Evaluation,
        verbose_name="绩效评价",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="history",
        db_constraint=False,
    )
    old_total = models.DecimalField("原总分", **SCORE, null=True, blank=True)
    old_grade = models.CharField("原等级", max_length=16, blank=True)
    old_rule_version = models.CharField("原规则版本", max_length=20, blank=True)
    new_total = models.DecimalField("新总分", **SCORE, null=True, blank=True)
    new_grade = models.CharField("新等级", max_length=16, blank=True)
    new_rule_version = models.CharField("新规则版本", max_length=20, blank=True)
    recorded_at = models.DateTimeField("记录时间")

    class Meta:
        verbose_name = "评价结果历史"
        verbose_name_plural = "评价结果历史"
        ordering = ["-recorded_at", "-id"]
        indexes = [models.Index(fields=["self_evaluation", "recorded_at"])]

    def __str__(self) -> str:
        return f"{self.old_total} → {self.new_total}"
