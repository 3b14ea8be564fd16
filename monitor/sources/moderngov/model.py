"""What both ModernGov roads (the web service and the HTML pages) share: a meeting, a document
found on it, the publisher's document keys, and the URLs the documents live at.

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

import re
from dataclasses import dataclass
from datetime import date
from urllib.parse import parse_qs, unquote, urljoin, urlsplit, urlunsplit

DOCUMENT_TYPES = ("agenda", "minutes", "report", "supplementary", "decision", "other")

_DOC_PATH = re.compile(r"(?:^|/)documents/([sgb])(\d+)/", re.I)


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
class Doc:
    """A document found on a meeting, before it becomes a DocumentRef."""

    key: str
    url: str
    raw_title: str
    document_type: str
    publication_date: date | None
    agenda_item: dict[str, str] | None
    also_listed_under: list[dict[str, str]]
    restricted: bool = False


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


def is_pack_key(key: str) -> bool:
    """A meeting-level document (frontsheet, reports pack, supplements, printed minutes,
    bundles), as opposed to an agenda item's attachment (s<N>)."""
    return not key.startswith("s")


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


def merge_docs(first: list[Doc], more: list[Doc]) -> list[Doc]:
    """Documents by key, first occurrence kept; later listings of the same key add their agenda
    item to also_listed_under and fill a missing publication date."""
    merged: dict[str, Doc] = {}
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
