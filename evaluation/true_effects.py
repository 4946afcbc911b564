"""The true effect of a first place on its participants, from the paired counterfactual.

amsim knows each participant's life without the programme (common random
numbers), so the average effect on the treated is a mean of differences, not
an estimate: the outcome k months after the first start with the programme
minus the same month without it. Participants are those the evaluation
compares (:mod:`evaluation.design`): a first place starting in a month the
household entered on benefit, after the register's first month. This is what
published effects (IFAU 2021:16: employment k months after the start, by
workplace and age) are set against when solving for the model's parameters.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from evaluation.design import OUTCOMES, TYPES
from model.params import Params
from model.register import BENEFIT, WORKPLACES, age_in_month, arm_months
from model.simulate import RepResult
from model.states import State

INTERNSHIP_STARTED = int(State.INTERNSHIP) + 1  # arm_months codes a start as the state + 1
CREATED = WORKPLACES.index("created")  # arm_months' workplace code (the register's categories)


@dataclass(frozen=True)
class Participants:
    """One replication's participants: the month of the first start, its type, the age then, and each outcome's
    difference with the programme minus without it by month since the start (k = 0 … T − 1; NaN past the
    horizon)."""

    start: np.ndarray
    kind: np.ndarray  # index in TYPES
    age: np.ndarray
    difference: dict[str, np.ndarray]  # outcome → (participants, T)


def participants(p: Params, r: RepResult) -> Participants:
    """The participants of replication ``r`` and their outcome differences (both arms' outcomes from its visits)."""
    pop, T = r.population, p.n_months
    prog = arm_months(p, pop, r.arms["programme"].visits)
    cf = arm_months(p, pop, r.arms["counterfactual"].visits)
    placed = prog.started > 0
    ever = placed.any(axis=1)
    start = np.where(ever, placed.argmax(axis=1), -1)
    hh = np.flatnonzero(ever & (start > 0))
    s = start[hh]
    hh, s = hh[prog.status[hh, s] == BENEFIT], s[prog.status[hh, s] == BENEFIT]
    internship, ordinary, created = (TYPES.index(g) for g in ("internship", "ordinary", "created"))
    kind = np.where(
        prog.started[hh, s] == INTERNSHIP_STARTED, internship, np.where(prog.wp[hh, s] == CREATED, created, ordinary)
    )
    cols = s[:, None] + np.arange(T)[None, :]
    inside = cols < T
    cols = np.minimum(cols, T - 1)
    difference = {}
    for name in OUTCOMES:
        d = prog.outcome(name)[hh[:, None], cols].astype(float) - cf.outcome(name)[hh[:, None], cols]
        difference[name] = np.where(inside, d, np.nan)
    return Participants(start=s, kind=kind, age=age_in_month(pop, hh, s.astype(float)), difference=difference)


@dataclass(frozen=True)
class Selection:
    """Whose effect, on what, when: a first place's type (or all), an outcome, months since the start (the
    mean over ``first`` … ``last``), and an age band at the start (years, ``ages[0]`` ≤ age < ``ages[1]``)."""

    group: str
    outcome: str
    first: int
    last: int
    ages: tuple[float, float] | None = None

    def __post_init__(self) -> None:
        if self.group not in ("all", *TYPES):
            raise ValueError(f"group {self.group!r}: allowed values are all, {', '.join(TYPES)}")
        if self.outcome not in OUTCOMES:
            raise ValueError(f"outcome {self.outcome!r}: allowed values are {', '.join(OUTCOMES)}")
        if not 0 <= self.first <= self.last:
            raise ValueError(f"months {self.first}–{self.last}: give 0 ≤ first ≤ last")


def effect_sum(pt: Participants, sel: Selection) -> tuple[float, int]:
    """The sum over the selected participants of their mean difference in the selected months, and how many
    there are (participants whose months reach past the horizon are left out)."""
    who = np.ones(len(pt.start), dtype=bool) if sel.group == "all" else pt.kind == TYPES.index(sel.group)
    if sel.ages is not None:
        who &= (pt.age >= sel.ages[0]) & (pt.age < sel.ages[1])
    d = pt.difference[sel.outcome][who]
    if sel.last >= d.shape[1]:
        return 0.0, 0
    window = d[:, sel.first : sel.last + 1].mean(axis=1)
    window = window[~np.isnan(window)]
    return float(window.sum()), len(window)
