"""A CQC Syndication API location or provider record turned into DocumentRefs: one per
report in reports[], the report behind an inherited current rating, and one per assessment
plan in assessment[]. The record's fields are read by cqc_api.py; this decides what is a
document and when the record says more than could be read (ListingBrokenError).

A ref carries `ratings` only when it has some: the pipeline merges listing meta over what is
stored, and an empty dict would say "no ratings" of a report whose ratings came from its PDF
or from an earlier listing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from monitor.dates import parse_date
from monitor.errors import ListingBrokenError
from monitor.sources.base import DocumentRef
from monitor.sources.cqc.api_reader import (
    AssessmentShapeError,
    api_ratings_and_sources,
    current_overall,
    ratings_from,
    read_assessments,
)
from monitor.sources.cqc.vocabulary import long_date, normalise_rating

if TYPE_CHECKING:
    from monitor.sources.cqc.settings import CqcReading


def record_refs(
    source: CqcReading,
    data: dict[str, Any],
    url: str,
    facts: dict[str, Any],
    subject: str,
    location_id: str | None,
) -> list[DocumentRef]:
    """Every document a location or provider record names; ListingBrokenError when it names a
    rating or a report and none could be read."""
    refs = report_refs(source, data, url, facts, subject)
    refs += _inherited_ref(source, data, url, facts, subject, listed={r.key for r in refs})
    refs += _assessment_refs(source, data, url, facts, subject, location_id)
    if not refs:
        overall = current_overall(data)
        rated = normalise_rating(overall.get("rating"))
        last = (
            (data.get("lastReport") or {}).get("publicationDate")
            if isinstance(data.get("lastReport"), dict)
            else None
        )
        if rated or last:
            said = f"a current rating ({overall.get('rating')})" if rated else f"a report published {last}"
            raise ListingBrokenError(
                f"{url}: the record says {subject} has {said} but lists no report in reports[] or "
                "assessment[] that could be read",
                url=url,
            )
    return refs


def report_refs(
    source: CqcReading, data: dict[str, Any], url: str, facts: dict[str, Any], subject: str
) -> list[DocumentRef]:
    """One document per entry of reports[]; every entry must be an object with a linkId."""
    reports = data.get("reports") or []
    if not isinstance(reports, list):
        raise ListingBrokenError(f"{url}: expected 'reports' to be a list of reports", url=url)
    ratings_by_report = api_ratings_and_sources(data, url)
    refs = []
    for index, item in enumerate(reports):
        link_id = item.get("linkId") if isinstance(item, dict) else None
        if not isinstance(link_id, str) or not link_id.strip():
            # a report we cannot key may be the newest one, and its rating would be lost
            raise ListingBrokenError(
                f"{url}: expected every entry of reports[] to be an object with a linkId, but "
                f"reports[{index}] is {str(item)[:200]}",
                url=url,
            )
        published = parse_date(item.get("reportDate"))
        meta: dict[str, Any] = {
            **facts,
            "report_date": published.isoformat() if published else None,
            "report_type": item.get("reportType"),
            "first_visit_date": item.get("firstVisitDate"),
        }
        ratings, sources = ratings_by_report.get(link_id, ({}, {}))
        if ratings:
            meta["ratings"] = ratings
            meta["verdict_sources"] = sources
        if item.get("inspectionLocations"):
            meta["inspection_location_ids"] = [
                loc.get("locationId") for loc in item["inspectionLocations"] if isinstance(loc, dict)
            ]
        refs.append(
            DocumentRef(
                key=link_id,
                url=f"{source.api_base_url}/reports/{link_id}",
                title=f"{subject}: CQC inspection report ({long_date(published)})",
                published=published,
                kind="inspection report",
                meta=meta,
            )
        )
    return refs


def _inherited_ref(
    source: CqcReading, data: dict[str, Any], url: str, facts: dict[str, Any], subject: str, listed: set[str]
) -> list[DocumentRef]:
    """The report behind a current rating that reports[] does not list.

    A re-registered location inherits its predecessor's rating; the rating's reportLinkId is
    the predecessor's report, which /reports/{linkId} serves
    (evidence-2026/api/v1_reregistration_anypoint_excerpt.txt). Whether CQC also lists it in
    the successor's reports[] is unknown, so it is a document either way."""
    overall = current_overall(data)
    link_id = overall.get("reportLinkId")
    sources: dict[str, dict[str, str]] = {}
    ratings = ratings_from(
        overall.get("rating"),
        overall.get("keyQuestionRatings"),
        link_id,
        where="currentRatings.overall",
        url=url,
        sources=sources,
    )
    if not link_id or link_id in listed or not ratings:
        return []
    published = parse_date(overall.get("reportDate"))
    meta = {
        **facts,
        "report_date": published.isoformat() if published else None,
        "report_type": None,
        "first_visit_date": None,
        "ratings": ratings,
        "verdict_sources": sources,
        "inherited_from": overall.get("organisationId"),
    }
    return [
        DocumentRef(
            key=link_id,
            url=f"{source.api_base_url}/reports/{link_id}",
            title=f"{subject}: CQC inspection report ({long_date(published)})",
            published=published,
            kind="inspection report",
            meta=meta,
        )
    ]


def _assessment_refs(
    source: CqcReading,
    data: dict[str, Any],
    url: str,
    facts: dict[str, Any],
    subject: str,
    location_id: str | None,
) -> list[DocumentRef]:
    try:
        assessments = read_assessments(data, url)
    except AssessmentShapeError as exc:
        raise ListingBrokenError(
            f"{url}: expected each assessment[] entry to name its assessmentPlanId "
            f"(ratings.asgRatings[].assessmentPlanId) with a rating or a publication date CQC's "
            f"way, but {exc}",
            url=url,
        ) from exc
    if data.get("assessment") and not assessments:
        raise ListingBrokenError(f"{url}: assessment[] is not empty but no assessment plan was read", url=url)
    refs = []
    for item in assessments:
        where = f"/location/{location_id}" if location_id else f"/provider/{facts['provider_id']}"
        meta: dict[str, Any] = {
            **facts,
            "report_date": item.published.isoformat() if item.published else None,
            "report_type": "Assessment",
            "assessment_plan_id": item.plan_id,
            "assessment_date": item.assessment_date,
            "assessment_status": item.status,
            "service_groups": item.service_groups,
        }
        if item.ratings:
            meta["ratings"] = item.ratings
            meta["verdict_sources"] = item.sources
        if item.service_group_ratings:
            meta["service_group_ratings"] = item.service_group_ratings
        if item.percentage_scores:
            meta["percentage_scores"] = item.percentage_scores
        refs.append(
            DocumentRef(
                key=item.plan_id,
                url=f"{source.base_url}{where}/reports/{item.plan_id}/overall",
                title=f"{subject}: CQC assessment report ({long_date(item.published)})",
                published=item.published,
                kind="assessment report",
                meta=meta,
            )
        )
    return refs
