"""Worker processes: forked where that is safe, spawned elsewhere, with the same results either way."""

from __future__ import annotations

import dataclasses
import sys
import threading

import numpy as np
import pytest

from model.backends import processes
from model.montecarlo import run_replications
from model.params import Resolver
from model.scenario import load_scenario


def _tables(workers: int) -> list:
    resolver = Resolver(load_scenario())  # the default: uncertain values and the labour-market factor drawn
    return run_replications(resolver, range(4), workers)


def _same(a: list, b: list) -> None:
    assert [t.rep for t in a] == [t.rep for t in b] == list(range(4))
    for x, y in zip(a, b, strict=True):
        for arm in x.arms:
            for name, value in x.arms[arm].items():
                assert np.array_equal(value, y.arms[arm][name]), (x.rep, arm, name)
        fields = [f.name for f in dataclasses.fields(x) if f.name != "arms"]
        assert all(np.array_equal(getattr(x, f), getattr(y, f)) for f in fields)


@pytest.mark.skipif(sys.platform != "linux", reason="workers are forked only on Linux")
def test_forked_and_spawned_workers_give_the_results_of_one_process(monkeypatch):
    one = _tables(1)
    with monkeypatch.context() as m:  # as in a process with one thread (other tests may leave threads behind)
        m.setattr(processes.threading, "active_count", lambda: 1)
        assert processes._context().get_start_method() == "fork"
        _same(one, _tables(2))
    monkeypatch.setattr(processes, "_context", lambda: processes.mp.get_context("spawn"))
    _same(one, _tables(2))


def test_workers_are_spawned_while_another_thread_runs():
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert processes._context().get_start_method() == "spawn"
    finally:
        stop.set()
        other.join()
