"""No silent miss: what the monitor keeps when a listing is broken, what a first pass keeps,
what a cross-check says when the second road disagrees, and a document whose reading
failed shown as an error. Through the real command, a real local server and a real SQLite
file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from harness import Monitor
from pdfs import make_pdf
from publisher_server import PublisherServer
from scenario_sites import config_yaml, ofsted_site

from monitor.evidence import read_bundle
from monitor.sources import REGISTRY


def listing(*names: str) -> str:
    items = "\n".join(f'<li><a href="/files/{n}.pdf">Report {n}</a></li>' for n in names)
    return f"<html><body><main><ul>{items}</ul></main></body></html>"


PAGE_SOURCE = """  - name: council-reports
    kind: page
    url: {url}/reports
    links: "li a[href]"
    include: '\\.pdf'
"""


def of_type(events: list[dict], type_: str) -> list[dict]:
    return [e for e in events if e["type"] == type_]


@pytest.fixture
def reports(server):
    server.add("/reports", listing("a", "b"))
    for name in "ab":
        server.add(f"/files/{name}.pdf", make_pdf([f"Report {name}."]), content_type="application/pdf")
    return server


def test_a_broken_listing_saves_the_answer_it_could_not_read(reports, tmp_path):
    monitor = Monitor(tmp_path, config_yaml(PAGE_SOURCE.format(url=reports.url)))
    assert monitor.run("run")[0] == 0
    redesigned = "<html><body><main><div class='cards'>Reports are now on our new site</div></main></body></html>"
    reports.add("/reports", redesigned)
    code, out, _ = monitor.run("run")
    assert code == 1
    (broken,) = of_type(monitor.events(), "source_broken")
    folder = Path(broken["details"]["evidence"])
    assert folder.parent == monitor.data_dir / "evidence" / "council-reports"
    bundle = read_bundle(folder)
    assert bundle.manifest["reason"].startswith("listing looks broken: the listing gave 0 documents")
    assert bundle.body(f"{reports.url}/reports") == redesigned.encode()
    assert str(folder) in broken["details"]["hint"]
    assert "monitor capture council-reports" in broken["details"]["hint"]
    # the status command shows the same way out
    status = monitor.json("status")
    assert str(folder) in status[0]["hint"]


def test_evidence_is_kept_for_the_last_twenty_broken_passes_only(reports, tmp_path, monkeypatch):
    import monitor.evidence as evidence

    monkeypatch.setattr(evidence, "KEEP_BUNDLES", 2)
    monitor = Monitor(tmp_path, config_yaml(PAGE_SOURCE.format(url=reports.url)))
    assert monitor.run("run")[0] == 0
    reports.add("/reports", "<html><body>gone</body></html>")
    for _ in range(4):
        assert monitor.run("run")[0] == 1
    assert len(list((monitor.data_dir / "evidence" / "council-reports").iterdir())) == 2


def test_the_first_good_pass_keeps_the_publishers_answers_as_a_fixture(reports, tmp_path):
    monitor = Monitor(tmp_path, config_yaml(PAGE_SOURCE.format(url=reports.url)))
    assert monitor.run("run")[0] == 0
    (folder,) = (monitor.data_dir / "captures").glob("council-reports-first-pass-*")
    bundle = read_bundle(folder)
    assert bundle.body(f"{reports.url}/reports") == listing("a", "b").encode()
    assert [r["key"] for r in bundle.manifest["listing"]["refs"]] == [f"{reports.url}/files/a.pdf", f"{reports.url}/files/b.pdf"]
    assert monitor.run("run")[0] == 0
    assert len(list((monitor.data_dir / "captures").iterdir())) == 1, "only the first good pass is kept"


def test_a_document_whose_reading_failed_is_an_error_in_documents_json(server, tmp_path):
    server.add("/reports", listing("good", "bad"))
    server.add("/files/good.pdf", make_pdf(["Fine."]), content_type="application/pdf")
    server.add("/files/bad.pdf", b"%PDF-1.4\nthis is not really a PDF", content_type="application/pdf")
    monitor = Monitor(tmp_path, config_yaml(PAGE_SOURCE.format(url=server.url)))
    monitor.run("run")
    for _ in range(2):  # the second pass re-checks with a 304 and must not turn it back to "ok"
        by_key = {d["key"].rsplit("/", 1)[-1]: d for d in monitor.documents()}
        assert by_key["good.pdf"]["status"] == "ok" and by_key["good.pdf"]["error"] is None
        assert by_key["bad.pdf"]["status"] == "error"
        assert by_key["bad.pdf"]["error"].startswith("text not extracted")
        code, out, _ = monitor.run("documents")
        assert "error" in out
        monitor.run("run")


# -- cross-checks --------------------------------------------------------------------


@pytest.fixture
def facts_kind(monkeypatch):
    monkeypatch.setitem(REGISTRY, "test_facts", "crosscheck_kind:FactsSource")


def crosscheck_config(ofsted_yaml: str, url: str) -> str:
    return config_yaml(
        ofsted_yaml
        + f"""  - name: ofsted-statistics
    kind: test_facts
    checks: harrow-ofsted
    url: {url}/facts.csv
"""
    )


def facts(*rows: str) -> str:
    return "urn,field,value,not_before,url\n" + "\n".join(rows) + "\n"


def test_a_cross_check_that_agrees_is_quiet(facts_kind, tmp_path):
    with PublisherServer() as server:
        site = ofsted_site(server)
        site.day1()
        server.add("/facts.csv", facts("80499,overall,Good,2022-03-04,"), content_type="text/csv")
        monitor = Monitor(tmp_path, crosscheck_config(site.source_yaml, server.url))
        code, out, err = monitor.run("run")
        assert code == 0, out + err
        code, out, err = monitor.run("run")
        assert code == 0, out + err
    assert of_type(monitor.events(), "cross_check_mismatch") == []
    statuses = {s["source"]: s["health"] for s in monitor.json("status")}
    assert statuses == {"harrow-ofsted": "ok", "ofsted-statistics": "ok"}


def test_a_publication_the_listing_missed_is_an_urgent_mismatch_once(facts_kind, tmp_path):
    with PublisherServer() as server:
        site = ofsted_site(server)
        site.day1()
        # the statistics know of a 2025 inspection graded inadequate that the provider page
        # does not list (the page moved, or the adapter misread it)
        server.add(
            "/facts.csv",
            facts("80499,overall,Good,2022-03-04,", "80499,overall,Inadequate,2025-08-01,https://example.org/r"),
            content_type="text/csv",
        )
        monitor = Monitor(tmp_path, crosscheck_config(site.source_yaml, server.url))
        monitor.run("run")
        monitor.run("run")
        (mismatch,) = of_type(monitor.events(), "cross_check_mismatch")
        assert mismatch["severity"] == "urgent"
        assert mismatch["source"] == "ofsted-statistics"
        details = mismatch["details"]
        assert details["checks"] == "harrow-ofsted"
        assert details["match"] == {"urn": "80499"}
        assert details["problem"] == "no document dated on or after 2025-08-01"
        assert details["expected"] == "Inadequate" and details["found"] is None
        assert details["document"]["key"] == "50252440", "names the newest document the listing has"
        assert details["cross_check_url"] == "https://example.org/r"
        assert "harrow-ofsted disagrees with ofsted-statistics" in mismatch["summary"]
        bundle = read_bundle(Path(details["evidence"]))
        assert bundle.body(f"{server.url}/facts.csv").startswith(b"urn,field")
        # the listing catches up: the report is there and agrees
        site.day2()
        monitor.run("run")
    assert len(of_type(monitor.events(), "cross_check_mismatch")) == 1


def test_a_grade_that_disagrees_is_a_mismatch(facts_kind, tmp_path):
    with PublisherServer() as server:
        site = ofsted_site(server)
        site.day1()
        server.add("/facts.csv", facts("80499,overall,Requires improvement,2022-03-04,"), content_type="text/csv")
        monitor = Monitor(tmp_path, crosscheck_config(site.source_yaml, server.url))
        monitor.run("run")
        monitor.run("run")
    (mismatch,) = of_type(monitor.events(), "cross_check_mismatch")
    assert mismatch["details"]["problem"] == "overall: good where the cross-check says Requires improvement"
    assert mismatch["details"]["found"] == "good"


def test_a_cross_check_naming_an_unknown_source_is_a_clear_failure(facts_kind, tmp_path, server):
    server.add("/facts.csv", facts("80499,overall,Good,2022-03-04,"), content_type="text/csv")
    monitor = Monitor(
        tmp_path,
        config_yaml(f"  - name: stats\n    kind: test_facts\n    checks: nosuch\n    url: {server.url}/facts.csv\n"),
    )
    code, out, err = monitor.run("run")
    assert code in (1, 2)
    assert "nosuch" in out + err


def test_cross_check_mismatch_reaches_the_digest(facts_kind, tmp_path):
    with PublisherServer() as server:
        site = ofsted_site(server)
        site.day1()
        server.add("/facts.csv", facts("80499,overall,Inadequate,2025-08-01,"), content_type="text/csv")
        monitor = Monitor(tmp_path, crosscheck_config(site.source_yaml, server.url))
        monitor.run("run")
        monitor.run("run")
    code, out, err = monitor.run("digest")
    assert code == 0, err
    (digest,) = (monitor.data_dir / "digests").glob("*.md")
    text = digest.read_text()
    # in words, once, without the sources' config names
    assert (
        "- Test facts's own published figures name a publication of 1 August 2025 or later that the monitor does not "
        "hold: its listing may have missed it." in text
    )
    assert "harrow-ofsted" not in text and "ofsted-statistics" not in text
    assert json.dumps(text)  # plain text, no exceptions


def test_a_refusal_is_kept_as_evidence_with_its_page(reports, tmp_path):
    monitor = Monitor(tmp_path, config_yaml(PAGE_SOURCE.format(url=reports.url)))
    assert monitor.run("run")[0] == 0
    refusal = "<html><body><h1>Access denied</h1><p>Reference 18.2f</p></body></html>"
    reports.add("/reports", refusal, status=403)
    assert monitor.run("run")[0] == 1
    (status,) = monitor.json("status")
    assert status["health"] == "blocked"
    (folder,) = (monitor.data_dir / "evidence" / "council-reports").iterdir()
    bundle = read_bundle(folder)
    assert bundle.answers[0]["status"] == 403
    assert bundle.body(f"{reports.url}/reports") == refusal.encode()


def test_a_listing_read_in_part_says_so_and_removes_nothing(tmp_path):
    from scenario_sites import moderngov_site

    with PublisherServer() as server:
        site = moderngov_site(server)
        site.day1()
        # with meeting packs on, each meeting's HTML page is read too; this server has none
        config = config_yaml(site.source_yaml.replace("meeting_packs: false", "meeting_packs: true"))
        monitor = Monitor(tmp_path, config)
        code, out, err = monitor.run("run", env=site.env)
        assert code == 0, out + err
        assert "part of the listing could not be read (nothing was marked removed)" in out
        assert "harrow-committees: " in out.split("could not be read")[-1]
        assert {d["key"] for d in monitor.documents()} == set(site.baseline)
        (told,) = of_type(monitor.events(), "listing_incomplete")
        assert told["severity"] == "info", "the first pass is the baseline"
        assert told["details"]["reasons"] and all("ieListDocuments" in r or "MId" in r or "/" in r for r in told["details"]["reasons"])
        # ModernGov's listing is a window and this one was read in part: no pass removes anything
        site.day2()
        monitor.run("run", env=site.env)
        monitor.run("run", env=site.env)
    assert of_type(monitor.events(), "removed") == []
    # the same reasons are told once, not every pass
    assert len(of_type(monitor.events(), "listing_incomplete")) == 1
