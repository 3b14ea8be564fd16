"""Cross-checks: a second road to the same facts, so that a miss on the first is caught.

A cross-check source (CQC's monthly ratings file, Ofsted's official outcome statistics)
yields `CrossCheckFact`s about subjects another source watches. Each fact is compared with
what that source has stored:

- the checked source must hold a document about the subject (its meta matching
  `fact.match`) dated on or after `fact.not_before`: otherwise the listing missed a
  publication the second road knows of;
- where the fact names a graded field and value, the document it is about (the first one
  grading that field on or after `not_before`, else the newest grading it) must give the
  same grade (same rank on the four-point scale, or the same words).

A disagreement is one urgent `cross_check_mismatch` event naming both roads; the same
disagreement is not raised again on later passes (its signature is kept in the event).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from monitor.dates import iso_day
from monitor.detect.verdicts import rank, verdict_of
from monitor.events import record_event
from monitor.sources import profile_of
from monitor.sources.base import CrossCheckFact
from monitor.store.db import Store
from monitor.store.models import DocumentRow, EventRow, SourceRow

EVENT_TYPE = "cross_check_mismatch"


@dataclass(frozen=True)
class Mismatch:
    """One fact the checked source's documents do not bear out."""

    fact: CrossCheckFact
    problem: str
    document: dict[str, Any] | None
    found: str | None

    @property
    def signature(self) -> str:
        """Stable across passes for the same disagreement."""
        fact = self.fact
        raw = json.dumps(
            [sorted((k, str(v)) for k, v in fact.match.items()), fact.field, fact.value, str(fact.not_before), self.problem],
        )
        return hashlib.sha256(raw.encode()).hexdigest()[:16]


def _matches(meta: dict[str, Any], wanted: dict[str, Any]) -> bool:
    return all(str(meta.get(key)) == str(value) for key, value in wanted.items())


def _doc_date(doc: DocumentRow) -> date | None:
    if doc.published:
        return doc.published
    return iso_day((doc.meta or {}).get("published") or (doc.meta or {}).get("report_date"))


def _same_grade(a: str, b: str, scale: tuple[tuple[str, ...], ...]) -> bool:
    if " ".join(a.split()).casefold() == " ".join(b.split()).casefold():
        return True
    ra, rb = rank(a, scale), rank(b, scale)
    return ra is not None and ra == rb


def find_mismatches(facts: list[CrossCheckFact], documents: list[DocumentRow], kind: str) -> list[Mismatch]:
    """The facts that the checked source's stored documents (of adapter kind `kind`) contradict."""
    profile = profile_of(kind)
    out: list[Mismatch] = []
    for fact in facts:
        about = [d for d in documents if d.status != "removed" and _matches(d.meta or {}, fact.match)]
        dated = [(d, _doc_date(d)) for d in about]
        if fact.not_before:
            recent = [(d, when) for d, when in dated if when and when >= fact.not_before]
            if not recent:
                newest = max(dated, key=lambda pair: pair[1] or date.min, default=None)
                out.append(
                    Mismatch(
                        fact,
                        f"no document dated on or after {fact.not_before.isoformat()}",
                        _doc_json(newest[0]) if newest else None,
                        None,
                    )
                )
                continue
            candidates = recent
        else:
            candidates = dated
            if not candidates:
                out.append(Mismatch(fact, "no document about this subject", None, None))
                continue
        if not fact.field or not fact.value:
            continue
        # letters without grades (a focused visit) sit between graded reports: compare the
        # newest document that grades this field
        graded = [(d, when) for d, when in candidates if verdict_of(profile, d.meta or {}).get(fact.field)]
        if not graded:
            newest_doc = max(candidates, key=lambda pair: pair[1] or date.min)[0]
            problem = f"{fact.field}: not given where the cross-check says {fact.value}"
            out.append(Mismatch(fact, problem, _doc_json(newest_doc), None))
            continue
        # a dated fact is about the publication of that date: the first graded document on
        # or after it (a later inspection has its own fact); an undated one, the newest
        if fact.not_before:
            doc = min(graded, key=lambda pair: pair[1] or date.max)[0]
        else:
            doc = max(graded, key=lambda pair: pair[1] or date.min)[0]
        found = verdict_of(profile, doc.meta or {})[fact.field]
        if not _same_grade(found, fact.value, profile.scale_for(fact.field)):
            problem = f"{fact.field}: {found} where the cross-check says {fact.value}"
            out.append(Mismatch(fact, problem, _doc_json(doc), found))
    return out


def _doc_json(doc: DocumentRow) -> dict[str, Any]:
    when = _doc_date(doc)
    return {"key": doc.key, "title": doc.title, "url": doc.url, "published": when.isoformat() if when else None}


def check(
    store: Store,
    checker: SourceRow | int,
    checked_name: str,
    checked_kind: str,
    facts: list[CrossCheckFact],
    *,
    evidence: str | None = None,
) -> list[Mismatch]:
    """Compare `facts` with the stored documents of source `checked_name`; record one urgent
    event per new disagreement on the checking source. Returns the new mismatches."""
    with store.session() as session:
        source = session.get(SourceRow, checker) if isinstance(checker, int) else checker
        assert source is not None
        checked = session.scalar(select(SourceRow).where(SourceRow.name == checked_name))
        documents = (
            list(session.scalars(select(DocumentRow).where(DocumentRow.source_id == checked.id))) if checked else []
        )
        mismatches = find_mismatches(facts, documents, checked_kind)
        earlier = {
            (row.details or {}).get("signature")
            for row in session.scalars(
                select(EventRow).where(EventRow.source_id == source.id, EventRow.type == EVENT_TYPE)
            )
        }
        new = [m for m in mismatches if m.signature not in earlier]
        for mismatch in new:
            fact = mismatch.fact
            record_event(
                session,
                source,
                EVENT_TYPE,
                "urgent",
                f"{checked_name} disagrees with {source.name}: {mismatch.problem} ({fact.label})",
                {
                    "checks": checked_name,
                    "match": {k: str(v) for k, v in fact.match.items()},
                    "field": fact.field,
                    "expected": fact.value,
                    "found": mismatch.found,
                    "not_before": fact.not_before.isoformat() if fact.not_before else None,
                    "problem": mismatch.problem,
                    "cross_check": fact.label,
                    "cross_check_url": fact.url,
                    "document": mismatch.document,
                    "evidence": evidence,
                    "signature": mismatch.signature,
                    "hint": (
                        f"open both in a browser; if the listing of {checked_name} missed it, run "
                        f"`monitor capture {checked_name}` and attach the folder to a bug report"
                    ),
                },
            )
    return new
