"""Messages of evaluation, defined once (tests assert them), marked for
translation: ``.format`` (or the error raised) turns them into text in the active language."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from jixiao.orgs.errors import DomainError

NOT_APPROVED = _("只有绩效目标已批复的项目才能开展绩效自评。")
NOT_AFTER_YEAR = _("{year}年度结束后方可开展绩效自评。")
EXISTS = _("该项目已有绩效自评表。")
NO_INDICATORS = _("该项目的绩效目标中没有可计分的三级指标。")
NOT_EDITABLE = _("绩效自评表已提交或已批复，不能修改。")
BUDGET_ZERO = _("全年预算数应大于0。")
NEGATIVE = _("“{field}”不能为负数。")
BAD_NUMBER = _("“{name}”的{field}应为数字，实际为“{value}”。")
UNKNOWN_ITEM = _("自评表中没有编号为{pk}的指标。")
EXPLANATION_REQUIRED = _("指标“{name}”：{why}，须填写偏差原因分析及改进措施。")
EXECUTION_EXPLANATION = _("预算执行率{rate}低于90%，须说明原因。")
ADJUSTED_WITHOUT_REASON = _(
    "指标“{name}”：填报得分{reported}与按规则计得的{computed}不同，须填写理由。"
)
ACTUAL_MISSING = _("指标“{name}”尚未填写实际完成值。")
LEVEL_MISSING = _("定性指标“{name}”须选择完成情况并给出档位内的得分。")
SCORING_REFUSED = _("计分失败：{problems}")
SETTINGS_ORDER = _("等级分数线须满足 0 <“中”<“良”<“优”≤ 100，压减比例在0到1之间。")
WEIGHTS_SUM = _("决策、过程、产出、效益的权重之和应为100，实际为{total}。")
WEIGHTS_OUTPUT_BENEFIT = _("产出和效益指标权重合计不得低于60%（实际为{total}%）。")
WEIGHT_NEGATIVE = _("权重不能为负数。")
EVALUATION_KIND_PROJECT = _("部门整体支出评价只能选择部门整体支出申报；重点评价只能选择项目支出。")
EVALUATION_EXISTS = _("该项目{year}年度已有{kind}。")
REEVALUATION_NEEDS_SUBMITTED = _("只能对已提交或已批复的绩效自评进行再评价。")
CYCLE_YEARS = _("全周期评价须填写评价起止年度，且在项目起止年度之内。")
CYCLE_SINGLE_YEAR = _("全周期评价仅适用于跨年度项目。")
NOT_DRAFT = _("评价已开始评分或已完成，不能再修改设置。")
NOT_SCORING = _("评价不在评分阶段。")
FINISHED = _("评价已完成。")
ASSIGNEE_ROLE = _("只能指派第三方评价人员或本财政部门的人员。")
ASSIGNED_ALREADY = _("该人员已被指派到此评价。")
NOT_ASSIGNED = _("您未被指派到此评价。")
SCORE_RANGE = _("指标“{name}”的得分应在0到{full}之间。")
SCORES_INCOMPLETE = _("尚有{count}个指标没有专家评分。")
NO_EXPERT = _("尚无评价人员提交评分。")
REASON_REQUIRED = _("指标“{name}”调整得分须填写理由。")
UNKNOWN_METHOD = _("未知的评价方法或标准：{code}")
JOB_RUNNING = _("已有正在进行的重新计分任务。")
SAMPLE_SIZE = _("抽样数量应大于0。")
NO_SURVEY = _("该项目没有已发布且有答卷的满意度调查，或自评表中没有以百分比计的满意度指标。")


class EvaluationError(DomainError):
    """A refused operation; a message given lazily is translated when raised."""

    def __init__(self, message: str | Promise) -> None:
        super().__init__(str(message))
