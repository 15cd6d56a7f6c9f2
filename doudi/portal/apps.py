from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "doudi.portal"
    label = "portal"
    verbose_name = "网上申请"
