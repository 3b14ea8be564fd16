"""A first run on a machine that cannot reach the internet says so once, in seconds.

Host names under the reserved `.invalid` top-level domain (RFC 2606) never resolve, and the
resolver answers so locally, without network traffic: the same failure as a machine whose
DNS does not work. The settings are the defaults (3 retries, doubling waits, 5 seconds
between requests to one host), which took ~110 s and printed ~40 log lines before.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from harness import Monitor
from pdfs import make_pdf

from monitor.errors import FetchError
from monitor.http.client import HttpClient, HttpSettings
from monitor.http.reach import OFFLINE_DNS, HostUnreachable, none_resolve
from monitor.pipeline.pass_result import PassResult, SourceOutcome

ROOT = Path(__file__).resolve().parents[2]
OFFLINE = """settings:
  user_agent: "report-monitor (Harrow Watchdog Group; coordinator@harrowwatch.org.uk)"
sources:
  - name: ofsted-harrow
    kind: ofsted
    base_url: https://reports.ofsted.invalid
    providers:
      - {urn: 80499, category: 44}
  - name: ombudsman-harrow
    kind: lgsco
    base_url: https://www.lgo.invalid
    authority: London Borough of Harrow
  - name: council-news
    kind: page
    url: https://www.harrow.invalid/news
  - name: dfe-notices
    kind: govuk
    base_url: https://www.gov.invalid
    query: Harrow
    organisation: department-for-education
"""


def test_an_offline_first_run_says_so_in_one_line(tmp_path):
    monitor = Monitor(tmp_path, OFFLINE)
    for args in (["run"], ["run", "--all", "--fail-only-if-all"]):
        started = time.monotonic()
        code, out, err = monitor.run(*args)
        took = time.monotonic() - started
        assert code == 1, out + err
        assert out == OFFLINE_DNS + "\n"
        assert OFFLINE_DNS == "This machine cannot reach the internet (DNS lookups fail): nothing was checked."
        assert err == ""  # no log line, no retry
        assert took < 10, took
    # nothing was checked, so no source is marked as failing (no alert about the publishers later)
    assert monitor.events() == []
    assert {s["health"] for s in monitor.json("status")} == {"never run"}


def test_the_real_command_from_a_fresh_directory_takes_seconds(tmp_path):
    """`make run` offline: the installed command, its start-up included."""
    (tmp_path / "sources.yaml").write_text(OFFLINE)
    env = {k: v for k, v in os.environ.items() if not k.startswith("MONITOR_") and "PROXY" not in k.upper()}
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "monitor.cli", "run", "--all", "--fail-only-if-all"],
        cwd=tmp_path, env={**env, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True, timeout=120,
    )
    took = time.monotonic() - started
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert proc.stdout.splitlines() == [OFFLINE_DNS]
    assert proc.stderr == ""
    assert took < 20, took


def test_one_host_that_does_not_resolve_fails_at_once_and_the_others_are_checked(server, tmp_path):
    server.add("/reports", '<ul><li><a href="/files/a.pdf">Report a</a></li></ul>')
    server.add("/files/a.pdf", make_pdf(["Report a."]), content_type="application/pdf")
    monitor = Monitor(tmp_path, f"""settings:
  user_agent: "report-monitor (Harrow Watchdog Group; coordinator@harrowwatch.org.uk)"
  per_host_delay: 0
  retries: 3
  retry_backoff: 2
sources:
  - name: council-reports
    kind: page
    url: {server.url}/reports
    links: "li a[href]"
  - name: misspelt
    kind: page
    url: https://www.harrow.invalid/news
""")
    started = time.monotonic()
    code, out, err = monitor.run("run")
    took = time.monotonic() - started
    assert code == 1
    assert took < 6, took  # retried, it would wait 2 + 4 + 8 s
    assert "retrying" not in err
    lines = out.splitlines()
    assert next(line for line in lines if line.startswith("council-reports")).split()[1] == "ok"
    assert "- misspelt (failing): https://www.harrow.invalid/news: cannot find the address of www.harrow.invalid" in out
    assert "what to try: check the address in sources.yaml and this machine's network and DNS" in out
    assert "the site may be down" not in out
    assert OFFLINE_DNS not in out


def test_the_client_does_not_retry_a_name_that_does_not_resolve():
    http = HttpClient(HttpSettings(per_host_delay=0, retries=3, retry_backoff=5))
    started = time.monotonic()
    with pytest.raises(HostUnreachable) as caught:
        http.get("https://reports.ofsted.invalid/provider/44/80499")
    assert time.monotonic() - started < 2
    assert isinstance(caught.value, FetchError) and caught.value.dns
    assert "cannot find the address of reports.ofsted.invalid" in caught.value.reason
    # one lookup (for robots.txt), never a retry: the page's request fails from memory
    assert [r.url for r in http.records] == []  # robots.txt attempts are not request records
    with pytest.raises(HostUnreachable):
        http.get("https://reports.ofsted.invalid/provider/44/80500")
    assert http.records == []
    assert http.unreachable_hosts == {"reports.ofsted.invalid": True}
    assert http.answered_hosts == set()
    # without robots.txt, the page's own request: one attempt
    http = HttpClient(HttpSettings(per_host_delay=0, retries=3, retry_backoff=5, respect_robots=False))
    with pytest.raises(HostUnreachable):
        http.get("https://www.lgo.invalid/Decisions")
    assert [(r.url, r.status) for r in http.records] == [("https://www.lgo.invalid/Decisions", None)]


def test_a_pass_where_no_name_resolves_is_told_in_one_line():
    """When the names resolve before the pass (a cache) but not during it, the pass's summary
    is the one line too."""
    from monitor.cli.run import _offline_after

    http = HttpClient(HttpSettings(per_host_delay=0, retries=1))
    outcomes = []
    for name, url in (("a", "https://a.invalid/x"), ("b", "https://b.invalid/y")):
        try:
            http.get(url)
        except HostUnreachable as exc:
            outcomes.append(SourceOutcome(name, "page", status="failing", error=str(exc)))
    result = PassResult(outcomes=outcomes)
    assert _offline_after(result, http) == OFFLINE_DNS
    # one site alone is a site down, not the machine offline
    assert _offline_after(PassResult(outcomes=outcomes[:1]), _one_host(http)) is None


def _one_host(http: HttpClient) -> HttpClient:
    http.unreachable_hosts = dict(list(http.unreachable_hosts.items())[:1])
    return http


def test_none_resolve():
    assert none_resolve(["https://a.invalid/", "https://b.invalid/x"]) is True
    assert none_resolve(["https://a.invalid/", "http://127.0.0.1:9/"]) is False
    assert none_resolve([]) is False
