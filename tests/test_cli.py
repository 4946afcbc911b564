"""The command line: run folder contents, help, validation, bad input, reproducibility, resume."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from model.cli import app
from model.runfolder import RUN_FILES
from model.scenario import default_scenario_path
from tests.conftest import lund_dict, small_dict, write_yaml

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args))


@pytest.fixture(scope="module")
def small_file(tmp_path_factory) -> Path:
    return write_yaml(tmp_path_factory.mktemp("sc") / "small.yaml", small_dict())


@pytest.fixture(scope="module")
def small_run(small_file, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("runs") / "a"
    res = invoke("run", str(small_file), "--out", str(out), "--quiet", "--trace")
    assert res.exit_code == 0, res.output
    return out


def test_run_writes_the_run_folder(small_run):
    for name in (*RUN_FILES, "events.parquet", "trace_ledger.parquet"):
        assert (small_run / name).is_file(), name
    monthly = pd.read_parquet(small_run / "monthly.parquet")
    for col in ("rep", "arm", "month", "households_on_benefit", "benefit", "akassa", "social_board_net_sek"):
        assert col in monthly.columns
    assert set(monthly["arm"]) == {"programme", "counterfactual"}
    assert len(monthly) == 3 * 2 * 24
    ledger = pd.read_parquet(small_run / "ledger.parquet")
    assert list(ledger.columns) == ["rep", "arm", "month", "payer", "payee", "category", "sek"]
    annual = pd.read_parquet(small_run / "annual.parquet")
    for col in (
        "households_on_benefit_mean",
        "social_board_net_sek",
        "municipality_net_sek",
        "state_net_sek",
        "deficit_sek",
    ):
        assert col in annual.columns
    # the ledger and the monthly views agree
    sb = (
        ledger.assign(
            s=ledger["sek"] * ((ledger["payer"] == "social_board").astype(int) - (ledger["payee"] == "social_board"))
        )
        .groupby(["rep", "arm", "month"], observed=True)["s"]
        .sum()
    )
    m = monthly.groupby(["rep", "arm", "month"], observed=True)["social_board_net_sek"].sum()
    assert sb.to_numpy() == pytest.approx(m.to_numpy(), rel=1e-9, abs=1e-6)
    summary = json.loads((small_run / "summary.json").read_text())
    assert set(summary["breakeven"]) == {"annual", "cumulative", "first_below"}
    assert "on_benefit_year_after_job" in summary["participants"] or summary["participants"] == {}
    assert "p_deficit" in summary["years"]["2022"]["programme"]
    manifest = json.loads((small_run / "manifest.json").read_text())
    assert manifest["replications"] == 3 and manifest["seed"] == 20220101
    html = (small_run / "report.html").read_text()
    assert "<script" in html and "Hushåll med försörjningsstöd" in html
    assert not re.search(r"<script[^>]+src=", html), "the report must not load scripts from the network"
    events = pd.read_parquet(small_run / "events.parquet")
    trace = pd.read_parquet(small_run / "trace_ledger.parquet")
    assert {"household", "state", "start", "end", "next_state"} <= set(events.columns)
    assert {"household", "category", "rule", "sek"} <= set(trace.columns)
    # the trace of replication 0 adds up to the ledger of replication 0
    rep0 = ledger[ledger["rep"] == 0].groupby(["arm", "category"], observed=True)["sek"].sum()
    tr = trace.groupby(["arm", "category"])["sek"].sum()
    expected = {(str(a), str(c)): v for (a, c), v in rep0[rep0 != 0].items()}
    got = {(str(a), str(c)): v for (a, c), v in tr.items()}
    assert got.keys() == expected.keys()
    for k, v in expected.items():
        assert got[k] == pytest.approx(v, rel=1e-9), k


def test_run_prints_breakeven_and_deficit_probabilities(small_file, tmp_path):
    res = invoke("run", str(small_file), "--out", str(tmp_path / "b"), "--quiet", "--reps", "2", "--lang", "en")
    assert res.exit_code == 0, res.output
    assert re.search(r"Breakeven – Annual.*: P50", res.output)
    assert re.search(r"Breakeven – First year the annual cost is below.*: P50", res.output)
    assert "Difference [P5–P95]" in res.output and "Frame 80 %" in res.output and "Deficit [P5–P95]" in res.output
    assert "P(deficit > 0)" in res.output
    table = [line for line in res.output.splitlines() if line.startswith(("┃", "│", "┏", "└"))]
    assert table and max(len(line) for line in table) <= 80


def test_help_documents_every_option():
    res = invoke("run", "--help")
    assert res.exit_code == 0
    for opt in ("--reps", "--seed", "--out", "--workers", "--trace", "--trace-rep", "--lang", "--quiet"):
        assert opt in res.output


def test_validate_accepts_the_default():
    res = invoke("validate", str(default_scenario_path()))
    assert res.exit_code == 0 and "ok" in res.output


def _bad(tmp_path: Path, mutate) -> tuple[Path, object]:
    d = small_dict()
    mutate(d)
    path = write_yaml(tmp_path / "bad.yaml", d)
    return path, invoke("validate", str(path))


@pytest.mark.parametrize(
    ("mutate", "field", "words"),
    [
        (lambda d: d["population"].update(inflow_per_mont=3), "population.inflow_per_mont", "valid keys"),
        (
            lambda d: d["baseline"]["exit_per_month"]["sfi"].update(work=-0.1),
            "baseline.exit_per_month.sfi.work",
            "greater than or equal to 0",
        ),
        (lambda d: d["population"].update(ready_share=1.5), "population.ready_share", "less than or equal to 1"),
        (lambda d: d.update(start="2031-01"), "", "after the horizon"),
        (lambda d: d["programme"].update(placement_order=["internships"]), "programme", "placement_order"),
        (lambda d: d["targets"][0].update(first_year=2040, last_year=2041), "", "outside the simulated years"),
    ],
)
def test_bad_input_names_file_and_field(tmp_path, mutate, field, words):
    path, res = _bad(tmp_path, mutate)
    assert res.exit_code != 0
    assert str(path) in res.output and field in res.output and words in res.output


def test_unknown_key_lists_valid_keys(tmp_path):
    _, res = _bad(tmp_path, lambda d: d["population"].update(inflow_per_mont=3))
    assert "initial_households" in res.output and "inflow_per_month" in res.output


def test_unreadable_file(tmp_path):
    res = invoke("validate", str(tmp_path / "missing.yaml"))
    assert res.exit_code != 0 and "missing.yaml" in res.output and "cannot read" in res.output
    (tmp_path / "broken.yaml").write_text("name: [unclosed\n")
    res = invoke("validate", str(tmp_path / "broken.yaml"))
    assert res.exit_code != 0 and "broken.yaml" in res.output and "not valid YAML" in res.output


def test_bad_input_leaves_no_run_folder(tmp_path):
    d = small_dict()
    d["population"]["ready_share"] = 2
    path = write_yaml(tmp_path / "bad.yaml", d)
    out = tmp_path / "out"
    res = invoke("run", str(path), "--out", str(out), "--quiet")
    assert res.exit_code != 0
    assert not out.exists() and not out.with_name("out.partial").exists()


def test_existing_run_folder_is_not_overwritten(small_file, small_run):
    res = invoke("run", str(small_file), "--out", str(small_run), "--quiet")
    assert res.exit_code != 0 and "already exists" in res.output


def test_same_seed_gives_byte_identical_parquet_for_any_worker_count(small_file, small_run, tmp_path):
    one = tmp_path / "w1"
    two = tmp_path / "w2"
    assert invoke("run", str(small_file), "--out", str(one), "--quiet", "--workers", "1").exit_code == 0
    assert invoke("run", str(small_file), "--out", str(two), "--quiet", "--workers", "2").exit_code == 0
    for name in ("monthly.parquet", "ledger.parquet", "annual.parquet"):
        assert (one / name).read_bytes() == (two / name).read_bytes() == (small_run / name).read_bytes(), name
    s1 = json.loads((one / "summary.json").read_text())
    s2 = json.loads((two / "summary.json").read_text())
    assert s1 == s2
    assert (one / "report.html").read_bytes() == (two / "report.html").read_bytes()  # stable element ids
    assert (one / "results.xlsx").read_bytes() == (two / "results.xlsx").read_bytes()  # no time stamps
    assert (one / "parameters.parquet").read_bytes() == (two / "parameters.parquet").read_bytes()


def test_another_seed_gives_other_results(small_file, small_run, tmp_path):
    out = tmp_path / "s"
    assert invoke("run", str(small_file), "--out", str(out), "--quiet", "--seed", "7").exit_code == 0
    assert (out / "monthly.parquet").read_bytes() != (small_run / "monthly.parquet").read_bytes()


def test_interrupted_run_resumes_from_saved_replications(small_file, small_run, tmp_path, monkeypatch):
    import model.runfolder as rf

    out = tmp_path / "r"
    real = rf.stream_replications
    calls = {"n": 0}

    def flaky(p, reps, on_result, workers, engine, backend=None):
        def once(t):
            on_result(t)
            calls["n"] += 1
            if calls["n"] == 2:
                raise KeyboardInterrupt

        return real(p, reps, once, workers, engine, backend)

    monkeypatch.setattr(rf, "stream_replications", flaky)
    res = invoke("run", str(small_file), "--out", str(out), "--quiet")
    assert res.exit_code == 130 and "resume" in res.output
    assert not out.exists() and len(list((tmp_path / "r.partial" / "parts").glob("rep-*.npy"))) == 2
    monkeypatch.setattr(rf, "stream_replications", real)
    res = invoke("run", str(small_file), "--out", str(out), "--quiet")
    assert res.exit_code == 0, res.output
    assert "resumed 2" in res.output
    assert not (tmp_path / "r.partial").exists()
    assert (out / "monthly.parquet").read_bytes() == (small_run / "monthly.parquet").read_bytes()


@pytest.mark.parametrize("path", sorted((Path(__file__).parents[1] / "runs").glob("*.yaml")), ids=lambda p: p.name)
def test_every_value_in_the_shipped_scenarios_names_its_source(path):
    """Each line of a shipped scenario (runs/*.yaml) that sets a value carries a source or says 'assumption'.

    A value may take its source from the key it sits under (e.g. the hazards of one reason, or a
    distribution written on the lines below its key).
    """
    source = re.compile(
        r"assumption|facts §|Lund §|Linköping §|facts\.md|IFAU|illustrative|calibrated|SCB|Arbetsförmedlingen"
        r"|Socialstyrelsen"
    )
    missing = []
    parents: list[tuple[int, bool]] = []  # (indent, has a source) of the keys above the current line
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        body = line.split("#", 1)[0].rstrip()
        comment = line.split("#", 1)[1] if "#" in line else ""
        indent = len(line) - len(line.lstrip())
        while parents and parents[-1][0] >= indent and body.strip():
            parents.pop()
        sourced = bool(source.search(comment)) or any(has for _, has in parents)
        if body.rstrip().endswith(":"):
            parents.append((indent, bool(source.search(comment))))
            continue
        if not body.strip() or (body.strip().startswith("-") and ":" not in body and "{" not in body):
            continue
        if body.split(":")[0].strip() in ("name", "description", "extends"):  # labels and links, not parameters
            continue
        if not sourced:
            missing.append(f"{n}: {line.strip()}")
    assert not missing, "\n".join(missing)
    assert validate_ok(path)


def validate_ok(path: Path) -> bool:
    res = runner.invoke(app, ["validate", str(path)])
    return res.exit_code == 0


def test_default_scenario_is_the_packaged_lund():
    assert lund_dict()["name"] == "lund"


def test_a_folder_named_runs_where_a_script_starts_does_not_hide_the_packaged_scenarios(tmp_path):
    """`amsim run` writes runs/out in the working folder; a script or `python -m` started there has that folder
    first on its path, where a plain ``runs`` (no __init__) would shadow the packaged scenarios' package."""
    import subprocess
    import sys

    (tmp_path / "runs" / "out").mkdir(parents=True)
    script = tmp_path / "use.py"
    script.write_text(
        "from model.scenario import load_scenario, scenario_path\n"
        "print(load_scenario().name, scenario_path('lund_malmo').stem)\n",
        encoding="utf-8",
    )
    done = subprocess.run([sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["lund", "lund_malmo"]


def test_checkpoints_hold_data_only(tmp_path):
    """A checkpoint with a pickled object in it is refused, not loaded: a run folder cannot run code on resume."""
    import numpy as np

    from model.errors import AmsimError
    from model.runfolder import load_checkpoint

    bad = tmp_path / "rep-00000.npy"
    np.save(bad, np.array([object()], dtype=object), allow_pickle=True)
    with pytest.raises(AmsimError, match="damaged checkpoint"):
        load_checkpoint(bad)
    (tmp_path / "rep-00001.npy").write_bytes(b"not an array")
    with pytest.raises(AmsimError, match=r"rep-00001\.npy"):
        load_checkpoint(tmp_path / "rep-00001.npy")
    np.save(tmp_path / "rep-00002.npy", np.arange(3))  # an array, but not a replication
    with pytest.raises(AmsimError, match=r"rep-00002\.npy"):
        load_checkpoint(tmp_path / "rep-00002.npy")


def test_a_checkpoint_is_the_record_numpy_saves_and_reads_back(lund_params, tmp_path):
    """The checkpoint's bytes are np.save's of the replication as one record (header made once per layout)."""
    import io

    import numpy as np

    from model.outcomes import tabulate
    from model.runfolder import load_checkpoint, save_checkpoint
    from model.simulate import simulate

    for rep in (0, 1):  # the second with the header cached
        t = tabulate(simulate(lund_params, rep), lund_params)
        save_checkpoint(t, tmp_path / f"rep-{rep}.npy")
        arrays = {f"arms/{a}/{k}": np.asarray(v) for a, tables in t.arms.items() for k, v in tables.items()}
        arrays |= {"rep": np.asarray(t.rep), "events": np.asarray(t.events)}
        arrays |= {"household_months": np.asarray(t.household_months)}
        arrays |= {"simulated_household_months": np.asarray(t.simulated_household_months)}
        arrays |= {"participants": np.asarray(t.participants)}
        record = np.empty((), dtype=[(k, a.dtype, a.shape) for k, a in arrays.items()])
        for k, a in arrays.items():
            record[k] = a
        expected = io.BytesIO()
        np.save(expected, record, allow_pickle=False)
        assert (tmp_path / f"rep-{rep}.npy").read_bytes() == expected.getvalue()
        back = load_checkpoint(tmp_path / f"rep-{rep}.npy")
        assert back.rep == rep and back.events == t.events and np.array_equal(back.participants, t.participants)
        assert all(np.array_equal(back.arms[a][k], v) for a in t.arms for k, v in t.arms[a].items())


def test_the_run_is_held_against_its_municipalitys_figures_within_its_months(small_run):
    """Rows come from calibration/data/lund.yaml; those whose months the run (2022–2023) lacks are left out."""
    from calibration.targets import DATA, load_targets
    from model.summary import Summary

    summary = Summary.load(small_run / "summary.json")
    rows = {r.key: r for r in summary.calibration}
    assert {"deficit_2022", "jobs_filled_2022_aug", "households_early_2022", "breakeven_claim"} <= set(rows)
    assert not {"households_2019", "jobs_filled_2021", "benefit_saved_by_2025"} & set(rows)
    shipped = load_targets(DATA / "lund.yaml").by_key()
    for key, row in rows.items():
        o = shipped[key]
        assert (row.value, row.low, row.high, row.source, row.text_en) == (o.value, o.low, o.high, o.source, o.text_en)
    other = small_run.parent / "other"
    d = small_dict()
    d["municipality"] = "Uppsala"  # no figures shipped for it
    res = invoke("run", str(write_yaml(small_run.parent / "m.yaml", d)), "--out", str(other), "--quiet", "--reps", "2")
    assert res.exit_code == 0, res.output
    assert Summary.load(other / "summary.json").calibration == []


def test_run_takes_a_packaged_scenario_by_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # nothing named so here: the packaged one
    res = runner.invoke(app, ["run", "lund_2021_2022", "--reps", "2", "--workers", "1", "--quiet", "--out", "r"])
    assert res.exit_code == 0, res.output
    assert json.loads((tmp_path / "r" / "summary.json").read_text(encoding="utf-8"))["scenario"] == "lund_2021_2022"
