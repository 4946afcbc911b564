"""The `amsim` command line."""

from __future__ import annotations

import time
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table

from calibration.cli_calibrate import calibrate_command
from evaluation.cli_effects import effects_command
from evaluation.cli_evaluate import evaluate_command
from model.backends import Backend, on_dask, on_this_machine
from model.cli_allocate import allocate_command
from model.cli_compare import DASK_HELP, ENGINE_HELP, SCHEDULER_HELP, Engine, compare_command
from model.cli_register import register_command
from model.cli_rules import rules_app
from model.console import err_console, error, ok, out_console, warning
from model.errors import AmsimError, InputError
from model.limits import check_size
from model.montecarlo import available_cpus
from model.params import Resolver, closed_financing_text
from model.rules import summarise_stale
from model.rundata import Writer
from model.runfolder import RunOutcome
from model.scenario import Scenario, default_scenario_path, extends_path, load_scenario, scenario_notices
from model.summary import Summary

app = typer.Typer(
    name="amsim",
    help="Cost-and-savings simulation of municipal labour-market programmes (Lund by default).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(rules_app, name="rules")
app.command("allocate")(allocate_command)
app.command("compare")(compare_command)
app.command("calibrate")(calibrate_command)
app.command("register")(register_command)
app.command("evaluate")(evaluate_command)
app.command("effects")(effects_command)


class Lang(StrEnum):
    sv = "sv"
    en = "en"


def interrupted(folder: Path, kept: str) -> NoReturn:
    """Ctrl-C: say what was kept and how to resume, exit 130."""
    err_console.print(
        f"interrupted: finished {kept} are kept in {folder}.partial; run the same command with --out {folder} "
        "to resume",
        highlight=False,
    )
    raise typer.Exit(130)


def _fail(err: AmsimError) -> None:
    if isinstance(err, InputError):
        for problem in err.problems:
            error(problem)
    else:
        error(err)
    raise typer.Exit(2)


@app.command()
def validate(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML file to check.")],
    lang: Annotated[Lang, typer.Option("--lang", help="Language of the warnings.")] = Lang.sv,
) -> None:
    """Check a scenario file: exit 0 if it is valid, otherwise print each error (file: field: message)."""
    try:
        sc = load_scenario(scenario)
        check_size(sc, sc.replications, available_cpus(), str(scenario))
        resolver = Resolver(sc, file=str(scenario))
        resolver.check_draws(sc.replications)
        p = resolver.central
    except AmsimError as err:
        _fail(err)
    ok(
        f"{scenario}: scenario '{sc.name}', {sc.start}–{sc.horizon}, "
        f"{sc.replications} replications; {len(p.law.stale_rules)} rules carried forward past their check date"
    )
    from dashboards.labels import notice_text

    lines = [
        *map(closed_financing_text, p.law.closed_financing),
        *(notice_text(n, lang.value) for n in scenario_notices(sc)),
    ]
    for line in lines:
        warning(line)


@app.command()
def run(
    scenario: Annotated[
        Path | None,
        typer.Argument(
            help="Scenario YAML file or packaged scenario name (malmo). Default: the packaged Lund scenario."
        ),
    ] = None,
    reps: Annotated[int | None, typer.Option("--reps", min=1, help="Replications (default: the scenario's).")] = None,
    seed: Annotated[int | None, typer.Option("--seed", min=0, help="Base seed (default: the scenario's).")] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Run folder to create (default: runs/out/<scenario>-<timestamp>). "
            "If <out>.partial exists from an interrupted run of the same scenario and seed, it is resumed.",
        ),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            min=1,
            help="Parallel worker processes (default: the CPUs available). Results are identical for any number.",
        ),
    ] = None,
    trace: Annotated[
        bool, typer.Option("--trace", help="Also write events.parquet and trace_ledger.parquet for one replication.")
    ] = False,
    trace_rep: Annotated[int, typer.Option("--trace-rep", min=0, help="Replication to trace.")] = 0,
    lang: Annotated[Lang, typer.Option("--lang", help="Language of the report and summary.")] = Lang.sv,
    quiet: Annotated[bool, typer.Option("--quiet", help="No progress bar.")] = False,
    csv: Annotated[
        bool, typer.Option("--csv", help="Also write the tables of results.xlsx as CSV files in csv/.")
    ] = False,
    fixed: Annotated[
        bool,
        typer.Option(
            "--fixed",
            help="Every uncertain value at its central value and no labour-market factor: process noise only.",
        ),
    ] = False,
    engine: Annotated[Engine, typer.Option("--engine", help=ENGINE_HELP)] = Engine.fast,
    dask: Annotated[str | None, typer.Option("--dask", metavar="local", help=DASK_HELP)] = None,
    scheduler: Annotated[str | None, typer.Option("--scheduler", metavar="ADDRESS", help=SCHEDULER_HELP)] = None,
) -> None:
    """Monte Carlo run of a scenario and its counterfactual; writes the run folder and prints a summary."""
    from calibration.checks import compare as checks
    from dashboards.excel import write_csv, write_results_xlsx
    from dashboards.report import write_report

    try:
        path = _named(scenario) if scenario is not None else default_scenario_path()
        sc = load_scenario(path)
        if seed is not None:
            sc = sc.model_copy(update={"seed": seed})
        if trace and trace_rep >= (reps or sc.replications):
            raise AmsimError(f"--trace-rep {trace_rep}: must be below the number of replications")
    except AmsimError as err:
        _fail(err)
    writers = [write_report, write_results_xlsx, *([write_csv] if csv else [])]
    run_scenario(
        sc, str(path), reps or sc.replications, out, workers, fixed, lang.value, quiet, writers, checks,
        trace=trace, trace_rep=trace_rep, engine=engine.value, dask=dask, scheduler=scheduler,
    )  # fmt: skip


def _named(scenario: Path) -> Path:
    """A scenario file, or else the packaged scenario of that name (``amsim run malmo``); a missing file is
    left for the loader to report."""
    if scenario.is_file() or scenario.suffix:
        return scenario
    return extends_path(Path.cwd() / "_", str(scenario)) or scenario


def choose_backend(workers: int | None, dask: str | None, scheduler: str | None) -> tuple[Backend, int, int]:
    """Where replications run, from the options: the backend, its workers (0: the cluster's own) and the
    worker processes on this machine (what this machine's memory must hold)."""
    if dask is not None and scheduler is not None:
        raise AmsimError("--dask and --scheduler: give either --dask local or --scheduler ADDRESS, not both")
    if dask is not None and dask != "local":
        raise AmsimError(f"--dask {dask}: the allowed value is local (for a cluster elsewhere: --scheduler ADDRESS)")
    n = workers or available_cpus()
    if scheduler is not None:
        return on_dask(scheduler, 0), 0, 0
    if dask is not None:
        return on_dask(None, n), n, n
    return on_this_machine(n), n, n


def run_scenario(
    sc: Scenario,
    file: str,
    n: int,
    out: Path | None,
    workers: int | None,
    fixed: bool,
    lang: str,
    quiet: bool,
    writers: list[Writer],
    checks: Callable | None,
    trace: bool = False,
    trace_rep: int = 0,
    print_summary: bool = True,
    engine: str = "fast",
    dask: str | None = None,
    scheduler: str | None = None,
) -> RunOutcome:
    """Run one scenario into its run folder with a progress bar; clear messages and exit 2 on bad input."""
    from model.runfolder import RunRequest, default_out
    from model.runfolder import run as run_folder

    try:
        backend, n_workers, local_workers = choose_backend(workers, dask, scheduler)
        check_size(sc, n, local_workers, file)
        resolver = Resolver(sc, file=file, fixed=fixed)
        resolver.check_draws(n)
        folder = out or default_out(Path("runs") / "out", sc.name)
        req = RunRequest(
            sc, file, resolver, n, sc.seed, n_workers, folder, trace, trace_rep, lang, engine, backend
        )  # fmt: skip
    except AmsimError as err:
        _fail(err)
    p = resolver.central
    started = time.perf_counter()
    progress = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=err_console,
        disable=quiet,
        auto_refresh=False,  # redrawn as replications finish: no refresh thread, so workers can be forked
    )
    with progress:
        task = progress.add_task(f"{escape(sc.name)}: replications", total=n)
        shown = [0.0]

        def show(done: int, total: int) -> None:
            """Redraw at most ten times a second (as rich's own refresh would), and at the end."""
            progress.update(task, completed=done)
            if done == total or time.perf_counter() - shown[0] >= 0.1:
                progress.refresh()
                shown[0] = time.perf_counter()

        try:
            result = run_folder(
                req,
                progress=show,
                writers=writers,
                checks=checks,
            )
        except AmsimError as err:
            progress.stop()
            _fail(err)
        except KeyboardInterrupt:
            progress.stop()
            interrupted(folder, "replications")
    if print_summary:
        _print_summary(result.summary, lang)
        if result.resumed:
            out_console.print(f"resumed {result.resumed} saved replications")
        for line in [*map(closed_financing_text, p.law.closed_financing), *summarise_stale(p.law.stale_rules)]:
            warning(line)
        out_console.print(
            f"run folder: {result.out}  ({time.perf_counter() - started:.1f} s)", highlight=False, soft_wrap=True
        )
    return result


def _print_summary(summary: Summary, lang: str) -> None:
    from dashboards.labels import band_text, department_table, notice_text, number, percent, t, target_text
    from model.outcomes import BREAKEVEN_DEFINITIONS

    unit = "mnkr" if lang == "sv" else "MSEK"

    def m(x: float, _lang: str = lang) -> str:
        return number(x / 1e6, 1, lang)

    def n0(x: float, _lang: str = lang) -> str:
        return number(x, 0, lang)

    title = f"{summary.scenario}: {summary.replications} {t('replications', lang).lower()}"
    households = Table(title=f"{title} – {t('households', lang).lower()} (P50)", caption=t("paired_caption", lang))
    for col in (
        t("year", lang),
        t("programme_short", lang),
        t("counterfactual_short", lang),
        f"{t('difference_short', lang)} [P5–P95]",
    ):
        households.add_column(col, justify="right", no_wrap=True)
    table = Table(title=f"{title} – {t('sb_cost_short', lang)} ({unit}, P50)", caption=t("paired_caption", lang))
    for col in (
        t("year", lang),
        t("programme_short", lang),
        t("counterfactual_short", lang),
        f"{t('difference_short', lang)} [P5–P95]",
        t("p_cheaper_short", lang),
    ):
        table.add_column(col, justify="right", no_wrap=True)
    budget = Table(title=f"{t('frame', lang)} ({unit})")
    for col in (
        t("year", lang),
        t("frame_short", lang),
        f"{t('deficit', lang)} [P5–P95]",
        t("p_deficit", lang),
        t("frame_80_short", lang),
    ):
        budget.add_column(col, justify="right", no_wrap=True)
    for y, row in summary.years.items():
        prog, cf = row.programme, row.counterfactual
        households.add_row(
            y,
            n0(prog.households_on_benefit_mean.p50),
            n0(cf.households_on_benefit_mean.p50),
            band_text(row.difference_households_on_benefit, n0, lang),
        )
        table.add_row(
            y,
            m(prog.social_board_net_sek.p50),
            m(cf.social_board_net_sek.p50),
            band_text(row.difference_social_board_sek, m, lang),
            percent(row.p_programme_cheaper, lang),
        )
        if prog.frame_sek is not None and prog.deficit_sek is not None and prog.p_deficit is not None:
            budget.add_row(
                y,
                m(prog.frame_sek),
                band_text(prog.deficit_sek, m, lang),
                percent(prog.p_deficit, lang),
                m(prog.frame_needed_sek.p80),
            )
    out_console.print(households)
    out_console.print(table)
    if budget.row_count:
        out_console.print(budget)
    split_year = next((y for y in ("2024", *summary.years) if y in summary.years), None)
    if summary.uncertain and split_year:
        split = summary.years[split_year].variance_split
        parts = []
        for name in ("households_on_benefit", "social_board_cost"):
            s = split[name]
            if s.parameter_share is not None:
                sd = n0(s.total_sd) if name == "households_on_benefit" else f"{m(s.total_sd)} {unit}"
                parts.append(t(f"split_{name}", lang).format(sd=sd, share=percent(s.parameter_share, lang)))
        if parts:
            out_console.print(f"{t('spread', lang)} {split_year}: " + "; ".join(parts), highlight=False, soft_wrap=True)
    elif not summary.uncertain:
        out_console.print(t("fixed_note", lang), highlight=False, soft_wrap=True)
    if summary.departments is not None:
        title, header, rows = department_table(summary.departments, lang, compact=True)
        dt_ = Table(title=title, caption=t("departments_note", lang))
        for i, col in enumerate(header):
            dt_.add_column(col, justify="left" if i == 0 else "right", overflow="fold")
        for r in rows:
            dt_.add_row(*r)
        out_console.print(dt_)
    for name in BREAKEVEN_DEFINITIONS:
        b = summary.breakeven[name]
        p50 = t("never", lang) if b.p50 == "never" else b.p50
        by_2025 = b.cdf.get("2025")
        extra = f", P(≤ 2025) = {percent(by_2025, lang)}" if by_2025 is not None else ""
        out_console.print(
            f"{t('breakeven', lang)} – {t(f'breakeven_{name}', lang)}: P50 {p50}, "
            f"P({t('never', lang)}) = {percent(b.distribution['never'], lang)}{extra}",
            highlight=False,
            soft_wrap=True,
        )
    outside = [row for row in summary.calibration if not row.within]
    if outside:
        texts = "; ".join(getattr(row, f"text_{lang}") for row in outside)
        out_console.print(
            f"{t('observed', lang)}: {len(outside)} {t('outside_band', lang)}: {texts}", highlight=False, soft_wrap=True
        )
    for name, tg in summary.targets.items():
        out_console.print(
            f"{t('target', lang)} {name} ({target_text(tg, lang)}): "
            f"{percent(tg.programme or 0.0, lang)} {t('programme', lang).lower()}, "
            f"{percent(tg.counterfactual or 0.0, lang)} {t('counterfactual', lang).lower()}",
            highlight=False,
            soft_wrap=True,
        )
    first = summary.places[0].year if summary.places else None
    given = [r for r in summary.places if r.year == first and r.places > 0]
    if given:
        unit_key = "places_given_starts" if given[0].unit == "starts" else "places_given_places"
        text = ", ".join(
            t(unit_key, lang).format(
                cls=t(r.place_class, lang).lower(), starts=n0(r.starts_per_year), places=n0(r.places)
            )
            for r in given
        )
        out_console.print(f"{t('places', lang)} {first}: {text}", highlight=False, soft_wrap=True)
    for notice in summary.notices:
        warning(notice_text(notice, lang))


def main() -> None:
    app()


if __name__ == "__main__":
    main()
