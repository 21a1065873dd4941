"""Forms of the intervention and tracking pages: they parse; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms

from jixiao.budget.models import Project
from jixiao.budget.monitoring.models import REPORT_SECTIONS, MidYearConclusion, MonitoringRound
from jixiao.lib.forms import BootstrapFormMixin

MONEY2 = {"max_digits": 16, "decimal_places": 2}
REALLOCATION_LINES = 5


class ProjectChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Project) -> str:  # type: ignore[override]
        return f"{obj.code} {obj.name}（{obj.unit.name}）"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class CorrectionForm(BootstrapFormMixin, forms.Form):
    project = ProjectChoice(label="项目", queryset=Project.objects.none())
    round = forms.ModelChoiceField(
        label="监控轮次（可选，附该轮预警）",
        queryset=MonitoringRound.objects.none(),
        required=False,
    )
    requirement = forms.CharField(label="整改要求", widget=forms.Textarea(attrs={"rows": 4}))
    deadline = forms.DateField(label="整改期限", widget=DateInput())

    def __init__(self, *args: Any, projects: Any, rounds: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects  # type: ignore[attr-defined]
        self.fields["round"].queryset = rounds  # type: ignore[attr-defined]


class AnswerForm(BootstrapFormMixin, forms.Form):
    measures = forms.CharField(label="整改措施及成效", widget=forms.Textarea(attrs={"rows": 4}))
    attachment = forms.FileField(label="附件（可选）", required=False)


class DecisionForm(BootstrapFormMixin, forms.Form):
    comment = forms.CharField(
        label="审核意见", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReasonForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label="原因", widget=forms.Textarea(attrs={"rows": 2}))


class ReallocationForm(BootstrapFormMixin, forms.Form):
    """The source, the reason and up to five target lines (``target_1`` / ``amount_1`` …)."""

    source = ProjectChoice(label="调出项目", queryset=Project.objects.none())
    reason = forms.CharField(label="调剂原因", widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, projects: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = projects  # type: ignore[attr-defined]
        for n in range(1, REALLOCATION_LINES + 1):
            self.fields[f"target_{n}"] = ProjectChoice(
                label=f"调入项目{n}", queryset=projects, required=False
            )
            self.fields[f"amount_{n}"] = forms.DecimalField(
                label=f"调入金额{n}（万元）", required=False, min_value=0, **MONEY2
            )

    def line_pairs(self) -> list[tuple[Any, Any]]:
        pairs = []
        for n in range(1, REALLOCATION_LINES + 1):
            target, amount = (
                self.cleaned_data.get(f"target_{n}"),
                self.cleaned_data.get(f"amount_{n}"),
            )
            if target is not None or amount is not None:
                if target is None or amount is None:
                    self.add_error(f"target_{n}", "调入项目和金额须同时填写。")
                else:
                    pairs.append((target, amount))
        return pairs

    def lines(self) -> list[tuple[str, str, str]]:
        """(n, target field, amount field) bound fields for the template's table."""
        return [
            (str(n), self[f"target_{n}"], self[f"amount_{n}"])  # type: ignore[misc]
            for n in range(1, REALLOCATION_LINES + 1)
        ]


class MidYearForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(label="名称", max_length=100, required=False)
    due_date = forms.DateField(label="完成期限", widget=DateInput())
    projects = forms.ModelMultipleChoiceField(
        label="评估项目", queryset=Project.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, projects: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["projects"].queryset = projects  # type: ignore[attr-defined]
        self.fields["projects"].widget.attrs["class"] = "form-check-input"


class ConcludeForm(BootstrapFormMixin, forms.Form):
    findings = forms.CharField(label="评估发现", widget=forms.Textarea(attrs={"rows": 3}))
    conclusion = forms.ChoiceField(label="评估结论", choices=MidYearConclusion.choices)
    act = forms.BooleanField(label="同时执行该结论（暂缓/停止/要求调整/恢复执行）", required=False)
    deadline = forms.DateField(label="调整期限（调整后执行时）", required=False, widget=DateInput())


class TrackingStartForm(BootstrapFormMixin, forms.Form):
    round = forms.ModelChoiceField(label="监控轮次", queryset=MonitoringRound.objects.none())
    indicators = forms.ModelMultipleChoiceField(
        label="重点跟踪目标",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,  # type: ignore[arg-type]
    )

    def __init__(self, *args: Any, rounds: Any, indicators: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["round"].queryset = rounds  # type: ignore[attr-defined]
        self.fields["indicators"].queryset = indicators  # type: ignore[attr-defined]
        self.fields["indicators"].widget.attrs["class"] = "form-check-input"


class KeyTargetsForm(BootstrapFormMixin, forms.Form):
    indicators = forms.ModelMultipleChoiceField(
        label="重点跟踪目标",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,  # type: ignore[arg-type]
    )

    def __init__(self, *args: Any, indicators: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["indicators"].queryset = indicators  # type: ignore[attr-defined]
        self.fields["indicators"].widget.attrs["class"] = "form-check-input"


class ReportForm(BootstrapFormMixin, forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field, heading in REPORT_SECTIONS:
            self.fields[field] = forms.CharField(
                label=heading, required=False, widget=forms.Textarea(attrs={"rows": 5})
            )


class DaysForm(BootstrapFormMixin, forms.Form):
    days = forms.IntegerField(label="报送期限（监控期结束后天数）", min_value=1, max_value=366)
