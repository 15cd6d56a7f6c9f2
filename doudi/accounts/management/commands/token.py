from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from doudi.accounts.services import api_token_create


class Command(BaseCommand):
    help = "签发 API 令牌：doudi token create 用户名 [--name 用途]。令牌只显示一次。"

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("action", choices=["create"])
        parser.add_argument("username")
        parser.add_argument("--name", default="命令行签发")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"用户不存在：{options['username']}")
        token, _ = api_token_create(user=user, name=options["name"])
        self.stdout.write(token)
