"""`doudi simulate`: apply proposed dibao standards to a population snapshot and report the effect.

    doudi simulate --population var/demo-350112-10000-7 --month 2023-01 --minimum-wage-share 0.44
    doudi simulate --population DIR --month 2023-07 --standards proposal.json --excel out.xlsx
    doudi simulate --population DIR --month 2023-01 --override dibao.employment_cost_rate=0.30 --json

`--standards FILE.json` is an object of county code → yuan string ({"350102": "1000.00"}). Prints,
by county, the standard before → after, its share of the minimum wage, dibao entrants and leavers
and the monthly cost of all programmes before → after, then the averages (docs/policy.md).
"""

from __future__ import annotations

import json
import re
import sys
import time
import unicodedata
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from doudi.policy import (
    SEED_TARGET_SHARE,
    DibaoStandardRule,
    PopulationError,
    Proposal,
    SimulationError,
    SimulationReport,
    percent,
    read_population,
    simulate,
    yuan,
)
from doudi.standards.engine import database_dibao_standards

_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


class Command(BaseCommand):
    help = (
        "政策模拟测算：按拟调整的低保标准（或其他参数）测算人口数据，报告进入、退出和月支出变化。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--population", required=True, help="人口数据目录（doudi synth 输出）")
        parser.add_argument("--month", required=True, help="测算月份 YYYY-MM，方案自该月起执行")
        parser.add_argument(
            "--minimum-wage-share", help="各县低保标准取当地月最低工资标准的比例，如 0.44"
        )
        parser.add_argument("--rounding", type=int, help="取整单位（元，默认 10；0 为精确到分）")
        parser.add_argument(
            "--rounding-mode",
            choices=["nearest", "up", "down"],
            help="取整方式：nearest 四舍五入（默认）、up 向上、down 向下",
        )
        parser.add_argument("--standards", help='指定各县标准的 JSON 文件：{"350102": "1000.00"}')
        parser.add_argument("--counties", help="只调整这些县（逗号分隔），与比例规则一起使用")
        parser.add_argument(
            "--override",
            action="append",
            default=[],
            metavar="NAME=VALUE",
            help="调整其他参数，如 dibao.employment_cost_rate=0.30（可重复）",
        )
        parser.add_argument(
            "--target", default=str(SEED_TARGET_SHARE), help="目标比例（默认 0.44）"
        )
        parser.add_argument("--excel", help="同时导出 Excel 文件")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出完整结果")
        parser.add_argument(
            "--lone-persons-unsupported",
            action="store_true",
            help="粗略假设：单人户成员无法定义务人或义务人无履行能力（用于测算特困）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        proposal, problems = _proposal(options)
        if problems:
            raise CommandError("\n".join(["参数有误：", *problems]))
        assert proposal is not None
        bar = tqdm(total=4, file=sys.stderr, desc="模拟测算", disable=options["verbosity"] == 0)
        try:
            bar.set_postfix_str("读取人口数据")
            started = time.perf_counter()
            population = read_population(
                options["population"], lone_persons_unsupported=options["lone_persons_unsupported"]
            )
            read_seconds = time.perf_counter() - started
            bar.update()

            def step(name: str) -> None:  # called as each step starts: the previous one is done
                if name != "基线测算":
                    bar.update()
                bar.set_postfix_str(name)

            report = simulate(
                population,
                month=options["month"],
                proposal=proposal,
                target_share=options["target"],
                progress=step,
                baseline_standards=database_dibao_standards(
                    county_codes=sorted({str(code) for code in population.county.tolist()}),
                    month=options["month"],
                ),
            )
            bar.update()
        except (PopulationError, SimulationError) as error:
            raise CommandError("\n".join(["无法测算：", *error.problems])) from error
        finally:
            bar.close()
        if options["excel"]:
            from doudi.standards.simulation_export import report_to_xlsx

            try:
                Path(options["excel"]).write_bytes(report_to_xlsx(report))
            except OSError as error:
                raise CommandError(f"无法写出 {options['excel']}：{error.strerror}") from error
        timings = {"read": read_seconds, **report.timings}
        if options["json"]:
            data = {
                **report.to_json(),
                "timings_seconds": {k: round(v, 3) for k, v in timings.items()},
            }
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        self.stdout.write(_table(report, timings, options["excel"]))


def _proposal(options: dict[str, Any]) -> tuple[Proposal | None, list[str]]:
    """The proposal from the options, or every problem found in them."""
    problems = []
    month = options["month"]
    if not _MONTH.match(month):
        problems.append(f"--month 应为 YYYY-MM：{month}")
    share, standards = options["minimum_wage_share"], options["standards"]
    if share and standards:
        problems.append("--minimum-wage-share 与 --standards 只能选一个")
    if not share and (options["rounding"] is not None or options["rounding_mode"]):
        problems.append("--rounding、--rounding-mode 只能与 --minimum-wage-share 一起使用")
    if options["counties"] and not share:
        problems.append(
            "--counties 只能与 --minimum-wage-share 一起使用（--standards 文件已列明各县）"
        )
    rule: Any = None
    if share:
        try:
            Decimal(share)
        except InvalidOperation:
            problems.append(f"--minimum-wage-share 应为小数，如 0.44：{share}")
        counties = tuple(c.strip() for c in (options["counties"] or "").split(",") if c.strip())
        rule = DibaoStandardRule(
            share=share,
            rounding_yuan=10 if options["rounding"] is None else options["rounding"],
            counties=counties or None,
            rounding=options["rounding_mode"] or "nearest",
        )
    elif standards:
        rule, found = _standards_file(standards)
        problems += found
    overrides = {}
    for item in options["override"]:
        name, separator, value = item.partition("=")
        if not separator or not name.strip():
            problems.append(
                f"--override 应写成 名称=值，如 dibao.employment_cost_rate=0.30：{item}"
            )
        else:
            overrides[name.strip()] = value.strip()
    if problems:
        return None, problems
    proposal = Proposal(starts=month, dibao_standard=rule, overrides=overrides)
    return proposal, proposal.problems()


def _standards_file(path: str) -> tuple[dict[str, str] | None, list[str]]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        return None, [f"无法读取 {path}：{error.strerror}"]
    except json.JSONDecodeError as error:
        return None, [f"{path} 不是有效的 JSON：第 {error.lineno} 行第 {error.colno} 列"]
    if not isinstance(data, dict) or not data:
        return None, [f'{path} 应为“县代码 → 金额字符串”的对象，如 {{"350102": "1000.00"}}']
    problems = [
        f'{path}：县 {code} 的金额应写成字符串，如 "1000.00"：{value!r}'
        for code, value in data.items()
        if not isinstance(value, str)
    ]
    return data, problems


def _table(report: SimulationReport, timings: dict[str, float], excel: str | None) -> str:
    costs = {cost.county: cost for cost in report.county_costs()}
    dibao = (
        {row.county: row for row in report.rows_of("dibao")} if "dibao" in report.programmes else {}
    )
    lines = [
        f"政策模拟测算 {report.month}：{report.proposal_description}",
        f"人口数据：{report.source}（{report.household_count:,} 户，{report.person_count:,} 人）；"
        f"规则版本 {report.rule_version}",
        "",
        f"{_pad('县（市、区）', 21)}  档次  最低工资   低保标准 前→后        占最低工资 前→后   "
        "达标 前/后  低保新进入  低保退出  月支出（元）前 → 后",
    ]
    for standard in report.standards:
        row, cost = dibao.get(standard.county), costs[standard.county]
        lines.append(
            f"{standard.county} {_pad(standard.county_name, 14)}  {standard.tier:>2}  "
            f"{standard.minimum_wage:>9}  {standard.standard_before:>8} → {standard.standard_after:<8}  "
            f"{standard.share_before_percent:>7} → {standard.share_after_percent:<7}  "
            f"{_mark(standard.meets_target_before)}/{_mark(standard.meets_target_after)}     "
            f"{row.entrants if row else 0:>8,}  {row.leavers if row else 0:>8,}  "
            f"{cost.cost_before:>14,} → {cost.cost_after:,}"
        )
    lines += ["", "各项目合计：覆盖户数 前→后，新进入/退出，月支出（元）前 → 后（差额）"]
    for total in report.programme_totals():
        lines.append(
            f"  {total.programme_label}：{total.households_before:,} → {total.households_after:,} 户，"
            f"新进入 {total.entrants:,}，退出 {total.leavers:,}，"
            f"{total.cost_before:,} → {total.cost_after:,}（{total.cost_difference:+,}）"
        )
    before, after = yuan(report.total_cost_before_fen), yuan(report.total_cost_after_fen)
    lines.append(f"  全部项目：{before:,} → {after:,}（{after - before:+,}）")
    lines += [
        "",
        f"低保标准占最低工资比例（目标 {percent(report.target_share)}，需求方提出的省级目标，未经核实）：",
    ]
    for weighted, label in ((False, "各县算术平均"), (True, "按人数加权平均")):
        share_before = report.average_share(after=False, weighted=weighted)
        share_after = report.average_share(after=True, weighted=weighted)
        lines.append(
            f"  {label}：{percent(share_before)} → {percent(share_after)}"
            f"（{'达到' if report.meets_target(after=True, weighted=weighted) else '未达到'}目标）"
        )
    below = [s.county_name for s in report.standards if s.meets_floor_after is False]
    lines.append(f"  低于省定低保最低标准的县：{'、'.join(below) if below else '无'}")
    lines += ["", f"注意：{report.demo_warning}"]
    lines.append(
        "用时：读取 {read:.2f} 秒，基线 {baseline:.2f} 秒，方案 {proposal:.2f} 秒，汇总 {aggregate:.2f} 秒".format(
            **timings
        )
    )
    if excel:
        lines.append(f"已导出 Excel：{excel}")
    return "\n".join(lines)


def _pad(text: str, width: int) -> str:
    """Left-align in a terminal, counting a Chinese character as two columns."""
    used = sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)
    return text + " " * max(width - used, 0)


def _mark(value: bool) -> str:
    return "是" if value else "否"
