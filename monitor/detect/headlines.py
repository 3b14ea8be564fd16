"""What a document without grades says: its own headline sentences, quoted with their page.

A monitoring visit letter, an Ombudsman decision or a regulator's notice carries no grade,
so an alert that only said "published" would tell a coordinator nothing. Each kind of
document states its finding in a known place, and the sentences are taken from there, never
from the first N characters. Where that place is belongs to the publisher: its profile's
`headline` reader (e.g. monitor/sources/ofsted/headline.py), built on the blocks and quotes
of monitor/detect/headline_text.py and headline_quotes.py. docs/publishers/headlines.md
lists each publisher's rule.

`headline_for` returns [] when the document's structure is not there: a wrong headline is
worse than none, and the phrase rules still quote what they find.
"""

from __future__ import annotations

from monitor.detect.verdicts import verdict_of
from monitor.profile import Profile


def wants_headline(profile: Profile, meta: dict | None) -> bool:
    """Whether a stored version should get `meta["headline"]`: its kind's reader did not give
    one already (the Housing Ombudsman's does), and it is not a report whose stated grades
    are its headline (a graded Ofsted report or CQC assessment)."""
    meta = meta or {}
    if meta.get("headline"):
        return False
    if profile.graded_headline:
        return not verdict_of(profile, meta)
    return True


def headline_for(profile: Profile, doc_kind: str, title: str, pages: list[str]) -> list[dict]:
    """The document's own headline sentences, chosen by the structure of its kind.

    `profile` is the source kind's, `doc_kind` the document's kind as its source names it
    ("monitoring visit", "decision", ...), `pages` the extracted page texts. Returns up to
    four `{"text": str, "page": int}` (pages 1-based), in the document's order of importance:
    finding first, then what must change. Returns [] when the kind has no headline rule or
    the structure is not found in the text.
    """
    if not profile.headline or not any(page.strip() for page in pages):
        return []
    return profile.call("headline", doc_kind or "", title or "", pages) or []
