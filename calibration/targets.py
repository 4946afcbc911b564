"""Observed figures, read from a file: what a run is held against and what a calibration fits to.

A target file (``calibration/data/<municipality>.yaml``) has one row per
observation: the statistic of a run it is compared with, the period, the
observed value or interval, the unit and the source. Nothing about a year or a
municipality lives in code: a new figure is a new row. A row that names an
unknown statistic, an empty interval, a period that is not one, or a field
that does not exist is refused with the file and the row.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from model.calendar import Calendar, YearMonth
from model.errors import InputError, Problem
from model.ledger import CATEGORIES
from model.yamlfile import load_file

#: Where the observed figures of each municipality are (:func:`data_file`).
DATA = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class Statistic:
    """What a statistic needs from a row: a period, a base period, an arm, how the months are reduced."""

    period: bool = True
    base_period: bool = False
    arm: bool = True
    stats: tuple[str, ...] = ()
    year: bool = False  # the value is a year (or never): compared by rank, shown as a year
    whole_years: bool = False  # the period must be whole calendar years
    categories: bool = False  # names the ledger's categories it sums (model/ledger.py CATEGORIES)


#: The ledger's categories a ``ledger_sek`` row may sum
LEDGER: tuple[str, ...] = tuple(c.name for c in CATEGORIES)

#: The statistics a row may name (calibration/statistics.py computes them per replication).
STATISTICS: dict[str, Statistic] = {
    "households_on_benefit": Statistic(stats=("mean", "max", "min")),
    "households_change": Statistic(base_period=True),
    "starts_jobs": Statistic(),
    "starts_internships": Statistic(),
    "subsidised_share_of_job_starts": Statistic(),
    "benefit_paid": Statistic(),
    "benefit_per_household_month": Statistic(),
    "benefit_saved": Statistic(arm=False),
    "ledger_sek": Statistic(categories=True),
    "social_board_deficit": Statistic(whole_years=True),
    "breakeven_cumulative": Statistic(period=False, arm=False, year=True),
    # the programme's own follow-up (model/follow_up.py), over the months of the period
    "participants_started": Statistic(arm=False),
    "participants_left_for_work": Statistic(arm=False),
    "participants_left_for_studies": Statistic(arm=False),
    "leavers_benefit_not_paid": Statistic(arm=False),
    "leavers_benefit_saved": Statistic(arm=False),
    "work_or_studies_3m_after_job": Statistic(period=False, arm=False),
    "on_benefit_year_after_job": Statistic(period=False, arm=False),
}


@dataclass(frozen=True)
class Period:
    """Months first … last, both included."""

    first: YearMonth
    last: YearMonth

    @classmethod
    def parse(cls, text: str | int) -> Period:
        """``2022`` (a year), ``2022-03`` (a month) or ``2021-09..2021-12`` (months)."""
        text = str(text).strip()
        if ".." in text:
            a, b = (s.strip() for s in text.split("..", 1))
            first, last = cls.parse(a).first, cls.parse(b).last
        elif text.isdigit() and len(text) == 4:
            first, last = YearMonth(int(text), 1), YearMonth(int(text), 12)
        else:
            first = last = YearMonth.parse(text)
        if last < first:
            raise ValueError(f"{text!r} ends before it starts")
        return cls(first, last)

    def whole_years(self) -> bool:
        return self.first.month == 1 and self.last.month == 12

    def years(self) -> list[int]:
        return list(range(self.first.year, self.last.year + 1))

    def __str__(self) -> str:
        return str(self.first) if self.first == self.last else f"{self.first}..{self.last}"


class Observation(BaseModel):
    """One observed figure (a row of the file)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str
    statistic: str
    period: str | int | None = None
    base_period: str | int | None = None
    arm: Literal["programme", "counterfactual"] = "programme"
    stat: Literal["mean", "max", "min"] = "mean"
    categories: list[str] | None = None  # ledger_sek: the ledger's categories summed (wage, penalty, …)
    value: float | None = None
    low: float | None = None
    high: float | None = None
    unit: str
    source: str
    text_sv: str
    text_en: str
    fit: bool = True

    @model_validator(mode="after")
    def _consistent(self) -> Observation:
        if self.statistic not in STATISTICS:
            raise ValueError(f"statistic {self.statistic!r} is not one amsim computes; one of {', '.join(STATISTICS)}")
        kind = STATISTICS[self.statistic]
        for name in ("value", "low", "high"):
            v = getattr(self, name)
            if v is not None and not math.isfinite(v):
                raise ValueError(f"{name} must be a finite number, not {v}")
        if (self.value is None) == (self.low is None and self.high is None):
            raise ValueError("give either value or an interval (low, high, or both), not both and not neither")
        if self.low is not None and self.high is not None and self.low > self.high:
            raise ValueError(f"the interval {self.low:g}–{self.high:g} is empty: low must not exceed high")
        if kind.period and self.period is None:
            raise ValueError(f"{self.statistic} needs a period (a year, a month or months first..last)")
        if not kind.period and self.period is not None:
            raise ValueError(f"{self.statistic} is over the whole run: remove period")
        if kind.base_period != (self.base_period is not None):
            need = "needs a base_period" if kind.base_period else "takes no base_period"
            raise ValueError(f"{self.statistic} {need}")
        if kind.categories:
            if not self.categories:
                raise ValueError(f"{self.statistic} needs categories: a list of the ledger's ({', '.join(LEDGER)})")
            unknown = [c for c in self.categories if c not in LEDGER]
            if unknown:
                raise ValueError(f"categories {', '.join(unknown)}: not the ledger's; one of {', '.join(LEDGER)}")
        elif self.categories is not None:
            raise ValueError(f"{self.statistic} takes no categories (ledger_sek does)")
        if self.stat != "mean" and self.stat not in kind.stats:
            raise ValueError(f"stat {self.stat!r} applies to households_on_benefit only")
        for name in ("period", "base_period"):
            text = getattr(self, name)
            if text is not None:
                p = Period.parse(text)  # ValueError names what is wrong
                if kind.whole_years and not p.whole_years():
                    raise ValueError(f"{self.statistic} is by calendar year: {name} must be whole years, not {p}")
        return self

    @property
    def months(self) -> Period | None:
        return Period.parse(self.period) if self.period is not None else None

    @property
    def base_months(self) -> Period | None:
        return Period.parse(self.base_period) if self.base_period is not None else None

    def periods(self) -> list[Period]:
        return [p for p in (self.months, self.base_months) if p is not None]


class Targets(BaseModel):
    """A target file: whose figures they are, and the figures."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    municipality: str
    observations: list[Observation]

    @model_validator(mode="after")
    def _unique(self) -> Targets:
        seen: set[str] = set()
        for o in self.observations:
            if o.key in seen:
                raise ValueError(f"key {o.key!r} appears twice")
            seen.add(o.key)
        return self

    def by_key(self) -> dict[str, Observation]:
        return {o.key: o for o in self.observations}


def load_targets(path: str | Path) -> Targets:
    """A target file, checked; every problem names the file, the row (its number and key) and the field."""
    path = Path(path)
    file = str(path)
    try:
        data = load_file(path)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as err:
        raise InputError([Problem(file, "", f"cannot be read: {err}")]) from None
    if not isinstance(data, dict):
        raise InputError([Problem(file, "", "a mapping with municipality and observations")])
    rows = data.get("observations")
    problems: list[Problem] = []
    if isinstance(rows, list):
        for i, row in enumerate(rows):
            name = f"observations[{i}]" + (f" ({row.get('key')})" if isinstance(row, dict) and "key" in row else "")
            try:
                Observation.model_validate(row)
            except ValidationError as err:
                problems += [_problem(file, name, e) for e in err.errors()]
    if problems:
        raise InputError(problems)
    try:
        return Targets.model_validate(data)
    except ValidationError as err:
        raise InputError([_problem(file, "", e) for e in err.errors()]) from None


def _problem(file: str, row: str, e: dict) -> Problem:
    where = ".".join(str(x) for x in e.get("loc", ()))
    field = f"{row}.{where}" if row and where else row or where
    message = str(e.get("msg", "")).removeprefix("Value error, ")
    if e.get("type") == "extra_forbidden":
        message = f"not a field of an observation; fields: {', '.join(Observation.model_fields)}"
    return Problem(file, field, message)


def outside(targets: Targets, calendar: Calendar) -> list[Observation]:
    """Observations whose periods are not wholly within the run's months (a run cannot say anything of them)."""
    first, last = calendar.months()[0], calendar.months()[-1]
    return [o for o in targets.observations if any(p.first < first or p.last > last for p in o.periods())]


def check_within(targets: Targets, calendar: Calendar, file: str, keys: list[str] | None = None) -> None:
    """Refuse (for a calibration) observations outside the run's months, naming each row and the horizon."""
    wanted = set(keys) if keys is not None else None
    out = outside(targets, calendar)
    bad = [(i, o) for i, o in enumerate(targets.observations) if o in out and (wanted is None or o.key in wanted)]
    if bad:
        months = calendar.months()
        raise InputError(
            [
                Problem(
                    file,
                    f"observations[{i}] ({o.key}).period",
                    f"{', '.join(str(p) for p in o.periods())} is outside the scenario's months "
                    f"{months[0]}..{months[-1]}",
                )
                for i, o in bad
            ]
        )


def data_file(municipality: str) -> Path:
    """Where the shipped figures of ``municipality`` are: its name in lower case, ASCII (Malmö → malmo.yaml)."""
    ascii_name = unicodedata.normalize("NFKD", municipality).encode("ascii", "ignore").decode()
    return DATA / f"{ascii_name.strip().lower().replace(' ', '_')}.yaml"


def targets_for(municipality: str | None) -> Targets | None:
    """The shipped observed figures of ``municipality``, if there are any."""
    if not municipality:
        return None
    path = data_file(municipality)
    return load_targets(path) if path.is_file() else None
