"""results.xlsx and --csv: numeric cells, every sheet, frames that are percentiles, nothing that runs as a formula."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from dashboards.excel import safe_text
from model.cli import app
from tests.conftest import small_dict, write_yaml

runner = CliRunner()
HOSTILE = '=HYPERLINK("http://x","klicka")'


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("xlsx")
    src = Path(__file__).parents[1] / "runs" / "departments" / "lund.csv"
    lines = src.read_text(encoding="utf-8").splitlines()
    body = [line for line in lines if not line.startswith("#")]
    body[1] = '"' + HOSTILE.replace('"', '""') + '"' + body[1][body[1].index(",") :]  # a formula-like name
    (tmp / "deps.csv").write_text("\n".join(body) + "\n", encoding="utf-8")
    d = small_dict()
    d["horizon"] = "2023-12"
    d["population"]["initial_households"] = 200
    d["programme"]["starts_per_year"] = {2022: {"jobs": 40, "internships": 20}}
    d["programme"]["allocation"] = {
        "departments": str(tmp / "deps.csv"),
        "method": "lund",
        "lead_time_months": {"jobs": 2, "internships": 2},
    }
    out = tmp / "run"
    res = runner.invoke(
        app, ["run", str(write_yaml(tmp / "s.yaml", d)), "--out", str(out), "--quiet", "--reps", "6", "--csv"]
    )
    assert res.exit_code == 0, res.output
    return out


def test_results_xlsx_has_every_sheet_with_numeric_cells(run_folder):
    wb = openpyxl.load_workbook(run_folder / "results.xlsx")
    names = wb.sheetnames
    for expected in ("Översikt", "Hushåll per år", "Kostnad per år", "Budgetram", "Brytpunkt", "Antaganden"):
        assert expected in names
    assert "Förvaltningar" in names and "Spridning" in names
    ws = wb["Hushåll per år"]
    rows = list(ws.iter_rows(min_row=4, values_only=True))
    assert rows and all(isinstance(v, int | float) for r in rows for v in r)
    assert ws.cell(row=4, column=4).number_format == "#,##0"
    assert wb["Budgetram"].cell(row=5, column=6).number_format == "0.0%"


def test_frame_for_80_percent_is_the_80th_percentile_of_cost(run_folder):
    wb = openpyxl.load_workbook(run_folder / "results.xlsx")
    ws = wb["Budgetram"]
    header = [c.value for c in ws[3]]
    by_year = {r[0]: dict(zip(header, r, strict=True)) for r in ws.iter_rows(min_row=4, values_only=True)}
    annual = pd.read_parquet(run_folder / "annual.parquet")
    cost = annual[(annual["arm"] == "programme") & (annual["year"] == 2022)]["social_board_net_sek"].to_numpy()
    assert by_year[2022]["Ram för 80 % säkerhet"] == pytest.approx(np.percentile(cost, 80) / 1e6, rel=1e-12)
    deficit = cost - 8e6
    assert by_year[2022]["P(underskott > 0)"] == pytest.approx(np.mean(deficit > 0))
    assert by_year[2022]["Underskott P50"] == pytest.approx(np.percentile(deficit, 50) / 1e6, rel=1e-12)


def test_a_formula_like_department_name_is_neutralised(run_folder):
    wb = openpyxl.load_workbook(run_folder / "results.xlsx")
    ws = wb["Förvaltningar"]
    names = [r[1] for r in ws.iter_rows(min_row=4, values_only=True)]
    hostile = [n for n in names if isinstance(n, str) and "HYPERLINK" in n]
    assert hostile and all(n.startswith("'=") for n in hostile)
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)
    with (run_folder / "csv" / "departments.csv").open(encoding="utf-8-sig") as fh:
        cells = [c for row in csv.reader(fh) for c in row]
    assert not any(c.startswith(("=", "+", "@")) for c in cells)


def test_csv_holds_the_same_tables(run_folder):
    stems = {p.stem for p in (run_folder / "csv").glob("*.csv")}
    assert {"overview", "households", "costs", "budget", "breakeven", "assumptions", "departments"} <= stems
    budget = pd.read_csv(run_folder / "csv" / "budget.csv", encoding="utf-8-sig")
    wb = openpyxl.load_workbook(run_folder / "results.xlsx")
    xl = [r for r in wb["Budgetram"].iter_rows(min_row=4, values_only=True)]
    assert budget.iloc[:, 7].tolist() == pytest.approx([r[7] for r in xl])


def test_english_headers(tmp_path):
    d = small_dict()
    res = runner.invoke(
        app,
        [
            "run",
            str(write_yaml(tmp_path / "s.yaml", d)),
            "--out",
            str(tmp_path / "r"),
            "--quiet",
            "--reps",
            "2",
            "--lang",
            "en",
        ],
    )
    assert res.exit_code == 0, res.output
    wb = openpyxl.load_workbook(tmp_path / "r" / "results.xlsx")
    assert "Overview" in wb.sheetnames and "Budget frame" in wb.sheetnames
    assert [c.value for c in wb["Budget frame"][3]][:2] == ["Year", "Frame"]


@pytest.mark.parametrize("text", ["=1+1", "+46 70", "-2", "@SUM(A1)", "\tx"])
def test_safe_text_neutralises_formula_starts(text):
    assert safe_text(text) == "'" + text
    assert safe_text("Lund") == "Lund" and safe_text(-2.0) == -2.0
