"""Side-by-side figures of finished runs (the README's comparison of allocation methods).

    python -m calibration.presets RUN_FOLDER [RUN_FOLDER ...]

prints a Markdown table: one column per run, P50 [P5–P95] over replications.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

from model.summary import Summary


def _band(v: np.ndarray, scale: float = 1.0, decimals: int = 0) -> str:
    q = np.percentile(np.asarray(v, dtype=float) / scale, [50, 5, 95])
    return f"{q[0]:,.{decimals}f} [{q[1]:,.{decimals}f}–{q[2]:,.{decimals}f}]".replace(",", " ")


def figures(folder: Path) -> dict[str, str]:
    """The compared figures of one run folder."""
    annual = pd.read_parquet(folder / "annual.parquet")
    summary = Summary.load(folder / "summary.json")
    prog = annual[annual["arm"] == "programme"].set_index(["rep", "year"])
    cf = annual[annual["arm"] == "counterfactual"].set_index(["rep", "year"])
    years = [y for y in (2023, 2024, 2025) if y in prog.index.get_level_values("year")]
    hh = prog.loc[(slice(None), years), "households_on_benefit_mean"].groupby("rep").mean()
    diff = (prog["social_board_net_sek"] - cf["social_board_net_sek"]).groupby("rep").sum()
    muni = (prog["municipality_net_sek"] - cf["municipality_net_sek"]).groupby("rep").sum()
    out = {
        "households on benefit, mean 2023–2025": _band(hh.to_numpy()),
        "social board cost vs no programme, whole horizon (mnkr)": _band(diff.to_numpy(), 1e6, 1),
        "municipality cost vs no programme, whole horizon (mnkr)": _band(muni.to_numpy(), 1e6, 1),
    }
    dep_file = folder / "departments.parquet"
    if dep_file.exists():
        frame = pd.read_parquet(dep_file)
        dep = frame.groupby("rep")[["filled_jobs", "missing_place_months", "penalty_sek"]].sum()
        months = frame.groupby(["rep", "department"], observed=True)["months"].sum().iloc[0]  # the horizon
        out["job places filled, mean per month"] = _band(dep["filled_jobs"].to_numpy() / months, 1, 1)
        out["missing place-months per year"] = _band(dep["missing_place_months"].to_numpy() / (months / 12))
        out["penalties, department → social board, per year (mnkr)"] = _band(
            dep["penalty_sek"].to_numpy() / (months / 12), 1e6, 2
        )
    part = summary.participants
    for key, label in (
        ("work_or_studies_3m_after_job", "in work or studies 3 months after a finished job"),
        ("hired_at_end_of_job", "hired by the workplace at the end of a job"),
    ):
        if key in part:
            v = part[key]
            out[label] = f"{100 * v.p50:.1f} % [{100 * v.p5:.1f}–{100 * v.p95:.1f}]"
    tg = summary.targets.get("mean_900_2023_2025")
    if tg and tg.programme is not None:
        out["P(≤ 900 households on average 2023–2025)"] = f"{100 * tg.programme:.1f} %"
    out["breakeven (cumulative), P50"] = str(summary.breakeven["cumulative"].p50)
    return out


def table(folders: list[Path]) -> str:
    cols = [figures(f) for f in folders]
    names = [Summary.load(f / "summary.json").scenario for f in folders]
    rows = list(dict.fromkeys(k for c in cols for k in c))
    lines = ["| figure | " + " | ".join(f"`{n}`" for n in names) + " |", "|---|" + "---|" * len(names)]
    lines += [f"| {r} | " + " | ".join(c.get(r, "–") for c in cols) + " |" for r in rows]
    return "\n".join(lines)


if __name__ == "__main__":
    print(table([Path(a) for a in sys.argv[1:]]))
