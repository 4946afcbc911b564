"""Errors a user can act on: each names the file, the field and what is allowed."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One problem in one input file."""

    file: str
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.field}" if self.field else self.file
        return f"{where}: {self.message}"


class AmsimError(Exception):
    """Base class for errors shown to users without a traceback."""


class InputError(AmsimError):
    """Invalid input: one or more problems, each naming file and field."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class RuleError(AmsimError):
    """A rule was asked for something it does not define (unknown path, early date)."""
