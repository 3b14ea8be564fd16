"""Running real passes for the fault tests: sources.yaml text in, PassResult out."""

from __future__ import annotations

import dataclasses
import sqlite3
import time
from pathlib import Path

from harness import load_config_in

from monitor.http.client import HttpClient
from monitor.pipeline.one_pass import PassResult, Pipeline
from monitor.store import Store

#: sources.yaml has no key for the whole-response deadline (HttpSettings.download_deadline,
#: 600 s by default); the tests set it on the client so a dribbling server costs seconds
TEST_DOWNLOAD_DEADLINE = 3.0

SETTINGS = """settings:
  per_host_delay: 0
  retries: 1
  retry_backoff: 0.01
  timeout: 1
  max_download_mb: 2
  recheck_days: 7
  extract_timeout: 20
  extract_memory_mb: 512
"""


def page_source(name: str, url: str, **extra: object) -> str:
    """One `kind: page` source entry listing PDFs (and any link under /d/)."""
    more = "".join(f"    {k}: {v}\n" for k, v in extra.items())
    return f"""  - name: {name}
    kind: page
    url: {url}
    links: "li a[href]"
{more}"""


def run_pass(tmp_path: Path, config_text: str, *, deadline: float = TEST_DOWNLOAD_DEADLINE) -> tuple[PassResult, float]:
    """One real pass (in this process, extraction in its guarded child); (result, seconds)."""
    config_path = tmp_path / "sources.yaml"
    config_path.write_text(config_text, encoding="utf-8")
    config = load_config_in(config_path, tmp_path / "data")
    store = Store(config.database_url, config.data_dir)
    try:
        settings = dataclasses.replace(config.settings.http_settings(), download_deadline=deadline, connect_timeout=1)
        http = HttpClient(settings, store.http_cache())
        started = time.monotonic()
        result = Pipeline(config, store, http=http).run()
        return result, time.monotonic() - started
    finally:
        store.close()


def by_name(result: PassResult) -> dict:
    return {o.name: o for o in result.outcomes}


def query(data_dir: Path, sql: str, *args: object) -> list[tuple]:
    """Rows of a read-only query on the data directory's database."""
    db = sqlite3.connect(data_dir / "monitor.db")
    try:
        return db.execute(sql, args).fetchall()
    finally:
        db.close()


def documents(data_dir: Path, source: str) -> dict[str, tuple]:
    """key -> (status, error, versions, text of the newest version) for one source."""
    rows = query(
        data_dir,
        "SELECT d.key, d.status, d.error, count(v.id), "
        "(SELECT text FROM version WHERE document_id = d.id ORDER BY number DESC LIMIT 1) "
        "FROM document d JOIN source s ON s.id = d.source_id LEFT JOIN version v ON v.document_id = d.id "
        "WHERE s.name = ? GROUP BY d.id",
        source,
    )
    return {key: (status, error, n, text) for key, status, error, n, text in rows}


def events(data_dir: Path, source: str, type_: str) -> list[tuple]:
    """(summary, severity) of one source's events of one type."""
    return query(
        data_dir,
        "SELECT e.summary, e.severity FROM event e JOIN source s ON s.id = e.source_id WHERE s.name = ? AND e.type = ?",
        source,
        type_,
    )
