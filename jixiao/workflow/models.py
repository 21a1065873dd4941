"""The review workflow (审核流程, CORE-3): one mechanism for every reviewed form.

A domain object that is reviewed (a project's target declaration, a monthly appraisal, a
self-check) is the *subject* of one :class:`WorkflowCase`, named generically by
``subject_type`` ("budget.target") and ``subject_id``, so the core never imports a domain.
The case carries the subject's organisation for scoping, its state, the level under review and
the organisation reviewing there. :class:`WorkflowStep` is the dated, attributed history of
every transition; :class:`ReviewComment` the reviewers' comments on the form or on one item,
kept across rounds with the unit's resolution; :class:`WorkflowVersion` a JSON snapshot of the
subject at each submission and at approval, so that any two versions can be compared.
Transitions go through :mod:`jixiao.workflow.services` only.

Design choices, and why:

- **No "withdrawn" state.** Withdrawing (撤回) takes a form that nobody has reviewed yet back
  to draft; a withdrawn form *is* a draft the unit may change and submit again. The history
  keeps the withdraw step, so nothing is lost, and every list and rule has one state less.
- **One "submitted" state plus a level**, not one state per level: the levels differ per kind
  of form (and per unit: a unit directly under the bureau skips the department), so the state
  set stays fixed and ``current_level`` with ``reviewing_organization`` says where it waits.
- **An adjustment is a new round of the same case**, not a new case: the history, comments and
  versions of the original declaration and of each adjustment stay together. While an
  adjustment is drafted and reviewed, ``approved_version`` keeps pointing at the snapshot in
  force; only approving the adjustment replaces it.
- **``revision``** counts transitions. A service refuses to act on a case whose revision has
  moved since the caller read it, under ``select_for_update``: of two reviewers pressing
  通过 at once, the second is told the form was handled already instead of acting on a state
  they did not see.
- **Definitions live in code** (:mod:`jixiao.workflow.definitions`); the case stores only the
  definition's key, and steps store the level's label as it was, so the history reads the same
  after a definition changes.
"""

from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jixiao.orgs.models import Organization
from jixiao.workflow.definitions import find_definition


class WorkflowState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待审核")
    RETURNED = "returned", _("已退回")
    APPROVED = "approved", _("已批复")


EDITABLE_STATES = frozenset({WorkflowState.DRAFT, WorkflowState.RETURNED})


class CaseKind(models.TextChoices):
    ORIGINAL = "original", _("申报")
    ADJUSTMENT = "adjustment", _("调整")


class StepAction(models.TextChoices):
    SUBMIT = "submit", _("提交")
    WITHDRAW = "withdraw", _("撤回")
    APPROVE = "approve", _("审核通过")
    RETURN = "return", _("退回")
    REQUEST_ADJUSTMENT = "request_adjustment", _("申请调整")
    CANCEL_ADJUSTMENT = "cancel_adjustment", _("撤销调整")


class VersionPurpose(models.TextChoices):
    SUBMITTED = "submitted", _("提交")
    APPROVED = "approved", _("批复")


class WorkflowCase(models.Model):
    definition_key = models.CharField("流程", max_length=100, db_index=True)
    subject_type = models.CharField("对象类型", max_length=100)
    subject_id = models.PositiveBigIntegerField("对象ID")
    title = models.CharField("名称", max_length=255, blank=True)
    organization = models.ForeignKey(
        Organization, verbose_name="填报单位", on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(
        "状态", max_length=20, choices=WorkflowState.choices, default=WorkflowState.DRAFT
    )
    kind = models.CharField(
        "类型", max_length=20, choices=CaseKind.choices, default=CaseKind.ORIGINAL
    )
    current_level = models.PositiveSmallIntegerField("审核级次", null=True, blank=True)
    reviewing_organization = models.ForeignKey(
        Organization,
        verbose_name="审核单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    version_number = models.PositiveIntegerField("版本号", default=0)
    approved_version = models.ForeignKey(
        "WorkflowVersion",
        verbose_name="生效版本",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    locked = models.BooleanField("已锁定", default=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="提交人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    decided_at = models.DateTimeField("审结时间", null=True, blank=True)
    due_at = models.DateTimeField("审核截止时间", null=True, blank=True, db_index=True)
    revision = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = "审核流程"
        verbose_name_plural = "审核流程"
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["subject_type", "subject_id"], name="workflow_one_case_per_subject"
            ),
            # Waiting for review ⇔ a level and a reviewing organisation are set.
            models.CheckConstraint(
                condition=Q(
                    state=WorkflowState.SUBMITTED,
                    current_level__isnull=False,
                    reviewing_organization__isnull=False,
                )
                | (
                    ~Q(state=WorkflowState.SUBMITTED)
                    & Q(current_level__isnull=True, reviewing_organization__isnull=True)
                ),
                name="workflow_case_level_iff_submitted",
            ),
            # Approved ⇔ locked.
            models.CheckConstraint(
                condition=Q(state=WorkflowState.APPROVED, locked=True)
                | (~Q(state=WorkflowState.APPROVED) & Q(locked=False)),
                name="workflow_case_locked_iff_approved",
            ),
        ]
        indexes = [
            models.Index(
                fields=["definition_key", "state", "current_level"], name="workflow_case_queue"
            ),
            models.Index(fields=["reviewing_organization", "state"], name="workflow_case_rev_org"),
        ]

    def __str__(self) -> str:
        return self.title or f"{self.subject_type}#{self.subject_id}"

    @property
    def is_editable(self) -> bool:
        """For display (edit buttons). Services call ``services.ensure_editable`` instead."""
        return self.state in EDITABLE_STATES

    @property
    def is_overdue(self) -> bool:
        return (
            self.state == WorkflowState.SUBMITTED
            and self.due_at is not None
            and self.due_at < timezone.now()
        )

    @property
    def level_label(self) -> str:
        """The label of the level the case waits at ("财政审核"), or ""."""
        definition = find_definition(self.definition_key)
        return definition.level_label(self.current_level) if definition else ""


class WorkflowVersion(models.Model):
    """The subject as it was submitted (or approved), numbered 1, 2, … per case."""

    case = models.ForeignKey(WorkflowCase, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField("版本号")
    purpose = models.CharField("用途", max_length=20, choices=VersionPurpose.choices)
    kind = models.CharField("类型", max_length=20, choices=CaseKind.choices)
    data = models.JSONField("内容", encoder=DjangoJSONEncoder)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="创建人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "版本"
        verbose_name_plural = "版本"
        ordering = ["case", "number"]
        constraints = [
            models.UniqueConstraint(fields=["case", "number"], name="workflow_version_number")
        ]

    def __str__(self) -> str:
        return f"第{self.number}版（{self.get_purpose_display()}）"


class WorkflowStep(models.Model):
    """One transition of a case: who did what, for which organisation, when, and why."""

    case = models.ForeignKey(WorkflowCase, on_delete=models.PROTECT, related_name="steps")
    action = models.CharField("操作", max_length=30, choices=StepAction.choices)
    from_state = models.CharField("原状态", max_length=20, choices=WorkflowState.choices)
    to_state = models.CharField("新状态", max_length=20, choices=WorkflowState.choices)
    level = models.PositiveSmallIntegerField("审核级次", null=True, blank=True)
    level_label = models.CharField("审核环节", max_length=100, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name="代表单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    comment = models.TextField("意见", blank=True)
    # What the decision carries beyond words: the approved budget amount, an adjustment's
    # proposed amount … (JSON, decimals as text).
    data = models.JSONField("附加数据", null=True, blank=True, encoder=DjangoJSONEncoder)
    version = models.ForeignKey(
        WorkflowVersion,
        verbose_name="版本",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "流程记录"
        verbose_name_plural = "流程记录"
        ordering = ["case", "id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.created_at:%Y-%m-%d %H:%M}"


class ReviewComment(models.Model):
    """A reviewer's comment on the whole form (``item_key`` "") or on one item of it
    ("indicator:123"). Never deleted: the unit marks it resolved, with a reply."""

    case = models.ForeignKey(WorkflowCase, on_delete=models.PROTECT, related_name="comments")
    step = models.ForeignKey(WorkflowStep, on_delete=models.PROTECT, related_name="review_comments")
    item_key = models.CharField("对象项", max_length=100, blank=True, db_index=True)
    text = models.TextField("意见")
    level = models.PositiveSmallIntegerField("审核级次", null=True, blank=True)
    level_label = models.CharField("审核环节", max_length=100, blank=True)
    version_number = models.PositiveIntegerField("针对版本")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审核人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name="审核单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("时间", auto_now_add=True)
    resolved_at = models.DateTimeField("处理时间", null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="处理人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reply = models.TextField("处理说明", blank=True)

    class Meta:
        verbose_name = "审核意见"
        verbose_name_plural = "审核意见"
        ordering = ["case", "id"]

    def __str__(self) -> str:
        return self.text[:50]

    @property
    def is_resolved(self) -> bool:
        return self.resolved_at is not None
