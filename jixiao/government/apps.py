from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernmentConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "jixiao.government"
    verbose_name = _("政府绩效管理")

    def ready(self) -> None:
        from jixiao.audit import labels
        from jixiao.government import permissions as p
        from jixiao.government.queries import shows_my_items
        from jixiao.web import public
        from jixiao.web.menu import MenuEntry, add
        from jixiao.workflow.notify import register_link

        p.install()
        register_link(p.ITEM_WORKFLOW, "/government/items/{subject_id}/")
        labels.register(
            {
                "government.scheme.create": "新建政府绩效考核方案",
                "government.scheme.update": "修改考核方案设置",
                "government.scheme.raters": "设置评价主体及权重",
                "government.scheme.activate": "启动考核方案",
                "government.scheme.publish": "公开考核结果",
                "government.scheme.unpublish": "撤销公开考核结果",
                "government.rater.score": "录入评价主体评分",
                "government.item.assign": "落实考核事项责任",
                "government.value.set": "填报考核事项完成值",
                "government.item.self_evaluate": "考核事项自查自评",
                "government.evidence.add": "上传佐证材料",
                "government.evidence.remove": "删除佐证材料",
                "government.item.review": "考核事项评分",
                "government.item.feed": "考核事项从外部考核取数",
            }
        )
        entries = [
            (_("考核方案"), "government:schemes", "clipboard-data", p.SCHEME_VIEW, 10, None),
            # The filling-in roles hold the submit action everywhere (units, companies): the
            # entry shows only to people the government assessment concerns.
            (
                _("我的责任事项"),
                "government:my_items",
                "person-check",
                p.ITEM_SUBMIT,
                20,
                shows_my_items,
            ),
            (_("待考核事项"), "government:review_queue", "check2-square", p.ITEM_REVIEW, 30, None),
        ]
        for label, url_name, icon, action, order, when in entries:
            add(MenuEntry("政府绩效", label, url_name, icon, action, order=order, when=when))
        public.add(
            public.PublicSection(
                _("政府绩效考核"),
                "government:public",
                _("乡镇政府和部门的绩效考核方案、考核标准和考核结果。"),
                order=30,
            )
        )
