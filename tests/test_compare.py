"""amsim compare: paired differences by common random numbers, what differs, folders, and pairing errors."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from model.cli import app
from model.compare import Comparison
from tests.conftest import small_dict, write_yaml

runner = CliRunner()


def _compare(*args: str) -> tuple[int, str]:
    res = runner.invoke(app, ["compare", *args, "--quiet"])
    return res.exit_code, res.output


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("cmp")
    base = small_dict()
    more = small_dict()
    more["name"] = "more_places"
    more["programme"]["starts_per_year"] = {2022: {"jobs": 40, "internships": 12}}
    return {"base": write_yaml(tmp / "base.yaml", base), "more": write_yaml(tmp / "more.yaml", more)}


def test_a_scenario_compared_with_itself_is_zero_everywhere(files, tmp_path):
    code, out = _compare(str(files["base"]), str(files["base"]), "--out", str(tmp_path / "c"), "--reps", "6")
    assert code == 0, out
    c = Comparison.model_validate_json((tmp_path / "c" / "comparison.json").read_text())
    assert c.differences == []
    for y in c.years:
        for d in y.differences["B"].values():
            assert d.p5 == d.p50 == d.p95 == d.mean == 0.0 and d.p_better == 0.0
    assert {p.name for p in (tmp_path / "c").iterdir()} >= {"report.html", "comparison.xlsx", "comparison.json"}


def test_paired_band_is_narrower_than_unpaired_for_a_variant_with_more_places(files, tmp_path):
    code, out = _compare(str(files["base"]), str(files["more"]), "--out", str(tmp_path / "c"), "--reps", "12")
    assert code == 0, out
    assert "programme.starts_per_year.2022.jobs" in out
    c = Comparison.model_validate_json((tmp_path / "c" / "comparison.json").read_text())
    y = next(y for y in c.years if y.year == 2023)
    for measure in ("households_on_benefit", "social_board_cost"):
        d = y.differences["B"][measure]
        assert d.p95 - d.p5 < d.unpaired_p95 - d.unpaired_p5, measure
    wb = openpyxl.load_workbook(tmp_path / "c" / "comparison.xlsx")
    assert len(wb.sheetnames) == 3
    rows = list(wb[wb.sheetnames[1]].iter_rows(min_row=2, values_only=True))
    assert rows and all(isinstance(v, float | int) for r in rows for v in (r[3], r[4], r[5], r[6]))


def test_run_folders_compare_and_unpaired_ones_are_refused(files, tmp_path):
    for name, seed in (("a", "1"), ("b", "1"), ("c", "2")):
        res = runner.invoke(
            app, ["run", str(files["base"]), "--out", str(tmp_path / name), "--reps", "2", "--seed", seed, "--quiet"]
        )
        assert res.exit_code == 0, res.output
    code, out = _compare(str(tmp_path / "a"), str(tmp_path / "b"), "--out", str(tmp_path / "ab"))
    assert code == 0, out
    code, out = _compare(str(tmp_path / "a"), str(tmp_path / "c"), "--out", str(tmp_path / "ac"))
    assert code == 2 and "seed 2 and 2 replications, the comparison seed 1" in out and "paired comparison" in out
    assert not (tmp_path / "ac").exists() and not (tmp_path / "ac.partial").exists()
    # a run folder first sets the seed and replications of the scenarios run beside it
    code, out = _compare(str(tmp_path / "c"), str(files["more"]), "--out", str(tmp_path / "cm"))
    assert code == 0, out
    c = Comparison.model_validate_json((tmp_path / "cm" / "comparison.json").read_text())
    assert (c.seed, c.replications) == (2, 2)


def test_compare_needs_two_inputs_and_known_names(files, tmp_path):
    code, out = _compare(str(files["base"]), "--out", str(tmp_path / "x"))
    assert code == 2 and "at least two" in out
    code, out = _compare(str(files["base"]), "no_such_scenario", "--out", str(tmp_path / "y"))
    assert code == 2 and "no_such_scenario" in out


def test_the_allocation_presets_in_one_command(tmp_path):
    code, out = _compare("lund_dialogue", "lund_malmo", "lund_needs", "--reps", "2", "--out", str(tmp_path / "p"))
    assert code == 0, out
    c = json.loads((tmp_path / "p" / "comparison.json").read_text())
    assert c["names"] == {"A": "lund_dialogue", "B": "lund_malmo", "C": "lund_needs"}
    paths = {d["path"] for d in c["differences"]}
    assert "programme.allocation.method" in paths and "programme.allocation.penalty_per_missing_place_month" in paths


def test_an_interrupted_comparison_resumes_and_never_mixes_inputs(files, tmp_path):
    out = tmp_path / "c"
    staging = tmp_path / "c.partial"
    code, _ = _compare(str(files["base"]), str(files["more"]), "--out", str(out), "--reps", "2")
    assert code == 0
    out.rename(staging)  # as if the comparison stopped after both runs, before its own files
    (staging / "comparison.json").unlink()
    code, output = _compare(str(files["base"]), str(files["more"]), "--out", str(out), "--reps", "2")
    assert code == 0 and (out / "comparison.json").is_file(), output
    out.rename(staging)
    code, output = _compare(str(files["base"]), str(files["more"]), "--out", str(out), "--reps", "3")
    assert code == 2 and "a finished run of other inputs" in output and not out.exists()
