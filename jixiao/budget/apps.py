from django.apps import AppConfig


class BudgetConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "jixiao.budget"
    verbose_name = "预算绩效管理"

    def ready(self) -> None:
        from jixiao.budget import permissions

        permissions.install()
