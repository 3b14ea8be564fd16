"""One source's server misbehaves during a real pass; the two healthy sources beside it must
not notice. Every fault is bounded in time, recorded as that source's error, and the store
stays consistent. (The raw client against each behaviour is tested in tests/http/test_http_client.py;
here the whole pipeline is.)"""

from __future__ import annotations

import resource

import pytest
from hostile import BEHAVIOURS, HostileServer
from integrity import check_store
from passes import SETTINGS, by_name, documents, events, page_source, run_pass
from pdfs import make_pdf
from publisher_server import PublisherServer

#: what each behaviour must be reported as (a fragment of the source's error)
EXPECTED = {
    "500": "HTTP 500",
    "429": "HTTP 429",
    "reset": "connection",
    "silent": "did not answer within 1s",
    "dribble": "too slow",
    "file-redirect": "refusing scheme 'file'",
    "host-redirect": "not in this source's allowed_hosts",
    "gzip-bomb": "too large",
    "endless": "too large",
}
#: seconds a whole pass may take with one hostile source (timeouts 1 s, 1 retry, deadline 3 s)
BOUND = 25.0


def healthy_site(host: str, name: str) -> PublisherServer:
    site = PublisherServer(host)
    site.add(
        "/reports",
        f'<html><body><ul><li><a href="/f/{name}-1.pdf">{name} one</a></li>'
        f'<li><a href="/f/{name}-2.pdf">{name} two</a></li></ul></body></html>',
    )
    for n in (1, 2):
        site.add(f"/f/{name}-{n}.pdf", make_pdf([f"{name} report {n}: services require improvement."]), content_type="application/pdf")
    return site


@pytest.fixture
def healthy():
    with healthy_site("127.0.0.1", "alpha") as a, healthy_site("127.0.0.2", "beta") as b:
        yield a, b


def config_for(a: PublisherServer, b: PublisherServer, hostile_url: str, hostile_host: str) -> str:
    return (
        SETTINGS
        + "sources:\n"
        + page_source("alpha", f"{a.url}/reports")
        + page_source("hostile", hostile_url, allowed_hosts=f"[{hostile_host}]")
        + page_source("beta", f"{b.url}/reports")
    )


def assert_healthy_unaffected(data_dir, result, a, b) -> None:
    outcomes = by_name(result)
    for name, site in (("alpha", a), ("beta", b)):
        o = outcomes[name]
        assert (o.status, o.listed, o.new, o.document_errors, o.error) == ("ok", 2, 2, 0, None), o
        docs = documents(data_dir, name)
        assert sorted(docs) == [f"{site.url}/f/{name}-1.pdf", f"{site.url}/f/{name}-2.pdf"]
        for n, key in enumerate(sorted(docs), start=1):
            status, error, versions, text = docs[key]
            assert (status, error, versions) == ("ok", None, 1)
            assert text == f"{name} report {n}: services require improvement."
        assert len(events(data_dir, name, "new_document")) == 2
        assert events(data_dir, name, "source_error") == []


@pytest.mark.parametrize("behaviour", BEHAVIOURS)
def test_hostile_listing_is_that_sources_error_only(behaviour, healthy, tmp_path):
    a, b = healthy
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with HostileServer("127.0.0.3") as bad:
        result, seconds = run_pass(tmp_path, config_for(a, b, f"{bad.url}/{behaviour}/reports", "127.0.0.3"))
        hits = list(bad.hits)
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    data = tmp_path / "data"
    assert seconds < BOUND, f"{behaviour}: the pass took {seconds:.1f}s"
    assert grown_mb < 100, f"{behaviour}: the pass grew this process by {grown_mb:.0f} MB"
    hostile = by_name(result)["hostile"]
    print(f"{behaviour}: {seconds:.1f}s, {hostile.error}")
    assert hostile.status == "failing", hostile
    assert EXPECTED[behaviour] in hostile.error, hostile.error
    assert (hostile.listed, hostile.new) == (0, 0)
    assert any(h.startswith(f"/{behaviour}/") for h in hits)
    assert_healthy_unaffected(data, result, a, b)
    errors = events(data, "hostile", "source_error")
    assert len(errors) == 1 and EXPECTED[behaviour] in errors[0][0] and errors[0][1] == "info"
    assert documents(data, "hostile") == {}
    assert check_store(data) == []


def test_hostile_documents_in_a_good_listing_are_recorded_one_by_one(healthy, tmp_path):
    a, b = healthy
    with HostileServer("127.0.0.3") as bad, PublisherServer("127.0.0.3") as listing:
        good = make_pdf(["A good report among bad servers."])
        listing.add("/f/good.pdf", good, content_type="application/pdf")
        items = [f'<li><a href="{bad.url}/{b_}/doc.pdf">{b_}</a></li>' for b_ in BEHAVIOURS]
        items.append('<li><a href="/f/good.pdf">good</a></li>')
        listing.add("/reports", "<html><body><ul>" + "".join(items) + "</ul></body></html>")
        result, seconds = run_pass(tmp_path, config_for(a, b, f"{listing.url}/reports", "127.0.0.3"))
    data = tmp_path / "data"
    # each hostile document costs at most (timeout or deadline) x attempts
    assert seconds < 60, f"the pass took {seconds:.1f}s"
    hostile = by_name(result)["hostile"]
    assert (hostile.status, hostile.listed, hostile.new, hostile.document_errors) == ("ok", 10, 10, 9), hostile
    docs = documents(data, "hostile")
    for behaviour in BEHAVIOURS:
        status, error, versions, _ = docs[f"{bad.url}/{behaviour}/doc.pdf"]
        assert (status, versions) == ("error", 0), behaviour
        assert error.startswith("download failed:") and EXPECTED[behaviour] in error, (behaviour, error)
    assert docs[f"{listing.url}/f/good.pdf"] == ("ok", None, 1, "A good report among bad servers.")
    assert len(events(data, "hostile", "new_document")) == 10
    assert_healthy_unaffected(data, result, a, b)
    assert check_store(data) == []
