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


def _numpy_keys(p, v):
    """The schedule keys as the ledger computed them with numpy before they were compiled."""
    ak, ag = 6, 7  # State.AKASSA, State.AKTIVITETSSTOD
    which = np.flatnonzero(((v.state == ak) | (v.state == ag)) & (v.t1 > v.t0))
    ref, months, member = v.ref[which], v.job_months[which], v.member_months[which]
    guarantee = v.state[which] == ag
    month = np.floor(v.t0[which])
    decided = np.minimum(np.floor(ref + months), p.n_months - 1)
    law = p.law
    reached = member[:, None] >= law.akassa_member_thresholds[month.astype(np.int64)] - 1e-9
    income_based = np.array([a.income_based_months for a in law.akassa_access])[decided.astype(np.int64)]
    member_class = np.where(guarantee, (member > 0) & (member >= income_based - 1e-9), reached.sum(axis=1))
    columns = (guarantee, month, np.floor(ref), months, member_class, np.where(guarantee, decided, -1.0))
    return which, np.column_stack(columns).astype(np.float64)


def test_compiled_keys_are_the_numpy_keys_bit_for_bit():
    """Every a-kassa and aktivitetsstöd visit of the default's programme arm (both a-kassa laws, members and
    not, aktivitetsstöd after income-based and basic a-kassa), 6 replications of its uncertain values."""
    from model.ledger_kernel import schedule_keys
    from model.params import Resolver
    from model.scenario import load_scenario
    from model.simulate import simulate

    resolver = Resolver(load_scenario())
    seen = 0
    for rep in range(6):
        p = resolver.for_replication(rep)
        v = simulate(p, rep).arms["programme"].visits
        which, expected = _numpy_keys(p, v)
        got_which, got = np.empty(len(v), dtype=np.int64), np.empty((len(v), SCHEDULE_KEY))
        thresholds = np.asarray(p.law.akassa_member_thresholds, dtype=np.float64)
        income_based = np.array([a.income_based_months for a in p.law.akassa_access], dtype=np.float64)
        n = schedule_keys(v.state, v.t0, v.t1, v.ref, v.job_months, v.member_months, p.n_months - 1, thresholds,
                          income_based, got_which, got)  # fmt: skip
        assert np.array_equal(got_which[:n], which)
        assert got[:n].tobytes() == expected.tobytes()
        seen += n
        assert {0.0, 1.0} <= set(expected[:, 0]) and len(set(expected[:, 4])) > 2  # both kinds, several classes
    assert seen > 1000
