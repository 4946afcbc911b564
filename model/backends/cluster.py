"""Replications on a Dask cluster: one already running (``--scheduler ADDRESS``) or a local one for the run.

The parameters travel once to each worker (``scatter``, broadcast), not with
every task; tasks are handed out a few per worker ahead, and each result is
given to the caller as it arrives and then released, so the client's memory
stays bounded however many replications a study has. Before anything runs,
every worker is asked for a digest of its amsim code: a worker running other
code would give other results, so the run stops with a message instead.
"""

from __future__ import annotations

import itertools
import logging
import os
import uuid
from dataclasses import dataclass

from model.backends import OnResult, Source
from model.backends.processes import AHEAD_PER_WORKER, die_with_parent
from model.codeversion import code_digest
from model.errors import AmsimError
from model.montecarlo import one_replication
from model.outcomes import RepTables

#: Seconds to wait for a scheduler to answer, and for a local cluster's workers to start
CONNECT_TIMEOUT = 30


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

    def run(self, source: Source, reps: list[int], engine: str, on_result: OnResult) -> None:
        try:
            from distributed import Client, LocalCluster, as_completed
        except ImportError:
            raise AmsimError("--dask and --scheduler need dask.distributed: pip install 'distributed'") from None
        cluster = None
        try:
            if self.scheduler is None:
                cluster = LocalCluster(
                    n_workers=self.workers,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
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
            n = max(1, len(client.scheduler_info().get("workers", {})))
            shipped = client.scatter((source, engine), broadcast=True)
            run_id = uuid.uuid4().hex[:12]
            queue = iter(reps)

            def submit(rep: int):
                return client.submit(_replication, shipped, rep, key=f"amsim-{run_id}-{rep}", pure=False)

            pending = as_completed([submit(r) for r in itertools.islice(queue, AHEAD_PER_WORKER * n)])
            for future in pending:
                result = future.result()
                future.release()
                on_result(result)
                nxt = next(queue, None)
                if nxt is not None:
                    pending.add(submit(nxt))
        finally:
            client.close()
            if cluster is not None:
                cluster.close()


def _same_code(client) -> None:
    """Every worker must run the code this process runs."""
    mine = code_digest()
    theirs = client.run(code_digest)
    other = sorted(w for w, d in theirs.items() if d != mine)
    if other:
        raise AmsimError(
            f"the Dask workers {', '.join(other)} run other amsim code than this one; "
            "install the same version of amsim on every worker"
        )


def _replication(shipped: tuple[Source, str], rep: int) -> RepTables:
    source, engine = shipped
    return one_replication(source, rep, engine)
