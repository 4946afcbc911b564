"""`amsim rules`: look at the dated rules and evaluate them, without running a simulation."""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Annotated, Any

import typer
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from model.calendar import YearMonth
from model.console import error, out_console
from model.errors import AmsimError, RuleError
from model.rules import functions as rf
from model.rules import load_rules
from model.states import JOB_TYPES

rules_app = typer.Typer(
    help="The dated rules: list them, show a value's history, evaluate a rule.", no_args_is_help=True
)
eval_app = typer.Typer(help="Evaluate a rule for a date, a job or a household.", no_args_is_help=True)
rules_app.add_typer(eval_app, name="eval")
out = out_console

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def _date(text: str) -> dt.date:
    try:
        return YearMonth.parse(text).first_day() if len(text) == 7 else dt.date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"expected YYYY-MM or YYYY-MM-DD, got {text!r}") from None


def _share(text: str) -> float:
    """'100%', '50 %' or '0.5' → a share of full time in (0, 1]."""
    t = text.strip().rstrip("%").strip()
    try:
        v = float(t) / (100 if text.strip().endswith("%") else 1)
    except ValueError:
        raise typer.BadParameter(f"expected a share like 100% or 0.5, got {text!r}") from None
    if not 0 < v <= 1:
        raise typer.BadParameter(f"must be in (0, 1] (or 1–100 %), got {text!r}")
    return v


def _finite(**values: float | None) -> None:
    """Every number given is finite: NaN or infinity would be carried through to a figure (option names as
    the user typed them)."""
    for name, v in values.items():
        if v is not None and not math.isfinite(v):
            raise typer.BadParameter(f"--{name.replace('_', '-')}: a finite number, got {v}")


def _fail(e: Exception) -> None:
    error(e)
    raise typer.Exit(2)


def _show(data: dict, as_json: bool, rows: list[tuple[str, str]] | None = None, title: str = "") -> None:
    if as_json:
        out.print_json(json.dumps(data, ensure_ascii=False, default=str))
        return
    table = Table(title=title, show_header=False)
    table.add_column(justify="left")
    table.add_column(justify="right")
    for k, v in rows or [(k, str(v)) for k, v in data.items()]:
        table.add_row(k, v)
    out.print(table)


def _value_text(v: Any) -> str:
    if isinstance(v, tuple):
        return "[" + ", ".join(_value_text(x) for x in v) + "]"
    if isinstance(v, float):
        return f"{v:g}"
    return str(v)


@rules_app.command("list")
def list_rules(
    on: Annotated[str, typer.Option("--date", help="Show the values in force on this date (default: today).")] = "",
    as_json: JsonOpt = False,
) -> None:
    """Every rule with the value in force on a date, its reference and whether it is carried forward."""
    day = _date(on) if on else dt.date.today()
    rules = load_rules()
    items = []
    for path in rules.paths():
        rule = rules.rule(path)
        try:
            dated = rule.at(day)
        except RuleError:
            items.append({"path": path, "value": None, "valid_from": None, "reference": "no value yet"})
            continue
        items.append(
            {
                "path": path,
                "value": dated.value,
                "valid_from": dated.valid_from.isoformat(),
                "last_verified": rule.last_verified.isoformat() if rule.last_verified else None,
                "carried_forward": rule.stale_on(day),
                "reference": dated.reference,
            }
        )
    if as_json:
        out.print_json(json.dumps({"date": day.isoformat(), "rules": items}, ensure_ascii=False))
        return
    tree = Tree(f"Rules in force on {day.isoformat()}")
    branches: dict[str, Tree] = {}
    for i in items:
        head, _, rest = i["path"].partition(".")
        branch = branches.get(head) or branches.setdefault(head, tree.add(Text(head, style="bold")))
        flag = Text(" (carried forward)" if i.get("carried_forward") else "", style="yellow")
        since = f"  from {i['valid_from']}" if i["valid_from"] else ""
        leaf = Text.assemble((rest, "cyan"), f" = {_value_text(i['value'])}{since}")
        branch.add(Text.assemble(leaf, flag, "\n", (i["reference"], "dim")))
    out.print(tree)


@rules_app.command("show")
def show_rule(
    path: Annotated[str, typer.Argument(help="Dotted rule path, e.g. nystartsjobb.k.regular.")],
    as_json: JsonOpt = False,
) -> None:
    """The history of one rule: every dated value with its reference."""
    try:
        rule = load_rules().rule(path)
    except RuleError as e:
        _fail(e)
    data = {
        "path": rule.path,
        "description": rule.description,
        "file": rule.file,
        "last_verified": rule.last_verified.isoformat() if rule.last_verified else None,
        "values": [
            {"valid_from": v.valid_from.isoformat(), "value": v.value, "reference": v.reference} for v in rule.values
        ],
    }
    if as_json:
        out.print_json(json.dumps(data, ensure_ascii=False))
        return
    table = Table(title=f"{rule.path}: {rule.description}")
    for col in ("valid from", "value", "reference"):
        table.add_column(col, overflow="fold")
    for v in rule.values:
        table.add_row(v.valid_from.isoformat(), _value_text(v.value), v.reference)
    out.print(table)
    out.print(f"last verified: {data['last_verified'] or 'a definition (never stale)'}", highlight=False)


@eval_app.command("subsidy")
def eval_subsidy(
    job_type: Annotated[str, typer.Option("--type", help=f"Job type: {', '.join(JOB_TYPES)}.")],
    wage: Annotated[float, typer.Option("--wage", help="Gross monthly wage, SEK.")],
    on: Annotated[str, typer.Option("--date", help="Start date of the job (YYYY-MM or YYYY-MM-DD).")],
    k: Annotated[
        float | None, typer.Option("--k", help="nystartsjobb: number of avgifter (overrides the level's rule).")
    ] = None,
    months_away: Annotated[
        float, typer.Option("--months-away", help="nystartsjobb: months away from work at the start (sets the level).")
    ] = 0.0,
    newly_arrived: Annotated[
        bool, typer.Option("--newly-arrived", help="nystartsjobb: the household is newly arrived (sets the level).")
    ] = False,
    hours: Annotated[str, typer.Option("--hours", help="Share of full time, e.g. 100% or 0.5.")] = "100%",
    age: Annotated[
        float | None,
        typer.Option("--age", help="Age at the start of the year (the arbetsgivaravgift of 19–23-year-olds is lower)."),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """The state's monthly subsidy for a job started on a date (the month the job starts)."""
    _finite(wage=wage, k=k, months_away=months_away, age=age)
    day, share = _date(on), _share(hours)
    rules = load_rules()
    try:
        level = rf.nystartsjobb_level(rules, day, months_away, newly_arrived) if job_type == "nystartsjobb" else None
        sek = rf.subsidy(rules, job_type, day, wage, share, level=level or "regular", k=k, age_at_year_start=age)
        fee = rf.employer_fee(rules, day, wage, age)
        can_start = rf.open_for_new_placements(rules, job_type, day)
        if level is not None and k is None:
            k = rules.value(f"nystartsjobb.k.{level}", day)
    except AmsimError as e:
        _fail(e)
    data = {
        "type": job_type,
        "date": day.isoformat(),
        "wage": wage,
        "hours_share": share,
        **({"level": level, "k": k} if level is not None else {}),
        "new_placements_allowed": can_start,
        "subsidy_sek": sek,
        "arbetsgivaravgift_sek": fee,
        "wage_cost_sek": wage + fee,
        "share_of_wage_cost": sek / (wage + fee) if wage else 0.0,
    }
    rows = [(k_, f"{v:,.2f}" if isinstance(v, float) else str(v)) for k_, v in data.items()]
    _show(data, as_json, rows, f"Subsidy, {job_type}")


def _periods(s: rf.AkassaSchedule) -> list[dict]:
    edges = (0.0, *s.breaks, s.days)
    return [
        {
            "from_day": int(lo) + 1,
            "to_day": int(min(hi, s.days)) if math.isfinite(min(hi, s.days)) else None,
            "daily_sek": r,
            "monthly_sek": r * s.days_per_month,
        }
        for lo, hi, r in zip(edges, edges[1:], s.rates, strict=False)
        if lo < s.days
    ]


def _period_rows(periods: list[dict]) -> list[tuple[str, str]]:
    return [
        (
            f"days {p['from_day']}–{p['to_day'] if p['to_day'] is not None else ''}",
            f"{p['daily_sek']:,.0f}/day, {p['monthly_sek']:,.0f}/month",
        )
        for p in periods
    ]


@eval_app.command("akassa")
def eval_akassa(
    on: Annotated[str, typer.Option("--date", help="Decision date (YYYY-MM or YYYY-MM-DD).")],
    wage: Annotated[float, typer.Option("--wage", help="Monthly wage of the finished job, SEK.")] = 20000.0,
    member_months: Annotated[
        float, typer.Option("--member-months", help="Months of a-kassa membership at the decision (0: none).")
    ] = 0.0,
    member: Annotated[
        bool, typer.Option("--member", help="Member for 12 months or more (--member-months 12).")
    ] = False,
    parent: Annotated[bool, typer.Option("--parent", help="Parent of a child under 18.")] = False,
    hours: Annotated[str, typer.Option("--hours", help="Share of full time worked, e.g. 100%.")] = "100%",
    job_type: Annotated[
        str, typer.Option("--type", help=f"The finished job: {', '.join(JOB_TYPES)}.")
    ] = "municipal_job",
    months: Annotated[
        float, typer.Option("--months", help="Months the job lasted (the only work in the ramtid).")
    ] = 6.0,
    age: Annotated[float, typer.Option("--age", help="Age at the decision, years.")] = 30.0,
    as_json: JsonOpt = False,
) -> None:
    """A-kassa after a finished job, under the law of the decision date: who is paid, days, amounts by period."""
    _finite(wage=wage, member_months=member_months, months=months, age=age)
    day, share = _date(on), _share(hours)
    membership = max(member_months, 12.0) if member else member_months
    try:
        if wage < 0:
            raise RuleError(f"--wage must be ≥ 0, got {wage:g}")
        rules = load_rules()
        hours_pm = share * rules.value("wage.full_time_hours", day)
        days = rf.akassa_entitlement(rules, day, job_type, months, hours_pm, wage, parent)
        paid = days > 0 and rf.akassa_access_check(rules, day, membership, age)
        s = rf.akassa_schedule(rules, day, membership, wage, share, months, days=days if paid else 0.0)
        law = rf.akassa_law(rules, day)
        income_based = rf.akassa_access(rules, day).income_based(membership)
    except AmsimError as e:
        _fail(e)
    periods = _periods(s) if paid else []
    data = {
        "date": day.isoformat(),
        "law": law,
        "job_type": job_type,
        "months_worked": months,
        "member_months": membership,
        "age": age,
        "qualifies": days > 0,
        "paid": paid,
        "income_based": income_based,
        "karens_days": rules.value("akassa.karens_days", day),
        "days": days if paid else 0.0,
        "periods": periods,
        "total_sek": s.amount(0, s.days) if paid else 0.0,
    }
    rows = [("law", law), ("days", f"{data['days']:g} + {data['karens_days']:g} karensdagar")]
    rows += _period_rows(periods)
    rows.append(("total", f"{data['total_sek']:,.0f}"))
    kind = (
        ("income-based" if income_based else "basic amount") if law == "old" else f"{membership:g} months' membership"
    )
    why = "" if paid else (": does not qualify" if days == 0 else ": not paid (age or membership)")
    _show(data, as_json, rows, f"A-kassa ({kind})" + why)


@eval_app.command("aktivitetsstod")
def eval_aktivitetsstod(
    on: Annotated[str, typer.Option("--date", help="First day in jobb- och utvecklingsgarantin (YYYY-MM[-DD]).")],
    decided: Annotated[str, typer.Option("--decided", help="Date the a-kassa before it was decided.")],
    wage: Annotated[float, typer.Option("--wage", help="Monthly wage of the job behind the a-kassa, SEK.")] = 20000.0,
    months: Annotated[float, typer.Option("--months", help="Months the job lasted.")] = 6.0,
    member_months: Annotated[
        float, typer.Option("--member-months", help="Months of a-kassa membership at the a-kassa decision.")
    ] = 0.0,
    as_json: JsonOpt = False,
) -> None:
    """Aktivitetsstöd after the a-kassa ran out: the share of the dagsförtjänst, or the lowest level."""
    _finite(wage=wage, months=months, member_months=member_months)
    day, when = _date(on), _date(decided)
    try:
        if wage < 0:
            raise RuleError(f"--wage must be ≥ 0, got {wage:g}")
        rules = load_rules()
        share_level = rf.akassa_access(rules, when).share_level_after(member_months)
        daily = rf.akassa_dagsforjanst(rules, when, wage, months)
        s = rf.aktivitetsstod_schedule(rules, day, share_level, daily)
    except AmsimError as e:
        _fail(e)
    periods = _periods(s)
    data = {
        "date": day.isoformat(),
        "decided": when.isoformat(),
        "level": "share of dagsförtjänst" if share_level else "lowest",
        "dagsforjanst_sek": daily,
        "days": s.days if math.isfinite(s.days) else None,
        "periods": periods,
    }
    rows = [("dagsförtjänst", f"{daily:,.2f}"), ("days", "no limit" if not math.isfinite(s.days) else f"{s.days:g}")]
    rows += _period_rows(periods)
    _show(data, as_json, rows, f"Aktivitetsstöd ({data['level']})")


@eval_app.command("benefit")
def eval_benefit(
    on: Annotated[str, typer.Option("--date", help="Month (YYYY-MM or YYYY-MM-DD).")],
    adults: Annotated[int, typer.Option("--adults", help="1 or 2.")] = 1,
    children: Annotated[str, typer.Option("--children", help="Children's ages, e.g. 3,7.")] = "",
    wage: Annotated[float, typer.Option("--wage", help="Gross wage in the month, SEK.")] = 0.0,
    akassa: Annotated[float, typer.Option("--akassa", help="Gross a-kassa in the month, SEK.")] = 0.0,
    jobbstimulans: Annotated[
        bool, typer.Option("--jobbstimulans", help="After 6 months on benefit in a row: part of the wage not counted.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Försörjningsstöd for a household in a month: norm, housing, child allowance, income."""
    day = _date(on)
    try:
        ages = [float(a) for a in children.split(",") if a.strip()]
    except ValueError:
        raise typer.BadParameter(f"--children: expected ages like 3,7, got {children!r}") from None
    _finite(wage=wage, akassa=akassa, **{f"children age {i + 1}": a for i, a in enumerate(ages)})
    try:
        rules = load_rules()
        norm = rf.benefit_norm(rules, day, adults, ages)
        in_norm = [a for a in ages if a < rf.norm_tables(rules, day).max_child_age]
        housing = rf.housing_cost(rules, day, adults, len(in_norm))
        allowance = rf.child_allowance(rules, day, ages)
        income = rf.net_income(rules, day, wage, akassa)
        benefit = rf.benefit_amount(rules, day, adults, ages, wage, akassa, jobbstimulans=jobbstimulans)
    except AmsimError as e:
        _fail(e)
    data = {
        "date": day.isoformat(),
        "adults": adults,
        "children": ages,
        "norm_sek": norm,
        "housing_sek": housing,
        "child_allowance_sek": allowance,
        "net_income_sek": income,
        "benefit_sek": benefit,
    }
    rows = [(k, f"{v:,.0f}" if isinstance(v, float) else str(v)) for k, v in data.items()]
    _show(data, as_json, rows, "Försörjningsstöd")
