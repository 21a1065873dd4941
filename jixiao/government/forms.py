"""Forms of the government assessment pages (parsing only; the rules are in services)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jixiao.government.models import Aggregation, Frequency
from jixiao.lib.forms import BootstrapFormMixin
from jixiao.orgs.models import Organization, User

SCORE = {"max_digits": 6, "decimal_places": 2}


class SchemeCreateForm(BootstrapFormMixin, forms.Form):
    organization = forms.ModelChoiceField(
        label=_("考核对象（乡镇或部门）"), queryset=Organization.objects.none()
    )
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    name = forms.CharField(label=_("方案名称"), max_length=200, required=False)
    quantitative_weight = forms.DecimalField(label=_("量化评估权重（%）"), initial=70, **SCORE)
    social_weight = forms.DecimalField(label=_("社会评估权重（%）"), initial=30, **SCORE)

    def __init__(self, *args: Any, organizations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations


class SchemeSettingsForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label=_("方案名称"), max_length=200)
    quantitative_weight = forms.DecimalField(label=_("量化评估权重（%）"), **SCORE)
    social_weight = forms.DecimalField(label=_("社会评估权重（%）"), **SCORE)
    bonus_points = forms.DecimalField(label=_("加分"), min_value=Decimal(0), **SCORE)
    bonus_reason = forms.CharField(label=_("加分理由"), max_length=500, required=False)
    excellent_min = forms.DecimalField(label=_("优秀线：各事项得分率不低于（%）"), **SCORE)
    competent_min = forms.DecimalField(label=_("称职线：各事项得分率不低于（%）"), **SCORE)


class RaterScoreForm(BootstrapFormMixin, forms.Form):
    score = forms.DecimalField(label=_("评分"), required=False, **SCORE)
    note = forms.CharField(label=_("说明"), max_length=500, required=False)


class AssignForm(BootstrapFormMixin, forms.Form):
    office = forms.ModelChoiceField(label=_("责任科室"), queryset=Organization.objects.none())
    responsible = forms.ModelChoiceField(label=_("责任人"), queryset=User.objects.none())
    standard = forms.CharField(label=_("考核标准"), widget=forms.Textarea(attrs={"rows": 3}))
    deadline = forms.DateField(
        label=_("完成时限"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    target_value = forms.DecimalField(
        label=_("年度目标值"),
        required=False,
        max_digits=20,
        decimal_places=6,
        help_text=_("方案设置中可按本乡实际调整；定性事项不填。"),
    )
    frequency = forms.ChoiceField(label=_("报送频次"), choices=Frequency.choices)
    aggregation = forms.ChoiceField(label=_("完成值计算"), choices=Aggregation.choices)

    def __init__(self, *args: Any, offices: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = offices
        self.fields["responsible"].queryset = people
        self.fields["responsible"].label_from_instance = lambda u: (
            f"{u.display_name}（{u.organization}）"
        )


class ValueForm(BootstrapFormMixin, forms.Form):
    period = forms.CharField(label=_("期间"), max_length=10, help_text=_("如 2026-03 或 2026-Q1"))
    value = forms.DecimalField(label=_("完成值"), max_digits=20, decimal_places=6)
    progress_note = forms.CharField(
        label=_("进展情况"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    problems = forms.CharField(
        label=_("存在问题"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    measures = forms.CharField(
        label=_("措施"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class SelfEvaluationForm(BootstrapFormMixin, forms.Form):
    self_check = forms.CharField(label=_("自查情况"), widget=forms.Textarea(attrs={"rows": 3}))
    self_score = forms.DecimalField(label=_("自评得分"), **SCORE)
    self_explanation = forms.CharField(
        label=_("自评说明"), widget=forms.Textarea(attrs={"rows": 3})
    )


class EvidenceForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(label=_("佐证材料"))


class ReviewForm(BootstrapFormMixin, forms.Form):
    score = forms.DecimalField(label=_("考核得分"), **SCORE)
    comment = forms.CharField(
        label=_("考核意见"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReturnForm(BootstrapFormMixin, forms.Form):
    comment = forms.CharField(label=_("退回意见"), widget=forms.Textarea(attrs={"rows": 2}))
