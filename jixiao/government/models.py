"""Government performance assessment (政府绩效管理, GOV-1…5).

A :class:`Scheme` is one year's assessment of a township or a department: two indicator
trees on the engine (the quantitative part 量化评估 and the social part 社会评估), the weight
between them, the raters whose weighted scores make the total (分管领导, 干部职工, 考核组 …) and
bonus points. Every scored leaf of the two trees is an :class:`Item` assigned to an office and
a responsible person (责任分解), who enters periodic :class:`ItemValue` rows, self-checks and
self-evaluates with :class:`ItemEvidence`; the leadership group's office reviews and scores it
on the generic workflow (``government.item``).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SchemeState(models.TextChoices):
    DRAFT = "draft", _("设置中")
    ACTIVE = "active", _("实施中")


class Part(models.TextChoices):
    QUANTITATIVE = "quantitative", _("量化评估")
    SOCIAL = "social", _("社会评估")


class Frequency(models.TextChoices):
    MONTHLY = "monthly", _("按月")
    QUARTERLY = "quarterly", _("按季度")


class Aggregation(models.TextChoices):
    SUM = "sum", _("累计（各期相加）")
    LATEST = "latest", _("最新一期")


class Scheme(models.Model):
    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("考核对象"),
        on_delete=models.PROTECT,
        related_name="government_schemes",
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    name = models.CharField(_("方案名称"), max_length=200)
    quantitative_tree = models.OneToOneField(
        "indicators.IndicatorTree",
        verbose_name=_("量化评估指标体系"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    social_tree = models.OneToOneField(
        "indicators.IndicatorTree",
        verbose_name=_("社会评估指标体系"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    quantitative_weight = models.DecimalField(
        _("量化评估权重（%）"), max_digits=5, decimal_places=2, default=Decimal(70)
    )
    social_weight = models.DecimalField(
        _("社会评估权重（%）"), max_digits=5, decimal_places=2, default=Decimal(30)
    )
    bonus_points = models.DecimalField(
        _("加分"), max_digits=6, decimal_places=2, default=Decimal(0)
    )
    bonus_reason = models.CharField(_("加分理由"), max_length=500, blank=True)
    # The cadre appraisal rule (GOV-4): every item's score rate at least … → recommendation.
    excellent_min = models.DecimalField(
        _("优秀：各事项得分率不低于（%）"), max_digits=5, decimal_places=2, default=Decimal(90)
    )
    competent_min = models.DecimalField(
        _("称职：各事项得分率不低于（%）"), max_digits=5, decimal_places=2, default=Decimal(60)
    )
    state = models.CharField(
        _("状态"), max_length=16, choices=SchemeState.choices, default=SchemeState.DRAFT
    )
    published_at = models.DateTimeField(_("公开时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("公开审核人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("政府绩效考核方案")
        verbose_name_plural = _("政府绩效考核方案")
        ordering = ["-year", "organization__path"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "year"], name="gov_scheme_org_year"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class Rater(models.Model):
    """A rater component (评价主体) with its weight. The one ``is_assessment`` rater's score is
    the two parts combined by the engine (the assessment team, 考核组); the others' scores
    are entered by the leadership group's office."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="raters")
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)
    name = models.CharField(_("评价主体"), max_length=100)
    weight = models.DecimalField(_("权重（%）"), max_digits=5, decimal_places=2)
    is_assessment = models.BooleanField(_("按指标体系计分"), default=False)
    score = models.DecimalField(_("评分"), max_digits=6, decimal_places=2, null=True, blank=True)
    note = models.CharField(_("说明"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("评价主体")
        verbose_name_plural = _("评价主体")
        ordering = ["scheme", "position", "id"]

    def __str__(self) -> str:
        return self.name


class Item(models.Model):
    """One scored leaf of a scheme's trees, as a responsibility (责任事项)."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="items")
    indicator = models.OneToOneField(
        "indicators.Indicator", on_delete=models.CASCADE, related_name="government_item"
    )
    part = models.CharField(_("评估部分"), max_length=16, choices=Part.choices)
    position = models.PositiveIntegerField(_("顺序"), default=0)
    office = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("责任科室"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="government_items",
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("责任人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="government_items",
    )
    standard = models.TextField(_("考核标准"), blank=True)
    deadline = models.DateField(_("完成时限"), null=True, blank=True)
    frequency = models.CharField(
        _("报送频次"), max_length=16, choices=Frequency.choices, default=Frequency.MONTHLY
    )
    aggregation = models.CharField(
        _("完成值计算"), max_length=16, choices=Aggregation.choices, default=Aggregation.SUM
    )
    self_check = models.TextField(_("自查情况"), blank=True)
    self_score = models.DecimalField(
        _("自评得分"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    self_explanation = models.TextField(_("自评说明"), blank=True)
    review_score = models.DecimalField(
        _("考核得分"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    review_comment = models.TextField(_("考核意见"), blank=True)
    reviewed_at = models.DateTimeField(_("考核时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("考核人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Fed from a score another domain stores (``jixiao.lib.feeds``, e.g. the finance bureau's
    # finalised appraisal of the department's budget-performance work): the source, the
    # stored row taken and its version, the value and explanation as taken, when and by whom.
    # Taken again only by the office's action (``services.item_feed_pull``).
    feed_source = models.CharField(_("取数来源"), max_length=60, blank=True)
    feed_reference = models.CharField(_("取数依据"), max_length=100, blank=True)
    feed_version = models.CharField(_("取数版本"), max_length=100, blank=True)
    fed_value = models.DecimalField(
        _("取数完成值"), max_digits=20, decimal_places=6, null=True, blank=True
    )
    fed_explanation = models.TextField(_("取数说明"), blank=True)
    fed_at = models.DateTimeField(_("取数时间"), null=True, blank=True)
    fed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("取数人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("责任事项")
        verbose_name_plural = _("责任事项")
        ordering = ["scheme", "part", "position", "id"]
        indexes = [models.Index(fields=["responsible", "scheme"])]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "feed_source"],
                condition=~models.Q(feed_source=""),
                name="gov_item_one_per_feed_source",
            ),
        ]

    def __str__(self) -> str:
        return self.indicator.name

    @property
    def organization(self):  # type: ignore[no-untyped-def]
        """The organisation that answers for the item (its office, else the scheme's)."""
        return self.office or self.scheme.organization


class ItemValue(models.Model):
    """The value of an item for one period (``2026-03`` or ``2026-Q1``)."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="values")
    period = models.CharField(_("期间"), max_length=10)
    value = models.DecimalField(_("完成值"), max_digits=20, decimal_places=6)
    progress_note = models.TextField(_("进展情况"), blank=True)
    problems = models.TextField(_("存在问题"), blank=True)
    measures = models.TextField(_("措施"), blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    entered_at = models.DateTimeField(_("填报时间"), auto_now=True)

    class Meta:
        verbose_name = _("期间完成值")
        verbose_name_plural = _("期间完成值")
        ordering = ["item", "period"]
        constraints = [
            models.UniqueConstraint(fields=["item", "period"], name="gov_value_item_period"),
        ]

    def __str__(self) -> str:
        return f"{self.item_id} {self.period}"


def evidence_path(instance: ItemEvidence, filename: str) -> str:
    return f"government/evidence/{instance.item.scheme.year}/{instance.item_id}/{filename}"


class ItemEvidence(models.Model):
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("佐证材料"), upload_to=evidence_path)
    name = models.CharField(_("文件名"), max_length=255)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")
        ordering = ["item", "id"]

    def __str__(self) -> str:
        return self.name
