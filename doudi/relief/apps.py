from django.apps import AppConfig


class ReliefConfig(AppConfig):
    name = "doudi.relief"
    label = "relief"
    verbose_name = "临时救助与备用金"
