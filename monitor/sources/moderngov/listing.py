"""Reading the ModernGov web service's answers (`mgWebService.asmx/GetMeetings` and
`GetMeeting`, bare XML): pure functions over a parsed tree.

Structure confirmed on real answers (../shared/fixtures/moderngov/evidence-2026/REPORT.md,
W1-W5): lower-case element names, no namespace, dd/mm/yyyy dates, whitespace in empty
elements and HTML entities escaped twice.
"""

from __future__ import annotations

import html
import re
from datetime import date

from lxml import etree

from monitor.errors import ListingBrokenError
from monitor.sources.moderngov.model import Doc, Meeting, absolute_url, classify, merge_docs

# Safe XML: no entity expansion, no DTD, no network (a hostile or hijacked server must not make
# us read local files or fetch URLs).
XML_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False
)


def _clean(value: str | None) -> str:
    """Trim and unescape text: the service leaves whitespace in empty elements and sometimes
    double-encodes entities (`&amp;#39;`)."""
    if not value:
        return ""
    return " ".join(html.unescape(value).split())


def text_of(node: etree._Element, tag: str) -> str:
    """The cleaned text of a child element ('' when absent)."""
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
        raise ListingBrokenError(f"{url}: expected a <getmeetings> XML document, got <{_local(root)}>", url=url)
    committees = [c for c in root if _local(c) == "committee"]
    ours = [c for c in committees if text_of(c, "committeeid") == str(committee_id)]
    if committees and not ours:
        found = ", ".join(text_of(c, "committeeid") for c in committees)
        raise ListingBrokenError(
            f"{url}: expected committee {committee_id}, the answer lists committees {found}", url=url)
    meetings: list[Meeting] = []
    for committee in ours:
        title = text_of(committee, "committeetitle") or None
        for node in committee.iterfind("committeemeetings/meeting"):
            meeting_id = text_of(node, "meetingid")
            when = _dmy(text_of(node, "meetingdate"))
            if not meeting_id.isdigit() or when is None:
                raise ListingBrokenError(
                    f"{url}: expected <meetingid> digits and <meetingdate> dd/mm/yyyy, got "
                    f"{meeting_id!r} and {text_of(node, 'meetingdate')!r}", url=url)
            meetings.append(
                Meeting(
                    committee_id,
                    title or f"Committee {committee_id}",
                    int(meeting_id),
                    when,
                    text_of(node, "meetingstatus") or None,
                    text_of(node, "meetingtime") or None,
                )
            )
    declared = text_of(root, "meetingscount")
    if not committees and not declared.isdigit():
        raise ListingBrokenError(
            f"{url}: expected <committee> or <meetingscount> in <getmeetings>; found neither", url=url)
    if declared.isdigit() and int(declared) > 0 and not meetings:
        raise ListingBrokenError(f"{url}: <meetingscount> says {declared} but no <meeting> element was read", url=url)
    return meetings


def parse_get_meeting(root: etree._Element, url: str, meeting_id: int, base_url: str) -> list[Doc]:
    """The agenda items' linked documents in a GetMeeting answer, one Doc per attachment id
    (a document under several items is listed once, the others in also_listed_under)."""
    if _local(root) != "meeting":
        raise ListingBrokenError(f"{url}: expected a <meeting> XML document, got <{_local(root)}>", url=url)
    if text_of(root, "meetingid") != str(meeting_id):
        raise ListingBrokenError(
            f"{url}: expected <meetingid>{meeting_id}</meetingid>, got {text_of(root, 'meetingid')!r}", url=url)
    docs: list[Doc] = []
    for item in root.iterfind("agendaitems/agendaitem"):
        number = text_of(item, "fulldisplaynumberformat") or text_of(item, "agendaitemnumber")
        agenda_item = {"number": number.rstrip("."), "title": text_of(item, "agendaitemtitle")}
        for linked in item.iterfind("linkeddocuments/linkeddoc"):
            attachment = text_of(linked, "attachmentid")
            if not attachment.isdigit():
                raise ListingBrokenError(
                    f"{url}: expected digits in <linkeddoc><attachmentid>, got {attachment!r}", url=url)
            title = text_of(linked, "title")
            link = text_of(linked, "url") or f"mgConvert2PDF.aspx?ID={attachment}"
            if text_of(linked, "isurl") == "True":
                doc_type = "other"  # a link to a web page, not a paper
            elif text_of(linked, "isdecisionattachment") == "True":
                doc_type = "decision"
            else:
                doc_type = classify(title, default="report")
            docs.append(
                Doc(
                    key=f"s{attachment}",
                    url=absolute_url(link, base_url),
                    raw_title=title or f"Attachment {attachment}",
                    document_type=doc_type,
                    publication_date=_dmy(text_of(linked, "publicationdate")),
                    agenda_item=agenda_item,
                    also_listed_under=[],
                    restricted=text_of(linked, "isrestricted") == "True",
                )
            )
    return merge_docs([], docs)
