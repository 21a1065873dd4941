"""Chinese names of audit actions, for pages that show the trail to people. The trail itself
stores the stable action code; apps register the names of their own actions here."""

from __future__ import annotations

_LABELS: dict[str, str] = {}


def register(labels: dict[str, str]) -> None:
    _LABELS.update(labels)


def label(action: str) -> str:
    """The action's name, or its code when none was registered."""
    return _LABELS.get(action, action)


register(
    {
        "org.create": "新增组织",
        "org.update": "修改组织",
        "user.create": "新增人员",
        "user.update": "修改人员",
        "user.password": "设置密码",
        "user.unlock": "解锁账号",
        "role.assign": "授予角色",
        "role.revoke": "撤销角色",
        "admin.change": "管理后台修改",
        "audit.export": "导出审计日志",
        "api_token.create": "签发接口令牌",
        "api_token.revoke": "吊销接口令牌",
        "period.create": "新建期间",
        "deadline.create": "新增截止事项",
        "deadline.update": "修改截止事项",
        "deadline.complete": "标记完成",
        "deadline.reopen": "重新打开",
        "indicator_tree.create": "新建指标体系",
        "indicator_tree.copy": "复制指标体系",
        "indicator.create": "新增指标",
        "indicator.update": "修改指标",
        "indicator.delete": "删除指标",
        "workflow.open": "创建审核流程",
        "workflow.submit": "提交审核",
        "workflow.withdraw": "撤回",
        "workflow.approve": "审核通过",
        "workflow.return": "退回",
        "workflow.comment_resolve": "处理审核意见",
        "workflow.adjustment_request": "申请调整",
        "workflow.adjustment_cancel": "取消调整",
    }
)
