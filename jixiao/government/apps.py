from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernmentConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "jixiao.government"
    verbose_name = _("政府绩效管理")

    def ready(self) -> None:
        from jixiao.government import permissions

        permissions.install()
