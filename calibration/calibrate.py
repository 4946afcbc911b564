"""A calibration from start to posterior: ABC-SMC generation by generation, each a checkpoint.

The fit folder is written as ``<out>.partial`` under a lock and renamed when
done, like a run folder. pyabc's database in it holds every finished
generation. Each generation is run by a fresh ABC-SMC loaded from that
database — exactly what a resume does — so an interrupted fit, run again with
the same command, goes on from its last finished generation and ends with the
same posterior as one never interrupted. A folder holding a fit of other
inputs (scenario, targets, values, settings, code) is refused, never mixed.

Written when done: ``posterior.csv`` (one row per particle of the last
generation, one column per fitted value, and ``weight``: what a scenario's
``posterior:`` reads), ``fit.json`` (observed figures against the prior's and
the posterior's predictive bands, each value's prior and posterior, and each
generation's threshold, acceptance, effective sample size and wall time) and
``prior_sample.parquet`` (the prior sample the distance was scaled by).
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from calibration.checks import within_band
from calibration.particles import FitParameter, Simulator
from calibration.statistics import band, year_band
from calibration.targets import STATISTICS, Observation
from model.backends import Backend, on_this_machine
from model.errors import AmsimError
from model.folderlock import hold_staging
from model.params import Resolver
from model.runfolder import input_digests, mismatch
from model.scenario import Scenario
from model.uncertainty import weighted_quantile

#: Generation numbers of simulations that are not proposals: the posterior's predictive check
CHECK_GENERATION = 20_000
#: Files of a fit folder
DB, SCALES, PRIOR, GENERATIONS, POSTERIOR, FIT, STAMP, LOCK, STOPPED = (
    "abc.db", "scales.json", "prior_sample.parquet", "generations.jsonl", "posterior.csv", "fit.json",
    "fingerprint.json", ".lock", "stopped.json",
)  # fmt: skip


@dataclass(frozen=True)
class Settings:
    """How the fit runs; every one is part of what a resume must match."""

    population: int = 200  # particles a generation keeps
    generations: int = 8  # at most
    per_proposal: int = 1  # replications each proposal is simulated on (their mean is compared)
    min_acceptance: float = 0.02  # stop when fewer proposals than this are accepted
    check_draws: int = 200  # posterior rows simulated for the predictive check
    seed: int = 0
    engine: str = "fast"


@dataclass(frozen=True)
class Request:
    scenario: Scenario
    scenario_file: str
    targets_file: Path
    parameters: list[FitParameter]
    fitted: list[Observation]  # the rows fitted to
    checked: list[Observation]  # every row inside the scenario's months (the predictive check shows them all)
    settings: Settings
    out: Path
    backend: Backend | None
    workers: int


@dataclass(frozen=True)
class Outcome:
    out: Path
    fit: dict
    resumed_generations: int


Progress = Callable[[str, int, int], None]  # (what, done, total)
Writer = Callable[[Path], object]  # writes an output into the finished fit folder


def fingerprint(req: Request) -> dict[str, str]:
    parts = input_digests(req.scenario, req.scenario_file, req.settings.seed, False, req.settings.engine)
    parts |= {
        "targets file": hashlib.sha256(req.targets_file.read_bytes()).hexdigest(),
        "fitted values": ",".join(f.path for f in req.parameters),
        "fitted rows": ",".join(o.key for o in req.fitted),
        "settings": json.dumps(asdict(req.settings), sort_keys=True),
    }
    return parts


def calibrate(req: Request, progress: Progress | None = None, writers: Sequence[Writer] = ()) -> Outcome:
    """Fit ``req.parameters`` to ``req.fitted``; resume ``<out>.partial`` if it holds this fit, unfinished.

    ``writers`` write outputs (the fit report) into the folder before it is renamed: the caller's, so this
    module knows nothing of them.
    """
    out = req.out
    staging, lock = hold_staging(out, LOCK, "calibration")
    try:
        mine = fingerprint(req)
        _check_resumable(staging, mine)
        _write_json(staging / STAMP, mine)
        with (req.backend or on_this_machine(req.workers)).session():  # a Dask cluster kept for every batch
            resumed, fit = _fit(req, staging, progress)
        fit["resumed_generations"] = resumed
        _write_json(staging / FIT, fit)
        for write in writers:
            write(staging)
        (staging / STAMP).unlink()
        lock.release()
        (staging / LOCK).unlink(missing_ok=True)
        os.replace(staging, out)
    finally:
        lock.release()
    return Outcome(out, fit, resumed)


def _check_resumable(staging: Path, mine: dict[str, str]) -> None:
    if any(f.name != LOCK for f in staging.iterdir()):
        why = mismatch(staging, mine)
        if why is not None:
            raise AmsimError(
                f"{staging}: an unfinished calibration is there that this one cannot resume: {why}. "
                "Remove the folder to start afresh, or choose another --out"
            )


def _fit(req: Request, folder: Path, progress: Progress | None) -> tuple[int, dict]:
    import pyabc

    from calibration.abc import AmsimModel, BatchSampler, TargetDistance, observed, prior_of

    logging.getLogger("ABC").setLevel(logging.WARNING)  # amsim shows its own progress
    s = req.settings
    resolver = Resolver(req.scenario, file=req.scenario_file)
    simulate = Simulator(resolver, req.fitted, s.per_proposal, s.engine, req.backend, req.workers)
    keys = [o.key for o in req.fitted]
    db = f"sqlite:///{(folder / DB).resolve()}"
    prior = pyabc.Distribution(**{f.path: prior_of(f.prior) for f in req.parameters})
    finished = _finished_generations(folder, db)
    if finished == 0:  # nothing to resume: whatever a first generation left is begun again
        for name in (DB, SCALES, PRIOR, GENERATIONS, STOPPED):
            (folder / name).unlink(missing_ok=True)
    log = _generations(folder)[:finished]
    if len(log) < finished:  # a generation the database has and the log lost to a crash: from the database
        history = pyabc.History(db)
        for g in range(len(log), finished):
            record = _record(history, g)
            _log(folder, record)
            log.append(record)
    resumed = finished
    started = time.perf_counter()

    def shown(t: int, accepted: int, wanted: int, evaluated: int) -> None:
        if progress is not None:
            what = "prior sample" if t < 0 else f"generation {t + 1}/{s.generations}"
            progress(f"{what}, {evaluated} simulated; accepted", accepted, wanted)

    def keep_prior(scales: dict[str, float], sample) -> None:
        rows = [dict(p.parameter) | {f"stat:{k}": p.sum_stat[k] for k in keys} for p in sample.all_particles]
        pd.DataFrame(rows).to_parquet(folder / PRIOR, index=False)
        _write_json(folder / SCALES, scales)  # last: with it, the prior sample is never taken again

    for g in range(finished, s.generations):
        if (folder / STOPPED).exists():
            break
        begun = time.perf_counter()
        scales = json.loads((folder / SCALES).read_text(encoding="utf-8")) if (folder / SCALES).exists() else None
        model = AmsimModel(simulate, keys)
        sampler = BatchSampler(simulate, model, s.seed, shown)
        abc = pyabc.ABCSMC(
            model, prior, TargetDistance(req.fitted, scales, keep_prior), population_size=s.population,
            sampler=sampler, transitions=pyabc.MultivariateNormalTransition(), eps=pyabc.QuantileEpsilon(alpha=0.5),
        )  # fmt: skip
        if g == 0:
            abc.new(db, observed(req.fitted))
        else:
            abc.load(db, 1)
        history = abc.run(max_nr_populations=1, min_acceptance_rate=s.min_acceptance)
        if history.max_t < g:  # too few accepted within the evaluations allowed
            _write_json(folder / STOPPED, {"generation": g, "why": "min_acceptance"})
            break
        record = _record(history, g) | {"simulated": sampler.simulated_, "wall_seconds": time.perf_counter() - begun}
        _log(folder, record)
        log.append(record)

    history = pyabc.History(db)
    if history.max_t < 0:
        raise AmsimError("the calibration accepted no generation: widen the priors or the targets")
    frame, w = history.get_distribution(0, history.max_t)
    paths = [f.path for f in req.parameters]
    posterior = frame[paths].reset_index(drop=True)
    posterior["weight"] = w / w.sum()
    _write_csv(folder / POSTERIOR, posterior)
    check = _predictive_check(req, resolver, posterior)
    return resumed, _fit_summary(req, folder, log, posterior, check, time.perf_counter() - started)


def _finished_generations(folder: Path, db: str) -> int:
    """Generations pyabc's database holds (0 without one): where a resume goes on."""
    if not (folder / DB).exists():
        return 0
    import pyabc

    try:
        return max(0, pyabc.History(db, create=False).max_t + 1)
    except Exception:
        return 0


def _record(history, g: int) -> dict:
    """Generation ``g`` as pyabc's database has it (the simulations and wall time are amsim's own record)."""
    import pyabc

    pops = history.get_all_populations()
    row = pops[pops["t"] == g].iloc[0]
    _, w = history.get_distribution(0, g)
    return {
        "generation": g,
        "epsilon": float(row["epsilon"]),
        "evaluated": int(row["samples"]),
        "accepted": int(row["particles"]),
        "acceptance": float(row["particles"]) / float(row["samples"]),
        "ess": float(pyabc.weighted_statistics.effective_sample_size(w)),
        "simulated": None,
        "wall_seconds": None,
    }


def _log(folder: Path, record: dict) -> None:
    with open(folder / GENERATIONS, "a", encoding="utf-8") as f:
        f.write(json.dumps(record) + "\n")


def _generations(folder: Path) -> list[dict]:
    path = folder / GENERATIONS
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _predictive_check(req: Request, resolver: Resolver, posterior: pd.DataFrame) -> np.ndarray:
    """Every row inside the scenario, simulated on ``check_draws`` rows of the posterior (drawn by weight)."""
    s = req.settings
    rng = np.random.default_rng(np.random.SeedSequence((s.seed, CHECK_GENERATION)))
    rows = rng.choice(len(posterior), size=s.check_draws, p=posterior["weight"].to_numpy())
    paths = [f.path for f in req.parameters]
    proposals = [{p: float(posterior.loc[i, p]) for p in paths} for i in rows]
    check = Simulator(resolver, req.checked, 1, s.engine, req.backend, req.workers)
    return check(CHECK_GENERATION, 0, proposals)


def _fit_summary(req, folder, done, posterior, check, seconds) -> dict:
    s = req.settings
    prior = pd.read_parquet(folder / PRIOR)
    targets = []
    for j, o in enumerate(req.checked):
        column = f"stat:{o.key}"
        spread = year_band if STATISTICS[o.statistic].year else band  # a year by rank, "never" kept
        pb = _finite(spread(prior[column].to_numpy())) if column in prior else None
        qb = spread(check[:, j])
        if math.isnan(qb[0]):  # not defined within the scenario's months (e.g. the year after a job)
            continue
        targets.append(
            o.model_dump(include={"key", "statistic", "value", "low", "high", "unit", "source", "text_sv", "text_en"})
            | {
                "fitted": o in req.fitted,
                "prior": list(pb) if pb is not None else None,
                "posterior": _finite(qb),
                "within": within_band(o, qb),
            }
        )
    w = posterior["weight"].to_numpy()
    values = []
    for f in req.parameters:
        x = posterior[f.path].to_numpy()
        values.append(
            {
                "path": f.path,
                "prior": f.prior.text(),
                "prior_band": [float(f.prior.ppf(q)) for q in (0.5, 0.05, 0.95)],
                "posterior_band": [weighted_quantile(x, w, q) for q in (0.5, 0.05, 0.95)],
                "posterior_mean": float(np.average(x, weights=w)),
            }
        )
    stopped = folder / STOPPED
    return {
        "scenario": req.scenario.name,
        "scenario_file": req.scenario_file,
        "targets_file": str(req.targets_file),
        "settings": asdict(s),
        "values": values,
        "targets": targets,
        "generations": done,
        "stopped": json.loads(stopped.read_text(encoding="utf-8")) if stopped.exists() else None,
        "wall_seconds_this_call": seconds,
        "wall_seconds": sum(g["wall_seconds"] or 0.0 for g in done),
        "simulations": sum(g["simulated"] or g["evaluated"] for g in done) * s.per_proposal
        + len(prior) * s.per_proposal
        + s.check_draws,
        "outside_horizon": [],
    }


def _finite(b: tuple[float, float, float]) -> list[float | None]:
    """A band for JSON: a year never reached (infinity) or no value (NaN) as null."""
    return [x if math.isfinite(x) else None for x in b]


def _write_json(path: Path, data: dict) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def _write_csv(path: Path, frame: pd.DataFrame) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    frame.to_csv(tmp, index=False, float_format="%.17g")
    os.replace(tmp, path)
