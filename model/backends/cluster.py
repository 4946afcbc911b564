"""Replications on a Dask cluster: one already running (``--scheduler ADDRESS``) or a local one for the run.

The parameters travel once to each worker (``scatter``, broadcast), not with
every task. A task runs a batch of consecutive replications (:func:`batch_size`),
so the scheduler is not the bottleneck of a large cluster. Tasks are handed
out a few per worker ahead, and each result is given to the caller as it
arrives and then released, so the client's memory does not grow with the
replications still to run. Before anything runs,
every worker is asked for a digest of its amsim code: a worker running other
code would give other results, so the run stops with a message instead.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

from model.backends import OnResult, Source
from model.backends.processes import AHEAD_PER_WORKER, die_with_parent
from model.codeversion import code_digest
from model.errors import AmsimError
from model.montecarlo import keep_freed_memory, one_replication
from model.outcomes import RepTables

#: Seconds to wait for a scheduler to answer, and for a local cluster's workers to start
CONNECT_TIMEOUT = 30
#: Tasks per worker a run is cut into, and the most replications one task holds (:func:`batch_size`)
TASKS_PER_WORKER, MAX_BATCH = 32, 64


@dataclass(frozen=True)
class DaskCluster:
    """The cluster at ``scheduler`` (an address such as ``tcp://10.0.0.5:8786``), or, if None, a
    ``LocalCluster`` of ``workers`` single-threaded processes started for the run and closed after it."""

    scheduler: str | None
    workers: int

    def describe(self) -> str:
        if self.scheduler is None:
            return f"Dask, a local cluster of {self.workers} worker processes"
        return f"Dask, the cluster at {self.scheduler}"

    @contextlib.contextmanager
    def session(self) -> Iterator[None]:
        """Keep one client (and local cluster) for every :meth:`run` inside: a calibration runs a batch of
        proposals at a time, and starting a local cluster for each would cost seconds a batch."""
        client, cluster = self._connect()
        _OPEN[id(self)] = (client, cluster)
        try:
            yield
        finally:
            del _OPEN[id(self)]
            client.close()
            if cluster is not None:
                cluster.close()

    def _connect(self):
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise AmsimError("--dask and --scheduler need dask.distributed: pip install 'distributed'") from None
        cluster = None
        try:
            if self.scheduler is None:
                cluster = LocalCluster(
                    n_workers=self.workers,
                    threads_per_worker=1,
                    processes=True,
                    host="127.0.0.1",
                    dashboard_address="127.0.0.1:0",  # a free port, on this machine only
                    silence_logs=logging.ERROR,
                )
                client = Client(cluster, timeout=CONNECT_TIMEOUT)
                client.run(die_with_parent, os.getpid())  # no worker outlives this process
            else:
                client = Client(self.scheduler, timeout=CONNECT_TIMEOUT)
        except (OSError, TimeoutError, ValueError) as err:
            if cluster is not None:
                cluster.close()
            where = f"reach a Dask scheduler at {self.scheduler}" if self.scheduler else "start a local Dask cluster"
            raise AmsimError(f"cannot {where}: {err}") from None
        try:
            _same_code(client)
            # a worker frees memory as this machine's own workers do: a nanny's environment asks glibc to
            # trim at 64 kB, which costs every replication its page faults again (model/montecarlo.py)
            client.run(keep_freed_memory)
        except BaseException:
            client.close()
            if cluster is not None:
                cluster.close()
            raise
        return client, cluster

    def run(self, source: Source, reps: list[int], engine: str, on_result: OnResult) -> None:
        from distributed import as_completed

        kept = _OPEN.get(id(self))
        client, cluster = kept if kept is not None else self._connect()
        try:
            n = max(1, len(client.scheduler_info().get("workers", {})))
            shipped = client.scatter((source, engine), broadcast=True)
            run_id = uuid.uuid4().hex[:12]
            size = batch_size(len(reps), n)
            queue = iter([reps[i : i + size] for i in range(0, len(reps), size)])

            def submit(batch: list[int]):
                return client.submit(_replications, shipped, batch, key=f"amsim-{run_id}-{batch[0]}", pure=False)

            first = [submit(b) for b in itertools.islice(queue, AHEAD_PER_WORKER * n)]
            pending = as_completed(first, with_results=True)  # results gathered as they finish, several at once
            for future, results in pending:
                future.release()
                for result in results:
                    on_result(result)
                nxt = next(queue, None)
                if nxt is not None:
                    pending.add(submit(nxt))
        finally:
            if kept is None:
                client.close()
                if cluster is not None:
                    cluster.close()


#: Clients a :meth:`DaskCluster.session` keeps open, by backend
_OPEN: dict[int, tuple] = {}


def _same_code(client) -> None:
    """Every worker must run the code this process runs."""
    mine = code_digest()
    theirs = client.run(_worker_code)
    other = sorted(w for w, d in theirs.items() if d != mine)
    if other:
        raise AmsimError(
            f"the Dask workers {', '.join(other)} run other amsim code than this one; "
            "install the same version of amsim on every worker"
        )


def _worker_code() -> str:
    """The digest of the code a worker runs (looked up there, by name)."""
    from model import codeversion

    return codeversion.code_digest()


def batch_size(reps: int, workers: int) -> int:
    """Replications per task: about :data:`TASKS_PER_WORKER` tasks for each worker, at most :data:`MAX_BATCH`.

    One scheduler hands back a few thousand tasks a second (benchmarks/bench_scale.py); a task of one
    replication of ≈ 30 ms would make it the bottleneck of a large cluster. Batches keep the tasks few
    while every worker still gets many, so they finish together; each replication is still
    checkpointed as its batch arrives.
    """
    return max(1, min(MAX_BATCH, -(-reps // (max(workers, 1) * TASKS_PER_WORKER))))


def _replications(shipped: tuple[Source, str], reps: list[int]) -> list[RepTables]:
    source, engine = shipped
    return [one_replication(source, r, engine) for r in reps]
