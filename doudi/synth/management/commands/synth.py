"""`doudi synth`: write a deterministic synthetic population for Fujian counties as Parquet.

    doudi synth --counties 350112,350102 --persons 20000 --seed 7 --out var/synth
    doudi synth --counties 350112 --persons 1000000 --out var/synth --load

Writes DIR/households.parquet and DIR/persons.parquet (columns: docs/synth.md); with
`--feeds FEEDS_DIR`, also one department feed file per declared feed (doudi/synth/feeds/). Same arguments and
seed give identical data. The files are written under temporary names and renamed at the end, so a
failed run leaves no partial files.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from doudi.synth.generator import (
    DEFAULT_CHUNK_HOUSEHOLDS,
    SynthConfig,
    SynthError,
    write_parquet,
)


class Command(BaseCommand):
    help = "生成福建省县（市、区）的合成人口数据（Parquet：households.parquet、persons.parquet）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--counties",
            required=True,
            help="以逗号分隔的 6 位福建省县级区划代码，如 350112,350102",
        )
        parser.add_argument("--persons", type=int, required=True, help="总人数（至少 1）")
        parser.add_argument(
            "--seed", type=int, default=7, help="随机种子（默认 7）；相同参数和种子得到相同数据"
        )
        parser.add_argument("--out", required=True, help="输出目录（不存在则创建）")
        parser.add_argument(
            "--chunk-households",
            type=int,
            default=DEFAULT_CHUNK_HOUSEHOLDS,
            help=f"每个 Parquet 行组的最少户数（默认 {DEFAULT_CHUNK_HOUSEHOLDS:,}）；不影响数据内容",
        )
        parser.add_argument("--load", action="store_true", help="写出文件后导入数据库")
        parser.add_argument(
            "--feeds",
            metavar="DIR",
            help="另为这批人口写出各部门数据文件（每个数据源一个文件，约 1.5%% 的记录身份证号码缺失或有误；"
            "比对真值写在 DIR/truth/linkage_truth.parquet）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        codes = [c.strip() for c in str(options["counties"]).split(",") if c.strip()]
        try:
            config = SynthConfig(
                counties=tuple(codes),
                persons=options["persons"],
                seed=options["seed"],
                chunk_households=options["chunk_households"],
            )
        except SynthError as exc:
            raise CommandError(str(exc)) from exc
        out = Path(options["out"])
        if out.exists() and not out.is_dir():
            raise CommandError(f"输出路径 {out} 已存在且不是目录")

        bar = tqdm(
            total=config.persons,
            unit="人",
            unit_scale=True,
            file=sys.stderr,
            desc="生成",
            disable=options.get("verbosity", 1) == 0,
        )
        try:
            result = write_parquet(config, out, progress=bar.update)
        except OSError as exc:
            raise CommandError(f"写出失败：{exc}") from exc
        finally:
            bar.close()

        self.stdout.write(
            f"已生成 {result.persons:,} 人、{result.households:,} 户（困难户 {result.hardship_households:,}），"
            f"用时 {result.seconds:.2f} 秒，{result.persons_per_second:,.0f} 人/秒，"
            f"输出：{result.persons_path}、{result.households_path}"
        )

        if options.get("feeds"):
            from doudi.synth.feeds import write_feeds

            feeds = write_feeds(
                persons_path=result.persons_path,
                households_path=result.households_path,
                out_dir=Path(options["feeds"]),
                seed=options["seed"],
            )
            self.stdout.write(
                f"已写出 {len(feeds.rows)} 个部门数据文件，共 {sum(feeds.rows.values()):,} 条记录"
                f"（身份证号码缺失 {feeds.missing:,} 条、有误 {feeds.mistyped:,} 条），"
                f"输出：{options['feeds']}"
            )

        if options["load"]:
            from doudi.registry.imports import registry_import_parquet

            registry_import_parquet(
                persons_path=result.persons_path,
                households_path=result.households_path,
                progress=True,
            )
