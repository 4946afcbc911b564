"""The statistics a target names (calibration/targets.py), one value per replication, from a run's tables.

The same functions serve the checks of a finished run (its tables read back,
only the months the rows name) and a calibration (the tables of a few
replications in memory), so a figure is computed one way only.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from calibration.targets import Observation, Period
from model.follow_up import FIELDS as FOLLOW_UP_FIELDS
from model.ledger import BENEFIT_CATEGORIES
from model.outcomes import BREAKEVEN_DEFINITIONS
from model.participants import shares


@dataclass(frozen=True)
class Tables:
    """What statistics are computed from: rows of the months they need are enough."""

    reps: np.ndarray  # the replications, in order: every value array follows it
    monthly: pd.DataFrame  # rep, arm, month, households_on_benefit, starts_<type>, model.follow_up.FIELDS
    ledger: pd.DataFrame  # ledger rows of the categories the statistics need: rep, arm, month, category, sek
    annual: pd.DataFrame
    participants: np.ndarray | None  # replications × model.participants.FIELDS, or None if not kept


def ledger_rows(ledger: pd.DataFrame, rows: list[Observation]) -> pd.DataFrame:
    """The ledger's rows that ``rows`` need: social assistance paid (ledger.BENEFIT_CATEGORIES) and the
    categories a ``ledger_sek`` row sums."""
    return ledger.loc[ledger["category"].isin(needed_categories(rows)), ["rep", "arm", "month", "category", "sek"]]


def needed_categories(rows: list[Observation]) -> set[str]:
    return set(BENEFIT_CATEGORIES) | {c for o in rows for c in (o.categories or ())}


def in_periods(frame: pd.DataFrame, periods: list[Period]) -> pd.Series:
    """Which rows' ``month`` lies in any of ``periods``."""
    mask = pd.Series(False, index=frame.index)
    for p in periods:
        first, end = pd.Timestamp(p.first.first_day()), pd.Timestamp(p.last.plus(1).first_day())
        mask |= (frame["month"] >= first) & (frame["month"] < end)
    return mask


def _within(frame: pd.DataFrame, period: Period, arm: str | None) -> pd.DataFrame:
    sel = in_periods(frame, [period])
    if arm is not None:
        sel &= frame["arm"] == arm
    return frame[sel]


def _per_rep(by_rep: pd.Series, reps: np.ndarray, fill: float = 0.0) -> np.ndarray:
    return by_rep.reindex(reps, fill_value=fill).to_numpy(dtype=float)


def _households(t: Tables, period: Period, arm: str, stat: str) -> np.ndarray:
    rows = _within(t.monthly, period, arm)
    return _per_rep(rows.groupby("rep")["households_on_benefit"].agg(stat), t.reps, math.nan)


def _starts(t: Tables, period: Period, arm: str, jobs: bool) -> np.ndarray:
    rows = _within(t.monthly, period, arm)
    if jobs:
        columns = [c for c in rows.columns if c.startswith("starts_") and c != "starts_internship"]
        per_row = rows[columns].sum(axis=1)
    else:
        per_row = rows["starts_internship"]
    return _per_rep(per_row.groupby(rows["rep"]).sum(), t.reps)


def _ledger(t: Tables, period: Period, arm: str, categories: Iterable[str]) -> np.ndarray:
    rows = _within(t.ledger, period, arm)
    rows = rows[rows["category"].isin(list(categories))]
    return _per_rep(rows.groupby("rep")["sek"].sum(), t.reps)


#: The follow-up's statistics: the sum of a column of the programme arm's months (model/follow_up.py)
FOLLOW_UP: dict[str, str] = {
    "participants_started": "participants_new",
    "participants_left_for_work": "left_for_work",
    "participants_left_for_studies": "left_for_studies",
    "leavers_benefit_not_paid": "leavers_not_paid_sek",
    "leavers_benefit_saved": "leavers_saved_sek",
}
assert set(FOLLOW_UP.values()) <= set(FOLLOW_UP_FIELDS)


def _follow_up(t: Tables, period: Period, column: str) -> np.ndarray:
    rows = _within(t.monthly, period, "programme")
    return _per_rep(rows.groupby("rep")[column].sum(), t.reps)


def _subsidised_share(t: Tables, period: Period, arm: str) -> np.ndarray:
    """Job starts financed by a state subsidy (any but a municipal job) over all job starts."""
    rows = _within(t.monthly, period, arm)
    jobs = [c for c in rows.columns if c.startswith("starts_") and c != "starts_internship"]
    subsidised = [c for c in jobs if c != "starts_municipal_job"]
    by_rep = rows.groupby("rep")
    with np.errstate(invalid="ignore", divide="ignore"):
        return _per_rep(by_rep[subsidised].sum().sum(axis=1), t.reps) / _per_rep(by_rep[jobs].sum().sum(axis=1), t.reps)


def _benefit(t: Tables, period: Period, arm: str) -> np.ndarray:
    return _ledger(t, period, arm, BENEFIT_CATEGORIES)


def _deficit(t: Tables, period: Period, arm: str) -> np.ndarray:
    a = t.annual
    rows = a[(a["arm"] == arm) & a["year"].isin(period.years())]
    return _per_rep(rows.groupby("rep")["deficit_sek"].sum(min_count=1), t.reps, math.nan)


def _breakeven(t: Tables) -> np.ndarray:
    """The first year of payback (cumulative) per replication; infinity for never."""
    a = t.annual
    full = sorted(int(y) for y in a.loc[a["months"] == 12, "year"].unique())
    if not full:
        return np.full(len(t.reps), math.inf)
    piv = a[a["year"].isin(full)].pivot_table(
        index="rep", columns=["arm", "year"], values="social_board_net_sek", observed=True
    )
    piv = piv.reindex(t.reps)
    out = []
    for rep in t.reps:
        y = BREAKEVEN_DEFINITIONS["cumulative"](
            full, piv.loc[rep, "programme"].to_numpy(), piv.loc[rep, "counterfactual"].to_numpy()
        )
        out.append(math.inf if y is None else float(y))
    return np.array(out)


def values(o: Observation, t: Tables) -> np.ndarray:
    """The statistic ``o`` names, per replication (in ``t.reps``' order); NaN where a replication has none."""
    p, arm = o.months, o.arm
    match o.statistic:
        case "households_on_benefit":
            return _households(t, p, arm, o.stat)
        case "households_change":
            return _households(t, p, arm, "mean") / _households(t, o.base_months, arm, "mean") - 1.0
        case "starts_jobs" | "starts_internships":
            return _starts(t, p, arm, o.statistic == "starts_jobs")
        case "subsidised_share_of_job_starts":
            return _subsidised_share(t, p, arm)
        case "benefit_paid":
            return _benefit(t, p, arm)
        case "benefit_saved":
            return _benefit(t, p, "counterfactual") - _benefit(t, p, "programme")
        case "benefit_per_household_month":
            rows = _within(t.monthly, p, arm)
            months = _per_rep(rows.groupby("rep")["households_on_benefit"].sum(), t.reps, math.nan)
            return _benefit(t, p, arm) / months
        case "ledger_sek":
            return _ledger(t, p, arm, o.categories or ())
        case "social_board_deficit":
            return _deficit(t, p, arm)
        case "breakeven_cumulative":
            return _breakeven(t)
        case name if name in FOLLOW_UP:
            return _follow_up(t, p, FOLLOW_UP[name])
        case _:  # a participants' share (targets.STATISTICS lists which)
            if t.participants is None:
                raise ValueError(f"{o.statistic} needs each replication's participant counts")
            return shares(t.participants)[o.statistic]


def band(v: np.ndarray) -> tuple[float, float, float]:
    """P50, P5, P95 over the replications that have a value."""
    v = np.asarray(v, dtype=float)
    v = v[~np.isnan(v)]
    if not len(v):
        return (math.nan, math.nan, math.nan)
    return float(np.percentile(v, 50)), float(np.percentile(v, 5)), float(np.percentile(v, 95))


def year_band(v: np.ndarray) -> tuple[float, float, float]:
    """P50, P5, P95 of years by nearest rank (infinity, "never", stays a rank), as the summary's breakeven."""
    s = sorted(float(x) for x in v)
    rank = [s[max(1, math.ceil(q / 100 * len(s))) - 1] for q in (50, 5, 95)]
    return rank[0], rank[1], rank[2]
