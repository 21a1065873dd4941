from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "jixiao.documents"
    verbose_name = "表单导入导出"
