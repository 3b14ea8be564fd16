"""`monitor capture SOURCE`: the publisher's real answers, saved as a fixture bundle.

Runs one source's listing live (politely, through the same client as a pass), downloads up
to N of the documents it lists, and writes everything as an evidence bundle (see
monitor/evidence.py) that a user can attach to a bug report and that the contract tests
read as it is. It writes nothing to the database: a capture never changes what the monitor
knows, and it works while a daemon runs.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from monitor.config import Config, SourceConfig
from monitor.errors import BlockedError, FetchError, ListingBrokenError
from monitor.evidence import RecordingHttp, jsonable, ref_json, write_bundle
from monitor.http.client import HttpClient
from monitor.sources.base import DocumentRef, Source


@dataclass
class CaptureResult:
    """What a capture wrote and what it saw."""

    folder: Path
    refs: list[DocumentRef] = field(default_factory=list)
    facts: int = 0
    documents: int = 0
    error: str | None = None


def default_folder(config: Config, name: str) -> Path:
    """data/captures/<source>-<UTC time>/"""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return config.data_dir / "captures" / f"{name}-{stamp}"


def capture(
    config: Config,
    src: SourceConfig,
    out: Path,
    *,
    documents: int = 3,
    http: HttpClient | None = None,
    today: date | None = None,
) -> CaptureResult:
    """Capture one source's listing and up to `documents` of its documents into `out`."""
    from monitor.pipeline.listing import build_source

    # no cache: a capture must show the publisher's full answers, not our 304s
    client = http or HttpClient(config.settings.http_settings(), None)
    recorder = RecordingHttp(client, limit=10_000)
    result = CaptureResult(out)
    facts: list[dict[str, Any]] = []
    adapter: Source | None = None
    try:
        adapter = build_source(src, recorder, today=today)  # type: ignore[arg-type]
        if adapter.cross_check:
            read = adapter.cross_check_facts()
            result.facts = len(read)
            facts = [jsonable(vars(f)) for f in read]
        else:
            for ref in adapter.list_documents():
                result.refs.append(ref)
    except BlockedError as exc:
        result.error = f"blocked: {exc}"
    except ListingBrokenError as exc:
        result.error = f"broken: {exc}"
    except FetchError as exc:
        result.error = f"failed: {exc}"
    docs = _download(adapter, recorder, result.refs[: max(0, documents)]) if adapter else []
    result.documents = sum(1 for d in docs if "body" in d)
    reason = f"monitor capture {src.name}" + (f" ({result.error})" if result.error else "")
    write_bundle(
        out,
        source=src.name,
        kind=src.kind,
        reason=reason,
        exchanges=list(recorder.exchanges),
        settings=jsonable(src.settings.model_dump()),
        documents=docs,
        user_agent=config.settings.user_agent,
        listing={"refs": [ref_json(r) for r in result.refs], "facts": facts, "error": result.error},
    )
    return result


def _download(adapter: Source, http: RecordingHttp, refs: list[DocumentRef]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    tmp = Path(tempfile.mkdtemp(prefix="monitor-capture-"))
    try:
        for ref in refs:
            row: dict[str, Any] = ref_json(ref)
            try:
                # documents go into the bundle's documents/, not among the listing's answers
                response = http.client.get(
                    ref.url,
                    headers=adapter.request_headers(ref.url),
                    allowed_hosts=adapter.allowed_hosts(),
                    conditional=False,
                    cache_body=False,
                    to_dir=tmp,
                )
                body = response.path.read_bytes() if response.path else response.content
                row.update(status=response.status, content_type=response.content_type, body=body)
                if response.path:
                    response.path.unlink(missing_ok=True)
            except FetchError as exc:
                row["error"] = str(exc)
            rows.append(row)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return rows
