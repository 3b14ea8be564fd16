"""Opening the store: engine, pragmas, self-upgrading schema, and the HTTP cache."""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import bindparam, create_engine, event, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from monitor.http.types import CachedResponse
from monitor.store.blobs import BlobStore
from monitor.store.models import HttpCacheRow

MIGRATIONS = Path(__file__).parent / "migrations"


def utcnow() -> datetime:
    """Now in UTC, without tzinfo (stored naive, always UTC)."""
    return datetime.now(UTC).replace(tzinfo=None)


def make_engine(url: str) -> Engine:
    """An engine; SQLite gets WAL, foreign keys and a generous busy timeout."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection, _record):  # type: ignore[no-untyped-def]
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


def upgrade_schema(engine: Engine) -> None:
    """Bring the schema to the newest revision (Alembic), creating it on first use."""
    from alembic import command
    from alembic.config import Config as AlembicConfig

    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "head")


def head_revision() -> str:
    """The newest revision id: the migrations are numbered files (0004_search_index.py has
    revision "0004"), so the head is read off their names without importing Alembic."""
    numbers = [m.group(1) for name in os.listdir(MIGRATIONS / "versions") if (m := _REVISION_FILE.match(name))]
    return max(numbers)


_REVISION_FILE = re.compile(r"(\d{4})_\w+\.py$")


def schema_revision(engine: Engine) -> str | None:
    """The schema's current Alembic revision, or None for an empty database.

    Read from `alembic_version` directly: starting Alembic costs more than the whole of a
    pass that finds nothing new.
    """
    with engine.connect() as connection:
        try:
            rows = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
        except DBAPIError:
            return None  # no table yet: a database the monitor has never opened
    if len(rows) > 1:
        raise RuntimeError(f"the database has {len(rows)} schema revisions ({', '.join(rows)}); expected one")
    return rows[0] if rows else None


def schema_is_current(engine: Engine) -> bool:
    """Whether the schema is at the newest revision, so no migration need run."""
    return schema_revision(engine) == head_revision()


class Store:
    """The database and the blob folder of one data directory."""

    def __init__(self, database_url: str, data_dir: Path, *, migrate: bool = True):
        self.data_dir = data_dir
        self.database_url = database_url
        if database_url.startswith("sqlite:///"):
            Path(database_url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        data_dir.mkdir(parents=True, exist_ok=True)
        self.engine = make_engine(database_url)
        if migrate and not schema_is_current(self.engine):
            # two processes starting on a new database at once must not both create tables
            with open(data_dir / ".migrate.lock", "a+") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)
                try:
                    upgrade_schema(self.engine)
                finally:
                    fcntl.flock(lock, fcntl.LOCK_UN)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.blobs = BlobStore(data_dir / "blobs")

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session committed on success, rolled back on error."""
        session = self.sessions()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def http_cache(self) -> StoreHttpCache:
        """The conditional-request cache backed by this store."""
        return StoreHttpCache(self)

    def close(self) -> None:
        self.engine.dispose()


class StoreHttpCache:
    """monitor.http.client.HttpCache kept in the `http_cache` table, bodies in the blob store."""

    def __init__(self, store: Store):
        self.store = store
        # sources run side by side and may remember the same URL at once
        self._lock = threading.Lock()

    @staticmethod
    def _key(url: str) -> str:
        return hashlib.sha256(url.encode("utf-8")).hexdigest()

    def lookup(self, url: str) -> CachedResponse | None:
        # one row by its key, read on a plain connection: an ORM session and its commit cost
        # more than the query, twice per source in a pass (robots.txt and the listing)
        with self.store.engine.connect() as connection:
            row = connection.execute(_LOOKUP, {"key": self._key(url)}).first()
        if row is None:
            return None
        content_type, max_age = _split_lifetime(row.content_type)
        if not (row.etag or row.last_modified or max_age is not None):
            return None
        body = None
        if row.body_sha256 and self.store.blobs.has(row.body_sha256):
            body = self.store.blobs.read(row.body_sha256)
        elif row.body_sha256:
            # the cached body is gone: ask unconditionally rather than trust a 304
            return None
        stored_at = row.updated_at.replace(tzinfo=UTC).timestamp() if row.updated_at else None
        return CachedResponse(row.etag, row.last_modified, body, content_type, stored_at=stored_at, max_age=max_age)

    def remember(self, url: str, entry: CachedResponse) -> None:
        body_sha = self.store.blobs.put_bytes(entry.body) if entry.body is not None else None
        for attempt in range(2):
            try:
                with self._lock, self.store.session() as session:
                    row = session.get(HttpCacheRow, self._key(url))
                    if row is None:
                        row = HttpCacheRow(url_sha256=self._key(url), url=url)
                        session.add(row)
                    row.etag = entry.etag
                    row.last_modified = entry.last_modified
                    row.body_sha256 = body_sha
                    row.content_type = _join_lifetime(entry.content_type or "", entry.max_age)
                    row.updated_at = _when(entry.stored_at)
                return
            except IntegrityError:
                # another process inserted the same URL first: update its row instead
                if attempt:
                    raise


_LOOKUP = select(
    HttpCacheRow.etag,
    HttpCacheRow.last_modified,
    HttpCacheRow.body_sha256,
    HttpCacheRow.content_type,
    HttpCacheRow.updated_at,
).where(HttpCacheRow.url_sha256 == bindparam("key"))


# The schema's head revision is fixed by the tests, so a robots.txt copy's freshness lifetime
# travels as a parameter of its stored content type rather than in a column of its own.
_LIFETIME = "; x-monitor-max-age="


def _join_lifetime(content_type: str, max_age: float | None) -> str:
    return content_type if max_age is None else f"{content_type}{_LIFETIME}{int(max_age)}"


def _split_lifetime(stored: str | None) -> tuple[str, float | None]:
    content_type, sep, lifetime = (stored or "").partition(_LIFETIME)
    if not sep:
        return content_type, None
    try:
        return content_type, float(lifetime)
    except ValueError:
        return content_type, None


def _when(stored_at: float | None) -> datetime:
    """The row's time: the answer's own when the client gave one (robots.txt freshness counts
    from it), else now."""
    if stored_at is None:
        return utcnow()
    return datetime.fromtimestamp(stored_at, UTC).replace(tzinfo=None)
