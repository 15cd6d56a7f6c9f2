from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "doudi.web"
    label = "web"
    verbose_name = "工作台"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from doudi.web.login_security import session_start

        user_logged_in.connect(session_start, dispatch_uid="doudi.web.session_start")
