"""Forms of the monitoring pages: they parse what was typed; the services decide (numbers in
the monitoring form are passed on as typed, so the service's Chinese messages name them)."""

from __future__ import annotations

from datetime import datetime, time
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jixiao.budget.monitoring.models import (
    DeviationReason,
    IndicatorProgress,
    Level,
    Likelihood,
    MonitoringForm,
)
from jixiao.lib.forms import BootstrapFormMixin

HUNDRED = Decimal(100)
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RoundOpenForm(BootstrapFormMixin, forms.Form):
    fiscal_year = forms.IntegerField(label=_("预算年度"), min_value=2000, max_value=2100)
    months_elapsed = forms.TypedChoiceField(
        label=_("监控期间"),
        coerce=int,
        choices=[(m, f"1-{m}月" if m > 1 else "1月") for m in range(1, 13)],
    )
    name = forms.CharField(
        label=_("名称"),
        max_length=100,
        required=False,
        help_text=_("不填则按期间命名，如“2026年1-7月”"),
    )
    due_on = forms.DateField(label=_("填报截止日期"), widget=DATE_INPUT)
    description = forms.CharField(
        label=_("填报说明"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def due_at(self) -> datetime:
        """The end of the deadline day, in the server's time zone."""
        day = self.cleaned_data["due_on"]
        return timezone.make_aware(datetime.combine(day, time(23, 59, 59)))


class ThresholdsForm(BootstrapFormMixin, forms.Form):
    """Thresholds typed as percentages (60, 80, 120) and stored as fractions."""

    red_below = forms.DecimalField(
        label=_("红色预警线（%）"), max_digits=6, decimal_places=2, min_value=0
    )
    yellow_below = forms.DecimalField(
        label=_("黄色预警线（%）"), max_digits=6, decimal_places=2, min_value=0
    )
    blue_at = forms.DecimalField(
        label=_("蓝色（超额完成）线（%）"), max_digits=6, decimal_places=2, min_value=0
    )

    def fractions(self) -> dict[str, Decimal]:
        return {k: v / HUNDRED for k, v in self.cleaned_data.items()}


class FormReopenForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label=_("退回原因"), widget=forms.Textarea(attrs={"rows": 2}))


class SpendingForm(BootstrapFormMixin, forms.Form):
    code = forms.CharField(label=_("项目代码"), max_length=40)
    date = forms.DateField(label=_("支付日期"), widget=DATE_INPUT)
    amount = forms.CharField(label=_("金额（万元）"), max_length=30)
    reference = forms.CharField(label=_("凭证号"), max_length=64, required=False)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel 文件"))


class MonitoringFormForm(forms.Form):
    """The unit's monitoring form: the project's figures and, per indicator row, the fields
    that row takes (a qualitative indicator a level, a quantitative one its values)."""

    executed = forms.CharField(label=_("1-N月执行数"), required=False)
    expected_execution = forms.CharField(label=_("全年预计执行数"), required=False)
    goal_progress = forms.CharField(
        label=_("年度总体目标完成情况"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self, data: Any = None, *, form: MonitoringForm, rows: list[IndicatorProgress]
    ) -> None:
        initial: dict[str, Any] = {
            "executed": plain(form.executed),
            "expected_execution": plain(form.expected_execution),
            "goal_progress": form.goal_progress,
        }
        super().__init__(data, initial=initial)
        self.rows = rows
        for row in rows:
            for name, field, value in self._row_fields(row):
                key = f"{name}_{row.indicator_id}"
                self.fields[key] = field
                self.initial[key] = value
        for field in self.fields.values():
            if isinstance(field.widget, forms.CheckboxSelectMultiple):
                continue
            select = isinstance(field.widget, forms.Select)
            css = "form-select form-select-sm" if select else "form-control form-control-sm"
            field.widget.attrs.setdefault("class", css)

    @staticmethod
    def _row_fields(row: IndicatorProgress) -> list[tuple[str, forms.Field, Any]]:
        fields: list[tuple[str, forms.Field, Any]] = []
        if row.is_qualitative:
            fields.append(
                (
                    "level",
                    forms.ChoiceField(
                        label=_("完成情况"),
                        choices=[("", "—"), *Level.choices],
                        required=False,
                    ),
                    row.level,
                )
            )
        else:
            fields.append(("actual", forms.CharField(required=False), plain(row.actual)))
            fields.append(("expected", forms.CharField(required=False), plain(row.expected)))
        fields += [
            (
                "likelihood",
                forms.ChoiceField(choices=[("", "—"), *Likelihood.choices], required=False),
                row.likelihood,
            ),
            (
                "reasons",
                forms.MultipleChoiceField(
                    choices=DeviationReason.choices,
                    required=False,
                    widget=forms.CheckboxSelectMultiple,
                ),
                list(row.reasons),
            ),
            (
                "measures",
                forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2})),
                row.measures,
            ),
        ]
        return fields

    def lines(self) -> list[dict[str, Any]]:
        """Per indicator row, its bound fields by name, for the table."""
        return [
            {
                "row": row,
                **{
                    name: self[f"{name}_{row.indicator_id}"]
                    for name in ("level", "actual", "expected", "likelihood", "reasons", "measures")
                    if f"{name}_{row.indicator_id}" in self.fields
                },
            }
            for row in self.rows
        ]

    def changes(self) -> tuple[dict[str, Any], dict[int, dict[str, Any]]]:
        """What the service should save: the form's own values and, per indicator, the
        fields that differ from what is stored (typed numbers as they were typed)."""
        data = self.cleaned_data
        values = {
            name: data[name]
            for name in ("executed", "expected_execution", "goal_progress")
            if str(data[name]).strip() != str(self.initial[name] or "")
        }
        progress: dict[int, dict[str, Any]] = {}
        for row in self.rows:
            for name, _field, before in self._row_fields(row):
                value = data[f"{name}_{row.indicator_id}"]
                same = (
                    sorted(value) == sorted(before)
                    if name == "reasons"
                    else str(value).strip() == str(before or "")
                )
                if not same:
                    progress.setdefault(row.indicator_id, {})[name] = value
        return values, progress


def plain(value: Decimal | None) -> str:
    """A stored decimal as a person types it: 12.5, not 12.500000."""
    if value is None:
        return ""
    text = format(value.normalize(), "f")
    return text
