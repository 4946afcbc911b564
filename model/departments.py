"""The departments table: who can take places, how many they can supervise, what they need.

A CSV (``#`` lines are comments) or Excel file with one row per department.
Every problem names the file, the row (and department) and the column, and
says what is allowed; nothing is read half.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import pandas as pd
from openpyxl.utils.exceptions import InvalidFileException
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from model.errors import InputError, Problem
from model.states import PLACE_CLASSES

#: Place classes a department hosts: jobs (whatever their financing) and internships.
CLASSES: tuple[str, ...] = PLACE_CLASSES

REQUIRED = (
    "name",
    "employees",
    "recruitment_need_2y",
    "recruitment_need_5y",
    "supervisor_capacity_jobs",
    "supervisor_capacity_internships",
    "closeness",
)
OPTIONAL = ("closed_months", "fixed_jobs", "fixed_internships", "summer_trainees", "summer_months", "other_trainees")
#: Months of feriepraktik when a table gives summer trainees but no months (Lund §4.2: "under sommarhalvåret")
SUMMER_MONTHS = (6, 7, 8)
COLUMNS = REQUIRED + OPTIONAL

Count = Annotated[int, Field(ge=0)]


class _Row(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=False, allow_inf_nan=False)

    name: Annotated[str, Field(min_length=1)]
    employees: Count
    recruitment_need_2y: Count
    recruitment_need_5y: Count
    supervisor_capacity_jobs: Count
    supervisor_capacity_internships: Count
    closeness: Annotated[float, Field(ge=0, le=1)]
    closed_months: tuple[int, ...] = ()
    fixed_jobs: Count | None = None
    fixed_internships: Count | None = None
    summer_trainees: Count = 0
    summer_months: tuple[int, ...] = SUMMER_MONTHS
    other_trainees: Count = 0

    @field_validator("closed_months", "summer_months", mode="before")
    @classmethod
    def _months(cls, v: object) -> tuple[int, ...]:
        """'7' or '6 7 8' (or ';'-separated); each month 1–12."""
        if v is None or (isinstance(v, float) and pd.isna(v)) or str(v).strip() == "":
            return ()
        parts = str(v).replace(";", " ").replace(",", " ").split()
        try:
            months = tuple(sorted({int(float(x)) for x in parts}))
        except ValueError:
            raise ValueError(f"months 1–12 separated by spaces, e.g. '7' or '6 7 8'; got {v!r}") from None
        if any(not 1 <= m <= 12 for m in months):
            raise ValueError(f"months must be 1–12, got {v!r}")
        return months


@dataclass(frozen=True)
class Department:
    """One department's row, validated."""

    name: str
    employees: int
    recruitment_need_2y: int
    recruitment_need_5y: int
    supervisor_capacity_jobs: int
    supervisor_capacity_internships: int
    closeness: float
    closed_months: tuple[int, ...] = ()
    fixed_jobs: int | None = None
    fixed_internships: int | None = None
    summer_trainees: int = 0
    summer_months: tuple[int, ...] = SUMMER_MONTHS
    other_trainees: int = 0

    def capacity(self, cls: str, month: int | None = None) -> int:
        """Places of class ``cls`` the department can supervise, with the supervisors it shares (Lund §4.2).

        Other trainees (LIA, prao, lönebidrag) take supervisors all year; summer
        trainees (feriepraktik) also in ``summer_months`` when ``month`` (1–12) is
        given. Each takes one place from the department's supervisors, shared in
        proportion between jobs and internships.
        """
        own = self.supervisor_capacity_jobs if cls == "jobs" else self.supervisor_capacity_internships
        total = self.supervisor_capacity_jobs + self.supervisor_capacity_internships
        taken = self.other_trainees + (self.summer_trainees if month in self.summer_months else 0)
        if total == 0 or taken == 0:
            return own
        return int(own * max(0.0, 1.0 - taken / total) + 1e-9)

    def fixed(self, cls: str) -> int | None:
        return self.fixed_jobs if cls == "jobs" else self.fixed_internships

    @property
    def recruitment_need(self) -> int:
        """Recruitment need over five years (the GAP analysis' longer horizon includes the two-year need)."""
        return max(self.recruitment_need_2y, self.recruitment_need_5y)


def _read(path: Path) -> pd.DataFrame:
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return pd.read_excel(path, dtype=object)
    return pd.read_csv(path, comment="#", dtype=object, skipinitialspace=True)


def load_departments(path: str | Path) -> tuple[Department, ...]:
    """Read and validate a departments table (CSV or Excel)."""
    path = Path(path)
    file = str(path)
    try:
        frame = _read(path)
    except FileNotFoundError:
        raise InputError([Problem(file, "", "file not found")]) from None
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, pd.errors.ParserError, InvalidFileException) as err:
        raise InputError([Problem(file, "", f"cannot read the table: {err or type(err).__name__}")]) from None
    return departments_from_frame(frame, file)


def departments_from_frame(frame: pd.DataFrame, file: str = "<departments>") -> tuple[Department, ...]:
    """Validate a table already read; rows are numbered as in a spreadsheet (header = row 1)."""
    frame = frame.rename(columns=lambda c: str(c).strip())
    problems = []
    unknown = [c for c in frame.columns if c not in COLUMNS]
    if unknown:
        problems.append(
            Problem(file, "columns", f"unknown column(s) {', '.join(unknown)}; allowed: {', '.join(COLUMNS)}")
        )
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        problems.append(
            Problem(file, "columns", f"missing column(s) {', '.join(missing)}; required: {', '.join(REQUIRED)}")
        )
    if problems:
        raise InputError(problems)
    if frame.empty:
        raise InputError([Problem(file, "", "no departments (the table has no rows)")])
    out, seen = [], set()
    for i, raw in enumerate(frame.to_dict("records")):
        row_no = i + 2
        values = {k: (None if (not isinstance(v, str) and pd.isna(v)) else v) for k, v in raw.items()}
        label = f"row {row_no} ({values.get('name') or 'no name'})"
        values = {k: (v.strip() if isinstance(v, str) else v) for k, v in values.items()}
        for k in OPTIONAL:
            if values.get(k) in ("", None):
                values.pop(k, None)
        try:
            row = _Row.model_validate(values)
        except ValidationError as err:
            for e in err.errors():
                column = ".".join(str(x) for x in e["loc"]) or "row"
                problems.append(Problem(file, f"{label}: {column}", e["msg"]))
            continue
        if row.name in seen:
            problems.append(Problem(file, f"{label}: name", f"department {row.name!r} appears twice"))
        seen.add(row.name)
        out.append(Department(**row.model_dump()))
    if problems:
        raise InputError(problems)
    return tuple(out)
