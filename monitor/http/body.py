"""Reading an answer's body for the HTTP client: streamed under a size cap and a deadline,
refusals kept as evidence, and challenge pages recognised (monitor/http/client.py calls these)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from typing import Any

import requests
import urllib3

from monitor.errors import FetchError

# A challenge or block page is recognised by its <title> or by markers only such pages carry.
# Deliberately not "captcha" or "challenge-platform" anywhere in the page: ordinary pages
# carry reCAPTCHA forms (the Ombudsman's complaint form) and Cloudflare injects its
# /cdn-cgi/challenge-platform/ script into normal pages, so those would turn real listings
# into false "blocked" reports.
CHALLENGE_TITLES = (
    "just a moment",
    "attention required! | cloudflare",
    "access denied",
    "are you a robot",
    "verify you are human",
    "captcha",
    "pardon our interruption",
    "request rejected",
    "ddos-guard",
)
CHALLENGE_MARKERS = (
    "cf-chl-",
    "_cf_chl_opt",
    "request unsuccessful. incapsula incident id",
    'id="px-captcha"',
)
_TITLE = re.compile(r"<title[^>]*>(.*?)</title\s*>", re.I | re.S)
BODY_CHUNK = 65536
_HTML_TYPES = ("text/html", "application/xhtml+xml")


class Retryable(Exception):
    """A failure another attempt may cure (connection trouble, 429/5xx)."""

    def __init__(self, reason: str, response: requests.Response | None = None):
        super().__init__(reason)
        self.reason = reason
        self.response = response


class Buffer:
    """An in-memory sink with the file interface `stream_body` writes to."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def write(self, data: bytes) -> None:
        self._parts.append(data)

    def getvalue(self) -> bytes:
        return b"".join(self._parts)

    def __enter__(self) -> Buffer:
        return self

    def __exit__(self, *exc: object) -> None:
        return None


class BodyCopy:
    """Copies a decoded body into a sink, counting bytes (`size`) and hashing (`sha256`) as
    it goes, so the caller can record how far a failed download got."""

    def __init__(self, *, url: str, cap: int, deadline: float, deadline_seconds: float,
                 clock: Callable[[], float], should_stop: Callable[[], bool]):
        self.url = url
        self.cap = cap
        self.deadline = deadline
        self.deadline_seconds = deadline_seconds
        self.clock = clock
        self.should_stop = should_stop
        self.size = 0
        self._digest = hashlib.sha256()

    @property
    def sha256(self) -> str:
        """The hex digest of what was copied so far."""
        return self._digest.hexdigest()

    def copy(self, resp: requests.Response, sink: Any) -> None:
        """Copy the body; FetchError past the cap or the deadline or when told to stop,
        Retryable when the connection breaks mid-body."""
        url = self.url
        try:
            for chunk in iter_body(resp):
                self.size += len(chunk)
                if self.size > self.cap:
                    raise FetchError(url, f"too large: download passed the {self.cap}-byte limit and was aborted")
                if self.clock() > self.deadline:
                    raise FetchError(url, f"too slow: not complete after {self.deadline_seconds:.0f}s")
                if self.should_stop():
                    raise FetchError(url, "download abandoned (shutting down)")
                self._digest.update(chunk)
                try:
                    sink.write(chunk)
                except OSError as exc:
                    # our disk, not their server: no retry would help
                    raise FetchError(url, f"cannot store the download: {exc.strerror or exc}") from None
        except (requests.RequestException, urllib3.exceptions.HTTPError, OSError) as exc:
            raise Retryable(f"connection broke during the body: {type(exc).__name__}: {short(exc)}") from exc


def connection_reason(exc: requests.RequestException, connect_timeout: float, timeout: float) -> str:
    """Why a connection failed, in words a non-programmer can act on."""
    text = str(exc)
    if "NameResolutionError" in text or "Name or service not known" in text or "getaddrinfo" in text:
        return "cannot find the server's address (no network, or DNS is failing)"
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return f"timed out: no answer to the connection within {connect_timeout:g}s"
    if isinstance(exc, requests.exceptions.ReadTimeout):
        return f"timed out: the server accepted but did not answer within {timeout:g}s"
    if "Connection refused" in text:
        return "connection refused (the server is down or not listening)"
    if isinstance(exc, requests.exceptions.SSLError):
        return f"TLS/certificate problem: {short(exc)}"
    return f"{type(exc).__name__}: {short(exc)}"


def short(exc: BaseException) -> str:
    """An exception's text cut to 200 characters."""
    text = str(exc)
    return text if len(text) < 200 else text[:200] + "…"


def iter_body(resp: requests.Response) -> Iterable[bytes]:
    """The decoded body in pieces as they arrive.

    `read1` returns whatever one socket read brought (never waiting to fill a 64 KiB chunk,
    as `iter_content` does), so `download_deadline` is checked after every read and a server
    dribbling bytes is cut off within deadline + one read timeout. urllib3 caps each
    decompressed piece at the chunk size, so a gzip bomb is counted against
    `max_download_bytes` as it inflates instead of inflating whole in memory.
    """
    raw = resp.raw
    if not hasattr(raw, "read1"):  # urllib3 < 2: no read1, fall back to requests' chunking
        yield from resp.iter_content(BODY_CHUNK)
        return
    while True:
        chunk = raw.read1(BODY_CHUNK, decode_content=True)
        if not chunk:
            return
        yield chunk


def with_answer(exc: FetchError, resp: requests.Response) -> FetchError:
    """The error with the head of the refusal's body and its headers (at most 64 KiB), kept as
    evidence of what the publisher said."""
    try:
        exc.answer_body = resp.raw.read(BODY_CHUNK, decode_content=True) or b""
    except (requests.RequestException, urllib3.exceptions.HTTPError, OSError):
        exc.answer_body = b""
    exc.answer_headers = dict(resp.headers)
    return exc


def _media_type(content_type: str | None) -> str:
    return (content_type or "").split(";")[0].strip().lower()


def error_page_is_challenge(resp: requests.Response) -> bool:
    """Whether an error answer's (small, HTML) body is a challenge page; reads at most 64 KiB."""
    ctype = _media_type(resp.headers.get("Content-Type"))
    if ctype not in _HTML_TYPES:
        return False
    try:
        head = resp.raw.read(BODY_CHUNK, decode_content=True) or b""
    except (requests.RequestException, urllib3.exceptions.HTTPError, OSError):
        return False
    return looks_like_challenge(ctype, len(head), head)


def looks_like_challenge(content_type: str, size: int, head: bytes) -> bool:
    """Whether a small HTML answer (`head`: its first bytes) is a bot-challenge or block page."""
    if content_type not in _HTML_TYPES or size > 200_000:
        return False
    text = head[:20000].decode("utf-8", errors="replace").lower()
    title = _TITLE.search(text)
    if title and any(marker in " ".join(title.group(1).split()) for marker in CHALLENGE_TITLES):
        return True
    return any(marker in text for marker in CHALLENGE_MARKERS)
