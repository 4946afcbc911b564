"""Scenario variants: ``extends: base.yaml`` lays a few keys over a base scenario."""

from __future__ import annotations

import pytest

from model.errors import InputError
from model.scenario import load_scenario
from tests.conftest import lund_dict, write_yaml


def test_extends_merges_mappings_and_replaces_the_rest(tmp_path):
    write_yaml(tmp_path / "base.yaml", lund_dict())
    (tmp_path / "child.yaml").write_text(
        "extends: base.yaml\nname: child\nprogramme:\n  hours_share: 0.5\n  eligible_reasons: [unemployed, sfi]\n",
        encoding="utf-8",
    )
    sc = load_scenario(tmp_path / "child.yaml")
    base = load_scenario(tmp_path / "base.yaml")
    assert sc.name == "child" and sc.programme.hours_share == 0.5
    assert sc.programme.eligible_reasons == ["unemployed", "sfi"]
    assert sc.programme.financing == base.programme.financing  # untouched keys come from the base
    assert sc.population == base.population


def test_extends_cycle_and_missing_base_are_errors(tmp_path):
    (tmp_path / "a.yaml").write_text("extends: b.yaml\n", encoding="utf-8")
    (tmp_path / "b.yaml").write_text("extends: a.yaml\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"extends: .*extends itself"):
        load_scenario(tmp_path / "a.yaml")
    (tmp_path / "c.yaml").write_text("extends: nowhere.yaml\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"c[.]yaml: extends: no scenario 'nowhere.yaml' .* packaged ones \(.*\blund,"):
        load_scenario(tmp_path / "c.yaml")


def test_extends_names_a_packaged_scenario_from_any_folder(tmp_path):
    (tmp_path / "mine.yaml").write_text("extends: lund\nname: mine\nreplications: 7\n", encoding="utf-8")
    sc = load_scenario(tmp_path / "mine.yaml")
    assert sc.name == "mine" and sc.replications == 7 and sc.municipality == "Lund"
    (tmp_path / "other.yaml").write_text("extends: lund_malmo.yaml\nname: other\n", encoding="utf-8")
    assert load_scenario(tmp_path / "other.yaml").programme.allocation.method == "malmo"


def test_a_number_in_the_extending_file_replaces_a_listed_distribution(tmp_path):
    (tmp_path / "base.yaml").write_text(
        "extends: lund\nname: base\ndistributions:\n  programme.hours_share: {dist: uniform, loc: 0.8, scale: 0.2}\n",
        encoding="utf-8",
    )
    assert "programme.hours_share" in load_scenario(tmp_path / "base.yaml").distributions
    (tmp_path / "child.yaml").write_text(
        "extends: base.yaml\nname: child\nprogramme:\n  hours_share: 0.9\n", encoding="utf-8"
    )
    child = load_scenario(tmp_path / "child.yaml")
    assert "programme.hours_share" not in child.distributions and child.programme.hours_share == 0.9
