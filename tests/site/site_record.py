"""The scenario record the site tests build from: every scenario publisher on one local
server, run through the real `monitor` command for three passes (baseline; one new report
each; an Ofsted report reissued with a new grade while the Ombudsman's listing breaks), then
`monitor site`. The GOV.UK notice's title is hostile, to prove the site escapes it. The
council's action plan answers the 2025 inspection and the notice (`response` events)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness import Monitor
from publisher_server import PublisherServer
from scenario_sites import GOOD, INADEQUATE, PDF, SITES, Site, config_yaml, govuk_site, ilacs_report

from monitor.store import Store

HOSTILE = "<script>alert(1)</script>"
HOSTILE_TITLE = f"Improvement notice issued to {HOSTILE}: June 2025"
REISSUED = "50190001"
REISSUE_SENTENCE = "Care leavers are not well supported and too many live in unsuitable homes."


@dataclass
class Record:
    """A built site and the monitor that built it."""

    monitor: Monitor
    sites: dict[str, Site]
    out: Path
    documents: list[dict[str, Any]]
    events: list[dict[str, Any]]
    site_output: str


def build_record(tmp: Path) -> Record:
    """Three passes over every scenario publisher, then `monitor site --out tmp/site`."""
    with PublisherServer() as server:
        sites = {kind: (make(server) if kind != "govuk" else govuk_site(server, new_title=HOSTILE_TITLE)) for kind, make in SITES.items()}
        env: dict[str, str] = {}
        for site in sites.values():
            env.update(site.env)
        yaml = "".join(site.source_yaml + ("    recheck_days: 0\n" if kind == "ofsted" else "") for kind, site in sites.items())
        # answers are looked for over 400 days, so March 2026's action plan answers August
        # 2025's inspection and June 2025's improvement notice (the findings' pages show it)
        config = config_yaml(yaml).replace("settings:\n", "settings:\n  responses:\n    window_days: 400\n", 1)
        monitor = Monitor(tmp, config)
        for day in ("day1", "day2"):
            for site in sites.values():
                getattr(site, day)()
            code, out, err = monitor.run("run", env=env)
            assert code == 0, out + err
        # day 3: Ofsted reissues the 2022 report with care leavers regraded; the Ombudsman's
        # search page answers with a page that lists nothing it can read
        regraded = {**GOOD, "care_leavers": INADEQUATE["care_leavers"]}
        server.add(f"/v1/file/{REISSUED}", ilacs_report(regraded, "7 to 18 February 2022", "Ann Example", [REISSUE_SENTENCE]), content_type=PDF)
        server.add("/Decisions/SearchResults", "<html><body><h1>Decisions</h1><p>Sorry, something went wrong.</p></body></html>")
        code, out, err = monitor.run("run", env=env)
        assert code == 1, out + err  # the Ombudsman source failed
        code, site_out, err = monitor.run("site", "--out", str(tmp / "site"))
        assert code == 0, site_out + err
        return Record(monitor, sites, tmp / "site", monitor.documents(), monitor.events(), site_out)


@contextmanager
def opened_store(record: Record) -> Iterator[Store]:
    """The record's store, as `monitor site` opens it (the SQLite file in its data folder)."""
    store = Store(f"sqlite:///{record.monitor.data_dir / 'monitor.db'}", record.monitor.data_dir)
    try:
        yield store
    finally:
        store.close()


def search_documents(out: Path) -> list[dict]:
    """Every document in the site's search index, read from its parts (search/index*.js)."""
    import json

    docs = []
    for part in sorted((out / "search").glob("index*.js")):
        raw = part.read_text(encoding="utf-8")
        head, tail = "(window.MONITOR_SEARCH_PARTS = window.MONITOR_SEARCH_PARTS || []).push(", ");\n"
        assert raw.startswith(head) and raw.endswith(tail), part
        docs += json.loads(raw[len(head) : -len(tail)])
    return docs
