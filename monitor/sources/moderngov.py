"""ModernGov (Civica "Modern.Gov") committee papers: agendas, reports, minutes, decisions.

The web service first (`mgWebService.asmx/GetMeetings` then `GetMeeting` per meeting, bare XML),
the HTML pages (`ieListMeetings.aspx`, `ieListDocuments.aspx`) when the service is switched off.
Structure and evidence: ../shared/fixtures/moderngov/NOTES.md; what we watch and the limits:
docs/publishers/moderngov.md.

Keys are the publisher's ids, prefixed so the namespaces never collide and so both roads give
one document the same key:
  s<N>        an agenda-item attachment: XML <attachmentid>, `documents/s<N>/...`,
              `mgConvert2PDF.aspx?ID=<N>` without a T= type
  g<N>-T<t>   a generated meeting document (`documents/g<N>/...?T=<t>`; `g<N>-<type>` without T)
  b<N>        a bundle (`documents/b<N>/...`)
  mg<N>-T<t>  `mgConvert2PDF.aspx?ID=<N>&T=<t>` (T=0 agenda frontsheet, T=9 supplemental agenda)
  pack<N>     `mgChooseDocPack.aspx?ID=<N>` (the agenda reports pack)
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any
from urllib.parse import parse_qs, unquote, urljoin, urlsplit, urlunsplit

from bs4 import BeautifulSoup, Tag
from lxml import etree
from pydantic import Field

from monitor.dates import parse_date
from monitor.errors import BlockedError, ConfigError, FetchError, ListingBrokenError
from monitor.sources.base import DocumentRef, Source, SourceContext, SourceSettings

log = logging.getLogger(__name__)

DOCUMENT_TYPES = ("agenda", "minutes", "report", "supplementary", "decision", "other")

# Safe XML: no entity expansion, no DTD, no network (a hostile or hijacked server must not make
# us read local files or fetch URLs).
_XML_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False
)
_SIZE_SUFFIX = re.compile(
    r"\s*(?:pdf icon\s*)?\b(?:PDF|DOCX?|XLSX?|PPTX?|HTML?|RTF|TXT)\s+[\d.,]+\s*(?:KB|MB|GB|bytes|B)\b\s*$",
    re.I,
)
_DATE_IN_TEXT = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]{3,9})\.?,?\s+(\d{4})\b")
_STATUS_WORDS = re.compile(r"\b(CANCELLED|POSTPONED|MOVED|NEW|RESCHEDULED)\b")
_DOC_PATH = re.compile(r"(?:^|/)documents/([sgb])(\d+)/", re.I)


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


@dataclass(frozen=True)
class Meeting:
    """One meeting as a listing gives it."""

    committee_id: int
    committee: str
    meeting_id: int
    date: date
    status: str | None
    time: str | None = None


@dataclass
class _Doc:
    """A document found on a meeting, before it becomes a DocumentRef."""

    key: str
    url: str
    raw_title: str
    document_type: str
    publication_date: date | None
    agenda_item: dict[str, str] | None
    also_listed_under: list[dict[str, str]]
    restricted: bool = False


class _ServiceOff(Exception):
    """The web service did not answer with XML (404/500, an HTML error page): use the HTML pages."""


class ModernGovSource(Source):
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
        ListingBrokenError naming the URL.
        """
        # Each run asks the service again: a service that was off yesterday may be back.
        self._service_off = not self.settings.use_webservice
        seen: set[str] = set()
        for committee_id in self.settings.committees:
            for ref in self._committee_documents(committee_id):
                if ref.key not in seen:
                    seen.add(ref.key)
                    yield ref

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

    def _webservice_meeting_docs(self, meeting: Meeting) -> list[_Doc]:
        try:
            root = self._fetch_xml("GetMeeting", {"lMeetingId": meeting.meeting_id})
        except _ServiceOff as exc:
            log.warning(
                "source %s: GetMeeting %s failed (%s); reading its HTML page",
                self.name,
                meeting.meeting_id,
                exc,
            )
            page = self.html_meeting_docs(meeting, items=True)
            return merge_docs(page.item_docs, page.pack_docs)
        url = self._service_url("GetMeeting", {"lMeetingId": meeting.meeting_id})
        docs = parse_get_meeting(root, url, meeting.meeting_id, self.base_url)
        # The packs are generated only once something is published; an unpublished meeting's
        # page has nothing to add, so it costs no request.
        anything_published = any(
            _text(root, flag) == "True"
            for flag in ("agendapublished", "minutepublished", "decisionpublished")
        )
        if self.settings.meeting_packs and anything_published:
            docs = merge_docs(docs, self.html_meeting_docs(meeting, items=False).pack_docs)
        return docs

    def _refs(self, meeting: Meeting, docs: Iterable[_Doc], via: str) -> Iterator[DocumentRef]:
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

    def _fetch_xml(self, operation: str, params: dict[str, Any]) -> etree._Element:
        """GET one web-service operation and parse it safely.

        Raises _ServiceOff when the service answers with an HTTP error or an HTML page,
        ListingBrokenError when the XML is malformed; BlockedError propagates.
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
        body = response.content.lstrip(b"\xef\xbb\xbf \t\r\n")
        if response.content_type in ("text/html", "application/xhtml+xml") or re.match(
            rb"(?i)<(!doctype\s+html|html)", body
        ):
            raise _ServiceOff(f"{shown}: answered with an HTML page, not XML")
        try:
            return etree.fromstring(body, _XML_PARSER)
        except etree.XMLSyntaxError as exc:
            raise ListingBrokenError(
                f"{shown}: the ModernGov web service sent malformed XML ({exc})"
            ) from exc

    def webservice_meetings(self, committee_id: int) -> list[Meeting]:
        """The committee's meetings inside the window, from GetMeetings (filtered here too)."""
        first, last = self.window()
        params = {
            "lCommitteeId": committee_id,
            "sFromDate": first.strftime("%d/%m/%Y"),
            "sToDate": last.strftime("%d/%m/%Y"),
        }
        root = self._fetch_xml("GetMeetings", params)
        url = self._service_url("GetMeetings", params)
        meetings = parse_get_meetings(root, url, committee_id)
        chosen = [
            Meeting(
                m.committee_id,
                self.committee_label(committee_id, m.committee),
                m.meeting_id,
                m.date,
                m.status,
                m.time,
            )
            for m in meetings
            if first <= m.date <= last
        ]
        return sorted(chosen, key=lambda m: (m.date, m.meeting_id))

    # -- HTML pages -----------------------------------------------------------------------

    def html_meetings(self, committee_id: int) -> list[Meeting]:
        """The committee's meetings inside the window, from ieListMeetings.aspx."""
        url = f"{self.base_url}/ieListMeetings.aspx"
        params = {"CId": committee_id, "Year": 0}
        response = self.http.get(url, params=params, allowed_hosts=self.allowed_hosts())
        shown = f"{url}?CId={committee_id}&Year=0"
        title, meetings = parse_meetings_page(response.text, shown, committee_id)
        first, last = self.window()
        label = self.committee_label(committee_id, title)
        chosen = [
            Meeting(committee_id, label, m.meeting_id, m.date, m.status)
            for m in meetings
            if first <= m.date <= last
        ]
        # the page lists newest first; oldest first matches the web service and keeps runs stable
        return sorted(chosen, key=lambda m: (m.date, m.meeting_id))

    def html_meeting_docs(self, meeting: Meeting, *, items: bool) -> MeetingPage:
        """A meeting's ieListDocuments.aspx page: its status, agenda-item documents and packs.

        items=False reads the page for its packs only (web-service mode), so a missing item
        table is not an error there.
        """
        url = f"{self.base_url}/ieListDocuments.aspx"
        params = {"CId": meeting.committee_id, "MId": meeting.meeting_id, "Ver": 4}
        response = self.http.get(url, params=params, allowed_hosts=self.allowed_hosts())
        shown = f"{url}?CId={meeting.committee_id}&MId={meeting.meeting_id}&Ver=4"
        return parse_meeting_page(
            response.text, shown, self.base_url, require_items=items, require_packs=not items
        )

    def warnings(self) -> list[str]:
        """What check-config should say about this source."""
        notes = []
        host = urlsplit(self.base_url).hostname or ""
        if host.endswith("harrow.gov.uk"):
            notes.append(
                "Harrow's ModernGov was seen answering non-browser clients with 403 (a web firewall) in 2026; "
                "expect this source to report 'blocked' until the council allows the monitor's User-Agent"
            )
        if not self.settings.use_webservice:
            notes.append(
                "reading ModernGov HTML pages: their item layout is inferred from third-party parsers"
            )
        return notes


# -- XML parsing (pure functions over a parsed tree) ------------------------------------------


def _clean(value: str | None) -> str:
    """Trim and unescape text: the service leaves whitespace in empty elements and sometimes
    double-encodes entities (`&amp;#39;`)."""
    if not value:
        return ""
    return " ".join(html.unescape(value).split())


def _text(node: etree._Element, tag: str) -> str:
    return _clean(node.findtext(tag))


def _local(node: etree._Element) -> str:
    return etree.QName(node).localname if isinstance(node.tag, str) else ""


def _dmy(value: str) -> date | None:
    """dd/mm/yyyy as the service writes it."""
    match = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", value)
    if not match:
        return None
    try:
        return date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
    except ValueError:
        return None


def parse_get_meetings(root: etree._Element, url: str, committee_id: int) -> list[Meeting]:
    """Meetings of one committee in a GetMeetings answer (all dates; the caller filters).

    Raises ListingBrokenError when the answer is not a <getmeetings> document, when it lists
    other committees only (the id was ignored), or when a meeting lacks an id or a readable date.
    """
    if _local(root) != "getmeetings":
        raise ListingBrokenError(f"{url}: expected a <getmeetings> XML document, got <{_local(root)}>")
    committees = [c for c in root if _local(c) == "committee"]
    ours = [c for c in committees if _text(c, "committeeid") == str(committee_id)]
    if committees and not ours:
        found = ", ".join(_text(c, "committeeid") for c in committees)
        raise ListingBrokenError(
            f"{url}: expected committee {committee_id}, the answer lists committees {found}"
        )
    meetings: list[Meeting] = []
    for committee in ours:
        title = _text(committee, "committeetitle") or None
        for node in committee.iterfind("committeemeetings/meeting"):
            meeting_id = _text(node, "meetingid")
            when = _dmy(_text(node, "meetingdate"))
            if not meeting_id.isdigit() or when is None:
                raise ListingBrokenError(
                    f"{url}: expected <meetingid> digits and <meetingdate> dd/mm/yyyy, got "
                    f"{meeting_id!r} and {_text(node, 'meetingdate')!r}"
                )
            meetings.append(
                Meeting(
                    committee_id,
                    title or f"Committee {committee_id}",
                    int(meeting_id),
                    when,
                    _text(node, "meetingstatus") or None,
                    _text(node, "meetingtime") or None,
                )
            )
    declared = _text(root, "meetingscount")
    if not committees and not declared.isdigit():
        raise ListingBrokenError(
            f"{url}: expected <committee> or <meetingscount> in <getmeetings>; found neither"
        )
    if declared.isdigit() and int(declared) > 0 and not meetings:
        raise ListingBrokenError(f"{url}: <meetingscount> says {declared} but no <meeting> element was read")
    return meetings


def parse_get_meeting(root: etree._Element, url: str, meeting_id: int, base_url: str) -> list[_Doc]:
    """The agenda items' linked documents in a GetMeeting answer, one _Doc per attachment id
    (a document under several items is listed once, the others in also_listed_under)."""
    if _local(root) != "meeting":
        raise ListingBrokenError(f"{url}: expected a <meeting> XML document, got <{_local(root)}>")
    if _text(root, "meetingid") != str(meeting_id):
        raise ListingBrokenError(
            f"{url}: expected <meetingid>{meeting_id}</meetingid>, got {_text(root, 'meetingid')!r}"
        )
    docs: list[_Doc] = []
    for item in root.iterfind("agendaitems/agendaitem"):
        number = _text(item, "fulldisplaynumberformat") or _text(item, "agendaitemnumber")
        agenda_item = {"number": number.rstrip("."), "title": _text(item, "agendaitemtitle")}
        for linked in item.iterfind("linkeddocuments/linkeddoc"):
            attachment = _text(linked, "attachmentid")
            if not attachment.isdigit():
                raise ListingBrokenError(
                    f"{url}: expected digits in <linkeddoc><attachmentid>, got {attachment!r}"
                )
            title = _text(linked, "title")
            link = _text(linked, "url") or f"mgConvert2PDF.aspx?ID={attachment}"
            if _text(linked, "isurl") == "True":
                doc_type = "other"  # a link to a web page, not a paper
            elif _text(linked, "isdecisionattachment") == "True":
                doc_type = "decision"
            else:
                doc_type = classify(title, default="report")
            docs.append(
                _Doc(
                    key=f"s{attachment}",
                    url=absolute_url(link, base_url),
                    raw_title=title or f"Attachment {attachment}",
                    document_type=doc_type,
                    publication_date=_dmy(_text(linked, "publicationdate")),
                    agenda_item=agenda_item,
                    also_listed_under=[],
                    restricted=_text(linked, "isrestricted") == "True",
                )
            )
    return merge_docs([], docs)


# -- HTML parsing --------------------------------------------------------------------------------


@dataclass
class MeetingPage:
    """What a meeting's ieListDocuments.aspx page lists."""

    status: str | None
    item_docs: list[_Doc]
    pack_docs: list[_Doc]


def _link_text(anchor: Tag) -> str:
    text = " ".join(anchor.get_text(" ", strip=True).split())
    return _SIZE_SUFFIX.sub("", text).strip()


def page_status(text: str) -> str | None:
    """CANCELLED / POSTPONED / MOVED / NEW as ModernGov appends them to a meeting's name."""
    match = _STATUS_WORDS.search(text)
    return match.group(1).capitalize() if match else None


def parse_meetings_page(page: str, url: str, committee_id: int) -> tuple[str | None, list[Meeting]]:
    """(committee title, meetings) from an ieListMeetings.aspx page; links to
    ieListDocuments.aspx with MId=/MeetingId= and the date as link text.

    Raises ListingBrokenError when no meeting link parses: the layout is inferred, so an
    empty result means it changed, not that the committee never met.
    """
    soup = BeautifulSoup(page, "lxml")
    text = " ".join(soup.get_text(" ").split())
    match = re.search(r"This page lists the meetings for (.+?)\.(?:\s|$)", text)
    title = match.group(1).strip() if match else None
    meetings: dict[int, Meeting] = {}
    for anchor in soup.find_all("a", href=True):
        href = str(anchor["href"])
        if "ielistdocuments.aspx" not in href.lower():
            continue
        query = {k.lower(): v for k, v in parse_qs(urlsplit(href).query).items()}
        mid = (query.get("mid") or query.get("meetingid") or [""])[0]
        label = " ".join(anchor.get_text(" ", strip=True).split())
        when = date_in_text(label)
        if not mid.isdigit() or when is None:
            continue
        meetings.setdefault(int(mid), Meeting(committee_id, title or "", int(mid), when, page_status(label)))
    if not meetings:
        raise ListingBrokenError(
            f"{url}: expected links to ieListDocuments.aspx?...MId=<id> with a meeting date as their text; none found"
        )
    return title, list(meetings.values())


def date_in_text(text: str) -> date | None:
    """The first 'd Month yyyy' (ordinals, commas and weekdays allowed) in a piece of text."""
    match = _DATE_IN_TEXT.search(text)
    return parse_date(f"{match.group(1)} {match.group(2)} {match.group(3)}") if match else None


def parse_meeting_page(
    page: str, url: str, base_url: str, *, require_items: bool = True, require_packs: bool = True
) -> MeetingPage:
    """Agenda-item documents (table.mgItemTable) and meeting packs (div.mgLinks) of an
    ieListDocuments.aspx page.

    Raises ListingBrokenError when the page has neither a ModernGov item table nor a packs
    list nor the mgContent block (it is not a meeting page any more).
    """
    soup = BeautifulSoup(page, "lxml")
    title_text = " ".join(soup.title.get_text(" ").split()) if soup.title else ""
    heading = soup.select_one("h2.mgSubTitleTxt, h1, h2")
    status = page_status(title_text) or (page_status(heading.get_text(" ")) if heading else None)
    links = soup.select("div.mgLinks ul.mgActionList li a[href]")
    table = soup.select_one("table.mgItemTable, table#mgItemTable")
    content = soup.select_one("div.mgContent")
    if table is None and not links and content is None:
        raise ListingBrokenError(
            f"{url}: expected a ModernGov meeting page (table.mgItemTable, div.mgLinks or div.mgContent); none found"
        )

    pack_docs: list[_Doc] = []
    for anchor in links:
        key = document_key(str(anchor["href"]))
        if key is None:
            continue  # attendance, directions, decisions pages: not documents
        title = _link_text(anchor)
        doc_type = "supplementary" if key.endswith("-T9") else classify(title, default="other")
        if key.startswith("g") and "-" not in key:
            key = f"{key}-{doc_type}"
        pack_docs.append(
            _Doc(key, absolute_url(str(anchor["href"]), base_url), title, doc_type, None, None, [])
        )

    item_docs: list[_Doc] = []
    if table is not None:
        rows = table.find_all("tr")
        current: dict[str, str] | None = None
        items_seen = 0
        for row in rows:
            number_cell = row.select_one("td.mgItemNumberCell")
            if number_cell is not None:
                items_seen += 1
                number = " ".join(number_cell.get_text(" ").split()).rstrip(".")
                title_node = next(
                    (p for p in row.select("p.mgAiTitleTxt") if number_cell not in p.parents), None
                )
                item_title = _link_text(title_node) if title_node else ""
                current = {"number": number, "title": item_title}
            for anchor in row.find_all("a", href=True):
                href = str(anchor["href"])
                key = document_key(href)
                if key is None or not key.startswith("s"):
                    continue
                title = _link_text(anchor)
                item_docs.append(
                    _Doc(
                        key,
                        absolute_url(href, base_url),
                        title,
                        classify(title, default="report"),
                        None,
                        current,
                        [],
                    )
                )
        if items_seen == 0 and require_items:
            raise ListingBrokenError(
                f"{url}: expected agenda item rows (td.mgItemNumberCell) in table.mgItemTable; none found"
            )
    if require_packs and not links:
        raise ListingBrokenError(
            f"{url}: the web service says papers are published but the page has no div.mgLinks packs list"
        )
    return MeetingPage(status, item_docs, pack_docs)


# -- shared helpers ------------------------------------------------------------------------------


def classify(title: str, *, default: str) -> str:
    """A document type from its title: supplementary, minutes, decision, agenda, else default."""
    lowered = title.lower()
    if "supplement" in lowered:
        return "supplementary"
    if "minutes" in lowered:
        return "minutes"
    if "decision" in lowered:
        return "decision"
    if "agenda" in lowered or "reports pack" in lowered or "frontsheet" in lowered:
        return "agenda"
    return default


def document_key(href: str) -> str | None:
    """The publisher's id for a document link, or None when the link is not a document."""
    href = href.strip()
    parts = urlsplit(href)
    query = {k.lower(): v[0] for k, v in parse_qs(parts.query).items()}
    path = unquote(parts.path)
    match = _DOC_PATH.search(path)
    if match:
        prefix, number = match.group(1).lower(), match.group(2)
        if prefix == "g" and query.get("t", "").isdigit():
            return f"g{number}-T{query['t']}"
        return f"{prefix}{number}"
    name = path.rsplit("/", 1)[-1].lower()
    doc_id = query.get("id", "")
    if not doc_id.isdigit():
        return None
    if name == "mgconvert2pdf.aspx":
        kind = query.get("t", "")
        return f"mg{doc_id}-T{kind}" if kind.isdigit() else f"s{doc_id}"
    if name == "mgchoosedocpack.aspx":
        return f"pack{doc_id}"
    return None


def absolute_url(link: str, base_url: str) -> str:
    """An absolute URL on the publisher's site; http:// links to the base's own host take the
    base's scheme (the service is known to hand out http:// links on https sites)."""
    # FING: hrefs can carry stray CR/LF
    link = re.sub(r"[\r\n\t]+", "", link.strip())
    url = urljoin(base_url + "/", link)
    parts, base = urlsplit(url), urlsplit(base_url)
    if parts.scheme == "http" and base.scheme == "https" and parts.hostname == base.hostname:
        url = urlunsplit(("https", parts.netloc, parts.path, parts.query, parts.fragment))
    return url.replace(" ", "%20")


def merge_docs(first: list[_Doc], more: list[_Doc]) -> list[_Doc]:
    """Documents by key, first occurrence kept; later listings of the same key add their agenda
    item to also_listed_under and fill a missing publication date."""
    merged: dict[str, _Doc] = {}
    for doc in [*first, *more]:
        kept = merged.get(doc.key)
        if kept is None:
            merged[doc.key] = doc
            continue
        if (
            doc.agenda_item
            and doc.agenda_item != kept.agenda_item
            and doc.agenda_item not in kept.also_listed_under
        ):
            kept.also_listed_under.append(doc.agenda_item)
        if kept.publication_date is None and doc.publication_date is not None:
            kept.publication_date = doc.publication_date
    return list(merged.values())
