"""Monte Carlo: replications on any backend, results identical for any backend and worker count.

Each replication depends only on (seed, replication), so work can be spread
over processes or machines in any order (model/backends); results are put
back in replication order. A finished replication is handed to ``on_result``
at once (the run folder saves it), so an interrupted run loses no finished
work.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
from collections.abc import Callable, Iterable

from model.backends import Backend, Replications, on_this_machine
from model.engines import DEFAULT_ENGINE
from model.outcomes import RepTables, tabulate
from model.params import Params, Resolver
from model.simulate import simulate


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


def one_replication(source: Params | Replications, rep: int, engine: str = DEFAULT_ENGINE) -> RepTables:
    """Replication ``rep``: its parameters (drawn, if the scenario is uncertain), both arms, tabulated."""
    p = source if isinstance(source, Params) else source.for_replication(rep)
    return tabulate(simulate(p, rep, engine_name=engine), p)


def run_replications(
    p: Params | Replications,
    reps: Iterable[int],
    workers: int = 1,
    engine: str = DEFAULT_ENGINE,
    backend: Backend | None = None,
) -> list[RepTables]:
    """Run the given replications with ``engine``; return their tables ordered by replication.

    ``p`` is one set of parameters for every replication, or a :class:`Resolver` (or other
    :class:`Replications`) that gives each its own.
    ``backend`` says where they run (model/backends); by default here for one worker, else in ``workers``
    processes on this machine.
    """
    done: dict[int, RepTables] = {}

    def keep(t: RepTables) -> None:
        done[t.rep] = t

    stream_replications(p, reps, keep, workers, engine, backend)
    return [done[r] for r in sorted(done)]


def stream_replications(
    p: Params | Replications,
    reps: Iterable[int],
    on_result: Callable[[RepTables], None],
    workers: int = 1,
    engine: str = DEFAULT_ENGINE,
    backend: Backend | None = None,
) -> None:
    """Run the given replications and hand each result to ``on_result`` as it arrives, in any order, keeping
    none: a run of many replications saves each and lets it go, so its memory does not grow with them."""
    (backend or on_this_machine(workers)).run(p, list(reps), engine, on_result)


def run_monte_carlo(
    p: Params | Resolver, reps: int | None = None, workers: int = 1, engine: str = DEFAULT_ENGINE
) -> list[RepTables]:
    """All replications ``0 … reps-1`` of a scenario (default: the scenario's count)."""
    count = p.central.replications if isinstance(p, Resolver) else p.replications
    return run_replications(p, range(reps if reps is not None else count), workers, engine=engine)
