"""Messages of the monitoring services, defined once (tests assert them), marked for
translation: ``.format`` (or the error raised) turns them into text in the active language."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from jixiao.orgs.errors import DomainError

NOT_A_BUREAU = _("监控轮次只能由财政部门开启。")
MONTHS_INVALID = _("监控月份数应为1至12。")
ROUND_EXISTS = _("{year}年度已有“{name}”监控轮次。")
NO_APPROVED_PROJECTS = _("{year}年度没有已批复的项目，无法开启监控轮次。")
ROUND_CLOSED = _("监控轮次“{name}”已结束，不能再修改。")
FORM_SUBMITTED = _("绩效监控表已报送，不能再修改；如需修改请联系财政部门退回。")
FORM_NOT_SUBMITTED = _("绩效监控表尚未报送。")
FORM_INVALID = _("绩效监控表有{count}处问题：{problems}")
UNKNOWN_INDICATOR = _("指标（编号{indicator}）不属于此绩效监控表。")
NOT_A_NUMBER = _("指标“{name}”：{field}应为数字，实际为“{value}”。")
AMOUNT_NOT_A_NUMBER = _("{field}应为数字，实际为“{value}”。")
AMOUNT_NEGATIVE = _("{field}不能为负数。")
QUALITATIVE_LEVEL = _("指标“{name}”是定性指标，请选择完成情况（达成/部分达成/未达成），不填数值。")
QUANTITATIVE_LEVEL = _("指标“{name}”是定量指标，请填写实际完成值，不选定性完成情况。")
LEVEL_INVALID = _("指标“{name}”：定性完成情况无效（{value}）。")
LIKELIHOOD_INVALID = _("指标“{name}”：完成目标可能性无效（{value}）。")
REASON_INVALID = _("指标“{name}”：偏差原因无效（{value}）。")
REASONS_FOR_LIKELIHOOD = _(
    "指标“{name}”：完成目标可能性为“{likelihood}”，须选择偏差原因并填写原因说明及纠偏措施。"
)
EXPECTED_FOR_LIKELIHOOD = _("指标“{name}”：完成目标可能性为“{likelihood}”，须填写全年预计完成值。")
REASONS_FOR_RED = _("指标“{name}”为红色预警（{explain}），须选择偏差原因并填写原因说明及纠偏措施。")
ACTUAL_MISSING = _("指标“{name}”：须填写1-N月实际完成值。")
LEVEL_MISSING = _("指标“{name}”：须选择定性完成情况。")
LIKELIHOOD_MISSING = _("指标“{name}”：须选择完成目标可能性。")
REOPEN_REASON = _("退回绩效监控表须说明原因。")
THRESHOLDS_INVALID = _("预警阈值应满足 0＜红色预警线≤黄色预警线≤100%＜蓝色线。")
SPENDING_REFUSED = _("支出数据有{count}处问题，全部未导入：{problems}")
SPENDING_EMPTY = _("没有要登记的支出记录。")
SPENDING_ROW = _("第{row}条：{problem}")
SPENDING_NO_PROJECT = _("项目代码“{code}”在{year}年度不存在或不在您的管辖范围内")
SPENDING_DATE = _("支付日期{date}不在{year}年度内")
SPENDING_NOT_A_DATE = _("支付日期应为日期，实际为“{value}”")
SPENDING_AMOUNT = _("金额应为非零数字（万元，最多4位小数），实际为“{value}”")
SPENDING_DUPLICATE = _("凭证号“{reference}”已登记")
SPENDING_REPEATED = _("凭证号“{reference}”在本批数据中重复")
SPENDING_SHAPE = _("应为（项目代码, 支付日期, 金额[, 凭证号]），实际为“{value}”")
SHOWN_PROBLEMS = 20  # problems listed in a message; the exception keeps them all


class MonitoringError(DomainError):
    """A refused monitoring operation; ``problems`` lists every located problem. A message
    given lazily is translated when raised, in the request's language."""

    def __init__(self, message: str | Promise, problems: Sequence[str] = ()) -> None:
        super().__init__(str(message))
        self.problems = [str(problem) for problem in problems]


def refused(template: str, problems: Sequence[str]) -> MonitoringError:
    """One error naming the first problems (all of them kept on ``problems``)."""
    shown = "；".join(problems[:SHOWN_PROBLEMS])
    if len(problems) > SHOWN_PROBLEMS:
        shown += _("……（共%(count)s处）") % {"count": len(problems)}
    return MonitoringError(template.format(count=len(problems), problems=shown), problems)
