"""Reading one GOV.UK Content API item: its `details` and the attachments it lists.

An attachment is keyed "<content path>#<path of its URL>": the URL (asset id and file name)
is shared by every edition of a page, whereas Whitehall gives each edition's copy of an
attachment a new `id` (../shared/fixtures/govuk/evidence-2026/REPORT.md, C2). Keys of the
old form "<content path>#<id>" (ids never contain "/") cannot collide with these.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from datetime import date
from typing import Any
from urllib.parse import urljoin, urlsplit

from monitor.dates import parse_date
from monitor.errors import ListingBrokenError
from monitor.sources.base import DocumentRef

log = logging.getLogger(__name__)

_PDF_TYPES = ("application/pdf", "application/x-pdf")
#: what Whitehall sends as attachment_type (FileAttachment, HtmlAttachment, ExternalAttachment)
ATTACHMENT_TYPES = ("file", "html", "external")


def content_details(content: Any, content_url: str) -> dict[str, Any]:
    """The `details` object of a Content API item; ListingBrokenError when it is missing."""
    details = content.get("details") if isinstance(content, dict) else None
    if not isinstance(details, dict):
        raise ListingBrokenError(
            f"{content_url}: expected a Content API item with a 'details' object, got "
            f"{sorted(content) if isinstance(content, dict) else type(content).__name__}",
            url=content_url,
        )
    return details


def attachment_key(page_key: str, url: str) -> str:
    """The stable key of an attachment: the page's key and the path of the attachment URL."""
    return f"{page_key}#{urlsplit(url).path}"


def attachment_refs(
    details: dict[str, Any], page: DocumentRef, page_meta: dict[str, Any], content_url: str, base_url: str
) -> Iterator[DocumentRef]:
    """One DocumentRef per PDF file attachment and per HTML attachment of a content item.

    Other files (spreadsheets, ODT) and external links are not documents the monitor can read;
    they are logged. An attachment it cannot read (no URL, an unknown attachment_type), or a
    featured attachment id that the list does not hold, is ListingBrokenError.
    """
    attachments = details.get("attachments")
    if attachments is None:
        # older items keep their documents as HTML in details.documents: the page's own text
        return
    if not isinstance(attachments, list):
        raise ListingBrokenError(f"{content_url}: expected details.attachments to be a list", url=content_url)
    ids: set[str] = set()
    keys: set[str] = set()
    for item in attachments:
        if not isinstance(item, dict) or not isinstance(item.get("url"), str) or not item["url"].strip():
            raise ListingBrokenError(
                f"{content_url}: expected each details.attachments entry to have a 'url', got {item!r:.200}",
                url=content_url,
            )
        kind = item.get("attachment_type", "file")
        if kind not in ATTACHMENT_TYPES:
            raise ListingBrokenError(
                f"{content_url}: attachment {item.get('id')!r} has attachment_type {kind!r}; "
                f"expected one of {', '.join(ATTACHMENT_TYPES)}",
                url=content_url,
            )
        if item.get("id") is not None:
            ids.add(str(item["id"]))
        url = urljoin(base_url + "/", item["url"].strip())
        content_type = str(item.get("content_type") or "").lower()
        if kind == "html":
            content_type = content_type or "text/html"
        elif kind == "external":
            log.info("%s: external attachment %s is not watched", content_url, url)
            continue
        elif not (content_type in _PDF_TYPES or str(item.get("filename") or url).lower().endswith(".pdf")):
            log.info("%s: attachment %s (%s) is not a PDF; not watched", content_url, url, content_type or "no type")
            continue
        key = attachment_key(page.key, url)
        if key in keys:
            continue
        keys.add(key)
        meta = {
            **page_meta,
            "publication_title": page.title,
            "attachment_id": item.get("id"),
            "attachment_type": kind,
            "attachment_title": item.get("title"),
            "filename": item.get("filename"),
            "content_type": content_type or None,
            "file_size": item.get("file_size"),
            "number_of_pages": item.get("number_of_pages"),
        }
        # A file's size changes with its bytes. An HTML attachment has none: it is re-read when
        # the page has a new edition, and only a changed text is news.
        fingerprint = f"{url}|{item.get('file_size')}" if kind == "file" else f"{url}|{page.fingerprint}"
        title = str(item.get("title") or item.get("filename") or page.title)
        yield DocumentRef(
            key=key,
            url=url,
            title=title,
            published=dated_title(title, page.published),
            kind="attachment",
            meta=meta,
            fingerprint=fingerprint,
        )
    featured = details.get("featured_attachments")
    missing = [str(i) for i in featured or [] if str(i) not in ids] if isinstance(featured, list) else []
    if missing:
        raise ListingBrokenError(
            f"{content_url}: details.featured_attachments names {', '.join(missing)}, which details.attachments "
            f"does not list ({len(attachments)} attachments read)",
            url=content_url,
        )


_TITLE_DATE = re.compile(r"\b(\d{1,2}(?:st|nd|rd|th)?\s+[A-Z][a-z]+,?\s+\d{4})\b")


def dated_title(title: str, page_published: date | None) -> date | None:
    """An attachment's own date where its title states one ("Regulatory Notice: London Borough
    of Harrow (20 April 2023)"), else the page's. A publication that gathers a provider's
    notices over years (the Regulator of Social Housing's) carries only its newest date, which
    would make an old notice look new; a title date after the page's is not trusted."""
    for match in _TITLE_DATE.finditer(title):
        when = parse_date(match.group(1))
        if when is not None and (page_published is None or when <= page_published):
            return when
    return page_published


def organisations(value: Any) -> list[str]:
    """Organisation titles from Search API objects, Content API links, or plain slugs."""
    names: list[str] = []
    for org in value or []:
        if isinstance(org, dict):
            name = org.get("title") or org.get("slug")
        else:
            name = org
        if isinstance(name, str) and name and name not in names:
            names.append(name)
    return names
