"""Where replications run: this process, worker processes on this machine, or a Dask cluster.

Every backend runs :func:`model.montecarlo.one_replication` for the
replications it is given and hands each result to ``on_result`` as it
arrives, in whatever order they finish; the caller checkpoints it at once and
puts results back in replication order. A replication depends only on (seed,
replication), so results are byte-identical on every backend and for any
number of workers (tests/test_backends.py).

The parameters are resolved once, by the caller, and shipped to the workers
as data: a :class:`~model.params.Resolver` holds the rules and the
departments table as read, no paths, so a worker on another machine needs
amsim installed, not the scenario's files.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Protocol

from model.outcomes import RepTables
from model.params import Params


class Replications(Protocol):
    """Whatever gives each replication its parameters: a scenario's :class:`~model.params.Resolver`, or a
    calibration's proposals (calibration/particles.py). It travels to the workers once, as data."""

    def for_replication(self, rep: int) -> Params: ...


Source = Params | Replications
OnResult = Callable[[RepTables], None]


class Backend(Protocol):
    """Runs replications and reports each as it finishes."""

    def describe(self) -> str:
        """How the manifest and the terminal name it."""
        ...

    def run(self, source: Source, reps: list[int], engine: str, on_result: OnResult) -> None:
        """Run ``reps`` of ``source`` with ``engine``; call ``on_result`` once for each, as it finishes."""
        ...

    def session(self) -> AbstractContextManager[None]:
        """Inside it, every :meth:`run` may share what the backend starts (a cluster): for many small runs."""
        ...


def on_this_machine(workers: int) -> Backend:
    """This process for one worker, else that many worker processes on this machine."""
    from model.backends.processes import InProcess, LocalProcesses

    return InProcess() if workers <= 1 else LocalProcesses(workers)


def on_dask(scheduler: str | None, workers: int) -> Backend:
    """A Dask cluster: the one at ``scheduler``'s address, or a local cluster of ``workers`` processes."""
    from model.backends.cluster import DaskCluster

    return DaskCluster(scheduler, workers)


__all__ = ["Backend", "OnResult", "Replications", "Source", "on_dask", "on_this_machine"]
