"""robots.txt kept with its validators: a fresh copy answers without a request, a stale one
is asked for conditionally, and a pass over a store's cache asks for it once a day."""

from __future__ import annotations

import time

from publisher_server import PublisherServer

from monitor.http.client import CachedResponse, HttpClient, HttpSettings
from monitor.http.robots import ROBOTS_TTL, freshness_lifetime
from monitor.store import Store

SETTINGS = dict(per_host_delay=0.0, retry_backoff=0.01, timeout=5, connect_timeout=2, retries=1)


class MemoryCache:
    def __init__(self) -> None:
        self.entries: dict[str, CachedResponse] = {}

    def lookup(self, url: str) -> CachedResponse | None:
        return self.entries.get(url)

    def remember(self, url: str, entry: CachedResponse) -> None:
        self.entries[url] = entry


def client(cache) -> HttpClient:  # type: ignore[no-untyped-def]
    return HttpClient(HttpSettings(**SETTINGS), cache)  # type: ignore[arg-type]


def test_a_fresh_copy_answers_a_new_client_without_a_request(server):
    cache = MemoryCache()
    server.add("/robots.txt", "User-agent: *\nDisallow: /private\n", content_type="text/plain")
    server.add("/page", "x")
    client(cache).get(server.url + "/page")
    assert len(server.hits_for("/robots.txt")) == 1
    second = client(cache)  # the next pass: a new process, the same store
    assert second.get(server.url + "/page").text == "x"
    assert not second.allowed_by_robots(server.url + "/private/a")
    assert len(server.hits_for("/robots.txt")) == 1
    assert [r.url for r in second.records] == [server.url + "/page"]


def test_a_stale_copy_is_asked_for_conditionally(server):
    cache = MemoryCache()
    server.add("/robots.txt", "User-agent: *\nDisallow: /private\n", content_type="text/plain")
    server.add("/page", "x")
    client(cache).get(server.url + "/page")
    entry = cache.entries[server.url + "/robots.txt"]
    assert entry.etag and entry.max_age == ROBOTS_TTL
    entry.stored_at = time.time() - ROBOTS_TTL - 1
    second = client(cache)
    assert not second.allowed_by_robots(server.url + "/private/a")  # the kept body, after a 304
    hits = server.hits_for("/robots.txt")
    assert len(hits) == 2 and hits[1].status == 304 and hits[1].headers.get("If-None-Match") == entry.etag
    assert cache.entries[server.url + "/robots.txt"].stored_at > time.time() - 60


def test_max_age_shortens_the_lifetime_and_no_cache_means_ask_every_time(server):
    cache = MemoryCache()
    server.add("/robots.txt", "User-agent: *\nAllow: /\n", content_type="text/plain", headers={"Cache-Control": "no-cache"})
    server.add("/page", "x")
    client(cache).get(server.url + "/page")
    client(cache).get(server.url + "/page")
    assert len(server.hits_for("/robots.txt")) == 2
    assert freshness_lifetime({"Cache-Control": "public, max-age=600"}) == 600
    assert freshness_lifetime({"Cache-Control": "max-age=9999999"}) == ROBOTS_TTL
    assert freshness_lifetime({}) == ROBOTS_TTL


def test_a_refusal_is_never_kept(server):
    cache = MemoryCache()
    server.add("/robots.txt", "denied", status=403, content_type="text/plain")
    assert not client(cache).allowed_by_robots(server.url + "/page")
    assert server.url + "/robots.txt" not in cache.entries
    assert not client(cache).allowed_by_robots(server.url + "/page")
    assert len(server.hits_for("/robots.txt")) == 2


def test_no_robots_txt_is_kept_as_allow_all(server):
    cache = MemoryCache()
    server.robots_txt = None  # 404
    server.add("/page", "x")
    client(cache).get(server.url + "/page")
    client(cache).get(server.url + "/page")
    assert len(server.hits_for("/robots.txt")) == 1


def test_the_store_keeps_robots_txt_between_passes(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'store.db'}", tmp_path / "data")
    try:
        with PublisherServer() as site:
            site.add("/robots.txt", "User-agent: *\nDisallow: /private\n", content_type="text/plain",
                     headers={"Cache-Control": "max-age=3600"})
            site.add("/list", "<ul></ul>")
            for _ in range(3):
                http = client(store.http_cache())
                http.get(site.url + "/list")
                assert not http.allowed_by_robots(site.url + "/private/x")
            assert len(site.hits_for("/robots.txt")) == 1
            assert len(site.hits_for("/list")) == 3  # one conditional request per listing per pass
            entry = store.http_cache().lookup(site.url + "/robots.txt")
            assert entry is not None and entry.max_age == 3600 and entry.content_type == "text/plain"
            # an ordinary listing entry keeps its plain content type and no lifetime
            listing = store.http_cache().lookup(site.url + "/list")
            assert listing is not None and listing.max_age is None and listing.content_type.startswith("text/html")
    finally:
        store.close()
