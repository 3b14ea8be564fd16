"""The store: SQL tables (SQLite or PostgreSQL) and content-addressed blobs."""

from monitor.store.db import Store, utcnow

__all__ = ["Store", "utcnow"]
