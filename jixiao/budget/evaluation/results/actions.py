"""The actions of results, disclosure, reports and accountability, and who holds them.

The finance bureau manages (``budget.results.manage``): it sends results, lists problems,
accepts rectification, reviews disclosures, keeps the accountability records and appraises the
departments. The unit answers (``budget.results.answer``): rectification, disclosure proposals,
its annual report. Everybody in the budget chain reads in their scope (``budget.results.view``);
third-party evaluators hold none of them."""

from __future__ import annotations

from jixiao.orgs import permissions
from jixiao.orgs.models import Role

RESULTS_MANAGE = "budget.results.manage"
RESULTS_ANSWER = "budget.results.answer"
RESULTS_VIEW = "budget.results.view"

GRANTS = {
    Role.FINANCE_REVIEWER: {RESULTS_MANAGE, RESULTS_VIEW},
    Role.DEPARTMENT_REVIEWER: {RESULTS_VIEW},
    Role.UNIT_OPERATOR: {RESULTS_ANSWER, RESULTS_VIEW},
    Role.LEADER: {RESULTS_VIEW},
}

LABELS = {
    "budget.results.settings": "修改结果应用规则",
    "budget.feedback.send": "反馈评价结果",
    "budget.rectification.add": "下达整改任务",
    "budget.rectification.answer": "答复整改任务",
    "budget.rectification.accept": "整改验收通过",
    "budget.rectification.return": "退回整改答复",
    "budget.publication.propose": "申请公开绩效信息",
    "budget.publication.approve": "审核公开绩效信息",
    "budget.publication.reject": "不予公开绩效信息",
    "budget.publication.withdraw": "撤回已公开的绩效信息",
    "budget.report.generate": "生成绩效报告",
    "budget.report.save": "修改绩效报告",
    "budget.report.issue": "印发绩效报告",
    "budget.accountability.record": "登记问责",
    "budget.department_appraisal.finalise": "部门预算绩效管理工作考核定稿",
}


def install() -> None:
    from jixiao.budget.evaluation.results.accountability import SOURCE
    from jixiao.lib import feeds

    for role, actions in GRANTS.items():
        permissions.grant(role, *actions)
    # The stored appraisal of a department feeds its government assessment (lib.feeds).
    feeds.register(SOURCE)
