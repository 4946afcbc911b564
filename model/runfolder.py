"""The run folder: everything one `amsim run` writes, written so nothing is half-done.

Work goes to ``<out>.partial/``. Each finished replication is saved there at
once; if a run is interrupted, running the same command with the same
``--out`` resumes from the saved replications. Only when every file is
written is the folder renamed to ``<out>`` — a run folder either is complete
or does not exist.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import io
import json
import os
import platform
import shutil
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import numpy as np
import pandas as pd

from model.assumptions import assumption_rows, scenario_files
from model.backends import Backend, on_this_machine
from model.codeversion import code_digest
from model.engines import DEFAULT_ENGINE
from model.errors import AmsimError
from model.folderlock import FolderLock, hold_staging
from model.ledger import CATEGORIES, price
from model.montecarlo import stream_replications
from model.outcomes import RepTables, departments_summary, place_notices, places_rows, summarise
from model.params import REPS_PER_DRAW, Params, Resolver, closed_financing_text, parameter_set
from model.rules.functions import NYSTARTSJOBB_LEVELS
from model.rundata import RunData, Writer
from model.runtables import chunks, write_tables
from model.scenario import Scenario, scenario_notices
from model.simulate import ARMS, simulate
from model.states import REASONS, STATE_LABELS, State
from model.summary import DepartmentRow, DepartmentsSummary, Summary

RUN_FILES = (
    "manifest.json",
    "monthly.parquet",
    "ledger.parquet",
    "annual.parquet",
    "parameters.parquet",
    "summary.json",
    "report.html",
    "results.xlsx",
)


#: How the manifest names each engine.
ENGINE_TEXT = {
    "des": "des (SimPy, one process per household: the reference)",
    "fast": "fast (numba, the SimPy engine's events in its order: identical results)",
}


@dataclass(frozen=True)
class RunRequest:
    scenario: Scenario
    scenario_file: str
    resolver: Resolver
    reps: int
    seed: int
    workers: int
    out: Path
    trace: bool = False
    trace_rep: int = 0
    lang: str = "sv"
    engine: str = DEFAULT_ENGINE  # model/engines: identical results, so it changes speed, never figures
    backend: Backend | None = None  # model/backends: where replications run (default: ``workers`` local processes)

    @property
    def params(self) -> Params:
        """The scenario's parameters at their central values (calendar, frames, departments, rules)."""
        return self.resolver.central

    @property
    def fixed(self) -> bool:
        return self.resolver.fixed


@dataclass(frozen=True)
class RunOutcome:
    out: Path
    summary: Summary
    manifest: dict
    resumed: int


def default_out(root: Path, scenario: str, now: dt.datetime | None = None) -> Path:
    now = now or dt.datetime.now()
    return root / f"{scenario}-{now:%Y%m%d-%H%M%S}"


def input_files(scenario: Scenario, scenario_file: str) -> dict[str, Path]:
    """Every file the results depend on besides the code: the scenario, the files it extends, its departments
    table and its posterior; named by their role, so a moved folder still resumes."""
    files: dict[str, Path] = {}
    path = Path(scenario_file)
    if path.is_file():
        for i, f in enumerate(reversed(scenario_files(path))):
            files["scenario" if i == 0 else f"extends {i}: {f.name}"] = f
    alloc = scenario.programme.allocation
    if alloc is not None:
        files[f"departments table {Path(alloc.departments).name}"] = Path(alloc.departments)
    if scenario.posterior is not None:
        files[f"posterior {Path(scenario.posterior).name}"] = Path(scenario.posterior)
    return files


def _digest(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as err:
        return f"unreadable: {err.strerror}"


def input_digests(scenario: Scenario, scenario_file: str, seed: int, fixed: bool, engine: str) -> dict[str, str]:
    """What must match for saved replications to be reused, part by part (so a mismatch can say which)."""
    parts = {
        "scenario as validated": json.dumps(scenario.model_dump(mode="json"), sort_keys=True),
        "seed": str(seed),
        "--fixed": str(fixed),
        "engine": engine,
        "amsim version": _version("amsim"),
        "amsim's code and rule files": code_digest(),
    }
    parts |= {name: _digest(f) for name, f in input_files(scenario, scenario_file).items()}
    return {k: hashlib.sha256(v.encode()).hexdigest() if k == "scenario as validated" else v for k, v in parts.items()}


def fingerprint_parts(req: RunRequest) -> dict[str, str]:
    """:func:`input_digests` of a run."""
    return input_digests(req.scenario, req.scenario_file, req.seed, req.fixed, req.engine)


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "unknown"


def run(
    req: RunRequest,
    progress: Callable[[int, int], None] | None = None,
    writers: Sequence[Writer] = (),
    checks: Callable[[Path, pd.DataFrame, Summary, np.ndarray], list] | None = None,
) -> RunOutcome:
    """Run the Monte Carlo and write the run folder.

    ``writers`` write outputs into the folder (the report, results.xlsx, CSV
    tables); ``checks`` returns rows that hold the run against observed figures
    (Summary.calibration). Both are given by the caller, so the model knows
    nothing of either.
    """
    mine = fingerprint_parts(req)
    staging, lock = hold_staging(req.out, LOCK, "run")  # released below, and by _publish before the rename
    try:
        return _run_locked(req, staging, mine, lock, progress, writers, checks)
    finally:
        lock.release()


#: Files of a run's ``.partial`` folder besides its outputs: the lock, what it was run from, the checkpoints
LOCK, STAMP, PARTS = ".lock", "fingerprint.json", "parts"


def mismatch(staging: Path, mine: dict[str, str]) -> str | None:
    """Why the saved work in ``staging`` cannot be resumed by this run, or None if it can."""
    stamp = staging / STAMP
    if not stamp.exists():
        legacy = (staging / "fingerprint.txt").exists()
        return "it was started by an earlier version of amsim" if legacy else "it records no inputs"
    try:
        theirs = json.loads(stamp.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        return f"its record of inputs is damaged ({err})"
    changed = sorted(k for k in mine.keys() | theirs.keys() if mine.get(k) != theirs.get(k))
    return f"these inputs changed since it started: {', '.join(changed)}" if changed else None


def _run_locked(
    req: RunRequest,
    staging: Path,
    mine: dict[str, str],
    lock: FolderLock,
    progress: Callable[[int, int], None] | None,
    writers: Sequence[Writer],
    checks: Callable | None,
) -> RunOutcome:
    out = req.out
    if out.exists():  # another run finished it while this one waited for the lock
        raise AmsimError(f"{out}: run folder already exists; choose another --out")
    parts, stamp = staging / PARTS, staging / STAMP
    finished = _finished(staging, mine)
    if finished is not None:  # every file was written and only the rename was left: finish it
        return _publish(staging, out, lock, finished, resumed=finished.manifest.get("replications", 0))
    leftovers = [f for f in staging.iterdir() if f.name != LOCK]
    if leftovers:
        why = mismatch(staging, mine)
        if why is not None:
            raise AmsimError(
                f"{staging}: an unfinished run is there that this one cannot resume: {why}. "
                "Remove the folder to start afresh, or choose another --out"
            )
    try:
        parts.mkdir(exist_ok=True)
        _write_text(stamp, json.dumps(mine, indent=2, sort_keys=True))
    except OSError as err:
        raise AmsimError(f"{staging}: cannot write into the run folder: {err.strerror or err}") from None

    saved: set[int] = set()  # replications on disk; their tables are read again, a chunk at a time, for the outputs
    for f in sorted(parts.glob(CHECKPOINT.replace("{rep:05d}", "*"))):
        rep = load_checkpoint(f).rep
        if rep < req.reps:
            saved.add(rep)
    resumed = len(saved)
    todo = [r for r in range(req.reps) if r not in saved]
    started = time.perf_counter()
    count = [resumed]
    if progress:
        progress(count[0], req.reps)

    def keep(t: RepTables) -> None:
        try:
            save_checkpoint(t, parts / CHECKPOINT.format(rep=t.rep))
        except OSError as err:
            raise AmsimError(
                f"{parts}: cannot save replication {t.rep} ({err.strerror or err}); the {count[0]} finished "
                "replications are kept: make room and run the same command again to resume"
            ) from None
        count[0] += 1
        if progress:
            progress(count[0], req.reps)

    stream_replications(req.resolver, todo, keep, req.workers, req.engine, req.backend)
    sim_seconds = time.perf_counter() - started

    def load(rep: int) -> RepTables:
        path = parts / CHECKPOINT.format(rep=rep)
        t = load_checkpoint(path)
        if t.rep != rep:
            raise AmsimError(f"{path}: holds replication {t.rep}; remove it to run replication {rep} again")
        return t

    try:
        parts_in_order = chunks(req.reps, load)
        outcome = _write_outputs(req, staging, parts_in_order, resumed, len(todo), sim_seconds, writers, checks, mine)
    except OSError as err:
        raise AmsimError(
            f"{staging}: cannot write the run's files ({err.strerror or err}); every replication is saved there: "
            "make room and run the same command again to finish"
        ) from None
    return _publish(staging, out, lock, outcome, resumed)


def _write_outputs(
    req: RunRequest,
    staging: Path,
    parts: Iterable[Sequence[RepTables]],
    resumed: int,
    simulated: int,
    sim_seconds: float,
    writers: Sequence[Writer],
    checks: Callable | None,
    mine: dict[str, str],
) -> RunOutcome:
    """Tables, summary, report and the other outputs into ``staging``; the manifest, which lists them, last.

    ``parts``: every replication in order, a chunk at a time (model.runtables), so memory stays bounded.
    """
    p = req.params
    kept = write_tables(p, staging, parts)
    summary = summarise(
        p, kept.annual, kept.households, kept.participants, uncertain=req.resolver.uncertain, follow_up=kept.follow_up
    )
    places = places_rows(p, kept.places, req.scenario.programme.target_unit)
    update: dict = {
        "municipality": req.scenario.municipality,
        "places": places,
        "notices": [*scenario_notices(req.scenario), *place_notices(places)],
    }
    if p.departments is not None:
        table = staging / "departments.parquet"
        update["departments"] = DepartmentsSummary(
            method=p.departments.method,
            allocations=[
                {"jobs": jobs, "internships": internships, "departments": a.rows()}
                for (jobs, internships), a in p.departments.allocations.items()
            ],
            rows=[
                DepartmentRow(**r) for r in departments_summary(lambda columns: pd.read_parquet(table, columns=columns))
            ],
        )
    parameters_frame(req.resolver, req.reps).to_parquet(staging / "parameters.parquet", index=False)
    kept.annual.to_parquet(staging / "annual.parquet", index=False)
    summary = summary.model_copy(update=update)
    if checks is not None:
        calibration = checks(staging, kept.annual, summary, kept.participants)
        summary = summary.model_copy(update={"calibration": calibration})
    _write_text(staging / "summary.json", summary.to_json())
    if req.trace:
        write_trace(req.resolver.for_replication(req.trace_rep), req.trace_rep, staging, req.engine)
    data = RunData(
        summary=summary,
        households=kept.households,
        annual=kept.annual,
        params=p,
        assumptions=assumption_rows(req.scenario, scenario_files(Path(req.scenario_file)), req.resolver.posterior),
        lang=req.lang,
    )
    for write in writers:
        write(staging, data)
    events, hh_months = kept.events, kept.household_months
    manifest = {
        "amsim_version": _version("amsim"),
        "scenario": req.scenario.model_dump(mode="json"),
        "scenario_file": req.scenario_file,
        "scenario_sha256": hashlib.sha256(Path(req.scenario_file).read_bytes()).hexdigest()
        if Path(req.scenario_file).is_file()
        else None,
        "seed": req.seed,
        "replications": req.reps,
        "workers": req.workers,
        "backend": (req.backend or on_this_machine(req.workers)).describe(),
        "fixed": req.fixed,
        "uncertain_values": sorted(req.scenario.distributions) if not req.fixed else [],
        "labour_market_factor": req.scenario.labour_market is not None and not req.fixed,
        "replications_per_draw": REPS_PER_DRAW if req.resolver.uncertain else 1,
        "engine": ENGINE_TEXT[req.engine],
        "resumed_replications": resumed,
        "finished": dt.datetime.now().isoformat(timespec="seconds"),
        "timings": {
            "simulation_seconds": round(sim_seconds, 3),
            "seconds_per_replication": round(sim_seconds / max(simulated, 1), 4),
        },
        "events": events,
        "household_months": round(hh_months),
        "stale_rules": [str(s) for s in p.law.stale_rules],
        "closed_financing": [closed_financing_text(c) for c in p.law.closed_financing],
        "versions": {
            "python": platform.python_version(),
            **{d: _version(d) for d in ("numpy", "simpy", "pandas", "pyarrow", "pydantic", "plotly")},
        },
        "files": [
            *sorted(f.name for f in staging.iterdir() if f.is_file() and f.name not in (LOCK, STAMP)),
            "manifest.json",
        ],
        "inputs": mine,
    }
    _write_json(staging / "manifest.json", manifest)  # last: a folder with a manifest has every file
    return RunOutcome(req.out, summary, manifest, resumed)


def _finished(staging: Path, mine: dict[str, str]) -> RunOutcome | None:
    """A run of these inputs that wrote every file into ``staging`` and stopped before its rename."""
    try:
        manifest = json.loads((staging / "manifest.json").read_text(encoding="utf-8"))
        if manifest.get("inputs") != mine or not all((staging / f).is_file() for f in manifest["files"]):
            return None
        summary = Summary.model_validate_json((staging / "summary.json").read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return RunOutcome(staging, summary, manifest, manifest.get("resumed_replications", 0))


def _publish(staging: Path, out: Path, lock: FolderLock, outcome: RunOutcome, resumed: int) -> RunOutcome:
    """Rename the finished ``staging`` to ``out``: the checkpoints, the record of inputs and the lock go first."""
    try:
        shutil.rmtree(staging / PARTS, ignore_errors=True)
        (staging / STAMP).unlink(missing_ok=True)
        lock.release()
        (staging / LOCK).unlink(missing_ok=True)
        os.replace(staging, out)
    except OSError as err:
        raise AmsimError(f"{staging}: finished, but cannot be renamed to {out.name}: {err.strerror or err}") from None
    return RunOutcome(out, outcome.summary, outcome.manifest, resumed)


#: A finished replication's file in ``parts/``: one .npy record (numpy's format, data only).
CHECKPOINT = "rep-{rep:05d}.npy"


def save_checkpoint(t: RepTables, path: Path) -> None:
    """A finished replication as one record of plain arrays (a structured .npy), written atomically.

    Data only, nothing that can run code; one record rather than an npz of
    many members, because a run writes one per replication. The file is what
    ``np.save`` writes for the record, byte for byte: the header, which names
    every field, is made once per record layout, and the record's bytes are
    its fields' bytes one after the other (a packed record).
    """
    arrays = {f"arms/{arm}/{name}": np.asarray(v) for arm, tables in t.arms.items() for name, v in tables.items()}
    arrays |= {
        "rep": np.asarray(t.rep),
        "events": np.asarray(t.events),
        "household_months": np.asarray(t.household_months),
        "simulated_household_months": np.asarray(t.simulated_household_months),
        "participants": np.asarray(t.participants),
    }
    header = _npy_header(tuple((name, a.dtype.str, a.shape) for name, a in arrays.items()))
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "wb") as f:
        f.write(header)
        for a in arrays.values():
            f.write(np.ascontiguousarray(a).data)
    os.replace(tmp, path)


@functools.lru_cache(maxsize=64)
def _npy_header(layout: tuple) -> bytes:
    """The .npy header ``np.save`` writes for a 0-d record of fields (name, dtype, shape)."""
    record = np.zeros((), dtype=[(name, dtype, shape) for name, dtype, shape in layout])
    buf = io.BytesIO()
    np.save(buf, record, allow_pickle=False)
    return buf.getvalue()[: -record.nbytes]


def load_checkpoint(path: Path) -> RepTables:
    """A saved replication; arrays only (no object fields, so no pickle), a damaged file is an error naming it."""
    try:
        data = path.read_bytes()
        start, dtype = _record_layout(data[: _header_end(data)])
        if len(data) != start + dtype.itemsize:
            raise ValueError(f"{len(data)} bytes, not the {start + dtype.itemsize} its header announces")
        record = np.frombuffer(data, dtype=dtype, count=1, offset=start)[0]
        names = dtype.names or ()
        z = {name: np.array(record[name]) for name in names}
        arms: dict[str, dict[str, np.ndarray]] = {}
        for key in names:
            if key.startswith("arms/"):
                _, arm, name = key.split("/", 2)
                arms.setdefault(arm, {})[name] = z[key]
        return RepTables(
            rep=int(z["rep"]),
            arms=arms,
            events=int(z["events"]),
            household_months=float(z["household_months"]),
            simulated_household_months=float(z["simulated_household_months"]),
            participants=z["participants"],
        )
    except (OSError, ValueError, KeyError, TypeError, IndexError) as err:
        raise AmsimError(f"{path}: a damaged checkpoint ({err}); remove it to run that replication again") from None


def _header_end(data: bytes) -> int:
    """Where a .npy file's header ends: after the magic, the version and the header's length (2 or 4 bytes)."""
    if data[:6] != b"\x93NUMPY" or len(data) < 12:
        raise ValueError("not a .npy file")
    size = 2 if data[6] == 1 else 4
    return 8 + size + int.from_bytes(data[8 : 8 + size], "little")


@functools.lru_cache(maxsize=64)
def _record_layout(header: bytes) -> tuple[int, np.dtype]:
    """The record's offset and dtype from a .npy header, read once per layout (a run's checkpoints share one).

    Refuses what a checkpoint never is: not one record, or fields of Python objects (which would be pickles).
    """
    f = io.BytesIO(header)
    version = np.lib.format.read_magic(f)
    readers = {(1, 0): np.lib.format.read_array_header_1_0, (2, 0): np.lib.format.read_array_header_2_0}
    if version not in readers:
        raise ValueError(f".npy version {version[0]}.{version[1]}, which amsim does not write")
    shape, _fortran, dtype = readers[version](f)
    if shape != () or dtype.names is None:
        raise ValueError("not one record of arrays")
    if dtype.hasobject:
        raise ValueError("it holds Python objects, which only pickle can read")
    return len(header), dtype


def parameters_frame(resolver: Resolver, reps: int) -> pd.DataFrame:
    """One row per (replication, uncertain value): what each replication drew, for sensitivity analysis."""
    rows: dict[str, list] = {"rep": [], "path": [], "value": []}
    drawn: dict[int, list] = {}  # replications that share a draw share their rows
    for rep in range(reps):
        key = parameter_set(rep)
        if key not in drawn:
            drawn = {key: sorted(resolver.parameter_rows(rep).items())}
        for path, value in drawn[key]:
            rows["rep"].append(rep)
            rows["path"].append(path)
            rows["value"].append(float(value))
    return pd.DataFrame(
        {
            "rep": np.array(rows["rep"], dtype=np.int32),
            "path": pd.Categorical(rows["path"]),
            "value": np.array(rows["value"], dtype=float),
        }
    )


def write_trace(p: Params, rep: int, folder: Path, engine: str = DEFAULT_ENGINE) -> None:
    """Event log (one row per state visit) and its priced ledger rows, for one replication."""
    result = simulate(p, rep, engine_name=engine)
    pop = result.population
    visits_rows, money_rows = [], []
    cal = p.calendar
    for arm in ARMS:
        v = result.arms[arm].visits
        priced = price(p, pop, v, keep_rows=True)
        visits_rows.append(
            pd.DataFrame(
                {
                    "rep": rep,
                    "arm": arm,
                    "visit": np.arange(len(v)),
                    "household": v.hh,
                    "state": [STATE_LABELS[s] for s in v.state],
                    "start": v.t0,
                    "end": v.t1,
                    "start_month": [str(cal.month(int(t))) if t < p.n_months else None for t in v.t0],
                    "next_state": [STATE_LABELS[s] if s >= 0 else None for s in v.nxt],
                    "workplace": np.array(["", "ordinary", "created"])[v.workplace],
                    "department": np.array([*(p.departments.names if p.departments else ()), None], dtype=object)[
                        v.dept
                    ],
                    "job_start": v.ref,
                    "job_months": v.job_months,
                    "akassa_membership_months": v.member_months,
                    "spell_start": v.spell_start,
                    "nystartsjobb_level": np.where(
                        v.state == int(State.NYSTARTSJOBB), np.array(NYSTARTSJOBB_LEVELS)[v.level], None
                    ),
                    "reason": np.array(REASONS)[pop.reason[v.hh]],
                    "adults": pop.adults[v.hh],
                    "children": pop.n_children[v.hh],
                }
            )
        )
        rows = priced.rows
        assert rows is not None
        r_idx, c_idx = np.nonzero(rows.sek)
        money_rows.append(
            pd.DataFrame(
                {
                    "rep": rep,
                    "arm": arm,
                    "visit": rows.visit[r_idx],
                    "household": v.hh[rows.visit[r_idx]],
                    "month": [str(cal.month(int(m))) for m in rows.month[r_idx]],
                    "overlap_months": rows.overlap[r_idx],
                    "category": [CATEGORIES[c].name for c in c_idx],
                    "payer": [CATEGORIES[c].payer for c in c_idx],
                    "payee": [CATEGORIES[c].payee for c in c_idx],
                    "rule": [CATEGORIES[c].rule for c in c_idx],
                    "sek": rows.sek[r_idx, c_idx],
                }
            )
        )
    pd.concat(visits_rows, ignore_index=True).to_parquet(folder / "events.parquet", index=False)
    pd.concat(money_rows, ignore_index=True).to_parquet(folder / "trace_ledger.parquet", index=False)


def _write_text(path: Path, text: str) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _write_json(path: Path, data: dict) -> None:
    _write_text(path, json.dumps(data, indent=2, ensure_ascii=False, default=_json_default) + "\n")


def _json_default(o: object) -> object:
    if isinstance(o, np.integer):
        return int(o)
    if isinstance(o, np.floating):
        return float(o)
    raise TypeError(f"not JSON serialisable: {type(o).__name__}")


__all__ = ["RUN_FILES", "STATE_LABELS", "RunOutcome", "RunRequest", "default_out", "run"]
