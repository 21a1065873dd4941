"""Forms of the deadline pages: they parse input and offer only what is in the user's scope;
the rules live in :mod:`jixiao.periods.services`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jixiao.orgs.models import ADMIN_ROLES, OrgKind, Role
from jixiao.periods import queries
from jixiao.periods.errors import DomainError, InvalidFieldError
from jixiao.periods.models import Period, PeriodKind

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]


def _business_roles() -> list[tuple[str, str]]:
    return [(value, label) for value, label in Role.choices if value not in ADMIN_ROLES]


class OrganizationChoice(forms.ModelChoiceField):
    """The organisation tree as an indented list."""

    def label_from_instance(self, obj: Any) -> str:
        return "\u3000" * obj.depth + obj.name


class OrganizationsChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return "\u3000" * obj.depth + obj.name


class PeriodChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}（{obj.get_kind_display()}）"


class BootstrapForm(forms.Form):
    """Bootstrap classes on the widgets, ``is-invalid`` on those with errors."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple | forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select form-select-sm"
            else:
                css = "form-control form-control-sm"
            widget.attrs["class"] = css

    def _post_clean(self) -> None:
        super()._post_clean()
        self._mark_invalid()

    def add_domain_error(self, error: DomainError) -> None:
        """Show a service's error next to its field, or at the top of the form."""
        field = error.field if isinstance(error, InvalidFieldError) else None
        self.add_error(field if field in self.fields else None, error.message)
        self._mark_invalid()

    def _mark_invalid(self) -> None:
        for name in self.errors:
            attrs = self.fields[name].widget.attrs if name in self.fields else {}
            if attrs and "is-invalid" not in attrs["class"]:
                attrs["class"] += " is-invalid"


class DeadlineForm(BootstrapForm):
    period = PeriodChoice(label=_("期间"), queryset=Period.objects.none())
    title = forms.CharField(label=_("名称"), max_length=200)
    organization = OrganizationChoice(label=_("设定单位"), queryset=None)
    target_kinds = forms.MultipleChoiceField(
        label=_("目标单位类型"),
        choices=OrgKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("设定单位下属的这些类型的单位都须完成；不选且不指定单位时为设定单位本身。"),
    )
    targets = OrganizationsChoice(
        label=_("指定目标单位"),
        queryset=None,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    role = forms.ChoiceField(label=_("责任角色"), choices=_business_roles)
    opens_on = forms.DateField(
        label=_("开始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    due_at = forms.DateTimeField(
        label=_("截止时间"),
        input_formats=DATETIME_FORMATS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    topic = forms.CharField(label=_("业务类型"), max_length=100, required=False)
    link = forms.CharField(label=_("办理链接"), max_length=500, required=False)
    description = forms.CharField(
        label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        orgs = queries.organizations_to_manage(user)
        self.fields["organization"].queryset = orgs
        self.fields["targets"].queryset = orgs
        self.fields["period"].queryset = queries.periods_for_user(user)


class DeadlineEditForm(DeadlineForm):
    """Changing a deadline: the organisation that set it stays; it can be cancelled."""

    is_active = forms.BooleanField(label=_("有效（取消勾选即取消该截止事项）"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.fields["organization"].disabled = True
        self.fields["organization"].required = False


class PeriodForm(BootstrapForm):
    kind = forms.ChoiceField(label=_("期间类型"), choices=PeriodKind.choices)
    fiscal_year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    number = forms.IntegerField(
        label=_("序号"),
        required=False,
        min_value=1,
        max_value=99,
        help_text=_("半年 1–2，季度 1–4，月度 1–12，监控轮次的轮次；年度不填。"),
    )
    start_date = forms.DateField(
        label=_("开始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end_date = forms.DateField(
        label=_("结束日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    name = forms.CharField(
        label=_("名称"),
        max_length=100,
        required=False,
        help_text=_("年度、半年、季度、月度按规则自动命名；其他不填时按起止日期命名。"),
    )
    organization = OrganizationChoice(
        label=_("所属组织"), queryset=None, required=False, empty_label=_("（公共期间）")
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = queries.organizations_to_manage(user)
