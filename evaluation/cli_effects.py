"""`amsim effects SCENARIO --target …`: the post-programme multipliers that give published effects."""

from __future__ import annotations

import datetime as dt
import os
import shlex
from pathlib import Path
from typing import Annotated

import typer

from model.cli_compare import ENGINE_HELP, Engine
from model.console import ok, out_console
from model.errors import AmsimError

TARGET_HELP = (
    "A published effect, TYPE:OUTCOME:MONTHS[:AGES]=PP[±PP]: TYPE internship, ordinary or created (the first "
    "place); OUTCOME work, benefit or akassa; MONTHS since the start, one (36) or a span (13-36, the mean); AGES "
    "at the start, from-to (18-25: 18 to under 25); PP the effect in percentage points, ± a half-width for a "
    "range. Once per place type, e.g. --target ordinary:work:42:18-25=+7.5±2.5."
)

TEXT = {
    "title": {"sv": "Multiplikatorer som ger de publicerade effekterna", "en": "Multipliers that give the effects"},
    "multiplier": {"sv": "multiplikator", "en": "multiplier"},
    "status": {"sv": "{targets} mål, {reps} replikeringar", "en": "{targets} target(s), {reps} replications"},
    "trial": {"sv": "försök", "en": "trial"},
    "range": {"sv": "intervall", "en": "range"},
    "reached": {"sv": "uppnått", "en": "reached"},
    "pp": {"sv": "procentenheter", "en": "pp"},
    "se": {"sv": "Monte Carlo-medelfel", "en": "Monte Carlo s.e."},
    "participants": {"sv": "deltagare", "en": "participants"},
    "trials": {
        "sv": "{trials} simuleringar av {reps} replikeringar, varv: {rounds}; sann effekt = deltagarnas utfall med "
        "programmet minus utan (parat kontrafaktiskt).",
        "en": "{trials} simulations of {reps} replications, rounds: {rounds}; true effect = the participants' "
        "outcome with the programme minus without it (paired counterfactual).",
    },
}


def effects_command(
    scenario: Annotated[str, typer.Argument(help="Scenario file or packaged scenario name (lund …).")],
    target: Annotated[list[str], typer.Option("--target", help=TARGET_HELP)],
    reps: Annotated[int, typer.Option("--reps", min=2, max=1000, help="Replications the effects average over.")] = 10,
    first: Annotated[int, typer.Option("--first", min=0, help="The first replication's number.")] = 0,
    seed: Annotated[int | None, typer.Option("--seed", help="Seed (default: the scenario's).")] = None,
    engine: Annotated[Engine, typer.Option("--engine", help=ENGINE_HELP)] = Engine.fast,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write a scenario that extends SCENARIO with the multipliers.")
    ] = None,
    reference: Annotated[
        str | None, typer.Option("--reference", help="The source of the targets, written beside each value.")
    ] = None,
    lang: Annotated[str, typer.Option("--lang", help="Language of the output: sv or en.")] = "sv",
) -> None:
    """Solve for the post-programme multipliers (effects.post_programme_multiplier) whose true effects on the
    participants equal published effects, e.g. IFAU's "+10 pp employment three years on for young participants
    in ordinary workplaces". With --out, writes a scenario that extends SCENARIO with them, each with its source."""
    from model.cli import _fail

    if lang not in ("sv", "en"):
        _fail(AmsimError(f"--lang {lang}: allowed values are sv, en"))
    try:
        from dashboards.labels import number
        from evaluation.overlay import overlay_text
        from evaluation.solver import EffectModel, parse_target, solve
        from model.params import Resolver
        from model.scenario import load_scenario, scenario_path

        targets = [parse_target(t) for t in target]
        if out is not None and out.exists():
            raise AmsimError(f"{out}: file already exists; choose another --out")
        if out is not None and out.suffix not in (".yaml", ".yml"):
            raise AmsimError(f"--out {out}: a scenario file ends in .yaml")
        path = scenario_path(scenario)
        sc = load_scenario(path)
        if seed is not None:
            sc = sc.model_copy(update={"seed": seed})
        resolver = Resolver(sc, file=str(path))
        replications = list(range(first, first + reps))
        resolver.check_draws(first + reps)
        label = TEXT["status"][lang].format(targets=len(targets), reps=reps)
        with out_console.status(label) as status:

            def on_trial(multipliers: dict[str, float]) -> None:
                shown = ", ".join(f"{g} {number(m, 3, lang)}" for g, m in multipliers.items())
                status.update(f"{label}: {TEXT['trial'][lang]} {model.trials} ({shown})")

            model = EffectModel(resolver, replications, engine.value, on_trial)
            solution = solve(model, targets)
        _print(solution, reps, lang)
        if out is not None:
            words = ["amsim", "effects", scenario, *(w for t in target for w in ("--target", t))]
            words += ["--reps", str(reps), "--first", str(first), "--engine", engine.value]
            made_by = f"{' '.join(shlex.quote(w) for w in words)} ({dt.date.today()}, seed {sc.seed})"
            text = overlay_text(solution, path, out, f"{sc.name}_effects", made_by, reference)
            tmp = out.with_name(out.name + ".partial")
            try:
                tmp.write_text(text, encoding="utf-8")
                os.replace(tmp, out)
            finally:
                tmp.unlink(missing_ok=True)
            ok(f"scenario: {out}")
    except AmsimError as err:
        _fail(err)
    except OSError as err:
        _fail(AmsimError(f"{out}: cannot write the scenario here: {err.strerror or err}"))


def _print(solution, reps: int, lang: str) -> None:
    from dashboards.labels import number

    out_console.print(TEXT["title"][lang])
    for s in solution.solved:
        r = s.reached
        span = (
            ""
            if s.range is None
            else f" ({TEXT['range'][lang]} {number(s.range[0], 3, lang)}–{number(s.range[1], 3, lang)})"
        )
        out_console.print(f"{s.target.text}", markup=False)
        out_console.print(
            f"  {TEXT['multiplier'][lang]} {number(s.multiplier, 3, lang)}{span}; {TEXT['reached'][lang]} "
            f"{number(r.effect, 2, lang)} {TEXT['pp'][lang]} ({TEXT['se'][lang]} {number(r.se, 2, lang)}), "
            f"{number(r.participants, 0, lang)} {TEXT['participants'][lang]}",
            markup=False,
        )
    out_console.print(TEXT["trials"][lang].format(trials=solution.trials, reps=reps, rounds=solution.rounds))
