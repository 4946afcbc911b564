"""The scenario file: a typed schema that rejects unknown keys and names valid ones.

``load_scenario(path)`` reads YAML, validates it and returns a :class:`Scenario`;
every problem is reported as ``file: field: message``.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import itertools
import math
from pathlib import Path
from typing import Annotated, Any, Literal, get_args, get_origin

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    ValidationError,
    field_validator,
    model_validator,
)

from model import yamlfile
from model.allocation import LINKOPING_SIZE_WEIGHT
from model.calendar import Calendar, YearMonth
from model.errors import AmsimError, InputError, Problem
from model.rules.functions import NEW_LAW_COUNTING_DEFAULT
from model.states import JOB_TYPES, PLACE_CLASSES, PLACE_TYPES, SUBSIDY_TYPES
from model.summary import Notice
from model.uncertainty import Distribution

Prob = Annotated[float, Field(ge=0, le=1)]
NonNeg = Annotated[float, Field(ge=0)]
Month = Annotated[YearMonth, BeforeValidator(YearMonth.parse), PlainSerializer(str, return_type=str)]
PlaceType = Literal["internship", "municipal_job", "nystartsjobb", "introduktionsjobb", "extratjanst"]
JobType = Literal["municipal_job", "nystartsjobb", "introduktionsjobb", "extratjanst"]
SubsidyType = Literal["nystartsjobb", "introduktionsjobb", "extratjanst"]
PlaceClass = Literal["jobs", "internships"]
ReasonName = Literal["unemployed", "sfi", "sick", "no_capacity", "other"]
PriorityKey = Literal["after_internship", "children", "readiness", "longest_on_benefit", "lottery"]
assert set(get_args(PlaceType)) == set(PLACE_TYPES) and set(get_args(JobType)) == set(JOB_TYPES)
assert set(get_args(SubsidyType)) == set(SUBSIDY_TYPES) and set(get_args(PlaceClass)) == set(PLACE_CLASSES)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


def _sums_to_one(values: dict[str, float], what: str) -> None:
    total = sum(values.values())
    if abs(total - 1.0) > 1e-6:
        raise ValueError(f"{what} must sum to 1 (got {total:.6g})")


class ByReason(Strict):
    """One value per reason for benefit (facts.md §1)."""

    unemployed: float
    sfi: float
    sick: float
    no_capacity: float
    other: float


class ReasonShares(ByReason):
    unemployed: Prob
    sfi: Prob
    sick: Prob
    no_capacity: Prob
    other: Prob

    @model_validator(mode="after")
    def _one(self) -> ReasonShares:
        _sums_to_one(self.model_dump(), "reason shares")
        return self


#: A monthly hazard: above 30 (once a day) it can only be a slip of the unit, and far above it, with the
#: duration and labour-market multipliers, it would overflow to infinity
Hazard = Annotated[float, Field(ge=0, le=30)]


class ExitRates(Strict):
    """Monthly hazards of leaving benefit, by route."""

    work: Hazard
    studies: Hazard
    moved: Hazard
    other: Hazard


class ExitRatesByReason(Strict):
    unemployed: ExitRates
    sfi: ExitRates
    sick: ExitRates
    no_capacity: ExitRates
    other: ExitRates


class Return(Strict):
    """Whether, and how soon, a household that left benefit comes back."""

    probability: Prob
    mean_months: Annotated[float, Field(gt=0)]


class Returns(Strict):
    work: Return
    studies: Return
    other: Return


class Population(Strict):
    initial_households: Annotated[int, Field(ge=0)]
    inflow_per_month: NonNeg | dict[int, NonNeg]
    reasons: ReasonShares
    couple_share: Prob
    children: dict[Annotated[int, Field(ge=0, le=6)], Prob]
    ready_share: Prob
    akassa_member_share: Prob
    other_income_share: Prob
    #: share of that other income a household keeps in months with a programme wage, a-kassa or aktivitetsstöd
    other_income_kept_with_pay: Prob = 1.0
    age_shares: dict[Annotated[int, Field(ge=16, le=64)], Prob]  # lower age of each band (to 65) → share
    newly_arrived_reasons: list[ReasonName]  # reasons whose households count as newly arrived (≤ 3 years)
    #: mean months away from work before the benefit spell began (exponential); counts toward subsidy eligibility
    months_away_before_benefit: NonNeg = 0.0

    @model_validator(mode="after")
    def _someone(self) -> Population:
        inflow = self.inflow_per_month
        if self.initial_households == 0 and not any(inflow.values() if isinstance(inflow, dict) else [inflow]):
            raise ValueError("no households: initial_households and inflow_per_month are both 0")
        return self

    @field_validator("age_shares")
    @classmethod
    def _ages_sum(cls, v: dict[int, float]) -> dict[int, float]:
        _sums_to_one({str(k): x for k, x in v.items()}, "age shares")
        return v

    @field_validator("children")
    @classmethod
    def _children_sum(cls, v: dict[int, float]) -> dict[int, float]:
        _sums_to_one({str(k): x for k, x in v.items()}, "children shares")
        return v


class Baseline(Strict):
    exit_per_month: ExitRatesByReason
    duration_bands: list[NonNeg]
    duration_multipliers: list[NonNeg]
    returns: Returns
    #: share of households whose a-kassa runs out who enter jobb- och utvecklingsgarantin (aktivitetsstöd)
    job_guarantee_share: Prob
    #: log-ratio of the work-exit hazard of the most to the least ready household (0: readiness only orders queues)
    readiness_work_effect: Annotated[float, Field(ge=0, le=5)] = 0.0

    @model_validator(mode="after")
    def _bands(self) -> Baseline:
        b = self.duration_bands
        if not b or b[0] != 0 or any(x >= y for x, y in itertools.pairwise(b)):
            raise ValueError("duration_bands must start at 0 and increase")
        if len(self.duration_multipliers) != len(b):
            raise ValueError("duration_multipliers needs one value per duration band")
        return self


class Starts(Strict):
    """Starts per year (Lund's unit: "200 jobs tillsatta in 2022")."""

    jobs: NonNeg
    internships: NonNeg


class Places(Strict):
    """Places open on average in a year, by class (the unit of a budget in place-months)."""

    jobs: NonNeg
    internships: NonNeg


class ClassDurations(Strict):
    """Planned months of a place, by class (a subsidy's legal maximum may cut a job shorter)."""

    jobs: Annotated[float, Field(gt=0)]
    internships: Annotated[float, Field(gt=0)]


ByYearProb = Prob | dict[int, Prob]


class TakeUp(Strict):
    """Share of eligible job holders for whom the social board obtains each subsidy (a number or {year: share})."""

    nystartsjobb: ByYearProb
    introduktionsjobb: ByYearProb
    #: closed to new decisions from 2022-01-01 (rule extratjanst.new_placements), so none by default
    extratjanst: ByYearProb = 0.0


class Financing(Strict):
    """How a job is financed: nystartsjobb and introduktionsjobb are subsidies of a municipal job, not places.

    At a job's start the subsidies are tried in ``order``; the first one the
    holder is eligible for (rules of the placement month) and that the social
    board takes up (``take_up``) finances the job; otherwise municipal funds do.
    """

    order: list[SubsidyType]
    take_up: TakeUp

    @model_validator(mode="after")
    def _order(self) -> Financing:
        if len(set(self.order)) != len(self.order):
            raise ValueError("order must list each subsidy at most once")
        for t in SUBSIDY_TYPES:  # a subsidy left out is never tried
            if t not in self.order and _positive(getattr(self.take_up, t)):
                raise ValueError(f"order: {t} has a take-up above 0 but is not in the order")
        return self


def _positive(v: float | dict[int, float]) -> bool:
    return any(x > 0 for x in v.values()) if isinstance(v, dict) else v > 0


class LeadTime(Strict):
    """Months for a department's allocated places to open, from the month they are first allocated."""

    jobs: NonNeg
    internships: NonNeg


class AllocationSpec(Strict):
    """Places shared among departments by an allocation method (model/allocation.py)."""

    #: departments table (CSV or Excel); a relative path is read from the scenario file's folder
    departments: Annotated[str, Field(min_length=1)]
    method: Literal["dialogue", "malmo", "linkoping", "lund"]
    #: linkoping: weight of size against recruitment need (assumption: equal weights)
    size_weight: Prob = LINKOPING_SIZE_WEIGHT
    lead_time_months: LeadTime
    #: share of its allocated places a department creates, by class and year (years not given: all)
    created_share: dict[Literal["jobs", "internships"], dict[int, Prob]] = Field(default_factory=dict)
    #: paid by a department to the social board per missing place and month (Malmö: 7 500 SEK)
    penalty_per_missing_place_month: NonNeg = 0.0


class Programme(Strict):
    #: the target as starts per year (places = starts × planned months / 12) …
    starts_per_year: dict[int, Starts] | None = None
    #: … or as places open on average (starts = places × 12 / planned months): give one of the two
    places_per_year: dict[int, Places] | None = None
    financing: Financing
    duration_months: ClassDurations
    hours_share: Annotated[float, Field(gt=0, le=1)]
    #: without departments: months over which the places open (with departments their lead times apply)
    ramp_up_months: Annotated[int, Field(ge=0)] = 0
    eligible_reasons: list[ReasonName]
    max_jobs_per_household: Annotated[int, Field(ge=0)]
    max_internships_per_household: Annotated[int, Field(ge=0)]
    #: who is placed first; "lottery" is a random order drawn once per household: matching that nothing the
    #: register holds or the household's prospects explain (no two households tie, so keys after it never apply)
    priority: list[PriorityKey]
    #: which class a household eligible for both is offered first
    placement_order: list[PlaceClass]
    ordinary_workplace_share: Prob
    supervision_cost_per_month: NonNeg
    supervision_compensation_per_month: NonNeg
    administration_per_participant_month: NonNeg
    #: places shared among departments; without it places are one municipal pool (ramp_up_months applies)
    allocation: AllocationSpec | None = None
    #: the employer's pension cost: a BEA employee under AKAP-KR, or the municipal average PO-pålägg
    payroll: Literal["bea", "average_po"] = "bea"
    #: months on benefit before a household's first placement: assessment and matching
    assessment_months: NonNeg = 0.0
    #: each household's assessment takes its own time, exponential with mean assessment_months, drawn again for
    #: each new benefit spell (how long assessment and matching take varies; default: the same for everyone)
    assessment_varies: bool = False
    #: a first placement is decided at the start of a month: the assessment ends with the month it ends in
    decisions_at_month_start: bool = False
    #: share of job holders not in an a-kassa who join one when the job starts (Lund §4.4: encouraged)
    akassa_join_at_job_start: Prob
    #: which job types count toward a-kassa under the new law (2025-10-01 on): not settled in law or practice
    akassa_new_law_counting_job_types: list[JobType] = Field(default_factory=lambda: list(NEW_LAW_COUNTING_DEFAULT))

    @model_validator(mode="before")
    @classmethod
    def _moved(cls, data: Any) -> Any:
        if isinstance(data, dict) and "job_mix" in data:
            raise ValueError(
                "job_mix is gone: nystartsjobb, introduktionsjobb and extratjänst are financing of a job, not places "
                "of their own; give programme.financing (order, take_up) and duration_months {jobs, internships}"
            )
        return data

    @property
    def target_unit(self) -> Literal["starts", "places"]:
        return "places" if self.places_per_year is not None else "starts"

    @property
    def targets_by_year(self) -> dict[int, Starts] | dict[int, Places]:
        """The targets as given, in :attr:`target_unit`."""
        return self.places_per_year if self.places_per_year is not None else self.starts_per_year or {}

    @model_validator(mode="after")
    def _lists(self) -> Programme:
        if (self.starts_per_year is None) == (self.places_per_year is None):
            raise ValueError(
                "give the targets as either starts_per_year (starts; places follow from the length) or "
                "places_per_year (places open on average; starts follow), not both or neither"
            )
        if sorted(self.placement_order) != sorted(PLACE_CLASSES):
            raise ValueError(f"placement_order must list each place class once: {', '.join(PLACE_CLASSES)}")
        if len(set(self.priority)) != len(self.priority):
            raise ValueError("priority keys must be unique")
        if len(self.priority) > 4:
            raise ValueError("priority takes at most four keys (a key after lottery or readiness never applies)")
        return self


class LockIn(Strict):
    internship: NonNeg
    job: NonNeg


class PostMultiplier(Strict):
    internship: NonNeg
    ordinary: NonNeg
    created: NonNeg


class HireProbability(Strict):
    ordinary: Prob
    created: Prob


class JobLength(Strict):
    """How the post-programme effect of a job depends on its length (dose-response)."""

    #: the length whose effect is the post_programme_multiplier itself
    reference_months: Annotated[float, Field(gt=0)] = 6.0
    #: effect × (months / reference) ^ elasticity; 0: length does not matter
    elasticity: Annotated[float, Field(ge=0, le=3)] = 0.0
    #: at most this many times the reference effect (≥ 1, so a job of the reference length keeps its effect)
    max_factor: Annotated[float, Field(ge=1)] = 1.0


class Effects(Strict):
    lock_in: LockIn
    dropout_per_month: LockIn
    post_programme_window_months: NonNeg
    post_programme_multiplier: PostMultiplier
    job_length_response: JobLength = Field(default_factory=JobLength)
    hire_probability: HireProbability


class Target(Strict):
    """A target on households on benefit, e.g. at most 1000 in every month of 2022."""

    name: str
    first_year: int
    last_year: int
    statistic: Literal["max", "mean"]
    threshold: NonNeg

    @model_validator(mode="after")
    def _years(self) -> Target:
        if self.last_year < self.first_year:
            raise ValueError("last_year must not be before first_year")
        return self


def _reform_date(v: Any) -> dt.date:
    if isinstance(v, dt.date):
        return v
    text = str(v)
    return YearMonth.parse(text).first_day() if len(text) == 7 else dt.date.fromisoformat(text)


ReformDate = Annotated[dt.date, BeforeValidator(_reform_date)]


class LabourMarket(Strict):
    """A labour-market conditions factor per year, shared by all households: an AR(1) on its log.

    x(first_year − 1) = 0 (the years before are history, matched by the calibration);
    x(y) = rho × x(y − 1) + sigma × ε(y). Work exits are multiplied by exp(−work_exit_elasticity × x)
    and inflow by exp(inflow_elasticity × x): x is the log of unemployment relative to its trend.
    """

    first_year: int
    #: persistence: |rho| < 1 keeps the factor stationary
    rho: Annotated[float, Field(ge=-0.95, le=0.95, allow_inf_nan=False)]
    #: yearly innovation of log unemployment; Swedish series give about 0.1, 0.3 is a severe crisis every year
    sigma: Annotated[float, Field(ge=0, le=0.3, allow_inf_nan=False)]
    work_exit_elasticity: Annotated[float, Field(ge=0, le=1.5, allow_inf_nan=False)]
    inflow_elasticity: Annotated[float, Field(ge=0, le=1.5, allow_inf_nan=False)]


class Scenario(Strict):
    name: Annotated[str, Field(min_length=1, pattern=r"^[A-Za-z0-9_.-]+$")]
    municipality: str
    description: str = ""
    start: Month
    horizon: Month
    replications: Annotated[int, Field(ge=1)]
    seed: Annotated[int, Field(ge=0)]
    population: Population
    baseline: Baseline
    programme: Programme
    effects: Effects
    budget_frames: dict[int, NonNeg]
    targets: list[Target]
    #: rule overrides from a date on, {rule.path: {date: value}}; checked against the rules in resolve()
    reforms: dict[str, dict[ReformDate, float | list[float]]] = Field(default_factory=dict)
    #: shared labour-market conditions by year (model/labour_market.py); none: every year as calibrated
    labour_market: LabourMarket | None = None
    #: uncertain values by path, each drawn per replication (model/uncertainty.py); the fields above hold
    #: their central values. Written in place of a number in the YAML, or here as {path: distribution}.
    distributions: dict[str, Distribution] = Field(default_factory=dict)
    #: joint draws of values from a file (model/posterior.py: a calibration's posterior), one row per parameter
    #: set; a relative path is read from the scenario file's folder
    posterior: Annotated[str, Field(min_length=1)] | None = None
    #: values the posterior does not give, though it has a column for them: a scenario that extends one with a
    #: posterior and writes a value itself keeps its own (filled in by ``extends``; may be written by hand)
    posterior_except: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _time(self) -> Scenario:
        if self.start > self.horizon:
            raise ValueError(f"start: {self.start} is after the horizon {self.horizon}")
        years = self.calendar.years()
        first = years[0]
        given = self.programme.targets_by_year
        key = f"programme.{self.programme.target_unit}_per_year"
        if first not in given:
            raise ValueError(f"{key} must give the start year {first}")
        for t in self.targets:
            if t.last_year < years[0] or t.first_year > years[-1]:
                raise ValueError(
                    f"targets: {t.name} covers {t.first_year}–{t.last_year}, outside the simulated "
                    f"years {years[0]}–{years[-1]}"
                )
        return self

    @property
    def calendar(self) -> Calendar:
        return Calendar.between(self.start, self.horizon)


#: A budget frame below this many SEK a year looks like mnkr typed as SEK.
FRAME_LOOKS_LIKE_MNKR = 100_000


def scenario_notices(sc: Scenario) -> list[Notice]:
    """Warnings about values that are valid but probably not meant: frames in mnkr, years that are never used."""
    out = [
        Notice(code="frame_small", values={"year": str(y), "frame": f})
        for y, f in sorted(sc.budget_frames.items())
        if 0 < f < FRAME_LOOKS_LIKE_MNKR
    ]
    years = sc.calendar.years()
    outside = sorted(y for y in sc.budget_frames if not years[0] <= y <= years[-1])
    if outside:
        out.append(
            Notice(code="years_unused", values={"field": "budget_frames", "years": ", ".join(map(str, outside))})
        )
    for field, given in (
        ("population.inflow_per_month", sc.population.inflow_per_month),
        (f"programme.{sc.programme.target_unit}_per_year", sc.programme.targets_by_year),
    ):
        if isinstance(given, dict):
            first_used = max((y for y in given if y <= years[0]), default=years[0])
            unused = sorted(y for y in given if y < first_used or y > years[-1])
            if unused:
                out.append(Notice(code="years_unused", values={"field": field, "years": ", ".join(map(str, unused))}))
    after = sc.horizon.plus(1).first_day()
    for path, dated in sc.reforms.items():  # a reform from after the horizon never applies
        late = sorted(d for d in dated if d >= after)
        if late:
            dates = ", ".join(d.isoformat() for d in late)
            out.append(Notice(code="reform_after_horizon", values={"field": f"reforms.{path}", "dates": dates}))
    return out


def _valid_keys(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str] | None:
    """The field names allowed at ``loc`` (the parent of an unknown key)."""
    current: Any = model
    for part in loc:
        if isinstance(current, type) and issubclass(current, BaseModel):
            field = current.model_fields.get(str(part))
            if field is None:
                return None
            current = field.annotation
        elif get_origin(current) is dict:
            current = get_args(current)[1]
        else:
            return None
        while get_origin(current) is Annotated:
            current = get_args(current)[0]
        options = [a for a in get_args(current) if isinstance(a, type) and issubclass(a, BaseModel)]
        if get_origin(current) is not dict and options:
            current = options[0]
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return None


def _type_tag(part: Any) -> bool:
    """A part of an error location that names a type or validator (a union's branch), not a key of the input."""
    return isinstance(part, str) and bool(
        part.startswith(("function-", "lax-", "constrained-", "list[", "dict[", "tuple["))
        or part in ("float", "int", "str", "bool", "json-or-python[json=float,python=float]")
    )


def _problems(err: ValidationError, file: str) -> list[Problem]:
    out: list[Problem] = []
    errors = err.errors()
    # a union reports every alternative; where one alternative got deeper into the input (a dict's entry),
    # its error is the one that fits the input, so the shallower ones are dropped
    located = [tuple(p for p in e["loc"] if not _type_tag(p)) for e in errors]
    keep = [not any(o != loc and o[: len(loc)] == loc for o in located) for loc in located]
    for e, loc, kept in zip(errors, located, keep, strict=True):
        if not kept:
            continue
        field = ".".join(str(p) for p in loc)
        msg = e["msg"].removeprefix("Value error, ")
        if e["type"] == "extra_forbidden":
            keys = _valid_keys(Scenario, loc[:-1])
            msg = "unknown key" + (f"; valid keys: {', '.join(keys)}" if keys else "")
        elif e["type"] == "missing":
            msg = "missing required key"
        elif "input" in e and not isinstance(e["input"], dict | list) and "got" not in msg:
            msg += f" (got {e['input']!r})"
        out.append(Problem(file, field, msg))
    # one problem per field: unions report each alternative; keep the first
    seen: set[str] = set()
    return [p for p in out if not (p.field in seen or seen.add(p.field))]


def parse_scenario(data: Any, file: str = "<scenario>") -> Scenario:
    """Validate a scenario given as a mapping; distributions in place of numbers are taken out and checked."""
    if not isinstance(data, dict):
        raise InputError([Problem(file, "", "a scenario must be a YAML mapping of keys to values")])
    data = copy.deepcopy(data)
    distributions, problems = _take_distributions(data, file)
    if problems:
        raise InputError(problems)
    try:
        sc = Scenario.model_validate(data)
    except ValidationError as err:
        raise InputError(_problems(err, file)) from None
    problems = _bools_taken_as_numbers(data, sc, file)
    problems += [pr for path, d in distributions.items() for pr in _probe(data, path, d, file)]
    if problems:
        raise InputError(problems)
    if not distributions:
        return sc
    return sc.model_copy(update={"distributions": _dumped_paths(sc, distributions, file)})


def _bools_taken_as_numbers(data: dict, sc: Scenario, file: str) -> list[Problem]:
    """Where the file says true or false and the scenario took it as a number (pydantic reads true as 1).

    Checked against the validated scenario rather than its schema: wherever a
    true/false of the file became anything but a bool, it was meant as a number.
    """
    dumped = sc.model_dump(mode="python", exclude={"distributions"})
    out: list[Problem] = []

    def walk(raw: Any, done: Any, path: str) -> None:
        if isinstance(raw, bool):
            if done is not _MISSING and not isinstance(done, bool):
                out.append(Problem(file, path, f"{str(raw).lower()} where a number is expected; write the number"))
        elif isinstance(raw, dict):
            for k, v in raw.items():
                there = done.get(k, _MISSING) if isinstance(done, dict) else _MISSING
                walk(v, there, f"{path}.{k}" if path else str(k))
        elif isinstance(raw, list):
            for i, v in enumerate(raw):
                there = done[i] if isinstance(done, list | tuple) and i < len(done) else _MISSING
                walk(v, there, f"{path}.{i}")

    walk(data, dumped, "")
    return out


_MISSING = object()


def _dumped_paths(sc: Scenario, distributions: dict[str, Distribution], file: str) -> dict[str, Distribution]:
    """Each path as the validated scenario spells it (a reform dated 2023-01 is 2023-01-01 there)."""
    dumped = sc.model_dump(mode="json", exclude={"distributions"})
    out = {}
    for path, d in distributions.items():
        if _locate(dumped, path) is None and path.startswith("reforms."):
            head, _, day = path.rpartition(".")
            with contextlib.suppress(ValueError):
                path = f"{head}.{_reform_date(day).isoformat()}"
        if _locate(dumped, path) is None:
            raise InputError([Problem(file, path, "a distribution here names no value of the validated scenario")])
        out[path] = d
    return out


# --- uncertain values ---------------------------------------------------------------------


#: Values that are choices or settings of the run, not uncertain quantities: no distribution allowed.
DECISIONS = {
    "seed": "the seed is a setting of the run",
    "replications": "the number of replications is a setting of the run",
    "budget_frames": "a budget frame is a decision, not an uncertain quantity",
    "targets": "a target is a decision, not an uncertain quantity",
    "programme.starts_per_year": "the starts are the programme's decision, not an uncertain quantity",
    "programme.places_per_year": "the places are the programme's decision, not an uncertain quantity",
    "programme.duration_months": "the planned length of a place is the programme's decision",
}


def _decision(path: str) -> str | None:
    return next((why for prefix, why in DECISIONS.items() if path == prefix or path.startswith(prefix + ".")), None)


def _take_distributions(data: dict, file: str) -> tuple[dict[str, Distribution], list[Problem]]:
    """Replace each distribution (a mapping with ``dist``) by its central value; return them by path."""
    found: dict[str, Any] = {}
    explicit = data.pop("distributions", None) or {}
    problems: list[Problem] = []
    if not isinstance(explicit, dict):
        problems.append(Problem(file, "distributions", "must map value paths to distributions"))
        explicit = {}
    for path, spec in explicit.items():
        keys = _locate(data, str(path))
        if keys is None:
            problems.append(Problem(file, f"distributions.{path}", "no such value in the scenario"))
            continue
        node = data
        for k in keys:
            node = node[k]
        if isinstance(node, dict) and "dist" in node:
            problems.append(
                Problem(file, f"distributions.{path}", "the value is a distribution where it is written too; give one")
            )
        else:
            found[str(path)] = spec

    def walk(node: Any, path: str) -> None:
        if isinstance(node, dict) and "dist" in node:
            found[path] = node
            return
        items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        for k, v in items:
            walk(v, f"{path}.{k}" if path else str(k))

    walk(data, "")
    out: dict[str, Distribution] = {}
    for path, spec in sorted(found.items()):
        why = _decision(path)
        if why:
            problems.append(Problem(file, path, f"{why}: give a number (compare choices with amsim compare)"))
            continue
        try:
            d = Distribution.model_validate(spec)
        except ValidationError as err:
            for e in err.errors():
                where = ".".join(str(x) for x in e["loc"])
                msg = e["msg"].removeprefix("Value error, ")
                problems.append(Problem(file, path + (f".{where}" if where else ""), f"distribution: {msg}"))
            continue
        set_path(data, path, d.centre)
        out[path] = d
    return out, problems


def _locate(data: Any, path: str) -> list[Any] | None:
    """The keys along ``path`` (dotted; a key may itself contain dots, e.g. a rule path in reforms)."""
    keys: list[Any] = []
    node, rest = data, path
    while rest:
        if isinstance(node, dict):
            match = max(
                (k for k in node if rest == str(k) or rest.startswith(f"{k}.")), key=lambda k: len(str(k)), default=None
            )
            if match is None:
                return None
            keys.append(match)
            node, rest = node[match], rest[len(str(match)) + 1 :]
        elif isinstance(node, list):
            head, _, rest = rest.partition(".")
            if not head.isdigit() or int(head) >= len(node):
                return None
            keys.append(int(head))
            node = node[int(head)]
        else:
            return None
    return keys


def set_path(data: Any, path: str, value: Any) -> None:
    """Set the value at ``path`` (see :func:`_locate`)."""
    keys = _locate(data, path)
    if not keys:
        raise KeyError(path)
    for k in keys[:-1]:
        data = data[k]
    data[keys[-1]] = value


def _probe(data: dict, path: str, d: Distribution, file: str) -> list[Problem]:
    """Every value the distribution can give must be valid there: its range ends, and whole numbers if needed."""

    def errors(value: float) -> list[dict]:
        trial = copy.deepcopy(data)
        set_path(trial, path, value)
        try:
            Scenario.model_validate(trial)
        except ValidationError as err:
            return err.errors()
        return []

    lo, hi = d.support
    if not d.integer_valued:
        inside = min(max(math.floor(d.centre) + 0.5, lo), hi)
        if any(e["type"] in ("int_from_float", "int_parsing") for e in errors(inside)):
            return [
                Problem(
                    file,
                    path,
                    f"a whole number is needed here but {d.dist} can draw {inside:g}; "
                    "use a discrete distribution of whole numbers",
                )
            ]
    for end in d.extremes:
        errs = errors(end)
        if errs:
            msg = errs[0]["msg"].removeprefix("Value error, ")
            return [Problem(file, path, f"{d.dist} can draw {end:.6g}, which is not allowed here: {msg}")]
    return []


def value_keys(sc: Scenario) -> dict[str, list[Any]]:
    """The keys along each uncertain path in the scenario's dump (worked out once, for :func:`with_values`)."""
    data = sc.model_dump(mode="json", exclude={"distributions"})
    return {path: _locate(data, path) or [] for path in sc.distributions}


def with_values(sc: Scenario, values: dict[str, float], keys: dict[str, list[Any]] | None = None) -> Scenario:
    """The scenario with the given values at their paths (one replication's draws), validated again.

    ``keys`` (from :func:`value_keys`) saves finding each path again in every replication.
    """
    if not values:
        return sc
    data = sc.model_dump(mode="json", exclude={"distributions"})
    for path, value in values.items():
        found = keys.get(path) if keys is not None else None
        if not found:
            set_path(data, path, value)
            continue
        node = data
        for k in found[:-1]:
            node = node[k]
        node[found[-1]] = value
    try:
        return Scenario.model_validate(data)
    except ValidationError as err:
        raise InputError(_problems(err, "<drawn values>")) from None


def load_scenario(path: str | Path | None = None) -> Scenario:
    """Read and validate a scenario file (no path: the packaged Lund default)."""
    path = Path(path) if path is not None else default_scenario_path()
    file = str(path)
    try:
        data = yamlfile.load_file(path)
    except (OSError, UnicodeDecodeError) as err:
        raise InputError([Problem(file, "", f"cannot read scenario file: {err}")]) from None
    except yaml.YAMLError as err:
        raise InputError([Problem(file, "", f"not valid YAML: {err}")]) from None
    _resolve_relative_paths(data, path.parent)
    data = _extended(data, path, (path.resolve(),))
    return parse_scenario(data, file)


def _extended(data: Any, path: Path, chain: tuple[Path, ...]) -> Any:
    """A scenario with ``extends: other.yaml`` is that scenario with these keys laid over it.

    Mappings merge key by key; any other value (a list, a number) replaces the
    base's. The base is read relative to this file; a cycle is an error.
    """
    if not isinstance(data, dict) or "extends" not in data:
        return data
    file = str(path)
    base_path = extends_path(path, str(data["extends"]))
    if base_path is None:
        packaged = ", ".join(p.stem for p in packaged_scenarios())
        raise InputError(
            [
                Problem(
                    file,
                    "extends",
                    f"no scenario {data['extends']!r} next to this file nor among the packaged ones ({packaged})",
                )
            ]
        )
    base_path = base_path.resolve()
    if base_path in chain:
        raise InputError([Problem(file, "extends", f"{base_path.name} extends itself through {path.name}")])
    try:
        base = yamlfile.load_file(base_path)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as err:
        raise InputError([Problem(file, "extends", f"cannot read {base_path}: {err}")]) from None
    if not isinstance(base, dict):  # an empty file is None: laid over, it would silently be nothing
        what = "is empty" if base is None else "is not a scenario (a mapping of keys)"
        raise InputError([Problem(file, "extends", f"{base_path} {what}; extend a complete scenario")])
    _resolve_relative_paths(base, base_path.parent)
    base = _extended(base, base_path, (*chain, base_path))
    over = {k: v for k, v in data.items() if k != "extends"}
    merged = _merge(base, over)
    if isinstance(merged, dict) and merged.get("posterior") and "posterior" not in over:
        # the base's posterior, inherited: it must not replace a value this file writes itself
        own = [path for path in _leaf_paths(over) if path.split(".")[0] not in ("distributions", "posterior_except")]
        own += [str(path) for path in (over.get("distributions") or {})]
        merged["posterior_except"] = sorted({*(merged.get("posterior_except") or []), *own})
    listed = merged.get("distributions") if isinstance(merged, dict) else None
    if isinstance(listed, dict):  # a value this file writes itself replaces the base's listed distribution for it
        own = over.get("distributions") if isinstance(over.get("distributions"), dict) else {}
        merged["distributions"] = {
            path: spec for path, spec in listed.items() if path in own or _locate(over, str(path)) is None
        }
    return merged


def _leaf_paths(data: Any, prefix: str = "") -> list[str]:
    """The dotted paths of a mapping's values (a distribution is one value)."""
    if isinstance(data, dict) and "dist" not in data:
        return [p for k, v in data.items() for p in _leaf_paths(v, f"{prefix}.{k}" if prefix else str(k))]
    if isinstance(data, list) and data and all(isinstance(v, dict) for v in data):
        return [p for i, v in enumerate(data) for p in _leaf_paths(v, f"{prefix}.{i}")]
    return [prefix] if prefix else []


def _merge(base: Any, over: Any) -> Any:
    if isinstance(over, dict) and "dist" in over:  # a distribution replaces what was there, whole
        return over
    if isinstance(base, dict) and isinstance(over, dict) and "dist" not in base:
        return {**base, **{k: _merge(base.get(k), v) if k in base else v for k, v in over.items()}}
    return over


def _resolve_relative_paths(data: Any, folder: Path) -> None:
    """Relative paths of files a scenario names (its departments table, its posterior) are read from the
    scenario file's folder (wherever amsim is run from)."""
    try:
        spec = data["programme"]["allocation"]
        rel = Path(spec["departments"])
        if not rel.is_absolute():
            spec["departments"] = str((folder / rel).resolve())
    except (KeyError, TypeError):
        pass
    if isinstance(data, dict) and isinstance(data.get("posterior"), str) and not Path(data["posterior"]).is_absolute():
        data["posterior"] = str((folder / data["posterior"]).resolve())


def is_number_at(sc: Scenario, path: str) -> bool:
    """Whether ``path`` names a number in the scenario (a value a distribution or a posterior may give)."""
    node: Any = sc.model_dump(mode="json", exclude={"distributions"})
    keys = _locate(node, path)
    if not keys:
        return False
    for k in keys:
        node = node[k]
    return isinstance(node, int | float) and not isinstance(node, bool)


#: The shipped scenarios' folder: the ``runs`` package, installed beside ``model``. Found from here rather than
#: by importing ``runs``: a folder named runs in the working directory (where commands write runs/out) would
#: shadow the package as a namespace for scripts and ``python -m`` started there.
PACKAGED = Path(__file__).resolve().parent.parent / "runs"


def packaged_scenarios() -> list[Path]:
    """The scenarios shipped with amsim (runs/*.yaml)."""
    return sorted(PACKAGED.glob("*.yaml"))


def extends_path(from_file: Path, name: str) -> Path | None:
    """The file ``extends: name`` means: relative to the scenario's folder, else a packaged scenario by name.

    So ``extends: lund`` (or ``lund.yaml``) works from any folder; a file next to the scenario comes first.
    """
    near = from_file.parent / name
    if near.is_file():
        return near
    if near.with_suffix(".yaml").is_file() and not near.suffix:
        return near.with_suffix(".yaml")
    stem = Path(name).stem if Path(name).suffix in (".yaml", ".yml") else Path(name).name
    return next((p for p in packaged_scenarios() if p.stem == stem and "/" not in name), None)


def scenario_path(text: str) -> Path:
    """A scenario file, or the name of a packaged scenario (lund_malmo), as the commands take them."""
    path = Path(text)
    if path.is_file():
        return path
    found = extends_path(Path.cwd() / "_", text)
    if found is None:
        raise AmsimError(f"{text}: neither a run folder, a scenario file nor a packaged scenario")
    return found


def default_scenario_path() -> Path:
    """The packaged default scenario, ``runs/lund.yaml``."""
    return PACKAGED / "lund.yaml"
