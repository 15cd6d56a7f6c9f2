"""政策模拟测算 page: proposed dibao standards applied to a population snapshot of the actor's region.

The simulation runs inside the request. That is fine at demo scale (the demo county's 10,000
persons take well under a second); a whole province (≈ 2.6 M persons, ≈ 6 s and ≈ 1 GiB) belongs
to `doudi simulate` on the command line. Snapshots are the directories under `settings.DATA_DIR`
that hold a `doudi synth` output (persons.parquet + households.parquet); the form names them, never
a path. The population is filtered to the actor's region before anything is computed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from doudi.accounts.permissions import Permission
from doudi.accounts.scoping import Actor
from doudi.policy import (
    HOUSEHOLDS_FILE,
    PERSONS_FILE,
    ROUNDING_LABELS,
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
from doudi.web.permissions import staff_required

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
FIELDS = ("population", "month", "share", "rounding", "rounding_mode", "counties")


@dataclass(frozen=True)
class Outcome:
    form: dict[str, str]
    snapshots: list[str]
    errors: list[str]
    report: SimulationReport | None


def snapshot_list() -> list[str]:
    """Names of the directories under DATA_DIR that hold a population snapshot."""
    root = Path(settings.DATA_DIR)
    if not root.is_dir():
        return []
    return sorted(
        path.name
        for path in root.iterdir()
        if (path / PERSONS_FILE).is_file() and (path / HOUSEHOLDS_FILE).is_file()
    )


def _run(request: HttpRequest, actor: Actor) -> Outcome:
    actor.require(Permission.SIMULATION_RUN)
    snapshots = snapshot_list()
    given = {key: request.GET.get(key, "").strip() for key in FIELDS}
    form = {
        "population": given["population"] or (snapshots[0] if snapshots else ""),
        "month": given["month"] or timezone.localdate().strftime("%Y-%m"),
        "share": given["share"] or "44",
        "rounding": given["rounding"] or "10",
        "rounding_mode": given["rounding_mode"] or "nearest",
        "counties": given["counties"],
    }
    if not given["population"]:
        return Outcome(form, snapshots, [], None)
    proposal, errors = _proposal(form, snapshots)
    if errors or proposal is None:
        return Outcome(form, snapshots, errors, None)
    try:
        population = read_population(
            Path(settings.DATA_DIR) / form["population"], region_prefix=actor.region_prefix()
        )
        counties = sorted({str(code) for code in population.county.tolist()})
        held = database_dibao_standards(county_codes=counties, month=form["month"])
        report = simulate(
            population, month=form["month"], proposal=proposal, baseline_standards=held
        )
    except (PopulationError, SimulationError) as error:
        return Outcome(form, snapshots, list(error.problems), None)
    return Outcome(form, snapshots, [], report)


def _proposal(form: dict[str, str], snapshots: list[str]) -> tuple[Proposal | None, list[str]]:
    """The proposal of the form, or every problem of the form (in Chinese)."""
    errors = []
    if form["population"] not in snapshots:
        errors.append(f"人口数据“{form['population']}”不存在，请从列表中选择")
    if not _MONTH.match(form["month"]):
        errors.append(f"测算月份应为 YYYY-MM：{form['month']}")
    share = None
    try:
        share = Decimal(form["share"]) / 100
        if not share.is_finite():
            raise InvalidOperation
    except ArithmeticError:  # InvalidOperation, Overflow, …
        errors.append(f"占最低工资比例应为百分数，如 44：{form['share']}")
    if not form["rounding"].isdigit():
        errors.append(f"取整单位应为不小于 0 的整数（元）：{form['rounding']}")
    if form["rounding_mode"] not in ROUNDING_LABELS:
        errors.append(f"取整方式应为 {'、'.join(ROUNDING_LABELS.values())} 之一")
    if errors or share is None:
        return None, errors
    counties = tuple(code for code in re.split(r"[,，\s]+", form["counties"]) if code)
    rule = DibaoStandardRule(
        share=share,
        rounding_yuan=int(form["rounding"]),
        counties=counties or None,
        rounding=form["rounding_mode"],  # type: ignore[arg-type]
    )
    proposal = Proposal(starts=form["month"], dibao_standard=rule)
    return proposal, proposal.problems()


@require_GET
@staff_required
def simulation(request: HttpRequest, actor: Actor) -> HttpResponse:
    outcome = _run(request, actor)
    return render(
        request,
        "web/simulation.html",
        {
            "form": outcome.form,
            "snapshots": outcome.snapshots,
            "errors": outcome.errors,
            "report": outcome.report,
            "rounding_modes": ROUNDING_LABELS.items(),
            **(_tables(outcome.report) if outcome.report else {}),
            "query": request.GET.urlencode(),
        },
    )


@require_GET
@staff_required
def simulation_export(request: HttpRequest, actor: Actor) -> HttpResponse:
    from doudi.standards.simulation_export import report_to_xlsx

    outcome = _run(request, actor)
    if outcome.report is None:
        return render(
            request,
            "web/simulation.html",
            {
                "form": outcome.form,
                "snapshots": outcome.snapshots,
                "errors": outcome.errors or ["请先选择人口数据并填写方案"],
                "rounding_modes": ROUNDING_LABELS.items(),
            },
            status=400,
        )
    response = HttpResponse(report_to_xlsx(outcome.report), content_type=XLSX)
    name = f"simulation-{outcome.report.month}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _tables(report: SimulationReport) -> dict[str, Any]:
    """The report shaped for the page: one row per county, totals, averages and chart data."""
    dibao = {row.county: row for row in report.rows_of("dibao")}
    costs = {cost.county: cost for cost in report.county_costs()}
    counties = [
        {"standard": standard, "dibao": dibao.get(standard.county), "cost": costs[standard.county]}
        for standard in report.standards
    ]
    averages = [
        {
            "label": label,
            "before": percent(report.average_share(after=False, weighted=weighted)),
            "after": percent(report.average_share(after=True, weighted=weighted)),
            "meets_before": report.meets_target(after=False, weighted=weighted),
            "meets_after": report.meets_target(after=True, weighted=weighted),
        }
        for weighted, label in ((False, "各县算术平均"), (True, "按人数加权平均"))
    ]
    details = [
        row
        for row in report.rows
        if row.households_before or row.households_after or row.cost_before_fen
    ]
    chart = {
        "counties": [cost.county_name for cost in report.county_costs()],
        "before": [str(cost.cost_before) for cost in report.county_costs()],
        "after": [str(cost.cost_after) for cost in report.county_costs()],
    }
    return {
        "counties": counties,
        "totals": report.programme_totals(),
        "averages": averages,
        "details": details,
        "chart": chart,
        "target": percent(report.target_share),
        "total_cost": {
            "before": yuan(report.total_cost_before_fen),
            "after": yuan(report.total_cost_after_fen),
            "difference": yuan(report.total_cost_after_fen - report.total_cost_before_fen),
        },
    }
