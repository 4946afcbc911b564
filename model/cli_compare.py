"""`amsim compare A B [C …]`: strategies side by side, paired by common random numbers."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from model.compare import Arm, Comparison, compare, labels, load_arm
from model.console import out_console
from model.engines import EngineName as Engine
from model.errors import AmsimError, InputError
from model.runfolder import input_digests
from model.scenario import Scenario, load_scenario, scenario_path

ENGINE_HELP = (
    "Simulation engine: fast (numba, the default) or des (SimPy, the readable reference). "
    "Both give identical results; the first fast run in a new environment compiles for about a minute."
)
DASK_HELP = (
    "Run the replications on Dask: 'local' starts a local cluster of --workers processes for the run. "
    "Results are identical on every backend."
)
SCHEDULER_HELP = "Run the replications on the Dask cluster whose scheduler is at ADDRESS (e.g. tcp://10.0.0.5:8786)."


def _is_run_folder(path: Path) -> bool:
    return path.is_dir() and (path / "manifest.json").is_file() and (path / "annual.parquet").is_file()


def compare_command(
    inputs: Annotated[
        list[str],
        typer.Argument(help="Scenario files, packaged scenario names or run folders; the first is the base (A)."),
    ],
    out: Annotated[
        Path | None, typer.Option("--out", help="Comparison folder (default: runs/out/compare-<timestamp>).")
    ] = None,
    reps: Annotated[int | None, typer.Option("--reps", min=1, help="Replications of each scenario run.")] = None,
    seed: Annotated[int | None, typer.Option("--seed", min=0, help="Seed of every scenario run.")] = None,
    workers: Annotated[int | None, typer.Option("--workers", min=1, help="Parallel worker processes.")] = None,
    fixed: Annotated[bool, typer.Option("--fixed", help="Run scenarios at their central values.")] = False,
    lang: Annotated[str, typer.Option("--lang", help="sv or en.")] = "sv",
    engine: Annotated[Engine, typer.Option("--engine", help=ENGINE_HELP)] = Engine.fast,
    quiet: Annotated[bool, typer.Option("--quiet", help="No progress bars.")] = False,
    dask: Annotated[str | None, typer.Option("--dask", metavar="local", help=DASK_HELP)] = None,
    scheduler: Annotated[str | None, typer.Option("--scheduler", metavar="ADDRESS", help=SCHEDULER_HELP)] = None,
) -> None:
    """Compare strategies: per year the paired difference of each with the first (B − A), P5–P95 and P(B better)."""
    from model.cli import _fail, run_scenario
    from model.rundata import Writer

    if lang not in ("sv", "en"):
        _fail(AmsimError(f"--lang {lang}: allowed values are sv, en"))
    try:
        if len(inputs) < 2:
            raise AmsimError("compare needs at least two scenarios or run folders")
        folder = out or Path("runs") / "out" / f"compare-{dt.datetime.now():%Y%m%d-%H%M%S}"
        try:
            if folder.exists():
                raise AmsimError(f"{folder}: comparison folder already exists; choose another --out")
        except OSError as err:
            raise AmsimError(f"{folder}: cannot create the comparison folder here: {err.strerror or err}") from None
        staging = folder.with_name(folder.name + ".partial")
        tags = labels(len(inputs))
        plan: list[tuple[str, Path, Scenario | None, str]] = []
        folders: list[Arm] = []
        for tag, text in zip(tags, inputs, strict=True):
            path = Path(text)
            if _is_run_folder(path):
                plan.append((tag, path, None, str(path)))
                folders.append(load_arm(tag, path))
                continue
            sc_path = scenario_path(text)
            plan.append((tag, sc_path, load_scenario(sc_path), str(sc_path)))
        # what every run shares: the first run folder's seed and replications, else the first scenario's
        first = next(sc for _, _, sc, _ in plan if sc is not None) if len(folders) < len(plan) else None
        common_seed = seed if seed is not None else (folders[0].seed if folders else first.seed)  # type: ignore[union-attr]
        n = reps or (folders[0].replications if folders else first.replications)  # type: ignore[union-attr]
        span = (
            (folders[0].scenario["start"], folders[0].scenario["horizon"])
            if folders
            else (str(first.start), str(first.horizon))  # type: ignore[union-attr]
        )
        # refuse an unpaired comparison before anything runs
        for tag, path, sc, _ in plan:
            arm = next((a for a in folders if a.label == tag), None)
            have = (arm.scenario["start"], arm.scenario["horizon"]) if arm else (str(sc.start), str(sc.horizon))  # type: ignore[union-attr]
            if have != span:
                raise AmsimError(
                    f"{path}: runs {have[0]}–{have[1]}, the comparison {span[0]}–{span[1]}; give one horizon"
                )
            if arm and (arm.seed, arm.replications) != (common_seed, n):
                raise AmsimError(
                    f"{path}: seed {arm.seed} and {arm.replications} replications, the comparison seed {common_seed} "
                    f"and {n}; a paired comparison needs the same seed and replications (--seed, --reps)"
                )
    except AmsimError as err:
        _fail(err)

    try:
        staging.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        _fail(AmsimError(f"{folder}: cannot create the comparison folder here: {err.strerror or err}"))
    from calibration.checks import compare as checks
    from dashboards.compare_report import write_compare_report, write_compare_xlsx
    from dashboards.excel import write_results_xlsx
    from dashboards.report import write_report

    writers: list[Writer] = [write_report, write_results_xlsx]
    arms: list[Arm] = []
    try:
        for tag, _path, sc, file in plan:
            if sc is None:
                arms.append(next(a for a in folders if a.label == tag))
                continue
            run_out = staging / f"{tag}-{sc.name}"
            sc = sc.model_copy(update={"seed": common_seed})
            if not _is_run_folder(run_out):
                run_scenario(
                    sc, file, n, run_out, workers, fixed, lang, quiet, writers, checks, print_summary=False,
                    engine=engine.value, dask=dask, scheduler=scheduler,
                )  # fmt: skip
            arm = load_arm(tag, run_out)
            wanted = json.loads(json.dumps(sc.model_dump(mode="json")))  # as the manifest holds it
            inputs = json.loads((run_out / "manifest.json").read_text(encoding="utf-8")).get("inputs")
            same = inputs == input_digests(sc, file, common_seed, fixed, engine.value)  # its files too
            if (arm.scenario, arm.replications, arm.fixed) != (wanted, n, fixed) or not same:
                raise AmsimError(
                    f"{run_out}: a finished run of other inputs is there (from an interrupted comparison); "
                    f"remove {staging} or choose another --out"
                )
            arms.append(arm)
        result = compare(arms)
    except (AmsimError, InputError) as err:
        _fail(err)
    try:
        (staging / "comparison.json").write_text(result.to_json(), encoding="utf-8")
        write_compare_xlsx(staging, result, lang)
        write_compare_report(staging, result, lang)
        os.replace(staging, folder)
    except OSError as err:
        _fail(
            AmsimError(
                f"{staging}: cannot write the comparison ({err.strerror or err}); its runs are kept there: "
                "run the same command again to finish"
            )
        )
    _print(result, lang)
    out_console.print(f"comparison folder: {folder}", highlight=False, soft_wrap=True)


def _print(c: Comparison, lang: str) -> None:
    from dashboards.labels import band_text, number, percent, t

    unit = "mnkr" if lang == "sv" else "MSEK"
    names = ", ".join(f"{k} = {v}" for k, v in c.names.items())
    reps = f"{c.replications} {t('replications', lang).lower()}"
    out_console.print(f"{t('compared', lang)}: {names} ({t('seed', lang).lower()} {c.seed}, {reps})")
    if c.differences:
        diff = Table(title=t("what_differs", lang))
        diff.add_column(t("value_path", lang), overflow="fold")
        for k in c.names:
            diff.add_column(k, overflow="fold")
        for d in c.differences:
            diff.add_row(d.path, *(d.values[k] for k in c.names))
        out_console.print(diff)
    else:
        out_console.print(t("nothing_differs", lang))

    def m(x: float, _lang: str = lang) -> str:
        return number(x / 1e6, 1, lang)

    def n0(x: float, _lang: str = lang) -> str:
        return number(x, 0, lang)

    for label in c.names:
        if label == c.base:
            continue
        table = Table(
            title=f"{label} − {c.base} ({t('paired', lang)}; P50 [P5–P95])", caption=t("better_caption", lang)
        )
        for col in (
            t("year", lang),
            t("households", lang),
            t("p_better", lang),
            f"{t('cost_short', lang)} ({unit})",
            t("p_better", lang),
        ):
            table.add_column(col, justify="right", no_wrap=True)
        for y in c.years:
            d = y.differences[label]
            table.add_row(
                str(y.year),
                band_text(d["households_on_benefit"], n0, lang),
                percent(d["households_on_benefit"].p_better, lang),
                band_text(d["social_board_cost"], m, lang),
                percent(d["social_board_cost"].p_better, lang),
            )
        out_console.print(table)
    side = Table(title=t("side_by_side", lang))
    side.add_column("", overflow="fold")
    for k in c.names:
        side.add_column(k, justify="right")
    for name in c.breakeven[c.base]:
        side.add_row(
            f"{t('breakeven', lang)} ({t(f'breakeven_{name}_short', lang)}) P50",
            *(
                t("never", lang) if c.breakeven[k][name].p50 == "never" else str(c.breakeven[k][name].p50)
                for k in c.names
            ),
        )
    for target in c.targets[c.base]:
        side.add_row(
            f"P({target})",
            *(percent(c.targets[k].get(target) or 0.0, lang) for k in c.names),
        )
    out_console.print(side)
