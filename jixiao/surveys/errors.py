"""Chinese messages of surveys, defined once so tests can assert them."""

from __future__ import annotations

from jixiao.orgs.errors import DomainError


class SurveyError(DomainError):
    pass


class AnswerRefused(SurveyError):
    """The whole answer sheet is refused; ``problems`` maps a question id to its message
    (empty when the refusal is about the sheet, e.g. a used invitation code)."""

    def __init__(self, message: str, problems: dict[int, str] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or {}


NOT_DRAFT = "问卷已发布，不能再修改题目；如需修改请新建问卷。"
NOT_OPEN = "问卷未处于收集中状态。"
ALREADY_OPEN = "问卷已发布。"
ALREADY_CLOSED = "问卷已结束收集。"
NO_QUESTIONS = "问卷至少需要一道题目才能发布。"
TITLE_REQUIRED = "请填写问卷标题。"
QUESTION_TEXT_REQUIRED = "请填写题目。"
OPTIONS_REQUIRED = "选择题和评分题至少需要两个选项。"
OPTION_LABEL_REQUIRED = "选项内容不能为空。"
OPTION_LABEL_TWICE = "选项“{label}”重复。"
TEXT_HAS_OPTIONS = "填空题没有选项。"
SATISFACTION_KIND = "只有单选题和评分题可以计入满意度。"
SATISFIED_NONE = "计入满意度的题目至少要有一个选项算作“满意”。"
POINTS_MISSING = "按分值计算满意度时，每个选项都要有分值。"
POINTS_ALL_ZERO = "按分值计算满意度时，最高分值必须大于0。"
SUBJECT_INCOMPLETE = "关联对象的类型和编号须同时填写。"
TOKENS_RANGE = "邀请码数量应在0到{maximum}之间。"
TOKENS_NEED_COUNT = "仅凭邀请码作答时，至少生成一个邀请码。"
MOVE_OUT = "题目已在最前或最后。"

# Answering (the public page).
SURVEY_CLOSED = "本问卷已结束收集，感谢您的关注。"
SURVEY_NOT_PUBLISHED = "问卷不存在或尚未发布。"
ANSWER_INVALID = "请检查标红的题目。"
ANSWER_REQUIRED = "此题为必答题。"
ANSWER_BAD_OPTION = "请选择列出的选项。"
ANSWER_ONE_OPTION = "此题只能选择一项。"
ANSWER_TOO_LONG = "回答不能超过{limit}个字。"
TOKEN_REQUIRED = "本问卷凭邀请码作答，请输入邀请函上的邀请码。"  # noqa: S105 (a message)
TOKEN_UNKNOWN = "邀请码无效，请核对邀请函上的邀请码。"  # noqa: S105 (a message)
TOKEN_USED = "该邀请码已使用过，每个邀请码只能提交一次。"  # noqa: S105 (a message)
ALREADY_ANSWERED = "您已提交过本问卷，感谢参与。"
TOO_MANY = "同一网络提交过于频繁，请稍后再试。"
