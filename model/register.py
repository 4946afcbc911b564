"""A synthetic register: the programme arm as a person-month panel, as a register holder would see it.

IFAU-style evaluations (IFAU 2021:16) work on monthly registers: who received
benefit, who was in which programme or on a-kassa, who left for work, with the
covariates a register holds. This module writes one replication's households
in that shape, so researchers can run such estimators on data whose truth is
known. Beside the observed columns it keeps what no register has, marked
unobserved: each household's readiness and its potential outcomes without the
programme, from the paired counterfactual (common random numbers).
"""

from __future__ import annotations

import json
import math
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numba
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from model.engines import DEFAULT_ENGINE
from model.ledger import price
from model.params import Params
from model.population import Population
from model.simulate import RepResult, simulate
from model.states import EXIT_STATES, PLACE_STATES, REASONS, STATE_LABELS, State
from model.visits import Visits

BENEFIT, AKASSA, AKTIVITETSSTOD = int(State.BENEFIT), int(State.AKASSA), int(State.AKTIVITETSSTOD)
EXIT_WORK, EXIT_STUDIES = int(State.EXIT_WORK), int(State.EXIT_STUDIES)
_PLACES = np.array([int(s) for s in PLACE_STATES], dtype=np.int64)
_EXITS = np.array([int(s) for s in EXIT_STATES], dtype=np.int64)
#: Register names of the states (the exits by route: work, studies, moved, other), and "new": arrived in the month.
STATUS_NAMES: tuple[str, ...] = (*(s.removeprefix("exit_") for s in STATE_LABELS), "new")
NEW = len(STATE_LABELS)
WORKPLACES: tuple[str, ...] = ("none", "ordinary", "created")
EXIT_ROUTES: tuple[str, ...] = ("none", "work", "studies", "moved", "other")


@dataclass(frozen=True)
class Column:
    """One column of the register, as its data dictionary describes it."""

    name: str
    dtype: str
    observed: bool
    unit: str
    sv: str
    en: str


#: The register's columns in order: what a researcher gets, and what is marked unobserved.
DICTIONARY: tuple[Column, ...] = (
    Column("replication", "int16", True, "", "Replikering (ett simulerat register per replikering)",
           "Replication (one simulated register each)"),
    Column("person", "int32", True, "", "Hushållets löpnummer inom replikeringen",
           "Household number within the replication"),
    Column("month", "date", True, "", "Kalendermånad (första dagen)", "Calendar month (first day)"),
    Column("t", "int16", True, "månad", "Månad sedan simuleringens start (0 = första)",
           "Month since the run's start (0 = first)"),
    Column("status", "category", True, "", "Tillstånd vid ingången av månaden, före månadens beslut (new: kom under "
           "månaden): " + ", ".join(STATUS_NAMES), "State the month is entered in, before the month's decisions (new: "
           "arrived during the month): " + ", ".join(STATUS_NAMES)),
    Column("benefit", "bool", True, "", "Fick försörjningsstöd (eller utfyllnad) under månaden",
           "Received försörjningsstöd (or a top-up) in the month"),
    Column("benefit_sek", "float32", True, "kr", "Utbetalt försörjningsstöd och utfyllnad under månaden",
           "Försörjningsstöd and top-ups paid in the month"),
    *(
        Column(f"in_{s.label}", "bool", True, "", f"I {s.label} någon gång under månaden",
               f"In {s.label} at some time in the month")
        for s in PLACE_STATES
    ),
    Column("workplace", "category", True, "", "Arbetsplats för anställning under månaden: none, ordinary "
           "(ordinarie) eller created (skapad för programmet)", "Workplace of a job held in the month: none, ordinary "
           "or created (for the programme)"),
    Column("place_start", "category", True, "", "Insats som började under månaden (praktik eller anställningens "
           "finansiering), annars none", "Place started in the month (internship, or the job's financing), else none"),
    Column("akassa", "bool", True, "", "Fick a-kassa någon gång under månaden", "On a-kassa at some time in the month"),
    Column("aktivitetsstod", "bool", True, "", "Fick aktivitetsstöd någon gång under månaden",
           "On aktivitetsstöd at some time in the month"),
    Column("work", "bool", True, "", "I arbete utan stöd (lämnat för arbete) någon gång under månaden",
           "In unsubsidised work (left for work) at some time in the month"),
    Column("studies", "bool", True, "", "Studerar (lämnat för studier) någon gång under månaden",
           "Studying (left for studies) at some time in the month"),
    Column("exit_route", "category", True, "", "Avslut under månaden: work, studies, moved, other eller none",
           "Exit in the month: work, studies, moved, other or none"),
    Column("age", "float32", True, "år", "Ålder vid månadens början", "Age at the start of the month"),
    Column("adults", "int8", True, "", "Vuxna i hushållet (1 eller 2)", "Adults in the household (1 or 2)"),
    Column("children", "int8", True, "", "Barn under 18 år vid månadens början",
           "Children under 18 at the start of the month"),
    Column("reason", "category", True, "", "Skäl för försörjningsstöd: " + ", ".join(REASONS),
           "Reason for benefit: " + ", ".join(REASONS)),
    Column("newly_arrived", "bool", True, "", "Nyanländ (högst 3 år i Sverige)",
           "Newly arrived (3 years or less in Sweden)"),
    Column("akassa_member", "bool", True, "", "Medlem i a-kassa (12 månader eller mer) vid ankomst",
           "Member of an a-kassa (12 months or more) at arrival"),
    Column("months_on_benefit", "float32", True, "månader", "Månader sedan biståndsperioden började, vid månadens "
           "början (tom utanför försörjningsstöd)", "Months since the benefit spell began, at the start of the month "
           "(empty when not on benefit)"),
    Column("earlier_programmes", "int8", True, "", "Insatser som börjat före månaden",
           "Places started before the month"),
    Column("readiness", "float32", False, "", "EJ OBSERVERAD: arbetsberedskap (0–1; högre = närmare arbete)",
           "UNOBSERVED: readiness for work (0–1; higher = closer to work)"),
    Column("cf_benefit", "bool", False, "", "EJ OBSERVERAD: försörjningsstöd under månaden utan programmet",
           "UNOBSERVED: benefit in the month without the programme"),
    Column("cf_benefit_sek", "float32", False, "kr", "EJ OBSERVERAD: försörjningsstöd utan programmet",
           "UNOBSERVED: benefit paid without the programme"),
    Column("cf_work", "bool", False, "", "EJ OBSERVERAD: i arbete under månaden utan programmet",
           "UNOBSERVED: in work in the month without the programme"),
    Column("cf_akassa", "bool", False, "", "EJ OBSERVERAD: a-kassa under månaden utan programmet",
           "UNOBSERVED: on a-kassa in the month without the programme"),
)  # fmt: skip
COLUMNS: tuple[str, ...] = tuple(c.name for c in DICTIONARY)
UNOBSERVED: tuple[str, ...] = tuple(c.name for c in DICTIONARY if not c.observed)


def dictionary_frame() -> pd.DataFrame:
    """The data dictionary as a table (written beside the register)."""
    return pd.DataFrame(
        {
            "column": [c.name for c in DICTIONARY],
            "type": [c.dtype for c in DICTIONARY],
            "observed": [c.observed for c in DICTIONARY],
            "unit": [c.unit for c in DICTIONARY],
            "description_sv": [c.sv for c in DICTIONARY],
            "description_en": [c.en for c in DICTIONARY],
        }
    )


@numba.njit(cache=True)
def _months(hh, state, t0, t1, workplace, nxt, origin, T, mask, status, wp, spell, started, exit_to):
    """Per household and month, from visits in household order (each household's in time order): the states
    visited (bits of ``mask``), the state at the month's start (or at arrival, in the arrival month), the job's
    workplace, the benefit spell's start at the month's start, places started, and the exit route entered."""
    prev_h = -1
    spell_start = 0.0
    last = -1
    for v in range(len(hh)):
        h = hh[v]
        if h != prev_h:
            prev_h, spell_start, last = h, origin[h], -1
        s = state[v]
        a, b = t0[v], min(t1[v], float(T))
        if s == BENEFIT and last >= 0:
            for e in range(len(_EXITS)):
                if last == _EXITS[e]:  # back on benefit after an exit: a new spell
                    spell_start = a
        is_place = False
        for k in range(len(_PLACES)):
            is_place = is_place or s == _PLACES[k]
        m_start = math.floor(a)
        if is_place and m_start < T:
            started[h, m_start] = s + 1
        if nxt[v] >= EXIT_WORK and t1[v] < T:
            exit_to[h, math.floor(t1[v])] = nxt[v] - EXIT_WORK + 1
        if last < 0 and m_start < T:  # arrival: in its state at the month's start, or "new" if it came later
            status[h, m_start] = s if a == m_start else NEW
            spell[h, m_start] = spell_start if a == m_start and s == BENEFIT else np.nan
        if b > a:
            for m in range(m_start, min(math.ceil(b), T)):
                mask[h, m] |= 1 << s
                if workplace[v] > 0:
                    wp[h, m] = workplace[v]
            for m in range(m_start + 1, min(math.floor(b), T - 1) + 1):  # the state month m is entered in
                status[h, m] = s
                spell[h, m] = spell_start if s == BENEFIT else np.nan
        last = s


@dataclass(frozen=True)
class ArmMonths:
    """One arm's households by month (n × T), from its visits: the states visited (bits of ``mask``), the state
    each month is entered in, the job's workplace, the spell's start, places started, exits, and benefit paid."""

    mask: np.ndarray
    status: np.ndarray
    wp: np.ndarray
    spell: np.ndarray
    started: np.ndarray
    exit_to: np.ndarray
    paid: np.ndarray

    def has(self, s: int) -> np.ndarray:
        """Whether each household was in state ``s`` at some time in each month."""
        return (self.mask >> s) & 1 == 1

    def outcome(self, name: str) -> np.ndarray:
        """An outcome of the evaluations by household and month: benefit, work or akassa (booleans)."""
        if name == "benefit":
            return self.paid > 0
        return self.has({"work": EXIT_WORK, "akassa": AKASSA}[name])


def arm_months(p: Params, pop: Population, visits: Visits) -> ArmMonths:
    """One arm's months (see :class:`ArmMonths`); the benefit from the ledger's prices, household by household."""
    n, T = pop.n, p.n_months
    v = visits.sorted()
    out = {
        "mask": np.zeros((n, T), dtype=np.int32),
        "status": np.full((n, T), -1, dtype=np.int8),
        "wp": np.zeros((n, T), dtype=np.int8),
        "spell": np.full((n, T), np.nan),
        "started": np.zeros((n, T), dtype=np.int8),
        "exit_to": np.zeros((n, T), dtype=np.int8),
    }
    _months(v.hh, v.state.astype(np.int64), v.t0, v.t1, v.workplace, v.nxt.astype(np.int64), pop.origin, T,
            out["mask"], out["status"], out["wp"], out["spell"], out["started"], out["exit_to"])  # fmt: skip
    return ArmMonths(**out, paid=price(p, pop, visits, per_household=True).paid)


def age_in_month(pop: Population, hh: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Household ``hh``'s age at the start of month ``t`` (its age at arrival in the months before)."""
    return pop.age[hh] + np.maximum(t - pop.arrival[hh], 0.0) / 12.0


def replication_panel(p: Params, r: RepResult) -> pd.DataFrame:
    """One replication's register: a row per household and month from the month it arrives to the horizon."""
    pop, T = r.population, p.n_months
    prog, cf = r.arms["programme"].visits, r.arms["counterfactual"].visits
    mp, mc = arm_months(p, pop, prog), arm_months(p, pop, cf)
    first = np.floor(pop.arrival).astype(np.int64)
    months = np.arange(T)
    present = months[None, :] >= first[:, None]
    hh, t = np.nonzero(present)  # household order, then month
    tm = t.astype(float)
    started = mp.started[hh, t]
    earlier = np.cumsum(mp.started > 0, axis=1) - (mp.started > 0)
    births = pop.child_birth[hh]
    with np.errstate(invalid="ignore"):
        child_age = (tm[:, None] - births) / 12.0
    children = ((child_age >= 0) & (child_age < 18)).sum(axis=1)
    status = mp.status[hh, t]
    place_names = ("none", *(s.label for s in PLACE_STATES))
    place_code = np.zeros(len(hh), dtype=np.int8)
    for k, s in enumerate(PLACE_STATES, start=1):
        place_code[started == int(s) + 1] = k
    cal = p.calendar
    frame = {
        "replication": np.full(len(hh), r.rep, dtype=np.int16),
        "person": hh.astype(np.int32),
        "month": np.array([m.first_day() for m in cal.months()], dtype="datetime64[D]")[t],
        "t": t.astype(np.int16),
        "status": pd.Categorical.from_codes(status, STATUS_NAMES),
        "benefit": mp.paid[hh, t] > 0,
        "benefit_sek": mp.paid[hh, t].astype(np.float32),
        **{f"in_{s.label}": mp.has(int(s))[hh, t] for s in PLACE_STATES},
        "workplace": pd.Categorical.from_codes(mp.wp[hh, t], WORKPLACES),
        "place_start": pd.Categorical.from_codes(place_code, place_names),
        "akassa": mp.has(AKASSA)[hh, t],
        "aktivitetsstod": mp.has(AKTIVITETSSTOD)[hh, t],
        "work": mp.has(EXIT_WORK)[hh, t],
        "studies": mp.has(EXIT_STUDIES)[hh, t],
        "exit_route": pd.Categorical.from_codes(mp.exit_to[hh, t], EXIT_ROUTES),
        "age": age_in_month(pop, hh, t).astype(np.float32),
        "adults": pop.adults[hh].astype(np.int8),
        "children": children.astype(np.int8),
        "reason": pd.Categorical.from_codes(pop.reason[hh], REASONS),
        "newly_arrived": pop.newly_arrived[hh].astype(bool),
        "akassa_member": pop.member[hh].astype(bool),
        "months_on_benefit": np.maximum(tm - mp.spell[hh, t], 0.0).astype(np.float32),
        "earlier_programmes": np.minimum(earlier[hh, t], 127).astype(np.int8),
        "readiness": pop.readiness[hh].astype(np.float32),
        "cf_benefit": mc.paid[hh, t] > 0,
        "cf_benefit_sek": mc.paid[hh, t].astype(np.float32),
        "cf_work": mc.has(EXIT_WORK)[hh, t],
        "cf_akassa": mc.has(AKASSA)[hh, t],
    }
    return pd.DataFrame(frame, columns=list(COLUMNS))


def write(p_of: Callable[[int], Params], reps: list[int], folder: Path, meta: dict, engine: str = DEFAULT_ENGINE,
          on_rep: Callable[[int], None] | None = None) -> Path:  # fmt: skip
    """Simulate replications ``reps`` and write ``folder``: register.parquet, dictionary.csv, register.json.

    Everything is written into ``<folder>.partial`` first and renamed at the end, so a folder that exists is
    whole; replications are appended to one Parquet file as they finish (memory stays one replication's).
    """
    staging = folder.with_name(folder.name + ".partial")
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    writer = None
    rows = 0
    try:
        for rep in reps:
            p = p_of(rep)
            table = pa.Table.from_pandas(
                replication_panel(p, simulate(p, rep, engine_name=engine)), preserve_index=False
            )
            if writer is None:
                writer = pq.ParquetWriter(staging / "register.parquet", table.schema, compression="zstd")
            writer.write_table(table)
            rows += table.num_rows
            if on_rep is not None:
                on_rep(rep)
    finally:
        if writer is not None:
            writer.close()
    dictionary_frame().to_csv(staging / "dictionary.csv", index=False)
    info = {**meta, "replications": reps, "rows": rows, "unobserved": list(UNOBSERVED)}
    (staging / "register.json").write_text(json.dumps(info, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(staging, folder)
    return folder
