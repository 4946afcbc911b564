"""What a run's outputs are written from: the report, the spreadsheet and the CSV tables all read one RunData."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from model.assumptions import AssumptionRow
from model.params import Params
from model.summary import Summary


@dataclass(frozen=True)
class RunData:
    """A finished run in memory: its summary, its annual table and households on benefit by month, its
    parameters and the scenario's assumptions. The monthly, ledger and departments tables stay on disk (they grow
    with the replications): a writer that needs them reads them from the run folder it is given."""

    summary: Summary
    households: pd.DataFrame  # model.outcomes.households_frame; the full tables are the folder's Parquet files
    annual: pd.DataFrame
    params: Params
    assumptions: list[AssumptionRow]
    lang: str = "sv"


#: An output written into the run folder from a RunData (the report, results.xlsx, CSV tables …).
Writer = Callable[[Path, RunData], object]
