"""Commands that read the record: status, documents, history, diff, events, and extract
(a local file read exactly as a pass reads a download)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from monitor.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    UsageError,
    council_code,
    iso,
    open_session,
    parse_when,
    print_json,
    table,
)


def cmd_status(args: argparse.Namespace) -> int:
    """Sources with their health, last success and document counts."""
    from sqlalchemy import func, select

    from monitor.store.models import DocumentRow, SourceRow

    council = council_code(getattr(args, "council", None))
    with open_session(args) as (config, store, session):
        counts = dict(
            session.execute(select(DocumentRow.source_id, func.count()).group_by(DocumentRow.source_id)).all()
        )
        rows_by_name = {r.name: r for r in session.scalars(select(SourceRow))}
        from monitor.timeliness import lag_by_source

        lags = lag_by_source(session)
        data = []
        for src in config.sources:
            if council and src.common.council != council:
                continue
            row = rows_by_name.get(src.name)
            data.append(
                {
                    "source": src.name,
                    "kind": src.kind,
                    "council": src.common.council,
                    "enabled": src.common.enabled,
                    "health": row.health if row else "never run",
                    "last_run": iso(row.last_run_at) if row else None,
                    "last_ok": iso(row.last_ok_at) if row else None,
                    "consecutive_failures": row.consecutive_failures if row else 0,
                    "documents": counts.get(row.id, 0) if row else 0,
                    "last_error": row.last_error if row else None,
                    "hint": row.last_hint if row else None,
                    "lag_days": lags.get(row.id) if row else None,
                }
            )
    if args.json:
        print_json(data)
        return EXIT_OK
    from monitor.timeliness import lag_text

    rows = [
        [
            d["source"],
            d["health"],
            d["last_ok"] or "never",
            str(d["consecutive_failures"]),
            str(d["documents"]),
            lag_text(d["lag_days"]),
        ]
        for d in data
    ]
    if council and not rows:
        print(f"no source in {config.path} has council: {council}")
        return EXIT_OK
    print(table(rows, ["source", "health", "last success", "failures", "documents", "found after publication"]))
    for d in data:
        if d["last_error"]:
            print(f"\n{d['source']}: {d['last_error']}")
            if d["hint"]:
                print(f"  what to try: {d['hint']}")
    return EXIT_OK


def document_status(doc, latest_error: str | None = None) -> str:  # type: ignore[no-untyped-def]
    """ok, error or removed: a document whose last download failed, or whose latest version
    could not be read, is "error", so a script never reads "ok" beside an error."""
    if doc.status == "removed":
        return "removed"
    if doc.status == "error" or doc.error or latest_error:
        return "error"
    return doc.status


def latest_read_errors(session) -> dict[int, str]:  # type: ignore[no-untyped-def]
    """document id -> the reading error of its latest version, for documents that have one."""
    from sqlalchemy import and_, func, select

    from monitor.store.models import VersionRow

    latest = (
        select(VersionRow.document_id, func.max(VersionRow.number).label("n")).group_by(VersionRow.document_id).subquery()
    )
    query = (
        select(VersionRow.document_id, VersionRow.extract_error)
        .join(latest, and_(VersionRow.document_id == latest.c.document_id, VersionRow.number == latest.c.n))
        .where(VersionRow.extract_error.is_not(None))
    )
    return dict(session.execute(query).all())


def document_json(doc, versions: int, latest_error: str | None = None) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """The public shape of a document (`monitor documents --json`)."""
    return {
        "source": doc.source.name,
        "key": doc.key,
        "url": doc.url,
        "title": doc.title,
        "kind": doc.kind,
        "published": iso(doc.published),
        "versions": versions,
        "first_seen": iso(doc.first_seen),
        "last_seen": iso(doc.last_seen),
        "last_changed": iso(doc.last_changed),
        "status": document_status(doc, latest_error),
        "error": doc.error or (f"text not extracted: {latest_error}" if latest_error else None),
        "gone_since": iso(doc.gone_since),
        "meta": doc.meta or {},
    }


def cmd_documents(args: argparse.Namespace) -> int:
    """Every stored document."""
    from sqlalchemy import func, select
    from sqlalchemy.orm import joinedload

    from monitor.store.models import DocumentRow, SourceRow, VersionRow

    with open_session(args) as (config, store, session):
        query = select(DocumentRow).options(joinedload(DocumentRow.source)).order_by(DocumentRow.id)
        if args.source:
            query = query.join(SourceRow).where(SourceRow.name == args.source)
        counts = dict(
            session.execute(select(VersionRow.document_id, func.count()).group_by(VersionRow.document_id)).all()
        )
        errors = latest_read_errors(session)
        data = [document_json(doc, counts.get(doc.id, 0), errors.get(doc.id)) for doc in session.scalars(query)]
    if args.json:
        print_json(data)
        return EXIT_OK
    rows = [
        [d["source"], d["key"][:40], (d["title"] or "")[:60], d["published"] or "", str(d["versions"]), d["status"]]
        for d in data
    ]
    print(table(rows, ["source", "key", "title", "published", "versions", "status"]) if rows else "no documents yet")
    return EXIT_OK


def _find_document(session, key: str, source: str | None):  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from monitor.store.models import DocumentRow, SourceRow

    query = select(DocumentRow).where(DocumentRow.key == key)
    if source:
        query = query.join(SourceRow).where(SourceRow.name == source)
    found = session.scalars(query).all()
    if not found:
        raise UsageError(f"no document with key {key!r}" + (f" in source {source!r}" if source else ""))
    if len(found) > 1:
        names = ", ".join(d.source.name for d in found)
        raise UsageError(f"key {key!r} is in several sources ({names}); add --source NAME")
    return found[0]


def cmd_history(args: argparse.Namespace) -> int:
    """A document's versions with dates and sizes."""
    with open_session(args) as (config, store, session):
        doc = _find_document(session, args.key, args.source)
        data = [
            {
                "version": v.number,
                "fetched_at": iso(v.fetched_at),
                "size": v.size,
                "sha256": v.sha256,
                "pages": v.pages,
                "content_type": v.content_type,
                "blob_path": str(store.blobs.path_for(v.sha256)),
                "extract_error": v.extract_error,
            }
            for v in doc.versions
        ]
        title, url = doc.title, doc.url
    if args.json:
        print_json(data)
        return EXIT_OK
    print(f"{title}\n{url}\n")
    rows = [[str(d["version"]), d["fetched_at"], str(d["size"]), str(d["pages"]), d["blob_path"]] for d in data]
    print(table(rows, ["version", "fetched", "bytes", "pages", "stored copy"]) if rows else "no versions stored")
    return EXIT_OK


def cmd_diff(args: argparse.Namespace) -> int:
    """A unified diff of two versions' text."""
    import difflib

    with open_session(args) as (config, store, session):
        doc = _find_document(session, args.key, args.source)
        versions = {v.number: v for v in doc.versions}
        if len(versions) < 2 and (args.from_ is None or args.to is None):
            print(f"{doc.title} has {len(versions)} version(s); nothing to compare")
            return EXIT_OK
        numbers = sorted(versions)
        to = args.to if args.to is not None else numbers[-1]
        if args.from_ is not None:
            frm = args.from_
        elif to in numbers and numbers.index(to) > 0:
            frm = numbers[numbers.index(to) - 1]
        else:
            raise UsageError(f"version {to} of {args.key!r} has no earlier version to compare with")
        for n in (frm, to):
            if n not in versions:
                raise UsageError(f"no version {n} of {args.key!r}; versions: {', '.join(map(str, numbers))}")
        old, new = versions[frm].text.splitlines(), versions[to].text.splitlines()
    diff = difflib.unified_diff(old, new, f"{args.key} v{frm}", f"{args.key} v{to}", lineterm="")
    print("\n".join(diff) or "no text differences")
    return EXIT_OK


def cmd_events(args: argparse.Namespace) -> int:
    """Events, newest last."""
    from sqlalchemy import select
    from sqlalchemy.orm import joinedload

    from monitor.events import event_json
    from monitor.store.models import EventRow, SourceRow

    with open_session(args) as (config, store, session):
        query = (
            select(EventRow)
            .options(joinedload(EventRow.source), joinedload(EventRow.document))
            .order_by(EventRow.id)
        )
        if args.since:
            query = query.where(EventRow.created_at >= parse_when(args.since))
        if args.type:
            query = query.where(EventRow.type.in_(args.type))
        if args.source:
            query = query.join(SourceRow, EventRow.source_id == SourceRow.id).where(SourceRow.name == args.source)
        data = [event_json(e) for e in session.scalars(query).unique()]
    if args.limit:
        data = data[-args.limit :]
    if args.json:
        print_json(data)
        return EXIT_OK
    if not data:
        print("no events")
    for e in data:
        print(f"{e['created_at'][:19]}  {e['severity']:<6}  {e['type']:<15} {e['source']}: {e['summary']}")
    return EXIT_OK


def cmd_extract(args: argparse.Namespace) -> int:
    """Extract a local file exactly as a pass would."""
    from monitor.extract.pool import Extractor

    path = Path(args.path)
    if not path.is_file():
        raise UsageError(f"{path}: no such file")
    if args.kind:
        from monitor.sources import source_class

        try:
            source_class(args.kind)
        except KeyError as exc:
            raise UsageError(str(exc.args[0])) from None
    with Extractor(timeout=args.timeout) as extractor:
        result = extractor.extract(path.resolve(), "", args.kind)
    if args.json:
        print_json(
            {
                "path": str(path),
                "pages": len(result.pages),
                "text": result.text,
                "meta": result.meta,
                "content_type": result.content_type,
                "extractor": result.extractor,
                "empty": result.empty,
                "error": result.error,
            }
        )
    else:
        if result.error:
            print(f"{path}: {result.error}", file=sys.stderr)
        print(result.text.replace("\f", "\n\n--- page break ---\n\n"))
        if result.meta:
            print("\n--- meta ---\n" + json.dumps(result.meta, indent=2, ensure_ascii=False))
    return EXIT_FAILED if result.error else EXIT_OK


def register(add: Callable[..., argparse.ArgumentParser]) -> None:
    """Add the commands that read the record to the parser."""
    p = add("status", cmd_status, "Show each source's health, last success and document count.")
    p.add_argument("--json", action="store_true")
    p.add_argument("--council", metavar="NAME_OR_CODE", help="only the sources about this council (their council: setting)")

    p = add("documents", cmd_documents, "List stored documents.")
    p.add_argument("--source", metavar="NAME")
    p.add_argument("--json", action="store_true")

    p = add("history", cmd_history, "Show the stored versions of one document.")
    p.add_argument("key")
    p.add_argument("--source", metavar="NAME")
    p.add_argument("--json", action="store_true")

    p = add("diff", cmd_diff, "Show what changed between two versions of a document.")
    p.add_argument("key")
    p.add_argument("--source", metavar="NAME")
    p.add_argument("--from", dest="from_", type=int, metavar="N")
    p.add_argument("--to", type=int, metavar="M")

    p = add("events", cmd_events, "List events (new, changed, removed documents, matches, source problems).")
    p.add_argument("--since", metavar="DATE")
    p.add_argument("--type", action="append", metavar="TYPE")
    p.add_argument("--source", metavar="NAME")
    p.add_argument("--limit", type=int)
    p.add_argument("--json", action="store_true")

    p = add("extract", cmd_extract, "Extract a local PDF or HTML file exactly as a pass would.")
    p.add_argument("path")
    p.add_argument("--kind", help="read the publisher's facts too (ofsted, cqc, lgsco, ...)")
    p.add_argument("--json", action="store_true")
    p.add_argument("--timeout", type=float, default=120.0)
