"""One replication: the programme arm and its counterfactual, with common random numbers.

Households never placed in the programme arm live exactly the same lives in
the counterfactual: they draw the same numbers and nothing in the model couples
a household to others except places. So the counterfactual re-simulates only
the programme's participants, and both arms share the non-participants'
visits and prices. ``full_counterfactual=True`` runs the counterfactual for
everyone instead; the tests check that both give identical results.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.engines import DEFAULT_ENGINE, engine
from model.ledger import CATEGORY_INDEX, DEPARTMENT_FIELDS, Priced, department_months, price
from model.memo import per_object
from model.params import Params
from model.population import Population, generate
from model.random_streams import HouseholdStreams, Purpose
from model.states import PLACE_STATES
from model.visits import Visits

ARMS = ("programme", "counterfactual")
_COUNTERFACTUAL: dict = {}  # each Params' counterfactual (model/memo.py)


@dataclass(frozen=True)
class ArmOutput:
    """Everything one arm of one replication produced, as arrays by month."""

    visits: Visits
    stocks: np.ndarray  # (months, states) at each month's end
    arrivals: np.ndarray  # (months,) new households
    starts: np.ndarray  # (months, place types) placements started
    flows: np.ndarray  # (categories, months) SEK
    households_on_benefit: np.ndarray  # (months,)
    departments: np.ndarray | None = None  # (departments, DEPARTMENT_FIELDS, months), programme arm


@dataclass(frozen=True)
class RepResult:
    rep: int
    arms: dict[str, ArmOutput]
    events: int
    household_months: float  # tracked household-months, both arms, as output
    simulated_household_months: float  # what the engine actually simulated
    sampled_stocks: np.ndarray  # programme arm, engine counters (a cross-check)
    participants: np.ndarray
    population: Population
    participant_on_benefit: np.ndarray  # (households, months) bool, programme arm: participants' months on benefit
    participant_visits: Visits  # programme arm, the participants' visits only (canonical order)
    participant_paid: dict[str, np.ndarray]  # per arm, (households, months) SEK of benefit and top-ups (participants')


def _starts(visits: Visits, n_months: int) -> np.ndarray:
    out = np.zeros((n_months, len(PLACE_STATES)), dtype=np.int64)
    for k, s in enumerate(PLACE_STATES):
        t0 = visits.t0[visits.state == int(s)]
        out[:, k] = np.bincount(np.floor(t0[t0 < n_months]).astype(np.int64), minlength=n_months)
    return out


def _arrivals(pop: Population, n_months: int) -> np.ndarray:
    new = pop.arrival[~pop.initial]
    return np.bincount(np.floor(new).astype(np.int64), minlength=n_months)[:n_months]


def _combine(a: Priced, b: Priced) -> tuple[np.ndarray, np.ndarray]:
    return a.flows + b.flows, a.households_on_benefit + b.households_on_benefit


def simulate(p: Params, rep: int, full_counterfactual: bool = False, engine_name: str = DEFAULT_ENGINE) -> RepResult:
    """Run replication ``rep`` of both arms with engine ``engine_name`` (model/engines)."""
    run_arm = engine(engine_name)
    T = p.n_months
    pop = generate(p, rep)
    ts = HouseholdStreams(p.seed, rep, Purpose.TRANSITIONS, pop.n)
    ps = HouseholdStreams(p.seed, rep, Purpose.PROGRAMME, pop.n)
    prog = run_arm(p, pop, ts, ps)
    part = prog.participants
    placed = np.zeros(pop.n, dtype=bool)
    placed[part] = True
    prog_visits, cut = prog.visits.split(placed)  # non-participants (shared by both arms), then participants
    shared, prog_part = prog_visits.rows(0, cut), prog_visits.rows(cut, len(prog_visits))
    cf_p = per_object(_COUNTERFACTUAL, p, p.without_programme)  # one per Params: engines keep what they derive
    # month-end counts: the engines' own counters (tested equal to the visits'), the shared part's once
    if full_counterfactual:
        cf = run_arm(cf_p, pop, ts, ps)
        cf_visits, cf_cut = cf.visits.split(placed)
        cf_shared, cf_part = cf_visits.rows(0, cf_cut), cf_visits.rows(cf_cut, len(cf_visits))
        cf_events, cf_months = cf.events, cf.tracked_months
        cf_stocks = cf.sampled_stocks
    else:
        cf = run_arm(cf_p, pop, ts, ps, ids=part)
        cf_shared, cf_part = shared, cf.visits.sorted()
        cf_visits = None
        cf_events = cf.events + (prog.events - _events_of(prog_part))
        cf_months = prog.tracked_months - prog.participants_tracked_months + cf.tracked_months
        cf_stocks = prog.sampled_stocks - prog_part.stocks(T) + cf.sampled_stocks  # participants' replaced
    priced_shared = price(p, pop, shared)
    priced_cf_shared = priced_shared if cf_shared is shared else price(p, pop, cf_shared)
    arms = {}
    arrivals = _arrivals(pop, T)  # the same households arrive in both arms
    priced_prog_part = price(p, pop, prog_part, per_household=True)
    priced_cf_part = price(p, pop, cf_part, per_household=True)
    shared_starts = {id(shared): _starts(shared, T)}
    if cf_shared is not shared:
        shared_starts[id(cf_shared)] = _starts(cf_shared, T)
    for arm, shared_visits, shared_price, own, own_price, whole, stocks in (
        ("programme", shared, priced_shared, prog_part, priced_prog_part, prog_visits, prog.sampled_stocks),
        ("counterfactual", cf_shared, priced_cf_shared, cf_part, priced_cf_part, cf_visits, cf_stocks),
    ):
        flows, on_benefit = _combine(shared_price, own_price)
        visits = whole if whole is not None else Visits.concat([shared_visits, own])
        dept = department_months(p, own) if arm == "programme" else None  # only participants hold places
        if dept is not None:
            flows[CATEGORY_INDEX["penalty"]] += dept[:, DEPARTMENT_FIELDS.index("penalty_sek")].sum(axis=0)
        arms[arm] = ArmOutput(
            visits=visits,
            stocks=stocks,
            arrivals=arrivals,
            starts=shared_starts[id(shared_visits)] + _starts(own, T),  # counts add up over disjoint households
            flows=flows,
            households_on_benefit=on_benefit,
            departments=dept,
        )
    simulated = prog.tracked_months + cf.tracked_months
    return RepResult(
        rep=rep,
        arms=arms,
        events=prog.events + cf_events,
        household_months=prog.tracked_months + cf_months,
        simulated_household_months=simulated,
        sampled_stocks=prog.sampled_stocks,
        participants=part,
        population=pop,
        participant_on_benefit=priced_prog_part.on_benefit,
        participant_visits=prog_part,
        participant_paid={"programme": priced_prog_part.paid, "counterfactual": priced_cf_part.paid},
    )


def _events_of(visits: Visits) -> int:
    """Transitions in a set of visits (those that end before the horizon)."""
    return int((visits.nxt >= 0).sum())
