"""`amsim calibrate SCENARIO --targets FILE --params PATH …`: fit scenario values to observed figures (ABC-SMC)."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from model.cli_compare import DASK_HELP, ENGINE_HELP, SCHEDULER_HELP, Engine
from model.console import err_console, out_console
from model.errors import AmsimError
from model.scenario import scenario_path

PARAMS_HELP = (
    "A scenario value to fit, by its path (e.g. population.inflow_per_month); repeat for several. "
    "Its distribution in the scenario is its prior."
)


def calibrate_command(
    scenario: Annotated[str, typer.Argument(help="Scenario file or packaged scenario name: the model and priors.")],
    params: Annotated[list[str], typer.Option("--params", help=PARAMS_HELP)],
    targets: Annotated[
        Path | None,
        typer.Option("--targets", help="Observed figures (default: calibration/data/<municipality>.yaml)."),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Fit folder to create (default: runs/out/<scenario>-calibration-<timestamp>). If <out>.partial "
            "exists from an interrupted fit of the same inputs, it is resumed.",
        ),
    ] = None,
    population: Annotated[int, typer.Option("--population", min=20, help="Particles each generation keeps.")] = 200,
    generations: Annotated[int, typer.Option("--generations", min=1, max=1000, help="Generations, at most.")] = 8,
    reps: Annotated[
        int,
        typer.Option(
            "--reps",
            min=1,
            max=50,
            help="Replications each proposal is simulated on; their mean is compared. 1 (the default) gives "
            "ABC's posterior for one observed history; more narrows it (the noise of a mean).",
        ),
    ] = 1,
    min_acceptance: Annotated[
        float, typer.Option("--min-acceptance", min=0.0001, max=1.0, help="Stop when fewer are accepted.")
    ] = 0.02,
    check_draws: Annotated[
        int, typer.Option("--check-draws", min=10, help="Posterior draws simulated for the fit report's bands.")
    ] = 200,
    seed: Annotated[int | None, typer.Option("--seed", min=0, help="Seed (default: the scenario's).")] = None,
    workers: Annotated[int | None, typer.Option("--workers", min=1, help="Parallel worker processes.")] = None,
    engine: Annotated[Engine, typer.Option("--engine", help=ENGINE_HELP)] = Engine.fast,
    dask: Annotated[str | None, typer.Option("--dask", metavar="local", help=DASK_HELP)] = None,
    scheduler: Annotated[str | None, typer.Option("--scheduler", metavar="ADDRESS", help=SCHEDULER_HELP)] = None,
    lang: Annotated[str, typer.Option("--lang", help="sv or en: the fit report's language.")] = "sv",
    quiet: Annotated[bool, typer.Option("--quiet", help="No progress bar.")] = False,
) -> None:
    """Fit scenario values to observed figures by ABC-SMC; writes posterior.csv (for a scenario's
    ``posterior:``), fit.json and the fit report fit.html. Identical for any workers and backend."""
    from calibration.calibrate import Request, Settings, calibrate
    from calibration.particles import fit_observations, fit_parameters, is_value_of
    from calibration.targets import data_file, load_targets, outside
    from dashboards.fit_report import write_fit_report
    from model.cli import _fail, choose_backend, interrupted
    from model.scenario import load_scenario

    try:
        if lang not in ("sv", "en"):
            raise AmsimError(f"--lang {lang}: allowed values are sv, en")
        path = scenario_path(scenario)
        sc = load_scenario(path)
        if seed is not None:
            sc = sc.model_copy(update={"seed": seed})
        if targets is None:
            targets = data_file(sc.municipality or "")
            if not sc.municipality or not targets.is_file():
                raise AmsimError(f"{path}: no observed figures are shipped for {sc.municipality!r}; give --targets")
        observed = load_targets(targets)
        fitted = fit_observations(observed, sc.calendar, str(targets))
        parameters = fit_parameters(sc.distributions, is_value_of(sc), params, str(path))
        checked = [o for o in observed.observations if o not in outside(observed, sc.calendar)]
        backend, n_workers, _ = choose_backend(workers, dask, scheduler)
        folder = out or Path("runs") / "out" / f"{sc.name}-calibration-{dt.datetime.now():%Y%m%d-%H%M%S}"
        settings = Settings(population, generations, reps, min_acceptance, check_draws, sc.seed, engine.value)
        req = Request(sc, str(path), Path(targets), parameters, fitted, checked, settings, folder, backend, n_workers)
    except AmsimError as err:
        _fail(err)
    started = time.perf_counter()
    progress = Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=err_console, disable=quiet, auto_refresh=False,  # no refresh thread: workers can be forked
    )  # fmt: skip
    with progress:
        task = progress.add_task(f"{escape(sc.name)}: calibration", total=population)

        def show(what: str, done: int, total: int) -> None:
            progress.update(task, description=escape(what), completed=done, total=total)
            progress.refresh()

        try:
            outcome = calibrate(req, show, [lambda folder: write_fit_report(folder, lang)])
        except AmsimError as err:
            progress.stop()
            _fail(err)
        except KeyboardInterrupt:
            progress.stop()
            interrupted(folder, "generations")
    _print_fit(outcome.fit, lang)
    if outcome.resumed_generations:
        out_console.print(f"resumed after {outcome.resumed_generations} saved generations")
    out_console.print(
        f"fit folder: {outcome.out}  (posterior.csv, fit.html; {time.perf_counter() - started:.1f} s)",
        highlight=False,
        soft_wrap=True,
    )


def _print_fit(fit: dict, lang: str) -> None:
    from dashboards.labels import model_band_text, observed_text, t

    table = Table(title=t("fit_targets", lang), title_justify="left")
    for col in (t("figure", lang), t("reported", lang), t("posterior_band", lang), t("within_band", lang)):
        table.add_column(col)
    for o in fit["targets"]:
        table.add_row(
            o["text_sv"] if lang == "sv" else o["text_en"],
            observed_text(o["value"], o["low"], o["high"], o["unit"], lang),
            model_band_text(o["unit"], o["posterior"], lang),
            t("yes" if o["within"] else "no", lang),
        )
    out_console.print(table)
    values = Table(title=t("fit_values", lang), title_justify="left")
    for col in (t("value_path", lang), t("prior_band", lang), t("posterior_band", lang)):
        values.add_column(col)
    for v in fit["values"]:
        pb, qb = v["prior_band"], v["posterior_band"]
        values.add_row(v["path"], f"{pb[0]:.4g} [{pb[1]:.4g}–{pb[2]:.4g}]", f"{qb[0]:.4g} [{qb[1]:.4g}–{qb[2]:.4g}]")
    out_console.print(values)
