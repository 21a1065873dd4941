from django.apps import AppConfig


class BudgetConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "jixiao.budget"
    verbose_name = "预算绩效管理"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from jixiao.audit import labels
        from jixiao.budget import permissions as p
        from jixiao.web.menu import MenuEntry, add, group_when
        from jixiao.workflow.notify import register_link

        p.install()
        group_when("预算绩效", p.in_budget_tree)
        from jixiao.budget.evaluation import permissions as evaluation

        evaluation.install()
        from jixiao.budget.evaluation.jobs import recompute_pending
        from jixiao.web import worker

        worker.register("budget.recompute", recompute_pending)  # jobs go on without the page
        from jixiao.budget import deadlines

        deadlines.install()  # a deadline set after units finished starts complete for them
        labels.register(evaluation.LABELS)
        register_link(evaluation.SELF_EVALUATION_WORKFLOW, "/budget/self-evaluations/{subject_id}/")
        from jixiao.budget.monitoring import interventions, tracking

        labels.register({**interventions.LABELS, **tracking.LABELS})
        register_link(p.TARGET_WORKFLOW, "/budget/projects/{subject_id}/")
        labels.register(
            {
                "budget.project.create": "新增项目",
                "budget.project.update": "修改项目",
                "budget.project.approve": "批复项目",
                "budget.ex_ante.create": "开始事前绩效评估",
                "budget.ex_ante.assess": "事前绩效评估",
                "budget.ex_ante.report": "上传评估报告",
                "budget.control_number.set": "设置预算控制数",
                "budget.project.import": "导入申报表",
                "budget.settings.set": "修改年度预算绩效设置",
            }
        )
        from jixiao.budget import overview, overview_views

        add(
            MenuEntry(
                "预算绩效",
                _("绩效总览"),
                "budget:overview",
                "speedometer2",
                overview.VIEW,
                order=5,
                when=overview.can_view,
            )
        )
        add(
            MenuEntry(
                "预算绩效",
                _("项目绩效目标申报"),
                "budget:projects",
                "folder2-open",
                p.PROJECT_VIEW,
                order=10,
            )
        )
        add(
            MenuEntry(
                "预算绩效",
                _("绩效目标审核"),
                "budget:review_queue",
                "check2-square",
                (p.TARGET_REVIEW_DEPARTMENT, p.TARGET_REVIEW_FINANCE),
                order=20,
            )
        )
        add(
            MenuEntry(
                "预算绩效",
                _("预算控制数"),
                "budget:control_numbers",
                "cash-stack",
                (p.SETTINGS_MANAGE, p.TARGET_REVIEW_DEPARTMENT),
                order=25,
            )
        )
        add(
            MenuEntry(
                "预算绩效",
                _("监控纠偏与绩效跟踪"),
                "budget:interventions",
                "clipboard2-pulse",
                p.MONITORING_VIEW,
                order=45,
            )
        )
        add(
            MenuEntry(
                "预算绩效",
                _("资金调剂与核对"),
                "budget:reallocations",
                "arrow-left-right",
                p.MONITORING_MANAGE,
                order=46,
            )
        )
        add(
            MenuEntry(
                "预算绩效",
                _("绩效自评"),
                "budget:self_evaluations",
                "clipboard-check",
                evaluation.SELF_EVALUATION_VIEW,
                order=50,
            )
        )
        add(
            MenuEntry(
                "预算绩效",
                _("重点评价与再评价"),
                "budget:evaluations",
                "search",
                (evaluation.EVALUATION_VIEW, evaluation.EVALUATION_ASSIGNED),
                order=51,
            )
        )
        add(
            MenuEntry(
                "预算绩效",
                _("评价结果应用"),
                "budget:evaluation_proposal",
                "graph-down-arrow",
                evaluation.EVALUATION_VIEW,
                order=52,
            )
        )
        add(
            MenuEntry(
                "预算绩效",
                _("年度设置"),
                "budget:year_settings",
                "sliders",
                p.SETTINGS_MANAGE,
                order=90,
            )
        )
        add(
            MenuEntry(
                "预算绩效",
                _("绩效运行监控"),
                "budget:monitoring_rounds",
                "activity",
                p.MONITORING_VIEW,
                order=40,
            )
        )
        add(
            MenuEntry(
                "预算绩效",
                _("监控看板"),
                "budget:monitoring_dashboard_latest",
                "bar-chart-line",
                p.MONITORING_VIEW,
                order=41,
            )
        )
        # Results, disclosure, reports, accountability (BUD-11…14).
        from jixiao.budget.evaluation.results import actions as results

        results.install()
        labels.register(results.LABELS)
        from jixiao.budget.monitoring.views import home_block
        from jixiao.web import home

        home.add(20, "budget/monitoring/_home_block.html", home_block)
        home.add(5, "budget/_overview_home_block.html", overview_views.home_block)
        add(
            MenuEntry(
                "预算绩效",
                _("结果应用与整改"),
                "budget:results",
                "arrow-repeat",
                results.RESULTS_VIEW,
                order=60,
            )
        )
        add(
            MenuEntry(
                "预算绩效",
                _("整改任务"),
                "budget:rectifications",
                "tools",
                results.RESULTS_VIEW,
                order=61,
            )
        )
        add(
            MenuEntry(
                "预算绩效",
                _("绩效信息公开"),
                "budget:publications",
                "globe",
                results.RESULTS_VIEW,
                order=62,
            )
        )
        add(
            MenuEntry(
                "预算绩效",
                _("绩效报告"),
                "budget:performance_reports",
                "file-earmark-text",
                results.RESULTS_VIEW,
                order=63,
            )
        )
        add(
            MenuEntry(
                "预算绩效",
                _("问责与部门考核"),
                "budget:accountability",
                "person-exclamation",
                results.RESULTS_MANAGE,
                order=64,
            )
        )
        from jixiao.web.public import PublicSection
        from jixiao.web.public import add as public_add

        public_add(
            PublicSection(
                _("预算绩效信息公开"),
                "budget:public_results",
                _("项目绩效目标、绩效自评结果和绩效评价报告"),
                order=10,
            )
        )
