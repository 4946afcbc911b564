"""An evaluation of a register, replication by replication: profiles, balance, and (with a truth) coverage."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from evaluation.design import GROUPS, DesignError, build
from evaluation.ipw import balance, profiles, propensities, trimmed

PROFILE_COLUMNS = (
    "replication", "group", "outcome", "k", "estimate", "se", "lower", "upper", "naive", "naive_se", "truth",
    "treated_mean", "participants",
)  # fmt: skip


@dataclass(frozen=True)
class Evaluation:
    """Estimates by replication, group, outcome and month since start; balance at the start; the settings."""

    profiles: pd.DataFrame
    balance: pd.DataFrame
    settings: dict

    @property
    def has_truth(self) -> bool:
        return bool(self.profiles["truth"].notna().any())

    def coverage(self) -> pd.DataFrame:
        """Per group, outcome and month since start: the share of replications whose 95 % interval holds the
        truth, and the mean estimate, truth and naive estimate (needs the truth)."""
        df = self.profiles.dropna(subset=["estimate", "truth"])
        df = df.assign(covered=(df["lower"] <= df["truth"]) & (df["truth"] <= df["upper"]))
        g = df.groupby(["group", "outcome", "k"], observed=True)
        return g.agg(
            registers=("covered", "size"), coverage=("covered", "mean"), estimate=("estimate", "mean"),
            truth=("truth", "mean"), naive=("naive", "mean"), se=("se", "mean"),
        ).reset_index()  # fmt: skip


def register_file(path: Path) -> Path:
    """The register's Parquet file: ``path`` itself, or ``register.parquet`` in the folder ``path``."""
    file = path / "register.parquet" if path.is_dir() else path
    if not file.is_file():
        raise DesignError(f"{path}: no register here (a register folder from `amsim register`, or its Parquet file)")
    return file


def replications_in(file: Path) -> list[int]:
    col = pq.read_table(file, columns=["replication"]).column("replication").to_numpy()
    return sorted(int(r) for r in np.unique(col))


def evaluate(
    path: Path, reps: list[int] | None = None, months: int = 36, trim: float = 0.95,
    on_rep: Callable[[int], None] | None = None,
) -> Evaluation:  # fmt: skip
    """Estimate every replication (or ``reps``) of the register at ``path``."""
    file = register_file(path)
    have = replications_in(file)
    reps = have if reps is None else reps
    unknown = sorted(set(reps) - set(have))
    if unknown:
        raise DesignError(f"{file}: no replication {', '.join(map(str, unknown))} (it has {_span(have)})")
    rows, bal = [], []
    for rep in reps:
        data = pq.read_table(file, filters=[("replication", "=", rep)]).to_pandas()
        d = build(data, f"{file} (replication {rep})")
        w = propensities(d)
        keep = trimmed(w, trim)
        for pr in profiles(d, K=months, w=w):
            k = np.arange(months + 1)
            truth = pr.truth if pr.truth is not None else np.full(months + 1, np.nan)
            rows.append(pd.DataFrame({
                "replication": rep, "group": pr.group, "outcome": pr.outcome, "k": k, "estimate": pr.estimate,
                "se": pr.se, "lower": pr.lower, "upper": pr.upper, "naive": pr.naive, "naive_se": pr.naive_se,
                "truth": truth, "treated_mean": pr.treated_mean, "participants": pr.participants,
            }))  # fmt: skip
        for group in GROUPS:
            for name, (mean, raw, weighted) in balance(d, w, keep, group).items():
                bal.append((rep, group, name, mean, raw, weighted))
        if on_rep is not None:
            on_rep(rep)
    profiles_df = pd.concat(rows, ignore_index=True)[list(PROFILE_COLUMNS)]
    balance_df = pd.DataFrame(bal, columns=["replication", "group", "covariate", "participants_mean", "smd_raw",
                                            "smd_weighted"])  # fmt: skip
    settings = {"register": str(file), "replications": reps, "months": months, "trim": trim}
    return Evaluation(profiles_df, balance_df, settings)


def _span(reps: list[int]) -> str:
    return f"{reps[0]}–{reps[-1]}" if len(reps) > 1 else str(reps[0])
