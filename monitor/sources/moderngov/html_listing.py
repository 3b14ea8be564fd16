"""Reading ModernGov's HTML pages: a committee's meetings (`ieListMeetings.aspx`) and one
meeting's page (`ieListDocuments.aspx`: its agenda items' documents and its meeting packs).

What is confirmed and what is not (../shared/fixtures/moderngov/evidence-2026/REPORT.md):
the URLs, the heading and link-text date formats and the 2010 Harrow packs block
(`div.mgLinks ul.mgActionList`) are real; the modern packs container and the agenda-item
markup are not. Real item tables come both with `td.mgItemNumberCell` (Kent) and without it,
the number a bare cell reading "6." (Oxford), so items are read either way, documents are
read wherever they are on the page, and a page whose document links none of these readings
understands is ListingBrokenError.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import parse_qs, unquote, urlsplit

from bs4 import BeautifulSoup, Tag

from monitor.dates import parse_date
from monitor.errors import ListingBrokenError
from monitor.sources.moderngov.model import Doc, Meeting, absolute_url, classify, document_key, is_pack_key

_SIZE_SUFFIX = re.compile(
    r"\s*(?:pdf icon\s*)?\b(?:PDF|DOCX?|XLSX?|PPTX?|HTML?|RTF|TXT)\s+[\d.,]+\s*(?:KB|MB|GB|bytes|B)\b\s*$",
    re.I,
)
_DATE_IN_TEXT = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]{3,9})\.?,?\s+(\d{4})\b")
_STATUS_WORDS = re.compile(r"\b(CANCELLED|POSTPONED|MOVED|NEW|RESCHEDULED)\b")
# "(Cancelled)" in mixed case; bare mixed-case words are not statuses ("New Homes Bonus")
_STATUS_PAREN = re.compile(r"\((cancelled|postponed|moved|rescheduled)\)", re.I)
_ITEM_NUMBER = re.compile(r"^\d{1,3}[A-Za-z]?(?:\.\d{1,2})?\.?$")
_FILE_SUFFIX = re.compile(r"\.(?:pdf|docx?|xlsx?|pptx?|odt|ods|rtf)$", re.I)
_LOOKS_LIKE_FILE = re.compile(r"pdf icon|\b(?:PDF|DOCX?|XLSX?)\s+[\d.,]+\s*(?:KB|MB)\b", re.I)
_ITEM_TABLES = "table.mgItemTable, table#mgItemTable"
_PACK_LINKS = "div.mgLinks ul.mgActionList li a[href]"


@dataclass
class MeetingPage:
    """What a meeting's ieListDocuments.aspx page lists.

    unread: same-site links that look like documents (a file name, "PDF 148 KB") in a form
    no key is known for; the caller marks its listing incomplete.
    """

    status: str | None
    item_docs: list[Doc]
    pack_docs: list[Doc]
    unread: list[str] = field(default_factory=list)


def link_text(anchor: Tag) -> str:
    """An anchor's text without ModernGov's "pdf icon PDF 148 KB" suffix."""
    text = " ".join(anchor.get_text(" ", strip=True).split())
    return _SIZE_SUFFIX.sub("", text).strip()


def page_status(text: str) -> str | None:
    """CANCELLED / POSTPONED / MOVED / NEW as ModernGov appends them to a meeting's name, or a
    mixed-case "(Cancelled)"."""
    match = _STATUS_WORDS.search(text) or _STATUS_PAREN.search(text)
    return match.group(1).capitalize() if match else None


def date_in_text(text: str) -> date | None:
    """The first 'd Month yyyy' (ordinals, commas and weekdays allowed) in a piece of text."""
    match = _DATE_IN_TEXT.search(text)
    return parse_date(f"{match.group(1)} {match.group(2)} {match.group(3)}") if match else None


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
            f"{url}: expected links to ieListDocuments.aspx?...MId=<id> with a meeting date as their text; none found",
            url=url,
        )
    return title, list(meetings.values())


def _item_table(soup: BeautifulSoup) -> Tag | None:
    """The agenda-item table: ModernGov's class or id, else a table headed "No." and "Item"
    (the header the stored Harrow pages show: "No. | Item", "Note No. Item")."""
    table = soup.select_one(_ITEM_TABLES)
    if table is not None:
        return table
    for candidate in soup.find_all("table"):
        first = candidate.find("tr")
        cells = [" ".join(c.get_text(" ").split()).lower() for c in first.find_all(["th", "td"])] if first else []
        if "item" in cells and any(c in ("no.", "no", "note no.") for c in cells):
            return candidate
    return None


def _item_of_row(row: Tag) -> dict[str, str] | None:
    """The agenda item a table row starts: its number cell (td.mgItemNumberCell, or a bare
    cell reading like "6.") and its title (the first p.mgAiTitleTxt outside the number cell,
    else the next cell's first line). None for headings and continuation rows."""
    cells = row.find_all("td", recursive=False) or row.find_all("td")
    number_cell = row.select_one("td.mgItemNumberCell")
    if number_cell is None:
        number_cell = next(
            (c for c in cells[:-1] if _ITEM_NUMBER.match(" ".join(c.get_text(" ").split()))), None
        )
        if number_cell is None:
            return None
    number = " ".join(number_cell.get_text(" ").split()).rstrip(".")
    title_node = next((p for p in row.select("p.mgAiTitleTxt") if number_cell not in p.parents), None)
    if title_node is not None:
        title = link_text(title_node)
    else:
        later = cells[cells.index(number_cell) + 1 :] if number_cell in cells else []
        lines = [line.strip() for line in later[0].get_text("\n").splitlines() if line.strip()] if later else []
        title = _SIZE_SUFFIX.sub("", lines[0]).strip() if lines else ""
    if not number and not title:
        return None
    return {"number": number, "title": title}


def _same_site(href: str, base_url: str) -> bool:
    host = urlsplit(href.strip()).hostname
    return host is None or host == urlsplit(base_url).hostname


def _looks_like_document(anchor: Tag) -> bool:
    path = unquote(urlsplit(str(anchor["href"]).strip()).path)
    return bool(_FILE_SUFFIX.search(path) or anchor.select_one("span.mgFileSize") or _LOOKS_LIKE_FILE.search(
        anchor.get_text(" ")
    ))


def _pack_docs(anchors: list[Tag], base_url: str) -> list[Doc]:
    docs: list[Doc] = []
    keys: set[str] = set()
    once = {id(a): a for a in anchors}  # the known block's links are on the page too
    for anchor in once.values():
        href = str(anchor["href"])
        key = document_key(href)
        if key is None or not is_pack_key(key):
            continue
        title = link_text(anchor)
        doc_type = "supplementary" if key.endswith("-T9") else classify(title, default="other")
        if key.startswith("g") and "-" not in key:
            key = f"{key}-{doc_type}"
            if key in keys:
                # two untyped g documents of one class: the file name tells them apart
                stem = unquote(urlsplit(href).path).rsplit("/", 1)[-1].rsplit(".", 1)[0]
                key = f"{key}-{re.sub(r'[^a-z0-9]+', '-', stem.lower()).strip('-')}"
        if key in keys:
            continue
        keys.add(key)
        docs.append(Doc(key, absolute_url(href, base_url), title, doc_type, None, None, []))
    return docs


def parse_meeting_page(
    page: str, url: str, base_url: str, *, require_items: bool = True, require_packs: bool = True
) -> MeetingPage:
    """Agenda-item documents and meeting packs of an ieListDocuments.aspx page.

    Packs are read from div.mgLinks (Harrow's confirmed markup) and, since the modern container
    is unknown, from meeting-level links (documents/g…, documents/b…, mgConvert2PDF…&T=,
    mgChooseDocPack) anywhere on the page. Item documents (documents/s…, mgConvert2PDF without
    T=) are read anywhere too, with their agenda item when they sit in an item row.

    Raises ListingBrokenError when the page is not a ModernGov meeting page, when an item table
    has no item rows (require_items), when it has no packs (require_packs), or when it links
    documents of which none could be read.
    """
    soup = BeautifulSoup(page, "lxml")
    title_text = " ".join(soup.title.get_text(" ").split()) if soup.title else ""
    heading = soup.select_one("h2.mgSubTitleTxt, h1, h2")
    status = page_status(title_text) or (page_status(heading.get_text(" ")) if heading else None)
    anchors = soup.find_all("a", href=True)
    known_packs = soup.select(_PACK_LINKS)
    table = _item_table(soup)
    content = soup.select_one("div.mgContent")
    if table is None and not known_packs and content is None:
        raise ListingBrokenError(
            f"{url}: expected a ModernGov meeting page (table.mgItemTable, div.mgLinks or div.mgContent); none found",
            url=url,
        )

    pack_docs = _pack_docs([*known_packs, *anchors], base_url)

    item_docs: list[Doc] = []
    seen_items: set[str] = set()

    def add_item_doc(anchor: Tag, item: dict[str, str] | None) -> None:
        href = str(anchor["href"])
        key = document_key(href)
        if key is None or is_pack_key(key):
            return
        title = link_text(anchor)
        item_docs.append(Doc(key, absolute_url(href, base_url), title, classify(title, default="report"), None, item, []))
        seen_items.add(key)

    if table is not None:
        current: dict[str, str] | None = None
        items_seen = 0
        for row in table.find_all("tr"):
            item = _item_of_row(row)
            if item is not None:
                items_seen += 1
                current = item
            for anchor in row.find_all("a", href=True):
                add_item_doc(anchor, current)
        if items_seen == 0 and require_items:
            raise ListingBrokenError(
                f"{url}: expected agenda item rows (a td.mgItemNumberCell, or a cell reading like '6.' beside the "
                "item's title) in the item table; none found",
                url=url,
            )
    for anchor in anchors:
        key = document_key(str(anchor["href"]))
        if key is not None and not is_pack_key(key) and key not in seen_items:
            add_item_doc(anchor, None)

    unread = [
        str(a["href"]).strip()
        for a in anchors
        if document_key(str(a["href"])) is None and _same_site(str(a["href"]), base_url) and _looks_like_document(a)
    ]
    if unread and not item_docs and not pack_docs:
        raise ListingBrokenError(
            f"{url}: {len(unread)} link(s) that look like documents (e.g. {unread[0]!r}) but none in a form this "
            "adapter reads (documents/s<N>/..., documents/g<N>/..., mgConvert2PDF.aspx?ID=..., mgChooseDocPack.aspx)",
            url=url,
        )
    if require_packs and not pack_docs:
        raise ListingBrokenError(f"{url}: expected meeting packs (div.mgLinks or documents/g… links); none found", url=url)
    return MeetingPage(status, item_docs, pack_docs, unread)
