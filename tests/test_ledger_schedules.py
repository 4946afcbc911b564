"""The ledger's table of a-kassa and aktivitetsstöd schedules: one row per key, found again bit for bit."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from model.ledger import ScheduleTable
from model.ledger_kernel import SCHEDULE_KEY

VALUES = (0.0, -0.0, 1.0, 3.0, 12.0, 18.5, 111.0, np.inf, np.nan, -1.0)  # -0.0 and NaN: bits, not ==


class _Law:
    def __init__(self) -> None:
        self.built: list[tuple] = []

    def state_income(self, *args: object) -> SimpleNamespace:
        self.built.append(args)
        return SimpleNamespace(rates=(float(len(self.built)),), breaks=(), days=300.0, days_per_month=21.75)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.lists(st.sampled_from(VALUES), min_size=SCHEDULE_KEY, max_size=SCHEDULE_KEY),
                         max_size=150), min_size=1, max_size=6))  # fmt: skip
def test_each_key_gets_one_row_and_is_found_again(calls):
    p = SimpleNamespace(law=_Law())
    table, rows = ScheduleTable(), {}
    for call in calls:
        keys = np.array(call, dtype=np.float64).reshape(-1, SCHEDULE_KEY)
        found = table.index(p, keys, lambda i, keys=keys: (keys[i].tobytes(),))
        for key, row in zip(keys, found, strict=True):
            assert rows.setdefault(key.tobytes(), row) == row  # the same key, the same row, in every call
    assert len(p.law.built) == len(rows) == len(table.key_bits) == len(table.days)  # built once each
    assert sorted(rows.values()) == list(range(len(rows)))
    assert all(p.law.built[row] == (key,) for key, row in rows.items())  # each row built from its own key
    n = len(table.slots)
    assert n & (n - 1) == 0 and 2 * len(rows) <= n and (table.slots >= 0).sum() == len(rows)
