"""A run's tables, written from its replications a chunk at a time, so its memory does not grow with them.

The monthly, ledger and departments tables hold ≈ 90 kB a replication; at
10 000 replications that is close to a gigabyte, held twice while pandas
builds a frame. Here they go to Parquet one row group per chunk of
replications, in replication order, and what the summary, the report and the
report need is kept: the annual table, households on benefit by month and the
places held and started by year (≈ 7 kB a replication). Figures that need
more of every replication (the departments' medians, the calibration checks)
are read back from the files a few columns at a time. The chunk is a fixed
number of replications, so the files' bytes depend on the inputs alone, never
on the workers or the backend that produced the replications.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from model.outcomes import (
    RepTables,
    annual_frame,
    departments_frame,
    households_frame,
    ledger_frame,
    monthly_frame,
    places_by_year,
)
from model.params import Params

#: Replications per row group: ≈ 20 MB of frames at a time at Lund's size.
CHUNK = 200


@dataclass(frozen=True)
class Kept:
    """What a run keeps in memory of its replications once their tables are on disk."""

    annual: pd.DataFrame
    households: pd.DataFrame  # outcomes.households_frame
    places: pd.DataFrame  # outcomes.places_by_year
    participants: np.ndarray  # (replications, participants.FIELDS)
    follow_up: np.ndarray  # (replications, follow_up.FIELDS): each field summed over the run's months
    events: int
    household_months: float


class _ParquetFile:
    """One Parquet file written a row group at a time (pandas' schema and snappy, as ``DataFrame.to_parquet``)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.writer: pq.ParquetWriter | None = None

    def append(self, frame: pd.DataFrame) -> None:
        table = pa.Table.from_pandas(frame, preserve_index=False)
        if self.writer is None:
            self.writer = pq.ParquetWriter(self.path, table.schema, compression="snappy")
        self.writer.write_table(table)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


def chunks(reps: int, load: Callable[[int], RepTables], size: int = CHUNK) -> Iterable[list[RepTables]]:
    """Replications 0 … reps−1 in order, ``size`` at a time, each read by ``load(rep)`` when its chunk is due."""
    for first in range(0, reps, size):
        yield [load(r) for r in range(first, min(first + size, reps))]


class _Keeping:
    """What :class:`Kept` is made of, a chunk at a time, and the files the chunks go to."""

    def __init__(self, p: Params, folder: Path) -> None:
        self.p = p
        self.files = {name: _ParquetFile(folder / f"{name}.parquet") for name in ("monthly", "ledger", "departments")}
        self.annual: list[pd.DataFrame] = []
        self.households: list[pd.DataFrame] = []
        self.places: list[pd.DataFrame] = []
        self.participants: list[np.ndarray] = []
        self.follow_up: list[np.ndarray] = []
        self.events, self.household_months = 0, 0.0

    def add(self, tables: Sequence[RepTables]) -> None:
        """One chunk: its rows to the files, its kept figures to the lists (nothing here holds on to ``tables``)."""
        p = self.p
        frame = monthly_frame(p, tables)
        self.files["monthly"].append(frame)
        self.annual.append(annual_frame(p, frame))
        self.households.append(households_frame(frame))
        self.places.append(places_by_year(frame))
        del frame
        self.files["ledger"].append(ledger_frame(p, tables))
        departments = departments_frame(p, tables)
        if departments is not None:
            self.files["departments"].append(departments)
        for t in tables:  # in order, as one sum over every replication would add them
            self.participants.append(t.participants)
            self.follow_up.append(t.arms["programme"]["follow_up"].sum(axis=1))
            self.events += t.events
            self.household_months += t.household_months

    def close(self) -> None:
        for f in self.files.values():
            f.close()

    def kept(self) -> Kept:
        return Kept(
            annual=_concat(self.annual),
            households=_concat(self.households),
            places=_concat(self.places),
            participants=np.stack(self.participants) if self.participants else np.zeros((0, 0)),
            follow_up=np.stack(self.follow_up) if self.follow_up else np.zeros((0, 0)),
            events=self.events,
            household_months=self.household_months,
        )


def write_tables(p: Params, folder: Path, parts: Iterable[Sequence[RepTables]]) -> Kept:
    """monthly.parquet, ledger.parquet and (with departments) departments.parquet in ``folder``, from ``parts``
    (replications in order, a chunk at a time); returns what the rest of the run's outputs are made from."""
    keeping = _Keeping(p, folder)
    try:
        for tables in parts:
            keeping.add(tables)
            del tables  # before the next chunk is read: one chunk of replications in memory at a time
    finally:
        keeping.close()
    return keeping.kept()


def read_where(
    path: Path, columns: list[str], where: Callable[[pd.DataFrame], pd.Series] | None = None
) -> pd.DataFrame:
    """The rows of a run's table for which ``where`` holds, only ``columns``, read a row group (a chunk of
    replications) at a time: a table written here grows with the replications, what is kept of it need not."""
    f = pq.ParquetFile(path)
    kept = []
    for i in range(f.num_row_groups):
        frame = f.read_row_group(i, columns=columns).to_pandas()
        kept.append(frame[where(frame)] if where is not None else frame)
    return pd.concat(kept, ignore_index=True) if kept else f.schema_arrow.empty_table().to_pandas()


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
