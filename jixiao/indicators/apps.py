from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "jixiao.indicators"
    verbose_name = _("指标体系")

    def ready(self) -> None:
        from jixiao.indicators.library import LIBRARY_MANAGE
        from jixiao.indicators.services import INDICATOR_VIEW, TEMPLATE_MANAGE
        from jixiao.orgs import permissions
        from jixiao.orgs.models import Role

        for role in permissions.business_reader_roles():
            permissions.grant(role, INDICATOR_VIEW)
        permissions.grant(Role.FINANCE_REVIEWER, TEMPLATE_MANAGE)
        permissions.grant(Role.HR_OFFICER, TEMPLATE_MANAGE)
        permissions.grant(Role.FINANCE_REVIEWER, LIBRARY_MANAGE)
