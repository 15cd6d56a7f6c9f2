from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "doudi.intake"
    label = "intake"
    verbose_name = "申请与审核"
