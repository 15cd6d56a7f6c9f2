from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "doudi.accounts"
    label = "accounts"
    verbose_name = "人员与权限"

    def ready(self) -> None:
        # The audit of lock-outs listens to django-axes' `user_locked_out` signal.
        from doudi.accounts import lockout  # noqa: F401
