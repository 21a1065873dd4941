"""Indicator trees (CORE-1): templates, and the trees copied from them into a project, an
appraisal or an assessment. Scoring happens in the pure engine (``scoring/``); ``sheets.py``
turns a tree and its actual values into an engine sheet."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TreeKind(models.TextChoices):
    TEMPLATE = "template", _("模板")
    INSTANCE = "instance", _("指标体系")


class TreeDomain(models.TextChoices):
    BUDGET_TARGET = "budget_target", _("项目支出绩效目标")
    DEPARTMENT_TARGET = "department_target", _("部门整体支出绩效目标")
    SELF_EVALUATION = "self_evaluation", _("绩效自评")
    EVALUATION = "evaluation", _("绩效评价")
    EX_ANTE = "ex_ante", _("事前绩效评估")
    APPRAISAL = "appraisal", _("员工绩效考核")
    GOVERNMENT = "government", _("政府绩效评估")
    OTHER = "other", _("其他")


class Rounding(models.TextChoices):
    HALF_UP = "half_up", _("四舍五入")
    DOWN = "down", _("向下取整（舍去）")


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

    kind = models.CharField(_("类型"), max_length=16, choices=TreeKind.choices)
    domain = models.CharField(_("用途"), max_length=32, choices=TreeDomain.choices)
    name = models.CharField(_("名称"), max_length=200)
    description = models.TextField(_("说明"), blank=True)
    code = models.CharField(_("模板代码"), max_length=64, blank=True, db_index=True)
    # None: a system-wide template; otherwise the organisation that owns the tree.
    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("所属组织"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="indicator_trees",
    )
    source = models.ForeignKey(
        "self",
        verbose_name=_("来源模板"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="copies",
    )
    owner_type = models.CharField(_("所属对象类型"), max_length=100, blank=True)
    owner_id = models.CharField(_("所属对象ID"), max_length=64, blank=True)
    scale = models.DecimalField(_("满分"), max_digits=8, decimal_places=2, default=Decimal(100))
    decimals = models.PositiveSmallIntegerField(_("保留小数位"), default=2)
    rounding = models.CharField(
        _("舍入方式"), max_length=16, choices=Rounding.choices, default=Rounding.HALF_UP
    )
    qualitative_bands = models.JSONField(_("定性档位"), default=default_bands)
    grades = models.JSONField(_("等级标准"), default=default_grades)
    rule_version = models.CharField(_("计分规则版本"), max_length=50, default="jixiao-sheet/1")
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("指标体系")
        verbose_name_plural = _("指标体系")
        ordering = ["domain", "name", "id"]
        indexes = [models.Index(fields=["owner_type", "owner_id"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(decimals__lte=4), name="tree_decimals_0_4"),
        ]

    def __str__(self) -> str:
        return self.name


class IndicatorKind(models.TextChoices):
    QUANTITATIVE = "quantitative", _("定量")
    QUALITATIVE = "qualitative", _("定性")


class Direction(models.TextChoices):
    GTE = "gte", "≥"
    LTE = "lte", "≤"
    EQ = "eq", "="
    RANGE = "range", _("区间")


class TargetBasis(models.TextChoices):
    PLAN = "plan", _("计划标准")
    SECTOR = "sector", _("行业标准")
    HISTORICAL = "historical", _("历史标准")
    BUDGET_STANDARD = "budget_standard", _("预算支出标准")
    OTHER = "other", _("其他标准")


class Indicator(models.Model):
    """A node of an indicator tree: a group (it has children) or a scored leaf.

    ``rule`` names a rule of the scoring engine (``gte``, ``lte``, ``eq``, ``lte_ratio``,
    ``qualitative``, ``tiers``, ``budget_execution``, ``bonus``, ``penalty`` or one a province
    registered); ``rule_params`` holds its extra parameters (tiers, points, cap).
    """

    # No index of its own: the (tree, parent, position) index below leads with it, and an
    # import of 100 000 indicators would keep both up to date.
    tree = models.ForeignKey(
        IndicatorTree, on_delete=models.CASCADE, related_name="indicators", db_index=False
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    position = models.PositiveIntegerField(_("顺序"), default=0)
    level = models.PositiveSmallIntegerField(_("级次"), default=1)
    name = models.CharField(_("指标名称"), max_length=200)
    code = models.CharField(_("指标代码"), max_length=64, blank=True)
    kind = models.CharField(_("指标性质"), max_length=16, choices=IndicatorKind.choices, blank=True)
    direction = models.CharField(_("指标方向"), max_length=8, choices=Direction.choices, blank=True)
    target_value = models.DecimalField(
        _("指标值"), max_digits=20, decimal_places=6, null=True, blank=True
    )
    target_text = models.CharField(_("指标值（定性）"), max_length=500, blank=True)
    unit = models.CharField(_("度量单位"), max_length=30, blank=True)
    full_score = models.DecimalField(
        _("分值"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    rule = models.CharField(_("计分规则"), max_length=40, blank=True)
    rule_params = models.JSONField(_("计分参数"), default=dict, blank=True)
    basis = models.CharField(
        _("指标值确定依据"), max_length=20, choices=TargetBasis.choices, blank=True
    )
    formula = models.CharField(_("计算公式"), max_length=500, blank=True)
    standard_value = models.DecimalField(
        _("预算支出标准"),
        max_digits=20,
        decimal_places=6,
        null=True,
        blank=True,
        help_text=_("以预算支出标准为依据的成本指标，指标值不得超过此标准。"),
    )
    # Past years' values of the same indicator, {"2025": "24", "2024": "20"} (上年/前年指标值).
    previous_values = models.JSONField(_("以前年度指标值"), default=dict, blank=True)
    explanation = models.TextField(_("指标解释"), blank=True)
    library_entry_id = models.BigIntegerField(_("指标库条目"), null=True, blank=True)

    class Meta:
        verbose_name = _("指标")
        verbose_name_plural = _("指标")
        ordering = ["tree", "parent_id", "position", "id"]
        indexes = [models.Index(fields=["tree", "parent", "position"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_scored(self) -> bool:
        return bool(self.rule)


class LibrarySource(models.TextChoices):
    COMMON = "common", _("共性指标")
    SECTOR = "sector", _("行业指标")
    PROMOTED = "promoted", _("审核入库")


class LibraryIndicator(models.Model):
    """An entry of the indicator library (指标库, BUD-4): a well-formed indicator that units
    search and copy into their declarations, with the values it had in past years."""

    name = models.CharField(_("指标名称"), max_length=200, db_index=True)
    level1 = models.CharField(_("一级指标"), max_length=50)
    level2 = models.CharField(_("二级指标"), max_length=50)
    sector = models.CharField(_("行业领域（功能分类）"), max_length=10, blank=True, db_index=True)
    category = models.CharField(_("行业类别"), max_length=100, blank=True)
    fund_use = models.CharField(_("资金用途"), max_length=100, blank=True)
    keywords = models.CharField(_("关键词"), max_length=300, blank=True)
    kind = models.CharField(_("指标性质"), max_length=16, choices=IndicatorKind.choices)
    direction = models.CharField(_("指标方向"), max_length=8, choices=Direction.choices, blank=True)
    unit = models.CharField(_("度量单位"), max_length=30, blank=True)
    reference_value = models.DecimalField(
        _("参考值"), max_digits=20, decimal_places=6, null=True, blank=True
    )
    basis = models.CharField(
        _("指标值确定依据"), max_length=20, choices=TargetBasis.choices, blank=True
    )
    formula = models.CharField(_("计算公式"), max_length=500, blank=True)
    explanation = models.TextField(_("指标解释"), blank=True)
    # Past years' values: targets and actuals, {"2025": {"target": "24", "actual": "22"}}.
    history = models.JSONField(_("历史值"), default=dict, blank=True)
    source = models.CharField(_("来源"), max_length=16, choices=LibrarySource.choices)
    promoted_from = models.ForeignKey(
        Indicator,
        verbose_name=_("来源指标"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("所属组织"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("入库时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("指标库指标")
        verbose_name_plural = _("指标库")
        ordering = ["level1", "level2", "name", "id"]

    def __str__(self) -> str:
        return self.name
