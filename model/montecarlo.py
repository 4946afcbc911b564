"""Monte Carlo: replications in parallel processes, results identical for any worker count.

Each replication depends only on (seed, replication), so work can be spread
over processes in any order; results are put back in replication order. A
finished replication is handed to ``on_result`` at once (the run folder saves
it), so an interrupted run loses no finished work.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import itertools
import multiprocessing as mp
import os
import pickle
import sys
import tempfile
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from pathlib import Path

from model.engines import DEFAULT_ENGINE
from model.outcomes import RepTables, tabulate
from model.params import Params, Resolver
from model.simulate import simulate

_SOURCE: Params | Resolver | None = None
_ENGINE = DEFAULT_ENGINE


#: Replications handed to the pool ahead of the workers, per worker: enough to keep each busy, few enough that
#: waiting for the next result does not scan a thousand futures.
AHEAD_PER_WORKER = 4


def keep_freed_memory() -> None:
    """Ask the C library to keep memory it frees for reuse, where it can (glibc's ``mallopt``).

    A replication allocates a few MB of arrays and frees them; glibc gives large
    blocks back to the system at once, so the next replication takes page faults
    on fresh memory (≈ 700 a replication, ≈ 1 ms). Kept, the same pages serve
    every replication. Elsewhere (macOS, Windows) nothing changes.
    """
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return
    m_trim_threshold, m_mmap_threshold = -1, -3
    mallopt(m_mmap_threshold, 64 << 20)
    mallopt(m_trim_threshold, 256 << 20)


def available_cpus() -> int:
    """CPUs this process may run on: its affinity where the system has one (Linux), else the machine's count."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # macOS and Windows have no affinity call
        return max(1, os.cpu_count() or 1)


def _context() -> mp.context.BaseContext:
    """How worker processes start: forked from this process where that is safe, spawned elsewhere.

    A forked worker starts with everything this process has imported and
    compiled: ≈ 0.05 s instead of ≈ 2 s for a spawned one, which imports the
    model and loads its compiled code again (measured with 2 workers: 2
    replications 2.7 → 0.8 s, 300 replications 7.1 → 5.0 s). Forking is safe on
    Linux from a process with one thread; with other threads alive (a lock one
    of them holds would stay locked in the child), and on macOS and Windows,
    workers are spawned. Results are the same either way: a replication depends
    only on (seed, replication), and a worker reads its parameters from the file
    the parent writes (:func:`_init_worker`).
    """
    if sys.platform == "linux" and threading.active_count() == 1:
        return mp.get_context("fork")
    return mp.get_context("spawn")


def _init_worker(path: str) -> None:
    """Read the parameters the parent wrote for its workers (this run's own private file).

    A file, not the pool's initargs: a spawned worker reads its initargs only
    as it imports the model, so a parent writing a large pickle into the
    worker's pipe waits for that import, and starts its workers one by one.
    The file holds what the pipe would have carried (the pool pickles its
    initargs too); the parent writes it a moment before into a temporary
    folder only this user can read, and removes it with the pool: no run
    folder or other input is ever unpickled.
    """
    global _SOURCE, _ENGINE
    _SOURCE, _ENGINE = pickle.loads(Path(path).read_bytes())
    keep_freed_memory()


def one_replication(source: Params | Resolver, rep: int, engine: str = DEFAULT_ENGINE) -> RepTables:
    """Replication ``rep``: its parameters (drawn, if the scenario is uncertain), both arms, tabulated."""
    p = source.for_replication(rep) if isinstance(source, Resolver) else source
    return tabulate(simulate(p, rep, engine_name=engine), p)


def _run_one(rep: int) -> RepTables:
    assert _SOURCE is not None
    return one_replication(_SOURCE, rep, _ENGINE)


def run_replications(
    p: Params | Resolver,
    reps: Iterable[int],
    workers: int = 1,
    on_result: Callable[[RepTables], None] | None = None,
    engine: str = DEFAULT_ENGINE,
) -> list[RepTables]:
    """Run the given replications with ``engine``; return their tables ordered by replication.

    ``p`` is one set of parameters for every replication, or a :class:`Resolver` that gives each its own.
    """
    todo = list(reps)
    done: dict[int, RepTables] = {}

    def finish(t: RepTables) -> None:
        done[t.rep] = t
        if on_result is not None:
            on_result(t)

    if workers <= 1 or len(todo) <= 1:
        keep_freed_memory()
        for r in todo:
            finish(one_replication(p, r, engine))
    else:
        ctx = _context()
        with tempfile.TemporaryDirectory(prefix="amsim-workers-") as tmp:
            source = Path(tmp) / "source.pickle"
            source.write_bytes(pickle.dumps((p, engine), protocol=pickle.HIGHEST_PROTOCOL))
            with ProcessPoolExecutor(
                max_workers=workers, mp_context=ctx, initializer=_init_worker, initargs=(str(source),)
            ) as ex:
                queue = iter(todo)
                pending: set[Future] = set()

                def hand_out() -> None:
                    for r in itertools.islice(queue, AHEAD_PER_WORKER * workers - len(pending)):
                        pending.add(ex.submit(_run_one, r))

                try:
                    hand_out()
                    while pending:
                        finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                        for f in finished:
                            finish(f.result())
                        hand_out()
                except BaseException:
                    for f in pending:
                        f.cancel()
                    raise
    return [done[r] for r in sorted(done)]


def run_monte_carlo(
    p: Params | Resolver, reps: int | None = None, workers: int = 1, engine: str = DEFAULT_ENGINE
) -> list[RepTables]:
    """All replications ``0 … reps-1`` of a scenario (default: the scenario's count)."""
    count = p.central.replications if isinstance(p, Resolver) else p.replications
    return run_replications(p, range(reps if reps is not None else count), workers, engine=engine)
