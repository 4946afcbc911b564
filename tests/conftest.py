"""Shared helpers: scenario dictionaries to vary, and a one-household hand case."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from model.params import Params, resolve
from model.scenario import default_scenario_path, parse_scenario
from model.states import SUBSIDY_TYPES
from model.uncertainty import Distribution

ROOT = Path(__file__).resolve().parents[1]


def lund_dict(uncertain: bool = False) -> dict:
    """The default scenario as a mapping, its departments table at its absolute path.

    Every uncertain value at its central value and no labour-market factor (the point scenario, which
    most tests need), unless ``uncertain``.
    """
    d = yaml.safe_load(default_scenario_path().read_text(encoding="utf-8"))
    alloc = d["programme"]["allocation"]
    alloc["departments"] = str(default_scenario_path().parent / alloc["departments"])
    if "posterior" in d:  # the calibration's draws: at their absolute path, or gone with the other distributions
        d["posterior"] = str(default_scenario_path().parent / d["posterior"])
        if not uncertain:
            del d["posterior"]
    return d if uncertain else central(d)


def central(d: object) -> object:
    """A scenario mapping with each distribution replaced by its central value, and no labour-market factor."""
    if isinstance(d, dict) and "dist" in d:
        c = Distribution.model_validate(d).centre
        return int(c) if float(c).is_integer() and d["dist"] == "discrete" else c
    if isinstance(d, dict):
        return {k: central(v) for k, v in d.items() if k != "labour_market"}
    if isinstance(d, list):
        return [central(v) for v in d]
    return d


def small_dict(**changes: object) -> dict:
    """The Lund scenario shrunk to a few dozen households and two years (fast tests)."""
    d = lund_dict()
    d["start"], d["horizon"] = "2022-01", "2023-12"
    d["programme"].pop("allocation")  # one pool of places (tests of departments add their own)
    d["programme"]["ramp_up_months"] = 4
    d["replications"] = 3
    d["population"]["initial_households"] = 60
    d["population"]["inflow_per_month"] = 3
    d["programme"]["starts_per_year"] = {2022: {"jobs": 16, "internships": 12}}
    d["budget_frames"] = {2022: 8e6, 2023: 8e6}
    d["targets"] = [{"name": "t", "first_year": 2022, "last_year": 2023, "statistic": "mean", "threshold": 55}]
    for key, value in changes.items():
        _set(d, key, value)
    return d


def _set(d: dict, dotted: str, value: object) -> None:
    parts = dotted.split(".")
    for p in parts[:-1]:
        d = d[int(p) if p.isdigit() and int(p) in d else p]
    d[parts[-1]] = value


def financing(**take_up: float) -> dict:
    """programme.financing taking up the given subsidies (1 = whenever eligible), the others not at all."""
    order = sorted(take_up, key=lambda t: -take_up[t]) + [t for t in SUBSIDY_TYPES if t not in take_up]
    return {"order": order, "take_up": {t: float(take_up.get(t, 0.0)) for t in SUBSIDY_TYPES}}


#: The departments table's required columns, a header line
DEPARTMENTS_HEADER = (
    "name,employees,recruitment_need_2y,recruitment_need_5y,supervisor_capacity_jobs,"
    "supervisor_capacity_internships,closeness\n"
)


def with_departments(d: dict, table: Path, rows: str, method: str = "lund", lead: int = 1, **spec: object) -> dict:
    """``d`` with its places allocated among the departments ``rows`` (CSV lines), written to ``table``."""
    table.write_text(DEPARTMENTS_HEADER + rows, encoding="utf-8")
    d["programme"]["allocation"] = {
        "departments": str(table),
        "method": method,
        "lead_time_months": {"jobs": lead, "internships": lead},
        **spec,
    }
    return d


def params_of(d: dict) -> Params:
    return resolve(parse_scenario(copy.deepcopy(d)))


def write_yaml(path: Path, d: dict) -> Path:
    path.write_text(yaml.safe_dump(d, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def one_household_dict() -> dict:
    """One single adult, no children, who never leaves on their own: internship → job → a-kassa → benefit."""
    d = lund_dict()
    d["start"], d["horizon"] = "2022-01", "2024-12"
    d["programme"].pop("allocation")
    pop = d["population"]
    pop.update(
        initial_households=1,
        inflow_per_month=0,
        couple_share=0.0,
        children={0: 1.0},
        ready_share=1.0,
        akassa_member_share=0.0,
        other_income_share=0.0,
    )
    pop["reasons"] = {"unemployed": 1.0, "sfi": 0.0, "sick": 0.0, "no_capacity": 0.0, "other": 0.0}
    pop["age_shares"] = {35: 1.0}  # aged 35–50: the full arbetsgivaravgift (the youth rate has its own test)
    zero = {"work": 0.0, "studies": 0.0, "moved": 0.0, "other": 0.0}
    d["baseline"]["exit_per_month"] = {r: dict(zero) for r in ("unemployed", "sfi", "sick", "no_capacity", "other")}
    d["baseline"]["returns"] = {r: {"probability": 0.0, "mean_months": 12} for r in ("work", "studies", "other")}
    prog = d["programme"]
    prog.update(
        starts_per_year={2022: {"jobs": 2, "internships": 4}},  # 2 × 6/12 = 1 job place, 4 × 3/12 = 1 internship
        financing=financing(),  # municipal funds only
        ramp_up_months=0,
        placement_order=["internships", "jobs"],
        ordinary_workplace_share=1.0,
        supervision_cost_per_month=2000,
        supervision_compensation_per_month=1000,
        administration_per_participant_month=2500,
    )
    prog["duration_months"] = {"jobs": 6, "internships": 3}
    d["effects"]["dropout_per_month"] = {"internship": 0.0, "job": 0.0}
    d["effects"]["hire_probability"] = {"ordinary": 0.0, "created": 0.0}
    d["baseline"]["job_guarantee_share"] = 0.0  # a-kassa runs out → benefit (the guarantee has its own test)
    prog["akassa_join_at_job_start"] = 0.0
    prog["assessment_months"] = 0.0  # placed at once (the assessment has its own test)
    d["reforms"] = {"wage.monthly_wage": {"2021-01": 20000}}  # hand figures at a wage of 20 000 in every year
    d["budget_frames"] = {2022: 100000.0}
    return d


@pytest.fixture
def lund_params() -> Params:
    return resolve(parse_scenario(lund_dict()))
