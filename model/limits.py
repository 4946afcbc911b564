"""How large a run may be: refused before anything runs, with the memory it would need.

A scenario that passes validation can still ask for more than a machine has:
a typo of a few zeros in the households, the inflow or the replications. Such
a run would start, exhaust memory and die. Here it is refused at once, naming
the field and estimating what it would take. The estimate is a model of what
the benchmarks measured (``benchmarks/bench_engine.py``, ``bench_run.py``): a
process of ≈ 250 MB with amsim loaded, ≈ 3 kB per simulated household in each
worker, and ≈ 0.4 kB per replication-month in the run's process (its tables go to disk a chunk
of replications at a time; what it keeps of each and what it reads back grow by ≈ 35 kB a replication
of Lund's 112 months: 392 MB at 1 000 replications, 709 MB at 10 000).
"""

from __future__ import annotations

import os

from model.errors import InputError, Problem
from model.scenario import Scenario

#: Households in one replication (Malmö at ×5 has ≈ 26 000; Sweden's whole stock is ≈ 100 000)
MAX_HOUSEHOLDS = 2_000_000
#: Replications of one run (a calibration or sensitivity study runs many runs)
MAX_REPLICATIONS = 10_000_000
#: Months from start to horizon (50 years)
MAX_MONTHS = 600

PROCESS_BYTES = 250e6
HOUSEHOLD_BYTES = 3e3
REPLICATION_MONTH_BYTES = 400.0


def expected_households(sc: Scenario) -> float:
    """Households of one replication at the central values: the stock and every month's inflow (the largest)."""
    inflow = sc.population.inflow_per_month
    per_month = max(inflow.values(), default=0.0) if isinstance(inflow, dict) else inflow
    return sc.population.initial_households + per_month * sc.calendar.n_months


def memory_needed(households: float, months: int, reps: int, workers: int) -> float:
    """Bytes a run would take at its peak: its own process with what it keeps of each replication, and its
    workers."""
    own = PROCESS_BYTES + reps * months * REPLICATION_MONTH_BYTES
    return own + max(workers, 1) * (PROCESS_BYTES + households * HOUSEHOLD_BYTES)


def physical_memory() -> float | None:
    """This machine's memory in bytes, where the system says (not on Windows)."""
    try:
        return float(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    except (AttributeError, ValueError, OSError):
        return None


def _gb(x: float) -> str:
    return f"{x / 1e9:,.1f} GB"


def check_size(sc: Scenario, reps: int, workers: int, file: str) -> None:
    """Refuse a run too large for amsim or for this machine; each problem names its field."""
    problems = []
    months = sc.calendar.n_months
    if months > MAX_MONTHS:
        problems.append(Problem(file, "horizon", f"{months} months from start to horizon; at most {MAX_MONTHS}"))
    households = expected_households(sc)
    if households > MAX_HOUSEHOLDS:
        problems.append(
            Problem(
                file,
                "population",
                f"about {households:,.0f} households a replication (initial_households + inflow_per_month × "
                f"{months} months); at most {MAX_HOUSEHOLDS:,}",
            )
        )
    if reps > MAX_REPLICATIONS:
        problems.append(Problem(file, "replications", f"{reps:,} replications; at most {MAX_REPLICATIONS:,}"))
    if problems:
        raise InputError(problems)
    need, have = memory_needed(households, months, reps, workers), physical_memory()
    if have is not None and need > have:
        raise InputError(
            [
                Problem(
                    file,
                    "replications" if reps * months * REPLICATION_MONTH_BYTES > need / 2 else "population",
                    f"a run of {reps:,} replications of about {households:,.0f} households over {months} months "
                    f"on {workers} worker(s) would need about {_gb(need)} of memory; this machine has {_gb(have)}. "
                    "Run fewer replications or households, or fewer workers",
                )
            ]
        )
