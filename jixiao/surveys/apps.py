from django.apps import AppConfig


class SurveysConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "jixiao.surveys"
    verbose_name = "问卷调查"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from jixiao.audit import labels
        from jixiao.surveys import permissions as p
        from jixiao.web.menu import MenuEntry, add

        p.install()
        labels.register(
            {
                "surveys.survey.create": "新建问卷",
                "surveys.survey.update": "修改问卷",
                "surveys.question.add": "新增题目",
                "surveys.question.update": "修改题目",
                "surveys.question.move": "调整题目顺序",
                "surveys.question.delete": "删除题目",
                "surveys.survey.publish": "发布问卷",
                "surveys.survey.tokens": "增发邀请码",
                "surveys.survey.close": "结束问卷收集",
            }
        )
        add(
            MenuEntry("工作台", _("问卷调查"), "surveys:list", "ui-checks", p.SURVEY_VIEW, order=50)
        )
