from django.apps import AppConfig


class StandardsConfig(AppConfig):
    name = "doudi.standards"
    label = "standards"
    verbose_name = "保障标准"
