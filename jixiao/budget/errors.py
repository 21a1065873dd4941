"""Messages of the budget services, defined once (tests assert them)."""

from __future__ import annotations

from jixiao.orgs.errors import DomainError

UNIT_KIND = "项目只能由预算单位或其下属单位申报。"
CODE_TAKEN = "{year}年度已有项目代码“{code}”。"
YEARS_ORDER = "项目终止年度不能早于起始年度。"
FUNDS_SPLIT = "年度资金总额{total}万元应等于财政拨款、上年结转与其他资金之和{parts}万元。"
MIDTERM_SPLIT = "中期资金总额{total}万元应等于财政拨款与其他资金之和{parts}万元。"
EX_ANTE_REQUIRED = (
    "该项目须开展事前绩效评估并取得“予以支持”或“部分支持”的结论（附评估报告）后方可提交。"
)
EX_ANTE_NOT_REQUIRED = "该项目无须开展事前绩效评估。"
EX_ANTE_REPORT_MISSING = "须上传事前绩效评估报告。"
EX_ANTE_AMOUNT = "部分支持须填写核定金额，且核定金额应小于申报金额。"
EX_ANTE_CONCLUSION = "须选择评估结论。"
TARGETS_INCOMPLETE = "绩效目标不完整：{problems}"
SETTINGS_RANGE = "事前绩效评估金额标准不能为负数，绩效指标分值合计应大于0且不超过100。"
AMOUNT_REQUIRED = "财政审核批复时须填写批复金额。"
AMOUNT_NEGATIVE = "批复金额不能为负数。"
DEPARTMENT_SPLIT = "部门整体支出的年度资金总额{total}万元应等于基本支出与项目支出之和{parts}万元。"
DEPARTMENT_EXISTS = "该单位{year}年度已有部门整体支出绩效目标申报。"
FUNCTION_REQUIRED = "项目支出须选择功能分类（类/款）。"
NOT_A_TARGET_INDICATOR = "该指标不属于此项目的绩效目标。"
NO_SUCH_CATEGORY = "申报表中没有二级指标“{category}”，无法添加该指标。"
PROMOTE_APPROVED_ONLY = "只有已批复项目的指标可以纳入指标库。"


class BudgetError(DomainError):
    pass
