"""Backends: the same bytes in this process, in local worker processes and on Dask (local or at an address)."""

from __future__ import annotations

import logging
from pathlib import Path

import distributed
import pytest
from typer.testing import CliRunner

from model.backends import on_dask, on_this_machine
from model.cli import app
from model.montecarlo import run_replications
from model.params import Resolver
from model.scenario import load_scenario
from tests.conftest import small_dict, with_departments, write_yaml
from tests.test_workers import _same

runner = CliRunner()
OUTPUTS = ("monthly.parquet", "ledger.parquet", "annual.parquet", "parameters.parquet", "departments.parquet")


def _departments_scenario(tmp_path: Path) -> Path:
    """A small uncertain scenario with departments, whose drawn starts change the departments' places."""
    rows = "A,100,5,10,12,6,0.5\nB,50,2,5,8,4,0.8\n"
    size_weight = {"dist": "uniform", "loc": 0.3, "scale": 0.4}  # a draw of it allocates again
    d = with_departments(small_dict(), tmp_path / "deps.csv", rows, size_weight=size_weight)
    d["population"]["couple_share"] = {"dist": "uniform", "loc": 0.2, "scale": 0.2}
    return write_yaml(tmp_path / "s.yaml", d)


@pytest.fixture(scope="module")
def cluster():
    """A LocalCluster the tests start themselves, as a user's existing cluster."""
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address="127.0.0.1:0",
        silence_logs=logging.ERROR,
    ) as c:
        yield c


def _run(path: Path, out: Path, *extra: str) -> None:
    args = ["run", str(path), "--out", str(out), "--reps", "6", "--quiet", *extra]
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output


@pytest.mark.slow  # clusters take seconds to start: CI runs these (make test-slow)
def test_every_backend_writes_the_same_bytes(tmp_path, cluster):
    path = _departments_scenario(tmp_path)
    runs = {
        "one": ("--workers", "1"),
        "two": ("--workers", "2"),
        "dask-local": ("--dask", "local", "--workers", "2"),
        "dask-scheduler": ("--scheduler", cluster.scheduler_address),
    }
    for name, extra in runs.items():
        _run(path, tmp_path / name, *extra)
    for f in OUTPUTS:
        first = (tmp_path / "one" / f).read_bytes()
        assert all((tmp_path / name / f).read_bytes() == first for name in runs), f


@pytest.mark.slow  # clusters take seconds to start: CI runs these (make test-slow)
def test_workers_need_no_input_files(tmp_path, cluster):
    """The parameters travel as data: the departments table is gone before any replication runs."""
    path = _departments_scenario(tmp_path)
    resolver = Resolver(load_scenario(path))
    here = run_replications(resolver, range(4), backend=on_this_machine(1))
    (tmp_path / "deps.csv").unlink()
    path.unlink()
    for backend in (on_this_machine(2), on_dask(cluster.scheduler_address, 0)):
        _same(here, run_replications(resolver, range(4), backend=backend))


def test_an_unreachable_scheduler_is_a_message(tmp_path, monkeypatch):
    import model.backends.cluster as bc

    monkeypatch.setattr(bc, "CONNECT_TIMEOUT", 2)  # the message, not the 30 s wait
    path = write_yaml(tmp_path / "s.yaml", small_dict())
    out = tmp_path / "out"
    res = runner.invoke(app, ["run", str(path), "--out", str(out), "--quiet", "--scheduler", "tcp://127.0.0.1:9"])
    assert res.exit_code == 2 and "cannot reach a Dask scheduler at tcp://127.0.0.1:9" in res.output
    assert not out.exists() and "Traceback" not in res.output


@pytest.mark.slow  # clusters take seconds to start: CI runs these (make test-slow)
def test_workers_running_other_code_are_refused(tmp_path, cluster, monkeypatch):
    import model.backends.cluster as bc

    monkeypatch.setattr(bc, "code_digest", lambda: "other code")
    path = write_yaml(tmp_path / "s.yaml", small_dict())
    out = tmp_path / "out"
    res = runner.invoke(app, ["run", str(path), "--out", str(out), "--quiet", "--scheduler", cluster.scheduler_address])
    assert res.exit_code == 2 and "run other amsim code than this one" in res.output
    assert not out.exists()


def test_dask_and_scheduler_are_one_choice(tmp_path):
    path = write_yaml(tmp_path / "s.yaml", small_dict())
    res = runner.invoke(app, ["run", str(path), "--quiet", "--dask", "local", "--scheduler", "tcp://127.0.0.1:9"])
    assert res.exit_code == 2 and "either --dask local or --scheduler" in res.output
    res = runner.invoke(app, ["run", str(path), "--quiet", "--dask", "remote"])
    assert res.exit_code == 2 and "local" in res.output
