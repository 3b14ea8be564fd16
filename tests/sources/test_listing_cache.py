"""The listing cache's own rules: exact round trips or nothing kept, one file per page, old
files removed, whole files only while sources write side by side."""

from __future__ import annotations

import functools
import json
import os
import threading
import time
from dataclasses import dataclass
from datetime import date, datetime

import pytest

from monitor.errors import ListingBrokenError
from monitor.sources.base import DocumentRef
from monitor.sources.listing_cache import KEEP_DAYS, STALE_TEMP_SECONDS, ListingCache
from monitor.sources.moderngov.model import Doc, Meeting
from monitor.sources.parse_codec import Unencodable, decode, encode


def round_trip(value):
    return decode(json.loads(json.dumps(encode(value))))


def test_a_parse_comes_back_as_the_same_types_and_values():
    value = (
        "title",
        [
            DocumentRef("k", "https://x/a.pdf", "A", date(2025, 3, 4), "report", {"listing": "u", "n": [1, 2.5, None, True]}),
            Meeting(249, "Cabinet", 66120, date(2026, 2, 19), None),
            Doc("s1", "https://x/s1", "Item", "report", None, {"number": "5"}, [{"number": "6"}]),
        ],
        {"$": "a key that looks like a tag", "when": datetime(2025, 1, 2, 3, 4, 5), "pair": (1, "two")},
        3,
    )
    back = round_trip(value)
    assert back == value
    assert type(back) is tuple and type(back[1][1]) is Meeting and type(back[2]["pair"]) is tuple
    assert type(back[2]["when"]) is datetime and type(back[1][0].published) is date


class Text(str):
    pass


@dataclass
class Foreign:  # a dataclass outside the monitor's package
    x: int


@pytest.mark.parametrize("value", [{1, 2}, Text("a str subclass"), {1: "non-text key"}, [Foreign(1)], object()])
def test_what_cannot_come_back_exactly_is_refused(value):
    with pytest.raises(Unencodable):
        encode(value)


def parse_words(body: str, suffix: str = "") -> list[str]:
    """A stand-in listing parse: a pure function of the body."""
    if "broken" in body:
        raise ListingBrokenError("the page's layout has changed")
    return [w + suffix for w in body.split()]


def parsed(cache: ListingCache, body: str, *, identity: str = "page\n{}", slot: str | None = None, **kwargs) -> list[str]:
    return cache.parsed(
        source="council-news",
        identity=identity,
        url="https://example.gov.uk/news",
        slot=slot,
        content_type="text/html",
        sha256=str(hash(body)),
        parse=parse_words,
        read_body=lambda: body,
        kwargs=kwargs,
    )


def test_one_file_per_page_replaced_when_anything_changes(tmp_path):
    cache = ListingCache(tmp_path)
    assert parsed(cache, "a b") == ["a", "b"]
    assert parsed(cache, "a b") == ["a", "b"]
    assert (cache.hits, cache.misses) == (1, 1)
    for body, identity, suffix in [("a b c", "page\n{}", ""), ("a b c", "page\n{x}", ""), ("a b c", "page\n{x}", "!")]:
        assert parsed(cache, body, identity=identity, suffix=suffix) == [w + suffix for w in body.split()]
        assert len(list(tmp_path.iterdir())) == 1
    assert (cache.hits, cache.misses) == (1, 4)
    # a second page of the same source has a file of its own
    parsed(cache, "x", slot="page 2")
    assert len(list(tmp_path.iterdir())) == 2


def test_a_parse_that_raises_is_not_kept(tmp_path):
    cache = ListingCache(tmp_path)
    for _ in range(2):
        with pytest.raises(ListingBrokenError):
            parsed(cache, "broken page")
    assert (cache.hits, cache.misses) == (0, 2)
    assert list(tmp_path.iterdir()) == []


def test_arguments_must_be_plain_values(tmp_path):
    with pytest.raises(TypeError, match="plain values"):
        parsed(ListingCache(tmp_path), "a", suffix=["not", "plain"])


@pytest.mark.parametrize("parse", [functools.partial(parse_words, suffix="!"), lambda body: body.split()])
def test_a_parse_must_be_named_by_its_module(tmp_path, parse):
    """A partial or a lambda carries inputs its name does not tell: two of them must never
    share a kept parse."""
    with pytest.raises(TypeError, match="named in its module"):
        ListingCache(tmp_path).parsed(
            source="s", identity="i", url="u", content_type="", sha256="x", parse=parse, read_body=lambda: "a b"
        )


def test_a_folder_that_cannot_be_written_only_costs_a_parse(tmp_path):
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the folder should be")
    cache = ListingCache(blocker / "listings")
    assert parsed(cache, "a b") == ["a", "b"]
    assert parsed(cache, "a b") == ["a", "b"]
    assert (cache.hits, cache.misses) == (0, 2)


def test_prune_removes_old_files_and_temporaries_left_by_a_dead_process(tmp_path):
    cache = ListingCache(tmp_path)
    parsed(cache, "kept")
    parsed(cache, "old", slot="a page no longer read")
    (tmp_path / ".tmp-fresh").write_text("being written")
    (tmp_path / ".tmp-dead").write_text("{")
    now = time.time()
    old = next(p for p in tmp_path.glob("*.json") if "old" in p.read_text())
    os.utime(old, (now - (KEEP_DAYS + 1) * 86400,) * 2)
    os.utime(tmp_path / ".tmp-dead", (now - STALE_TEMP_SECONDS - 60,) * 2)

    assert cache.prune(now=now) == 2
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".tmp")) == [".tmp-fresh"]
    assert [json.loads(p.read_text())["value"] for p in tmp_path.glob("*.json")] == [["kept"]]
    assert ListingCache(tmp_path / "never made").prune() == 0


def test_sources_side_by_side_never_see_half_a_file(tmp_path):
    """Writers replace one page's file over and over while readers read it: every read is a
    whole file, and every parse returned is the parse of its own body."""
    cache = ListingCache(tmp_path)
    bodies = [" ".join(f"w{i}-{n}" for n in range(2000)) for i in range(4)]
    errors: list[BaseException] = []
    stop = threading.Event()

    def writer(body: str) -> None:
        try:
            for _ in range(30):
                assert parsed(cache, body) == body.split()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    def reader() -> None:
        while not stop.is_set():
            for path in tmp_path.glob("*.json"):
                try:
                    json.loads(path.read_bytes())
                except FileNotFoundError:
                    continue
                except ValueError as exc:
                    errors.append(exc)

    threads = [threading.Thread(target=writer, args=(b,)) for b in bodies]
    watcher = threading.Thread(target=reader)
    watcher.start()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stop.set()
    watcher.join()
    assert errors == []
    assert len(list(tmp_path.glob("*.json"))) == 1
    assert not list(tmp_path.glob(".tmp-*"))


WRITER = """
import hashlib, sys
from pathlib import Path
from monitor.sources.listing_cache import ListingCache

def words(body):
    return body.split()


folder, word = Path(sys.argv[1]), sys.argv[2]
body = " ".join(f"{word}{n}" for n in range(3000))
for _ in range(40):
    cache = ListingCache(folder)
    got = cache.parsed(source="s", identity="page", url="https://example.gov.uk/", content_type="text/html",
                       sha256=hashlib.sha256(body.encode()).hexdigest(), parse=words, read_body=lambda: body)
    assert got == body.split(), "a parse came back for another body"
"""


def test_two_processes_writing_one_page_never_mix_their_parses(tmp_path):
    import subprocess
    import sys

    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    procs = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path), word], env=env, stderr=subprocess.PIPE)
        for word in ("x", "y")
    ]
    results = [(p.wait(timeout=60), p.stderr.read().decode()) for p in procs]
    assert results == [(0, ""), (0, "")]
    (kept,) = tmp_path.glob("*.json")
    assert json.loads(kept.read_text())["value"][0] in ("x0", "y0")
    assert not list(tmp_path.glob(".tmp-*"))


def test_a_pass_looks_through_the_folder_at_most_once_an_hour(tmp_path):
    """The daemon starts a pass for each source's job: the folder is looked through once an
    hour per process, not once per job."""
    cache = ListingCache(tmp_path / "hourly")
    parsed(cache, "old")
    (old,) = cache.folder.glob("*.json")
    os.utime(old, (time.time() - (KEEP_DAYS + 1) * 86400,) * 2)
    assert cache.prune_now_and_then() == 1
    parsed(cache, "old again")
    (again,) = cache.folder.glob("*.json")
    os.utime(again, (time.time() - (KEEP_DAYS + 1) * 86400,) * 2)
    assert ListingCache(cache.folder).prune_now_and_then() == 0
    assert again.exists()
