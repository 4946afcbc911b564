"""Model against the observed figures: one row per figure, computed from a run's tables, flagged if outside.

    python -m calibration.checks RUN_FOLDER

prints the rows as a Markdown table (the README's calibration table).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from calibration.observed import OBSERVED, OBSERVED_MUNICIPALITY, Observed
from model.ledger import BENEFIT_CATEGORIES
from model.outcomes import benefit_by_year
from model.runtables import read_where
from model.summary import CalibrationRow, Summary


def _pct(values: np.ndarray) -> tuple[float, float, float]:
    v = np.asarray(values, dtype=float)
    return float(np.percentile(v, 50)), float(np.percentile(v, 5)), float(np.percentile(v, 95))


def within_band(o: Observed, model: tuple[float, float, float]) -> bool:
    """Is the observed figure inside the model's 90 % band (P5–P95)? An interval: does it overlap the band?"""
    _p50, p5, p95 = model
    if o.value is not None:
        return p5 <= o.value <= p95
    return (o.low is None or o.low <= p95) and (o.high is None or o.high >= p5)


def _year(v: int | str) -> float:
    return float("inf") if v == "never" else float(v)


#: The months the checks read of a run's monthly table and ledger: Lund's reported periods and 2022.
FIRST_MONTH, END_MONTH = pd.Timestamp("2021-09-01"), pd.Timestamp("2023-01-01")
#: The years whose social assistance the checks compare.
BENEFIT_YEARS = (2022, 2025)


def _benefit(folder: Path) -> pd.DataFrame:
    """Social assistance paid per (replication, arm, year) in :data:`BENEFIT_YEARS` (outcomes.benefit_by_year)."""
    ledger = read_where(
        folder / "ledger.parquet",
        ["rep", "arm", "month", "category", "sek"],
        lambda f: f["category"].isin(BENEFIT_CATEGORIES) & f["month"].dt.year.isin(BENEFIT_YEARS),
    )
    return benefit_by_year(ledger)


def _monthly(folder: Path) -> pd.DataFrame:
    """The monthly table's households and starts from :data:`FIRST_MONTH` to :data:`END_MONTH`."""
    path = folder / "monthly.parquet"
    starts = [c for c in pq.read_schema(path).names if c.startswith("starts_")]
    columns = ["rep", "arm", "month", "households_on_benefit", *starts]
    return read_where(path, columns, lambda f: (f["month"] >= FIRST_MONTH) & (f["month"] < END_MONTH))


def compare(folder: Path, annual: pd.DataFrame, summary: Summary) -> list[dict]:
    """Rows of (observed figure, model P50/P5/P95, inside the model's 90 % band) for the figures a run speaks to.

    ``folder`` holds the run's monthly table and ledger, of which only the months compared are read.
    """
    rows: list[dict] = []
    if summary.municipality and summary.municipality != OBSERVED_MUNICIPALITY:
        return rows  # the observed figures are another municipality's
    monthly = _monthly(folder)
    benefit = _benefit(folder)
    by_key = {o.key: o for o in OBSERVED}

    def add(o: Observed, model: tuple[float, float, float] | str, within: bool | None = None) -> None:
        rows.append({"observed": o, "model": model, "within": within_band(o, model) if within is None else within})

    prog = annual[annual["arm"] == "programme"]
    y22 = prog[prog["year"] == 2022]
    if len(y22) and not y22["deficit_sek"].isna().all():
        add(by_key["deficit_2022"], _pct(y22["deficit_sek"]))
    be = summary.breakeven["cumulative"]
    claim = by_key["breakeven_claim"]
    add(claim, str(be.p50), _year(be.p5) <= float(claim.value or 0) <= _year(be.p95))
    if 2025 in set(annual["year"]):
        ben = benefit[benefit["year"] == 2025].set_index(["rep", "arm"])["benefit_sek"].unstack("arm")
        add(by_key["benefit_saved_by_2025"], _pct((ben["counterfactual"] - ben["programme"]).to_numpy()))
    if 2022 in set(annual["year"]):
        paid = benefit[(benefit["arm"] == "counterfactual") & (benefit["year"] == 2022)].set_index("rep")["benefit_sek"]
        cfm = monthly[(monthly["arm"] == "counterfactual") & (monthly["month"].dt.year == 2022)]
        hh_months = cfm.groupby("rep")["households_on_benefit"].sum()
        add(by_key["benefit_per_household_month_2022"], _pct((paid / hh_months).to_numpy()))
    for key, name in (
        ("work_or_studies_3m_after_job", "work_or_studies_3m_after_job"),
        ("on_benefit_year_after_job", "on_benefit_year_after_job"),
    ):
        share = summary.participants.get(name)
        if share:
            add(by_key[key], (share.p50, share.p5, share.p95))
    for k, v in fills(monthly).items():
        add(by_key[k], v)
    early = monthly[(monthly["arm"] == "counterfactual") & (monthly["month"].dt.year == 2022)]
    early = early[early["month"].dt.month <= 3]
    if len(early):
        add(by_key["households_early_2022"], _pct(early.groupby("rep")["households_on_benefit"].mean().to_numpy()))
    return rows


#: Lund's reported fills (starts) and the months they cover (Lund §4).
FILL_PERIODS = {
    "jobs_filled_2021": ("jobs", "2021-09-01", "2022-01-01"),
    "internships_filled_2021": ("internships", "2021-09-01", "2022-01-01"),
    "jobs_filled_2022_aug": ("jobs", "2022-01-01", "2022-09-01"),
    "internships_filled_2022_aug": ("internships", "2022-01-01", "2022-09-01"),
}


def fills(monthly: pd.DataFrame) -> dict[str, tuple[float, float, float]]:
    """Placements started in the programme arm in each of Lund's reported periods the run covers (P50, P5, P95)."""
    prog = monthly[monthly["arm"] == "programme"]
    jobs = [c for c in prog.columns if c.startswith("starts_") and c != "starts_internship"]
    out = {}
    for key, (cls, first, end) in FILL_PERIODS.items():
        if prog["month"].min() > pd.Timestamp(first) or prog["month"].max() < pd.Timestamp(end) - pd.DateOffset(
            months=1
        ):
            continue
        sel = prog[(prog["month"] >= first) & (prog["month"] < end)]
        per_rep = (sel[jobs].sum(axis=1) if cls == "jobs" else sel["starts_internship"]).groupby(sel["rep"]).sum()
        out[key] = _pct(per_rep.to_numpy())
    return out


def summary_rows(folder: Path, annual: pd.DataFrame, summary: Summary) -> list[CalibrationRow]:
    """The comparison for the summary: observed key, model P50/P5/P95 (or a year), inside the band."""
    return [
        CalibrationRow(key=r["observed"].key, model=r["model"], within=bool(r["within"]))
        for r in compare(folder, annual, summary)
    ]


def _shown(o: Observed, x: float) -> str:
    """A figure in the observed figure's unit: mnkr, a percentage, a year or a count."""
    if o.unit == "SEK" and abs(x) > 1e5:
        return f"{x / 1e6:.1f} mnkr"
    if o.unit == "share":
        return f"{100 * x:.1f} %"
    if o.unit == "year":
        return str(int(x))
    return f"{x:,.0f}".replace(",", " ")


def table(folder: Path) -> str:
    """The calibration rows of a finished run as Markdown."""
    annual = pd.read_parquet(folder / "annual.parquet")
    summary = Summary.load(folder / "summary.json")
    lines = ["| figure | observed | model P50 [P5–P95] | inside the 90 % band | source |", "|---|---|---|---|---|"]
    for row in compare(folder, annual, summary):
        o, m = row["observed"], row["model"]
        seen = _shown(o, o.value) if o.value is not None else f"{_shown(o, o.low)}–{_shown(o, o.high)}"
        model = m if isinstance(m, str) else f"{_shown(o, m[0])} [{_shown(o, m[1])}–{_shown(o, m[2])}]"
        lines.append(f"| {o.text_en} | {seen} | {model} | {'yes' if row['within'] else '**no**'} | {o.source} |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(table(Path(sys.argv[1])))
