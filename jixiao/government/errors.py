"""Messages of government performance assessment, defined once."""

from __future__ import annotations

from jixiao.orgs.errors import DomainError

WEIGHTS_SUM = "量化评估与社会评估的权重合计应为100，现为{total}。"
RATER_WEIGHTS_SUM = "各评价主体的权重合计应为100，现为{total}。"
RATER_ONE_ASSESSMENT = "须有且只有一个按指标体系计分的评价主体（考核组）。"
RATER_SCORE_RANGE = "评分应在0到100之间。"
RATER_IS_ASSESSMENT = "考核组的得分由指标体系计算，不能直接录入。"
SCHEME_EXISTS = "{org}已有{year}年度的考核方案。"
TEMPLATE_MISSING = "缺少政府绩效标准模板，请先运行 jixiao setup。"
OFFICE_OUTSIDE = "责任科室应为“{org}”的下属科室（单位）。"
RESPONSIBLE_OUTSIDE = "责任人应属于责任科室“{office}”。"
RESPONSIBLE_NO_ROLE = (
    "责任人“{person}”在“{office}”没有填报权限（须授予单位填报人员、部门负责人或员工角色）。"
)
TARGET_LOCKED = "只有设置中的方案可以修改年度目标，定性事项没有目标值。"
NOT_ASSIGNED = "事项“{item}”尚未落实责任科室和责任人。"
SCHEME_NOT_ACTIVE = "考核方案尚未启动实施。"
SCHEME_ALREADY_ACTIVE = "考核方案已启动实施。"
NOT_RESPONSIBLE = "只有事项的责任人（或其科室负责人）可以填报。"
PERIOD_FORMAT = "期间应为“{year}-01”至“{year}-12”（按月）或“{year}-Q1”至“{year}-Q4”（按季度）。"
SELF_SCORE_RANGE = "自评得分应在0到分值{full}之间。"
SELF_EXPLANATION_REQUIRED = "请填写自评说明。"
SELF_CHECK_REQUIRED = "请填写自查情况。"
SELF_SCORE_REQUIRED = "请先填写自评得分。"
EVIDENCE_REQUIRED = "请上传至少一份佐证材料。"
EVIDENCE_TYPE = "佐证材料只接受以下格式：{types}。"
EVIDENCE_SIZE = "佐证材料不能超过{mb}MB。"
REVIEW_SCORE_RANGE = "考核得分应在0到分值{full}之间。"
REVIEW_COMMENT_REQUIRED = "考核得分与自评得分不一致时，请写明考核意见。"
NOT_SUBMITTED = "该事项尚未提交自评，不能考核。"
PUBLISH_NOT_ACTIVE = "考核方案启动实施后才能公开。"
ALREADY_PUBLISHED = "考核结果已公开。"
NOT_PUBLISHED = "考核结果尚未公开。"
BONUS_NEGATIVE = "加分不能为负数。"
THRESHOLDS = "称职线应在0到优秀线之间，优秀线不超过100。"
FEED_UNKNOWN = "未知的取数来源。"
FEED_NOTHING = "{org}{year}年度的{label}尚未定稿，没有可取的得分。"
FEED_RULE = "“{item}”没有目标值（定性事项），不能取数。"
FEED_TAKEN = "“{item}”已从{label}取数，一个方案只有一个事项从{label}取数。"
FEED_PUBLISHED = "考核结果已公开，不能重新取数；请先撤销公开。"
FEED_NO_ITEM = "方案中没有“{name}”事项，请选择从{label}取数的事项。"


class GovernmentError(DomainError):
    pass
