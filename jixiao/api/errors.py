"""The API's error messages (Chinese, defined once so tests can assert them) and its own
HTTP error, whose message is shown as the response's ``detail``."""

from __future__ import annotations

from ninja.errors import HttpError

NOT_AUTHENTICATED = "未登录，或未在 Authorization 请求头中提供令牌（Bearer）。"
TOKEN_INVALID = "令牌无效。"  # noqa: S105 (a message, not a secret)
TOKEN_EXPIRED = "令牌已过期。"  # noqa: S105
TOKEN_REVOKED = "令牌已吊销。"  # noqa: S105
USER_INACTIVE = "该账号已停用。"
CSRF_FAILED = "CSRF 校验失败，请刷新页面后重试。"
NOT_FOUND = "未找到请求的对象，或您无权查看。"
METHOD_NOT_ALLOWED = "不支持该请求方法。"
INVALID_REQUEST = "请求参数有误。"
BAD_REQUEST = "请求格式有误。"
FORBIDDEN = "您没有执行该操作的权限。"
THROTTLED = "请求过于频繁，请稍后再试。"
REQUEST_FAILED = "请求失败。"

TOKEN_ALREADY_REVOKED = "该令牌已吊销。"  # noqa: S105
TOKEN_USER_INACTIVE = "该人员已停用，不能签发令牌。"  # noqa: S105
TOKEN_EXPIRY_PAST = "有效期必须晚于当前时间。"  # noqa: S105
# A token acts as its owner: issued by an administrator to a person's account, it would let
# the administrator act as that person and read business data (三员分立).
TOKEN_PERSON_ACCOUNT = (
    "只能为系统集成账号签发接口令牌：令牌以其所属账号的身份访问数据，"  # noqa: S105
    "管理员不得为个人账号签发。"
)

# ninja raises some HttpErrors with English messages; answer those with these.
STATUS_MESSAGES = {
    400: BAD_REQUEST,
    401: NOT_AUTHENTICATED,
    403: FORBIDDEN,
    404: NOT_FOUND,
    405: METHOD_NOT_ALLOWED,
    422: INVALID_REQUEST,
    429: THROTTLED,
}


class ApiError(HttpError):
    """An HTTP error raised by our code; ``message`` is already meant for the caller."""
