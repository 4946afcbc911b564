"""Hostile and hurried input: every case ends in a clear message (exit 2) or a correct run, never a traceback,
and leaves nothing half-written behind.

A catalogue by class (issue 11): YAML that would mislead or exhaust the reader,
values whose meaning would change without a word, sizes that would exhaust
memory, files a run reads, output paths it cannot write, and text that would
be taken as markup or formula. Each case asserts the exit code, the words of
the message (file, field, what is allowed) and that no run folder and no
``.partial`` folder are left.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from model import yamlfile
from model.cli import app
from tests.conftest import DEPARTMENTS_HEADER, small_dict, with_departments, write_yaml

runner = CliRunner()


def _run(tmp_path: Path, scenario: Path, *extra: str):
    out = tmp_path / "out"
    args = ["run", str(scenario), "--out", str(out), "--reps", "2", "--workers", "1", "--quiet", "--lang", "en"]
    return runner.invoke(app, [*args, *extra]), out


def _refused(res, out: Path | None, *words: str) -> None:
    """Exit 2, each of ``words`` in the message, no traceback, and no run folder or .partial left."""
    text = res.output.replace("\n", " ")
    assert res.exit_code == 2, res.output
    assert "Traceback" not in res.output
    assert res.exception is None or isinstance(res.exception, SystemExit), repr(res.exception)
    for w in words:
        assert w in text, f"{w!r} not in {res.output!r}"
    if out is not None:
        assert not out.exists() and not out.with_name(out.name + ".partial").exists()


def _scenario_text(tmp_path: Path, text: str, name: str = "s.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _small_text() -> str:
    return yaml.safe_dump(small_dict(), sort_keys=False, allow_unicode=True)


# YAML that misleads or exhausts the reader ------------------------------------------------------------------
ALIAS_BOMB = "lol: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"l{i}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
    for i, (p, c) in enumerate(zip("abcdefgh", "bcdefghi", strict=True))
)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        pytest.param(lambda: _small_text() + "seed: 7\n", ["key 'seed' is given twice"], id="duplicate-top-key"),
        pytest.param(
            lambda: _small_text().replace("  couple_share:", "  ready_share: 0.5\n  couple_share:", 1),
            ["key 'ready_share' is given twice"],
            id="duplicate-nested-key",
        ),
        pytest.param(lambda: ALIAS_BOMB + _small_text(), ["aliases", "expanded"], id="alias-bomb"),
        pytest.param(lambda: "a: " + "[" * 100 + "]" * 100 + "\n", ["nested more than 64"], id="deep-nesting"),
        pytest.param(lambda: "", ["a scenario must be a YAML mapping"], id="empty-file"),
        pytest.param(lambda: "- 1\n- 2\n", ["a scenario must be a YAML mapping"], id="a-list"),
        pytest.param(lambda: "name: [unclosed\n", ["not valid YAML"], id="broken-yaml"),
        pytest.param(lambda: "name:\tx\n\tseed: 1\n", ["not valid YAML"], id="tabs"),
        pytest.param(lambda: "!!python/object/apply:os.system ['touch hacked']\n", ["not valid YAML"], id="python-tag"),
        pytest.param(lambda: "x: 1\n" * 0 + "name: " + "a" * (5 << 20) + "\n", ["bytes, more than"], id="huge-file"),
    ],
)
def test_yaml_that_misleads_or_exhausts_is_refused(tmp_path, monkeypatch, text, words):
    monkeypatch.chdir(tmp_path)
    res, out = _run(tmp_path, _scenario_text(tmp_path, text()))
    _refused(res, out, "s.yaml", *words)
    assert not (tmp_path / "hacked").exists()


def test_very_deep_nesting_is_refused_by_one_parser_or_the_other(tmp_path):
    """libyaml from PyYAML 6.0.4 stops at 1 000 levels itself; below that, amsim's bound (64) stops it."""
    res, out = _run(tmp_path, _scenario_text(tmp_path, "a: " + "[" * 20_000 + "]" * 20_000 + "\n"))
    _refused(res, out, "s.yaml", "not valid YAML")
    assert "nested more than 64" in res.output or "maximum nesting depth" in res.output


def test_a_file_not_in_utf8_is_refused(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_bytes(_small_text().replace("Lund", "Malmö").encode("latin-1"))
    res, out = _run(tmp_path, path)
    _refused(res, out, "s.yaml", "cannot read scenario file")


def test_yaml_merge_keys_still_work():
    data = yamlfile.safe_load("base: &b {x: 1, y: 2}\nover:\n  <<: *b\n  y: 3\n")
    assert data["over"] == {"x": 1, "y": 3}


def test_the_alias_bound_counts_expanded_values():
    few = "a: &a [1, 2, 3]\nb: [*a, *a]\n"
    assert yamlfile.safe_load(few)["b"] == [[1, 2, 3], [1, 2, 3]]
    with pytest.raises(yaml.YAMLError, match="expanded"):
        yamlfile.safe_load(ALIAS_BOMB)


@pytest.mark.parametrize(
    ("base", "words"),
    [
        pytest.param("", ["is empty"], id="empty"),
        pytest.param("- a\n- b\n", ["is not a scenario"], id="a-list"),
        pytest.param(ALIAS_BOMB, ["expanded"], id="alias-bomb"),
        pytest.param("name: x\nname: y\n", ["given twice"], id="duplicate-key"),
    ],
)
def test_extends_a_bad_base_is_refused(tmp_path, base, words):
    _scenario_text(tmp_path, base, "base.yaml")
    res, out = _run(tmp_path, _scenario_text(tmp_path, "extends: base.yaml\nseed: 3\n"))
    _refused(res, out, "s.yaml", "extends", *words)


def test_extends_a_missing_or_cyclic_base_is_refused(tmp_path):
    res, out = _run(tmp_path, _scenario_text(tmp_path, "extends: nowhere.yaml\n"))
    _refused(res, out, "s.yaml: extends", "no scenario 'nowhere.yaml'")
    _scenario_text(tmp_path, "extends: s.yaml\n", "b.yaml")
    res, out = _run(tmp_path, _scenario_text(tmp_path, "extends: b.yaml\n"))
    _refused(res, out, "extends itself")


# values whose meaning would change without a word ------------------------------------------------------------
@pytest.mark.parametrize(
    ("where", "value", "field"),
    [
        ("replications", True, "replications"),
        ("population.couple_share", False, "population.couple_share"),
        ("population.initial_households", True, "population.initial_households"),
        ("budget_frames.2022", True, "budget_frames.2022"),
        ("effects.lock_in.job", True, "effects.lock_in.job"),
    ],
)
def test_true_or_false_for_a_number_is_refused(tmp_path, where, value, field):
    d = small_dict()
    node = d
    *parents, last = where.split(".")
    for k in parents:
        node = node[int(k) if k.isdigit() else k]
    node[int(last) if last.isdigit() else last] = value
    res, out = _run(tmp_path, write_yaml(tmp_path / "s.yaml", d))
    _refused(res, out, f"s.yaml: {field}:", "where a number is expected")


@pytest.mark.parametrize("field", ["start", "horizon"])
def test_a_date_for_a_month_is_refused_not_truncated(tmp_path, field):
    src = _small_text()
    line = next(x for x in src.splitlines() if x.startswith(f"{field}: "))
    text = src.replace(line, f"{field}: 2023-06-15", 1)  # unquoted: YAML reads a date
    res, out = _run(tmp_path, _scenario_text(tmp_path, text))
    _refused(res, out, f"s.yaml: {field}:", "YYYY-MM", "2023-06-15")


def test_a_reform_after_the_horizon_is_warned(tmp_path):
    d = small_dict()
    d["reforms"] = {"nystartsjobb.k.regular": {"2030-01-01": 1.0}}
    res = runner.invoke(app, ["validate", str(write_yaml(tmp_path / "s.yaml", d)), "--lang", "en"])
    assert res.exit_code == 0 and "reforms.nystartsjobb.k.regular: applies from 2030-01-01" in res.output


FRAME = "budget_frames:\n  2022: 8000000.0"


@pytest.mark.parametrize(
    ("text", "field"),
    [
        pytest.param((FRAME, "budget_frames:\n  2022: .inf"), "budget_frames.2022", id="inf"),
        pytest.param((FRAME, "budget_frames:\n  2022: 1.0e+400"), "budget_frames.2022", id="overflow"),
        pytest.param(("threshold: 55", "threshold: .nan"), "targets.0.threshold", id="nan-target"),
        pytest.param(
            ("  couple_share: ", "  couple_share: {dist: uniform, low: .nan, high: 0.5}\n  x_: "),
            "population.couple_share",
            id="nan-distribution",
        ),
    ],
)  # fmt: skip
def test_nan_and_inf_written_in_yaml_are_refused(tmp_path, text, field):
    old, new = text
    src = _small_text()
    assert old in src
    res, out = _run(tmp_path, _scenario_text(tmp_path, src.replace(old, new, 1)))
    _refused(res, out, "s.yaml", field)


@pytest.mark.parametrize("value", [1e300, 31.0, -0.01])
def test_a_hazard_beyond_once_a_day_is_refused(tmp_path, value):
    d = small_dict()
    d["baseline"]["exit_per_month"]["sick"]["work"] = value
    res, out = _run(tmp_path, write_yaml(tmp_path / "s.yaml", d))
    _refused(res, out, "s.yaml: baseline.exit_per_month.sick.work:", "30" if value > 0 else "0")


def test_a_population_of_no_one_is_refused(tmp_path):
    d = small_dict()
    d["population"]["initial_households"] = 0
    d["population"]["inflow_per_month"] = 0
    res, out = _run(tmp_path, write_yaml(tmp_path / "s.yaml", d))
    _refused(res, out, "s.yaml: population", "no households")


# sizes that would exhaust memory ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"population.initial_households": 10**9}, "population", ["households a replication", "at most 2,000,000"]),
        ({"population.inflow_per_month": 1e8}, "population", ["households a replication"]),
        ({"horizon": "2999-12"}, "horizon", ["months from start to horizon", "at most 600"]),
        ({"replications": 10**12}, "replications", ["at most 10,000,000"]),
    ],
)
def test_sizes_beyond_bounds_are_refused_before_anything_runs(tmp_path, change, field, words):
    d = small_dict(**change)
    path = write_yaml(tmp_path / "s.yaml", d)
    res = runner.invoke(app, ["validate", str(path), "--lang", "en"])
    _refused(res, None, f"s.yaml: {field}:", *words)
    out = tmp_path / "out"
    res = runner.invoke(app, ["run", str(path), "--out", str(out), "--quiet", "--workers", "1"])
    _refused(res, out, f"s.yaml: {field}:", *words)


def test_a_run_larger_than_memory_is_refused_with_an_estimate(tmp_path, monkeypatch):
    import model.limits as limits

    monkeypatch.setattr(limits, "physical_memory", lambda: 2e9)
    path = write_yaml(tmp_path / "s.yaml", small_dict())
    res, out = _run(tmp_path, path, "--reps", "1000000")
    _refused(res, out, "s.yaml: replications:", "would need about", "GB of memory; this machine has 2.0 GB")
    res, out = _run(tmp_path, path, "--workers", "64")
    _refused(res, out, "would need about", "fewer workers")


def test_the_memory_estimate_grows_with_what_a_run_holds():
    from model.limits import memory_needed

    base = memory_needed(5_000, 112, 1_000, 2)
    assert memory_needed(50_000, 112, 1_000, 2) > base  # households, in each worker
    assert memory_needed(5_000, 112, 10_000, 2) > base  # replications' tables, in the run's process
    assert memory_needed(5_000, 112, 1_000, 4) > base  # workers
    assert 0.5e9 < base < 2e9  # the benchmarks measured ≈ 0.4 GB for the run's process at 1 000 replications
    # from 1 000 to 10 000 replications the run's process grew by 317 MB (memory-20261124-230021.json): the
    # estimate covers that without asking for the gigabytes a run took when it held every replication's tables
    growth = memory_needed(5_000, 112, 10_000, 2) - base
    assert 0.317e9 <= growth < 0.6e9


# files a run reads --------------------------------------------------------------------------------------------
def _with_departments(tmp_path: Path, rows: str, name: str = "deps.csv") -> dict:
    return with_departments(small_dict(), tmp_path / name, rows)


@pytest.mark.parametrize(
    ("rows", "words"),
    [
        pytest.param("", ["no departments"], id="no-rows"),
        pytest.param("A,100,5,10,4,2,inf\n", ["closeness"], id="inf"),
        pytest.param("A,100,5,10,4,2,0.5\nA,50,2,5,2,1,0.5\n", ["appears twice"], id="twice"),
        pytest.param("A,-3,5,10,4,2,0.5\n", ["employees"], id="negative"),
        pytest.param("A,true,5,10,4,2,0.5\n", ["employees"], id="true"),
        pytest.param("A,100,5,10,4,2,0.5,9\n", ["deps.csv"], id="extra-cell"),
    ],
)
def test_a_bad_departments_table_is_refused(tmp_path, rows, words):
    res, out = _run(tmp_path, write_yaml(tmp_path / "s.yaml", _with_departments(tmp_path, rows)))
    _refused(res, out, "deps.csv", *words)


def test_a_missing_or_corrupt_departments_table_is_refused(tmp_path):
    d = _with_departments(tmp_path, "A,100,5,10,4,2,0.5\n")
    d["programme"]["allocation"]["departments"] = str(tmp_path / "gone.csv")
    res, out = _run(tmp_path, write_yaml(tmp_path / "s.yaml", d))
    _refused(res, out, "gone.csv", "not found")
    bad = tmp_path / "deps.xlsx"
    bad.write_bytes(b"PK\x03\x04 this is not a workbook" * 10)
    d["programme"]["allocation"]["departments"] = str(bad)
    res, out = _run(tmp_path, write_yaml(tmp_path / "s.yaml", d))
    _refused(res, out, "deps.xlsx", "cannot read the table")


# text taken as markup, HTML or a formula ------------------------------------------------------------------
MARKUP = "[/x][bold]B[/bold]"


def test_markup_in_names_and_paths_is_shown_as_written(tmp_path):
    folder = tmp_path / "[red]x"
    folder.mkdir()
    d = _with_departments(folder, f"{MARKUP},100,5,10,8,4,0.5\n=HYPERLINK(1),50,2,5,6,3,0.5\n", "[b]deps[i].csv")
    d["municipality"] = "[/municipality]"
    scenario = write_yaml(folder / "[b]s[i].yaml", d)
    out = folder / "[b]out"
    args = ["run", str(scenario), "--out", str(out), "--reps", "2", "--workers", "1", "--quiet", "--csv"]
    res = runner.invoke(app, [*args, "--lang", "en"])
    assert res.exit_code == 0, res.output
    assert f"run folder: {out}" in res.output.replace("\n", "")
    assert MARKUP[:13] in res.output  # the departments table in the terminal, as written (folded in its column)
    csv_text = "".join(f.read_text(encoding="utf-8-sig") for f in (out / "csv").glob("*.csv"))
    assert "'=HYPERLINK(1)" in csv_text and "\n=HYPERLINK" not in csv_text and ",=HYPERLINK" not in csv_text
    res = runner.invoke(app, ["validate", str(folder / "missing [b].yaml")])
    _refused(res, None, "missing [b].yaml", "cannot read scenario file")


def test_html_in_user_text_is_escaped_in_the_report(tmp_path):
    d = _with_departments(tmp_path, "<img src=x onerror=alert(2)>,100,5,10,8,4,0.5\nB,50,2,5,6,3,0.5\n")
    d["targets"][0]["name"] = "<script>alert(1)</script>"
    res, out = _run(tmp_path, write_yaml(tmp_path / "s.yaml", d))
    assert res.exit_code == 0, res.output
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)" in html or "\\u003cscript\\u003ealert(1)" in html  # as text, or inside JSON
    assert "&lt;img src=x" in html or "\\u003cimg src=x" in html


def test_allocate_csv_neutralises_formulas(tmp_path):
    table = tmp_path / "deps.csv"
    table.write_text(
        DEPARTMENTS_HEADER + "=cmd|' /C calc'!A0,100,5,10,4,2,0.5\n@SUM(1),50,2,5,2,1,0.5\n", encoding="utf-8"
    )
    args = ["allocate", str(table), "--method", "lund", "--jobs", "6", "--internships", "2", "--csv"]
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    lines = res.output.splitlines()[1:]
    assert lines and all(not line.startswith(("=", "@", "+", "-")) for line in lines), lines


# output paths a run cannot write --------------------------------------------------------------------------------
def test_a_missing_parent_of_out_is_created(tmp_path):
    path = write_yaml(tmp_path / "s.yaml", small_dict())
    out = tmp_path / "a" / "b" / "run"
    res = runner.invoke(app, ["run", str(path), "--out", str(out), "--reps", "2", "--workers", "1", "--quiet"])
    assert res.exit_code == 0, res.output
    assert (out / "manifest.json").is_file() and not out.with_name("run.partial").exists()


@pytest.mark.parametrize(
    ("where", "words"),
    [
        pytest.param(lambda t: t / "afile" / "run", ["cannot create the run folder"], id="parent-is-a-file"),
        pytest.param(lambda t: t / "afile", ["already exists"], id="out-is-a-file"),
        pytest.param(lambda t: t / ("x" * 300), ["cannot create the run folder", "too long"], id="name-too-long"),
    ],
)
def test_an_out_that_cannot_be_written_is_refused(tmp_path, where, words):
    (tmp_path / "afile").write_text("in the way", encoding="utf-8")
    out = where(tmp_path)
    path = write_yaml(tmp_path / "s.yaml", small_dict())
    res = runner.invoke(app, ["run", str(path), "--out", str(out), "--reps", "2", "--workers", "1", "--quiet"])
    _refused(res, None, *words)
    assert (tmp_path / "afile").read_text(encoding="utf-8") == "in the way"
    assert sorted(f.name for f in tmp_path.iterdir()) == ["afile", "s.yaml"]


def test_a_folder_that_refuses_writing_is_refused(tmp_path, monkeypatch):
    real = Path.mkdir

    def refuse(self, *a, **k):
        if self.name.endswith(".partial"):
            raise PermissionError(13, "Permission denied", str(self))
        return real(self, *a, **k)

    monkeypatch.setattr(Path, "mkdir", refuse)
    res, out = _run(tmp_path, write_yaml(tmp_path / "s.yaml", small_dict()))
    _refused(res, out, "cannot create the run folder here: Permission denied")


def test_a_full_disk_keeps_finished_replications_for_a_resume(tmp_path, monkeypatch):
    import errno

    import dashboards.report as report

    def full(*a, **k):
        raise OSError(errno.ENOSPC, "No space left on device")

    path = write_yaml(tmp_path / "s.yaml", small_dict())
    with monkeypatch.context() as m:
        m.setattr(report, "write_report", full)
        res, out = _run(tmp_path, path)
    assert res.exit_code == 2 and "No space left on device" in res.output and "run the same command again" in res.output
    assert not out.exists() and len(list((tmp_path / "out.partial" / "parts").glob("rep-*.npy"))) == 2
    res, out = _run(tmp_path, path)
    assert res.exit_code == 0, res.output
    assert "resumed 2" in res.output and (out / "report.html").is_file()
    assert not (tmp_path / "out.partial").exists()


def test_a_full_disk_while_saving_a_replication_is_a_message(tmp_path, monkeypatch):
    import errno

    import model.runfolder as rf

    def full(*a, **k):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(rf, "save_checkpoint", full)
    res, out = _run(tmp_path, write_yaml(tmp_path / "s.yaml", small_dict()))
    assert res.exit_code == 2 and "cannot save replication 0" in res.output and "Traceback" not in res.output
    assert not out.exists()


# resuming: never from other inputs, never a stranded folder, never two runs at once ------------------------------
def _interrupt_after(monkeypatch, n: int) -> None:
    """The next run stops (as at Ctrl-C) after ``n`` replications are saved."""
    import model.runfolder as rf

    real = rf.stream_replications

    def flaky(p, reps, on_result, workers, engine, backend=None):
        count = [0]

        def once(t):
            on_result(t)
            count[0] += 1
            if count[0] == n:
                raise KeyboardInterrupt

        return real(p, reps, once, workers, engine, backend)

    monkeypatch.setattr(rf, "stream_replications", flaky)


def _edit_departments(tmp_path: Path, d: dict) -> None:
    table = Path(d["programme"]["allocation"]["departments"])
    table.write_text(table.read_text(encoding="utf-8").replace(",0.5\n", ",0.6\n", 1), encoding="utf-8")


def _edit_base(tmp_path: Path, d: dict) -> None:
    base = tmp_path / "base.yaml"
    base.write_text(base.read_text(encoding="utf-8").replace("couple_share: 0.", "couple_share: 0.0", 1))


def _edit_posterior(tmp_path: Path, d: dict) -> None:
    (tmp_path / "post.csv").write_text("population.inflow_per_month\n2.5\n3.5\n", encoding="utf-8")


@pytest.mark.parametrize(
    ("edit", "changed"),
    [
        pytest.param(_edit_departments, "departments table deps.csv", id="departments-table"),
        pytest.param(_edit_base, "extends 1: base.yaml", id="extends-base"),
        pytest.param(_edit_posterior, "posterior post.csv", id="posterior"),
    ],
)
def test_a_resume_after_an_input_changed_is_refused(tmp_path, monkeypatch, edit, changed):
    d = _with_departments(tmp_path, "A,100,5,10,8,4,0.5\nB,50,2,5,6,3,0.5\n")
    (tmp_path / "post.csv").write_text("population.inflow_per_month\n2\n3\n", encoding="utf-8")
    d["posterior"] = str(tmp_path / "post.csv")
    write_yaml(tmp_path / "base.yaml", d)
    path = _scenario_text(tmp_path, "extends: base.yaml\nseed: 11\n")
    with monkeypatch.context() as m:
        _interrupt_after(m, 1)
        res, out = _run(tmp_path, path, "--reps", "3")
    assert res.exit_code == 130
    edit(tmp_path, d)
    res, out = _run(tmp_path, path, "--reps", "3")
    assert res.exit_code == 2 and "cannot resume" in res.output and changed in res.output, res.output
    assert not out.exists() and len(list((tmp_path / "out.partial" / "parts").glob("*.npy"))) == 1


def test_a_damaged_checkpoint_is_named_on_resume(tmp_path, monkeypatch):
    path = write_yaml(tmp_path / "s.yaml", small_dict())
    with monkeypatch.context() as m:
        _interrupt_after(m, 1)
        res, out = _run(tmp_path, path)
    (tmp_path / "out.partial" / "parts" / "rep-00000.npy").write_bytes(b"\x93NUMPY garbage")
    res, out = _run(tmp_path, path)
    assert res.exit_code == 2 and "rep-00000.npy: a damaged checkpoint" in res.output and "remove it" in res.output
    assert not out.exists()


def test_a_pickle_in_place_of_a_checkpoint_runs_no_code(tmp_path, monkeypatch):
    import pickle

    path = write_yaml(tmp_path / "s.yaml", small_dict())
    with monkeypatch.context() as m:
        _interrupt_after(m, 1)
        _run(tmp_path, path)

    class Evil:
        def __reduce__(self):
            return (Path.touch, (tmp_path / "hacked",))

    (tmp_path / "out.partial" / "parts" / "rep-00001.npy").write_bytes(pickle.dumps(Evil()))
    res, out = _run(tmp_path, path)
    assert res.exit_code == 2 and "rep-00001.npy" in res.output and not (tmp_path / "hacked").exists()
    assert not out.exists()


def test_a_run_that_stopped_before_its_rename_is_finished_not_stranded(tmp_path, monkeypatch):
    import model.runfolder as rf

    path = write_yaml(tmp_path / "s.yaml", small_dict())

    def stop(*a, **k):
        raise KeyboardInterrupt

    with monkeypatch.context() as m:
        m.setattr(rf, "_publish", stop)
        res, out = _run(tmp_path, path)
    assert res.exit_code == 130 and (tmp_path / "out.partial" / "manifest.json").is_file()
    written = (tmp_path / "out.partial" / "monthly.parquet").read_bytes()
    res, out = _run(tmp_path, path)
    assert res.exit_code == 0, res.output
    assert (out / "monthly.parquet").read_bytes() == written and not (tmp_path / "out.partial").exists()
    assert sorted(f.name for f in out.iterdir()) == sorted(rf.RUN_FILES)


def test_two_runs_into_one_folder_do_not_race(tmp_path):
    from model.folderlock import FolderLock

    path = write_yaml(tmp_path / "s.yaml", small_dict())
    staging = tmp_path / "out.partial"
    staging.mkdir()
    with FolderLock(staging / ".lock"):  # another run holds the folder
        res, out = _run(tmp_path, path)
        assert res.exit_code == 2 and "another amsim run is writing into this folder" in res.output
        assert not out.exists() and sorted(f.name for f in staging.iterdir()) == [".lock"]
    res, out = _run(tmp_path, path)  # once it is gone, the folder is free
    assert res.exit_code == 0, res.output


# amsim compare's own folder ----------------------------------------------------------------------------------
def test_compare_into_a_path_it_cannot_create_is_refused(tmp_path):
    (tmp_path / "afile").write_text("in the way", encoding="utf-8")
    path = write_yaml(tmp_path / "s.yaml", small_dict())
    for out in (tmp_path / "afile" / "c", tmp_path / ("c" * 300)):
        res = runner.invoke(app, ["compare", str(path), str(path), "--out", str(out), "--reps", "2", "--quiet"])
        _refused(res, None, "cannot create the comparison folder")
    assert sorted(f.name for f in tmp_path.iterdir()) == ["afile", "s.yaml"]


def test_an_interrupted_comparison_never_reuses_a_run_whose_departments_changed(tmp_path):
    d = _with_departments(tmp_path, "A,100,5,10,8,4,0.5\nB,50,2,5,6,3,0.5\n")
    a = write_yaml(tmp_path / "a.yaml", d)
    b = write_yaml(tmp_path / "b.yaml", {**d, "name": "b"})
    out = tmp_path / "c"
    args = ["compare", str(a), str(b), "--out", str(out), "--reps", "2", "--quiet", "--workers", "1"]
    assert runner.invoke(app, args).exit_code == 0
    out.rename(tmp_path / "c.partial")  # as if it stopped after both runs, before its own files
    (tmp_path / "c.partial" / "comparison.json").unlink()
    _edit_departments(tmp_path, d)
    res = runner.invoke(app, args)
    _refused(res, None, "a finished run of other inputs")
    assert not out.exists()


# amsim rules eval: a number that is not finite would become the answer ------------------------------------------
@pytest.mark.parametrize(
    "args",
    [
        ["subsidy", "--type", "nystartsjobb", "--wage", "nan", "--date", "2024-03"],
        ["subsidy", "--type", "nystartsjobb", "--wage", "27000", "--k", "inf", "--date", "2024-03"],
        ["akassa", "--date", "2024-03", "--wage", "inf"],
        ["aktivitetsstod", "--date", "2025-01", "--decided", "2023-10", "--months", "nan"],
        ["benefit", "--adults", "1", "--children", "3,nan", "--date", "2023-05"],
    ],
)
def test_rules_eval_refuses_numbers_that_are_not_finite(args):
    res = runner.invoke(app, ["rules", "eval", *args])
    _refused(res, None, "a finite number")
