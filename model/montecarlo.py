"""Monte Carlo: replications in parallel processes, results identical for any worker count.

Each replication depends only on (seed, replication), so work can be spread
over processes in any order; results are put back in replication order. A
finished replication is handed to ``on_result`` at once (the run folder saves
it), so an interrupted run loses no finished work.
"""

from __future__ import annotations

import multiprocessing as mp
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

from model.engines import DEFAULT_ENGINE
from model.outcomes import RepTables, tabulate
from model.params import Params, Resolver
from model.simulate import simulate

_SOURCE: Params | Resolver | None = None
_ENGINE = DEFAULT_ENGINE


def _init_worker(source: Params | Resolver, engine: str) -> None:
    global _SOURCE, _ENGINE
    _SOURCE, _ENGINE = source, engine


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
        for r in todo:
            finish(one_replication(p, r, engine))
    else:
        ctx = mp.get_context("spawn")
        with ProcessPoolExecutor(
            max_workers=workers, mp_context=ctx, initializer=_init_worker, initargs=(p, engine)
        ) as ex:
            pending = {ex.submit(_run_one, r) for r in todo}
            try:
                while pending:
                    finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                    for f in finished:
                        finish(f.result())
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
