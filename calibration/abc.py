"""pyabc's ABC-SMC with amsim's simulations: a batch sampler on amsim's backends, a distance over the targets.

pyabc proposes, weighs, adapts the threshold and keeps each generation in its
database; amsim supplies three parts through pyabc's own seams:

- :class:`BatchSampler` (a ``pyabc.Sampler``) makes a generation's proposals
  in this process, from numpy's generator seeded by (seed, generation), and
  simulates them a batch at a time on any amsim backend (processes or Dask).
  Proposals are judged in the order they were made and the generation stops at
  the n-th acceptance, so the accepted set is the same for any batch size,
  worker count or backend. (pyabc's parallel samplers accept whichever
  particles finish first, which differ from run to run.)
- :class:`AmsimModel` returns a proposal's statistics: those the sampler
  simulated for its batch, or, used with any other sampler, simulated there.
- :class:`TargetDistance`: each statistic's miss, 0 inside an observed
  interval, in units of its spread over a sample from the prior (fixed once
  and saved, so a resumed fit measures as the first did), root-mean-square.

The sampler reads the proposal settings pyabc binds into its simulate
function (``functools.partial`` keywords in pyabc 0.13); pyproject pins the
minor version for this reason. With another callable it falls back to
pyabc's single-core loop.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pyabc
from pyabc.inference_util import evaluate_proposal, generate_valid_proposal
from pyabc.population import Particle, Sample
from pyabc.sampler import Sampler

from calibration.targets import Observation
from model.uncertainty import Distribution

#: A batch holds at least this many proposals (fewer batches, fewer pool start-ups), at most MAX_BATCH.
MIN_BATCH, MAX_BATCH = 16, 2000

#: What a batch of proposals is simulated with: (generation, first proposal's number, proposals) → statistics
#: (proposals × observations).
Simulate = Callable[[int, int, list[dict[str, float]]], np.ndarray]
#: Told after each batch: (generation, accepted, wanted, evaluated)
Progress = Callable[[int, int, int, int], None]


def prior_of(d: Distribution) -> pyabc.RV:
    """A scenario distribution as pyabc's random variable (scipy.stats names, the same parameters)."""
    loc, scale = d.loc or 0.0, d.scale if d.scale is not None else 1.0
    match d.dist:
        case "normal":
            return pyabc.RV("norm", loc, scale)
        case "lognormal":
            return pyabc.RV("lognorm", d.s, loc, scale)
        case "beta":
            return pyabc.RV("beta", d.a, d.b, loc, scale)
        case "gamma":
            return pyabc.RV("gamma", d.a, loc, scale)
        case "uniform":
            return pyabc.RV("uniform", loc, scale)
        case "triangular":
            return pyabc.RV("triang", d.c, loc, scale)
        case "truncnormal":
            return pyabc.RV("truncnorm", (d.lower - loc) / scale, (d.upper - loc) / scale, loc, scale)
    raise ValueError(f"{d.dist}: not a continuous family")


def _key(pars: dict) -> tuple:
    return tuple(sorted((k, float(v)) for k, v in pars.items()))


class AmsimModel(pyabc.Model):
    """A proposal's statistics, by observation key: precomputed for its batch, else simulated here."""

    def __init__(self, simulate: Simulate, keys: list[str]):
        super().__init__(name="amsim")
        self.simulate, self.keys = simulate, keys
        self.ready: dict[tuple, list[np.ndarray]] = {}
        self._own = 0  # proposals simulated here (only with another sampler)

    def sample(self, pars) -> dict[str, float]:
        found = self.ready.get(_key(pars))
        if found:
            stats = found.pop(0)
        else:
            stats = self.simulate(OWN_GENERATION, self._own, [dict(pars)])[0]
            self._own += 1
        return dict(zip(self.keys, map(float, stats), strict=True))


#: The generation number proposals simulated outside the batch sampler are filed under.
OWN_GENERATION = 10_000


@dataclass
class TargetDistance(pyabc.Distance):
    """Root-mean-square of each statistic's miss in units of its spread under the prior; NaN → infinitely far."""

    observations: list[Observation]
    scales: dict[str, float] | None = None  # fixed from the prior sample on the first generation, then saved
    #: told the scales and the prior sample they came from, once (the fit folder keeps both)
    on_scales: Callable[[dict[str, float], Sample], None] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        super().__init__()

    def requires_calibration(self) -> bool:
        return self.scales is None

    def initialize(self, t, get_sample, x_0, total_sims) -> None:
        if self.scales is not None:
            return
        sample = get_sample()
        rows = [[s[o.key] for o in self.observations] for s in sample.all_sum_stats]
        scales = prior_scales(self.observations, rows)
        if self.on_scales is not None:
            self.on_scales(scales, sample)
        self.scales = scales

    def __call__(self, x: dict, x_0: dict, t=None, par=None) -> float:
        assert self.scales is not None
        return miss(self.observations, self.scales, [x[o.key] for o in self.observations])

    def get_config(self) -> dict:
        return {"name": "amsim TargetDistance", "scales": self.scales}


def prior_scales(observations: list[Observation], rows: list[list[float]]) -> dict[str, float]:
    """Each statistic's spread over the prior sample: 1.4826 × its median absolute deviation (the standard
    deviation, were it normal), or where that is 0 (a statistic the prior hardly moves) 5 % of the figure."""
    values = np.array(rows, dtype=float).reshape(len(rows), len(observations))
    out = {}
    for j, o in enumerate(observations):
        v = values[:, j][np.isfinite(values[:, j])]
        mad = 1.4826 * float(np.median(np.abs(v - np.median(v)))) if len(v) else 0.0
        if not mad > 0:
            figure = o.value if o.value is not None else (o.low if o.low is not None else o.high)
            mad = 0.05 * abs(figure) if figure else 1.0
        out[o.key] = mad
    return out


def miss(observations: list[Observation], scales: dict[str, float], x: list[float]) -> float:
    """Root-mean-square miss: (simulated − observed) / scale, 0 inside an observed interval."""
    total = 0.0
    for o, v in zip(observations, x, strict=True):
        if not math.isfinite(v):
            return math.inf
        if o.value is not None:
            d = v - o.value
        elif o.low is not None and v < o.low:
            d = v - o.low
        elif o.high is not None and v > o.high:
            d = v - o.high
        else:
            d = 0.0
        total += (d / scales[o.key]) ** 2
    return math.sqrt(total / len(observations))


def observed(observations: list[Observation]) -> dict[str, float]:
    """pyabc's observed statistics: the figure, or an interval's middle (the distance reads the interval)."""
    out = {}
    for o in observations:
        if o.value is not None:
            out[o.key] = o.value
        else:
            ends = [e for e in (o.low, o.high) if e is not None]
            out[o.key] = sum(ends) / len(ends)
    return out


def generation_seed(seed: int, generation: int) -> np.ndarray:
    """The words numpy's global generator is seeded with for ``generation`` (−1: the prior sample)."""
    return np.random.SeedSequence((seed, generation + 1)).generate_state(4)


class BatchSampler(Sampler):
    """Proposals made here in order, simulated in batches elsewhere; the first n accepted make the generation."""

    def __init__(self, simulate: Simulate, model: AmsimModel, seed: int, progress: Progress | None = None):
        super().__init__()
        self.simulate, self.model, self.seed, self.progress = simulate, model, seed, progress
        self.simulated_ = 0  # proposals simulated in the last generation (≥ those pyabc counts: a batch's tail)

    def sample_until_n_accepted(self, n, simulate_one, t, *, max_eval=np.inf, all_accepted=False, ana_vars=None):
        state = np.random.get_state()
        np.random.seed(generation_seed(self.seed, t))
        try:
            return self._sample(n, simulate_one, t, max_eval, all_accepted)
        finally:
            np.random.set_state(state)

    def _sample(self, n: int, simulate_one, t: int, max_eval: float, all_accepted: bool):
        sample = self._create_empty_sample()
        kw = simulate_one.keywords if isinstance(simulate_one, functools.partial) else None
        evaluated = accepted = 0
        self.simulated_ = 0
        rate = 1.0 if all_accepted else 0.5  # the expected share accepted, for sizing a batch; then what was seen
        while accepted < n and evaluated < max_eval:
            size = int(min(MAX_BATCH, max(MIN_BATCH, math.ceil((n - accepted) / max(rate, 0.01) * 1.1))))
            if math.isfinite(max_eval):
                size = int(min(size, max_eval - evaluated))
            # not pyabc's own function: one at a time, the model simulating each
            particles = [simulate_one() for _ in range(size)] if kw is None else self._batch(kw, size, t, evaluated)
            for particle in particles:
                sample.append(particle)
                evaluated += 1
                accepted += bool(particle.accepted)
                if accepted == n:
                    break
            rate = max(accepted, 1) / evaluated
            if self.progress is not None:
                self.progress(t, accepted, n, evaluated)
        self.nr_evaluations_ = evaluated
        if sample.n_accepted < n:
            sample.ok = False
        return sample

    def _batch(self, kw: dict, size: int, t: int, first: int) -> list[Particle]:
        """``size`` proposals made in order, simulated together, then judged in order by pyabc."""
        from_prior = "transitions" not in kw  # pyabc's prior sample for calibrating the distance and epsilon
        proposals = []
        for _ in range(size):
            if from_prior:
                m = int(kw["model_prior"].rvs())
                proposals.append((m, kw["parameter_priors"][m].rvs()))
            else:
                keys = ("t", "m", "p", "model_prior", "parameter_priors", "model_perturbation_kernel", "transitions")
                proposals.append(generate_valid_proposal(**{k: kw[k] for k in keys}))
        stats = self.simulate(t, first, [dict(theta) for _, theta in proposals])
        self.simulated_ += size
        for (_, theta), s in zip(proposals, stats, strict=True):
            self.model.ready.setdefault(_key(theta), []).append(s)
        try:
            if from_prior:
                return [self._prior_particle(kw, m, theta) for m, theta in proposals]
            keys = ("t", "models", "summary_statistics", "distance_function", "eps", "acceptor", "x_0",
                    "weight_function", "proposal_id")  # fmt: skip
            return [evaluate_proposal(m, theta, **{k: kw[k] for k in keys}) for m, theta in proposals]
        finally:
            self.model.ready.clear()

    @staticmethod
    def _prior_particle(kw: dict, m: int, theta) -> Particle:
        """As pyabc's own prior sample makes it: weight 1, distance to come, accepted."""
        result = kw["models"][m].summary_statistics(0, theta, kw["summary_statistics"])
        return Particle(m=m, parameter=theta, weight=1.0, sum_stat=result.sum_stat, distance=np.inf,
                        accepted=True, proposal_id=0, preliminary=False)  # fmt: skip
