"""The reports in a real browser (Debian's chromium and chromedriver): at 900 px no table is wider than its
container, the page does not scroll sideways, the charts draw, and the console shows no errors.

Skipped, with the reason, when no browser is installed; CI installs one and sets AMSIM_REQUIRE_BROWSER=1,
so there a missing browser fails instead.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from model.cli import app
from tests.conftest import small_dict, write_yaml

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
HAVE_BROWSER = Path(CHROMIUM).is_file() and Path(DRIVER).is_file()
REASON = "no browser: install Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)"
if not HAVE_BROWSER and os.environ.get("AMSIM_REQUIRE_BROWSER"):
    raise RuntimeError(REASON + " — AMSIM_REQUIRE_BROWSER is set")
pytestmark = pytest.mark.skipif(not HAVE_BROWSER, reason=REASON)
runner = CliRunner()
WIDTH = 900


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--window-size={WIDTH},1000",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium')}",
    ):
        opts.add_argument(flag)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=opts, service=Service(DRIVER))
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("reports")
    d = small_dict()
    d["horizon"] = "2023-12"
    d["programme"]["allocation"] = {
        "departments": str(Path(__file__).parents[1] / "runs" / "departments" / "lund.csv"),
        "method": "lund",
        "lead_time_months": {"jobs": 3, "internships": 3},
    }
    d["population"]["inflow_per_month"] = {"dist": "lognormal", "s": 0.2, "scale": 3}
    path = write_yaml(tmp / "s.yaml", d)
    res = runner.invoke(app, ["run", str(path), "--out", str(tmp / "run"), "--reps", "4", "--quiet"])
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["compare", str(path), str(path), "--out", str(tmp / "cmp"), "--reps", "2", "--quiet"])
    assert res.exit_code == 0, res.output
    return {"run": tmp / "run" / "report.html", "compare": tmp / "cmp" / "report.html"}


MEASURE = """
const doc = document.documentElement;
return {
  page: [doc.scrollWidth, doc.clientWidth],
  tables: Array.from(document.querySelectorAll('table')).map(
    t => [t.scrollWidth, t.parentElement.clientWidth, t.getBoundingClientRect().right, t.rows.length]),
  charts: document.querySelectorAll('.js-plotly-plot .main-svg').length,
};
"""


@pytest.mark.parametrize("which", ["run", "compare"])
def test_report_fits_900px_without_console_errors(browser, reports, which):
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(reports[which].as_uri())
    # plotly draws after the page has loaded: wait for its charts (a slow machine under load takes seconds)
    WebDriverWait(browser, 30).until(lambda d: d.execute_script(MEASURE)["charts"] > 0)
    m = browser.execute_script(MEASURE)
    assert m["tables"], "the report has tables"
    for scroll, container, right, rows in m["tables"]:
        assert scroll <= container + 1, f"a table of {rows} rows is {scroll} px wide in a {container} px container"
        assert right <= m["page"][1] + 1
    assert m["page"][0] <= m["page"][1] + 1, f"the page scrolls sideways: {m['page']}"
    assert m["charts"] > 0, "the charts were drawn"
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert not errors, errors
