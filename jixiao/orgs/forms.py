"""Forms for managing people and roles. They validate input only; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.password_validation import password_validators_help_texts
from django.utils.translation import gettext_lazy as _

from jixiao.lib.forms import BootstrapFormMixin
from jixiao.orgs.models import Organization, OrgKind, Role

IMPORT_MAX_MB = 20


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


class OrganizationForm(BootstrapFormMixin, forms.Form):
    """A new organisation (with ``parents``) or an existing one's own fields."""

    parent = OrganizationChoiceField(label=_("上级组织"), queryset=Organization.objects.none())
    name = forms.CharField(label=_("名称"), max_length=200)
    short_name = forms.CharField(label=_("简称"), max_length=100, required=False)
    code = forms.RegexField(
        label=_("代码"),
        max_length=50,
        regex=r"^[A-Za-z0-9_.-]+$",
        error_messages={"invalid": _("代码只能包含字母、数字和 _ . -")},
    )
    kind = forms.ChoiceField(label=_("类型"), choices=OrgKind.choices)
    sort_order = forms.IntegerField(label=_("排序"), initial=0, required=False)

    def __init__(self, *args: Any, parents: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if parents is None:
            del self.fields["parent"]
        else:
            self.fields["parent"].queryset = parents

    def clean_sort_order(self) -> int:
        return self.cleaned_data.get("sort_order") or 0


class OrganizationMoveForm(BootstrapFormMixin, forms.Form):
    parent = OrganizationChoiceField(label=_("新的上级组织"), queryset=Organization.objects.none())

    def __init__(self, *args: Any, parents: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = parents


class OrgImportForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(
        label=_("Excel 文件"),
        help_text=_("本系统导出的组织机构及人员表（.xlsx），含“组织机构”和“人员”两张工作表"),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".xlsx", ".xlsm", ".xls")):
            raise forms.ValidationError(_("请选择Excel文件（.xlsx）。"))
        if upload.size > IMPORT_MAX_MB * 2**20:
            raise forms.ValidationError(
                _("文件不能超过%(mb)sMB，请拆分后再导入。") % {"mb": IMPORT_MAX_MB}
            )
        return upload
