"""`amsim register SCENARIO --reps N --out DIR`: a synthetic register (person-month Parquet) for researchers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from model.cli_compare import ENGINE_HELP, Engine
from model.console import ok
from model.errors import AmsimError


def register_command(
    scenario: Annotated[str, typer.Argument(help="Scenario file or packaged scenario name (register_observed …).")],
    reps: Annotated[int, typer.Option("--reps", min=1, help="Replications: one register each.")] = 1,
    first: Annotated[int, typer.Option("--first", min=0, help="The first replication's number.")] = 0,
    seed: Annotated[int | None, typer.Option("--seed", help="Seed (default: the scenario's).")] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Register folder to create (default: runs/out/<scenario>-register-<timestamp>)."),
    ] = None,
    engine: Annotated[Engine, typer.Option("--engine", help=ENGINE_HELP)] = Engine.fast,
) -> None:
    """Write a synthetic register: the programme arm of each replication as person-months (register.parquet),
    its data dictionary (dictionary.csv) and what made it (register.json). Readiness and the outcomes without
    the programme (the paired counterfactual) are included, marked unobserved: `amsim evaluate` uses them as the
    truth."""
    from model.cli import _fail
    from model.codeversion import code_digest
    from model.params import Resolver
    from model.register import write
    from model.scenario import load_scenario, scenario_path

    try:
        path = scenario_path(scenario)
        sc = load_scenario(path)
        if seed is not None:
            sc = sc.model_copy(update={"seed": seed})
        folder = out or Path("runs") / "out" / f"{sc.name}-register-{dt.datetime.now():%Y%m%d-%H%M%S}"
        if folder.exists():
            raise AmsimError(f"{folder}: register folder already exists; choose another --out")
        resolver = Resolver(sc, file=str(path))
        resolver.check_draws(first + reps)
        meta = {
            "scenario": str(path),
            "name": sc.name,
            "seed": sc.seed,
            "start": str(sc.start),
            "horizon": str(sc.horizon),
            "engine": engine.value,
            "code": code_digest(),
            "priority": list(sc.programme.priority),
            "ready_share": sc.population.ready_share,
            **_range("ready_share", sc.distributions.get("population.ready_share")),
            "note": "readiness and cf_* are unobserved: a register has neither; amsim evaluate takes cf_* as the truth",
        }
        done = write(resolver.for_replication, list(range(first, first + reps)), folder, meta, engine.value)
    except AmsimError as err:
        _fail(err)
    except OSError as err:
        _fail(AmsimError(f"{out}: cannot write the register here: {err.strerror or err}"))
    ok(f"register: {done} ({reps} replication{'s' if reps != 1 else ''})")


def _range(name: str, dist: object) -> dict[str, list[float]]:
    """An uncertain value's P5 and P95 beside its central value (replications draw it)."""
    if dist is None:
        return {}
    return {f"{name}_p5_p95": [round(float(dist.ppf(0.05)), 6), round(float(dist.ppf(0.95)), 6)]}
