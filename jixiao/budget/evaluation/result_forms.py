"""Forms of the result pages (feedback, rectification, disclosure, accountability, reports,
rules): they parse; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jixiao.budget.evaluation.result_models import AccountabilityKind, PublicationKind
from jixiao.budget.models import Project
from jixiao.lib.forms import BootstrapFormMixin
from jixiao.orgs.models import Organization


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class ProjectChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Project) -> str:  # type: ignore[override]
        return f"{obj.code} {obj.name}（{obj.unit.name}）"


class SendForm(BootstrapFormMixin, forms.Form):
    opinion = forms.CharField(
        label=_("评价意见"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    problems = forms.CharField(
        label=_("存在问题（每行一个，每个问题生成一项整改任务）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    def problem_lines(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["problems"].splitlines() if line.strip()]


class ProblemForm(BootstrapFormMixin, forms.Form):
    problem = forms.CharField(label=_("存在问题"), widget=forms.Textarea(attrs={"rows": 2}))
    suggestion = forms.CharField(
        label=_("整改建议"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    deadline = forms.DateField(
        label=_("整改期限（不填按年度规则）"), required=False, widget=DateInput()
    )


class AnswerForm(BootstrapFormMixin, forms.Form):
    measures = forms.CharField(label=_("整改措施及成效"), widget=forms.Textarea(attrs={"rows": 4}))
    evidence = forms.FileField(label=_("佐证材料"), required=False)


class CommentForm(BootstrapFormMixin, forms.Form):
    comment = forms.CharField(
        label=_("意见"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ProposeForm(BootstrapFormMixin, forms.Form):
    project = ProjectChoice(label=_("项目"), queryset=Project.objects.none())
    kind = forms.ChoiceField(label=_("公开内容"), choices=PublicationKind.choices)
    note = forms.CharField(
        label=_("公开说明"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, projects: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects  # type: ignore[attr-defined]


class SettingsForm(BootstrapFormMixin, forms.Form):
    rectification_months = forms.IntegerField(label=_("整改期限（月）"), min_value=1, max_value=12)
    declaration_due = forms.DateField(
        label=_("绩效目标申报截止日期"), required=False, widget=DateInput()
    )
    self_evaluation_due = forms.DateField(
        label=_("绩效自评报送截止日期"), required=False, widget=DateInput()
    )
    weight_timeliness = forms.DecimalField(label=_("及时性权重"), min_value=0, decimal_places=2)
    weight_coverage = forms.DecimalField(label=_("覆盖面权重"), min_value=0, decimal_places=2)
    weight_quality = forms.DecimalField(label=_("质量权重"), min_value=0, decimal_places=2)
    weight_rectification = forms.DecimalField(
        label=_("整改完成权重"), min_value=0, decimal_places=2
    )
    commend_top = forms.IntegerField(label=_("通报表扬名额"), min_value=0, max_value=50)
    notify_bottom = forms.IntegerField(label=_("通报批评名额"), min_value=0, max_value=50)


class OrganizationChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Organization) -> str:  # type: ignore[override]
        return obj.name


class AccountabilityForm(BootstrapFormMixin, forms.Form):
    organization = OrganizationChoice(label=_("问责对象"), queryset=Organization.objects.none())
    project = ProjectChoice(
        label=_("项目（可选）"), queryset=Project.objects.none(), required=False
    )
    kind = forms.ChoiceField(label=_("问责方式"), choices=AccountabilityKind.choices)
    reason = forms.CharField(label=_("问责事由"), widget=forms.Textarea(attrs={"rows": 2}))
    decision = forms.CharField(label=_("处理决定"), widget=forms.Textarea(attrs={"rows": 2}))
    amount = forms.DecimalField(
        label=_("扣减金额（万元，扣减预算时填写）"), required=False, decimal_places=4
    )
    decided_on = forms.DateField(label=_("决定日期"), widget=DateInput())
    decided_by = forms.CharField(label=_("决定机关或人员"), max_length=200)

    def __init__(self, *args: Any, organizations: Any, projects: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations  # type: ignore[attr-defined]
        self.fields["project"].queryset = projects  # type: ignore[attr-defined]


class FinaliseForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("定稿说明（重新定稿时必填）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
