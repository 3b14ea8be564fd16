"""Export the store to a folder and import it back: the way to move a monitor to a new box,
or from SQLite to PostgreSQL.

The folder holds manifest.json (schema revision, row counts), one <table>.jsonl per table
(one row a line, ids kept so references stay true) and blobs/ in the store's own layout.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Date, DateTime, Table, delete, func, select, text
from sqlalchemy.engine import Connection

from monitor.errors import MonitorError
from monitor.store.db import Store, schema_revision
from monitor.store.models import Base

MANIFEST = "manifest.json"
FORMAT = 1


class TransferError(MonitorError):
    """An export folder that cannot be imported, or a database that must not be overwritten."""


def tables() -> list[Table]:
    """Every table, parents before children (the order rows can be inserted in)."""
    return list(Base.metadata.sorted_tables)


def _dump(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def _load_value(column_type: Any, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(column_type, DateTime):
        return datetime.fromisoformat(value)
    if isinstance(column_type, Date):
        return date.fromisoformat(value)
    return value


def _blob_hashes(store: Store, conn: Connection) -> set[str]:
    from monitor.store.models import HttpCacheRow, VersionRow

    hashes = set(conn.scalars(select(VersionRow.sha256)))
    hashes |= {h for h in conn.scalars(select(HttpCacheRow.body_sha256)) if h}
    return {h for h in hashes if store.blobs.has(h)}


def export_store(store: Store, folder: Path) -> dict[str, Any]:
    """Write every table and every referenced blob to `folder`; returns the manifest."""
    folder.mkdir(parents=True, exist_ok=True)
    if any(folder.iterdir()):
        raise TransferError(f"{folder} is not empty; export into a new folder")
    counts: dict[str, int] = {}
    # one transaction: the files describe one moment, even with a pass writing meanwhile
    with store.engine.connect() as conn, conn.begin():
        for table in tables():
            n = 0
            with open(folder / f"{table.name}.jsonl", "w", encoding="utf-8") as out:
                order = [c for c in table.primary_key.columns]
                for row in conn.execute(select(table).order_by(*order)).mappings():
                    out.write(json.dumps({k: _dump(v) for k, v in row.items()}, ensure_ascii=False) + "\n")
                    n += 1
            counts[table.name] = n
        hashes = sorted(_blob_hashes(store, conn))
    for sha in hashes:
        target = folder / "blobs" / store.blobs.relative(sha)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(store.blobs.path_for(sha), target)
    manifest = {
        "format": FORMAT,
        "exported_at": datetime.now(UTC).isoformat(),
        "schema_revision": schema_revision(store.engine),
        "tables": counts,
        "blobs": len(hashes),
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def import_store(store: Store, folder: Path, *, force: bool = False) -> dict[str, int]:
    """Load an export into `store`; refuses a database with rows in it unless `force` (which
    replaces them). Blobs are copied in and checked against their names."""
    manifest_path = folder / MANIFEST
    if not manifest_path.is_file():
        raise TransferError(f"{folder}: no {MANIFEST}; is this a folder made by `monitor export`?")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    if manifest.get("format") != FORMAT:
        raise TransferError(f"{folder}: export format {manifest.get('format')!r}, this version reads {FORMAT}")
    current = schema_revision(store.engine)
    if manifest.get("schema_revision") != current:
        raise TransferError(
            f"{folder} was exported at schema {manifest.get('schema_revision')}, this database is at {current}; "
            "import with the version of report-monitor that made the export, then upgrade"
        )
    # blobs first and verified: a row must never point at a file that is missing or wrong
    blob_root = folder / "blobs"
    copied = 0
    if blob_root.is_dir():
        for path in sorted(p for p in blob_root.rglob("*") if p.is_file()):
            if _file_sha256(path) != path.name:
                raise TransferError(f"{path}: its bytes do not match its name; the export is damaged")
            if not store.blobs.has(path.name):
                store.blobs.put_bytes(path.read_bytes())
            copied += 1
    if copied != manifest.get("blobs", copied):
        raise TransferError(f"{folder}: manifest lists {manifest['blobs']} blobs, found {copied}")

    counts: dict[str, int] = {}
    with store.engine.begin() as conn:
        existing = {t.name: conn.scalar(select(func.count()).select_from(t)) or 0 for t in tables()}
        if any(existing.values()):
            if not force:
                busy = ", ".join(f"{t}: {n}" for t, n in existing.items() if n)
                raise TransferError(
                    f"the database is not empty ({busy}); import into a fresh data directory, or pass --force to replace it"
                )
            for table in reversed(tables()):
                conn.execute(delete(table))
        for table in tables():
            path = folder / f"{table.name}.jsonl"
            if not path.is_file():
                raise TransferError(f"{folder}: {path.name} is missing")
            batch: list[dict[str, Any]] = []
            n = 0
            with open(path, encoding="utf-8") as fh:
                for line in fh:
                    if not line.strip():
                        continue
                    raw = json.loads(line)
                    batch.append({c.name: _load_value(c.type, raw.get(c.name)) for c in table.columns})
                    n += 1
                    if len(batch) >= 500:
                        conn.execute(table.insert(), batch)
                        batch = []
            if batch:
                conn.execute(table.insert(), batch)
            expected = manifest["tables"].get(table.name)
            if expected is not None and expected != n:
                raise TransferError(f"{path.name}: {n} rows, the manifest says {expected}")
            counts[table.name] = n
        if conn.dialect.name == "postgresql":
            _reset_sequences(conn)
        # the search index is not a table of the export: built anew from the imported versions
        from monitor.search import reindex

        reindex(conn)
    return counts


def _reset_sequences(conn: Connection) -> None:
    # rows came with their ids; PostgreSQL's sequences must move past them or the next insert collides
    for table in tables():
        if "id" in table.columns and table.c.id.autoincrement is not False and len(table.primary_key.columns) == 1:
            conn.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"COALESCE((SELECT MAX(id) FROM \"{table.name}\"), 0) + 1, false)"
                )
            )
