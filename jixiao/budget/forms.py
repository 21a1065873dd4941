"""Forms of the budget pages. They parse and validate input; the services decide."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from jixiao.budget.models import Conclusion
from jixiao.indicators.models import Indicator, TargetBasis
from jixiao.lib import function_classes
from jixiao.lib.forms import BootstrapFormMixin
from jixiao.orgs.forms import OrganizationChoiceField
from jixiao.orgs.models import Organization

MONEY = {"max_digits": 18, "decimal_places": 4, "min_value": Decimal(0)}
NATURE_CHOICES = [("gte", "≥"), ("lte", "≤"), ("eq", "＝"), ("qualitative", "定性")]


class ProjectForm(BootstrapFormMixin, forms.Form):
    unit = OrganizationChoiceField(label="实施单位", queryset=Organization.objects.none())
    fiscal_year = forms.IntegerField(label="预算年度", min_value=2000, max_value=2100)
    code = forms.CharField(label="项目代码", max_length=40)
    name = forms.CharField(label="项目名称", max_length=200)
    function_code = forms.ChoiceField(label="功能分类（类/款）", choices=function_classes.choices())
    is_new = forms.TypedChoiceField(
        label="项目属性", coerce=lambda v: v == "1", choices=[("1", "新增项目"), ("0", "延续项目")]
    )
    is_major_policy = forms.BooleanField(label="重大政策和项目", required=False)
    start_year = forms.IntegerField(label="项目起始年度", min_value=2000, max_value=2100)
    end_year = forms.IntegerField(label="项目终止年度", min_value=2000, max_value=2100)
    annual_total = forms.DecimalField(label="年度资金总额（万元）", **MONEY)
    annual_fiscal = forms.DecimalField(label="其中：财政拨款", **MONEY, initial=0)
    annual_carryover = forms.DecimalField(label="其中：上年结转", **MONEY, initial=0)
    annual_other = forms.DecimalField(label="其中：其他资金", **MONEY, initial=0)
    midterm_total = forms.DecimalField(label="中期资金总额（万元）", **MONEY, initial=0)
    midterm_fiscal = forms.DecimalField(label="中期其中：财政拨款", **MONEY, initial=0)
    midterm_other = forms.DecimalField(label="中期其中：其他资金", **MONEY, initial=0)
    annual_goal = forms.CharField(label="年度目标", widget=forms.Textarea(attrs={"rows": 3}))
    midterm_goal = forms.CharField(
        label="中期目标", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    manager = forms.CharField(label="项目负责人", max_length=50, required=False)
    manager_phone = forms.CharField(label="联系电话", max_length=30, required=False)

    SECTIONS = [
        (
            "项目基本情况",
            [
                "unit",
                "fiscal_year",
                "code",
                "name",
                "function_code",
                "is_new",
                "is_major_policy",
                "start_year",
                "end_year",
                "manager",
                "manager_phone",
            ],
        ),
        (
            "项目资金（万元）",
            [
                "annual_total",
                "annual_fiscal",
                "annual_carryover",
                "annual_other",
                "midterm_total",
                "midterm_fiscal",
                "midterm_other",
            ],
        ),
        ("总体目标", ["annual_goal", "midterm_goal"]),
    ]
    WIDE = {"unit", "name", "function_code", "annual_goal", "midterm_goal"}

    def sections(self) -> list[tuple[str, list[Any]]]:
        """The fields in the order of the official form, grouped under its headings."""
        return [
            (title, [self[name] for name in names if name in self.fields])
            for title, names in self.SECTIONS
        ]

    def __init__(self, *args: Any, units: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        if editing:  # the unit and year of a project do not change
            del self.fields["unit"]
            del self.fields["fiscal_year"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for field in (
            "annual_fiscal",
            "annual_carryover",
            "annual_other",
            "midterm_total",
            "midterm_fiscal",
            "midterm_other",
        ):
            if data.get(field) is None and field in self.fields:
                data[field] = Decimal(0)
        return data


class DepartmentForm(ProjectForm):
    """The department overall expenditure declaration (部门整体支出): the unit's whole money
    for the year, basic expenditure folded in, with its own targets."""

    basic_expenditure = forms.DecimalField(label="其中：基本支出", **MONEY, initial=0)
    project_expenditure = forms.DecimalField(label="其中：项目支出", **MONEY, initial=0)

    SECTIONS = [
        ("单位基本情况", ["unit", "fiscal_year", "manager", "manager_phone"]),
        (
            "部门整体支出（万元）",
            [
                "annual_total",
                "basic_expenditure",
                "project_expenditure",
                "annual_fiscal",
                "annual_carryover",
                "annual_other",
                "midterm_total",
                "midterm_fiscal",
                "midterm_other",
            ],
        ),
        ("总体目标", ["annual_goal", "midterm_goal"]),
    ]
    PROJECT_ONLY = (
        "code",
        "name",
        "function_code",
        "is_new",
        "is_major_policy",
        "start_year",
        "end_year",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in self.PROJECT_ONLY:
            del self.fields[name]
        self.fields["annual_total"].label = "部门整体支出年度资金总额（万元）"


class IndicatorForm(BootstrapFormMixin, forms.Form):
    """A third-level indicator of the declaration (one row of the indicator table)."""

    group = forms.ModelChoiceField(label="二级指标", queryset=Indicator.objects.none())
    name = forms.CharField(label="三级指标", max_length=200)
    nature = forms.ChoiceField(label="指标性质", choices=NATURE_CHOICES)
    target_value = forms.DecimalField(
        label="指标值", max_digits=20, decimal_places=6, required=False
    )
    target_text = forms.CharField(label="指标值（定性）", max_length=500, required=False)
    unit = forms.CharField(label="度量单位", max_length=30, required=False)
    full_score = forms.DecimalField(
        label="分值", max_digits=8, decimal_places=2, min_value=Decimal(0)
    )
    basis = forms.ChoiceField(
        label="指标值确定依据", choices=[("", "—"), *TargetBasis.choices], required=False
    )
    standard_value = forms.DecimalField(
        label="预算支出标准", max_digits=20, decimal_places=6, required=False
    )
    previous_value = forms.CharField(label="上年指标值", max_length=50, required=False)

    def __init__(self, *args: Any, groups: Any, year: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.previous_year = str(year - 1)
        self.fields["group"].queryset = groups
        self.fields["group"].label_from_instance = lambda g: f"{g.parent.name} / {g.name}"
        self.fields["previous_value"].label = f"上年（{self.previous_year}年）指标值"

    def indicator_fields(self, previous: dict[str, Any] | None = None) -> dict[str, Any]:
        """The cleaned form as fields of an Indicator (``previous``: the values of other past
        years already kept, which the form does not show)."""
        data = self.cleaned_data
        previous_values = dict(previous or {})
        previous_values.pop(self.previous_year, None)
        if data["previous_value"].strip():
            previous_values[self.previous_year] = data["previous_value"].strip()
        nature = data["nature"]
        qualitative = nature == "qualitative"
        return {
            "name": data["name"],
            "kind": "qualitative" if qualitative else "quantitative",
            "direction": "" if qualitative else nature,
            "target_value": None if qualitative else data["target_value"],
            "target_text": data["target_text"] if qualitative else "",
            "unit": data["unit"],
            "full_score": data["full_score"],
            "basis": data["basis"],
            "standard_value": data["standard_value"],
            "previous_values": previous_values,
        }

    @staticmethod
    def initial_from(indicator: Indicator, year: int) -> dict[str, Any]:
        return {
            "group": indicator.parent_id,
            "name": indicator.name,
            "nature": indicator.rule or indicator.direction or "qualitative",
            "target_value": indicator.target_value,
            "target_text": indicator.target_text,
            "unit": indicator.unit,
            "full_score": indicator.full_score,
            "basis": indicator.basis,
            "standard_value": indicator.standard_value,
            "previous_value": (indicator.previous_values or {}).get(str(year - 1), ""),
        }


LEVEL_CHOICES = [
    ("achieved", "达成年度指标"),
    ("partly", "部分达成年度指标并具有一定效果"),
    ("not_achieved", "未达成年度指标且效果较差"),
]


class ExAnteForm(BootstrapFormMixin, forms.Form):
    conclusion = forms.ChoiceField(label="评估结论", choices=Conclusion.choices)
    approved_amount = forms.DecimalField(
        label="核定金额（万元，部分支持时填写）", **MONEY, required=False
    )
    opinion = forms.CharField(label="评估意见", widget=forms.Textarea(attrs={"rows": 3}))
    report = forms.FileField(label="评估报告", required=False)

    def __init__(self, *args: Any, criteria: list[Indicator], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for c in criteria:
            self.fields[f"level_{c.pk}"] = forms.ChoiceField(
                label=f"{c.name}：档次", choices=LEVEL_CHOICES
            )
            self.fields[f"score_{c.pk}"] = forms.DecimalField(
                label=f"{c.name}：得分（满分{c.full_score:.0f}）",
                max_digits=6,
                decimal_places=2,
                min_value=Decimal(0),
                max_value=c.full_score,
            )
        for name, field in self.fields.items():
            if name.startswith(("level_", "score_")):
                css = "form-select" if name.startswith("level_") else "form-control"
                field.widget.attrs["class"] = css

    def rows(self) -> list[tuple[Indicator, Any, Any]]:
        """Per criterion: the criterion, its level field and its score field."""
        return [(c, self[f"level_{c.pk}"], self[f"score_{c.pk}"]) for c in self.criteria]

    def values(self) -> dict[int, dict[str, Any]]:
        return {
            c.pk: {
                "level": self.cleaned_data[f"level_{c.pk}"],
                "score": self.cleaned_data[f"score_{c.pk}"],
            }
            for c in self.criteria
        }


class ReviewForm(BootstrapFormMixin, forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", "通过"), ("return", "退回")], widget=forms.HiddenInput
    )
    comment = forms.CharField(
        label="审核意见", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    approved_amount = forms.DecimalField(label="批复金额（万元）", **MONEY, required=False)


class LibraryAddForm(forms.Form):
    full_score = forms.DecimalField(
        label="分值", max_digits=8, decimal_places=2, min_value=Decimal(0)
    )
    target_value = forms.DecimalField(
        label="指标值", max_digits=20, decimal_places=6, required=False
    )


class AdjustmentForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label="调整理由", widget=forms.Textarea(attrs={"rows": 3}))
    proposed_amount = forms.DecimalField(
        label="调整后年度资金（万元，不调整预算可不填）", **MONEY, required=False
    )


class ControlNumberForm(forms.Form):
    amount = forms.DecimalField(label="控制数（万元）", **MONEY)


class YearSettingsForm(BootstrapFormMixin, forms.Form):
    ex_ante_threshold = forms.DecimalField(
        label="事前绩效评估金额标准（万元）",
        **MONEY,
        help_text="新增项目年度资金达到此金额须开展事前绩效评估。",
    )
    indicator_scale = forms.DecimalField(
        label="绩效指标分值合计",
        max_digits=6,
        decimal_places=2,
        help_text="申报的三级指标分值合计；自评时另加预算执行率分值。",
    )
