"""Replications on this machine: in this process, or in a pool of worker processes."""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import itertools
import multiprocessing as mp
import os
import signal
import sys
import threading
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass

from model.backends import OnResult, Source
from model.montecarlo import keep_freed_memory, one_replication
from model.outcomes import RepTables

#: Replications handed to the pool ahead of the workers, per worker: enough to keep each busy, few enough that
#: waiting for the next result does not scan a thousand futures.
AHEAD_PER_WORKER = 4

_SOURCE: Source | None = None
_ENGINE = ""


@dataclass(frozen=True)
class InProcess:
    """One replication after another in this process: no start-up, and what a debugger or profiler sees."""

    def describe(self) -> str:
        return "this process"

    def session(self) -> contextlib.AbstractContextManager[None]:
        return contextlib.nullcontext()

    def run(self, source: Source, reps: list[int], engine: str, on_result: OnResult) -> None:
        keep_freed_memory()
        for r in reps:
            on_result(one_replication(source, r, engine))


@dataclass(frozen=True)
class LocalProcesses:
    """A pool of ``workers`` processes on this machine, forked where that is safe (:func:`_context`)."""

    workers: int

    def describe(self) -> str:
        return f"{self.workers} worker processes on this machine"

    def session(self) -> contextlib.AbstractContextManager[None]:
        """Nothing kept: a pool is started for each run (≈ 0.2 s forked), since its workers get that run's
        parameters when they start."""
        return contextlib.nullcontext()

    def run(self, source: Source, reps: list[int], engine: str, on_result: OnResult) -> None:
        if len(reps) <= 1:
            InProcess().run(source, reps, engine, on_result)
            return
        with ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=_context(),
            initializer=_init_worker,
            initargs=(source, engine, os.getpid()),
        ) as ex:
            queue = iter(reps)
            pending: set[Future] = set()

            def hand_out() -> None:
                for r in itertools.islice(queue, AHEAD_PER_WORKER * self.workers - len(pending)):
                    pending.add(ex.submit(_run_one, r))

            try:
                hand_out()
                while pending:
                    finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                    for f in finished:
                        on_result(f.result())
                    hand_out()
            except BaseException:
                for f in pending:
                    f.cancel()
                raise


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


def die_with_parent(parent: int) -> None:
    """Linux: have the kernel kill this process when the process that started it dies (``kill -9`` included),
    so no worker outlives its run. Elsewhere nothing happens: there the pool's own shutdown is all there is."""
    if sys.platform != "linux":
        return
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, int(signal.SIGKILL), 0, 0, 0)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent died before the request was made
        os._exit(1)


def _init_worker(source: Source, engine: str, parent: int) -> None:
    """Keep the run's parameters for this worker's replications.

    A forked worker inherits them as they are in the parent, without copying
    or pickling; a spawned one (macOS, Windows, or a parent with other threads)
    receives them through the pool's own pipe from its parent. Nothing a worker
    starts from is read from a file. The pipe costs a spawned pool its workers'
    start one after the other (measured: 8 replications on 2 spawned workers
    4.0 s, against 2.9 s when the parameters came through a private file);
    forked pools, the default on Linux, start in 0.16 s either way.
    """
    global _SOURCE, _ENGINE
    die_with_parent(parent)
    _SOURCE, _ENGINE = source, engine
    keep_freed_memory()


def _run_one(rep: int) -> RepTables:
    assert _SOURCE is not None
    return one_replication(_SOURCE, rep, _ENGINE)
