"""Hosts side by side: a pass over many publishers works on all of them at once (each still
asked at most once per `per_host_delay`), not on a fixed handful; `parallel_hosts` caps it."""

from __future__ import annotations

import threading
from contextlib import ExitStack

import pytest
from harness import Monitor
from pdfs import make_pdf
from publisher_server import PublisherServer

from monitor.pipeline.capacity import MAX_LANES, Turns, host_lanes, machine_lanes

HOSTS = 10
DELAY = 0.4


def _config(urls: list[str], extra: str = "") -> str:
    sources = "".join(
        f"""  - name: council-{i}
    kind: page
    url: {url}/reports
    include: '\\.pdf$'
"""
        for i, url in enumerate(urls)
    )
    return f"""settings:
  per_host_delay: {DELAY}
  retries: 1
  retry_backoff: 0.01
  timeout: 10
{extra}sources:
{sources}"""


@pytest.fixture
def publishers():
    """Ten publishers, each on its own loopback address, each listing two PDFs."""
    with ExitStack() as stack:
        servers = []
        for i in range(HOSTS):
            server = stack.enter_context(PublisherServer(host=f"127.0.9.{i + 1}"))
            links = "".join(f'<li><a href="/r{n}.pdf">Report {n} of council {i}</a></li>' for n in range(2))
            server.add("/reports", f"<html><body><ul>{links}</ul></body></html>")
            for n in range(2):
                server.add(f"/r{n}.pdf", make_pdf([f"Council {i} report {n}: the inspection found progress."]),
                           content_type="application/pdf")
            servers.append(server)
        yield servers


def _spans(servers: list[PublisherServer]) -> list[tuple[float, float]]:
    """(first request, last request) at each host."""
    return [(s.hits[0].time, s.hits[-1].time) for s in servers]


def _most_at_once(spans: list[tuple[float, float]]) -> int:
    """The most hosts whose first..last requests overlap at one moment."""
    edges = sorted([(start, 1) for start, _ in spans] + [(end, -1) for _, end in spans], key=lambda e: (e[0], e[1]))
    busy = most = 0
    for _, step in edges:
        busy += step
        most = max(most, busy)
    return most


def _assert_polite(servers: list[PublisherServer]) -> None:
    for server in servers:
        times = [h.time for h in server.hits]
        gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
        assert gaps and min(gaps) >= DELAY - 0.02, (server.url, gaps)


def test_every_host_progresses_at_once(publishers, tmp_path):
    monitor = Monitor(tmp_path, _config([s.url for s in publishers]))
    code, out, err = monitor.run("run")
    assert code == 0, err + out
    assert len(monitor.documents()) == 2 * HOSTS
    for server in publishers:  # robots.txt, the listing, two PDFs
        assert [h.path for h in server.hits] == ["/robots.txt", "/reports", "/r0.pdf", "/r1.pdf"], server.hits
    spans = _spans(publishers)
    # every host was first asked before any host was done: all ten lanes ran side by side
    # (a fixed four lanes would start the fifth host only when one of the first four ended)
    assert max(start for start, _ in spans) < min(end for _, end in spans), spans
    assert _most_at_once(spans) == HOSTS
    _assert_polite(publishers)


def test_parallel_hosts_caps_the_lanes(publishers, tmp_path):
    monitor = Monitor(tmp_path, _config([s.url for s in publishers], "  parallel_hosts: 3\n"))
    code, out, err = monitor.run("run")
    assert code == 0, err + out
    assert len(monitor.documents()) == 2 * HOSTS
    assert _most_at_once(_spans(publishers)) == 3
    _assert_polite(publishers)


def test_workers_option_overrides_the_setting(publishers, tmp_path):
    monitor = Monitor(tmp_path, _config([s.url for s in publishers], "  parallel_hosts: 3\n"))
    code, out, err = monitor.run("run", "--workers", "2")
    assert code == 0, err + out
    assert _most_at_once(_spans(publishers)) == 2
    code, out, err = monitor.run("run", "--workers", "0")
    assert code != 0 and "--workers" in err and "expected 1 or more" in err


def test_a_wrong_setting_is_named(tmp_path):
    monitor = Monitor(tmp_path, _config(["http://127.0.9.1:9"], "  parallel_hosts: many\n"))
    code, out, err = monitor.run("check-config")
    assert code != 0
    assert "settings.parallel_hosts: expected `auto` or a whole number from 1 to 1024" in err + out


def test_lanes_follow_the_setting_the_hosts_and_the_machine():
    assert host_lanes(3, 10) == 3
    assert host_lanes(30, 10) == 10  # never more lanes than hosts
    assert host_lanes("auto", 1) == 1
    machine = machine_lanes()
    assert 4 <= machine <= MAX_LANES
    assert host_lanes("auto", 10_000) == machine


def test_a_waiting_thread_gives_its_turn_to_another():
    turns = Turns(1)
    in_wait, other_done, release_wait = threading.Event(), threading.Event(), threading.Event()
    order: list[str] = []

    def waiter() -> None:
        with turns.turn():
            order.append("waiter works")
            with turns.waiting():
                in_wait.set()
                release_wait.wait(5)
            order.append("waiter works again")

    def other() -> None:
        in_wait.wait(5)
        with turns.turn():  # only possible because the waiter gave its turn back
            order.append("other works")
        other_done.set()

    threads = [threading.Thread(target=waiter), threading.Thread(target=other)]
    for t in threads:
        t.start()
    assert other_done.wait(5), "the other thread never got a turn"
    release_wait.set()
    for t in threads:
        t.join(5)
    assert order == ["waiter works", "other works", "waiter works again"]


def test_a_turn_is_held_by_one_thread_at_a_time():
    turns = Turns(1)
    holding = threading.Event()
    got_it = threading.Event()

    def holder() -> None:
        with turns.turn():
            holding.set()
            got_it.wait(0.3)  # the other must not get in meanwhile

    def other() -> None:
        holding.wait(5)
        with turns.turn():
            got_it.set()

    a, b = threading.Thread(target=holder), threading.Thread(target=other)
    a.start()
    b.start()
    holding.wait(5)
    assert not got_it.wait(0.2)
    a.join(5)
    b.join(5)
    assert got_it.is_set()
