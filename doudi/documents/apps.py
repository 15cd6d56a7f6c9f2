from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "doudi.documents"
    label = "documents"
    verbose_name = "文书"
