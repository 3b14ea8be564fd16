"""The tables. Versions are append-only; the delivery table is the outbox that makes
"each alert once" hold across crashes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class SourceRow(Base):
    __tablename__ = "source"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    #: new, ok, failing, blocked, broken
    health: Mapped[str] = mapped_column(String(20), default="new")
    last_run_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_ok_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    last_hint: Mapped[str | None] = mapped_column(Text)
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    last_item_count: Mapped[int | None] = mapped_column(Integer)
    last_duration: Mapped[float | None] = mapped_column(Float)
    #: set once an alert for the current failure streak has been raised, so it is raised once
    failure_alerted: Mapped[int] = mapped_column(Integer, default=0)
    documents: Mapped[list[DocumentRow]] = relationship(back_populates="source")


class DocumentRow(Base):
    __tablename__ = "document"
    __table_args__ = (UniqueConstraint("source_id", "key", name="uq_document_source_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("source.id"), index=True)
    key: Mapped[str] = mapped_column(Text)
    url: Mapped[str] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(60), default="document")
    published: Mapped[date | None] = mapped_column(Date)
    meta: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    fingerprint: Mapped[str | None] = mapped_column(Text)
    first_seen: Mapped[datetime] = mapped_column(DateTime)
    last_seen: Mapped[datetime] = mapped_column(DateTime)
    last_checked: Mapped[datetime | None] = mapped_column(DateTime)
    last_changed: Mapped[datetime | None] = mapped_column(DateTime)
    gone_since: Mapped[datetime | None] = mapped_column(DateTime)
    #: ok, removed, error
    status: Mapped[str] = mapped_column(String(20), default="ok")
    error: Mapped[str | None] = mapped_column(Text)
    source: Mapped[SourceRow] = relationship(back_populates="documents")
    versions: Mapped[list[VersionRow]] = relationship(back_populates="document", order_by="VersionRow.number")


class VersionRow(Base):
    __tablename__ = "version"
    __table_args__ = (UniqueConstraint("document_id", "number", name="uq_version_document_number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    fetched_at: Mapped[datetime] = mapped_column(DateTime)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    blob_path: Mapped[str] = mapped_column(Text)
    content_type: Mapped[str] = mapped_column(String(120), default="")
    size: Mapped[int] = mapped_column(Integer)
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(Text)
    # stored before the columns below it: on SQLite a read of those walks the text, unless it
    # is answered from ix_version_without_text (migration 0005), which holds all but the text
    text: Mapped[str] = mapped_column(Text, default="")
    text_sha256: Mapped[str] = mapped_column(String(64))
    pages: Mapped[int] = mapped_column(Integer, default=0)
    extract_error: Mapped[str | None] = mapped_column(Text)
    meta: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    document: Mapped[DocumentRow] = relationship(back_populates="versions")


delivery_event = Table(
    "delivery_event",
    Base.metadata,
    Column("delivery_id", ForeignKey("delivery.id"), primary_key=True),
    Column("event_id", ForeignKey("event.id"), primary_key=True),
)


class EventRow(Base):
    __tablename__ = "event"
    __table_args__ = (Index("ix_event_created_at", "created_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    type: Mapped[str] = mapped_column(String(40), index=True)
    severity: Mapped[str] = mapped_column(String(20))
    source_id: Mapped[int] = mapped_column(ForeignKey("source.id"), index=True)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("document.id"), index=True)
    version_id: Mapped[int | None] = mapped_column(ForeignKey("version.id"))
    title: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)
    summary: Mapped[str] = mapped_column(Text, default="")
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    source: Mapped[SourceRow] = relationship()
    document: Mapped[DocumentRow | None] = relationship()


class DeliveryRow(Base):
    __tablename__ = "delivery"
    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(20))
    recipient: Mapped[str] = mapped_column(Text, default="")
    subject: Mapped[str] = mapped_column(Text, default="")
    #: pending, sending, sent, failed
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    events: Mapped[list[EventRow]] = relationship(secondary=delivery_event, order_by="EventRow.id")


class HttpCacheRow(Base):
    """Validators (and, for listings, the body's blob) per URL, for conditional requests."""

    __tablename__ = "http_cache"
    url_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    url: Mapped[str] = mapped_column(Text)
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(Text)
    body_sha256: Mapped[str | None] = mapped_column(String(64))
    content_type: Mapped[str] = mapped_column(String(200), default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class RunRow(Base):
    """One source's outcome in one pass: the health history."""

    __tablename__ = "run"
    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("source.id"), index=True)
    started_at: Mapped[datetime] = mapped_column(DateTime)
    duration: Mapped[float] = mapped_column(Float, default=0.0)
    #: ok, failing, blocked, broken
    outcome: Mapped[str] = mapped_column(String(20))
    items: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)
