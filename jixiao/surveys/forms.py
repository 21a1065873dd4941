"""Forms of the survey pages. They parse; the services decide."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jixiao.lib.forms import BootstrapFormMixin
from jixiao.surveys.models import DEFAULT_IP_HOURLY_LIMIT, QuestionKind, SatisfactionMethod
from jixiao.surveys.services import MAX_TOKENS, OptionSpec

OPTION_LINE_BAD = "第{line}行“{text}”：分值应为数字。"
OPTIONS_HELP = _(
    "每行一个选项；可写“选项|分值”；算作满意的选项前加 *，例如“*满意|80”。"
    "评分题留空时使用五级量表：非常满意100、满意80、一般60、不满意40、非常不满意0。"
)


class SurveyForm(BootstrapFormMixin, forms.Form):
    organization = forms.ModelChoiceField(queryset=None, label=_("发布单位"))  # type: ignore[arg-type]
    title = forms.CharField(label=_("标题"), max_length=200)
    description = forms.CharField(
        label=_("说明"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("显示在答题页顶部，例如调查目的和保密承诺。"),
    )
    ip_hourly_limit = forms.IntegerField(
        label=_("同一网络每小时最多提交份数"),
        min_value=1,
        max_value=100000,
        initial=DEFAULT_IP_HOURLY_LIMIT,
        help_text=_("公开链接的防刷限制；同一单位或村委会共用一个出口地址时请调高。"),
    )
    subject_type = forms.CharField(required=False, widget=forms.HiddenInput)
    subject_id = forms.CharField(required=False, widget=forms.HiddenInput)
    subject_label = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, organizations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations  # type: ignore[attr-defined]


def parse_options(text: str) -> list[OptionSpec]:
    """``*满意|80`` → OptionSpec("满意", 80, satisfied=True); blank lines are skipped."""
    specs = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line:
            continue
        satisfied = line.startswith(("*", "＊"))
        label, _sep, points_text = line.lstrip("*＊").replace("｜", "|").partition("|")
        points = None
        if points_text.strip():
            try:
                points = Decimal(points_text.strip())
            except InvalidOperation as exc:
                raise forms.ValidationError(OPTION_LINE_BAD.format(line=number, text=line)) from exc
        specs.append(OptionSpec(label.strip(), points, satisfied))
    return specs


def options_text(options: Any) -> str:
    lines = []
    for o in options:
        points = "" if o.points is None else f"|{o.points.normalize():f}"
        lines.append(f"{'*' if o.satisfied else ''}{o.label}{points}")
    return "\n".join(lines)


class QuestionForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("题型"), choices=QuestionKind.choices)
    text = forms.CharField(label=_("题目"), max_length=500)
    help_text = forms.CharField(label=_("提示"), max_length=300, required=False)
    required = forms.BooleanField(label=_("必答"), required=False, initial=True)
    satisfaction = forms.ChoiceField(
        label=_("计入满意度"), choices=SatisfactionMethod.choices, required=False
    )
    options = forms.CharField(
        label=_("选项"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=OPTIONS_HELP,
    )

    def clean_options(self) -> list[OptionSpec]:
        return parse_options(self.cleaned_data.get("options") or "")


class PublishForm(BootstrapFormMixin, forms.Form):
    tokens = forms.IntegerField(
        label=_("生成邀请码数量"),
        min_value=0,
        max_value=MAX_TOKENS,
        initial=0,
        help_text=_("打印在邀请函上，每个邀请码只能提交一次；0 表示不生成。"),
    )
    token_required = forms.BooleanField(
        label=_("仅凭邀请码作答"),
        required=False,
        help_text=_("勾选后，只有链接而没有邀请码的人不能提交。"),
    )


class TokensForm(BootstrapFormMixin, forms.Form):
    count = forms.IntegerField(label=_("增发邀请码数量"), min_value=1, max_value=MAX_TOKENS)
