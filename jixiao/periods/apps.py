from django.apps import AppConfig


class PeriodsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "jixiao.periods"
    verbose_name = "期间与截止"
