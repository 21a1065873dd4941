"""Messages of the appraisal services, defined once (tests assert them)."""

from __future__ import annotations

from jixiao.orgs.errors import DomainError

NOT_A_DEPARTMENT = "考核细则只能由部门制定。"
NOT_A_COMPANY = "只能为公司（单位）开启月度考核。"
GENERAL_ITEMS_ONLY = "《规定》只能包含加分项目和扣分项目。"
FULL_SUM = "考核项目满分合计应为100分，当前为{total}分。"
NO_SCORED_ITEMS = "部门考核细则至少应有一个考核项目。"
ITEM_FIELDS_SCORED = "考核项目须填写满分（大于0），不填每次分值。"
ITEM_FIELDS_POINTS = "加分、扣分项目须填写每次分值（大于0），上限可选，不填满分。"
RULE_SET_NOT_DRAFT = "只有草稿状态的考核细则可以修改。"
RULE_SET_TRANSITION = "考核细则不能从“{old}”变为“{new}”。"
MONTH_EXISTS = "{label}的月度考核已经开启。"
MONTH_CLOSED = "{label}的月度考核已锁定，不能再修改。"
MONTH_INCOMPLETE = "还有部门未通过审核：{names}，不能锁定。"
PAY_NOT_COMPUTED = "请先计算绩效工资再锁定。"
NO_RULE_SET = "{department}没有试行或定稿的考核细则，无法评分。"
UNKNOWN_EMPLOYEE = "员工不属于本部门本月考核名单。"
UNKNOWN_ITEM = "考核项目不属于本部门本月使用的考核细则。"
SCORE_RANGE = "{employee}的“{item}”得分{score}应在0到{full}之间。"
NOT_BONUS_OR_PENALTY = "请选择加分项目或扣分项目。"
EVIDENCE_REQUIRED = "须填写事实依据。"
COUNT_POSITIVE = "次数应大于0。"
INCOMPLETE_SCORES = "还有{count}名员工未评完，不能提交：{names}。"
NO_PREVIOUS = "没有上月的考核得分可以复制。"
SHARE_RANGE = "绩效工资占比应在20%到100%之间。"
BANDS_INVALID = "分档系数设置有误：每档须有分数下限和系数，且最低一档的下限应为0。"
COEFFICIENT_RANGE = "系数下限不能大于系数上限，且均不能为负数。"
SALARY_NEGATIVE = "工资基数不能为负数。"
APPEAL_NOT_OWN = "只能对本人的考核结果提出申诉。"
APPEAL_NOT_FINAL = "考核结果经绩效办审核通过后才能申诉。"
APPEAL_PENDING = "该月已有待处理的申诉。"
APPEAL_REASON = "须填写申诉理由。"
APPEAL_DECIDED = "该申诉已处理。"
APPEAL_DECISION = "须选择处理结果并填写处理意见。"
STEP_DATES = "完成时限不能早于开始日期。"
IMPORT_UNKNOWN_EMPLOYEE = "工号“{number}”不在本部门本月考核名单中"
IMPORT_DUPLICATE = "工号“{number}”重复"
IMPORT_WRONG_SHEET = "部门应为“{want}”，实际为“{got}”"
SCORE_NOT_A_NUMBER = "得分“{value}”不是数字。"
NOT_SUBMITTED = "该部门尚未提交。"


class AppraisalError(DomainError):
    pass
