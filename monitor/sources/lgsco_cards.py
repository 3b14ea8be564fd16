"""The date on an Ombudsman result card (the card markup has never been seen: REPORT.md 1a)."""

from __future__ import annotations

import re
from datetime import date

from monitor.dates import parse_date
from monitor.errors import ListingBrokenError

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
