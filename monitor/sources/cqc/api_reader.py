"""Reading CQC Syndication API records: ratings per report, Single Assessment Framework
assessments, and the error answers CQC sends inside an HTTP 200 body.

Shapes: the portal schema and the real 2019 answer in ../shared/fixtures/cqc, and
evidence-2026/api/ (Skills for Care's production schema, third-party live observations).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from monitor.dates import parse_date
from monitor.sources.cqc.vocabulary import (
    RATING_FIELDS,
    key_question,
    normalise_rating,
    unreadable_rating,
    worst_rating,
)

UK = ZoneInfo("Europe/London")


def ratings_from(
    overall: Any,
    questions: Any,
    link_id: str | None = None,
    *,
    where: str | None = None,
    url: str | None = None,
    sources: dict[str, dict[str, str]] | None = None,
) -> dict[str, str]:
    """Ratings out of an API `overall` value and its keyQuestionRatings, matched on name.

    With link_id, only key-question ratings from that report count: in currentRatings a key
    question may still carry an older report's rating. With `sources`, each rating read is
    named there as {"url": url, "field": <path of the field it came from>}, `where` being
    the path of the object holding `rating` and `keyQuestionRatings`."""
    ratings: dict[str, str] = {}
    found: dict[str, dict[str, str]] = {}
    if (rating := normalise_rating(overall)) is not None:
        ratings["overall"] = rating
        found["overall"] = {"url": url or "", "field": f"{where}.rating"}
    for index, item in enumerate(questions if isinstance(questions, list) else []):
        if not isinstance(item, dict):
            continue
        if link_id and item.get("reportLinkId") not in (None, link_id):
            continue
        key, rating = key_question(item.get("name")), normalise_rating(item.get("rating"))
        if key and rating:
            ratings[key] = rating
            found[key] = {"url": url or "", "field": f"{where}.keyQuestionRatings[{index}].rating"}
    if sources is not None:
        sources.update({name: found[name] for name in ratings})
    return _ordered(ratings)


def _ordered(ratings: dict[str, str]) -> dict[str, str]:
    return {name: ratings[name] for name in RATING_FIELDS if name in ratings}


def api_ratings_by_report(record: dict[str, Any]) -> dict[str, dict[str, str]]:
    """{report linkId: ratings} from a location or provider record's current and historic ratings."""
    return {link: ratings for link, (ratings, _) in api_ratings_and_sources(record, "").items()}


def api_ratings_and_sources(
    record: dict[str, Any], url: str
) -> dict[str, tuple[dict[str, str], dict[str, dict[str, str]]]]:
    """{report linkId: (ratings, verdict sources)}: each rating with the record's `url` and the
    path of the field it was read from ("historicRatings[2].overall.rating")."""
    result: dict[str, tuple[dict[str, str], dict[str, dict[str, str]]]] = {}
    for index, item in enumerate(record.get("historicRatings") or []):
        if isinstance(item, dict) and item.get("reportLinkId"):
            overall = item.get("overall") or {}
            sources: dict[str, dict[str, str]] = {}
            ratings = ratings_from(
                overall.get("rating"),
                overall.get("keyQuestionRatings"),
                where=f"historicRatings[{index}].overall",
                url=url,
                sources=sources,
            )
            result[item["reportLinkId"]] = (ratings, sources)
    overall = current_overall(record)
    link_id = overall.get("reportLinkId")
    if link_id:
        sources = {}
        ratings = ratings_from(
            overall.get("rating"),
            overall.get("keyQuestionRatings"),
            link_id,
            where="currentRatings.overall",
            url=url,
            sources=sources,
        )
        result[link_id] = (ratings, sources)
    return result


def current_overall(record: dict[str, Any]) -> dict[str, Any]:
    """currentRatings.overall, or {} when absent or null (as it is for many SAF-assessed services)."""
    current = record.get("currentRatings")
    overall = current.get("overall") if isinstance(current, dict) else None
    return overall if isinstance(overall, dict) else {}


# -- Single Assessment Framework --------------------------------------------------------------


@dataclass
class Assessment:
    """One assessment plan of a location, as the API's assessment[] describes it."""

    plan_id: str
    published: date | None = None
    assessment_date: str | None = None
    status: str | None = None
    title: str | None = None
    service_groups: list[str] = field(default_factory=list)
    #: the location's ratings from this assessment, in the fields old reports use
    ratings: dict[str, str] = field(default_factory=dict)
    #: {service group name: ratings}, only when the assessment rated several groups
    service_group_ratings: dict[str, dict[str, str]] = field(default_factory=dict)
    #: {key question: percentage score as CQC gives it}
    percentage_scores: dict[str, str] = field(default_factory=dict)
    #: {rating field: {"url": the record's URL, "field": the path the rating was read from}}
    sources: dict[str, dict[str, str]] = field(default_factory=dict)


class AssessmentShapeError(ValueError):
    """An assessment[] entry the reader cannot turn into a report (no plan id...)."""


def _percentages(questions: Any) -> dict[str, str]:
    scores: dict[str, str] = {}
    for item in questions if isinstance(questions, list) else []:
        if not isinstance(item, dict):
            continue
        # the portal schema spells it "percengtageScore"; Skills for Care's live schema does not
        value = item.get("percentageScore", item.get("percengtageScore"))
        key = key_question(item.get("name"))
        if key and value not in (None, ""):
            scores[key] = str(value).strip()
    return scores


def _with_paths(value: Any, path: str) -> list[dict[str, Any]]:
    """The objects of a list (or a lone object), each copied with its path in the record
    under "_path", so a rating read from it can name the field it came from."""
    if isinstance(value, list):
        return [{**item, "_path": f"{path}[{index}]"} for index, item in enumerate(value) if isinstance(item, dict)]
    return [{**value, "_path": path}] if isinstance(value, dict) else []


def read_assessments(record: dict[str, Any], url: str = "") -> list[Assessment]:
    """The assessment plans in a record's assessment[], one per assessmentPlanId.

    The rating of the location is the assessment's own `overall` object where CQC fills
    it (non-social-care services); otherwise the service group's rating in asgRatings[]
    (social care: one group), as Skills for Care reads it. With several groups and no
    overall object, each field takes the worst rating any group has, so one group falling to
    Inadequate is a change; each group's ratings are kept in `service_group_ratings`.

    Raises AssessmentShapeError for an entry that names no assessment plan, a rating in a
    form the reader does not know, an unreadable publication date, or a plan with neither a
    rating nor a date."""
    plans: dict[str, dict[str, Any]] = {}
    entries = record.get("assessment")
    if entries is None:
        return []
    if not isinstance(entries, list):
        raise AssessmentShapeError("'assessment' is not a list")
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            raise AssessmentShapeError(f"assessment[{index}] is not an object")
        ratings = entry.get("ratings") if isinstance(entry.get("ratings"), dict) else {}
        groups = _with_paths(ratings.get("asgRatings"), f"assessment[{index}].ratings.asgRatings")
        overall = _with_paths(ratings.get("overall"), f"assessment[{index}].ratings.overall")
        ids = {str(g["assessmentPlanId"]).strip() for g in groups if g.get("assessmentPlanId")}
        if entry.get("assessmentPlanId"):
            ids.add(str(entry["assessmentPlanId"]).strip())
        ids.discard("")
        if not ids:
            raise AssessmentShapeError(f"assessment[{index}] names no assessmentPlanId")
        if len(ids) > 1 and any(not g.get("assessmentPlanId") for g in groups):
            raise AssessmentShapeError(f"assessment[{index}] mixes plans and groups without a plan id")
        for plan_id in sorted(ids):
            plan = plans.setdefault(plan_id, {"entry": entry, "groups": [], "overall": []})
            plan["groups"] += [
                g for g in groups if str(g.get("assessmentPlanId") or plan_id).strip() == plan_id
            ]
            plan["overall"] += overall if len(ids) == 1 else []
    return [_assessment(plan_id, plan, url) for plan_id, plan in plans.items()]


def uk_date(value: Any) -> date | None:
    """The UK calendar day of an API timestamp: "2025-03-01T23:30:00-01:00" is 2 March in
    London. A timestamp without a zone is taken as UK time; "01/03/2025" is day first.

    Raises ValueError for a non-empty value that is no date at all."""
    text = str(value or "").strip()
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        day = parse_date(text)
        if day is None:
            raise ValueError(f"unreadable date {text!r}") from None
        return day
    if moment.tzinfo is None:
        return moment.date()
    return moment.astimezone(UK).date()


def _check_ratings(plan_id: str, items: list[dict[str, Any]]) -> None:
    """AssessmentShapeError for a rating in a form normalise_rating does not know."""
    for item in items:
        values = [("rating", item.get("rating"))]
        values += [
            (str(q.get("name")), q.get("rating"))
            for q in item.get("keyQuestionRatings") or []
            if isinstance(q, dict)
        ]
        for name, value in values:
            if unreadable_rating(value):
                raise AssessmentShapeError(
                    f"assessment plan {plan_id} gives {name} the rating {value!r}, which is not one of "
                    "CQC's four ratings nor a known 'not rated' label"
                )


def _assessment(plan_id: str, plan: dict[str, Any], url: str) -> Assessment:
    entry, groups, overall = plan["entry"], plan["groups"], plan["overall"]
    _check_ratings(plan_id, groups + overall)
    first = groups[0] if groups else {}
    stamp = entry.get("assessmentPlanPublishedDateTime")
    try:
        published = uk_date(stamp)
    except ValueError as exc:
        raise AssessmentShapeError(
            f"assessment plan {plan_id} has an {exc} in assessmentPlanPublishedDateTime"
        ) from exc
    result = Assessment(
        plan_id=plan_id,
        published=published,
        assessment_date=first.get("assessmentDate") or entry.get("assessmentDate"),
        status=first.get("assessmentPlanStatus") or entry.get("assessmentPlanStatus") or first.get("status"),
        title=first.get("title") or entry.get("title"),
        service_groups=[str(g["name"]) for g in groups if g.get("name")],
    )
    by_group = {str(g.get("name") or index): g for index, g in enumerate(groups)}
    group_sources: dict[str, dict[str, dict[str, str]]] = {name: {} for name in by_group}
    group_ratings = {
        name: ratings_from(
            g.get("rating"), g.get("keyQuestionRatings"), where=g["_path"], url=url, sources=group_sources[name]
        )
        for name, g in by_group.items()
    }
    own = next((o for o in overall if ratings_from(o.get("rating"), o.get("keyQuestionRatings"))), None)
    if own is not None:
        result.ratings = ratings_from(
            own.get("rating"), own.get("keyQuestionRatings"), where=own["_path"], url=url, sources=result.sources
        )
        result.percentage_scores = _percentages(own.get("keyQuestionRatings"))
    elif len(groups) == 1:
        only = next(iter(group_ratings))
        result.ratings, result.sources = group_ratings[only], group_sources[only]
        result.percentage_scores = _percentages(first.get("keyQuestionRatings"))
    elif groups:
        fields = {name for ratings in group_ratings.values() for name in ratings}
        result.ratings = _ordered(
            {name: worst_rating([r[name] for r in group_ratings.values() if name in r]) for name in fields}
        )
        # each field names the group whose rating it took (the first, if several share it)
        for name, rating in result.ratings.items():
            group = next(g for g, r in group_ratings.items() if r.get(name) == rating)
            result.sources[name] = group_sources[group][name]
    if len(groups) > 1:
        result.service_group_ratings = group_ratings
    if not result.ratings and result.published is None:
        # an undated, unrated document would raise no alert and sort nowhere
        raise AssessmentShapeError(
            f"assessment plan {plan_id} has neither a rating nor a publication date "
            "(assessmentPlanPublishedDateTime)"
        )
    return result


# -- error answers inside a 200 -----------------------------------------------------------------


def api_error_of(data: Any) -> tuple[int, str] | None:
    """(status, message) when a JSON body is an error answer, e.g. the soft rate limit
    `{"statusCode": 429, "message": "Rate limit is exceeded. Try again in 7 seconds."}`
    that CQC sends with HTTP 200 (evidence-2026/api/third_party_live_observations_QUOTES.md Q5)."""
    if not isinstance(data, dict) or "statusCode" not in data:
        return None
    if data.get("locationId") or data.get("providerId"):
        return None
    try:
        status = int(str(data["statusCode"]).strip())
    except ValueError:
        return None
    return (status, str(data.get("message") or "").strip()) if status >= 400 else None


def retry_hint_seconds(message: str) -> float | None:
    """The wait a rate-limit message asks for ("... in 7 seconds"), if it names one."""
    match = re.search(r"(\d+(?:\.\d+)?)\s*(?:seconds?|secs?|s)\b", message, re.I)
    return float(match.group(1)) if match else None
