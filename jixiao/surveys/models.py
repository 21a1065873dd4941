"""Questionnaires for public judgement (公众评判法, BUD-9) and social assessment (GOV-5).

A survey belongs to an organisation (for scoping) and optionally to a subject of a domain,
named by a generic reference (``subject_type="budget.project"``, ``subject_id="42"``): the
core never imports a domain. Answers are anonymous: a response records neither person nor
address, and a used invitation code is not linked to the response it allowed.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jixiao.orgs.models import Organization

DEFAULT_IP_HOURLY_LIMIT = 30


class SurveyState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    OPEN = "open", _("收集中")
    CLOSED = "closed", _("已结束")


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("单选题")
    MULTIPLE = "multiple", _("多选题")
    RATING = "rating", _("评分题")
    TEXT = "text", _("填空题")


class SatisfactionMethod(models.TextChoices):
    NONE = "", _("不计入满意度")
    SHARE = "share", _("满意选项占比")
    POINTS = "points", _("平均分值÷满分")


class Survey(models.Model):
    organization = models.ForeignKey(
        Organization, verbose_name=_("组织"), on_delete=models.PROTECT, related_name="surveys"
    )
    title = models.CharField(_("标题"), max_length=200)
    description = models.TextField(_("说明"), blank=True)
    subject_type = models.CharField(_("关联对象类型"), max_length=64, blank=True)
    subject_id = models.CharField(_("关联对象编号"), max_length=64, blank=True)
    subject_label = models.CharField(_("关联对象"), max_length=255, blank=True)
    state = models.CharField(
        _("状态"), max_length=16, choices=SurveyState.choices, default=SurveyState.DRAFT
    )
    slug = models.CharField(max_length=40, unique=True, null=True, blank=True, editable=False)
    token_required = models.BooleanField(_("仅凭邀请码作答"), default=False)
    ip_hourly_limit = models.PositiveIntegerField(
        _("同一网络每小时最多提交份数"),
        default=DEFAULT_IP_HOURLY_LIMIT,
        help_text=_("公开链接的防刷限制；凭邀请码作答不受此限。"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("问卷")
        verbose_name_plural = _("问卷")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["subject_type", "subject_id"], name="survey_subject")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_draft(self) -> bool:
        return self.state == SurveyState.DRAFT

    @property
    def is_open(self) -> bool:
        return self.state == SurveyState.OPEN


class Question(models.Model):
    survey = models.ForeignKey(
        Survey, verbose_name=_("问卷"), on_delete=models.CASCADE, related_name="questions"
    )
    position = models.PositiveIntegerField(_("顺序"), default=0)
    kind = models.CharField(_("题型"), max_length=16, choices=QuestionKind.choices)
    text = models.CharField(_("题目"), max_length=500)
    help_text = models.CharField(_("提示"), max_length=300, blank=True)
    required = models.BooleanField(_("必答"), default=True)
    satisfaction = models.CharField(
        _("满意度计算"),
        max_length=16,
        choices=SatisfactionMethod.choices,
        default=SatisfactionMethod.NONE,
        blank=True,
    )

    class Meta:
        verbose_name = _("题目")
        verbose_name_plural = _("题目")
        ordering = ["survey", "position", "pk"]

    def __str__(self) -> str:
        return self.text

    @property
    def has_options(self) -> bool:
        return self.kind != QuestionKind.TEXT


class Option(models.Model):
    question = models.ForeignKey(
        Question, verbose_name=_("题目"), on_delete=models.CASCADE, related_name="options"
    )
    position = models.PositiveIntegerField(_("顺序"), default=0)
    label = models.CharField(_("选项"), max_length=200)
    points = models.DecimalField(_("分值"), max_digits=7, decimal_places=2, null=True, blank=True)
    satisfied = models.BooleanField(_("算作满意"), default=False)

    class Meta:
        verbose_name = _("选项")
        verbose_name_plural = _("选项")
        ordering = ["question", "position", "pk"]

    def __str__(self) -> str:
        return self.label


class InvitationToken(models.Model):
    """A one-time answer code printed on an invitation. Marked used when an answer is
    accepted; deliberately not linked to that answer, so handing codes to named people does
    not name their answers."""

    survey = models.ForeignKey(
        Survey, verbose_name=_("问卷"), on_delete=models.CASCADE, related_name="tokens"
    )
    code = models.CharField(_("邀请码"), max_length=16)
    used_at = models.DateTimeField(_("使用时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("邀请码")
        verbose_name_plural = _("邀请码")
        ordering = ["survey", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "code"], name="unique_survey_token")
        ]

    def __str__(self) -> str:
        return self.code


class Response(models.Model):
    """One submitted answer sheet: anonymous (no person, no address)."""

    survey = models.ForeignKey(
        Survey, verbose_name=_("问卷"), on_delete=models.CASCADE, related_name="responses"
    )
    submitted_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    by_token = models.BooleanField(_("凭邀请码"), default=False)

    class Meta:
        verbose_name = _("答卷")
        verbose_name_plural = _("答卷")
        ordering = ["survey", "pk"]

    def __str__(self) -> str:
        return f"{self.survey} #{self.pk}"


class Answer(models.Model):
    """One chosen option (a multiple-choice question gives one row per option) or one text."""

    response = models.ForeignKey(
        Response, verbose_name=_("答卷"), on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(
        Question, verbose_name=_("题目"), on_delete=models.CASCADE, related_name="answers"
    )
    option = models.ForeignKey(
        Option,
        verbose_name=_("选项"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="answers",
    )
    text = models.TextField(_("回答"), blank=True)

    class Meta:
        verbose_name = _("回答")
        verbose_name_plural = _("回答")
        indexes = [models.Index(fields=["question", "option"], name="answer_question_option")]

    def __str__(self) -> str:
        return self.text or str(self.option)
