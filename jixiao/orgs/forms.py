"""Forms for managing people and roles. They validate input only; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.password_validation import password_validators_help_texts
from django.utils.translation import gettext_lazy as _

from jixiao.lib.forms import BootstrapFormMixin
from jixiao.orgs.models import Organization, Role


class OrganizationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Organization) -> str:
        return "　" * obj.depth + obj.name


class UserCreateForm(BootstrapFormMixin, forms.Form):
    username = forms.RegexField(
        label=_("用户名"),
        max_length=150,
        regex=r"^[A-Za-z0-9_.@-]+$",
        error_messages={"invalid": _("用户名只能包含字母、数字和 _ . @ -")},
    )
    full_name = forms.CharField(label=_("姓名"), max_length=100)
    organization = OrganizationChoiceField(
        label=_("所属组织"), queryset=Organization.objects.none()
    )
    employee_number = forms.CharField(label=_("工号"), max_length=30, required=False)
    email = forms.EmailField(label=_("电子邮箱"), required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=30, required=False)
    is_service_account = forms.BooleanField(
        label=_("系统集成账号"),
        required=False,
        help_text=_("供外部系统调用接口的账号（可签发接口令牌），不是某个人的登录账号。"),
    )
    password = forms.CharField(
        label=_("初始密码"),
        widget=forms.PasswordInput,
        strip=False,
        help_text="；".join(password_validators_help_texts()),
    )

    def __init__(self, *args: Any, organizations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations


class RoleAssignForm(BootstrapFormMixin, forms.Form):
    role = forms.ChoiceField(label=_("角色"), choices=Role.choices)
    organization = OrganizationChoiceField(
        label=_("管辖范围"), queryset=Organization.objects.none()
    )

    def __init__(self, *args: Any, organizations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations


class PasswordResetForm(BootstrapFormMixin, forms.Form):
    password = forms.CharField(label=_("新密码"), widget=forms.PasswordInput, strip=False)
