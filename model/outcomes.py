"""Outcomes: tidy tables per replication and arm, and the Monte Carlo summary.

Per replication the engine's arrays become three tables (monthly, ledger,
annual). Across replications they reduce to percentiles and probabilities:
deficit against the frame, the frame needed for a given confidence, breakeven
year (annual and cumulative definitions, "never" allowed) and targets.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from model.follow_up import FIELDS as FOLLOW_UP_FIELDS
from model.follow_up import follow_up
from model.ledger import CATEGORIES, DEPARTMENT_FIELDS, PARTIES, SIGNS
from model.params import REPS_PER_DRAW, Params
from model.participants import FIELDS, shares
from model.participants import outcomes as participant_outcomes
from model.scenario import Target
from model.simulate import ARMS, RepResult
from model.states import JOB_STATES, PLACE_CLASSES, PLACE_TYPES, STATE_LABELS, State
from model.summary import (
    ArmYear,
    Band,
    Breakeven,
    ClosedFinancing,
    FrameNeeded,
    Notice,
    PlaceRow,
    Split,
    Summary,
    TargetResult,
    YearSummary,
)

NEVER = "never"
PERCENTILES = (5, 50, 95)


@dataclass(frozen=True)
class RepTables:
    """The compact result of one replication (what workers send back)."""

    rep: int
    arms: dict[str, dict[str, np.ndarray]]
    events: int
    household_months: float
    simulated_household_months: float
    participants: np.ndarray  # counts in model.participants.FIELDS, programme arm


def tabulate(result: RepResult, p: Params) -> RepTables:
    arms = {}
    for arm in ARMS:
        a = result.arms[arm]
        arms[arm] = {
            "households_on_benefit": a.households_on_benefit,
            "stocks": a.stocks,
            "arrivals": a.arrivals,
            "starts": a.starts,
            "flows": a.flows,
        }
        if a.departments is not None:  # kept by year, as departments_frame reports it: an eighth of by month
            arms[arm]["departments"] = _by_year(a.departments, np.asarray(p.calendar.year_of_month()))
    # only participants hold places: their own visits are all the counts need
    counts = participant_outcomes(p, result.participant_visits, result.participant_on_benefit)
    paid = result.participant_paid
    arms["programme"]["follow_up"] = follow_up(
        p, result.population, result.participant_visits, paid["programme"], paid["counterfactual"]
    )
    return RepTables(
        result.rep, arms, result.events, result.household_months, result.simulated_household_months, counts
    )


def _follow_up_bands(totals: np.ndarray | None) -> dict[str, Band]:
    """P50 [P5–P95] of each follow-up total, and of the leavers' saving over the follow-up's way (replications
    with leavers only)."""
    if totals is None or not len(totals):
        return {}
    out = {name: _band(totals[:, j]) for j, name in enumerate(FOLLOW_UP_FIELDS)}
    not_paid = totals[:, FOLLOW_UP_FIELDS.index("leavers_not_paid_sek")]
    saved = totals[:, FOLLOW_UP_FIELDS.index("leavers_saved_sek")]
    if (not_paid > 0).any():
        out["leavers_saved_share"] = _band(saved[not_paid > 0] / not_paid[not_paid > 0])
    return out


def _by_year(by_month: np.ndarray, years: np.ndarray) -> np.ndarray:
    """(…, months) summed into (…, years), years in order."""
    return np.stack([by_month[..., years == y].sum(axis=-1) for y in np.unique(years)], axis=-1)


def views(flows: np.ndarray) -> dict[str, np.ndarray]:
    """Net cost per month of each view (paid − received)."""
    net = SIGNS @ flows
    out = {party: net[i] for i, party in enumerate(PARTIES)}
    out["municipality"] = out["social_board"] + out["department"]
    return out


def monthly_frame(p: Params, tables: list[RepTables]) -> pd.DataFrame:
    """One row per (replication, arm, month)."""
    T = p.n_months
    months = pd.to_datetime([ym.first_day() for ym in p.calendar.months()])
    cols: dict[str, list[np.ndarray]] = {}

    def add(name: str, values: np.ndarray) -> None:
        cols.setdefault(name, []).append(values)

    for t in tables:
        for arm in ARMS:
            a = t.arms[arm]
            v = views(a["flows"])
            add("rep", np.full(T, t.rep, dtype=np.int32))
            add("arm", np.array([arm] * T))
            add("month", months.values)
            add("households_on_benefit", a["households_on_benefit"].astype(np.int64))
            for j, label in enumerate(STATE_LABELS):
                add(label, a["stocks"][:, j])
            add("arrivals", a["arrivals"].astype(np.int64))
            for j, label in enumerate(PLACE_TYPES):
                add(f"starts_{label}", a["starts"][:, j])
            follow = a.get("follow_up")  # the programme arm's participants (none in the counterfactual)
            for j, label in enumerate(FOLLOW_UP_FIELDS):
                add(label, follow[j] if follow is not None else np.zeros(T))
            add("social_board_net_sek", v["social_board"])
            add("municipality_net_sek", v["municipality"])
            add("state_net_sek", v["state"])
    df = pd.DataFrame({k: np.concatenate(v) for k, v in cols.items()})
    df["arm"] = df["arm"].astype("category")
    return df


def ledger_frame(p: Params, tables: list[RepTables]) -> pd.DataFrame:
    """One row per (replication, arm, month, category) with money in it.

    Built from the given replications at once (a run gives them a chunk at a time, model.runtables):
    (replications, arms, categories, months) stacked, the non-zero cells taken in that order (the order a
    loop over replications, arms, categories, months would give).
    """
    months = pd.to_datetime([ym.first_day() for ym in p.calendar.months()]).values
    if not tables:
        return pd.DataFrame()
    flows = np.stack([np.stack([t.arms[arm]["flows"] for arm in ARMS]) for t in tables])  # (R, A, C, T)
    r, a, c, m = np.nonzero(flows)
    reps = np.array([t.rep for t in tables], dtype=np.int32)
    return pd.DataFrame(
        {
            "rep": reps[r],
            "arm": _categorical(ARMS, a),
            "month": months[m],
            "payer": _categorical([cat.payer for cat in CATEGORIES], c),
            "payee": _categorical([cat.payee for cat in CATEGORIES], c),
            "category": _categorical([cat.name for cat in CATEGORIES], c),
            "sek": flows[r, a, c, m],
        }
    )


def _categorical(labels: Sequence[str], index: np.ndarray) -> pd.Categorical:
    """``pd.Categorical`` of ``labels[index]`` from codes, without building and comparing a string per row (the
    ledger has millions of rows and a few labels). Its categories are every label, sorted, present or not, so
    the tables of any set of replications share them: the ledger is written a chunk of replications at a time."""
    unique, code = np.unique(np.asarray(labels), return_inverse=True)
    return pd.Categorical.from_codes(code.reshape(-1)[index], categories=unique)


def departments_frame(p: Params, tables: list[RepTables]) -> pd.DataFrame | None:
    """One row per (replication, year, department) of the programme arm: DEPARTMENT_FIELDS summed over the year.

    Allocated and filled are place-months; divide by ``months`` for places. None without departments.
    """
    if p.departments is None:
        return None
    years = np.array(p.calendar.year_of_month())
    uniq = np.unique(years)
    names = np.array(p.departments.names)
    D, Y, R = len(names), len(uniq), len(tables)
    by_year = np.stack([t.arms["programme"]["departments"] for t in tables])  # (R, D, F, Y): tabulate summed
    # rows ordered by replication, year, department
    block = by_year.transpose(0, 3, 1, 2).reshape(R * Y * D, len(DEPARTMENT_FIELDS))
    month_counts = np.array([int((years == y).sum()) for y in uniq], dtype=np.int32)
    df = pd.DataFrame(
        {
            "rep": np.repeat(np.array([t.rep for t in tables], dtype=np.int32), Y * D),
            "year": np.tile(np.repeat(uniq.astype(np.int32), D), R),
            "department": pd.Categorical.from_codes(np.tile(np.arange(D), R * Y), categories=list(names)),
            "months": np.tile(np.repeat(month_counts, D), R),
            **{f: block[:, i] for i, f in enumerate(DEPARTMENT_FIELDS)},
        }
    )
    return df


#: How departments_summary reports each field: mean places in the period, a median, or P5–P95 and mean.
DEPARTMENT_PLACES = ("allocated_jobs", "allocated_internships", "filled_jobs", "filled_internships")
DEPARTMENT_MEDIANS = (
    "missing_place_months",
    "starts_jobs",
    "starts_internships",
    "supervision_sek",
    "compensation_sek",
)
DEPARTMENT_BANDS = ("penalty_sek",)
_DEPARTMENT_KEYS = ["rep", "year", "department", "months"]


def departments_summary(read: Callable[[list[str]], pd.DataFrame]) -> list[dict]:
    """Per department and year, and over the horizon: P50 of places and starts; penalty with P5–P95.

    From ``read(columns)`` (of departments_frame's table), one field at a time: the table of a run with many
    replications need not be in memory at once (a run reads the columns from its departments.parquet)."""
    rows: dict[tuple[str, str], dict] = {}
    for f in (*DEPARTMENT_PLACES, *DEPARTMENT_MEDIANS, *DEPARTMENT_BANDS):
        frame = read([*_DEPARTMENT_KEYS, f])
        whole = frame.groupby(["rep", "department"], observed=True)[["months", f]].sum().reset_index()
        by_year = frame.groupby(["year", "department"], observed=True, sort=False)
        by_department = whole.groupby("department", observed=True, sort=False)
        groups = [*((str(y), d, g) for (y, d), g in by_year), *(("all", d, g) for d, g in by_department)]
        for year, dept, g in groups:
            months = float(g["months"].iloc[0])
            row = rows.setdefault((year, str(dept)), {"year": year, "department": str(dept), "months": months})
            if f in DEPARTMENT_PLACES:
                row[f"{f}_places"] = float(np.median(g[f])) / months  # mean places in the period
            elif f in DEPARTMENT_BANDS:
                row[f] = _pct(g[f].to_numpy())
            else:
                row[f] = float(np.median(g[f]))
        del frame, whole, by_year, by_department, groups
    return list(rows.values())


def annual_frame(p: Params, monthly: pd.DataFrame) -> pd.DataFrame:
    """One row per (replication, arm, year); deficit = social board net cost − frame."""
    m = monthly.assign(year=monthly["month"].dt.year)
    starts_jobs = [f"starts_{t}" for t in PLACE_TYPES if t != "internship"]
    g = m.groupby(["rep", "arm", "year"], observed=True, sort=True)
    out = g.agg(
        households_on_benefit_mean=("households_on_benefit", "mean"),
        households_on_benefit_max=("households_on_benefit", "max"),
        social_board_net_sek=("social_board_net_sek", "sum"),
        municipality_net_sek=("municipality_net_sek", "sum"),
        state_net_sek=("state_net_sek", "sum"),
        starts_internships=("starts_internship", "sum"),
        months=("month", "count"),
    ).reset_index()
    per_type = g[[f"starts_{t}" for t in PLACE_TYPES]].sum()
    for t in PLACE_TYPES:
        out[f"starts_{t}"] = per_type[f"starts_{t}"].to_numpy()
    out["starts_jobs"] = per_type[starts_jobs].sum(axis=1).to_numpy()
    out["frame_sek"] = out["year"].map(lambda y: p.frames.get(int(y), math.nan)).astype(float)
    out["deficit_sek"] = out["social_board_net_sek"] - out["frame_sek"]
    return out


def households_frame(monthly: pd.DataFrame) -> pd.DataFrame:
    """Households on benefit per (replication, arm, month): the one monthly figure the summary (targets) and the
    report (its bands) need for every replication; a run keeps it while the full monthly table goes to disk.
    A copy: a selection of columns can share the table's memory (copy-on-write) and so keep all of it alive."""
    return monthly[["rep", "arm", "month", "households_on_benefit"]].reset_index(drop=True).copy(deep=True)


#: The programme's places per replication and year (:func:`places_by_year`): held at month end and started.
PLACE_FIGURES = ("held_jobs", "held_internships", "starts_jobs", "starts_internships")


def places_by_year(monthly: pd.DataFrame) -> pd.DataFrame:
    """Per (replication, year) of the programme arm: place-months held (month-end stocks) and places started,
    jobs and internships; what :func:`places_rows` reports, reduced a chunk of replications at a time."""
    prog = monthly[monthly["arm"] == "programme"]
    figures = pd.DataFrame(
        {
            "rep": prog["rep"],
            "year": prog["month"].dt.year,
            "held_jobs": prog[[STATE_LABELS[int(s)] for s in JOB_STATES]].sum(axis=1),
            "held_internships": prog[STATE_LABELS[int(State.INTERNSHIP)]],
            "starts_jobs": prog[[f"starts_{t}" for t in PLACE_TYPES if t != "internship"]].sum(axis=1),
            "starts_internships": prog["starts_internship"],
        }
    )
    return figures.groupby(["rep", "year"], sort=True)[list(PLACE_FIGURES)].sum().reset_index()


# --- places ---------------------------------------------------------------------------

#: Below this share of the planned place-months filled, a class and year is flagged (places stay empty).
FILL_WARNING = 0.9


def places_rows(p: Params, by_year: pd.DataFrame, unit: str) -> list[PlaceRow]:
    """Places by class and year, the starts they imply, and what the run filled (P50 over replications).

    Both units (DESIGN): the scenario gives starts per year (places follow from the
    planned length) or places (starts follow); ``unit`` says which was given. The fill
    is the place-months held (month-end stocks) over the planned place-months.
    ``by_year``: :func:`places_by_year` of every replication.
    """
    years = p.calendar.year_of_month()
    rows = []
    for y in sorted(set(years)):
        idx = [m for m, yy in enumerate(years) if yy == y]
        sel = by_year[by_year["year"] == y]
        for c, cls in enumerate(PLACE_CLASSES):
            places = float(p.capacity_full[c, idx].mean())
            planned = float(p.capacity_full[c, idx].sum())
            per_rep_held = sel[f"held_{cls}"].to_numpy()
            per_rep_starts = sel[f"starts_{cls}"].to_numpy()
            rows.append(
                PlaceRow(
                    year=y,
                    place_class=cls,
                    places=places,
                    places_after_ramp_up=float(p.capacity[c, idx].mean()),
                    starts_per_year=places * 12 / p.class_months[c],
                    unit=unit,
                    simulated_starts=float(np.median(per_rep_starts)) if len(per_rep_starts) else None,
                    fill=float(np.median(per_rep_held / planned)) if planned > 0 and len(per_rep_held) else None,
                )
            )
    return rows


def place_notices(rows: list[PlaceRow]) -> list[Notice]:
    """A warning per class whose places stay empty in some year (fill below :data:`FILL_WARNING` of the plan)."""
    out = []
    for cls in PLACE_CLASSES:
        low = [r for r in rows if r.place_class == cls and r.fill is not None and r.fill < FILL_WARNING]
        if low:
            fills = ",".join(f"{r.year}={r.fill:.4f}" for r in low)
            out.append(Notice(code="places_empty", values={"place_class": cls, "fills": fills}))
    return out


# --- breakeven -------------------------------------------------------------------------


def breakeven_annual(years: list[int], programme: np.ndarray, counterfactual: np.ndarray) -> int | None:
    """First year from which the programme's annual cost stays below the counterfactual's."""
    below = programme < counterfactual
    if not below[-1]:
        return None
    i = len(below) - 1
    while i > 0 and below[i - 1]:
        i -= 1
    return years[i]


def breakeven_cumulative(years: list[int], programme: np.ndarray, counterfactual: np.ndarray) -> int | None:
    """First year in which the cumulative cost with the programme is at or below the counterfactual's."""
    ok = np.cumsum(programme) <= np.cumsum(counterfactual)
    hits = np.flatnonzero(ok)
    return years[int(hits[0])] if len(hits) else None


def breakeven_first_below(years: list[int], programme: np.ndarray, counterfactual: np.ndarray) -> int | None:
    """First year in which the programme's annual cost is below the counterfactual's (it may rise again later)."""
    hits = np.flatnonzero(programme < counterfactual)
    return years[int(hits[0])] if len(hits) else None


#: The breakeven definitions every run reports: the first year from which the annual cost stays below the
#: counterfactual's, the first year of payback (cumulative), and the first year the annual cost is below at all.
BREAKEVEN_DEFINITIONS = {
    "annual": breakeven_annual,
    "cumulative": breakeven_cumulative,
    "first_below": breakeven_first_below,
}


def _nearest_rank(values: list[float], q: float) -> float:
    """The q-th percentile by nearest rank (works with inf for "never")."""
    s = sorted(values)
    k = max(1, math.ceil(q / 100 * len(s)))
    return s[k - 1]


def _year_or_never(x: float) -> int | str:
    return NEVER if math.isinf(x) else int(x)


def _pct(values: np.ndarray) -> dict[str, float]:
    v = np.asarray(values, dtype=float)
    out = {f"p{q}": float(np.percentile(v, q)) for q in PERCENTILES}
    out["mean"] = float(v.mean())
    return out


def variance_split(values: np.ndarray, reps: np.ndarray, uncertain: bool) -> dict[str, float]:
    """Split the spread of an outcome over replications into parameter and process uncertainty.

    By the law of total variance, Var(Y) = E[Var(Y | θ)] + Var(E[Y | θ]). Replications
    that share a draw θ (model.params.REPS_PER_DRAW) differ only by process noise, so
    the mean within-draw variance estimates the first term (process) and the variance
    of the draws' means, less process / REPS_PER_DRAW, the second (parameters: drawn
    values and the labour market), as in a one-way ANOVA. Without uncertain values all
    spread is process noise. Standard deviations, the parameter share of the variance
    and the number of draws it rests on (few draws: a rough split).
    """
    v = np.asarray(values, dtype=float)
    total = float(np.var(v, ddof=1)) if len(v) > 1 else 0.0
    if not uncertain:
        sd = math.sqrt(total)
        return {"total_sd": sd, "process_sd": sd, "parameter_sd": 0.0, "parameter_share": 0.0, "draws": len(v)}
    sets = np.asarray(reps) // REPS_PER_DRAW
    keys, inverse, counts = np.unique(sets, return_inverse=True, return_counts=True)
    full = keys[counts == REPS_PER_DRAW]
    if len(full) < 2:
        nan = math.nan
        return {
            "total_sd": math.sqrt(total),
            "process_sd": nan,
            "parameter_sd": nan,
            "parameter_share": nan,
            "draws": len(full),
        }
    # (draws, REPS_PER_DRAW): each full draw's replications in their order, draws in order of their key
    order = np.argsort(inverse, kind="stable")
    groups = v[order[counts[inverse[order]] == REPS_PER_DRAW]].reshape(len(full), REPS_PER_DRAW)
    # one-way ANOVA: the within-draw variance is chance; the variance of the draws' means holds the parameters'
    # variance plus chance / REPS_PER_DRAW
    process = float(np.mean(np.var(groups, axis=1, ddof=1)))
    parameter = max(float(np.var(groups.mean(axis=1), ddof=1)) - process / REPS_PER_DRAW, 0.0)
    return {
        "total_sd": math.sqrt(total),
        "process_sd": math.sqrt(process),
        "parameter_sd": math.sqrt(parameter),
        "parameter_share": parameter / (parameter + process) if parameter + process > 0 else math.nan,
        "draws": len(full),
    }


#: What the variance split covers: (name, arm or "difference", annual column).
SPLIT_MEASURES = (
    ("households_on_benefit", "programme", "households_on_benefit_mean"),
    ("social_board_cost", "programme", "social_board_net_sek"),
    ("social_board_difference", "difference", "social_board_net_sek"),
)


def summarise(
    p: Params,
    annual: pd.DataFrame,
    monthly: pd.DataFrame,
    participants: np.ndarray | None = None,
    uncertain: bool = False,
    follow_up: np.ndarray | None = None,
) -> Summary:
    """Monte Carlo summary: percentiles, probabilities, breakeven, targets, participant outcomes.

    ``uncertain``: replications drew their parameters (so the spread splits into parameter and process parts).
    ``follow_up``: (replications, model.follow_up.FIELDS), each summed over the run's months.
    """
    full_years = sorted(int(y) for y in annual.loc[annual["months"] == 12, "year"].unique())
    reps = sorted(annual["rep"].unique())
    piv = annual.pivot_table(index=["rep", "year"], columns="arm", values="social_board_net_sek", observed=True)
    piv = piv.loc[(slice(None), full_years), :]

    breakeven: dict[str, dict] = {}
    for name, fn in BREAKEVEN_DEFINITIONS.items():
        if not full_years:  # no full calendar year in the horizon: no year can be compared, so never
            breakeven[name] = {"distribution": {NEVER: 1.0}, "p5": NEVER, "p50": NEVER, "p95": NEVER, "cdf": {}}
            continue
        found = []
        by_rep = {arm: piv[arm].unstack("year").reindex(index=reps, columns=full_years).to_numpy() for arm in ARMS}
        for i in range(len(reps)):
            y = fn(full_years, by_rep["programme"][i], by_rep["counterfactual"][i])
            found.append(math.inf if y is None else float(y))
        dist = {str(y): float(np.mean([f == y for f in found])) for y in full_years}
        dist[NEVER] = float(np.mean([math.isinf(f) for f in found]))
        breakeven[name] = {
            "distribution": dist,
            "p5": _year_or_never(_nearest_rank(found, 5)),
            "p50": _year_or_never(_nearest_rank(found, 50)),
            "p95": _year_or_never(_nearest_rank(found, 95)),
            "cdf": {str(y): float(np.mean([f <= y for f in found])) for y in full_years},
        }

    years: dict[str, YearSummary] = {}
    for y in sorted(int(v) for v in annual["year"].unique()):
        by_arm = {arm: annual[(annual["year"] == y) & (annual["arm"] == arm)].sort_values("rep") for arm in ARMS}
        arms = {}
        for arm, a in by_arm.items():
            cost = a["social_board_net_sek"].to_numpy()
            entry: dict = {
                "households_on_benefit_mean": _band(a["households_on_benefit_mean"]),
                "households_on_benefit_max": _band(a["households_on_benefit_max"]),
                "social_board_net_sek": _band(cost),
                "municipality_net_sek": _band(a["municipality_net_sek"]),
                "state_net_sek": _band(a["state_net_sek"]),
                "frame_needed_sek": FrameNeeded(**{f"p{q}": float(np.percentile(cost, q)) for q in (50, 80, 95)}),
            }
            if y in p.frames:
                d = a["deficit_sek"].to_numpy()
                entry |= {"frame_sek": float(p.frames[y]), "deficit_sek": _band(d), "p_deficit": float(np.mean(d > 0))}
            arms[arm] = ArmYear(**entry)
        prog, cf = by_arm["programme"], by_arm["counterfactual"]

        def diff(col: str, prog: pd.DataFrame = prog, cf: pd.DataFrame = cf) -> np.ndarray:
            return prog[col].to_numpy() - cf[col].to_numpy()

        rep_ids = prog["rep"].to_numpy()
        split = {}
        for name, arm, col in SPLIT_MEASURES:
            v = diff(col) if arm == "difference" else prog[col].to_numpy()
            split[name] = Split(**variance_split(v, rep_ids, uncertain))
        years[str(y)] = YearSummary(
            months=int(prog["months"].iloc[0]),
            programme=arms["programme"],
            counterfactual=arms["counterfactual"],
            difference_households_on_benefit=_band(diff("households_on_benefit_mean")),
            difference_social_board_sek=_band(diff("social_board_net_sek")),
            difference_municipality_sek=_band(diff("municipality_net_sek")),
            difference_state_sek=_band(diff("state_net_sek")),
            p_programme_cheaper=float(np.mean(diff("social_board_net_sek") < 0)),
            variance_split=split,
        )

    part: dict[str, Band] = {}
    counts: dict[str, float] = {}
    if participants is not None and len(participants):
        counts = {f: float(np.median(participants[:, i])) for i, f in enumerate(FIELDS)}
        for name, v in shares(participants).items():
            v = v[~np.isnan(v)]
            if len(v):
                part[name] = _band(v)
    return Summary(
        scenario=p.scenario,
        replications=len(reps),
        follow_up=_follow_up_bands(follow_up),
        uncertain=uncertain,
        full_years=full_years,
        breakeven={name: Breakeven(**b) for name, b in breakeven.items()},
        years=years,
        targets={t.name: TargetResult(**target_probability(t, monthly)) for t in p.targets},
        participants=part,
        participant_counts=counts,
        stale_rules=[str(s) for s in p.law.stale_rules],
        closed_financing=[
            ClosedFinancing(type=t, months=n, first=first, last=last) for t, n, first, last in p.law.closed_financing
        ],
    )


def _band(values: np.ndarray | pd.Series) -> Band:
    return Band(**_pct(np.asarray(values)))


def target_met(target: Target, monthly: pd.DataFrame) -> pd.Series:
    """Per (replication, arm): was the target met? NaN-free; months outside the horizon are ignored."""
    yr = monthly["month"].dt.year
    sel = monthly[(yr >= target.first_year) & (yr <= target.last_year)]
    stat = sel.groupby(["rep", "arm"], observed=True)["households_on_benefit"].agg(target.statistic)
    return stat <= target.threshold


def target_probability(target: Target, monthly: pd.DataFrame) -> dict:
    met = target_met(target, monthly)
    out: dict = {
        "statistic": target.statistic,
        "first_year": target.first_year,
        "last_year": target.last_year,
        "threshold": target.threshold,
    }
    for arm in ("programme", "counterfactual"):
        vals = met.xs(arm, level="arm") if len(met) else pd.Series(dtype=bool)
        out[arm] = float(vals.mean()) if len(vals) else math.nan
    return out
