"""The pipeline end to end: a real server, real PDFs, a real SQLite file, the real command."""

from __future__ import annotations

import json

import pytest
from harness import Monitor
from pdfs import make_pdf

LISTING = """<html><body><main><h1>Reports</h1><ul>
{items}
</ul><a class="next" href="/reports?page=2">Next</a></main></body></html>"""


def listing(*names: str) -> str:
    items = "\n".join(f'<li><a href="/files/{n}.pdf?utm_source=x#top">Report {n}</a></li>' for n in names)
    return LISTING.format(items=items)


def config(server_url: str, **extra: str) -> str:
    more = "".join(f"    {k}: {v}\n" for k, v in extra.items())
    return f"""
settings:
  per_host_delay: 0
  retries: 1
  retry_backoff: 0.01
  timeout: 5
sources:
  - name: council-reports
    kind: page
    url: {server_url}/reports
    links: "li a[href]"
    include: '\\.pdf'
    recheck_days: 0
{more}"""


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
