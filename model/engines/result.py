"""What an engine returns for one arm: the seam between the engines and everything after them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.visits import Visits


@dataclass
class ArmResult:
    visits: Visits
    sampled_stocks: np.ndarray  # (months, states) counters read at each month's end
    events: int
    tracked_months: float  # household-months before households settle for good
    participants: np.ndarray  # ids of households ever placed
    participants_tracked_months: float
