"""Messages of the appraisal services, defined once (tests assert them), marked for
translation: ``.format`` (or the error raised) turns them into text in the active language."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from jixiao.orgs.errors import DomainError

NOT_A_DEPARTMENT = _("考核细则只能由部门制定。")
NOT_A_COMPANY = _("只能为公司（单位）开启月度考核。")
GENERAL_ITEMS_ONLY = _("《规定》只能包含加分项目和扣分项目。")
FULL_SUM = _("考核项目满分合计应为100分，当前为{total}分。")
NO_SCORED_ITEMS = _("部门考核细则至少应有一个考核项目。")
ITEM_FIELDS_SCORED = _("考核项目须填写满分（大于0），不填每次分值。")
ITEM_FIELDS_POINTS = _("加分、扣分项目须填写每次分值（大于0），上限可选，不填满分。")
RULE_SET_NOT_DRAFT = _("只有草稿状态的考核细则可以修改。")
RULE_SET_TRANSITION = _("考核细则不能从“{old}”变为“{new}”。")
MONTH_EXISTS = _("{label}的月度考核已经开启。")
MONTH_CLOSED = _("{label}的月度考核已锁定，不能再修改。")
MONTH_INCOMPLETE = _("还有部门未通过审核：{names}，不能锁定。")
PAY_NOT_COMPUTED = _("请先计算绩效工资再锁定。")
NO_RULE_SET = _("{department}没有试行或定稿的考核细则，无法评分。")
UNKNOWN_EMPLOYEE = _("员工不属于本部门本月考核名单。")
UNKNOWN_ITEM = _("考核项目不属于本部门本月使用的考核细则。")
SCORE_RANGE = _("{employee}的“{item}”得分{score}应在0到{full}之间。")
NOT_BONUS_OR_PENALTY = _("请选择加分项目或扣分项目。")
EVIDENCE_REQUIRED = _("须填写事实依据。")
COUNT_POSITIVE = _("次数应大于0。")
INCOMPLETE_SCORES = _("还有{count}名员工未评完，不能提交：{names}。")
NO_PREVIOUS = _("没有上月的考核得分可以复制。")
SHARE_RANGE = _("绩效工资占比应在20%到100%之间。")
BANDS_INVALID = _("分档系数设置有误：每档须有分数下限和系数，且最低一档的下限应为0。")
COEFFICIENT_RANGE = _("系数下限不能大于系数上限，且均不能为负数。")
SALARY_NEGATIVE = _("工资基数不能为负数。")
APPEAL_NOT_OWN = _("只能对本人的考核结果提出申诉。")
APPEAL_NOT_FINAL = _("考核结果经绩效办审核通过后才能申诉。")
APPEAL_PENDING = _("该月已有待处理的申诉。")
APPEAL_REASON = _("须填写申诉理由。")
APPEAL_DECIDED = _("该申诉已处理。")
APPEAL_DECISION = _("须选择处理结果并填写处理意见。")
STEP_DATES = _("完成时限不能早于开始日期。")
IMPORT_UNKNOWN_EMPLOYEE = _("工号“{number}”不在本部门本月考核名单中")
IMPORT_DUPLICATE = _("工号“{number}”重复")
IMPORT_WRONG_SHEET = _("部门应为“{want}”，实际为“{got}”")
SCORE_NOT_A_NUMBER = _("得分“{value}”不是数字。")
NOT_SUBMITTED = _("该部门尚未提交。")


class AppraisalError(DomainError):
    """A refused operation; a message given lazily is translated when raised."""

    def __init__(self, message: str | Promise) -> None:
        super().__init__(str(message))
