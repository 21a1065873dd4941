"""Messages of the workflow, defined once so tests and domains can assert them. The exception
classes are the core ones (:mod:`jixiao.orgs.errors`)."""

from __future__ import annotations

from jixiao.orgs.errors import NO_PERMISSION, DomainError, PermissionDeniedError

__all__ = ["NO_PERMISSION", "DomainError", "PermissionDeniedError", "WorkflowError"]


class WorkflowError(DomainError):
    """A move the workflow does not allow in the case's current state."""


SUBMIT_NOT_ALLOWED = "只有草稿或已退回的表单可以提交。"
LOCKED = "该表单已批复并锁定，如需变更请提出调整申请。"
UNDER_REVIEW = "该表单正在审核中，不能修改；如需修改请先撤回。"
NOT_UNDER_REVIEW = "该表单不在待审核状态，不能审核。"
WITHDRAW_NOT_SUBMITTED = "只有待审核的表单可以撤回。"
WITHDRAW_AFTER_REVIEW = "该表单已通过{level}，不能撤回；如需修改请联系审核单位退回。"
RETURN_COMMENT_REQUIRED = "退回时必须填写审核意见。"
ITEM_COMMENT_EMPTY = "单项审核意见不能为空。"
SELF_REVIEW = "不能审核本人提交的表单。"
ADJUST_NOT_APPROVED = "只有已批复的表单可以申请调整。"
ADJUST_REASON_REQUIRED = "申请调整时必须说明调整原因。"
CANCEL_NOT_ADJUSTMENT = "只有尚未提交的调整申请可以撤销。"
COMMENT_NOT_EDITABLE = "只有草稿或已退回的表单可以处理审核意见。"
COMMENT_ALREADY_RESOLVED = "该审核意见已处理。"
NO_REVIEWER = "未找到“{level}”的审核单位，请联系管理员检查组织机构设置。"
CASE_CHANGED = "该表单已被他人处理，请刷新页面后重试。"
