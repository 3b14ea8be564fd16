"""Peer context: the national or regional picture a council's finding sits in.

A peer-context source (`ofsted_peers`) returns a JSON-able picture (how many councils hold
each grade, the council's region). It is recorded as an info `peer_context` event only when
it differs from the last one, so the store keeps the history of the picture; a rating
change of the overall grade then carries the newest picture's sentence (monitor/detect/version_events.py).
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from monitor.errors import ListingBrokenError
from monitor.events import record_event
from monitor.sources import profile_of
from monitor.store.db import Store
from monitor.store.models import EventRow, SourceRow

if TYPE_CHECKING:
    from monitor.config import SourceConfig
    from monitor.pipeline.pass_result import SourceOutcome
    from monitor.sources.base import Source

EVENT_TYPE = "peer_context"


def signature(picture: dict[str, Any]) -> str:
    """Stable for the same picture."""
    return hashlib.sha256(json.dumps(picture, sort_keys=True, default=str).encode()).hexdigest()[:16]


def record_peer_context(store: Store, src: SourceConfig, source_id: int, adapter: Source, outcome: SourceOutcome) -> None:
    """Read the adapter's picture; record it when it changed since the last one."""
    picture = adapter.peer_context()
    if not isinstance(picture, dict) or not picture:
        raise ListingBrokenError(f"{src.name}: the peer context came back empty")
    context_for = getattr(src.settings, "context_for", None)
    details = {**picture, "context_for": context_for}
    details["signature"] = signature(details)
    outcome.listed = int(picture.get("councils") or 0)
    with store.session() as session:
        source = session.get(SourceRow, source_id)
        assert source is not None
        last = session.scalar(
            select(EventRow).where(EventRow.source_id == source_id, EventRow.type == EVENT_TYPE).order_by(EventRow.id.desc()).limit(1)
        )
        if last is not None and (last.details or {}).get("signature") == details["signature"]:
            return
        outcome.new = 1
        # the summary is the sentence an alert would carry, as the publisher's profile writes it
        sentence = profile_of(str(picture.get("publisher") or "")).call("peer_sentence", details)
        record_event(session, source, EVENT_TYPE, "info", f"{src.name}: {sentence or picture.get('release') or 'peer context'}", details)
