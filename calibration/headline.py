"""The headline of a finished run: what each model correction did to the default (README table).

    python -m calibration.headline RUN_FOLDER [LABEL]

prints one Markdown row: households on benefit 2023–2025, the paired cost of
the programme against the counterfactual over 2022–2030 for the social board,
the municipality and the state, and the breakeven year under three definitions
(P50 [P5–P95] over replications). It reads only ``annual.parquet``, so it
works on run folders of any amsim version.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from model.outcomes import BREAKEVEN_DEFINITIONS

COST_YEARS = range(2022, 2031)
HOUSEHOLD_YEARS = (2023, 2024, 2025)
VIEWS = ("social_board", "municipality", "state")
COLUMNS = (
    "households 2023–2025",
    "social board cost vs no programme 2022–2030 (mnkr)",
    "municipality (mnkr)",
    "state (mnkr)",
    "breakeven annual",
    "cumulative",
    "first year below",
)


def _band(v: np.ndarray, scale: float = 1.0, decimals: int = 0) -> str:
    q = np.percentile(np.asarray(v, dtype=float) / scale, [50, 5, 95])
    return f"{q[0]:,.{decimals}f} [{q[1]:,.{decimals}f}–{q[2]:,.{decimals}f}]".replace(",", " ")


def _year_p50(found: list[float]) -> str:
    s = sorted(found)
    x = s[max(1, math.ceil(len(s) / 2)) - 1]  # nearest rank, as the run summary
    return "never" if math.isinf(x) else str(int(x))


def headline(annual: pd.DataFrame) -> dict[str, str]:
    """The headline figures of one run's annual table."""
    full = annual[annual["months"] == 12]
    prog = full[full["arm"] == "programme"].set_index(["rep", "year"]).sort_index()
    cf = full[full["arm"] == "counterfactual"].set_index(["rep", "year"]).sort_index()
    years = sorted(int(y) for y in prog.index.get_level_values("year").unique())
    hh = prog.loc[(slice(None), [y for y in HOUSEHOLD_YEARS if y in years]), "households_on_benefit_mean"]
    out = {COLUMNS[0]: _band(hh.groupby("rep").mean().to_numpy())}
    cost_years = [y for y in COST_YEARS if y in years]
    for col, view in zip(COLUMNS[1:4], VIEWS, strict=True):
        diff = prog[f"{view}_net_sek"] - cf[f"{view}_net_sek"]
        out[col] = _band(diff.loc[(slice(None), cost_years)].groupby("rep").sum().to_numpy(), 1e6, 1)
    for col, fn in zip(COLUMNS[4:], BREAKEVEN_DEFINITIONS.values(), strict=True):
        found = []
        for rep in prog.index.get_level_values("rep").unique():
            y = fn(
                years, prog.loc[rep, "social_board_net_sek"].to_numpy(), cf.loc[rep, "social_board_net_sek"].to_numpy()
            )
            found.append(math.inf if y is None else float(y))
        out[col] = _year_p50(found)
    return out


def row(folder: Path, label: str) -> str:
    h = headline(pd.read_parquet(folder / "annual.parquet"))
    return f"| {label} | " + " | ".join(h[c] for c in COLUMNS) + " |"


if __name__ == "__main__":
    folder = Path(sys.argv[1])
    print("| step | " + " | ".join(COLUMNS) + " |")
    print("|---|" + "---|" * len(COLUMNS))
    print(row(folder, sys.argv[2] if len(sys.argv) > 2 else folder.name))
