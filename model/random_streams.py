"""Common random numbers: streams derived from ``SeedSequence((seed, replication, purpose))``.

Household ``i`` of a replication owns row ``i`` of a uniform matrix drawn from
the (seed, replication, purpose) generator, and, should it need more numbers,
further blocks from ``SeedSequence((seed, replication, purpose, i, block))``.
Its numbers therefore depend only on (seed, replication, household, purpose):
the programme arm and the counterfactual draw the same numbers, whatever
other households do and whatever process runs the replication.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from enum import IntEnum

import numpy as np

BLOCK = 16


class Purpose(IntEnum):
    ARRIVALS = 1
    ATTRIBUTES = 2
    TRANSITIONS = 3
    PROGRAMME = 4
    PARAMETERS = 5  # uncertain scenario values, keyed further by the value's path (model/uncertainty.py)
    LABOUR_MARKET = 6  # the shared labour-market factor (model/labour_market.py)


def generator(seed: int, rep: int, purpose: Purpose, *more: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence((seed, rep, int(purpose), *more)))


def _more(owner: HouseholdStreams, hh: int) -> Iterator[float]:
    """Further blocks of a household's stream, drawn only if it ever needs them."""
    block = 0
    while True:
        block += 1
        yield from owner.extra_block(hh, block)


class HouseholdStreams:
    """The streams of every household of one replication, for one purpose."""

    def __init__(self, seed: int, rep: int, purpose: Purpose, n_households: int):
        self.seed, self.rep, self.purpose = seed, rep, purpose
        # one flat buffer; a household's block is a memoryview slice whose iteration yields floats in C
        self._matrix = generator(seed, rep, purpose).random((n_households, BLOCK))
        self._flat = memoryview(self._matrix.reshape(-1))

    def first_matrix(self) -> np.ndarray:
        """Every household's first block, (households, BLOCK): what the fast engine reads."""
        return self._matrix

    def first_block(self, hh: int) -> memoryview:
        return self._flat[hh * BLOCK : (hh + 1) * BLOCK]

    def extra_block(self, hh: int, block: int) -> list[float]:
        return generator(self.seed, self.rep, self.purpose, hh, block).random(BLOCK).tolist()

    def stream(self, hh: int) -> Iterator[float]:
        """A fresh stream for household ``hh``, starting at its first number.

        An iterator, so that drawing is a C-level ``next``: ``u = stream.__next__``.
        """
        return itertools.chain(self.first_block(hh), _more(self, hh))
