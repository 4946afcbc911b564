"""Model against the observed figures: one row per figure, computed from a run's tables."""

from __future__ import annotations

import numpy as np
import pandas as pd

from calibration.observed import OBSERVED, Observed


def _pct(values: np.ndarray) -> tuple[float, float, float]:
    v = np.asarray(values, dtype=float)
    return float(np.percentile(v, 50)), float(np.percentile(v, 5)), float(np.percentile(v, 95))


def compare(monthly: pd.DataFrame, annual: pd.DataFrame, ledger: pd.DataFrame | None, summary: dict) -> list[dict]:
    """Rows of (observed figure, modelled P50/P5/P95) for the figures a run can speak to."""
    rows: list[dict] = []
    by_key = {o.key: o for o in OBSERVED}

    def add(o: Observed, model: tuple[float, float, float] | str) -> None:
        rows.append({"observed": o, "model": model})

    prog = annual[annual["arm"] == "programme"]
    y22 = prog[prog["year"] == 2022]
    if len(y22) and not y22["deficit_sek"].isna().all():
        add(by_key["deficit_2022"], _pct(y22["deficit_sek"]))
    add(by_key["breakeven_claim"], str(summary["breakeven"]["cumulative"]["p50"]))
    if ledger is not None and 2025 in set(annual["year"]):
        ben = ledger[ledger["category"].isin(["benefit", "topup_wage", "topup_akassa"])]
        ben = ben[ben["month"].dt.year == 2025].groupby(["rep", "arm"], observed=True)["sek"].sum().unstack("arm")
        add(by_key["benefit_saved_by_2025"], _pct((ben["counterfactual"] - ben["programme"]).to_numpy()))
    if ledger is not None and 2022 in set(annual["year"]):
        cfl = ledger[(ledger["arm"] == "counterfactual") & (ledger["month"].dt.year == 2022)]
        paid = cfl[cfl["category"].isin(["benefit", "topup_wage", "topup_akassa"])].groupby("rep")["sek"].sum()
        cfm = monthly[(monthly["arm"] == "counterfactual") & (monthly["month"].dt.year == 2022)]
        hh_months = cfm.groupby("rep")["households_on_benefit"].sum()
        add(by_key["benefit_per_household_month_2022"], _pct((paid / hh_months).to_numpy()))
    for key, name in (
        ("work_or_studies_3m_after_job", "work_or_studies_3m_after_job"),
        ("on_benefit_year_after_job", "on_benefit_year_after_job"),
    ):
        share = summary.get("participants", {}).get(name)
        if share:
            add(by_key[key], (share["p50"], share["p5"], share["p95"]))
    rows += [{"observed": by_key[k], "model": v} for k, v in fills(monthly).items()]
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
