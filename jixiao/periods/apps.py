from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeriodsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "jixiao.periods"
    verbose_name = _("期间与截止")

    def ready(self) -> None:
        from jixiao.periods.home import deadlines_block
        from jixiao.web import home

        home.add(10, "periods/home_block.html", deadlines_block)
