"""kill -9: of the run's process or of its whole process group, while replications run and while the run
writes its files. No worker outlives its run, and the next run of the same command resumes to results
byte-identical to a run never interrupted."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import small_dict, write_yaml

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform != "linux", reason="process groups and /proc: Linux"),
]
DATA = ("monthly.parquet", "ledger.parquet", "annual.parquet", "parameters.parquet", "summary.json")
REPS = "24"


def _command(scenario: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "model.cli", "run", str(scenario), "--out", str(out), "--reps", REPS]


def _start(scenario: Path, out: Path) -> subprocess.Popen:
    cmd = [*_command(scenario, out), "--workers", "2", "--quiet"]
    return subprocess.Popen(cmd, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _children(pid: int) -> list[int]:
    """Processes whose parent is ``pid``."""
    out = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                fields = (d / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                out.append(int(d.name))
    return out


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _wait_for(condition, what: str, timeout: float = 120.0) -> None:
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.005)


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> tuple[Path, Path]:
    """The scenario and its run, never interrupted."""
    folder = tmp_path_factory.mktemp("ref")
    scenario = write_yaml(folder / "s.yaml", small_dict())
    out = folder / "out"
    subprocess.run([*_command(scenario, out), "--workers", "1", "--quiet"], check=True, capture_output=True)
    return scenario, out


def _resume_and_compare(scenario: Path, out: Path, reference_out: Path) -> None:
    res = subprocess.run([*_command(scenario, out), "--workers", "2"], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    assert not out.with_name(out.name + ".partial").exists()
    for f in DATA:
        assert (out / f).read_bytes() == (reference_out / f).read_bytes(), f


@pytest.mark.parametrize("whom", ["main", "group"])
@pytest.mark.parametrize("when", ["replications", "final-write"])
def test_kill_9_loses_nothing_and_leaves_no_worker(reference, tmp_path, whom, when):
    ref_scenario, ref_out = reference
    scenario = write_yaml(tmp_path / "s.yaml", small_dict())
    assert scenario.read_bytes() == ref_scenario.read_bytes()
    out = tmp_path / "out"
    staging = tmp_path / "out.partial"
    proc = _start(scenario, out)
    try:
        if when == "replications":
            _wait_for(lambda: len(list((staging / "parts").glob("rep-*.npy"))) >= 3, "three saved replications")
        else:
            _wait_for(lambda: (staging / "monthly.parquet").exists(), "the run's first table")
        workers = _children(proc.pid)
        if whom == "main":
            os.kill(proc.pid, signal.SIGKILL)
        else:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == -signal.SIGKILL
    if when == "replications":
        assert workers, "the run had worker processes"
    _wait_for(lambda: not any(_alive(w) for w in workers), "the workers to die with their parent", 15.0)
    assert not out.exists()
    _resume_and_compare(scenario, out, ref_out)
