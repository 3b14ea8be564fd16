"""Every kind whose listing pages are HTML or XML keeps their parses: against the real local
server and each kind's own fixtures, a second pass over the same pages gives the same
documents without parsing any page again (monitor/sources/listing_cache.py).

Each pass builds a new adapter and a new cache over the same folder, as `monitor run` from
cron does, so what is reused is what the first pass wrote to disk.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from monitor.sources import source_class
from monitor.sources.base import Source, SourceContext
from monitor.sources.listing_cache import ListingCache

HERE = Path(__file__).parent


def fixture(kind: str, name: str, base: str = "") -> bytes:
    text = (HERE / kind / "fixtures" / name).read_text(encoding="utf-8")
    return text.replace("{BASE}", base).replace("__BASE__", base).encode()


def by_query(server, kind: str, param: str, pattern: str, content_type: str, default: str = "1"):
    """A route answering with the fixture named after one query parameter's value."""

    def handler(request):
        value = (parse_qs(urlsplit(request.path).query).get(param) or [default])[0]
        path = HERE / kind / "fixtures" / pattern.format(value)
        if not path.is_file():
            return 404, {"Content-Type": "text/plain"}, b"not found"
        return 200, {"Content-Type": content_type}, fixture(kind, path.name, server.url)

    return handler


HTML = "text/html; charset=utf-8"


def page(server) -> dict:
    server.add("/news", fixture("page", "news_page1.html"))
    return {
        "url": "https://www.harrow.gov.uk/news",
        "items": ".list__item > article",
        "include": r"/news/article/\d+/",
        "date": ".meta--date",
        "next": "a[rel=next]",
    }


def feed(server) -> dict:
    server.add("/news.rss", fixture("feed", "council_news.rss"), content_type="application/rss+xml")
    return {"url": "https://www.example-council.gov.uk/news.rss"}


def ofsted(server) -> dict:
    search = {"0": "search_page1.html", "100": "search_page2.html"}

    def handler(request):
        start = parse_qs(urlsplit(request.path).query, keep_blank_values=True).get("start", ["0"])[0]
        body = fixture("ofsted", search[start]) if start in search else b"<html><body><p>No results</p></body></html>"
        return 200, {"Content-Type": HTML}, body

    server.add("/search", handler=handler)
    server.add("/provider/44/80499", fixture("ofsted", "provider_80499.html", server.url))
    return {"providers": [{"urn": 80499}], "search": True}


def lgsco(server) -> dict:
    server.add(
        "/Decisions/SearchResults",
        handler=by_query(server, "lgsco", "page", "search_harrow_page{}.html", HTML),
    )
    return {"authority": "London Borough of Harrow"}


def housing_ombudsman(server) -> dict:
    cards = "".join(
        f'<article class="decision"><h2><a href="/decisions/london-borough-of-harrow-{ref}/">'
        f"London Borough of Harrow ({ref})</a></h2><p class=\"date\">{when}</p></article>"
        for ref, when in (("202430466", "28 November 2025"), ("202305653", "20 December 2024"))
    )
    server.add("/decisions/", f"<html><body><main><h1>Decisions</h1><p>2 results</p>{cards}</main></body></html>")
    return {"landlords": ["London Borough of Harrow"]}


def cqc(server) -> dict:
    location = "1-4000000001"
    server.add(f"/location/{location}", fixture("cqc", "location_page.html"))
    server.add(f"/location/{location}/reports", fixture("cqc", "location_reports_page.html"))
    assessments = "/care-services/local-authority-assessment-reports"
    server.add(assessments, fixture("cqc", "assessment_index.html"))
    server.add(f"{assessments}/harrow-0824", fixture("cqc", "assessment_overview.html"))
    return {"locations": [location], "local_authority": "Harrow", "api_base_url": server.url + "/api"}


def moderngov(server) -> dict:
    xml = "text/xml; charset=utf-8"
    server.add("/mgWebService.asmx/GetMeetings", handler=by_query(server, "moderngov", "lCommitteeId", "GetMeetings_{}.xml", xml))
    server.add("/mgWebService.asmx/GetMeeting", handler=by_query(server, "moderngov", "lMeetingId", "GetMeeting_{}.xml", xml))
    server.add("/ieListDocuments.aspx", handler=by_query(server, "moderngov", "MId", "ieListDocuments_{}.html", HTML))
    return {"committees": [249]}


def moderngov_html(server) -> dict:
    server.add("/ieListMeetings.aspx", handler=by_query(server, "moderngov", "CId", "ieListMeetings_{}.html", HTML))
    server.add("/ieListDocuments.aspx", handler=by_query(server, "moderngov", "MId", "ieListDocuments_{}.html", HTML))
    return {"committees": [249], "use_webservice": False}


KINDS: dict[str, tuple[str, Callable]] = {
    "page": ("page", page),
    "feed": ("feed", feed),
    "ofsted": ("ofsted", ofsted),
    "lgsco": ("lgsco", lgsco),
    "housing_ombudsman": ("housing_ombudsman", housing_ombudsman),
    "cqc public pages and assessment": ("cqc", cqc),
    "moderngov web service": ("moderngov", moderngov),
    "moderngov html": ("moderngov", moderngov_html),
}


def one_pass(kind: str, settings: dict, server, http, folder: Path) -> tuple[list, ListingCache]:
    cache = ListingCache(folder)
    cls = source_class(kind)
    context = SourceContext(
        name=f"{kind}-test", base_url=server.url, http=http, extra={"today": date(2026, 2, 20)}, listing_cache=cache
    )
    adapter: Source = cls(cls.Settings(**settings), context)
    return list(adapter.list_documents()), cache


@pytest.mark.parametrize("case", list(KINDS))
def test_a_second_pass_reuses_every_page_parse(case, server, http, tmp_path, monkeypatch):
    monkeypatch.delenv("MONITOR_CQC_API_KEY", raising=False)
    kind, serve = KINDS[case]
    settings = serve(server)
    folder = tmp_path / "cache" / "listings"

    first, cold = one_pass(kind, settings, server, http, folder)
    second, warm = one_pass(kind, settings, server, http, folder)

    assert first, "the fixtures list documents"
    assert second == first
    assert (cold.hits, cold.misses > 0) == (0, True)
    # every page parsed in the first pass is reused, none parsed again
    assert (warm.hits, warm.misses) == (cold.misses, 0)
    assert len(list(folder.glob("*.json"))) == cold.misses
