"""States a household can be in, and the groups the model reasons about."""

from __future__ import annotations

from enum import IntEnum


class State(IntEnum):
    """Household states (DESIGN.md, "Households and states")."""

    BENEFIT = 0
    INTERNSHIP = 1
    MUNICIPAL_JOB = 2
    NYSTARTSJOBB = 3
    INTRODUKTIONSJOBB = 4
    EXTRATJANST = 5
    AKASSA = 6
    AKTIVITETSSTOD = 7
    EXIT_WORK = 8
    EXIT_STUDIES = 9
    EXIT_MOVED = 10
    EXIT_OTHER = 11

    @property
    def label(self) -> str:
        """Column-friendly lower-case name, e.g. ``exit_work``."""
        return self.name.lower()


N_STATES = len(State)
STATE_LABELS: tuple[str, ...] = tuple(s.label for s in State)

#: The employment types of the programme.
JOB_STATES: tuple[State, ...] = (State.MUNICIPAL_JOB, State.NYSTARTSJOBB, State.INTRODUKTIONSJOBB, State.EXTRATJANST)
#: Every programme place type (internship and the employment types).
PLACE_STATES: tuple[State, ...] = (State.INTERNSHIP, *JOB_STATES)
EXIT_STATES: tuple[State, ...] = (
    State.EXIT_WORK,
    State.EXIT_STUDIES,
    State.EXIT_MOVED,
    State.EXIT_OTHER,
)

#: Destinations of a regular exit (competing risks out of benefit), in a fixed order.
EXIT_ROUTES: tuple[str, ...] = ("work", "studies", "moved", "other")
EXIT_STATE_OF_ROUTE: dict[str, State] = {
    "work": State.EXIT_WORK,
    "studies": State.EXIT_STUDIES,
    "moved": State.EXIT_MOVED,
    "other": State.EXIT_OTHER,
}

#: Reasons for benefit (Lund needs survey 2022, facts.md §1).
REASONS: tuple[str, ...] = ("unemployed", "sfi", "sick", "no_capacity", "other")

#: Place type names: the state of a visit in a place (an internship, or a job by its financing).
PLACE_TYPES: tuple[str, ...] = tuple(s.label for s in PLACE_STATES)
#: A job's financing: municipal funds alone, or a state subsidy the social board obtains for an eligible holder.
JOB_TYPES: tuple[str, ...] = tuple(s.label for s in JOB_STATES)
#: The state subsidies a job can be financed by (Lund §4.4: obtained when the holder is eligible).
SUBSIDY_TYPES: tuple[str, ...] = JOB_TYPES[1:]
STATE_OF_PLACE_TYPE: dict[str, State] = {s.label: s for s in PLACE_STATES}

#: Classes of places the programme creates and departments host: a job (whatever its financing) and an internship.
PLACE_CLASSES: tuple[str, ...] = ("jobs", "internships")
JOBS, INTERNSHIPS = 0, 1
