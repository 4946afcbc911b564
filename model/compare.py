"""Paired comparison of strategies: scenarios run with one seed, or finished run folders of one seed and horizon.

With the same seed every replication of B meets the same households, events and
uncertain draws as the same replication of A (common random numbers), so the
difference B − A per replication is the effect of what differs and nothing else;
its band is far narrower than that of two independent runs (shown alongside).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pydantic import Field

from model.errors import AmsimError
from model.outcomes import BREAKEVEN_DEFINITIONS
from model.summary import Band, Breakeven, Maybe, Part, Summary

VIEWS = ("social_board", "municipality", "state")
#: Measures compared per year (programme arm of each scenario): name → annual column; lower is better for all.
MEASURES = {
    "households_on_benefit": "households_on_benefit_mean",
    **{f"{v}_cost": f"{v}_net_sek" for v in VIEWS},
    "deficit": "deficit_sek",
}


@dataclass(frozen=True)
class Arm:
    """One compared scenario: its label (A, B, …), name, run folder, and what the comparison reads from it."""

    label: str
    name: str
    folder: Path
    scenario: dict[str, Any]  # the scenario as the run recorded it (manifest)
    seed: int
    replications: int
    annual: pd.DataFrame
    summary: Summary
    fixed: bool = False  # run with every uncertain value at its central value


def load_arm(label: str, folder: Path) -> Arm:
    """A finished run folder as a compared arm."""
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        annual = pd.read_parquet(folder / "annual.parquet")
        summary = Summary.load(folder / "summary.json")
    except (OSError, ValueError) as err:
        raise AmsimError(f"{folder}: not a finished amsim run folder ({err})") from None
    return Arm(
        label,
        summary.scenario,
        folder,
        manifest["scenario"],
        int(manifest["seed"]),
        int(manifest["replications"]),
        annual,
        summary,
        bool(manifest.get("fixed", False)),
    )


class DiffBand(Part):
    """B − A over paired replications, and what two independent runs would have shown."""

    p5: float
    p50: float
    p95: float
    mean: float
    #: P(B below A): fewer households, lower cost or deficit
    p_better: float
    #: P5 and P95 of B − A if the runs were not paired (every replication of B against every one of A)
    unpaired_p5: float
    unpaired_p95: float


class ArmYear(Part):
    households_on_benefit: Band
    social_board_cost: Band
    municipality_cost: Band
    state_cost: Band
    deficit: Band | None = None
    p_deficit: Maybe = None


class CompareYear(Part):
    year: int
    months: int
    arms: dict[str, ArmYear]  # label → the arm's own figures (programme arm)
    differences: dict[str, dict[str, DiffBand]]  # label (B, C, …) → measure → B − A


class Difference(Part):
    """A scenario value that differs between the compared scenarios."""

    path: str
    values: dict[str, str]  # label → value as text ("–" where absent)


class Comparison(Part):
    base: str  # the label every other arm is compared with (A)
    names: dict[str, str]  # label → scenario name
    folders: dict[str, str]
    seed: int
    replications: int
    differences: list[Difference]
    years: list[CompareYear]
    breakeven: dict[str, dict[str, Breakeven]]  # label → definition → breakeven
    targets: dict[str, dict[str, Maybe]]  # label → target → P(met), programme arm
    calibration_outside: dict[str, int] = Field(default_factory=dict)

    def to_json(self) -> str:
        return self.model_dump_json(indent=2) + "\n"


def _band(v: np.ndarray) -> Band:
    return Band(
        p5=float(np.percentile(v, 5)),
        p50=float(np.percentile(v, 50)),
        p95=float(np.percentile(v, 95)),
        mean=float(np.mean(v)),
    )


#: How many shifted pairings of the replications make up the unpaired band.
UNPAIRED_SHIFTS = 199


def diff_band(a: np.ndarray, b: np.ndarray) -> DiffBand:
    """Percentiles of the paired difference b − a, P(b < a), and the unpaired band for contrast."""
    d = b - a
    # unpaired: replication i of B against replication j ≠ i of A (at most UNPAIRED_SHIFTS shifts, so memory stays
    # linear in replications); with one replication there is nothing to shift, and paired and unpaired coincide
    shifts = range(1, min(len(a), UNPAIRED_SHIFTS + 1)) if len(a) > 1 else range(1)
    every = np.concatenate([b - np.roll(a, k) for k in shifts])
    return DiffBand(
        p5=float(np.percentile(d, 5)),
        p50=float(np.percentile(d, 50)),
        p95=float(np.percentile(d, 95)),
        mean=float(np.mean(d)),
        p_better=float(np.mean(d < 0)),
        unpaired_p5=float(np.percentile(every, 5)),
        unpaired_p95=float(np.percentile(every, 95)),
    )


def check_pairable(arms: list[Arm]) -> None:
    """Same seed, horizon and replications, or the differences would not be paired: a clear error."""
    base = arms[0]
    for arm in arms[1:]:
        for what, x, y in (
            ("seed", base.seed, arm.seed),
            ("replications", base.replications, arm.replications),
            ("start", base.scenario.get("start"), arm.scenario.get("start")),
            ("horizon", base.scenario.get("horizon"), arm.scenario.get("horizon")),
        ):
            if x != y:
                raise AmsimError(
                    f"{arm.folder}: {what} {y} differs from {base.folder}'s {x}; a paired comparison needs the same "
                    "seed, start, horizon and replications (run the scenarios with amsim compare to get them)"
                )


def _leaves(data: Any, path: str = "") -> dict[str, str]:
    if isinstance(data, dict):
        out: dict[str, str] = {}
        for k, v in data.items():
            out |= _leaves(v, f"{path}.{k}" if path else str(k))
        return out
    if isinstance(data, list) and data and all(isinstance(v, dict) for v in data):
        out = {}
        for i, v in enumerate(data):
            out |= _leaves(v, f"{path}.{i}")
        return out
    return {path: json.dumps(data, ensure_ascii=False) if not isinstance(data, str) else data}


#: Scenario keys that name or describe a run rather than set it.
_LABELS = ("name", "description")


def scenario_differences(arms: list[Arm]) -> list[Difference]:
    """Every value that is not the same in all compared scenarios (names and descriptions aside)."""
    leaves = [_leaves({**a.scenario, "run": {"fixed": a.fixed}}) for a in arms]
    paths = sorted(set().union(*leaves))
    out = []
    for path in paths:
        if path.split(".")[0] in _LABELS:
            continue
        values = [lv.get(path, "–") for lv in leaves]
        if len(set(values)) > 1:
            out.append(Difference(path=path, values={a.label: v for a, v in zip(arms, values, strict=True)}))
    return out


def compare(arms: list[Arm]) -> Comparison:
    """The paired comparison of every arm with the first."""
    if len(arms) < 2:
        raise AmsimError("compare needs at least two scenarios or run folders")
    check_pairable(arms)
    base = arms[0]
    progs = {a.label: a.annual[a.annual["arm"] == "programme"].sort_values(["year", "rep"]) for a in arms}
    years = []
    for y in sorted(int(v) for v in base.annual["year"].unique()):
        sel = {label: p[p["year"] == y] for label, p in progs.items()}
        own = {}
        for a in arms:
            rows = sel[a.label]
            deficit = rows["deficit_sek"].to_numpy()
            has_frame = not np.isnan(deficit).all()
            own[a.label] = ArmYear(
                households_on_benefit=_band(rows["households_on_benefit_mean"].to_numpy()),
                social_board_cost=_band(rows["social_board_net_sek"].to_numpy()),
                municipality_cost=_band(rows["municipality_net_sek"].to_numpy()),
                state_cost=_band(rows["state_net_sek"].to_numpy()),
                deficit=_band(deficit) if has_frame else None,
                p_deficit=float(np.mean(deficit > 0)) if has_frame else None,
            )
        diffs = {}
        for a in arms[1:]:
            diffs[a.label] = {
                name: diff_band(sel[base.label][col].to_numpy(), sel[a.label][col].to_numpy())
                for name, col in MEASURES.items()
                if not (name == "deficit" and (own[a.label].deficit is None or own[base.label].deficit is None))
            }
        months = int(sel[base.label]["months"].iloc[0]) if len(sel[base.label]) else 0
        years.append(CompareYear(year=y, months=months, arms=own, differences=diffs))
    return Comparison(
        base=base.label,
        names={a.label: a.name for a in arms},
        folders={a.label: str(a.folder) for a in arms},
        seed=base.seed,
        replications=base.replications,
        differences=scenario_differences(arms),
        years=years,
        breakeven={a.label: {n: a.summary.breakeven[n] for n in BREAKEVEN_DEFINITIONS} for a in arms},
        targets={a.label: {n: t.programme for n, t in a.summary.targets.items()} for a in arms},
        calibration_outside={a.label: sum(not r.within for r in a.summary.calibration) for a in arms},
    )


def labels(n: int) -> list[str]:
    """A, B, C, … for the compared arms."""
    return [chr(ord("A") + i) for i in range(n)]
