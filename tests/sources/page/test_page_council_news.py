"""Harrow Council's news list as a `page` source: one document per entry, with its own date.

The page is served by the real local server in the structure a third-party scraper reads
on www.harrow.gov.uk/news (tests/sources/page/fixtures/news_page1.html says where it comes from).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

from monitor.errors import ListingBrokenError
from monitor.sources import source_class
from monitor.sources.base import SourceContext
from monitor.sources.page.source import PageSource

FIXTURES = Path(__file__).parent / "fixtures"
REPO_CONFIG = Path(__file__).resolve().parents[3] / "sources.yaml"


def harrow_news_settings() -> dict:
    """The repository's sources.yaml entry for the council's news, minus the pipeline's keys."""
    entries = yaml.safe_load(REPO_CONFIG.read_text(encoding="utf-8"))["sources"]
    entry = next(e for e in entries if e["name"] == "harrow-council-news")
    assert entry["kind"] == "page"
    return {k: v for k, v in entry.items() if k not in ("name", "kind", "schedule", "severity", "council")}


def make_source(server, http, **keys) -> PageSource:
    settings = source_class("page").Settings(**keys)
    return PageSource(settings, SourceContext(name="harrow-council-news", base_url=server.url, http=http))


def serve_news(server, pages: dict[str, str]) -> None:
    def handler(request):
        page = parse_qs(urlsplit(request.path).query).get("page", ["1"])[0]
        name = pages.get(page)
        if name is None:
            return 404, {"Content-Type": "text/plain"}, b"not found"
        return 200, {"Content-Type": "text/html; charset=utf-8"}, (FIXTURES / name).read_bytes()

    server.add("/news", handler=handler)


EXPECTED = [
    ("/news/article/11481/harrow-speaks-up-about-violence-against-women-and-girls",
     "Harrow speaks up about violence against women and girls", date(2025, 11, 28)),
    ("/news/article/11398/harrow-s-ofsted-children-s-inspection-", "Harrow's Ofsted children's inspection",
     date(2025, 3, 4)),
    # the entry's link wraps only its picture, and its heading has no link: the heading is the title
    ("/news/article/11374/standing-up-against-violence-against-women-it-starts-with-men",
     "Standing up against violence against women – it starts with men", date(2024, 11, 25)),
    ("/news/article/11267/marking-white-ribbon-day-let-s-changethestory-for-women-and-girls",
     "Marking White Ribbon Day – let's #ChangetheStory", date(2023, 11, 24)),
]


def test_harrow_news_entry_lists_each_article_once_with_its_date(server, http):
    serve_news(server, {"1": "news_page1.html"})
    refs = list(make_source(server, http, **harrow_news_settings()).list_documents())

    assert len(refs) == len(EXPECTED)
    for ref, (path, title, published) in zip(refs, EXPECTED, strict=True):
        assert ref.key == f"{server.url}{path}"
        assert ref.url.split("?")[0] == f"{server.url}{path}"
        assert ref.title == title
        assert ref.published == published
        assert ref.kind == "document"
        assert ref.meta == {"listing": f"{server.url}/news"}
        assert ref.fingerprint is None
    # the tracking parameter is in the URL fetched but not in the key
    assert refs[2].url.endswith("?utm_source=list")
    # navigation, pagination and footer links are not documents
    assert len(server.hits_for("/news")) == 1


def test_next_pages_are_followed_when_asked(server, http):
    serve_news(server, {"1": "news_page1.html", "2": "news_page2.html"})
    refs = list(make_source(server, http, **harrow_news_settings(), next="a[rel='next']", max_pages=3).list_documents())
    assert [r.key.rsplit("/", 2)[-2] for r in refs] == ["11481", "11398", "11374", "11267", "11102"]
    assert refs[-1].published == date(2023, 5, 3)
    assert [h.query for h in server.hits_for("/news")] == ["", "page=2"]


def test_without_items_every_matching_link_is_a_document(server, http):
    serve_news(server, {"1": "news_page1.html"})
    refs = list(make_source(server, http, url="https://www.harrow.gov.uk/news", include=r"/news/article/\d+/").list_documents())
    # the same article linked twice (picture and heading) is one key, listed as the page links it
    assert len({r.key for r in refs}) == 4
    assert all(r.published is None for r in refs)


def test_a_news_page_whose_layout_changed_is_broken_not_quiet(server, http):
    server.add("/news", "<html><body><main><div class='news-grid'><a href='/news/article/11500/x'>New</a></div>"
                        "</main></body></html>")
    with pytest.raises(ListingBrokenError, match=r"expected at least 1 document link.*found 0"):
        list(make_source(server, http, **harrow_news_settings()).list_documents())


def test_check_config_says_what_is_unconfirmed(server, http):
    notes = make_source(server, http, **harrow_news_settings()).warnings()
    assert len(notes) == 1 and "third-party scraper" in notes[0]
    quiet = make_source(server, http, url="https://www.harrow.gov.uk/news").warnings()
    assert any("min_links is 0" in note for note in quiet)


def test_bad_selectors_are_configuration_errors():
    with pytest.raises(ValueError, match="bad CSS selector"):
        source_class("page").Settings(url="https://www.harrow.gov.uk/news", items="li[")
    with pytest.raises(ValueError):
        source_class("page").Settings(url="https://www.harrow.gov.uk/news", min_links=-1)
