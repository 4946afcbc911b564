"""From published effects to the model's parameters: the post-programme multipliers that give them.

Evaluations publish effects in percentage points (IFAU 2021:16: ordinary
workplaces raised employment, by up to 10 pp three years on for young
participants; created workplaces lowered it). The model's parameters are
multipliers on the work exit after a place, by type. The solver finds, for
each target, the multiplier of that place type whose true effect (the paired
counterfactual, :mod:`evaluation.true_effects`) equals the target, averaged
over a fixed set of replications. The replications are the same at every
trial value (common random numbers), so the effect is a deterministic function
of the multipliers and a bracketing root finder (Brent) converges; several
targets are solved in turn until all hold together.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import brentq

from evaluation.design import OUTCOMES, TYPES
from evaluation.true_effects import Selection, effect_sum, participants
from model.engines import DEFAULT_ENGINE
from model.errors import AmsimError
from model.params import Resolver
from model.simulate import simulate

MULTIPLIER = "effects.post_programme_multiplier"
#: Multipliers tried: from no work exits after a place (0) to five times as many.
BOUNDS = (0.0, 5.0)
#: How close, in percentage points, the effects must come to their targets.
TOLERANCE_PP = 0.2
#: Rounds of solving the targets in turn (each target's multiplier moves the others' effects a little).
ROUNDS = 4


@dataclass(frozen=True)
class Target:
    """A published effect: a selection (type of first place, outcome, months since start, ages) and its value
    in percentage points, with an optional half-width (e.g. a 95 % interval's) that gives a range."""

    selection: Selection
    value: float
    half_width: float = 0.0
    text: str = ""

    @property
    def group(self) -> str:
        return self.selection.group


_TARGET = re.compile(
    r"^\s*(?P<group>[a-z]+):(?P<outcome>[a-z]+):(?P<k0>\d+)(?:-(?P<k1>\d+))?"
    r"(?::(?P<a0>\d+(?:\.\d+)?)-(?P<a1>\d+(?:\.\d+)?))?"
    r"\s*=\s*(?P<value>[+-]?\d+(?:\.\d+)?)\s*(?:(?:±|\+-|\+/-)\s*(?P<half>\d+(?:\.\d+)?))?\s*$"
)
TARGET_FORM = "TYPE:OUTCOME:MONTHS[:AGES]=PP[±PP], e.g. ordinary:work:36:18-25=+10±3 (ages from 18 to under 25)"


def parse_target(text: str) -> Target:
    """``ordinary:work:36=+10``, ``created:benefit:13-36=-4±2`` or ``ordinary:work:36:18-25=10`` → a target."""
    m = _TARGET.match(text)
    if m is None:
        raise AmsimError(f"--target {text}: give {TARGET_FORM}")
    group, outcome = m["group"], m["outcome"]
    if group not in TYPES:
        raise AmsimError(f"--target {text}: type {group!r}: allowed values are {', '.join(TYPES)}")
    if outcome not in OUTCOMES:
        raise AmsimError(f"--target {text}: outcome {outcome!r}: allowed values are {', '.join(OUTCOMES)}")
    k0 = int(m["k0"])
    k1 = int(m["k1"]) if m["k1"] else k0
    if k1 < k0:
        raise AmsimError(f"--target {text}: months {k0}-{k1}: the first must not be after the last")
    ages = (float(m["a0"]), float(m["a1"])) if m["a0"] else None
    if ages is not None and ages[1] <= ages[0]:
        raise AmsimError(f"--target {text}: ages {m['a0']}-{m['a1']}: the lower age must be below the upper")
    sel = Selection(group, outcome, k0, k1, ages)
    return Target(sel, float(m["value"]), float(m["half"] or 0.0), text.strip())


@dataclass(frozen=True)
class Reached:
    """A target's true effect at some multipliers: the mean over participants (pp), its Monte Carlo standard
    error (the spread over replications), and the number of participants."""

    effect: float
    se: float
    participants: int


class EffectModel:
    """The true effects of the targets' selections as a function of the post-programme multipliers, over a fixed
    set of replications of a scenario (each replication's other uncertain values drawn as in a run)."""

    def __init__(self, resolver: Resolver, reps: list[int], engine: str = DEFAULT_ENGINE,
                 on_trial: Callable[[dict[str, float]], None] | None = None):  # fmt: skip
        self.resolver, self.reps, self.engine, self.on_trial = resolver, reps, engine, on_trial
        self.trials = 0  # simulations of the replications (a value asked for again is not simulated again)
        self._known: dict[tuple, tuple[np.ndarray, np.ndarray]] = {}

    def central(self) -> dict[str, float]:
        """The scenario's central multipliers (where the solver starts)."""
        return dict(zip(TYPES, self.resolver.central.post_multiplier, strict=True))

    def effects(self, multipliers: dict[str, float], selections: list[Selection]) -> list[Reached]:
        """Each selection's true effect with ``multipliers`` in place of the scenario's."""
        key = tuple(sorted((g, float(m)) for g, m in multipliers.items()))
        if any((key, sel) not in self._known for sel in selections):
            self.trials += 1
            values = {f"{MULTIPLIER}.{g}": m for g, m in key}
            sums = np.zeros((len(self.reps), len(selections)))
            counts = np.zeros((len(self.reps), len(selections)))
            for i, rep in enumerate(self.reps):
                p = self.resolver.for_values(rep, values)
                pt = participants(p, simulate(p, rep, engine_name=self.engine))
                for j, sel in enumerate(selections):
                    sums[i, j], counts[i, j] = effect_sum(pt, sel)
            for j, sel in enumerate(selections):
                self._known[(key, sel)] = (sums[:, j], counts[:, j])
            if self.on_trial is not None:
                self.on_trial(multipliers)
        return [_reached(*self._known[(key, sel)]) for sel in selections]


def _reached(sums: np.ndarray, counts: np.ndarray) -> Reached:
    n = int(counts.sum())
    if n == 0:
        return Reached(math.nan, math.nan, 0)
    mean = sums.sum() / n
    # ratio estimator over replications: its spread from the replications' residuals
    R = len(sums)
    se = math.sqrt(((sums - mean * counts) ** 2).sum() * R / (R - 1)) / n if R > 1 else math.nan
    return Reached(100 * mean, 100 * se, n)


@dataclass(frozen=True)
class Solved:
    """One target's multiplier, the effect it reaches, and (for a target with a half-width) the multipliers that
    give its ends; ``slope`` is pp per unit of multiplier there, so ``se / slope`` is the multiplier's Monte
    Carlo uncertainty."""

    target: Target
    multiplier: float
    reached: Reached
    slope: float
    range: tuple[float, float] | None = None

    @property
    def multiplier_se(self) -> float:
        return abs(self.reached.se / self.slope) if self.slope else math.inf


@dataclass
class Solution:
    """Every target solved together: the multipliers, each target's result, and the work it took."""

    multipliers: dict[str, float]
    solved: list[Solved] = field(default_factory=list)
    trials: int = 0
    rounds: int = 0


def solve(model: EffectModel, targets: list[Target], tolerance: float = TOLERANCE_PP) -> Solution:
    """The multipliers that give every target (one target per place type), then the ranges of targets given
    with a half-width (each end solved with the other multipliers at their solution)."""
    if not targets:
        raise AmsimError("give at least one --target")
    groups = [t.group for t in targets]
    twice = sorted({g for g in groups if groups.count(g) > 1})
    if twice:
        raise AmsimError(f"one target per place type (each sets its own multiplier); {', '.join(twice)} has more")
    multipliers = model.central()
    sels = [t.selection for t in targets]
    rounds = 0
    for _ in range(ROUNDS):
        rounds += 1
        for t in targets:
            multipliers[t.group] = _root(model, multipliers, t, t.value)
        reached = model.effects(multipliers, sels)
        if all(abs(r.effect - t.value) <= tolerance for r, t in zip(reached, targets, strict=True)):
            break
    solution = Solution(dict(multipliers), rounds=rounds)
    for t, r in zip(targets, reached, strict=True):
        if not abs(r.effect - t.value) <= tolerance:
            raise AmsimError(
                f"--target {t.text}: reached {r.effect:+.2f} pp after {ROUNDS} rounds (the targets pull against "
                "each other: give fewer, or more replications)"
            )
        slope = _slope(model, multipliers, t)
        ends = None
        if t.half_width > 0:
            lo = _root(model, multipliers, t, t.value - t.half_width)
            hi = _root(model, multipliers, t, t.value + t.half_width)
            ends = (min(lo, hi), max(lo, hi))
        solution.solved.append(Solved(t, multipliers[t.group], r, slope, ends))
    solution.trials = model.trials
    return solution


def _effect_at(model: EffectModel, multipliers: dict[str, float], t: Target, m: float) -> Reached:
    return model.effects({**multipliers, t.group: m}, [t.selection])[0]


def _root(model: EffectModel, multipliers: dict[str, float], t: Target, value: float) -> float:
    """The multiplier of ``t``'s type at which its effect is ``value`` (the others held)."""
    lo, hi = BOUNDS
    f_lo = _effect_at(model, multipliers, t, lo)
    f_hi = _effect_at(model, multipliers, t, hi)
    if f_lo.participants == 0:
        raise AmsimError(f"--target {t.text}: no participants in the selection (another type, months or ages?)")
    if not min(f_lo.effect, f_hi.effect) <= value <= max(f_lo.effect, f_hi.effect):
        raise AmsimError(
            f"--target {t.text}: {value:+.1f} pp is out of reach: multipliers {lo:g}–{hi:g} give "
            f"{f_lo.effect:+.1f} to {f_hi.effect:+.1f} pp in this scenario"
        )
    if f_lo.effect == value:
        return lo
    if f_hi.effect == value:
        return hi
    return float(brentq(lambda m: _effect_at(model, multipliers, t, m).effect - value, lo, hi, xtol=1e-4, rtol=1e-6))


def _slope(model: EffectModel, multipliers: dict[str, float], t: Target, h: float = 0.05) -> float:
    """pp per unit of the multiplier around the solution (a central difference)."""
    m = multipliers[t.group]
    lo, hi = max(m - h, BOUNDS[0]), m + h
    return (_effect_at(model, multipliers, t, hi).effect - _effect_at(model, multipliers, t, lo).effect) / (hi - lo)
