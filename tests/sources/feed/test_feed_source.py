"""The feed kind against a real local server: RSS 2.0 and Atom entries, each field asserted."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from monitor.errors import ListingBrokenError
from monitor.sources.base import SourceContext
from monitor.sources.feed.source import FeedSource, parse_feed

FIXTURES = Path(__file__).parent / "fixtures"


def _source(server, http, path: str) -> FeedSource:
    settings = FeedSource.Settings(url=f"https://www.example-council.gov.uk{path}")
    return FeedSource(settings, SourceContext(name="council-news", base_url=server.url, http=http))


def test_rss_items_through_the_real_client(server, http):
    server.add("/news.rss", (FIXTURES / "council_news.rss").read_bytes(), content_type="application/rss+xml")
    refs = list(_source(server, http, "/news.rss").list_documents())
    assert [(r.key, r.url, r.title, r.published, r.kind) for r in refs] == [
        ("news-101", f"{server.url}/news/article/101/council-responds-to-ofsted",
         "Council responds to Ofsted inspection of children's services", date(2025, 3, 4), "entry"),
        ("https://www.example-council.gov.uk/news/article/102/improvement-plan",
         "https://www.example-council.gov.uk/news/article/102/improvement-plan",
         "Improvement plan published", date(2025, 3, 20), "entry"),
        ("https://www.example-council.gov.uk/documents/s5000", f"{server.url}/documents/s5000/cabinet-report.pdf",
         "Cabinet papers", date(2025, 4, 1), "entry"),
    ]


def test_atom_entries_take_the_alternate_link_and_the_published_date():
    refs = parse_feed((FIXTURES / "council_news.atom").read_bytes(), "https://www.example-council.gov.uk/news.atom")
    assert [(r.key, r.url, r.title, r.published) for r in refs] == [
        ("tag:example-council.gov.uk,2025:news-101", "https://www.example-council.gov.uk/news/article/101/council-responds-to-ofsted",
         "Council responds to Ofsted inspection", date(2025, 3, 4)),
        ("tag:example-council.gov.uk,2025:news-102", "https://www.example-council.gov.uk/news/article/102/improvement-plan",
         "Improvement plan published", date(2025, 3, 20)),
    ]


@pytest.mark.parametrize("body", [b"<html><body>Not a feed</body></html>", b"<rss><channel><item>"])
def test_an_answer_that_is_not_a_feed_is_broken(body):
    with pytest.raises(ListingBrokenError, match="example-council"):
        parse_feed(body, "https://www.example-council.gov.uk/news.rss")
