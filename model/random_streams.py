"""Common random numbers: streams derived from ``SeedSequence((seed, replication, purpose))``.

Household ``i`` of a replication owns row ``i`` of a uniform matrix drawn from
the (seed, replication, purpose) generator, and, should it need more numbers,
further blocks from ``SeedSequence((seed, replication, purpose, i, block))``.
Its numbers therefore depend only on (seed, replication, household, purpose):
the programme arm and the counterfactual draw the same numbers, whatever
other households do and whatever process runs the replication.
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np

BLOCK = 16


class Purpose(IntEnum):
    ARRIVALS = 1
    ATTRIBUTES = 2
    TRANSITIONS = 3
    PROGRAMME = 4


def generator(seed: int, rep: int, purpose: Purpose, *more: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence((seed, rep, int(purpose), *more)))


class Stream:
    """One household's uniforms for one purpose, consumed in order."""

    __slots__ = ("_block", "_hh", "_owner", "_pos", "_values")

    def __init__(self, owner: HouseholdStreams, hh: int):
        self._owner = owner
        self._hh = hh
        self._values: list[float] = owner.first_block(hh)
        self._pos = 0
        self._block = 0

    def u(self) -> float:
        """The next uniform in [0, 1)."""
        if self._pos == len(self._values):
            self._block += 1
            self._values = self._owner.extra_block(self._hh, self._block)
            self._pos = 0
        v = self._values[self._pos]
        self._pos += 1
        return v


class HouseholdStreams:
    """The streams of every household of one replication, for one purpose."""

    def __init__(self, seed: int, rep: int, purpose: Purpose, n_households: int):
        self.seed, self.rep, self.purpose = seed, rep, purpose
        self._rows: list[list[float]] = generator(seed, rep, purpose).random((n_households, BLOCK)).tolist()

    def first_block(self, hh: int) -> list[float]:
        return self._rows[hh]

    def extra_block(self, hh: int, block: int) -> list[float]:
        return generator(self.seed, self.rep, self.purpose, hh, block).random(BLOCK).tolist()

    def stream(self, hh: int) -> Stream:
        """A fresh stream for household ``hh``, starting at its first number."""
        return Stream(self, hh)
