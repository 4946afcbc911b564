"""A municipality's own follow-up of its participants, month by month, and what it cannot see.

Linköping counted its participants, those who left benefit for work and for
studies, and the benefit the leavers were not paid: each leaver's monthly
benefit before the programme for every month after the one they left
(Linköping §2.3). The model can do the same from the simulated leavers, and
beside it put what the paired counterfactual says the same households cost in
the same months without the programme. The gap is what the follow-up's method
cannot see: leavers who would have left anyway, and leavers who come back.
"""

from __future__ import annotations

import numpy as np

from model.ledger import need
from model.params import Params
from model.population import Population
from model.states import PLACE_STATES, State
from model.visits import Visits

#: Per month of the programme arm, in this order.
FIELDS: tuple[str, ...] = (
    "participants_new",  # households placed for the first time in the month
    "left_for_work",  # participants whose first exit to work since their first placement is in the month
    "left_for_studies",  # as above, to studies
    "leavers_not_paid_sek",  # the follow-up's way: each work leaver's benefit before the programme, every later month
    "leavers_saved_sek",  # the same leavers and months: counterfactual benefit − programme-arm benefit
)

_PLACES = np.array([int(s) for s in PLACE_STATES], dtype=np.int64)


def _first(hh: np.ndarray, t: np.ndarray, n: int) -> np.ndarray:
    """Each household's earliest ``t`` among the given rows (inf where it has none)."""
    out = np.full(n, np.inf)
    np.minimum.at(out, hh, t)
    return out


def _by_month(t: np.ndarray, n_months: int) -> np.ndarray:
    t = t[np.isfinite(t) & (t < n_months)]
    return np.bincount(np.floor(t).astype(np.int64), minlength=n_months)[:n_months].astype(float)


def follow_up(
    p: Params, pop: Population, visits: Visits, paid_programme: np.ndarray, paid_counterfactual: np.ndarray
) -> np.ndarray:
    """(FIELDS, months) from the programme arm's visits of the participants and each arm's benefit and top-ups
    per household and month (:func:`model.ledger.price` with ``per_household``)."""
    T, n = p.n_months, pop.n
    out = np.zeros((len(FIELDS), T))
    placed = np.isin(visits.state, _PLACES)
    first = _first(visits.hh[placed], visits.t0[placed], n)
    out[0] = _by_month(first, T)
    left = {}
    for k, state in ((1, State.EXIT_WORK), (2, State.EXIT_STUDIES)):
        exits = (visits.state == int(state)) & (visits.t0 >= first[visits.hh])
        left[state] = _first(visits.hh[exits], visits.t0[exits], n)
        out[k] = _by_month(left[state], T)
    work = left[State.EXIT_WORK]
    leavers = np.flatnonzero(np.isfinite(work) & (work < T))
    if len(leavers):
        exit_month = np.floor(work[leavers]).astype(np.int64)
        placed_month = np.minimum(np.floor(first[leavers]).astype(np.int64), T - 1)
        before = np.maximum(need(p, pop, leavers, placed_month), 0.0)  # what full benefit paid when placed
        after = np.arange(T)[None, :] > exit_month[:, None]  # the months after the one each left in
        out[3] = (before[:, None] * after).sum(axis=0)
        out[4] = ((paid_counterfactual[leavers] - paid_programme[leavers]) * after).sum(axis=0)
    return out
