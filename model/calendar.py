"""Simulation time ↔ calendar.

Simulation time is a float in months; month 0 starts on the first day of the
scenario's start month. Month ``m`` covers ``[m, m + 1)``. All calendar
conversions live here so no other module does date arithmetic.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass

_YM = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True, order=True)
class YearMonth:
    """A calendar month, e.g. ``YearMonth(2022, 1)`` for January 2022."""

    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12:
            raise ValueError(f"month must be 1–12, got {self.month}")

    @classmethod
    def parse(cls, text: str | dt.date | YearMonth) -> YearMonth:
        """Parse ``'2022-01'`` (or take a date / YearMonth as it is)."""
        if isinstance(text, YearMonth):
            return text
        if isinstance(text, dt.date):  # YAML reads 2022-01-15 unquoted as a date: its day would be lost
            if text.day != 1 or isinstance(text, dt.datetime):
                raise ValueError(f"expected a month as YYYY-MM, got the date {text.isoformat()}")
            return cls(text.year, text.month)
        m = _YM.match(str(text).strip())
        if not m:
            raise ValueError(f"expected a month as YYYY-MM, got {text!r}")
        return cls(int(m.group(1)), int(m.group(2)))

    def plus(self, months: int) -> YearMonth:
        """The month ``months`` after this one."""
        idx = self.year * 12 + (self.month - 1) + months
        return YearMonth(idx // 12, idx % 12 + 1)

    def minus(self, other: YearMonth) -> int:
        """Whole months from ``other`` to ``self``."""
        return (self.year - other.year) * 12 + (self.month - other.month)

    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


@dataclass(frozen=True)
class Calendar:
    """Maps month indices of one simulation to calendar months and years."""

    start: YearMonth
    n_months: int

    @classmethod
    def between(cls, start: YearMonth, horizon: YearMonth) -> Calendar:
        """Months from ``start`` up to and including ``horizon``."""
        return cls(start, horizon.minus(start) + 1)

    def month(self, index: int) -> YearMonth:
        return self.start.plus(index)

    def date(self, t: float) -> dt.date:
        """First day of the calendar month that contains simulation time ``t``."""
        return self.month(int(t // 1)).first_day()

    def months(self) -> list[YearMonth]:
        return list(_months(self.start, self.n_months))

    def years(self) -> list[int]:
        """Calendar years touched by the simulation, in order."""
        return sorted({ym.year for ym in _months(self.start, self.n_months)})

    def year_of_month(self) -> list[int]:
        """Calendar year of each month index."""
        return list(_years(self.start, self.n_months))


@functools.lru_cache(maxsize=64)
def _years(start: YearMonth, n: int) -> tuple[int, ...]:
    return tuple(ym.year for ym in _months(start, n))


@functools.lru_cache(maxsize=64)
def _months(start: YearMonth, n: int) -> tuple[YearMonth, ...]:
    """The months of a calendar, computed once (parameters are resolved per replication)."""
    return tuple(start.plus(i) for i in range(n))
