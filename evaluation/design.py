"""From a register's person-month rows to the design of a dynamic evaluation: who is at risk, who starts, when.

Dynamic treatment assignment (Sianesi 2004; van den Berg & Vikström 2022):
in each month, those on benefit who have never been placed may start a
programme. A household is *at risk* in month m if it is on benefit at the
month's start and has not started a place before m; it is *treated* in m if
its first place starts in m. What it starts is its treatment type: an
internship, or a job at an ordinary or a created workplace (IFAU 2021:16).
The register's first month is no cohort: in it the places take everyone due
before the register began, whose elapsed durations a monthly model of starts
cannot match (an inflow, not a stock, is what the method compares).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

#: Treatment types of a first placement, and the groups effects are reported for.
TYPES: tuple[str, ...] = ("internship", "ordinary", "created")
GROUPS: tuple[str, ...] = ("all", *TYPES)
#: Outcomes: the register's monthly indicators, and the unobserved counterfactual column of each.
OUTCOMES: dict[str, str] = {"benefit": "cf_benefit", "work": "cf_work", "akassa": "cf_akassa"}
NO_START = np.iinfo(np.int32).max


class DesignError(ValueError):
    """The register lacks what the design needs (a column, participants, or households at risk)."""


@dataclass(frozen=True)
class Design:
    """One register (one replication) as arrays: persons × months, and the at-risk rows.

    ``first`` is each person's first start month (``NO_START`` if never placed)
    and ``kind`` its type (index in :data:`TYPES`, -1 if never). The risk rows
    (``person``, ``month``) are the person-months at risk; ``X`` their covariates
    (a DataFrame of numbers and categories) and ``treated`` whether the row starts.
    """

    n: int
    T: int
    first: np.ndarray
    kind: np.ndarray
    outcomes: dict[str, np.ndarray]  # name → (n, T) float, NaN outside the panel
    truth: dict[str, np.ndarray] | None  # name → (n, T) float, the counterfactual outcome (if the register has it)
    person: np.ndarray
    month: np.ndarray
    treated: np.ndarray
    X: pd.DataFrame
    readiness: np.ndarray | None  # per person, unobserved (for the diagnostics of what the method cannot see)


REQUIRED = ("person", "t", "status", "place_start", "workplace", *OUTCOMES)
COVARIATES = ("age", "adults", "children", "reason", "newly_arrived", "akassa_member", "months_on_benefit")


def build(rows: pd.DataFrame, source: str = "register") -> Design:
    """The design of one replication's register rows."""
    missing = [c for c in (*REQUIRED, *COVARIATES) if c not in rows.columns]
    if missing:
        raise DesignError(f"{source}: missing columns {', '.join(missing)} (see the register's data dictionary)")
    ids, person = np.unique(rows["person"].to_numpy(), return_inverse=True)
    n, t = len(ids), rows["t"].to_numpy().astype(np.int64)
    T = int(t.max()) + 1 if len(t) else 0
    started = rows["place_start"].astype(str).to_numpy() != "none"
    first = np.full(n, NO_START, dtype=np.int64)
    np.minimum.at(first, person[started], t[started])
    kind = np.full(n, -1, dtype=np.int64)
    at_first = started & (t == first[person])
    place = rows["place_start"].astype(str).to_numpy()[at_first]
    workplace = rows["workplace"].astype(str).to_numpy()[at_first]
    kind[person[at_first]] = np.where(place == "internship", 0, np.where(workplace == "created", 2, 1))

    def dense(col: str) -> np.ndarray:
        out = np.full((n, T), np.nan)
        out[person, t] = rows[col].to_numpy().astype(float)
        return out

    outcomes = {name: dense(name) for name in OUTCOMES}
    truth = {name: dense(cf) for name, cf in OUTCOMES.items()} if all(c in rows for c in OUTCOMES.values()) else None
    # the register's first month settles the backlog of everyone due before it began (a stock, not a flow):
    # nothing in it stands comparison, so its starts are no cohort and it is at risk from the second month on
    at_risk = (rows["status"].astype(str).to_numpy() == "benefit") & (t <= first[person]) & (t > t.min())
    risk = rows.loc[at_risk]
    if not at_risk.any():
        raise DesignError(f"{source}: no household is on benefit and not yet placed in any month")
    X = risk[list(COVARIATES)].reset_index(drop=True)
    X.insert(0, "month", t[at_risk])
    readiness = None
    if "readiness" in rows:
        readiness = np.zeros(n)
        readiness[person] = rows["readiness"].to_numpy()
    return Design(
        n=n,
        T=T,
        first=first,
        kind=kind,
        outcomes=outcomes,
        truth=truth,
        person=person[at_risk],
        month=t[at_risk],
        treated=t[at_risk] == first[person[at_risk]],
        X=X,
        readiness=readiness,
    )
