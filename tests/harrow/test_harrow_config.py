"""The repository's own sources.yaml: Harrow's defaults are valid and say what is unconfirmed."""

from __future__ import annotations

import shutil
from pathlib import Path

from harness import Monitor

REPO_CONFIG = Path(__file__).resolve().parents[2] / "sources.yaml"


def test_harrow_sources_are_valid_and_flag_unconfirmed_identifiers(tmp_path):
    monitor = Monitor(tmp_path)
    shutil.copy(REPO_CONFIG, monitor.config_path)
    code, out, err = monitor.run("check-config")
    assert code == 0, err
    # what is unconfirmed is for developers: counted, and shown with --verbose
    assert "(13 note(s) for developers on how the publishers' sites are read: add --verbose to see them)" in out
    assert "inferred" not in out
    code, out, err = monitor.run("check-config", "--verbose")
    assert code == 0, err
    assert "11 source(s)" in out
    for name, kind in [
        ("ofsted-harrow-childrens-services", "ofsted"),
        ("ofsted-harrow-outcomes-statistics", "ofsted_outcomes"),
        ("ofsted-national-context", "ofsted_peers"),
        ("cqc-harrow-adult-social-care", "cqc"),
        ("ombudsman-harrow", "lgsco"),
        ("ombudsman-harrow-performance", "lgsco_performance"),
        ("housing-ombudsman-harrow", "housing_ombudsman"),
        ("harrow-committees", "moderngov"),
        ("govuk-harrow-improvement-notices", "govuk"),
        ("govuk-harrow-social-housing-regulator", "govuk"),
        ("harrow-council-news", "page"),
    ]:
        row = next(line for line in out.splitlines() if line.startswith(name))
        assert f" {kind} " in row
        assert f"\n- {name}:" in out, f"{name} should say what about it is unconfirmed"
    assert "/provider/44/ path is inferred" in out
    assert "https://moderngov.harrow.gov.uk" in out
