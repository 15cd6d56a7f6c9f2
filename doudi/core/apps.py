from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "doudi.core"
    label = "core"
    verbose_name = "基础数据"

    def ready(self) -> None:
        from doudi.core import checks  # noqa: F401  (registers the start-up checks)
