"""Models of what follows an evaluation (BUD-11…BUD-14): results sent back to the unit and
their rectification, disclosure on the public site, the three reports, accountability records
and the yearly rules of all that. Imported at the end of ``jixiao.budget.models``, so they
belong to the budget app.

- :class:`ResultSettings`: a bureau's rules for a year — the rectification period, the due
  dates timeliness is measured against, the weights of the departments' appraisal and the
  sizes of the commendation and notification lists.
- :class:`ResultFeedback` (结果反馈): one result (an approved self-evaluation or a finished
  evaluation) sent to the unit, with its :class:`RectificationTask` per problem and the unit's
  :class:`RectificationAnswer` rows.
- :class:`Publication` (信息公开): a target table, self-evaluation table or evaluation report
  proposed by the unit, reviewed by the bureau and shown on the public site from a frozen copy.
- :class:`PerformanceReport`: the evaluation report of a key evaluation, a unit's annual
  performance report, the bureau's summary; generated as an editable draft, then issued.
- :class:`AccountabilityRecord` (问责).
- :class:`DepartmentAppraisal` (部门预算绩效管理工作考核定稿): one finalised version of the
  departments' appraisal of a bureau and year, with a :class:`DepartmentAppraisalRow` per
  department; re-finalising adds a version, the earlier ones stay.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jixiao.budget.evaluation.models import SCORE, Grade

MONEY = {"max_digits": 18, "decimal_places": 4}


class ResultSettings(models.Model):
    """A finance bureau's rules for what follows the evaluations of a fiscal year."""

    bureau = models.ForeignKey(
        "orgs.Organization", verbose_name=_("财政部门"), on_delete=models.PROTECT, related_name="+"
    )
    fiscal_year = models.PositiveSmallIntegerField(_("预算年度"))
    rectification_months = models.PositiveSmallIntegerField(
        _("整改期限（月）"), default=1, help_text=_("自结果反馈之日起计算，默认一个月。")
    )
    declaration_due = models.DateField(_("绩效目标申报截止日期"), null=True, blank=True)
    self_evaluation_due = models.DateField(_("绩效自评报送截止日期"), null=True, blank=True)
    weight_timeliness = models.DecimalField(_("及时性权重"), **SCORE, default=Decimal(25))
    weight_coverage = models.DecimalField(_("覆盖面权重"), **SCORE, default=Decimal(25))
    weight_quality = models.DecimalField(_("质量权重"), **SCORE, default=Decimal(25))
    weight_rectification = models.DecimalField(_("整改完成权重"), **SCORE, default=Decimal(25))
    commend_top = models.PositiveSmallIntegerField(_("通报表扬名额"), default=3)
    notify_bottom = models.PositiveSmallIntegerField(_("通报批评名额"), default=3)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("结果应用规则")
        verbose_name_plural = _("结果应用规则")
        constraints = [
            models.UniqueConstraint(
                fields=["bureau", "fiscal_year"], name="unique_result_settings"
            ),
            models.CheckConstraint(
                condition=Q(rectification_months__gte=1, rectification_months__lte=12),
                name="result_rectification_months_1_12",
            ),
            models.CheckConstraint(
                condition=Q(weight_timeliness__gte=0)
                & Q(weight_coverage__gte=0)
                & Q(weight_quality__gte=0)
                & Q(weight_rectification__gte=0),
                name="result_weights_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.fiscal_year}年度结果应用规则"

    @property
    def weights(self) -> dict[str, Decimal]:
        return {
            "timeliness": self.weight_timeliness,
            "coverage": self.weight_coverage,
            "quality": self.weight_quality,
            "rectification": self.weight_rectification,
        }


class ResultFeedback(models.Model):
    """结果反馈: a result sent to the evaluated unit, with the bureau's opinion. Exactly one of
    ``self_evaluation`` and ``evaluation`` is set; a result is sent once."""

    bureau = models.ForeignKey(
        "orgs.Organization", verbose_name=_("财政部门"), on_delete=models.PROTECT, related_name="+"
    )
    fiscal_year = models.PositiveSmallIntegerField(_("预算年度"))
    project = models.ForeignKey(
        "budget.Project",
        verbose_name=_("项目"),
        on_delete=models.PROTECT,
        related_name="result_feedback",
    )
    unit = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("被评价单位"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    self_evaluation = models.OneToOneField(
        "budget.SelfEvaluation",
        verbose_name=_("绩效自评表"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="feedback",
    )
    evaluation = models.OneToOneField(
        "budget.Evaluation",
        verbose_name=_("绩效评价"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="feedback",
    )
    source = models.CharField(_("结果来源"), max_length=20)
    total = models.DecimalField(_("总分"), **SCORE, null=True, blank=True)
    grade = models.CharField(_("等级"), max_length=16, choices=Grade.choices, blank=True)
    opinion = models.TextField(_("评价意见"), blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("反馈人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("反馈时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("评价结果反馈")
        verbose_name_plural = _("评价结果反馈")
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(self_evaluation__isnull=True, evaluation__isnull=False)
                | Q(self_evaluation__isnull=False, evaluation__isnull=True),
                name="feedback_one_result",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project}评价结果反馈"


class RectificationState(models.TextChoices):
    PENDING = "pending", _("待整改")
    ANSWERED = "answered", _("待验收")
    RETURNED = "returned", _("已退回")
    DONE = "done", _("已完成整改")


class RectificationTask(models.Model):
    """整改任务: one problem of a result the unit must fix by ``deadline``."""

    feedback = models.ForeignKey(
        ResultFeedback, verbose_name=_("结果反馈"), on_delete=models.CASCADE, related_name="tasks"
    )
    project = models.ForeignKey(
        "budget.Project",
        verbose_name=_("项目"),
        on_delete=models.PROTECT,
        related_name="rectification_tasks",
    )
    unit = models.ForeignKey(
        "orgs.Organization", verbose_name=_("整改单位"), on_delete=models.PROTECT, related_name="+"
    )
    position = models.PositiveSmallIntegerField(_("序号"), default=1)
    problem = models.TextField(_("存在问题"))
    suggestion = models.TextField(_("整改建议"), blank=True)
    deadline = models.DateField(_("整改期限"))
    state = models.CharField(
        _("状态"),
        max_length=16,
        choices=RectificationState.choices,
        default=RectificationState.PENDING,
    )
    answered_at = models.DateTimeField(_("最近答复时间"), null=True, blank=True)
    done_at = models.DateTimeField(_("验收时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("下达时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("整改任务")
        verbose_name_plural = _("整改任务")
        ordering = ["deadline", "id"]
        indexes = [models.Index(fields=["state", "deadline"])]

    def __str__(self) -> str:
        return f"{self.project}整改任务{self.position}"

    @property
    def awaits_unit(self) -> bool:
        return self.state in (RectificationState.PENDING, RectificationState.RETURNED)


class AnswerDecision(models.TextChoices):
    ACCEPTED = "accepted", _("验收通过")
    RETURNED = "returned", _("退回")


class RectificationAnswer(models.Model):
    """One answer of the unit (measures and evidence) and the bureau's decision on it."""

    task = models.ForeignKey(
        RectificationTask,
        verbose_name=_("整改任务"),
        on_delete=models.CASCADE,
        related_name="answers",
    )
    measures = models.TextField(_("整改措施及成效"))
    evidence = models.FileField(_("佐证材料"), upload_to="budget/rectification/%Y/")
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("答复人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("答复时间"), auto_now_add=True)
    decision = models.CharField(
        _("验收结果"), max_length=16, choices=AnswerDecision.choices, blank=True
    )
    comment = models.TextField(_("验收意见"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("验收人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("验收时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("整改答复")
        verbose_name_plural = _("整改答复")
        ordering = ["task", "answered_at", "id"]

    def __str__(self) -> str:
        return f"{self.task}答复"


class PublicationKind(models.TextChoices):
    TARGETS = "targets", _("绩效目标")
    SELF_EVALUATION = "self_evaluation", _("绩效自评结果")
    REPORT = "report", _("绩效评价报告")


class PublicationState(models.TextChoices):
    PROPOSED = "proposed", _("待审核")
    REJECTED = "rejected", _("未通过")
    PUBLISHED = "published", _("已公开")
    WITHDRAWN = "withdrawn", _("已撤回")


class Publication(models.Model):
    """A disclosure proposed by the unit and reviewed by the bureau. The public site shows
    ``content``, the copy frozen when it was published, and only while it is published."""

    bureau = models.ForeignKey(
        "orgs.Organization", verbose_name=_("财政部门"), on_delete=models.PROTECT, related_name="+"
    )
    fiscal_year = models.PositiveSmallIntegerField(_("预算年度"))
    kind = models.CharField(_("公开内容"), max_length=20, choices=PublicationKind.choices)
    project = models.ForeignKey(
        "budget.Project", verbose_name=_("项目"), on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        "orgs.Organization", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("主管部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    sector = models.CharField(_("功能分类（类）"), max_length=3, blank=True, db_index=True)
    report = models.ForeignKey(
        "budget.PerformanceReport",
        verbose_name=_("评价报告"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    title = models.CharField(_("标题"), max_length=300)
    note = models.TextField(_("公开说明"), blank=True)
    state = models.CharField(
        _("状态"),
        max_length=16,
        choices=PublicationState.choices,
        default=PublicationState.PROPOSED,
    )
    content = models.JSONField(_("公开内容快照"), default=dict, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    proposed_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    review_comment = models.TextField(_("审核意见"), blank=True)
    published_at = models.DateTimeField(_("公开时间"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    withdraw_reason = models.TextField(_("撤回原因"), blank=True)

    class Meta:
        verbose_name = _("绩效信息公开")
        verbose_name_plural = _("绩效信息公开")
        ordering = ["-published_at", "-proposed_at", "-id"]
        indexes = [models.Index(fields=["state", "fiscal_year"])]

    def __str__(self) -> str:
        return self.title


class ReportKind(models.TextChoices):
    EVALUATION = "evaluation", _("绩效评价报告")
    UNIT = "unit", _("单位年度绩效报告")
    SUMMARY = "summary", _("预算绩效管理工作总结报告")


class ReportState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    ISSUED = "issued", _("已印发")


class PerformanceReport(models.Model):
    """A report generated from the data: ``sections`` are the editable text
    (``[{"key", "heading", "text"}]``), ``figures`` the numbers and tables as generated
    (charts and tables of the printed report). Issued reports are locked."""

    kind = models.CharField(_("报告类型"), max_length=16, choices=ReportKind.choices)
    bureau = models.ForeignKey(
        "orgs.Organization", verbose_name=_("财政部门"), on_delete=models.PROTECT, related_name="+"
    )
    fiscal_year = models.PositiveSmallIntegerField(_("预算年度"))
    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("报告单位"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    evaluation = models.OneToOneField(
        "budget.Evaluation",
        verbose_name=_("绩效评价"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="report",
    )
    title = models.CharField(_("标题"), max_length=300)
    sections = models.JSONField(_("正文"), default=list)
    figures = models.JSONField(_("数据"), default=dict)
    state = models.CharField(
        _("状态"), max_length=16, choices=ReportState.choices, default=ReportState.DRAFT
    )
    generated_at = models.DateTimeField(_("生成时间"))
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)
    issued_at = models.DateTimeField(_("印发时间"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("印发人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("绩效报告")
        verbose_name_plural = _("绩效报告")
        ordering = ["-fiscal_year", "kind", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "organization", "fiscal_year"],
                condition=~Q(kind="evaluation"),
                name="unique_yearly_report",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class AccountabilityKind(models.TextChoices):
    INTERVIEW = "interview", _("约谈")
    NOTICE = "notice", _("通报")
    BUDGET_CUT = "budget_cut", _("扣减预算")
    SUSPEND = "suspend", _("暂停或取消项目")
    CONGRESS = "congress", _("报告人大")
    REFERRAL = "referral", _("移交纪检监察")
    OTHER = "other", _("其他")


class AccountabilityRecord(models.Model):
    """问责: an action taken against a unit or department (and project) for poor results."""

    bureau = models.ForeignKey(
        "orgs.Organization", verbose_name=_("财政部门"), on_delete=models.PROTECT, related_name="+"
    )
    fiscal_year = models.PositiveSmallIntegerField(_("预算年度"))
    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("问责对象"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    project = models.ForeignKey(
        "budget.Project",
        verbose_name=_("项目"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(_("问责方式"), max_length=16, choices=AccountabilityKind.choices)
    reason = models.TextField(_("问责事由"))
    decision = models.TextField(_("处理决定"))
    amount = models.DecimalField(_("扣减金额（万元）"), **MONEY, null=True, blank=True)
    decided_on = models.DateField(_("决定日期"))
    decided_by = models.CharField(_("决定机关或人员"), max_length=200)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("问责记录")
        verbose_name_plural = _("问责记录")
        ordering = ["-decided_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gt=0), name="accountability_amount"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization} {self.get_kind_display()}"


class DepartmentAppraisal(models.Model):
    """定稿: one finalised version of a bureau's appraisal of its supervising departments for a
    year. Never changed once written; finalising again adds the next version. ``rules`` is
    the year's rules as they were used (weights, due dates, list sizes), ``rule_version`` the
    version of the computation in ``results/accountability.py``."""

    bureau = models.ForeignKey(
        "orgs.Organization", verbose_name=_("财政部门"), on_delete=models.PROTECT, related_name="+"
    )
    fiscal_year = models.PositiveSmallIntegerField(_("预算年度"))
    version = models.PositiveSmallIntegerField(_("版本"))
    rule_version = models.PositiveSmallIntegerField(_("计分规则版本"))
    rules = models.JSONField(_("计分规则"), default=dict)
    reason = models.TextField(_("定稿说明"), blank=True)
    computed_at = models.DateTimeField(_("计算时点"))
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("定稿人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    finalised_at = models.DateTimeField(_("定稿时间"))

    class Meta:
        verbose_name = _("部门预算绩效管理工作考核定稿")
        verbose_name_plural = _("部门预算绩效管理工作考核定稿")
        ordering = ["bureau", "fiscal_year", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["bureau", "fiscal_year", "version"], name="unique_department_appraisal"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.fiscal_year}年度部门预算绩效管理工作考核（第{self.version}版）"


class DepartmentAppraisalRow(models.Model):
    """One department's stored score in a finalised version: the points of each part, the
    total, rank and lists, the counts behind each part (``inputs``:
    ``{part: {"done", "due", "weight", "sub": {what: [done, due]}}}``) and the explanation as
    it was shown."""

    appraisal = models.ForeignKey(
        DepartmentAppraisal,
        verbose_name=_("考核定稿"),
        on_delete=models.CASCADE,
        related_name="rows",
    )
    department = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("主管部门"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    department_name = models.CharField(_("部门名称"), max_length=200)
    rank = models.PositiveSmallIntegerField(_("名次"))
    timeliness = models.DecimalField(_("及时性"), **SCORE)
    coverage = models.DecimalField(_("覆盖面"), **SCORE)
    quality = models.DecimalField(_("质量"), **SCORE)
    rectification = models.DecimalField(_("整改完成"), **SCORE)
    total = models.DecimalField(_("总分"), **SCORE)
    commended = models.BooleanField(_("通报表扬"), default=False)
    notified = models.BooleanField(_("通报批评"), default=False)
    inputs = models.JSONField(_("计分依据"), default=dict)
    explanation = models.JSONField(_("计分说明"), default=list)

    class Meta:
        verbose_name = _("部门考核得分")
        verbose_name_plural = _("部门考核得分")
        ordering = ["appraisal", "rank", "department__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["appraisal", "department"], name="unique_department_appraisal_row"
            ),
            models.CheckConstraint(
                condition=Q(total__gte=0, total__lte=100), name="department_appraisal_total_0_100"
            ),
            models.CheckConstraint(
                condition=~Q(commended=True, notified=True),
                name="department_appraisal_one_list",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.department_name} {self.total}"
