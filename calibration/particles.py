"""What a calibration fits, and how a batch of proposed values is simulated on any backend.

A proposal (a particle) sets the fitted values; the scenario's other uncertain
values are drawn as in a run, so the fit integrates over them. Each proposal
runs on replications of its own, numbered by (generation, proposal, replication)
alone: fresh random numbers for every proposal, as ABC needs (a likelihood-free
comparison with one observed history), and the same numbers whatever backend,
worker count or batch size runs them — so a calibration is reproducible.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from calibration.statistics import Tables, ledger_rows, values
from calibration.targets import Observation, Targets, check_within
from model.backends import Backend
from model.calendar import Calendar
from model.engines import DEFAULT_ENGINE
from model.errors import InputError, Problem
from model.montecarlo import run_replications
from model.outcomes import RepTables, annual_frame, ledger_frame, monthly_frame
from model.params import Params, Resolver
from model.scenario import is_number_at
from model.uncertainty import Distribution

#: Proposals a generation may make: replication numbers of different generations never meet below this.
PROPOSALS_PER_GENERATION = 10_000_000


@dataclass(frozen=True)
class FitParameter:
    """A scenario value to fit, and its prior: the distribution the scenario gives it."""

    path: str
    prior: Distribution


def fit_parameters(sc_distributions: dict[str, Distribution], is_value: Callable[[str], bool], paths: list[str],
                   file: str) -> list[FitParameter]:  # fmt: skip
    """The values ``--params`` names, each with its prior; problems name the scenario file and the path."""
    problems = []
    seen: set[str] = set()
    for path in paths:
        d = sc_distributions.get(path)
        if path in seen:
            problems.append(Problem("--params", path, "named twice"))
        elif d is None and not is_value(path):
            problems.append(Problem("--params", path, f"not a value of the scenario {file}"))
        elif d is None:
            problems.append(
                Problem(file, path, "a number here: give it a distribution in the scenario, its prior for the fit")
            )
        elif d.point or d.dist == "discrete":
            why = "a point (scale 0)" if d.point else "discrete"
            problems.append(Problem(file, path, f"its distribution is {why}: a fit needs a continuous prior"))
        seen.add(path)
    if not paths:
        problems.append(Problem("--params", "", "name at least one value to fit, e.g. population.inflow_per_month"))
    if problems:
        raise InputError(problems)
    return [FitParameter(p, sc_distributions[p]) for p in paths]


def fit_observations(targets: Targets, calendar: Calendar, file: str) -> list[Observation]:
    """The target file's rows to fit (``fit`` true), every one inside the scenario's months."""
    rows = [o for o in targets.observations if o.fit]
    if not rows:
        raise InputError([Problem(file, "observations", "no row has fit: true; nothing to fit to")])
    check_within(targets, calendar, file, [o.key for o in rows])
    return rows


@dataclass
class Particles:
    """Replications of proposed values, for a backend: replication ``2 × (k × proposal + j)`` (plus the
    generation's offset) is the ``j``-th of its proposal. Even numbers only: each replication draws the
    scenario's other uncertain values of its own (model.params.parameter_set pairs 2m and 2m + 1)."""

    resolver: Resolver
    proposals: list[dict[str, float]]
    per_proposal: int
    first: int  # the first replication's number

    def reps(self) -> list[int]:
        return [self.first + 2 * i for i in range(len(self.proposals) * self.per_proposal)]

    def for_replication(self, rep: int) -> Params:
        proposal = (rep - self.first) // (2 * self.per_proposal)
        return self.resolver.for_values(rep, self.proposals[proposal])


def first_replication(generation: int, proposal: int, per_proposal: int) -> int:
    """The first replication of ``proposal`` in ``generation`` (−1: the prior sample some fits begin with)."""
    return 2 * per_proposal * ((generation + 1) * PROPOSALS_PER_GENERATION + proposal)


def tables_of(p: Params, results: list[RepTables], rows: list[Observation]) -> Tables:
    """The statistics' tables of replications held in memory (a calibration's batch), numbered 0, 1, … in
    their order (a proposal's replication numbers are far beyond what a run's tables hold)."""
    results = [replace(t, rep=i) for i, t in enumerate(results)]
    monthly = monthly_frame(p, results)
    participants = np.stack([t.participants for t in results]) if results else None
    return Tables(
        np.array([t.rep for t in results]), monthly, ledger_rows(ledger_frame(p, results), rows),
        annual_frame(p, monthly), participants,
    )  # fmt: skip


@dataclass
class Simulator:
    """Simulates proposals and returns the fitted statistics of each: the mean over its replications."""

    resolver: Resolver
    observations: list[Observation]
    per_proposal: int = 1
    engine: str = DEFAULT_ENGINE
    backend: Backend | None = None
    workers: int = 1

    def __call__(self, generation: int, first_proposal: int, proposals: list[dict[str, float]]) -> np.ndarray:
        """(proposals × observations): proposal ``i`` is number ``first_proposal + i`` of ``generation``."""
        if not proposals:
            return np.empty((0, len(self.observations)))
        first = first_replication(generation, first_proposal, self.per_proposal)
        batch = Particles(self.resolver, proposals, self.per_proposal, first)
        results = run_replications(batch, batch.reps(), self.workers, self.engine, self.backend)
        tables = tables_of(self.resolver.central, results, self.observations)
        per_rep = np.column_stack([values(o, tables) for o in self.observations])
        per_rep = per_rep.reshape(len(proposals), self.per_proposal, len(self.observations))
        with np.errstate(invalid="ignore"):
            return per_rep.mean(axis=1)


def is_value_of(sc) -> Callable[[str], bool]:
    return lambda path: is_number_at(sc, path)
