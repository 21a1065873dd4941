"""Periods, deadlines and who has completed them (CORE-5).

A :class:`Period` is a span of a fiscal year (a month, a quarter, a monitoring round …).
A :class:`Deadline` is a window of a period in which some organisations must do something
(declare, monitor, review, give feedback); the organisations are resolved once, when the
deadline is set, into :class:`DeadlineTarget` rows, so that the overdue list of a past deadline
does not change when the organisation tree does. :class:`DeadlineCompletion` records who
finished, and when. Writes go through :mod:`jixiao.periods.services`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from jixiao.orgs.models import Organization, Role
from jixiao.periods import dates


class PeriodKind(models.TextChoices):
    YEAR = dates.YEAR, _("年度")
    HALF = dates.HALF, _("半年")
    QUARTER = dates.QUARTER, _("季度")
    MONTH = dates.MONTH, _("月度")
    MONITORING_ROUND = dates.MONITORING_ROUND, _("监控轮次")
    CUSTOM = dates.CUSTOM, _("自定义")


class Period(models.Model):
    """A span of a fiscal year. ``organization`` None: shared by everyone (the calendar
    months and quarters); otherwise it belongs to that organisation's tree (a finance bureau's
    monitoring round, a company's appraisal months)."""

    kind = models.CharField(_("期间类型"), max_length=20, choices=PeriodKind.choices)
    fiscal_year = models.PositiveSmallIntegerField(_("年度"))
    # Which half (1–2), quarter (1–4), month (1–12) or monitoring round (1, 2 …).
    number = models.PositiveSmallIntegerField(_("序号"), null=True, blank=True)
    name = models.CharField(_("名称"), max_length=100)
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"))
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("所属组织"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="periods",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("期间")
        verbose_name_plural = _("期间")
        ordering = ["-fiscal_year", "start_date", "end_date", "kind"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="period_dates_ordered"
            ),
            # NULLs are distinct in a unique index: shared periods need their own constraint.
            models.UniqueConstraint(
                fields=["kind", "start_date", "end_date", "name"],
                condition=Q(organization__isnull=True),
                name="unique_shared_period",
            ),
            models.UniqueConstraint(
                fields=["organization", "kind", "start_date", "end_date", "name"],
                name="unique_organization_period",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Deadline(models.Model):
    """A window of a period: ``target`` organisations (inside ``organization``'s subtree) must
    complete it between ``opens_on`` and ``due_at``; holders of ``role`` over them are the
    people concerned, who are reminded (``jixiao remind``)."""

    period = models.ForeignKey(
        Period, verbose_name=_("期间"), on_delete=models.PROTECT, related_name="deadlines"
    )
    title = models.CharField(_("名称"), max_length=200)
    description = models.TextField(_("说明"), blank=True)
    # What the work is, for the domain that marks completion ("budget.monitoring",
    # "appraisal.review" …); see services.deadline_complete_by_topic.
    topic = models.CharField(_("业务类型"), max_length=100, blank=True, db_index=True)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("设定单位"),
        on_delete=models.PROTECT,
        related_name="deadlines_set",
    )
    # The rule the targets were resolved from: the kinds of organisation in the subtree that
    # must complete it. Empty with explicit targets, or when the organisation itself must.
    target_kinds = models.JSONField(_("目标单位类型"), default=list, blank=True)
    targets = models.ManyToManyField(
        Organization,
        verbose_name=_("目标单位"),
        through="DeadlineTarget",
        related_name="targeted_deadlines",
    )
    # A Role value, checked by the services; no ``choices`` here so that a new role in orgs
    # does not need a migration of this app.
    role = models.CharField(_("责任角色"), max_length=32)
    opens_on = models.DateField(_("开始日期"), null=True, blank=True)
    due_at = models.DateTimeField(_("截止时间"), db_index=True)
    link = models.CharField(_("办理链接"), max_length=500, blank=True)
    is_active = models.BooleanField(_("有效"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("设定人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("截止事项")
        verbose_name_plural = _("截止事项")
        ordering = ["due_at", "id"]
        indexes = [models.Index(fields=["is_active", "due_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def role_label(self) -> str:
        return Role(self.role).label if self.role in Role.values else self.role


class DeadlineTarget(models.Model):
    """An organisation that must complete ``deadline``."""

    deadline = models.ForeignKey(
        Deadline, on_delete=models.CASCADE, related_name="deadline_targets"
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("目标单位"), on_delete=models.PROTECT, related_name="+"
    )
    # Named by hand rather than found through ``target_kinds``: kept when the kinds change.
    explicit = models.BooleanField(_("指定"), default=False)

    class Meta:
        verbose_name = _("截止事项目标单位")
        verbose_name_plural = _("截止事项目标单位")
        constraints = [
            models.UniqueConstraint(
                fields=["deadline", "organization"], name="unique_deadline_target"
            )
        ]

    def __str__(self) -> str:
        return f"{self.deadline_id}·{self.organization_id}"


class DeadlineCompletion(models.Model):
    """``organization`` completed ``deadline`` (marked by the domain service that did the work,
    or by hand). Reopening deletes the row; the audit trail keeps both events."""

    deadline = models.ForeignKey(
        Deadline, verbose_name=_("截止事项"), on_delete=models.CASCADE, related_name="completions"
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+"
    )
    completed_at = models.DateTimeField(_("完成时间"))
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("完成人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("完成记录")
        verbose_name_plural = _("完成记录")
        constraints = [
            models.UniqueConstraint(
                fields=["deadline", "organization"], name="unique_deadline_completion"
            )
        ]

    def __str__(self) -> str:
        return f"{self.deadline_id}·{self.organization_id}"
