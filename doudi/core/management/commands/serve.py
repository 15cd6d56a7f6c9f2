"""`doudi serve`: the platform on gunicorn, as `make serve` and `doudi demo` run it.

Django's development server answers one connection per thread from a listen queue of ten, so a
burst of staff (50 requests at once in the load benchmark) finds connections refused. gunicorn
keeps a deep queue and serves requests on threads. On the embedded SQLite database one process
with threads is the default (its writers then take their turn first-come-first-served, see
`doudi.core.sqlite`); on PostgreSQL several processes."""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser


def default_workers() -> int:
    if settings.DB_ENGINE == "sqlite":
        return 1
    return min(2 * (os.cpu_count() or 1) + 1, 9)  # gunicorn's rule of thumb


class Command(BaseCommand):
    help = "在 gunicorn 上运行平台（make serve、doudi demo 即用此命令）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "addr", nargs="?", default="127.0.0.1:8000", help="监听地址，默认 127.0.0.1:8000"
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="进程数（默认：SQLite 为 1，PostgreSQL 为 2×CPU+1，最多 9）",
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=None,
            help="每个进程的线程数（默认：SQLite 为 16，PostgreSQL 为 4）",
        )
        parser.add_argument("--timeout", type=int, default=120, help="请求超时秒数，默认 120")

    def handle(self, *args: Any, **options: Any) -> None:
        from gunicorn.app.base import BaseApplication

        from config.wsgi import application

        workers = options["workers"] or default_workers()
        threads = options["threads"] or (16 if settings.DB_ENGINE == "sqlite" else 4)
        if workers < 1 or threads < 1 or options["timeout"] < 1:
            raise CommandError("进程数、线程数和超时秒数都必须是正整数")
        config = {
            "bind": options["addr"],
            "workers": workers,
            "threads": threads,
            "worker_class": "gthread",
            "timeout": options["timeout"],
            "backlog": 2048,
            "accesslog": None,
            "loglevel": "warning",
        }

        class Server(BaseApplication):
            def load_config(self) -> None:
                for key, value in config.items():
                    self.cfg.set(key, value)

            def load(self) -> Any:
                return application

        self.stdout.write(
            f"平台运行于 http://{options['addr']}/（gunicorn，{workers} 个进程 × "
            f"{threads} 个线程；Ctrl+C 停止）"
        )
        from django.db import connections

        connections.close_all()  # the workers are forked: each opens its own connections
        Server().run()
