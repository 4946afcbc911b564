"""The Monte Carlo summary of a run: one typed object that the terminal, the report and the exports read.

Written to ``summary.json`` and read back (``Summary.load``) by ``amsim compare``
and the calibration tables, so every reader sees the same names and types. Money
in SEK, probabilities as shares (0–1), bands as percentiles over replications.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

Year = int | Literal["never"]


def _nan_is_none(v: Any) -> Any:
    return None if isinstance(v, float) and math.isnan(v) else v


#: A number that may be missing (NaN becomes None, so summary.json holds null, never NaN).
Maybe = Annotated[float | None, BeforeValidator(_nan_is_none)]


class Part(BaseModel):
    model_config = ConfigDict(frozen=True, populate_by_name=True)


class Band(Part):
    """P5, P50, P95 and the mean over replications."""

    p5: float
    p50: float
    p95: float
    mean: float


class FrameNeeded(Part):
    """The frame that the cost stays within with 50, 80 and 95 % probability (its percentiles)."""

    p50: float
    p80: float
    p95: float


class ArmYear(Part):
    """One arm in one year."""

    households_on_benefit_mean: Band
    households_on_benefit_max: Band
    social_board_net_sek: Band
    municipality_net_sek: Band
    state_net_sek: Band
    frame_needed_sek: FrameNeeded
    frame_sek: float | None = None
    deficit_sek: Band | None = None
    p_deficit: float | None = None

    def cost(self, view: str) -> Band:
        """The net cost band of a view: social_board, municipality or state."""
        return getattr(self, f"{view}_net_sek")


class Split(Part):
    """The spread of an outcome split by the law of total variance (standard deviations)."""

    total_sd: float
    process_sd: Maybe
    parameter_sd: Maybe
    parameter_share: Maybe
    draws: int = 0  # draws of the uncertain values it rests on (replications / 2)


class YearSummary(Part):
    """Both arms in one year, and their paired differences (programme − counterfactual, same replication)."""

    months: int
    programme: ArmYear
    counterfactual: ArmYear
    difference_households_on_benefit: Band
    difference_social_board_sek: Band
    difference_municipality_sek: Band
    difference_state_sek: Band
    #: P(the programme's social board cost is below the counterfactual's), over replications
    p_programme_cheaper: float
    variance_split: dict[str, Split] = Field(default_factory=dict)

    def difference(self, view: str) -> Band:
        return getattr(self, f"difference_{view}_sek")


class Breakeven(Part):
    distribution: dict[str, float]  # year (or "never") → probability
    p5: Year
    p50: Year
    p95: Year
    cdf: dict[str, float]  # year → P(breakeven in or before it)


class TargetResult(Part):
    statistic: Literal["max", "mean"]
    first_year: int
    last_year: int
    threshold: float
    programme: Maybe
    counterfactual: Maybe


class ClosedFinancing(Part):
    type: str
    months: int
    first: str
    last: str


class PlaceRow(Part):
    year: int
    place_class: str = Field(alias="class")
    places: float
    places_after_ramp_up: float
    starts_per_year: float
    #: the unit the scenario gave its target in: starts per year (places derived) or places (starts derived)
    unit: Literal["starts", "places"] = "starts"
    #: placements started in the year (programme arm), P50 over replications
    simulated_starts: float | None = None
    #: place-months filled as a share of the planned place-months (P50); None: no places planned
    fill: float | None = None


class DepartmentRow(Part):
    year: str
    department: str
    months: float
    allocated_jobs_places: float
    allocated_internships_places: float
    filled_jobs_places: float
    filled_internships_places: float
    missing_place_months: float
    starts_jobs: float
    starts_internships: float
    supervision_sek: float
    compensation_sek: float
    penalty_sek: Band


class DepartmentsSummary(Part):
    method: str
    allocations: list[dict[str, Any]]
    rows: list[DepartmentRow]


class CalibrationRow(Part):
    """An observed figure against the model: what was observed (value or interval), with its unit, source and
    texts, so readers of the summary need nothing else; and the model's P50, P5, P95 (or a year)."""

    key: str
    model: tuple[float, float, float] | str  # P50, P5, P95, or a year
    within: bool
    value: float | None = None
    low: float | None = None
    high: float | None = None
    unit: str = ""
    source: str = ""
    text_sv: str = ""
    text_en: str = ""


class Notice(Part):
    """A warning for the user, rendered in either language by dashboards/labels.py (``code`` names the text)."""

    code: str
    values: dict[str, str | float] = Field(default_factory=dict)  # years as text, so they stay "2022"


class Summary(Part):
    scenario: str
    municipality: str = ""
    replications: int
    #: replications drew uncertain values (else: every value at its central value)
    uncertain: bool = False
    full_years: list[int]
    breakeven: dict[str, Breakeven]
    years: dict[str, YearSummary]
    targets: dict[str, TargetResult]
    participants: dict[str, Band] = Field(default_factory=dict)
    participant_counts: dict[str, float] = Field(default_factory=dict)  # P50 of each count
    #: the programme's own follow-up over the whole run (model/follow_up.py FIELDS), and the leavers' saving
    #: against the counterfactual as a share of the follow-up's way (``leavers_saved_share``)
    follow_up: dict[str, Band] = Field(default_factory=dict)
    stale_rules: list[str] = Field(default_factory=list)
    closed_financing: list[ClosedFinancing] = Field(default_factory=list)
    places: list[PlaceRow] = Field(default_factory=list)
    departments: DepartmentsSummary | None = None
    calibration: list[CalibrationRow] = Field(default_factory=list)
    notices: list[Notice] = Field(default_factory=list)

    def year(self, y: int) -> YearSummary | None:
        return self.years.get(str(y))

    def to_json(self) -> str:
        """The summary as summary.json writes it (NaN as null)."""
        return self.model_dump_json(indent=2, by_alias=True) + "\n"

    @classmethod
    def load(cls, path: Path) -> Summary:
        """A run folder's summary.json."""
        return cls.model_validate_json(path.read_text(encoding="utf-8"))
