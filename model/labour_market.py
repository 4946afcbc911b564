"""Shared labour-market conditions: one factor per year and replication that moves every household together.

Households on benefit are not independent: when unemployment rises, fewer
leave for work and more arrive (Lund §4.4: "stora förändringar i
samhällsekonomin"). The factor x is the log of unemployment relative to its
trend, an AR(1) over years from a known start (x = 0 in the years before
``first_year``, which the calibration matched):

    x(y) = rho · x(y − 1) + sigma · ε(y),   ε(y) ~ N(0, 1)

Work exits are multiplied by exp(−work_exit_elasticity · x) and inflow by
exp(inflow_elasticity · x). ε(y) is drawn from the stream keyed by (seed,
replication, year), so both arms share it and a longer horizon moves no
earlier year.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import special

from model.calendar import Calendar
from model.random_streams import Purpose
from model.scenario import LabourMarket
from model.uncertainty import uniform


@dataclass(frozen=True)
class MarketFactor:
    """One replication's labour-market conditions as multipliers by calendar year."""

    year_starts: tuple[float, ...]  # time (months) at which each year's segment begins; the first is −inf
    work_exit: tuple[float, ...]  # multiplier on the work-exit hazard in each segment
    inflow: np.ndarray  # (T,) multiplier on each month's inflow
    factor: dict[int, float]  # x by year


def factor_path(year: int) -> str:
    """The name of a year's factor in ``parameters.parquet``."""
    return f"labour_market.factor.{year}"


def market_factor(lm: LabourMarket | None, cal: Calendar, seed: int, rep: int) -> MarketFactor | None:
    """The factor of replication ``rep``; None when there is none to draw (no section, sigma 0, or no year)."""
    years = sorted(set(cal.year_of_month()))
    if lm is None or lm.sigma == 0 or years[-1] < lm.first_year:
        return None
    x, factor = 0.0, {}
    for y in years:
        if y >= lm.first_year:
            eps = float(special.ndtri(uniform(seed, rep, factor_path(y), Purpose.LABOUR_MARKET)))
            x = lm.rho * x + lm.sigma * eps
        factor[y] = x
    month_years = cal.year_of_month()
    starts = [-math.inf] + [float(m) for m in range(1, cal.n_months) if month_years[m] != month_years[m - 1]]
    return MarketFactor(
        year_starts=tuple(starts),
        work_exit=tuple(math.exp(-lm.work_exit_elasticity * factor[y]) for y in years),
        inflow=np.array([math.exp(lm.inflow_elasticity * factor[y]) for y in month_years]),
        factor=factor,
    )
