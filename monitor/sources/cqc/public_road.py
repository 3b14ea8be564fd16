"""A CQC location read from its public pages (no API key): www.cqc.org.uk/location/{id}
and its reports tab. The parsers are in cqc_pages.py; this turns what they read into
DocumentRefs, and fails loudly on links it cannot classify or a tab with no report.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from monitor.errors import ListingBrokenError
from monitor.http.client import Response
from monitor.sources.base import DocumentRef
from monitor.sources.cqc.public_pages import parse_download_blocks, parse_location_page, parse_reports_page
from monitor.sources.cqc.vocabulary import long_date

if TYPE_CHECKING:
    from monitor.sources.cqc.settings import CqcReading


def _get(source: CqcReading, url: str) -> Response:
    return source.http.get(url, allowed_hosts=source.allowed_hosts())


def public_location_refs(source: CqcReading, location_id: str) -> Iterator[DocumentRef]:
    """The reports of a location read from its public page and reports tab (no API key)."""
    page_url = f"{source.base_url}/location/{location_id}"
    reports_url = f"{page_url}/reports"
    # each page's parse is reused while the page is unchanged
    summary, latest, unknown_latest = source.parse_listing(_get(source, page_url), read_location_page, page_url)
    header, entries, unknown = source.parse_listing(_get(source, reports_url), read_reports_tab, reports_url)
    for where, links in ((page_url, unknown_latest), (reports_url, unknown)):
        if links:
            raise ListingBrokenError(
                f"{where}: links that look like reports but are neither /location/<id>/reports/<plan id>/overall "
                f"nor /reports/<report uuid>: {', '.join(links[:5])}",
                url=where,
            )
    # the page's "latest report" block names the newest report and its publication date;
    # the reports tab may not list it yet (or at all, for an assessment)
    by_key = {e["key"]: e for e in entries}
    for block in latest:
        if block["key"] in by_key:
            by_key[block["key"]]["published"] = block["date"]
        else:
            entries.insert(0, {**block, "description": None, "published": block["date"]})
            by_key[block["key"]] = entries[0]
    if not entries:
        raise ListingBrokenError(
            f"{reports_url}: expected dated inspections under 'All Inspections' with links to "
            "/reports/<report id> or /location/<id>/reports/<plan id>/overall, found none "
            "(the page layout may have changed)",
            url=reports_url,
        )
    name = summary.get("name") or header.get("name") or location_id
    facts = {
        "location_id": location_id,
        "location_name": name,
        "provider_id": summary.get("provider_id") or header.get("provider_id"),
        "provider_name": summary.get("provider_name") or header.get("provider_name"),
        "service_types": summary.get("service_types") or header.get("service_types") or [],
    }
    # today's ratings from the location page, else from the reports tab's header, each with
    # the page and the words (or the element) it was read from
    shown = summary if summary.get("ratings") else header
    shown_url = page_url if summary.get("ratings") else reports_url
    current = shown.get("ratings") or {}
    current_sources = {
        name: page_source(shown_url, words) for name, words in (shown.get("rating_sources") or {}).items()
    }
    # Today's ratings are the newest report's: the one the "latest report" block links,
    # else the newest dated entry. Older reports' ratings come from the reports (read_meta).
    if latest:
        newest = by_key[latest[0]["key"]]
    else:
        newest = max((e for e in entries if e["date"]), key=lambda e: e["date"], default=entries[0])
    for entry in entries:
        published = entry.get("published") or entry["date"]
        assessment = entry["style"] == "assessment"
        meta = {
            **facts,
            "report_date": published.isoformat() if published else None,
            "inspection_type": entry["description"],
        }
        # only the newest report is given today's ratings; the others' stay as their PDFs or an
        # earlier pass gave them (an empty dict here would overwrite those in the store)
        if entry is newest and current:
            meta["ratings"] = dict(current)
            meta["verdict_sources"] = dict(current_sources)
        yield DocumentRef(
            key=entry["key"],
            url=entry["url"],
            title=f"{name}: CQC {'assessment' if assessment else 'inspection'} report ({long_date(published)})",
            published=published,
            kind="assessment report" if assessment else "inspection report",
            meta=meta,
        )


def read_location_page(html: str, page_url: str) -> tuple[dict[str, Any], list[dict[str, Any]], list[str]]:
    """A location page read: its header (name, provider, ratings), its "latest report"
    blocks and the report-like links in them that could not be classified."""
    latest, unknown = parse_download_blocks(html, page_url)
    return parse_location_page(html), latest, unknown


def read_reports_tab(html: str, reports_url: str) -> tuple[dict[str, Any], list[dict[str, Any]], list[str]]:
    """A location's reports tab read: its header, its dated entries and the report-like links
    that could not be classified."""
    entries, unknown = parse_reports_page(html, reports_url)
    return parse_location_page(html), entries, unknown


def page_source(url: str, words: str) -> dict[str, str]:
    """Where a rating on a public page was read: {"url", "field"} for an element's attribute
    (data-test="safe rating text: Good"), {"url", "text"} for words of the page."""
    if words.startswith("data-test="):
        return {"url": url, "field": words}
    return {"url": url, "text": words}
