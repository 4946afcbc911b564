"""`amsim evaluate REGISTER`: dynamic IPW on a synthetic register, with the truth beside it where it is known."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from pathlib import Path
from typing import Annotated

import typer

from model.console import ok, out_console
from model.errors import AmsimError


def evaluate_command(
    register: Annotated[Path, typer.Argument(help="A register folder from `amsim register`, or its Parquet file.")],
    reps: Annotated[
        str | None, typer.Option("--reps", help="Replications to evaluate: e.g. 0, 0-19 or 1,3 (default: all).")
    ] = None,
    months: Annotated[int, typer.Option("--months", min=1, max=120, help="Months after the start to follow.")] = 36,
    trim: Annotated[
        float, typer.Option("--trim", min=0.5, max=1.0, help="Leave out risk months with a propensity above this.")
    ] = 0.95,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Evaluation folder to create (default: runs/out/evaluation-<timestamp>)."),
    ] = None,
    lang: Annotated[str, typer.Option("--lang", help="Language of the report: sv or en.")] = "sv",
) -> None:
    """Estimate the programme's effects on benefit, work and a-kassa by months since the start (dynamic IPW),
    for all participants and by workplace, with the naive comparison; beside them the truth from the paired
    counterfactual. Writes evaluation.parquet, balance.csv, evaluation.json and report.html."""
    from model.cli import _fail

    if lang not in ("sv", "en"):
        _fail(AmsimError(f"--lang {lang}: allowed values are sv, en"))
    try:
        from dashboards.evaluation_report import write_evaluation_report
        from evaluation.design import DesignError
        from evaluation.evaluate import evaluate

        folder = out or Path("runs") / "out" / f"evaluation-{dt.datetime.now():%Y%m%d-%H%M%S}"
        if folder.exists():
            raise AmsimError(f"{folder}: evaluation folder already exists; choose another --out")
        try:
            ev = evaluate(register, parse_reps(reps), months, trim)
        except DesignError as err:
            raise AmsimError(str(err)) from None
        staging = folder.with_name(folder.name + ".partial")
        if staging.exists():
            shutil.rmtree(staging)
        staging.mkdir(parents=True)
        ev.profiles.to_parquet(staging / "evaluation.parquet", index=False)
        ev.balance.to_csv(staging / "balance.csv", index=False)
        summary = {**ev.settings}
        if ev.has_truth and len(ev.settings["replications"]) > 1:
            cov = ev.coverage()
            summary["lowest_coverage_all"] = {
                o: float(cov[(cov["group"] == "all") & (cov["outcome"] == o)]["coverage"].min())
                for o in ("benefit", "work", "akassa")
            }
        (staging / "evaluation.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
        write_evaluation_report(staging, ev, lang)
        os.replace(staging, folder)
    except AmsimError as err:
        _fail(err)
    except OSError as err:
        _fail(AmsimError(f"{out}: cannot write the evaluation here: {err.strerror or err}"))
    _print(ev, lang)
    ok(f"evaluation: {folder}")


def parse_reps(text: str | None) -> list[int] | None:
    """``0``, ``0-19`` or ``1,3,5`` → replication numbers (None: all)."""
    if text is None:
        return None
    reps: list[int] = []
    try:
        for part in text.split(","):
            lo, _, hi = part.strip().partition("-")
            reps += list(range(int(lo), int(hi) + 1)) if hi else [int(lo)]
    except ValueError:
        raise AmsimError(f"--reps {text}: give replications as 0, 0-19 or 1,3,5") from None
    return sorted(set(reps))


def _print(ev, lang: str) -> None:
    from rich.table import Table

    from dashboards.evaluation_report import tr
    from dashboards.labels import number

    df = ev.profiles[(ev.profiles["group"] == "all") & ev.profiles["k"].isin((0, 6, 12, 24, 36))]
    df = df.groupby(["outcome", "k"], observed=True)[["estimate", "truth", "naive"]].mean().reset_index()
    table = Table(title=tr("all", lang))
    for col in (tr("outcome", lang), tr("month", lang), tr("estimate", lang), tr("truth", lang), tr("naive", lang)):
        table.add_column(col)
    for r in df.itertuples():
        cells = [number(100 * x, 1, lang) for x in (r.estimate, r.truth, r.naive)]
        table.add_row(tr(r.outcome, lang), str(r.k), *cells)
    out_console.print(table)
