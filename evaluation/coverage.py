"""The coverage study: does dynamic IPW recover the true effect on registers whose truth is known?

Each replication of a scenario is one register; its participants' true effect
comes from the paired counterfactual. `python -m evaluation.coverage SCENARIO
[REGISTERS]` prints, for all participants, per outcome the lowest coverage
over months since start and the mean estimate, truth and naive estimate at
a few months (the README's table).
"""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd

from evaluation.design import build
from evaluation.ipw import Z95, profiles
from model.params import Resolver
from model.register import replication_panel
from model.scenario import load_scenario, scenario_path
from model.simulate import simulate


def study(scenario: str, registers: int, months: int = 36) -> pd.DataFrame:
    """One row per register, outcome and month since start: estimate, standard error, truth, naive estimate."""
    path = scenario_path(scenario)
    resolver = Resolver(load_scenario(path), file=str(path))
    rows = []
    for rep in range(registers):
        p = resolver.for_replication(rep)
        d = build(replication_panel(p, simulate(p, rep)), f"{path} (replication {rep})")
        for pr in profiles(d, K=months, groups=("all",)):
            rows.append(pd.DataFrame({
                "register": rep, "outcome": pr.outcome, "k": np.arange(months + 1), "estimate": pr.estimate,
                "se": pr.se, "truth": pr.truth, "naive": pr.naive,
            }))  # fmt: skip
    df = pd.concat(rows, ignore_index=True)
    return df.assign(covered=(df["estimate"] - df["truth"]).abs() <= Z95 * df["se"])


def summary(df: pd.DataFrame, shown: tuple[int, ...] = (3, 12, 24, 36)) -> pd.DataFrame:
    """Per outcome: registers, the lowest coverage over months and where, and means at ``shown`` months (pp)."""
    out = []
    for outcome, part in df.groupby("outcome", sort=False):
        by_k = part.groupby("k")
        cov = by_k["covered"].mean()
        row = {"outcome": outcome, "registers": part["register"].nunique(), "lowest coverage": cov.min(),
               "at month": int(cov.idxmin())}  # fmt: skip
        means = by_k[["estimate", "truth", "naive"]].mean() * 100
        for k in shown:
            row[f"month {k}: IPW / truth / naive"] = " / ".join(f"{means.loc[k, c]:.1f}" for c in means.columns)
        out.append(row)
    return pd.DataFrame(out)


def main(argv: list[str]) -> None:
    scenario, registers = argv[0], int(argv[1]) if len(argv) > 1 else 20
    print(summary(study(scenario, registers)).to_string(index=False))


if __name__ == "__main__":
    main(sys.argv[1:])
