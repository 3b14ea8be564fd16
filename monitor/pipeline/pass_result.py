"""What a pass did: one `SourceOutcome` per source, gathered in a `PassResult`.

Kept apart from the pipeline that fills them so that the modules reading them (health, the
outbox) need not import the pipeline that calls them.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class SourceOutcome:
    """What one source's part of a pass did."""

    name: str
    kind: str
    status: str = "ok"  # ok, failing, blocked, broken, interrupted
    listed: int = 0
    new: int = 0
    changed: int = 0
    removed: int = 0
    unchanged: int = 0
    document_errors: int = 0
    #: downloads refused (401/403, challenge page): each is that document's error, and the
    #: rest of the listing is still fetched
    blocked_documents: int = 0
    error: str | None = None
    hint: str | None = None
    #: where the answers behind a broken or blocked listing were saved (data/evidence/...)
    evidence: str | None = None
    #: why part of an otherwise good listing could not be read (nothing was marked removed)
    incomplete: list[str] = field(default_factory=list)
    duration: float = 0.0
    baseline: bool = False

    @property
    def failed(self) -> bool:
        """Anything but a clean pass over the source."""
        return self.status != "ok"


@dataclass
class PassResult:
    """The outcome of a whole pass."""

    outcomes: list[SourceOutcome] = field(default_factory=list)
    deliveries_sent: int = 0
    delivery_errors: list[str] = field(default_factory=list)
    #: alerts sent to chat channels (settings.notify), and why others were not ("<channel>: <why>")
    channel_sent: int = 0
    channel_errors: list[str] = field(default_factory=list)

    @property
    def any_failed(self) -> bool:
        """At least one source did not pass cleanly."""
        return any(o.failed for o in self.outcomes)

    @property
    def all_failed(self) -> bool:
        """Every source of a non-empty pass failed."""
        return bool(self.outcomes) and all(o.failed for o in self.outcomes)
