"""`amsim allocate`: the allocation model alone, from a departments table to places per department."""

from __future__ import annotations

import csv
import io
import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from model.allocation import LINKOPING_SIZE_WEIGHT, Targets, allocate
from model.console import error, out_console
from model.departments import CLASSES, load_departments
from model.errors import AmsimError, InputError

out = out_console


class Method(StrEnum):
    dialogue = "dialogue"
    malmo = "malmo"
    linkoping = "linkoping"
    lund = "lund"


def allocate_command(
    departments: Annotated[Path, typer.Argument(help="Departments table (CSV or Excel).")],
    method: Annotated[Method, typer.Option("--method", help="dialogue, malmo, linkoping or lund.")],
    jobs: Annotated[int, typer.Option("--jobs", min=0, help="Job places to allocate.")],
    internships: Annotated[int, typer.Option("--internships", min=0, help="Internship places to allocate.")],
    size_weight: Annotated[
        float, typer.Option("--size-weight", min=0, max=1, help="linkoping: weight of size (the rest: need).")
    ] = LINKOPING_SIZE_WEIGHT,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="Print CSV.")] = False,
) -> None:
    """Places per department and class by an allocation method, with the reason for each figure."""
    try:
        deps = load_departments(departments)
        result = allocate(method.value, Targets(jobs, internships), deps, size_weight=size_weight)
    except AmsimError as e:
        problems = e.problems if isinstance(e, InputError) else [e]
        for p in problems:
            error(p)
        raise typer.Exit(2) from None
    rows = result.rows()
    if as_json:
        data = {
            "method": result.method,
            "targets": {"jobs": jobs, "internships": internships},
            "parameters": result.parameters,
            "departments": rows,
        }
        out.print_json(json.dumps(data, ensure_ascii=False))
        return
    if as_csv:
        from dashboards.excel import safe_text  # a department named =… must not become a formula

        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows({k: safe_text(v) for k, v in r.items()} for r in rows)
        typer.echo(buf.getvalue(), nl=False)
        return
    table = Table(title=f"{result.method}: {jobs} jobs, {internships} internships")
    table.add_column("department", overflow="fold", ratio=1)
    for c in CLASSES:
        table.add_column(c, justify="right")
        table.add_column("capacity", justify="right", style="dim")
    caps = {d.name: d for d in deps}
    for r in rows:
        d = caps[r["department"]]
        table.add_row(r["department"], *(x for c in CLASSES for x in (str(r[c]), str(d.capacity(c)))))
    table.add_row("total", *(x for c in CLASSES for x in (str(result.total(c)), "")), style="bold")
    out.print(table)
    out.print(Text("why", style="bold"))
    for r in rows:
        out.print(f"  {r['department']}: {r['reason']}", highlight=False, soft_wrap=False)
    for key, value in result.parameters.items():
        out.print(f"{key}: {value:.4g}" if isinstance(value, float) else f"{key}: {value}", highlight=False)
