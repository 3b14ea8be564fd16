"""Evidence: every answer a source's adapter was given, kept so a mismatch can be shown.

An adapter's HTTP client is wrapped in a `RecordingHttp` for the pass. When the listing turns
out broken, or a cross-check disagrees, the pipeline writes what was recorded as a bundle
under data/evidence/<source>/<UTC time>/. `monitor capture` writes the same bundle on
purpose, with some documents too, for a bug report or a fixture.

A bundle is a folder:

    manifest.json   what was fetched: URL, status, headers, file, sha256, size, time
    PROVENANCE.md   the same for a person: where each file came from and when
    answers/NNN.ext the bodies, byte for byte as the publisher sent them
    documents/...   (capture only) document bodies

Secrets never enter a bundle: request headers are not recorded, response headers that set
cookies are dropped, and query parameters that look like keys or tokens are masked.
"""

from __future__ import annotations

import hashlib
import json
import mimetypes
import re
import threading
from collections import deque
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote_plus, urlsplit, urlunsplit

if TYPE_CHECKING:
    from monitor.http.client import HttpClient, Response
    from monitor.sources.base import DocumentRef

#: answers kept per source and pass; a broken listing is diagnosed from its last pages
MAX_EXCHANGES = 40
#: larger bodies are kept cut to this size (their sha256 is of the whole body)
MAX_BODY_BYTES = 8 * 1024 * 1024
#: bundles kept per source under data/evidence/ (the oldest are removed)
KEEP_BUNDLES = 20

#: query parameters and setting names whose values are secrets ("subscription-key", "api_key",
#: "authtoken", "sessionid"), not those that merely contain the letters ("keyword", "keys")
_SECRET_PARAM = re.compile(
    r"(^|[-_])(api[-_]?|subscription[-_]?|access[-_]?|auth[-_]?|session[-_]?|client[-_]?)?"
    r"(key|token|secret|password|passwd|pwd|signature|sig|auth)$|^(authtoken|sessionid|apikey|access_token|jsessionid|phpsessid)$",
    re.I,
)
_URL = re.compile(r"https?://[^\s\"'<>|)]+")
_DROPPED_HEADERS = {"set-cookie", "cookie", "authorization", "proxy-authorization", "www-authenticate"}
_EXTENSIONS = {
    "text/html": ".html",
    "application/xhtml+xml": ".html",
    "application/json": ".json",
    "text/xml": ".xml",
    "application/xml": ".xml",
    "application/atom+xml": ".xml",
    "application/rss+xml": ".xml",
    "application/pdf": ".pdf",
    "text/csv": ".csv",
    "text/plain": ".txt",
    "application/vnd.oasis.opendocument.spreadsheet": ".ods",
}


def ref_json(ref: DocumentRef) -> dict[str, Any]:
    """A DocumentRef as the bundle's manifest records it."""
    return {
        "key": ref.key,
        "url": ref.url,
        "title": ref.title,
        "published": ref.published.isoformat() if ref.published else None,
        "kind": ref.kind,
        "meta": jsonable(ref.meta),
        "fingerprint": ref.fingerprint,
    }


def jsonable(value: Any) -> Any:
    """Meta made JSON-safe (dates as ISO strings, tuples and sets as lists)."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [jsonable(v) for v in value]
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def redact_url(url: str) -> str:
    """The URL with credentials (user:password@) removed and the values of key-, token- or
    password-like query parameters masked; the rest is kept byte for byte (a replay must ask
    for exactly the same URL)."""
    parts = urlsplit(url)
    if "@" in parts.netloc:
        parts = parts._replace(netloc="REDACTED@" + parts.netloc.rsplit("@", 1)[1])
    if not parts.query:
        return urlunsplit(parts)
    pairs = []
    for pair in parts.query.split("&"):
        name, sep, _value = pair.partition("=")
        pairs.append(f"{name}=REDACTED" if sep and _SECRET_PARAM.search(unquote_plus(name)) else pair)
    return urlunsplit(parts._replace(query="&".join(pairs)))


def redact_text(text: str) -> str:
    """Every URL inside a text (an error message, a header value) redacted as redact_url does."""
    return _URL.sub(lambda m: redact_url(m.group()), text)


@dataclass
class Exchange:
    """One answer as the adapter was given it."""

    url: str
    status: int
    headers: dict[str, str]
    body: bytes
    fetched_at: str
    sha256: str
    size: int
    truncated: bool = False
    from_cache: bool = False
    #: a file streamed to disk (a data file): named with its size and sha256, body not kept
    streamed: bool = False


@dataclass
class Bundle:
    """What a bundle folder holds (as read back by `read_bundle`)."""

    path: Path
    manifest: dict[str, Any]
    answers: list[dict[str, Any]] = field(default_factory=list)

    def body(self, url: str) -> bytes:
        """The stored body of the first answer for `url` (KeyError if none)."""
        for answer in self.answers:
            if answer["url"] == url:
                return (self.path / answer["file"]).read_bytes()
        raise KeyError(url)


def _safe_headers(headers: Any) -> dict[str, str]:
    """Response headers without cookies or credentials, URLs in them redacted."""
    return {k: redact_text(str(v)) for k, v in headers.items() if k.lower() not in _DROPPED_HEADERS}


def exchange_from(response: Response) -> Exchange:
    """An Exchange from a finished in-memory response."""
    body = response.content
    headers = _safe_headers(response.headers)
    return Exchange(
        url=redact_url(response.url),
        status=response.status,
        headers=headers,
        body=body[:MAX_BODY_BYTES],
        fetched_at=_now(),
        sha256=hashlib.sha256(body).hexdigest(),
        size=len(body),
        truncated=len(body) > MAX_BODY_BYTES,
        from_cache=response.from_cache,
    )


class RecordingHttp:
    """An HttpClient as one adapter sees it: every in-memory answer is also recorded.

    Downloads streamed to a file (`to_dir`) are not kept (documents are stored by the
    pipeline itself); everything else the adapter read is.
    """

    def __init__(self, http: HttpClient, limit: int = MAX_EXCHANGES):
        #: the client itself, for requests that are not the adapter's answers
        self.client = http
        self._http = http
        self._lock = threading.Lock()
        self.exchanges: deque[Exchange] = deque(maxlen=limit)

    def get(self, url: str, **kwargs: Any) -> Response:
        """HttpClient.get, recording the answer (an error answer's head too)."""
        from monitor.errors import FetchError

        try:
            response = self._http.get(url, **kwargs)
        except FetchError as exc:
            if exc.answer_body is not None and exc.status is not None:
                body = exc.answer_body
                headers = _safe_headers(exc.answer_headers)
                with self._lock:
                    self.exchanges.append(
                        Exchange(redact_url(exc.url), exc.status, headers, body, _now(), hashlib.sha256(body).hexdigest(), len(body))
                    )
            raise
        if kwargs.get("to_dir") is None and response.path is None:
            with self._lock:
                self.exchanges.append(exchange_from(response))
        elif response.path is not None:
            # a streamed file (a data file read by a cross-check) is named, not kept: its URL,
            # size and sha256 identify exactly which release the facts came from
            with self._lock:
                self.exchanges.append(
                    Exchange(
                        redact_url(response.url),
                        response.status,
                        _safe_headers(response.headers),
                        b"",
                        _now(),
                        response.sha256,
                        response.size,
                        streamed=True,
                    )
                )
        return response

    def __getattr__(self, name: str) -> Any:
        return getattr(self._http, name)


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _extension(content_type: str, url: str) -> str:
    base = content_type.split(";")[0].strip().lower()
    if base in _EXTENSIONS:
        return _EXTENSIONS[base]
    suffix = Path(urlsplit(url).path).suffix.lower()
    if re.fullmatch(r"\.[a-z0-9]{1,5}", suffix):
        return suffix
    return mimetypes.guess_extension(base) or ".bin"


def write_bundle(
    folder: Path,
    *,
    source: str,
    kind: str,
    reason: str,
    exchanges: list[Exchange],
    settings: dict[str, Any] | None = None,
    documents: list[dict[str, Any]] | None = None,
    user_agent: str | None = None,
    listing: dict[str, Any] | None = None,
) -> Path:
    """Write a bundle folder (created; must not hold an earlier bundle) and return it.

    `documents` rows are written as given into the manifest; a row with `body` (bytes) has
    it saved under documents/ and replaced by `file`, `sha256` and `size`. `listing` records
    what the adapter read from the answers ({"refs": [...], "facts": [...], "error": ...}).
    """
    folder.mkdir(parents=True, exist_ok=True)
    if (folder / "manifest.json").exists():
        raise FileExistsError(f"{folder}: already holds a bundle")
    answers_dir = folder / "answers"
    answers_dir.mkdir(exist_ok=True)
    answers = []
    for number, exchange in enumerate(exchanges, start=1):
        name = f"answers/{number:03d}{_extension(exchange.headers.get('Content-Type', ''), exchange.url)}"
        (folder / name).write_bytes(exchange.body)
        row = asdict(exchange)
        del row["body"]
        # again here: a bundle is what leaves the machine, whoever made the exchange
        row.update(file=name, url=redact_url(exchange.url), headers=_safe_headers(exchange.headers))
        answers.append(row)
    doc_rows = []
    for number, doc in enumerate(documents or [], start=1):
        row = dict(doc)
        body = row.pop("body", None)
        if body is not None:
            (folder / "documents").mkdir(exist_ok=True)
            name = f"documents/{number:03d}{_extension(row.get('content_type', ''), row.get('url', ''))}"
            (folder / name).write_bytes(body)
            row.update(file=name, sha256=hashlib.sha256(body).hexdigest(), size=len(body))
        doc_rows.append(_without_secrets(row, by_name=False))
    manifest = {
        "format": "report-monitor evidence bundle 1",
        "source": source,
        "kind": kind,
        "created_at": _now(),
        "reason": redact_text(reason),
        "user_agent": user_agent,
        "settings": _without_secrets(settings or {}),
        "answers": answers,
        "documents": doc_rows,
        "listing": _without_secrets(listing or {}, by_name=False),
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False, default=str) + "\n")
    (folder / "PROVENANCE.md").write_text(_provenance(manifest))
    return folder


def _without_secrets(value: Any, *, by_name: bool = True) -> Any:
    """Key-like URL parameters redacted; with `by_name` (settings), secret-named values too."""
    if isinstance(value, dict):
        return {
            k: "REDACTED" if by_name and _SECRET_PARAM.search(str(k)) else _without_secrets(v, by_name=by_name)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_without_secrets(v, by_name=by_name) for v in value]
    if isinstance(value, str):
        return redact_text(value)
    return value


def _provenance(manifest: dict[str, Any]) -> str:
    lines = [
        f"# Evidence bundle: {manifest['source']} ({manifest['kind']})",
        "",
        f"Written by report-monitor at {manifest['created_at']} (UTC).",
        f"Why: {manifest['reason']}",
        "",
        f"Every file under answers/ is a publisher's answer byte for byte (cut at {MAX_BODY_BYTES // 1024 // 1024} MB),",
        "fetched with the User-Agent below. Request headers were not kept; cookies were dropped; key-like",
        "query parameters are shown as REDACTED.",
        "",
        f"User-Agent: {manifest.get('user_agent') or 'not recorded'}",
        "",
        "| file | URL | status | fetched (UTC) | bytes | sha256 |",
        "|---|---|---|---|---|---|",
    ]
    for a in manifest["answers"]:
        note = " (streamed; not kept)" if a.get("streamed") else " (cut)" if a.get("truncated") else ""
        lines.append(f"| {a['file']} | {a['url']} | {a['status']} | {a['fetched_at']} | {a['size']}{note} | {a['sha256'][:16]} |")
    if manifest["documents"]:
        lines += ["", "## Documents", "", "| file | key | URL | title |", "|---|---|---|---|"]
        for d in manifest["documents"]:
            lines.append(f"| {d.get('file', '')} | {d.get('key', '')} | {d.get('url', '')} | {d.get('title', '')} |")
    return "\n".join(lines) + "\n"


def read_bundle(folder: Path) -> Bundle:
    """A bundle folder read back; ValueError naming the file when it is not one."""
    manifest_path = folder / "manifest.json"
    try:
        manifest = json.loads(manifest_path.read_text())
    except (OSError, ValueError) as exc:
        raise ValueError(f"{manifest_path}: not an evidence bundle ({exc})") from None
    if not str(manifest.get("format", "")).startswith("report-monitor evidence bundle"):
        raise ValueError(f"{manifest_path}: not an evidence bundle (format {manifest.get('format')!r})")
    return Bundle(folder, manifest, list(manifest.get("answers", [])))


def save_evidence(
    data_dir: Path, source: str, kind: str, reason: str, exchanges: list[Exchange], user_agent: str | None = None
) -> Path | None:
    """Write a bundle under data/evidence/<source>/ and prune the oldest; None if it could not
    be written (the alert is still raised: evidence is help, not a condition)."""
    root = data_dir / "evidence" / source
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    try:
        folder = write_bundle(root / stamp, source=source, kind=kind, reason=reason, exchanges=exchanges, user_agent=user_agent)
        bundles = sorted(p for p in root.iterdir() if p.is_dir())
        for old in bundles[:-KEEP_BUNDLES]:
            _remove_tree(old)
    except OSError:
        return None
    return folder


def _remove_tree(folder: Path) -> None:
    for path in sorted(folder.rglob("*"), reverse=True):
        path.rmdir() if path.is_dir() else path.unlink()
    folder.rmdir()
