"""Findings and the council's answers, as the site shows them: a page per finding (a document
whose source's role is "finding") with the council papers that answered it (`response`
events, monitor/responses.py) or how long it has gone unanswered, and the improvement notices
and directions on the overview."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from monitor.responses import finding_of
from monitor.site.data import SiteData, SiteDocument, SiteEvent, SiteSource, council_of
from monitor.site.words import day

#: past this, "unanswered for N days" is history rather than news: the page says only that no
#: answer was found (the digest's horizon, monitor/responses.py `overdue`)
HORIZON_DAYS = 365
_NOTICE = re.compile(r"\bimprovement notice\b|\bdirections?\b", re.I)
_ISSUED_TO = re.compile(r"\b(?:issued|given|sent)\s+to\s+(.+?)(?:\s+(?:about|on|for|regarding)\b|:|\s+-\s+|$)", re.I)


@dataclass
class Answer:
    """One council paper that answers a finding."""

    doc: SiteDocument | None
    title: str
    answered: date | None
    days_after: int | None
    mentions: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class FindingStatus:
    """Whether the council has answered a finding, as of the build."""

    doc: SiteDocument
    answers: list[Answer]
    expects_answer: bool
    #: the council the finding is about is one this record follows
    ours: bool
    #: days since publication, when the finding expects an answer, has none, is ours and is recent
    unanswered_days: int | None

    @property
    def words(self) -> str:
        """The answer's state in one short clause, for lists."""
        if self.answers:
            first = self.answers[0]
            when = day(first.answered) if first.answered else "date not given"
            more = f" and {len(self.answers) - 1} more" if len(self.answers) > 1 else ""
            return f"Answered {when}{more}"
        if not self.ours:
            return "About another council"
        if not self.expects_answer:
            return "No answer expected"
        if self.unanswered_days is not None:
            return f"Unanswered for {self.unanswered_days} day{'s' if self.unanswered_days != 1 else ''}"
        return "No answer found"


def finding_slug(doc: SiteDocument) -> str:
    """A finding's page, relative to the site's root."""
    return f"findings/{doc.slug}.html"


def notice_council(doc: SiteDocument) -> str | None:
    """The council a notice is about: its meta's, else the name after "issued to" in its
    description or title ("Improvement notice issued to Cheshire East Council: May 2024")."""
    council = council_of(doc.meta)
    if council:
        return council
    for text in (doc.meta.get("description"), doc.title):
        if isinstance(text, str):
            match = _ISSUED_TO.search(text)
            if match:
                return council_of({"authority": match.group(1).strip().rstrip(".")})
    return None


def council_about(doc: SiteDocument) -> str | None:
    """The council a finding is about."""
    return doc.council or notice_council(doc)


def _source_of(data: SiteData, doc: SiteDocument) -> SiteSource:
    for source in data.sources:
        if source.name == doc.source:
            return source
    return SiteSource(doc.source, doc.source_kind, "ok", None, None, None, None, 0)


def _answers(data: SiteData, by_key: dict[tuple[str, str], SiteDocument]) -> dict[tuple[str, str], list[Answer]]:
    """(finding source, finding key) -> the answers recorded for it, oldest first."""
    docs = {d.id: d for d in data.documents}
    out: dict[tuple[str, str], list[Answer]] = {}
    for event in data.events:
        if event.type != "response":
            continue
        finding = event.details.get("finding") or {}
        key = (str(finding.get("source") or ""), str(finding.get("key") or ""))
        if key not in by_key:
            continue
        answer_doc = docs.get(event.document_id) if event.document_id is not None else None
        out.setdefault(key, []).append(_answer(event, answer_doc))
    for answers in out.values():
        answers.sort(key=lambda a: a.answered or date.min)
    return out


def _answer(event: SiteEvent, doc: SiteDocument | None) -> Answer:
    details = event.details
    answered = None
    if isinstance(details.get("answer_date"), str):
        try:
            answered = date.fromisoformat(details["answer_date"])
        except ValueError:
            answered = None
    mentions = [
        {"text": " ".join(str(m.get("text", "")).split()), "page": m.get("page") if isinstance(m.get("page"), int) else None}
        for m in details.get("mentions") or []
        if isinstance(m, dict) and m.get("text")
    ]
    days = details.get("days_after") if isinstance(details.get("days_after"), int) else None
    return Answer(doc, doc.title if doc else event.title, answered, days, mentions)


def statuses(data: SiteData, today: date) -> dict[int, FindingStatus]:
    """Document id -> its finding status, for every document whose source's role is finding."""
    findings = [d for d in data.documents if data.role_of(d) == "finding"]
    ours = {d.council for d in data.documents if d.council}
    by_key = {(d.source, d.key): d for d in findings}
    answers = _answers(data, by_key)
    out: dict[int, FindingStatus] = {}
    for doc in findings:
        # one rule for whether a finding expects an answer: the one `monitor responses` uses
        expects = finding_of(_source_of(data, doc), doc).expects_answer  # type: ignore[arg-type]
        council = council_about(doc)
        is_ours = not ours or council is None or council in ours
        # as of the build: a site built for an earlier day does not know of later answers
        got = [a for a in answers.get((doc.source, doc.key), []) if a.answered is None or a.answered <= today]
        unanswered = None
        published = doc.published
        if not got and expects and is_ours and published is not None:
            age = (today - published).days
            unanswered = age if 0 <= age <= HORIZON_DAYS else None
        out[doc.id] = FindingStatus(doc, got, expects, is_ours, unanswered)
    return out


def notices_in_force(data: SiteData) -> list[dict[str, Any]]:
    """The newest improvement notice or direction per council (findings whose title says so),
    the councils this record follows first. What the page can know is the publication date;
    whether a notice has since been lifted is in the notice, not here."""
    ours = {d.council for d in data.documents if d.council}
    newest: dict[str, SiteDocument] = {}
    for doc in data.documents:
        if data.role_of(doc) != "finding" or not _NOTICE.search(doc.title):
            continue
        council = council_about(doc)
        if council and (council not in newest or doc.when > newest[council].when):
            newest[council] = doc
    rows = sorted(newest.items(), key=lambda kv: (kv[0] not in ours, kv[0].casefold()))
    return [{"council": council, "doc": doc, "ours": council in ours} for council, doc in rows]
