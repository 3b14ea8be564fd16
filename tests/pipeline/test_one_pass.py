"""The pipeline end to end: a real server, real PDFs, a real SQLite file, the real command."""

from __future__ import annotations

import json

import pytest
from council_site import config, listing  # noqa: E402
from harness import Monitor
from pdfs import make_pdf


@pytest.fixture
def site(server):
    server.add("/reports", listing("a", "b"))
    server.add("/files/a.pdf", make_pdf(["Report A about children's services.", "All is good."]), content_type="application/pdf")
    server.add("/files/b.pdf", make_pdf(["Report B on adult social care."]), content_type="application/pdf")
    return server


def by_type(events, type_):
    return [e for e in events if e["type"] == type_]


def test_first_pass_is_a_quiet_baseline(site, tmp_path):
    monitor = Monitor(tmp_path, config(site.url))
    code, out, err = monitor.run("run")
    assert code == 0, err + out
    assert "council-reports" in out and "baseline" in out
    events = monitor.events()
    new = by_type(events, "new_document")
    assert len(new) == 2
    assert {e["document_key"] for e in new} == {f"{site.url}/files/a.pdf", f"{site.url}/files/b.pdf"}
    for event in new:
        assert event["severity"] == "info"
        assert event["details"]["baseline"] is True
        assert event["source"] == "council-reports"
        assert event["created_at"].endswith("Z")
        assert set(event) >= {"id", "type", "severity", "source", "document_key", "title", "url", "created_at", "details"}
    docs = monitor.documents()
    assert [(d["key"], d["versions"], d["status"], d["error"]) for d in docs] == [
        (f"{site.url}/files/a.pdf", 1, "ok", None),
        (f"{site.url}/files/b.pdf", 1, "ok", None),
    ]
    assert docs[0]["title"] == "Report a"
    assert docs[0]["url"] == f"{site.url}/files/a.pdf?utm_source=x"
    assert set(docs[0]) >= {"source", "key", "url", "title", "versions", "first_seen", "last_changed", "status", "error"}
    history = monitor.json("history", f"{site.url}/files/a.pdf")
    assert history[0]["pages"] == 2
    assert (monitor.data_dir / "blobs").is_dir()
    assert (monitor.data_dir / "monitor.db").is_file()


def test_new_changed_identical_and_removed_documents(site, tmp_path):
    monitor = Monitor(tmp_path, config(site.url))
    assert monitor.run("run")[0] == 0

    # day 2: a third report appears
    site.add("/reports", listing("a", "b", "c"))
    site.add("/files/c.pdf", make_pdf(["Report C: services are inadequate."]), content_type="application/pdf")
    assert monitor.run("run")[0] == 0
    events = monitor.events()
    new = [e for e in by_type(events, "new_document") if not e["details"].get("baseline")]
    assert [e["document_key"] for e in new] == [f"{site.url}/files/c.pdf"]
    assert new[0]["severity"] == "normal"
    assert new[0]["details"]["pages"] == 1
    assert not by_type(events, "changed")

    # day 3: B's PDF is replaced with different text
    site.add("/files/b.pdf", make_pdf(["Report B on adult social care.", "A new finding was added."]), content_type="application/pdf")
    assert monitor.run("run")[0] == 0
    changed = by_type(monitor.events(), "changed")
    assert [e["document_key"] for e in changed] == [f"{site.url}/files/b.pdf"]
    assert changed[0]["details"]["added_lines"] >= 1
    assert "A new finding was added." in " ".join(changed[0]["details"]["added"])
    history = monitor.json("history", f"{site.url}/files/b.pdf")
    assert [h["version"] for h in history] == [1, 2]
    code, out, _ = monitor.run("diff", f"{site.url}/files/b.pdf")
    assert code == 0 and "+A new finding was added." in out

    # day 4: identical bytes re-uploaded under a new ETag: no event, no version
    body = make_pdf(["Report B on adult social care.", "A new finding was added."])
    site.add("/files/b.pdf", body, content_type="application/pdf", etag=False, headers={"ETag": '"fresh"'})
    before = len(monitor.events())
    assert monitor.run("run")[0] == 0
    assert len(monitor.events()) == before
    assert len(monitor.json("history", f"{site.url}/files/b.pdf")) == 2

    # day 5: A disappears from the listing
    site.add("/reports", listing("b", "c"))
    assert monitor.run("run")[0] == 0
    removed = by_type(monitor.events(), "removed")
    assert [e["document_key"] for e in removed] == [f"{site.url}/files/a.pdf"]
    docs = {d["key"]: d for d in monitor.documents()}
    assert docs[f"{site.url}/files/a.pdf"]["status"] == "removed"
    assert docs[f"{site.url}/files/a.pdf"]["versions"] == 1  # our copy is kept


def test_rerendered_pdf_with_same_text_is_not_a_change(site, tmp_path):
    monitor = Monitor(tmp_path, config(site.url))
    assert monitor.run("run")[0] == 0
    site.add(
        "/files/a.pdf",
        make_pdf(["Report A about children's services.", "All is good."], title="re-rendered"),
        content_type="application/pdf",
    )
    assert monitor.run("run")[0] == 0
    assert not by_type(monitor.events(), "changed")
    assert len(monitor.json("history", f"{site.url}/files/a.pdf")) == 2  # bytes kept all the same


def test_known_documents_are_checked_with_conditional_requests(site, tmp_path):
    monitor = Monitor(tmp_path, config(site.url))
    assert monitor.run("run")[0] == 0
    site.hits.clear()
    assert monitor.run("run")[0] == 0
    pdf_hits = [h for h in site.hits if h.path.endswith(".pdf")]
    assert len(pdf_hits) == 2
    assert all(h.status == 304 and "If-None-Match" in h.headers for h in pdf_hits)
    listing_hits = site.hits_for("/reports")
    assert [h.status for h in listing_hits] == [304]


def test_known_documents_wait_for_the_recheck_cadence(site, tmp_path):
    monitor = Monitor(tmp_path, config(site.url).replace("recheck_days: 0", "recheck_days: 7"))
    assert monitor.run("run")[0] == 0
    site.hits.clear()
    assert monitor.run("run")[0] == 0
    assert [h.path for h in site.hits if h.path != "/robots.txt"] == ["/reports"]


@pytest.mark.parametrize(
    "body,expected",
    [
        (b"", "empty file"),
        (b"%PDF-1.4\n1 0 obj << /Type /Catalog", "unreadable PDF"),
        (b"<html><body>Sorry, not found</body></html>", "HTML page"),
    ],
)
def test_a_bad_document_is_recorded_and_the_pass_goes_on(site, tmp_path, body, expected):
    site.add("/reports", listing("a", "bad", "b"))
    site.add("/files/bad.pdf", body, content_type="application/pdf")
    monitor = Monitor(tmp_path, config(site.url))
    code, out, err = monitor.run("run")
    assert code == 0, out + err
    docs = {d["key"].rsplit("/", 1)[-1]: d for d in monitor.documents()}
    assert docs["a.pdf"]["versions"] == 1 and docs["b.pdf"]["versions"] == 1
    bad = docs["bad.pdf"]
    assert expected in bad["error"]
    assert bad["versions"] == 1  # the bytes are kept even when unreadable
    new = {e["document_key"].rsplit("/", 1)[-1]: e for e in by_type(monitor.events(), "new_document")}
    assert set(new) == {"a.pdf", "bad.pdf", "b.pdf"}


def test_a_failing_download_leaves_the_others_stored(site, tmp_path):
    site.add("/reports", listing("a", "gone", "b"))
    monitor = Monitor(tmp_path, config(site.url))
    code, out, _ = monitor.run("run")
    assert code == 0
    docs = {d["key"].rsplit("/", 1)[-1]: d for d in monitor.documents()}
    assert docs["gone.pdf"]["status"] == "error"
    assert "HTTP 404" in docs["gone.pdf"]["error"]
    assert docs["gone.pdf"]["versions"] == 0
    assert docs["a.pdf"]["versions"] == 1
    # next pass: the file is back and is stored
    site.add("/files/gone.pdf", make_pdf(["Back again."]), content_type="application/pdf")
    assert monitor.run("run")[0] == 0
    docs = {d["key"].rsplit("/", 1)[-1]: d for d in monitor.documents()}
    assert (docs["gone.pdf"]["status"], docs["gone.pdf"]["versions"]) == ("ok", 1)


def test_an_unreachable_source_is_reported_and_exits_1(tmp_path):
    monitor = Monitor(
        tmp_path,
        """
settings: {per_host_delay: 0, retries: 0, timeout: 2}
sources:
  - name: nowhere
    kind: page
    url: http://127.0.0.1:9/reports
""",
    )
    code, out, _ = monitor.run("run")
    assert code == 1
    assert "nowhere (failing)" in out and "what to try" in out
    assert monitor.run("run", "--fail-only-if-all")[0] == 1
    errors = by_type(monitor.events(), "source_error")
    assert errors and errors[0]["source"] == "nowhere" and errors[0]["details"]["health"] == "failing"


def test_a_403_is_blocked_not_nothing_new(site, tmp_path):
    monitor = Monitor(tmp_path, config(site.url))
    assert monitor.run("run")[0] == 0
    site.add("/reports", "Forbidden", status=403)
    code, out, _ = monitor.run("run")
    assert code == 1
    assert "blocked" in out
    assert not by_type(monitor.events(), "removed")
    status = monitor.json("status")
    assert status[0]["health"] == "blocked" and status[0]["documents"] == 2


def test_a_listing_that_suddenly_lists_nothing_is_broken_not_removals(site, tmp_path):
    monitor = Monitor(tmp_path, config(site.url))
    assert monitor.run("run")[0] == 0
    site.add("/reports", "<html><body><main><p>We have a new website!</p></main></body></html>")
    code, out, _ = monitor.run("run")
    assert code == 1 and "broken" in out
    events = monitor.events()
    assert not by_type(events, "removed")
    broken = by_type(events, "source_broken")
    assert len(broken) == 1 and broken[0]["severity"] == "urgent"


def test_malformed_config_names_file_line_and_key(tmp_path):
    monitor = Monitor(
        tmp_path,
        """settings:
  per_host_delay: fast
sources:
  - name: Bad Name
    kind: page
    url: http://example.org/
  - name: ok-name
    kind: nonsense
  - name: third
    kind: page
    url: http://example.org/
    linkz: a
    schedule: "61 7 * * *"
""",
    )
    code, _, err = monitor.run("check-config")
    assert code == 2
    path = str(monitor.config_path)
    assert f"{path}:2: settings.per_host_delay" in err
    assert f"{path}:4: sources[0].name" in err
    assert f"{path}:8: sources[1].kind: unknown kind 'nonsense'" in err
    assert f"{path}:12: sources[2].linkz: unknown key" in err
    assert f"{path}:13: sources[2].schedule" in err
    assert monitor.run("run")[0] == 2


def test_missing_config_and_bad_yaml_exit_2(tmp_path):
    monitor = Monitor(tmp_path)
    code, _, err = monitor.run("run")
    assert code == 2 and "no such file" in err and "sources.yaml" in err
    monitor.write_config("sources:\n  - name: x\n    kind: [page\n")
    code, _, err = monitor.run("check-config")
    assert code == 2 and "sources.yaml:4: not valid YAML" in err and "started at line 3" in err


def test_check_config_lists_sources(site, tmp_path):
    monitor = Monitor(tmp_path, config(site.url))
    code, out, err = monitor.run("check-config")
    assert code == 0, err
    assert "council-reports" in out and "page" in out and "0 7 * * *" in out
    code, out, _ = monitor.run("check-config", "--probe")
    assert code == 0 and "probe council-reports: ok, 2 document(s) listed" in out


def test_events_since_filters(site, tmp_path):
    monitor = Monitor(tmp_path, config(site.url))
    monitor.run("run")
    assert monitor.json("events", "--since", "2999-01-01") == []
    assert len(monitor.json("events", "--since", "2000-01-01")) == len(monitor.events())
    code, _, err = monitor.run("events", "--since", "yesterday")
    assert code == 2 and "--since" in err


def test_extract_command_prints_json(tmp_path):
    path = tmp_path / "r.pdf"
    path.write_bytes(make_pdf(["Hello   final world", "Second page"]))
    monitor = Monitor(tmp_path, "sources: []\n")
    code, out, _ = monitor.run("extract", str(path), "--json")
    assert code == 0
    data = json.loads(out)
    assert data["pages"] == 2 and data["text"] == "Hello final world\fSecond page" and data["meta"] == {}


def test_run_due_runs_only_sources_whose_schedule_fired(site, tmp_path):
    monitor = Monitor(tmp_path, config(site.url))
    code, out, _ = monitor.run("run", "--due")
    assert code == 0 and "council-reports" in out  # never ran: due
    site.hits.clear()
    code, out, _ = monitor.run("run", "--due")
    assert code == 0 and "no source is due" in out
    assert site.hits == []
    assert monitor.run("run", "--all")[0] == 0
    assert site.hits_for("/reports")


def test_schedule_reads_weekdays_as_cron_does():
    from datetime import datetime

    from monitor.schedule import is_due

    monday_6am = datetime(2026, 11, 23, 6, 0)  # a Monday
    assert is_due("0 7 * * 1", monday_6am, datetime(2026, 11, 23, 7, 30).astimezone()) is True
    assert is_due("0 7 * * 2", monday_6am, datetime(2026, 11, 23, 7, 30).astimezone()) is False
    assert is_due("0 7 * * 1", None) is True


def test_documents_pushed_past_max_pages_are_not_removed(server, tmp_path):
    def pages(names: list[str]) -> None:
        for number, start in enumerate(range(0, len(names), 2), start=1):
            items = "".join(f'<li><a href="/files/{n}.pdf">Report {n}</a></li>' for n in names[start : start + 2])
            server.add(f"/list{number}", f'<html><body><ul>{items}</ul><a class="next" href="/list{number + 1}">Next</a></body></html>')
        for n in names:
            server.add(f"/files/{n}.pdf", make_pdf([f"Report {n}."]), content_type="application/pdf")

    pages(["d", "c", "b", "a"])
    monitor = Monitor(
        tmp_path,
        config(server.url).replace(f"url: {server.url}/reports", f"url: {server.url}/list1")
        + '    next: "a.next"\n    max_pages: 2\n',
    )
    assert monitor.run("run")[0] == 0
    pages(["e", "d", "c", "b", "a"])  # a new report pushes "a" onto page 3
    assert monitor.run("run")[0] == 0
    events = monitor.events()
    assert [e["document_key"].rsplit("/", 1)[-1] for e in by_type(events, "new_document") if not e["details"]["baseline"]] == ["e.pdf"]
    assert by_type(events, "removed") == []


def test_a_download_lost_before_its_commit_is_fetched_again(site, tmp_path):
    """A pass that dies after the server answered but before the version committed must not
    leave validators behind that make every later request a 304 for bytes we never stored."""
    from monitor.config import load_config
    from monitor.http.client import HttpClient
    from monitor.store import Store

    monitor = Monitor(tmp_path, config(site.url))
    assert monitor.run("run")[0] == 0
    site.add("/files/a.pdf", make_pdf(["Report A, reissued.", "Services are now inadequate."]), content_type="application/pdf")
    # what the dying pass did: download through the store-backed client, then nothing more
    cfg = load_config(monitor.config_path)
    store = Store(f"sqlite:///{monitor.data_dir / 'monitor.db'}", monitor.data_dir)
    try:
        client = HttpClient(cfg.settings.http_settings(), store.http_cache())
        lost = client.get(f"{site.url}/files/a.pdf?utm_source=x", to_dir=store.blobs.tmp, cache_body=False)
        assert lost.status == 200
        lost.path.unlink()
    finally:
        store.close()
    assert monitor.run("run")[0] == 0
    history = monitor.json("history", f"{site.url}/files/a.pdf")
    assert [h["version"] for h in history] == [1, 2]
    assert [e["document_key"] for e in by_type(monitor.events(), "changed")] == [f"{site.url}/files/a.pdf"]


def test_a_document_whose_reading_timed_out_is_read_again(site, tmp_path):
    import hashlib

    body = make_pdf(["Report B: services are inadequate."])
    site.add("/files/b.pdf", body, content_type="application/pdf")
    monitor = Monitor(tmp_path, config(site.url).replace("  timeout: 5\n", "  timeout: 5\n  extract_timeout: 2\n"))
    # the reader stalls on this blob (named by its hash) in the first pass only
    stall = {"MONITOR_EXTRACT_TEST_STALL_ON": hashlib.sha256(body).hexdigest()}
    assert monitor.run("run", env=stall)[0] == 0
    (first,) = monitor.json("history", f"{site.url}/files/b.pdf")
    assert "timed out" in first["extract_error"]
    assert not [e for e in by_type(monitor.events(), "phrase_match") if e["document_key"].endswith("b.pdf")]

    assert monitor.run("run")[0] == 0  # the server says 304; the stored bytes are read again
    history = monitor.json("history", f"{site.url}/files/b.pdf")
    assert [(h["version"], h["extract_error"]) for h in history] == [(1, first["extract_error"]), (2, None)]
    assert history[0]["sha256"] == history[1]["sha256"]
    matches = [e for e in by_type(monitor.events(), "phrase_match") if e["document_key"].endswith("b.pdf")]
    assert [m["details"]["phrase"] for m in matches] == ["inadequate"]
    assert not by_type(monitor.events(), "changed")  # our reading failed; the publisher changed nothing


def test_one_refused_document_does_not_stop_the_rest(site, tmp_path):
    site.add("/reports", listing("a", "restricted", "b"))
    site.add("/files/restricted.pdf", "Forbidden", status=403)
    monitor = Monitor(tmp_path, config(site.url))
    code, out, _ = monitor.run("run")
    assert code == 0, out
    docs = {d["key"].rsplit("/", 1)[-1]: d for d in monitor.documents()}
    assert (docs["a.pdf"]["versions"], docs["b.pdf"]["versions"]) == (1, 1)
    assert docs["restricted.pdf"]["status"] == "error" and "HTTP 403" in docs["restricted.pdf"]["error"]
    assert monitor.json("status")[0]["health"] == "ok"


def test_events_since_converts_an_offset_to_utc(site, tmp_path):
    monitor = Monitor(tmp_path, config(site.url))
    assert monitor.run("run")[0] == 0
    created = monitor.events()[0]["created_at"]  # "...Z"
    from datetime import datetime, timedelta, timezone

    when = datetime.fromisoformat(created.replace("Z", "+00:00"))
    # the same instant written in UTC+02:00, one second before: the events are included
    local = (when - timedelta(seconds=1)).astimezone(timezone(timedelta(hours=2))).isoformat()
    assert len(monitor.json("events", "--since", local)) == len(monitor.events())
    # one second after, in UTC-05:00: none
    later = (when + timedelta(seconds=1)).astimezone(timezone(timedelta(hours=-5))).isoformat()
    assert monitor.json("events", "--since", later) == []
