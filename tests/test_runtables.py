"""A run's tables written a chunk of replications at a time: the same tables, one chunk in memory at a time."""

from __future__ import annotations

import weakref

import numpy as np
import pandas as pd
import pytest

from model.outcomes import (
    annual_frame,
    departments_frame,
    departments_summary,
    households_frame,
    ledger_frame,
    monthly_frame,
    places_by_year,
    places_rows,
    summarise,
    tabulate,
)
from model.runtables import chunks, write_tables
from model.simulate import simulate
from tests.conftest import params_of, small_dict, with_departments

REPS = 7


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """A small scenario with departments and its replications' tables."""
    table = tmp_path_factory.mktemp("deps") / "deps.csv"
    p = params_of(with_departments(small_dict(), table, "A,100,5,10,12,6,0.5\nB,50,2,5,8,4,0.8\n"))
    return p, [tabulate(simulate(p, rep), p) for rep in range(REPS)]


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Categories as their labels and times in ns: which labels a categorical lists, and the unit Parquet keeps
    a month in, are not the table's content."""
    out = frame.assign(**{c: frame[c].astype(str) for c in frame.columns if frame[c].dtype == "category"})
    return out.assign(**{c: out[c].astype("datetime64[ns]") for c in out.columns if out[c].dtype.kind == "M"})


def _same(path, frame: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(_plain(pd.read_parquet(path)), _plain(frame))


@pytest.mark.parametrize("size", [1, 3, REPS])
def test_tables_written_by_chunks_are_those_of_all_replications_at_once(run, tmp_path, size):
    p, tables = run
    kept = write_tables(p, tmp_path, chunks(REPS, lambda r: tables[r], size))
    monthly, ledger = monthly_frame(p, tables), ledger_frame(p, tables)
    _same(tmp_path / "monthly.parquet", monthly)
    _same(tmp_path / "ledger.parquet", ledger)
    _same(tmp_path / "departments.parquet", departments_frame(p, tables))
    pd.testing.assert_frame_equal(kept.annual, annual_frame(p, monthly))
    pd.testing.assert_frame_equal(kept.households, households_frame(monthly))
    pd.testing.assert_frame_equal(kept.places, places_by_year(monthly))
    np.testing.assert_array_equal(kept.participants, np.stack([t.participants for t in tables]))
    assert kept.events == sum(t.events for t in tables)
    assert kept.household_months == sum(t.household_months for t in tables)
    whole = summarise(p, annual_frame(p, monthly), monthly, kept.participants)
    assert summarise(p, kept.annual, kept.households, kept.participants).to_json() == whole.to_json()
    assert places_rows(p, kept.places, "starts") == places_rows(p, places_by_year(monthly), "starts")
    table = tmp_path / "departments.parquet"
    by_field = departments_summary(lambda columns: pd.read_parquet(table, columns=columns))
    whole = departments_frame(p, tables)
    assert by_field == departments_summary(lambda columns: whole[columns])


def test_places_by_year_sums_the_programme_arm_by_replication_and_year(run):
    """Hand check against the monthly table: place-months held and places started, per class."""
    p, tables = run
    monthly = monthly_frame(p, tables[:2])
    got = places_by_year(monthly)
    prog = monthly[(monthly["arm"] == "programme") & (monthly["rep"] == 1) & (monthly["month"].dt.year == 2022)]
    row = got[(got["rep"] == 1) & (got["year"] == 2022)].iloc[0]
    jobs = ["municipal_job", "nystartsjobb", "introduktionsjobb", "extratjanst"]
    assert row["held_jobs"] == pytest.approx(prog[jobs].to_numpy().sum())
    assert row["held_internships"] == pytest.approx(prog["internship"].sum())
    assert row["starts_jobs"] == pytest.approx(prog[[f"starts_{j}" for j in jobs]].to_numpy().sum())
    assert row["starts_internships"] == pytest.approx(prog["starts_internship"].sum())
    assert row["held_jobs"] > 0 and row["starts_internships"] > 0
    assert len(got) == 2 * 2  # two replications, two years


def test_every_chunk_lists_every_ledger_category(run):
    """Chunks share one schema: a category no replication of a chunk pays is still among its categories."""
    p, tables = run
    ledger = ledger_frame(p, tables[:1])
    full = ledger_frame(p, tables)
    assert list(ledger["category"].cat.categories) == list(full["category"].cat.categories)
    assert set(full["category"].cat.categories) > set(full["category"].unique())  # some are never paid here


def test_one_chunk_of_replications_is_in_memory_at_a_time(run, tmp_path):
    """Replications are read when their chunk is due and let go before the next is read."""
    p, tables = run
    alive: set[int] = set()
    most = [0]

    def load(rep: int):
        t = tables[rep]
        copy = type(t)(t.rep, t.arms, t.events, t.household_months, t.simulated_household_months, t.participants)
        alive.add(rep)
        weakref.finalize(copy, alive.discard, rep)
        most[0] = max(most[0], len(alive))
        return copy

    write_tables(p, tmp_path, chunks(REPS, load, 2))
    assert most[0] == 2
    assert not alive


def test_chunks_are_the_replications_in_order():
    assert list(chunks(7, lambda r: r, 3)) == [[0, 1, 2], [3, 4, 5], [6]]
    assert list(chunks(0, lambda r: r, 3)) == []
