"""Messages of results, disclosure, reports and accountability, defined once (tests assert
them)."""

from __future__ import annotations

from jixiao.orgs.errors import DomainError

NO_BUREAU = "项目不在任何财政部门的管辖范围内。"
RESULT_NOT_FINAL = "只有审核通过的绩效自评或已完成的绩效评价才能反馈给单位。"
ONE_RESULT = "请选择一项绩效自评或一项绩效评价。"
ALREADY_SENT = "该评价结果已反馈给单位。"
PROBLEM_MISSING = "请填写存在的问题。"
DEADLINE_PAST = "整改期限不能早于今天。"
NOT_AWAITING_ANSWER = "该整改任务当前为“{state}”，不能答复。"
NOT_ANSWERED = "该整改任务当前为“{state}”，没有待验收的答复。"
MEASURES_MISSING = "请填写整改措施及成效。"
EVIDENCE_MISSING = "请上传整改佐证材料。"
RETURN_COMMENT_MISSING = "退回整改答复须填写验收意见。"
MONTHS_RANGE = "整改期限应为1至12个月。"
WEIGHTS_SUM = "及时性、覆盖面、质量、整改完成的权重之和应为100，实际为{total}。"
WEIGHT_NEGATIVE = "权重不能为负数。"

PUBLICATION_SOURCE = "“{kind}”只能在{what}后申请公开。"
PUBLICATION_PENDING = "该项目的“{kind}”已在审核或已公开。"
PUBLICATION_REPORT = "请选择该项目已印发的绩效评价报告。"
NOT_PROPOSED = "该公开申请当前为“{state}”，不能审核。"
REJECT_COMMENT = "不予公开须填写审核意见。"
NOT_PUBLISHED = "该信息当前为“{state}”，不能撤回。"
WITHDRAW_REASON = "撤回公开须说明原因。"

REPORT_ISSUED = "报告已印发，不能修改。"
REPORT_EVALUATION = "只有已完成的重点评价或部门整体支出评价才能生成评价报告。"
REPORT_UNIT = "单位年度绩效报告只能由预算单位或主管部门编写。"
REPORT_EMPTY = "报告正文“{heading}”不能为空。"

ACCOUNTABILITY_DECISION = "请填写问责事由和处理决定。"
ACCOUNTABILITY_AMOUNT = "扣减预算须填写大于0的扣减金额。"
ACCOUNTABILITY_PROJECT = "项目不属于问责对象。"
ACCOUNTABILITY_BY = "请填写决定机关或人员。"

APPRAISAL_BUREAU = "只有财政部门可以对主管部门的预算绩效管理工作考核定稿。"
APPRAISAL_EMPTY = "没有需要考核的主管部门，无法定稿。"
APPRAISAL_REASON = "本年度已定稿第{version}版，重新定稿须说明原因。"


class ResultsError(DomainError):
    pass
