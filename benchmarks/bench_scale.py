"""Scale-out: local processes against Dask, and what a 10⁶-replication study would take.

- Malmö scale (the default with ×5 households and places), 1 000 replications on 2 workers: local
  processes against a 2-worker ``LocalCluster`` (``model/backends``), in this process after a warm-up;
  the Dask path's overhead per replication is the difference over the replications;
- the Dask path's own cost per task: tasks that hand back a Lund replication's tables without
  simulating (scheduler, serialisation, transfer, the client's hand-back), on the same cluster;
- peak memory of ``amsim run`` (the largest process) at 1 000 and 10 000 replications of the default;
- on paper: a 10⁶-replication study of the default on 50 and 500 workers, from the measured time per
  replication and the tasks per second one scheduler and client hand back.

Writes ``benchmarks/results/scale-*.json``.

    python benchmarks/bench_scale.py [--reps 1000] [--tasks 2000] [--rss 1000,10000]
    python benchmarks/bench_scale.py --reps 0 --tasks 0 --rss 1000,10000   # peak memory only
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_engine import scaled_scenario  # noqa: E402
from bench_run import amsim_run, write_record  # noqa: E402

from model.backends import on_dask, on_this_machine  # noqa: E402
from model.montecarlo import one_replication, run_replications  # noqa: E402
from model.params import Resolver  # noqa: E402
from model.scenario import load_scenario  # noqa: E402


def _timed_run(resolver: Resolver, reps: int, backend) -> float:
    t0 = time.perf_counter()
    run_replications(resolver, range(reps), backend=backend)
    return time.perf_counter() - t0


def backends_side_by_side(reps: int, workers: int = 2) -> dict:
    """Malmö scale on local processes and on a local Dask cluster (each started for its run, as a user's)."""
    resolver = Resolver(scaled_scenario(5))
    run_replications(resolver, [10_000], 1)  # warm: compiled code loaded, rules resolved
    local = _timed_run(resolver, reps, on_this_machine(workers))
    dask = _timed_run(resolver, reps, on_dask(None, workers))
    return {
        "scale": 5,
        "reps": reps,
        "workers": workers,
        "local_processes_s": local,
        "dask_local_cluster_s": dask,
        "dask_overhead_per_rep_ms": (dask - local) / reps * 1e3,
    }


def _echo(shipped, rep: int, copies: int):
    """A task that simulates nothing and hands back ``copies`` of a replication's tables (its payload)."""
    return [shipped] * copies


def task_overhead(tasks: int, workers: int = 2, batch: int = 16) -> dict:
    """What one scheduler and client spend per task and per replication handed back: ``tasks`` tasks of one
    replication's tables, then ``tasks // batch`` tasks of ``batch`` (the two unknowns from two walls);
    and what the client spends checkpointing one replication."""
    import tempfile

    from distributed import Client, LocalCluster, as_completed

    from model.runfolder import save_checkpoint

    tables = one_replication(Resolver(load_scenario()).central, 0)
    walls = {}
    with (
        LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            host="127.0.0.1",
            dashboard_address="127.0.0.1:0",
            silence_logs=logging.ERROR,
        ) as cluster,
        Client(cluster) as client,
    ):
        shipped = client.scatter(tables, broadcast=True)
        for copies, n in ((1, tasks), (batch, tasks // batch)):
            t0 = time.perf_counter()
            futures = [client.submit(_echo, shipped, r, copies, pure=False) for r in range(n)]
            for f, _ in as_completed(futures, with_results=True):  # as model/backends/cluster.py gathers them
                f.release()
            walls[copies] = (time.perf_counter() - t0) / n
    per_rep = (walls[batch] - walls[1]) / (batch - 1)
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        for i in range(200):
            save_checkpoint(tables, Path(tmp) / f"rep-{i:05d}.npy")
        checkpoint = (time.perf_counter() - t0) / 200
    return {
        "workers": workers,
        "per_task_s_one": walls[1],
        f"per_task_s_{batch}": walls[batch],
        "per_task_s": walls[1] - per_rep,
        "per_replication_s": per_rep,
        "checkpoint_s": checkpoint,
        "payload_bytes": sum(v.nbytes for arm in tables.arms.values() for v in arm.values()),
    }


def on_paper(per_rep_s: float, tasks: dict, study: int = 1_000_000) -> dict:
    """A study's wall on W workers: the larger of the simulating (study × per-replication time / W) and the
    client's handing back, one after another: each task (batches of :func:`~model.backends.cluster.batch_size`
    replications), each replication's tables received, and each checkpointed."""
    from model.backends.cluster import batch_size

    out = {}
    for w in (50, 500):
        size = batch_size(study, w)
        compute = study * per_rep_s / w
        handing = study / size * tasks["per_task_s"] + study * (tasks["per_replication_s"] + tasks["checkpoint_s"])
        out[str(w)] = {"batch": size, "compute_s": compute, "handing_back_s": handing, "wall_s": max(compute, handing)}
    return {"replications": study, "per_rep_s": per_rep_s, "workers": out}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=1000)
    ap.add_argument("--tasks", type=int, default=2000)
    ap.add_argument("--rss", default="1000,10000", help="replications of amsim run whose peak memory to measure")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    ap.add_argument("--per-rep", type=float, default=0.0336, help="s per replication on one worker, without --rss")
    a = ap.parse_args()
    record: dict = {"when": dt.datetime.now().strftime("%Y%m%d-%H%M%S"), "python": platform.python_version()}
    if a.reps:
        record["malmo"] = backends_side_by_side(a.reps)
        print("Malmö scale:", record["malmo"], flush=True)
    record["memory"] = [amsim_run(int(n), "fast") for n in a.rss.split(",") if n]
    for m in record["memory"]:
        print("amsim run:", m, flush=True)
    if not a.tasks:  # memory only
        write_record(a.out, "memory", record)
        return
    record["tasks"] = task_overhead(a.tasks)
    print("Dask tasks:", record["tasks"], flush=True)
    lund = next((m for m in record["memory"] if m["reps"] >= 1000), None)
    per_rep = lund["simulation_s"] * lund["workers"] / lund["reps"] if lund else a.per_rep
    record["on_paper"] = on_paper(per_rep, record["tasks"])
    print("10⁶ replications:", record["on_paper"], flush=True)
    write_record(a.out, "scale", record)


if __name__ == "__main__":
    main()
