from django.apps import AppConfig


class GovernmentConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "jixiao.government"
    verbose_name = "政府绩效管理"
