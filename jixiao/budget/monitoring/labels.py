"""Chinese names of the monitoring actions in the audit trail (installed with the grants)."""

from __future__ import annotations

from jixiao.audit import labels

LABELS = {
    "budget.monitoring.thresholds": "设置监控预警阈值",
    "budget.monitoring.round_open": "开启监控轮次",
    "budget.monitoring.round_close": "结束监控轮次",
    "budget.monitoring.form_save": "填报绩效监控表",
    "budget.monitoring.form_submit": "报送绩效监控表",
    "budget.monitoring.form_reopen": "退回绩效监控表",
    "budget.monitoring.compute": "计算监控预警",
    "budget.spending.record": "登记支出",
}


def install() -> None:
    labels.register(LABELS)
