from django.apps import AppConfig


class AppraisalConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "jixiao.appraisal"
    verbose_name = "员工绩效考核"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from jixiao.appraisal import permissions as p
        from jixiao.appraisal import scoring
        from jixiao.appraisal.home import office_block
        from jixiao.audit import labels
        from jixiao.web import home
        from jixiao.web.menu import MenuEntry, add, group_when
        from jixiao.workflow.notify import register_link

        p.install()
        group_when("员工考核", p.in_company_tree)
        home.add(30, "appraisal/home_block.html", office_block)
        scoring.install()
        register_link(p.SHEET_WORKFLOW, "/appraisal/sheets/{subject_id}/")
        labels.register(
            {
                "appraisal.settings.set": "修改考核设置",
                "appraisal.rule_set.create": "新建考核细则版本",
                "appraisal.rule_set.update": "修改考核细则",
                "appraisal.rule_set.status": "考核细则试行/定稿",
                "appraisal.rule_set.feedback": "反馈考核细则问题",
                "appraisal.month.open": "开启月度考核",
                "appraisal.month.close": "锁定月度考核",
                "appraisal.month.reopen": "因申诉成立重新开启月度考核",
                "appraisal.scores.save": "录入考核得分",
                "appraisal.scores.import": "导入考核得分",
                "appraisal.scores.copy": "复制上月得分",
                "appraisal.event.create": "登记奖惩事项",
                "appraisal.event.delete": "删除奖惩事项",
                "appraisal.sheet.sign": "填写审核、统计人",
                "appraisal.pay.compute": "计算绩效工资",
                "appraisal.pay_profile.set": "设置工资基数",
                "appraisal.appeal.create": "提出申诉",
                "appraisal.appeal.decide": "处理申诉",
                "appraisal.progress.save": "修改工作进度",
            }
        )
        entries = [
            (_("月度考核"), "appraisal:months", "calendar-check", (p.MANAGE, p.SCORE, p.VIEW), 10),
            (_("考核审核"), "appraisal:review_queue", "check2-square", p.REVIEW, 20),
            (_("考核细则"), "appraisal:rule_sets", "journal-text", (p.MANAGE, p.SCORE), 30),
            (_("统计分析表"), "appraisal:statistics", "table", p.VIEW, 40),
            (_("考核预警"), "appraisal:dashboard", "exclamation-triangle", p.MANAGE, 50),
            (_("工作进度表"), "appraisal:progress", "list-check", p.MANAGE, 60),
            (_("申诉处理"), "appraisal:appeals", "chat-left-text", p.MANAGE, 70),
            (_("工资基数"), "appraisal:salary_bases", "cash-coin", p.MANAGE, 75),
            (_("考核设置"), "appraisal:settings", "sliders", p.MANAGE, 80),
            (_("我的考核"), "appraisal:mine", "person-badge", p.OWN, 5),
        ]
        for label, url, icon, action, order in entries:
            add(MenuEntry("员工考核", label, url, icon, action, order=order))
