"""The allocation model (fördelningsmodell): places per department and class from targets.

Four methods, each a function of (targets, departments, parameters) to
integer places per department and class (jobs, internships):

- ``dialogue``: Lund today (seed §4): places where departments offer them,
  in proportion to what each can supervise, with no quota, weights or penalty.
- ``malmo``: a flat quota rate × employees, the rate being the target over
  all employees (Malmö: 1 500 jobs = 5.7 % of its employees), whatever a
  department can supervise; missing places cost the department a penalty per
  place and month (see the ledger).
- ``linkoping``: shares by a weighted blend of size and recruitment need,
  capped at what each department can supervise; a budget target, no penalty.
- ``lund``: the integer program that maximises need- and closeness-weighted
  places within each department's supervisor capacity and the totals
  (scipy.optimize.milp), after the dialogue's fixed places.

A department's ``fixed_*`` places (agreed in the dialogue) are honoured by
every method; the rest of the target is shared among the others. Totals are
exact; rounding is by largest remainder.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from model.departments import CLASSES, Department
from model.errors import AmsimError

METHODS: tuple[str, ...] = ("dialogue", "malmo", "linkoping", "lund")

#: reference: Lund seed §3.1 (7 500 SEK per missing place and month, department → social board), facts.md §2
MALMO_PENALTY_SEK = 7500.0
#: assumption: Linköping weighs "size and needs" (Lund seed §3.2) without published weights; equal weights
LINKOPING_SIZE_WEIGHT = 0.5


class AllocationError(AmsimError):
    """A request the departments cannot meet, naming the shortfall per class."""


@dataclass(frozen=True)
class Targets:
    """Places to allocate per class (concurrent places, or starts: the unit is the caller's)."""

    jobs: int
    internships: int

    def of(self, cls: str) -> int:
        return self.jobs if cls == "jobs" else self.internships


@dataclass(frozen=True)
class Allocation:
    """Places per department and class, with the reason for each department's figure."""

    method: str
    departments: tuple[str, ...]
    places: np.ndarray  # (departments, classes) int
    reasons: tuple[str, ...]
    over_capacity: np.ndarray  # (departments, classes) places above what the department can supervise
    parameters: dict = field(default_factory=dict)

    def total(self, cls: str) -> int:
        return int(self.places[:, CLASSES.index(cls)].sum())

    def rows(self) -> list[dict]:
        """One dict per department: places per class, capacity excess and the reason."""
        return [
            {
                "department": d,
                **{c: int(self.places[i, j]) for j, c in enumerate(CLASSES)},
                **{f"over_capacity_{c}": int(self.over_capacity[i, j]) for j, c in enumerate(CLASSES)},
                "reason": self.reasons[i],
            }
            for i, d in enumerate(self.departments)
        ]


def largest_remainder(weights: Sequence[float], total: int, caps: Sequence[float] | None = None) -> np.ndarray:
    """Integers ∝ ``weights`` summing exactly to ``total``, none above its cap.

    Shares above a cap are cut to it and the rest shared again among the
    others (water-filling); the fractions left are given out by largest
    remainder, ties to the earlier entry. Zero total weight among the uncapped
    shares the rest equally among them.
    """
    w = np.asarray(weights, dtype=float)
    n = len(w)
    cap = np.full(n, np.inf) if caps is None else np.asarray(caps, dtype=float)
    if total < 0 or (w < 0).any() or (cap < 0).any():
        raise ValueError("total, weights and caps must be ≥ 0")
    if total > cap.sum():
        raise AllocationError(f"cannot place {total} within caps summing to {cap.sum():g}")
    share = np.zeros(n)
    free = np.ones(n, dtype=bool)
    left = float(total)
    while left > 1e-9 and free.any():
        wf = np.where(free, w, 0.0)
        quota = left * (wf / wf.sum() if wf.sum() > 0 else free / free.sum())
        room = np.where(free, cap - share, 0.0)
        hit = free & (quota >= room - 1e-12)
        if not hit.any():
            share += quota
            break
        share[hit] = cap[hit]
        left = total - share.sum()
        free &= ~hit
    base = np.floor(share + 1e-9).astype(np.int64)
    short = total - int(base.sum())
    frac = np.where(base < cap, share - base, -np.inf)
    order = sorted(range(n), key=lambda i: (-frac[i], i))
    for i in order[:short]:
        base[i] += 1
    return base


def allocate(
    method: str,
    targets: Targets,
    departments: Sequence[Department],
    size_weight: float = LINKOPING_SIZE_WEIGHT,
) -> Allocation:
    """Places per department and class by ``method`` (one of :data:`METHODS`)."""
    if method not in METHODS:
        raise AllocationError(f"unknown method {method!r}; allowed: {', '.join(METHODS)}")
    if not 0 <= size_weight <= 1:
        raise AllocationError(f"size weight must be in [0, 1], got {size_weight:g}")
    deps = tuple(departments)
    _check_feasible(method, targets, deps)
    places = np.zeros((len(deps), len(CLASSES)), dtype=np.int64)
    notes: list[list[str]] = [[] for _ in deps]
    for j, cls in enumerate(CLASSES):
        fixed = np.array([d.fixed(cls) is not None for d in deps])
        for i in np.flatnonzero(fixed):
            places[i, j] = deps[i].fixed(cls)
            notes[i].append(f"{cls}: {places[i, j]} fixed in the dialogue")
        free = np.flatnonzero(~fixed)
        rest = targets.of(cls) - int(places[:, j].sum())
        if method == "dialogue":
            got, why = _dialogue(cls, rest, [deps[i] for i in free])
        elif method == "malmo":
            got, why = _malmo(cls, rest, [deps[i] for i in free])
        elif method == "linkoping":
            got, why = _linkoping(cls, rest, [deps[i] for i in free], size_weight)
        else:  # scores over all departments: the same relative hiring need the engine uses
            got, why = _lund(cls, rest, [deps[i] for i in free], lund_scores(deps)[free])
        for k, i in enumerate(free):
            places[i, j] = got[k]
            notes[i].append(why[k])
    capacity = np.array([[d.capacity(c) for c in CLASSES] for d in deps])
    params = {"size_weight": size_weight} if method == "linkoping" else {}
    if method == "malmo":
        params = {"rate_jobs": _rate(targets.jobs, deps), "penalty_sek_per_place_month": MALMO_PENALTY_SEK}
    return Allocation(
        method,
        tuple(d.name for d in deps),
        places,
        tuple("; ".join(n) for n in notes),
        np.maximum(places - capacity, 0),
        params,
    )


def _rate(total: int, deps: Sequence[Department]) -> float:
    employees = sum(d.employees for d in deps)
    return total / employees if employees else 0.0


def _check_feasible(method: str, targets: Targets, deps: tuple[Department, ...]) -> None:
    """Fixed places within the targets; for the capped methods, capacity for the rest. Names each shortfall."""
    short = []
    for cls in CLASSES:
        target = targets.of(cls)
        if target < 0:
            raise AllocationError(f"{cls}: target must be ≥ 0, got {target}")
        fixed = sum(d.fixed(cls) or 0 for d in deps)
        room = sum(d.capacity(cls) for d in deps if d.fixed(cls) is None)
        free = [d for d in deps if d.fixed(cls) is None]
        if fixed > target:
            short.append(f"{cls}: fixed places {fixed} exceed the target {target}")
        elif method != "malmo" and fixed + room < target:
            short.append(
                f"{cls}: target {target}, supervisor capacity {fixed + room} (fixed {fixed} + {room}): "
                f"short by {target - fixed - room}"
            )
        elif target > fixed and not free:
            short.append(f"{cls}: {target - fixed} places left and every department is fixed")
    if short:
        raise AllocationError("the departments cannot take the targets: " + "; ".join(short))


def _dialogue(cls: str, total: int, deps: list[Department]) -> tuple[np.ndarray, list[str]]:
    caps = [d.capacity(cls) for d in deps]
    got = largest_remainder(caps, total, caps)
    return got, [f"{cls}: offers {c} it can supervise → {g}" for c, g in zip(caps, got, strict=True)]


def _malmo(cls: str, total: int, deps: list[Department]) -> tuple[np.ndarray, list[str]]:
    rate = _rate(total, deps)
    got = largest_remainder([d.employees for d in deps], total)
    why = []
    for d, g in zip(deps, got, strict=True):
        over = " (above its supervisor capacity: penalties likely)" if g > d.capacity(cls) else ""
        why.append(f"{cls}: quota {rate:.2%} × {d.employees} employees = {rate * d.employees:.1f} → {g}{over}")
    return got, why


def _linkoping(cls: str, total: int, deps: list[Department], size_weight: float) -> tuple[np.ndarray, list[str]]:
    emp = np.array([d.employees for d in deps], dtype=float)
    need = np.array([d.recruitment_need for d in deps], dtype=float)
    size_share = emp / emp.sum() if emp.sum() else np.zeros(len(deps))
    need_share = need / need.sum() if need.sum() else np.zeros(len(deps))
    weight = size_weight * size_share + (1 - size_weight) * need_share
    caps = [d.capacity(cls) for d in deps]
    got = largest_remainder(weight, total, caps)
    why = []
    for d, w, s, n, g in zip(deps, weight, size_share, need_share, got, strict=True):
        binds = " (supervisor capacity binds)" if g == d.capacity(cls) and w * total > g else ""
        why.append(f"{cls}: weight {w:.3f} (size {s:.3f}, need {n:.3f}) → {g}{binds}")
    return got, why


#: assumption: a department's hiring chance follows its recruitment need per employee, at most this × the mean
MAX_HIRE_FACTOR = 3.0


def hire_factors(deps: Sequence[Department]) -> np.ndarray:
    """Recruitment need per employee relative to the municipality's (capped): how much more a department hires.

    Used both for the chance of being hired at the end of a job there (the
    engine) and for the value of a place in the ``lund`` method.
    """
    need = np.array([d.recruitment_need for d in deps], dtype=float)
    emp = np.array([d.employees for d in deps], dtype=float)
    mean = need.sum() / emp.sum() if emp.sum() > 0 else 0.0
    rate = np.divide(need, emp, out=np.zeros(len(deps)), where=emp > 0)
    return np.clip(rate / mean, 0.0, MAX_HIRE_FACTOR) if mean > 0 else np.zeros(len(deps))


def lund_scores(deps: Sequence[Department]) -> np.ndarray:
    """Value of one place in each department: closeness to ordinary work × its relative hiring need.

    The expected worth of a place for getting a job afterwards: ordinary
    workplaces help, created tasks do not (IFAU 2021:16), and a department
    with more recruitment need per employee hires more (an assumption).
    """
    return np.array([d.closeness for d in deps]) * hire_factors(deps)


def _lund(cls: str, total: int, deps: list[Department], score: np.ndarray) -> tuple[np.ndarray, list[str]]:
    n = len(deps)
    if n == 0 or total == 0:
        return np.zeros(n, dtype=np.int64), [f"{cls}: none needed" for _ in deps]
    # a tiny preference for earlier rows makes the optimum unique among equal scores (deterministic output)
    tie = 1e-9 * np.arange(n, 0, -1)
    caps = np.array([d.capacity(cls) for d in deps], dtype=float)
    from scipy.optimize import Bounds, LinearConstraint, milp  # here: half a second to import, needed only here

    res = milp(
        c=-(score + tie),
        constraints=[LinearConstraint(np.ones((1, n)), total, total)],
        integrality=np.ones(n),
        bounds=Bounds(np.zeros(n), caps),
    )
    if not res.success:  # feasibility was checked: this is a solver failure
        raise AllocationError(f"{cls}: the integer program failed: {res.message}")
    got = np.rint(res.x).astype(np.int64)
    why = []
    for d, s, g in zip(deps, score, got, strict=True):
        if g == d.capacity(cls) and g > 0:
            state = f"supervisor capacity {d.capacity(cls)} binds"
        elif g == 0:
            state = "lower score than the departments chosen" if d.capacity(cls) else "no supervisor capacity"
        else:
            state = "takes the rest of the target"
        why.append(f"{cls}: score {s:.3f} → {g} ({state})")
    return got, why
