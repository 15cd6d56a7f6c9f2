from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from doudi.core.exceptions import ApplicationError
from doudi.registry.imports import registry_import_parquet


class Command(BaseCommand):
    help = "把 doudi synth 生成的 persons.parquet / households.parquet 载入登记库（同一文件重复载入不会重复写入）。"

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("directory", help="含 persons.parquet 和 households.parquet 的目录")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        directory = Path(options["directory"])
        try:
            counts = registry_import_parquet(
                persons_path=directory / "persons.parquet",
                households_path=directory / "households.parquet",
                progress=options["verbosity"] > 0,
            )
        except ApplicationError as error:
            raise CommandError(error.message) from error
        self.stdout.write(
            f"已载入 {counts['households']} 户、{counts['persons']} 人、{counts['bank_accounts']} 个银行账户；"
            f"跳过此前已载入的 {counts['skipped_households']} 户"
        )
