"""Indicator trees (CORE-1): templates, and the trees copied from them into a project, an
appraisal or an assessment. Scoring happens in the pure engine (``scoring/``); ``sheets.py``
turns a tree and its actual values into an engine sheet."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models


class TreeKind(models.TextChoices):
    TEMPLATE = "template", "模板"
    INSTANCE = "instance", "指标体系"


class TreeDomain(models.TextChoices):
    BUDGET_TARGET = "budget_target", "项目支出绩效目标"
    DEPARTMENT_TARGET = "department_target", "部门整体支出绩效目标"
    SELF_EVALUATION = "self_evaluation", "绩效自评"
    EVALUATION = "evaluation", "绩效评价"
    EX_ANTE = "ex_ante", "事前绩效评估"
    APPRAISAL = "appraisal", "员工绩效考核"
    GOVERNMENT = "government", "政府绩效评估"
    OTHER = "other", "其他"


class Rounding(models.TextChoices):
    HALF_UP = "half_up", "四舍五入"
    DOWN = "down", "向下取整（舍去）"


def default_grades() -> list[dict[str, object]]:
    return [
        {"code": "excellent", "label": "优", "min": 90},
        {"code": "good", "label": "良", "min": 80},
        {"code": "fair", "label": "中", "min": 60},
        {"code": "poor", "label": "差", "min": 0},
    ]


def default_bands() -> list[str]:
    return ["0.8", "0.6"]


class IndicatorTree(models.Model):
    """A weighted tree of indicators with the scoring options that apply to it.

    A template (``kind=template``) is reusable and copied with ``tree_copy``; an instance
    belongs to an owner object of a domain (``owner_type``/``owner_id``, e.g.
    ``budget.project``/``42``), which the core does not need to know.
    """

    kind = models.CharField("类型", max_length=16, choices=TreeKind.choices)
    domain = models.CharField("用途", max_length=32, choices=TreeDomain.choices)
    name = models.CharField("名称", max_length=200)
    description = models.TextField("说明", blank=True)
    code = models.CharField("模板代码", max_length=64, blank=True, db_index=True)
    # None: a system-wide template; otherwise the organisation that owns the tree.
    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name="所属组织",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="indicator_trees",
    )
    source = models.ForeignKey(
        "self",
        verbose_name="来源模板",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="copies",
    )
    owner_type = models.CharField("所属对象类型", max_length=100, blank=True)
    owner_id = models.CharField("所属对象ID", max_length=64, blank=True)
    scale = models.DecimalField("满分", max_digits=8, decimal_places=2, default=Decimal(100))
    decimals = models.PositiveSmallIntegerField("保留小数位", default=2)
    rounding = models.CharField(
        "舍入方式", max_length=16, choices=Rounding.choices, default=Rounding.HALF_UP
    )
    qualitative_bands = models.JSONField("定性档位", default=default_bands)
    grades = models.JSONField("等级标准", default=default_grades)
    rule_version = models.CharField("计分规则版本", max_length=50, default="jixiao-sheet/1")
    is_active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="创建人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "指标体系"
        verbose_name_plural = "指标体系"
        ordering = ["domain", "name", "id"]
        indexes = [models.Index(fields=["owner_type", "owner_id"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(decimals__lte=4), name="tree_decimals_0_4"),
        ]

    def __str__(self) -> str:
        return self.name


class IndicatorKind(models.TextChoices):
    QUANTITATIVE = "quantitative", "定量"
    QUALITATIVE = "qualitative", "定性"


class Direction(models.TextChoices):
    GTE = "gte", "≥"
    LTE = "lte", "≤"
    EQ = "eq", "="
    RANGE = "range", "区间"


class TargetBasis(models.TextChoices):
    PLAN = "plan", "计划标准"
    SECTOR = "sector", "行业标准"
    HISTORICAL = "historical", "历史标准"
    BUDGET_STANDARD = "budget_standard", "预算支出标准"
    OTHER = "other", "其他标准"


class Indicator(models.Model):
    """A node of an indicator tree: a group (it has children) or a scored leaf.

    ``rule`` names a rule of the scoring engine (``gte``, ``lte``, ``eq``, ``lte_ratio``,
    ``qualitative``, ``tiers``, ``budget_execution``, ``bonus``, ``penalty`` or one a province
    registered); ``rule_params`` holds its extra parameters (tiers, points, cap).
    """

    tree = models.ForeignKey(IndicatorTree, on_delete=models.CASCADE, related_name="indicators")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    position = models.PositiveIntegerField("顺序", default=0)
    level = models.PositiveSmallIntegerField("级次", default=1)
    name = models.CharField("指标名称", max_length=200)
    code = models.CharField("指标代码", max_length=64, blank=True)
    kind = models.CharField("指标性质", max_length=16, choices=IndicatorKind.choices, blank=True)
    direction = models.CharField("指标方向", max_length=8, choices=Direction.choices, blank=True)
    target_value = models.DecimalField(
        "指标值", max_digits=20, decimal_places=6, null=True, blank=True
    )
    target_text = models.CharField("指标值（定性）", max_length=500, blank=True)
    unit = models.CharField("度量单位", max_length=30, blank=True)
    full_score = models.DecimalField("分值", max_digits=8, decimal_places=2, null=True, blank=True)
    rule = models.CharField("计分规则", max_length=40, blank=True)
    rule_params = models.JSONField("计分参数", default=dict, blank=True)
    basis = models.CharField(
        "指标值确定依据", max_length=20, choices=TargetBasis.choices, blank=True
    )
    formula = models.CharField("计算公式", max_length=500, blank=True)
    explanation = models.TextField("指标解释", blank=True)
    library_entry_id = models.BigIntegerField("指标库条目", null=True, blank=True)

    class Meta:
        verbose_name = "指标"
        verbose_name_plural = "指标"
        ordering = ["tree", "parent_id", "position", "id"]
        indexes = [models.Index(fields=["tree", "parent", "position"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_scored(self) -> bool:
        return bool(self.rule)
