"""One page of the Ombudsman's decision search read: its "has N results" line and its result
cards, each a DocumentRef keyed by the decision's reference (the card markup has never been
seen: REPORT.md 1a, so everything a card shows is checked against its link).

monitor/sources/lgsco/source.py pages through the search and checks the window as a whole; nothing
here fetches.
"""

from __future__ import annotations

import logging
import re
from datetime import date
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup, Tag

from monitor.dates import parse_date
from monitor.errors import ListingBrokenError
from monitor.sources.base import DocumentRef
from monitor.sources.lgsco.reader import HEADING, remedy_from_summary
from monitor.sources.lgsco.severity import slug as _slug

log = logging.getLogger(__name__)

DECISION_PATH = re.compile(r"^/decisions/([a-z0-9-]+)/([a-z0-9-]+)/(\d{2}-\d{3}-\d{3})/?$", re.I)
#: three path segments under /decisions/: a decision page, whatever its reference looks like
_DECISION_LIKE = re.compile(r"^/decisions/[^/]+/[^/]+/[^/]+/?$", re.I)
#: outcomes we have seen or have good reason to expect; used only when the card's
#: subcategory cannot be matched against the URL slug
KNOWN_DECISIONS = (
    "Closed after initial enquiries",
    "Not upheld",
    "Upheld",
    "Report issued",
    "Advice given",
    "Referred back for local resolution",
    "Incomplete/Invalid",
)
_RESULT_COUNT = re.compile(r"has\s+([0-9,]+)\s+results?", re.I)
_CARD_TYPE = re.compile(r"^\s*(Statement|Report)\b\s*", re.I)
_CARD_LABEL = re.compile(r"\b(Category|Decision date|Decision|Date)\s*:\s*", re.I)

# Cards are modelled with "28-Jul-2025"; decision pages write "28 Jul 2025"; the card markup
# has never been seen, so full month names and "Sept" ("28 September 2025", "3 Sept 2025")
# are read too.
CARD_DATE = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?[- ]([A-Za-z]{3,9})\.?,?[- ](\d{4})\b")
# Anything still looking like a date once the date is read: a form we do not read, which
# would otherwise be lost and glued onto the subcategory.
_DATE_LIKE = re.compile(r"\b(?:19|20)\d{2}\b|\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b")


def card_date(head: str, reference: str, page_url: str) -> tuple[date | None, str]:
    """The card's date and the card text without it.

    Raises
    ListingBrokenError when the card holds date-like text that is not read as a date: the
    decision would be listed undated and the date text taken for part of the subcategory.
    """
    published = None
    checked = head
    date_match = CARD_DATE.search(head)
    if date_match:
        published = parse_date(" ".join(date_match.groups()))
        if published is not None:
            # After the date comes what the card says of the case (an unlabelled summary may
            # name other dates); before it, the outcome and subcategory, where no date belongs.
            checked = head[: date_match.start()]
            head = checked + head[date_match.end() :]
    leftover = _DATE_LIKE.search(checked)
    if leftover or (date_match and published is None):
        shown = date_match.group(0) if date_match and published is None else leftover.group(0) if leftover else ""
        raise ListingBrokenError(
            f"{page_url}: the result card of {reference} holds date-like text {shown!r} that is not read as a "
            "date (expected e.g. '08-Dec-2023', '28 Jul 2025' or '28 September 2025'); the card's date form changed",
            url=page_url,
        )
    return published, head


def parse_results_page(html: str, page_url: str, authority: str | None = None) -> tuple[int, list[DocumentRef]]:
    """The total the page announces and its decisions, in page order.

    Raises
    ListingBrokenError when the page has no "has N results" line, when it has no decision
    links although it does not say it has no results, when a decision-like link's reference
    cannot be read, when the page text shows a reference that no readable link carries, or
    when a card shows neither an outcome nor a date.
    """
    soup = BeautifulSoup(html, "lxml")
    text = soup.get_text(" ", strip=True)
    count = _RESULT_COUNT.search(text)
    total = int(count.group(1).replace(",", "")) if count else None
    links = _decision_links(soup, page_url)
    if not links:
        if total == 0:
            return 0, []
        expected = f"it says it has {total} results" if total else "no 'Your search has N results' line either"
        raise ListingBrokenError(
            f"{page_url}: expected links to decisions (/decisions/<category>/<subcategory>/<YY-NNN-NNN>) "
            f"but found none ({expected}); the layout may have changed or the site served an empty search shell",
            url=page_url,
        )
    if total is None:
        raise ListingBrokenError(
            f"{page_url}: found {len(links)} decision links but no 'Your search has N results' line, so the "
            "pages cannot be checked against the count; the layout has changed",
            url=page_url,
        )
    unreadable = _unreadable_links(soup, page_url)
    if unreadable:
        raise ListingBrokenError(
            f"{page_url}: result links whose reference cannot be read ({', '.join(unreadable[:3])}); expected "
            "/decisions/<category>/<subcategory>/<YY-NNN-NNN>",
            url=page_url,
        )
    linked = {path.rsplit("/", 1)[1].replace("-", " ") for path in links}
    shown = {" ".join(m.groups()) for m in re.finditer(r"\(\s*(\d{2}) (\d{3}) (\d{3})\s*\)", text)}
    if shown - linked:
        raise ListingBrokenError(
            f"{page_url}: the page shows decisions {', '.join(sorted(shown - linked))} without a readable link to "
            "their decision page; a result card's markup changed",
            url=page_url,
        )
    refs: list[DocumentRef] = []
    for path, link in links.items():
        ref = _card_to_ref(link, path, page_url, links)
        if not (ref.meta["decision"] or ref.published):
            raise ListingBrokenError(
                f"{page_url}: the result card of {ref.key} shows neither an outcome nor a date "
                "(expected e.g. 'Statement Upheld Child protection 08-Dec-2023'); the result card layout has changed",
                url=page_url,
            )
        if authority and ref.meta["authority"] and ref.meta["authority"].casefold() != authority.casefold():
            log.info("%s: %s names %s, not %s", page_url, ref.key, ref.meta["authority"], authority)
        refs.append(ref)
    return total, refs


def _unreadable_links(soup: BeautifulSoup, page_url: str) -> list[str]:
    """Links shaped like a decision page whose last segment is not a YY-NNN-NNN reference."""
    bad = []
    for anchor in soup.find_all("a", href=True):
        path = urlsplit(urljoin(page_url, anchor["href"])).path.rstrip("/")
        if _DECISION_LIKE.match(path) and not DECISION_PATH.match(path):
            bad.append(path)
    return bad


def _decision_links(soup: BeautifulSoup, page_url: str) -> dict[str, Tag]:
    """Decision page path -> its first link, in page order."""
    found: dict[str, Tag] = {}
    for anchor in soup.find_all("a", href=True):
        path = urlsplit(urljoin(page_url, anchor["href"])).path.rstrip("/")
        if DECISION_PATH.match(path) and path.lower() not in found:
            found[path.lower()] = anchor
    return found


def _card_of(link: Tag, paths: dict[str, Tag], page_url: str) -> Tag:
    """The largest element around a link that holds no other decision's link: its card."""
    node = link
    while isinstance(node.parent, Tag) and node.parent.name not in ("body", "html", "[document]"):
        others = {
            urlsplit(urljoin(page_url, a["href"])).path.rstrip("/").lower()
            for a in node.parent.find_all("a", href=True)
        } & paths.keys()
        if len(others) > 1:
            break
        node = node.parent
    return node


def _card_to_ref(link: Tag, path: str, page_url: str, paths: dict[str, Tag]) -> DocumentRef:
    match = DECISION_PATH.match(path)
    assert match  # _decision_links only keeps matching paths
    category_slug, subcategory_slug, dashed = (g.lower() for g in match.groups())
    reference = dashed.replace("-", " ")
    link_text = " ".join(link.get_text(" ", strip=True).split())
    card_text = " ".join(_card_of(link, paths, page_url).get_text(" ", strip=True).split())
    # The heading "<Authority> (<ref>)" is the link text in the modelled cards; where the link
    # shows only the reference, the authority is read from the card text around it.
    around = " ".join(link.parent.get_text(" ", strip=True).split()) if isinstance(link.parent, Tag) else ""
    heading = HEADING.match(link_text) or re.match(
        rf"^(?P<authority>[A-Z][^()]*?)\s*\(\s*(?P<ref>{re.escape(reference)})\s*\)", around
    )
    authority = heading.group("authority").strip() if heading else None
    if heading and heading.group(0).strip() in card_text:
        after = card_text.split(heading.group(0).strip(), 1)[1]
    elif link_text and link_text in card_text:
        after = card_text.split(link_text, 1)[1]
    else:
        after = card_text
    head, _, summary = after.partition("Summary:")
    doc_type = "Statement"
    type_match = _CARD_TYPE.match(head)
    if type_match:
        doc_type = type_match.group(1).capitalize()
        head = head[type_match.end() :]
    if _CARD_LABEL.search(head):
        decision, subcategory, published = _labelled_card(head, subcategory_slug, reference, page_url)
    else:
        published, head = card_date(head, reference, page_url)
        decision, subcategory = _split_outcome(head.strip(), subcategory_slug)
    summary = summary.strip() or None
    url = urljoin(page_url, link["href"])
    meta = {
        "authority": authority,
        "reference": reference,
        "category": _humanise(category_slug),
        "category_slug": category_slug,
        "subcategory": subcategory,
        "subcategory_slug": subcategory_slug,
        "decision": decision,
        "decision_date": published.isoformat() if published else None,
        "statement_type": doc_type,
        "summary": summary,
        "remedy": remedy_from_summary(summary),
    }
    title = f"{authority} ({reference})" if authority else f"Ombudsman decision {reference}"
    if decision:
        title += f": {decision}"
    return DocumentRef(
        key=reference,
        url=url,
        title=title,
        published=published,
        kind="public report" if doc_type == "Report" else "decision",
        meta=meta,
        fingerprint=f"{decision}|{meta['decision_date']}" if (decision or published) else None,
    )


def _labelled_card(
    head: str, subcategory_slug: str, reference: str, page_url: str
) -> tuple[str | None, str, date | None]:
    """A card written like a decision page: "Decision : Upheld Decision date : 28 Jul 2025"."""
    parts = _CARD_LABEL.split(head)
    labels = {parts[i].lower(): parts[i + 1].strip() for i in range(1, len(parts) - 1, 2)}
    decision = labels.get("decision") or None
    when = labels.get("decision date") or labels.get("date")
    published, _ = card_date(when, reference, page_url) if when else (None, "")
    _, sep, sub = (labels.get("category") or "").partition(">")
    return decision, (sub.strip() if sep and sub.strip() else _humanise(subcategory_slug)), published


def _split_outcome(words_text: str, subcategory_slug: str) -> tuple[str | None, str]:
    """Split "Closed after initial enquiries Parking and other penalties" into outcome and
    subcategory, using the URL's subcategory slug to find where the subcategory starts."""
    words = words_text.split()
    for start in range(len(words)):
        if _slug(" ".join(words[start:])) == subcategory_slug:
            return (" ".join(words[:start]) or None), " ".join(words[start:])
    lowered = words_text.casefold()
    for outcome in KNOWN_DECISIONS:
        if lowered.startswith(outcome.casefold()):
            rest = words_text[len(outcome) :].strip()
            return words_text[: len(outcome)], rest or _humanise(subcategory_slug)
    return None, _humanise(subcategory_slug)


def _humanise(slug: str) -> str:
    """A readable name from a slug ("children-s-care-services" -> "Children's care services")."""
    text = re.sub(r"(?<=[a-z])-s(?=-|$)", "'s", slug).replace("-", " ")
    return text[:1].upper() + text[1:]
