"""Department places over the horizon: what the allocation gives each department, and what is open.

The scenario's places per class (jobs, internships) in each month are shared
among departments by the allocation method; each department's places then
open gradually over a lead time (places take time to create: Lund 2021
filled 68 of 340 jobs), and no new placement starts in its closed months.
The department also shapes outcomes: its closeness to ordinary work is the
chance that a job there is an ordinary workplace, and its recruitment need
scales the chance of being hired at the end (IFAU 2021:16).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.allocation import Allocation, AllocationError, Targets, allocate, hire_factors
from model.calendar import Calendar
from model.departments import CLASSES, Department, load_departments
from model.errors import InputError, Problem
from model.scenario import AllocationSpec


@dataclass(frozen=True)
class DepartmentPlaces:
    names: tuple[str, ...]
    target: np.ndarray  # (D, classes, T) int: places allocated to each department in each month
    open: np.ndarray  # (D, classes, T) int: places open (created), ≤ target and ≤ supervisor capacity
    supervisable: np.ndarray  # (D, classes, T) int: what the department can supervise, less trainees it takes
    accepts: np.ndarray  # (D, T) bool: new placements may start (not a closed month)
    ordinary: np.ndarray  # (D,): chance that a job there is an ordinary workplace (its closeness)
    hire_factor: np.ndarray  # (D,): multiplier on the hiring probability at the end of a job
    allocations: dict[tuple[int, int], Allocation]  # by (jobs, internships) allocated
    penalty: float  # SEK per missing place and month, department → social board
    method: str

    @property
    def n(self) -> int:
        return len(self.names)


@dataclass(frozen=True)
class _Plan:
    """What the allocation and the departments' capacity give, before the places open over the lead times."""

    names: tuple[str, ...]
    target: np.ndarray
    created: np.ndarray  # (D, classes, T): places the departments create (within what they can supervise)
    supervisable: np.ndarray
    accepts: np.ndarray
    ordinary: np.ndarray
    hire_factor: np.ndarray
    allocations: dict[tuple[int, int], Allocation]


def department_places(
    spec: AllocationSpec,
    class_places: np.ndarray,
    cal: Calendar,
    file: str = "<scenario>",
    plans: dict | None = None,
    departments: tuple[Department, ...] | None = None,
) -> DepartmentPlaces:
    """Allocate ``class_places`` ((classes, T) places per month) among the departments of ``spec``.

    ``plans`` memoises the allocation (reading the table, allocating, capacities) across calls that differ
    only in lead times or penalty, e.g. replications that draw the lead times. ``departments`` is the table
    as read already (else it is read from ``spec.departments``): a worker on another machine has no file.
    """
    key = (
        spec.model_dump_json(exclude={"lead_time_months", "penalty_per_missing_place_month"}),
        class_places.tobytes(),
        cal,
    )
    plan = plans.get(key) if plans is not None else None
    if plan is None:
        plan = _plan(spec, class_places, cal, file, departments)
        if plans is not None:
            plans[key] = plan
    lead = (spec.lead_time_months.jobs, spec.lead_time_months.internships)
    return DepartmentPlaces(
        names=plan.names,
        target=plan.target,
        open=_opened(plan.created, lead),
        supervisable=plan.supervisable,
        accepts=plan.accepts,
        ordinary=plan.ordinary,
        hire_factor=plan.hire_factor,
        allocations=plan.allocations,
        penalty=spec.penalty_per_missing_place_month,
        method=spec.method,
    )


def _plan(
    spec: AllocationSpec, class_places: np.ndarray, cal: Calendar, file: str, deps: tuple[Department, ...] | None
) -> _Plan:
    if deps is None:
        deps = load_departments(spec.departments)
    T = cal.n_months
    allocations: dict[tuple[int, int], Allocation] = {}
    target = np.zeros((len(deps), len(CLASSES), T), dtype=np.int64)
    for m in range(T):
        key = (int(class_places[0, m]), int(class_places[1, m]))
        if key not in allocations:
            try:
                allocations[key] = allocate(spec.method, Targets(*key), deps, size_weight=spec.size_weight)
            except AllocationError as err:
                raise InputError([Problem(file, "programme.allocation", f"{cal.month(m)}: {err}")]) from None
        target[:, :, m] = allocations[key].places
    # a department creates at most the places it can supervise (less the supervisors its other trainees and, in
    # summer, its feriepraktik take): a quota above that stays missing (and penalised); in a year with a created
    # share below 1 (effort elsewhere) it creates only that share of its places
    months = [ym.month for ym in cal.months()]
    supervisable = np.array([[[d.capacity(c, mo) for mo in months] for c in CLASSES] for d in deps], dtype=np.int64)
    years = cal.year_of_month()
    share = np.array([[spec.created_share.get(c, {}).get(y, 1.0) for y in years] for c in CLASSES])[None, :, :]
    created = np.minimum(np.floor(target * share + 1e-9).astype(np.int64), supervisable)
    return _Plan(
        names=tuple(d.name for d in deps),
        target=target,
        created=created,
        supervisable=supervisable,
        accepts=np.array([[ym.month not in d.closed_months for ym in cal.months()] for d in deps], dtype=bool),
        ordinary=np.array([d.closeness for d in deps]),
        hire_factor=hire_factors(deps),
        allocations=allocations,
    )


def _opened(target: np.ndarray, lead: tuple[float, float]) -> np.ndarray:
    """Places open: a linear ramp over the lead time from the month a department first gets places."""
    T = target.shape[2]
    given = target > 0
    since = np.arange(T)[None, None, :] - given.argmax(axis=2)[:, :, None] + 1  # from each first month with places
    lead_c = np.asarray(lead, dtype=np.float64)[None, :, None]
    # a lead time up to a month opens everything in the first month (and avoids dividing by ~0)
    share = np.where(lead_c <= 1, 1.0, np.clip(since / np.where(lead_c <= 1, 1.0, lead_c), 0.0, 1.0))
    opened = np.floor(target * share + 1e-9).astype(np.int64)
    return np.where(given.any(axis=2)[:, :, None], opened, 0)
