"""Model against the observed figures: one row per figure, computed from a run's tables, flagged if outside.

    python -m calibration.checks RUN_FOLDER

prints the rows as a Markdown table (the README's calibration table). The
figures are those of the run's municipality (calibration/data/<municipality>.yaml);
rows whose months the run does not cover are left out.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from calibration.statistics import Tables, band, in_periods, ledger_rows, needed_categories, values, year_band
from calibration.targets import STATISTICS, Observation, outside, targets_for
from model.calendar import Calendar, YearMonth
from model.follow_up import FIELDS as FOLLOW_UP_FIELDS
from model.runtables import read_where
from model.summary import CalibrationRow, Summary

#: Participants' shares a run's summary carries as bands (the fallback when the counts were not kept).
_SHARES = tuple(name for name, kind in STATISTICS.items() if not kind.period and not kind.year)


def within_band(o: Observation, model: tuple[float, float, float]) -> bool:
    """Is the observed figure inside the model's 90 % band (P5–P95)? An interval: does it overlap the band?"""
    _p50, p5, p95 = model
    if o.value is not None:
        return p5 <= o.value <= p95
    return (o.low is None or o.low <= p95) and (o.high is None or o.high >= p5)


def run_calendar(folder: Path) -> Calendar:
    """The run's months, from its first replication's rows of the monthly table."""
    months = pq.ParquetFile(folder / "monthly.parquet").read_row_group(0, columns=["month"]).to_pandas()["month"]
    return Calendar.between(
        YearMonth(months.min().year, months.min().month), YearMonth(months.max().year, months.max().month)
    )


def folder_tables(
    folder: Path, rows: list[Observation], annual: pd.DataFrame, participants: np.ndarray | None
) -> Tables:
    """What ``rows`` need of a finished run's tables: only their months, read a row group at a time."""
    periods = [p for o in rows for p in o.periods()]
    path = folder / "monthly.parquet"
    names = pq.read_schema(path).names
    counts = [c for c in names if c.startswith("starts_") or c in FOLLOW_UP_FIELDS]
    monthly = read_where(
        path, ["rep", "arm", "month", "households_on_benefit", *counts], lambda f: in_periods(f, periods)
    )
    ledger = read_where(
        folder / "ledger.parquet",
        ["rep", "arm", "month", "category", "sek"],
        lambda f: f["category"].isin(list(needed_categories(rows))) & in_periods(f, periods),
    )
    reps = np.array(sorted(annual["rep"].unique()))
    return Tables(reps, monthly, ledger_rows(ledger, rows), annual, participants)


def compare(
    folder: Path, annual: pd.DataFrame, summary: Summary, participants: np.ndarray | None = None
) -> list[CalibrationRow]:
    """The run held against its municipality's observed figures (a run folder's ``checks``): model P50/P5/P95
    (or a year) and whether the figure is inside the model's 90 % band. ``participants``: the run's counts,
    if kept (else the summary's bands of the shares serve)."""
    targets = targets_for(summary.municipality)
    if targets is None:
        return []
    rows = [o for o in targets.observations if o not in outside(targets, run_calendar(folder))]
    tables = folder_tables(folder, rows, annual, participants)
    out = []
    for o in rows:
        if o.statistic in _SHARES and participants is None:
            b = summary.participants.get(o.statistic)
            if b is None:
                continue
            model: tuple[float, float, float] | str = (b.p50, b.p5, b.p95)
            within = within_band(o, model)
        elif STATISTICS[o.statistic].year:
            p50, p5, p95 = year_band(values(o, tables))
            model = "never" if math.isinf(p50) else str(int(p50))
            within = within_band(o, (p50, p5, p95))
        else:
            model = band(values(o, tables))
            if math.isnan(model[0]):
                continue
            within = within_band(o, model)
        out.append(_row(o, model, within))
    return out


#: What a summary's row carries of its observation, so its readers need not read the target file.
_CARRIED = {"value", "low", "high", "unit", "source", "text_sv", "text_en"}


def _row(o: Observation, model: tuple[float, float, float] | str, within: bool) -> CalibrationRow:
    return CalibrationRow(key=o.key, model=model, within=bool(within), **o.model_dump(include=_CARRIED))


def _shown(unit: str, x: float) -> str:
    """A figure in the observed figure's unit: mnkr, a percentage, a year or a count."""
    if unit == "SEK_mnkr" or (unit == "SEK" and abs(x) > 1e5):
        return f"{x / 1e6:.1f} mnkr"
    if unit == "share":
        return f"{100 * x:.1f} %"
    if unit == "year":
        return str(int(x))
    return f"{x:,.0f}".replace(",", " ")


def _observed(r: CalibrationRow) -> str:
    if r.value is not None:
        return _shown(r.unit, r.value)
    if r.low is None:
        return f"≤ {_shown(r.unit, r.high)}"
    if r.high is None:
        return f"≥ {_shown(r.unit, r.low)}"
    return f"{_shown(r.unit, r.low)}–{_shown(r.unit, r.high)}"


def table(folder: Path) -> str:
    """The calibration rows of a finished run as Markdown."""
    annual = pd.read_parquet(folder / "annual.parquet")
    summary = Summary.load(folder / "summary.json")
    lines = ["| figure | observed | model P50 [P5–P95] | inside the 90 % band | source |", "|---|---|---|---|---|"]
    for r in compare(folder, annual, summary):
        seen = _observed(r)
        m = r.model
        if isinstance(m, str):
            model = m
        else:  # one unit for the three: a band reaching past 0.1 mnkr is shown in mnkr throughout
            unit = "SEK_mnkr" if r.unit == "SEK" and max(abs(x) for x in m) > 1e5 else r.unit
            model = f"{_shown(unit, m[0])} [{_shown(unit, m[1])}–{_shown(unit, m[2])}]"
        lines.append(f"| {r.text_en} | {seen} | {model} | {'yes' if r.within else '**no**'} | {r.source} |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(table(Path(sys.argv[1])))
