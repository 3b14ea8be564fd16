"""The lag from a publisher's date to the monitor finding it, per event and per source."""

from __future__ import annotations

from datetime import UTC, date, datetime

from harness import Monitor
from publisher_server import PublisherServer
from scenario_sites import config_yaml, ofsted_site


def test_new_documents_record_their_lag_and_status_shows_it_per_source(tmp_path):
    with PublisherServer() as server:
        site = ofsted_site(server)
        site.day1()
        monitor = Monitor(tmp_path, config_yaml(site.source_yaml))
        assert monitor.run("run")[0] == 0
        site.day2()
        assert monitor.run("run")[0] == 0
    today = datetime.now(UTC).date()
    news = [e for e in monitor.events() if e["type"] == "new_document"]
    by_key = {e["document_key"]: e for e in news}
    assert by_key["50281234"]["details"]["published"] == "2025-08-01"
    assert by_key["50281234"]["details"]["lag_days"] == (today - date(2025, 8, 1)).days
    assert by_key["50190001"]["details"]["lag_days"] == (today - date(2022, 3, 4)).days
    (status,) = monitor.json("status")
    # the baseline's three reports were published before we watched: only the day-2 find counts
    lag = (today - date(2025, 8, 1)).days
    assert status["lag_days"] == {"found": 1, "median_lag_days": lag, "max_lag_days": lag}
    code, out, _ = monitor.run("status")
    assert f"{lag} days (median of 1, at most {lag})" in out


def test_a_source_with_no_finds_yet_shows_no_lag(tmp_path):
    with PublisherServer() as server:
        site = ofsted_site(server)
        site.day1()
        monitor = Monitor(tmp_path, config_yaml(site.source_yaml))
        assert monitor.run("run")[0] == 0
    (status,) = monitor.json("status")
    assert status["lag_days"] is None


def test_the_digest_gives_no_median_of_one_report(tmp_path):
    """How quickly a report was found is in `monitor status`; the digest gives a median only
    where there are enough finds for it to mean something (tests/deliver/test_digest.py)."""
    with PublisherServer() as server:
        site = ofsted_site(server)
        site.day1()
        monitor = Monitor(tmp_path, config_yaml(site.source_yaml))
        assert monitor.run("run")[0] == 0
        site.day2()
        assert monitor.run("run")[0] == 0
    lag = (datetime.now(UTC).date() - date(2025, 8, 1)).days
    assert monitor.run("digest")[0] == 0
    (digest,) = (monitor.data_dir / "digests").glob("*.md")
    text = digest.read_text()
    assert "median" not in text and "How quickly" not in text
    (status,) = monitor.json("status")
    assert status["lag_days"]["median_lag_days"] == lag
