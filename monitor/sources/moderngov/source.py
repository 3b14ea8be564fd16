"""ModernGov (Civica "Modern.Gov") committee papers: agendas, reports, minutes, decisions.

The web service first (`mgWebService.asmx/GetMeetings` then `GetMeeting` per meeting, bare XML:
moderngov_xml.py), the HTML pages (`ieListMeetings.aspx`, `ieListDocuments.aspx`:
moderngov_html.py; fetched by moderngov_pages.py) when the service is switched off. Keys and the shared types are in
moderngov_model.py. Evidence: ../shared/fixtures/moderngov/evidence-2026/REPORT.md; what we
watch and the limits: docs/publishers/moderngov.md.

In web-service mode each meeting's HTML page is read too, for the meeting packs the XML does
not list (`meeting_packs`). That page is an enrichment: when it is missing (404, an error) or
lists no packs, only that meeting's packs are lost; the pass goes on, logs why and sets
`listing_incomplete` (the XML road's documents are confirmed, the page's markup is not).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from lxml import etree
from pydantic import Field

from monitor.errors import BlockedError, ConfigError, FetchError, ListingBrokenError
from monitor.http.types import Response
from monitor.sources.base import DocumentRef, SourceContext, SourceSettings
from monitor.sources.moderngov.html_listing import (
    MeetingPage,
    date_in_text,
    page_status,
    parse_meeting_page,
    parse_meetings_page,
)
from monitor.sources.moderngov.html_road import HtmlRoad, municipal_year
from monitor.sources.moderngov.listing import XML_PARSER, parse_get_meeting, parse_get_meetings, text_of
from monitor.sources.moderngov.model import (
    DOCUMENT_TYPES,
    Doc,
    Meeting,
    absolute_url,
    classify,
    document_key,
    merge_docs,
)

log = logging.getLogger(__name__)

# the names the tests and older callers import from here
_XML_PARSER = XML_PARSER
_Doc = Doc
__all__ = [
    "DOCUMENT_TYPES",
    "Meeting",
    "MeetingPage",
    "ModernGovSettings",
    "ModernGovSource",
    "absolute_url",
    "classify",
    "date_in_text",
    "document_key",
    "merge_docs",
    "municipal_year",
    "page_status",
    "parse_get_meeting",
    "parse_get_meetings",
    "parse_meeting_page",
    "parse_meetings_page",
]


class ModernGovSettings(SourceSettings):
    """The `moderngov` keys in sources.yaml."""

    #: committee ids (the CId= / lCommitteeId= number), at least one
    committees: list[int] = Field(min_length=1)
    days_back: int = Field(default=90, ge=0)
    days_ahead: int = Field(default=60, ge=0)
    #: try mgWebService.asmx first; False goes straight to the HTML pages
    use_webservice: bool = True
    #: optional labels that override the publisher's committee titles
    committee_names: dict[int, str] = Field(default_factory=dict)
    #: in web-service mode, also read each meeting's HTML page for the meeting-level packs
    #: (agenda frontsheet, reports pack, supplemental agendas, printed minutes), which the XML
    #: does not list
    meeting_packs: bool = True


class _ServiceOff(Exception):
    """The web service did not answer with XML (404/500, an HTML error page): use the HTML pages."""


class ModernGovSource(HtmlRoad):
    """Committee papers from a council's ModernGov site, for the committees named in settings."""

    #: the listing is a window (dates, newest results): leaving it is not removal
    complete_listing = False

    kind = "moderngov"
    Settings = ModernGovSettings
    default_base_url = None

    def __init__(self, settings: ModernGovSettings, context: SourceContext):
        super().__init__(settings, context)
        self.settings: ModernGovSettings = settings
        if not (context.base_url or "").strip():
            raise ConfigError(
                f"source {context.name!r} (kind moderngov): base_url is required, the folder that holds the "
                "council's mg*.aspx pages, e.g. base_url: https://moderngov.harrow.gov.uk"
            )
        # Once the service has said it is off, later committees go straight to HTML.
        self._service_off = not settings.use_webservice
        #: True when this pass's listing left something out (a meeting page that failed or
        #: listed no packs, links in an unknown form); incomplete_reasons says what
        self.listing_incomplete = False
        self.incomplete_reasons: list[str] = []

    # -- window ---------------------------------------------------------------------------

    def today(self) -> date:
        """The day the window is measured from: context.extra["today"] (tests, replays) or today."""
        value = self.context.extra.get("today")
        if isinstance(value, date):
            return value
        if isinstance(value, str) and value:
            return date.fromisoformat(value)
        return date.today()

    def window(self) -> tuple[date, date]:
        """First and last meeting dates watched, inclusive."""
        today = self.today()
        return today - timedelta(days=self.settings.days_back), today + timedelta(
            days=self.settings.days_ahead
        )

    def committee_label(self, committee_id: int, published: str | None) -> str:
        """The user's label for a committee, else the publisher's title, else its id."""
        return self.settings.committee_names.get(committee_id) or published or f"Committee {committee_id}"

    # -- listing --------------------------------------------------------------------------

    def list_documents(self) -> Iterator[DocumentRef]:
        """Every document of every watched committee's meetings inside the window.

        A document listed on several meetings or items is yielded once (the first place it
        is seen). BlockedError propagates; a listing that no longer parses raises
        ListingBrokenError naming the URL. A meeting page read only for its packs that fails
        costs that meeting's packs and sets listing_incomplete.
        """
        # Each run asks the service again: a service that was off yesterday may be back.
        self._service_off = not self.settings.use_webservice
        self.listing_incomplete = False
        self.incomplete_reasons = []
        seen: set[str] = set()
        for committee_id in self.settings.committees:
            for ref in self._committee_documents(committee_id):
                if ref.key not in seen:
                    seen.add(ref.key)
                    yield ref

    def _incomplete(self, reason: str) -> None:
        log.warning("source %s: listing incomplete: %s", self.name, reason)
        self.listing_incomplete = True
        self.incomplete_reasons.append(reason)

    def _committee_documents(self, committee_id: int) -> Iterator[DocumentRef]:
        if not self._service_off:
            try:
                meetings = self.webservice_meetings(committee_id)
            except _ServiceOff as exc:
                log.warning("source %s: web service off (%s); reading the HTML pages instead", self.name, exc)
                self._service_off = True
            else:
                for meeting in meetings:
                    yield from self._refs(meeting, self._webservice_meeting_docs(meeting), "webservice")
                return
        for meeting in self.html_meetings(committee_id):
            page = self.html_meeting_docs(meeting, items=True)
            if meeting.status is None and page.status is not None:
                meeting = replace(meeting, status=page.status)
            yield from self._refs(meeting, merge_docs(page.item_docs, page.pack_docs), "html")

    def _webservice_meeting_docs(self, meeting: Meeting) -> list[Doc]:
        try:
            response, shown = self._service_answer("GetMeeting", {"lMeetingId": meeting.meeting_id})
            docs, anything_published = self.parse_listing(
                response, read_get_meeting, response.content_type, shown, meeting.meeting_id, self.base_url, as_bytes=True
            )
        except _ServiceOff as exc:
            log.warning(
                "source %s: GetMeeting %s failed (%s); reading its HTML page",
                self.name,
                meeting.meeting_id,
                exc,
            )
            page = self.html_meeting_docs(meeting, items=True)
            return merge_docs(page.item_docs, page.pack_docs)
        # The packs are generated only once something is published; an unpublished meeting's
        # page has nothing to add, so it costs no request.
        if self.settings.meeting_packs and anything_published:
            docs = merge_docs(docs, self._meeting_packs(meeting))
        return docs

    def _meeting_packs(self, meeting: Meeting) -> list[Doc]:
        """The packs on a meeting's page, as an enrichment of the web service's documents: a
        page that fails or lists none costs this meeting's packs only (listing_incomplete)."""
        shown = self._meeting_page_url(meeting)
        try:
            page = self.html_meeting_docs(meeting, items=False)
        except BlockedError as exc:
            raise BlockedError(
                exc.url,
                exc.reason,
                exc.status,
                hint="the meeting pages (ieListDocuments.aspx) refused us although the web service answered; "
                "set meeting_packs: false to list the agenda papers without the meeting packs, or ask the "
                "council to allow the monitor's User-Agent",
            ) from exc
        except (FetchError, ListingBrokenError) as exc:
            self._incomplete(f"{shown}: {exc}; this meeting's packs (frontsheet, reports pack, printed minutes) "
                             "are not listed this pass")
            return []
        if not page.pack_docs:
            self._incomplete(
                f"{shown}: the web service says papers are published but the page lists no meeting packs "
                "(div.mgLinks or documents/g… links); this meeting's packs are not listed this pass"
            )
        return page.pack_docs

    def _refs(self, meeting: Meeting, docs: Iterable[Doc], via: str) -> Iterator[DocumentRef]:
        for doc in docs:
            if doc.restricted:
                continue  # exempt (Part II) papers are not public: the URL would only refuse us
            when = f"{meeting.date.day} {meeting.date:%b %Y}"
            meta: dict[str, Any] = {
                "committee_id": meeting.committee_id,
                "committee": meeting.committee,
                "meeting_id": meeting.meeting_id,
                "meeting_date": meeting.date.isoformat(),
                "meeting_status": meeting.status,
                "agenda_item": doc.agenda_item,
                "document_type": doc.document_type,
                "publication_date": doc.publication_date.isoformat() if doc.publication_date else None,
                "raw_title": doc.raw_title,
                "listed_via": via,
            }
            if doc.also_listed_under:
                meta["also_listed_under"] = doc.also_listed_under
            yield DocumentRef(
                key=doc.key,
                url=doc.url,
                title=f"{meeting.committee}, {when}: {doc.raw_title}",
                published=doc.publication_date or meeting.date,
                kind=doc.document_type,
                meta=meta,
                fingerprint=doc.publication_date.isoformat() if doc.publication_date else None,
            )

    # -- web service ----------------------------------------------------------------------

    def _service_url(self, operation: str, params: dict[str, Any]) -> str:
        query = "&".join(f"{k}={v}" for k, v in params.items())
        return f"{self.base_url}/mgWebService.asmx/{operation}?{query}"

    def _service_answer(self, operation: str, params: dict[str, Any]) -> tuple[Response, str]:
        """GET one web-service operation: (the answer, its URL as errors name it).

        Raises _ServiceOff when the service answers with an HTTP error; BlockedError propagates.
        """
        url = f"{self.base_url}/mgWebService.asmx/{operation}"
        shown = self._service_url(operation, params)
        try:
            response = self.http.get(url, params=params, allowed_hosts=self.allowed_hosts())
        except BlockedError:
            raise
        except FetchError as exc:
            if exc.status is None:
                raise  # the network, not the service: no reason to think HTML would fare better
            raise _ServiceOff(f"{shown}: HTTP {exc.status}") from exc
        return response, shown

    def webservice_meetings(self, committee_id: int) -> list[Meeting]:
        """The committee's meetings inside the window, from GetMeetings (filtered here too)."""
        first, last = self.window()
        params = {
            "lCommitteeId": committee_id,
            "sFromDate": first.strftime("%d/%m/%Y"),
            "sToDate": last.strftime("%d/%m/%Y"),
        }
        response, shown = self._service_answer("GetMeetings", params)
        # the window is applied here, after the parse, so a kept parse holds for any day
        meetings = self.parse_listing(response, read_get_meetings, response.content_type, shown, committee_id, as_bytes=True)
        chosen = [
            replace(m, committee=self.committee_label(committee_id, m.committee))
            for m in meetings
            if first <= m.date <= last
        ]
        return sorted(chosen, key=lambda m: (m.date, m.meeting_id))

    def warnings(self) -> list[str]:
        """What check-config should say about this source."""
        notes = []
        host = (self.base_url.split("//", 1)[-1].split("/", 1)[0]).lower()
        if host.endswith("harrow.gov.uk"):
            notes.append(
                "Harrow's ModernGov was seen answering non-browser clients with 403 (a web firewall) in 2026; "
                "expect this source to report 'blocked' until the council allows the monitor's User-Agent"
            )
        if not self.settings.use_webservice:
            notes.append(
                "reading ModernGov HTML pages: their item layout is inferred from third-party parsers"
            )
        if self.settings.meeting_packs:
            notes.append(
                "meeting packs are read from each meeting's HTML page, whose modern markup is unconfirmed; "
                "a page without packs is logged and the pass marked incomplete"
            )
        return notes


# -- reading the web service's answers (pure functions of the bytes, so they can be kept) ----


def service_root(body: bytes, content_type: str, shown: str) -> etree._Element:
    """A web-service answer parsed safely.

    Raises _ServiceOff when it is an HTML page rather than XML, ListingBrokenError when the XML
    is malformed.
    """
    body = body.lstrip(b"\xef\xbb\xbf \t\r\n")
    if content_type in ("text/html", "application/xhtml+xml") or re.match(rb"(?i)<(!doctype\s+html|html)", body):
        raise _ServiceOff(f"{shown}: answered with an HTML page, not XML")
    try:
        return etree.fromstring(body, XML_PARSER)
    except etree.XMLSyntaxError as exc:
        raise ListingBrokenError(f"{shown}: the ModernGov web service sent malformed XML ({exc})", url=shown) from exc


def read_get_meetings(body: bytes, content_type: str, shown: str, committee_id: int) -> list[Meeting]:
    """The meetings of a GetMeetings answer, as the service lists them (no window applied)."""
    return parse_get_meetings(service_root(body, content_type, shown), shown, committee_id)


def read_get_meeting(body: bytes, content_type: str, shown: str, meeting_id: int, base_url: str) -> tuple[list[Doc], bool]:
    """A GetMeeting answer: its documents, and whether anything of the meeting is published."""
    root = service_root(body, content_type, shown)
    docs = parse_get_meeting(root, shown, meeting_id, base_url)
    published = any(text_of(root, flag) == "True" for flag in ("agendapublished", "minutepublished", "decisionpublished"))
    return docs, published
