"""Care Quality Commission (CQC): inspection reports of care services, and the local
authority assessment of adult social care.

Three things can be watched (see docs/publishers/cqc.md):

- locations and providers, through the Syndication API (`/locations/{id}`,
  `/providers/{id}`), which needs a subscription key in MONITOR_CQC_API_KEY. Each
  report is a document keyed by its `linkId`, fetched from `/reports/{linkId}`.
- locations without a key, from the public pages `/location/{id}` and
  `/location/{id}/reports`. Their markup was never captured, so the parser reads text
  and links rather than CSS classes, and fails loudly when it finds no report.
- the council's adult social care assessment on www.cqc.org.uk, one document keyed by its
  path, plus one document per quality-statement (theme) page it links to.

`read_meta` reads the ratings a report or assessment page states, for `monitor extract`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup, Comment, Tag
from pydantic import field_validator, model_validator

from monitor.dates import parse_date
from monitor.errors import BlockedError, FetchError, ListingBrokenError
from monitor.http import Response
from monitor.sources.base import DocumentRef, Source, SourceSettings
from monitor.textnorm import flatten

API_KEY_ENV = "MONITOR_CQC_API_KEY"
API_KEY_HEADER = "Ocp-Apim-Subscription-Key"
DEFAULT_API_BASE = "https://api.service.cqc.org.uk/public/v1"
ASSESSMENT_INDEX_PATH = "/care-services/local-authority-assessment-reports"

RATINGS = ("outstanding", "good", "requires improvement", "inadequate")
KEY_QUESTIONS = ("safe", "effective", "caring", "responsive", "well-led")
_RATING = r"(outstanding|good|requires\s+improvement|inadequate)"
_KEY_QUESTION = r"(safe|effective|caring|responsive|well[- ]led)"
_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
_REPORT_LINK = re.compile(rf"/reports/({_UUID})(?:[/?#]|$)", re.I)
_LONG_DATE = re.compile(
    r"^\d{1,2}(?:st|nd|rd|th)? (?:January|February|March|April|May|June|July|August|September|"
    r"October|November|December) \d{4}$",
    re.I,
)

# The nine quality statements of the Care Act assessment, with words that pick each out of
# the different names CQC pages and press releases give them. Order matters: "safeguarding"
# must be tried before "safe systems".
QUALITY_STATEMENTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("assessing needs", ("assessing",)),
    ("supporting people to live healthier lives", ("healthier lives",)),
    ("equity in experience and outcomes", ("equity",)),
    ("care provision, integration and continuity", ("care provision",)),
    ("partnerships and communities", ("partnership",)),
    ("safeguarding", ("safeguarding",)),
    ("safe systems, pathways and transitions", ("safe systems", "safe pathways")),
    ("governance, management and sustainability", ("governance",)),
    ("learning, improvement and innovation", ("learning, improvement", "learning improvement")),
)


class CqcSettings(SourceSettings):
    """The cqc kind's own keys in sources.yaml."""

    locations: list[str] = []
    providers: list[str] = []
    #: the council's name for its adult social care assessment, e.g. "Harrow"
    local_authority: str | None = None
    #: the assessment page's path or URL on www.cqc.org.uk, when known
    assessment_url: str | None = None
    #: the Syndication API root (tests point it at a local server)
    api_base_url: str | None = None

    @field_validator("locations", "providers")
    @classmethod
    def _clean_ids(cls, value: list[str]) -> list[str]:
        ids = [item.strip() for item in value]
        if any(not item or "/" in item or " " in item for item in ids):
            raise ValueError("each id must be a CQC id such as 1-125856395 (no spaces or slashes)")
        return list(dict.fromkeys(ids))

    @model_validator(mode="after")
    def _something_to_watch(self) -> CqcSettings:
        if not (self.locations or self.providers or self.local_authority or self.assessment_url):
            raise ValueError(
                "a cqc source needs at least one of: locations (CQC location ids), providers "
                "(CQC provider ids), local_authority (a council name such as Harrow)"
            )
        return self


class CqcSource(Source):
    """CQC inspection reports for locations/providers, and a council's ASC assessment."""

    kind: ClassVar[str] = "cqc"
    Settings: ClassVar[type[SourceSettings]] = CqcSettings
    default_base_url: ClassVar[str | None] = "https://www.cqc.org.uk"

    settings: CqcSettings

    # -- configuration ------------------------------------------------------------------

    @property
    def api_base_url(self) -> str:
        """The Syndication API root, overridable by `api_base_url`."""
        return (self.settings.api_base_url or DEFAULT_API_BASE).rstrip("/")

    @staticmethod
    def api_key() -> str | None:
        """The subscription key from the environment (never from sources.yaml, which is shared)."""
        return os.environ.get(API_KEY_ENV, "").strip() or None

    def request_headers(self, url: str) -> dict[str, str]:
        """Headers a download of `url` needs: the key, for API URLs only (never sent elsewhere)."""
        key = self.api_key()
        if key and url.startswith(self.api_base_url + "/"):
            return {API_KEY_HEADER: key}
        return {}

    def warnings(self) -> list[str]:
        """What check-config should say about this source."""
        notes = []
        if not self.api_key():
            if self.settings.locations:
                notes.append(
                    f"{API_KEY_ENV} is not set: locations are read from the public www.cqc.org.uk pages, "
                    "whose layout is inferred, not confirmed"
                )
            if self.settings.providers:
                notes.append(
                    f"providers need the CQC API: set {API_KEY_ENV} to your primary subscription key"
                )
        for item in self.settings.locations + self.settings.providers:
            if not re.fullmatch(r"1-\d{6,12}", item):
                notes.append(f"{item!r} does not look like a CQC id (1- followed by digits)")
        if self.settings.local_authority and not self.settings.assessment_url:
            notes.append(
                "the list of local authority assessments and the overview page's slug are inferred; "
                "if the assessment is not found, set assessment_url to its page"
            )
        return notes

    # -- listing ------------------------------------------------------------------------

    def list_documents(self) -> Iterator[DocumentRef]:
        """Yield every report of the watched locations/providers and the council's assessment."""
        seen_keys: set[str] = set()
        for ref in self._all_refs(seen_locations=set()):
            # one report can be listed twice (a location's list, or a provider and its location)
            if ref.key in seen_keys:
                continue
            seen_keys.add(ref.key)
            yield ref

    def _all_refs(self, seen_locations: set[str]) -> Iterator[DocumentRef]:
        use_api = self.api_key() is not None
        for provider_id in self.settings.providers:
            # Without a key the API is still tried: it answers 401, which reaches the user as
            # "blocked, set MONITOR_CQC_API_KEY" rather than as an empty provider.
            yield from self._provider_refs(provider_id, seen_locations)
        for location_id in self.settings.locations:
            if location_id in seen_locations:
                continue
            seen_locations.add(location_id)
            if use_api:
                yield from self._location_refs_api(location_id, provider_name=None)
            else:
                yield from self._location_refs_public(location_id)
        if self.settings.local_authority or self.settings.assessment_url:
            yield from self._assessment_refs()

    # -- the Syndication API ------------------------------------------------------------

    def _api_get(self, path: str, what: str) -> dict[str, Any]:
        url = f"{self.api_base_url}{path}"
        headers = {API_KEY_HEADER: key} if (key := self.api_key()) else {}
        try:
            response = self.http.get(url, headers=headers, allowed_hosts=self.allowed_hosts())
        except BlockedError as exc:
            hint = (
                f"{API_KEY_ENV} is not set: get a primary subscription key from "
                "https://api-portal.service.cqc.org.uk (Products, Subscribe, Profile) and set it"
                if not key
                else f"the CQC API refused the key in {API_KEY_ENV}: check it is the current primary key"
            )
            raise BlockedError(exc.url, exc.reason, exc.status, hint=hint) from exc
        except FetchError as exc:
            if exc.status == 404:
                raise FetchError(
                    exc.url, f"{what} is unknown to the CQC API (HTTP 404): check the id", 404
                ) from exc
            raise
        data = response.json()
        if not isinstance(data, dict):
            raise ListingBrokenError(
                f"{url}: expected a JSON object describing {what}, got {type(data).__name__}"
            )
        return data

    def _provider_refs(self, provider_id: str, seen_locations: set[str]) -> Iterator[DocumentRef]:
        data = self._api_get(f"/providers/{provider_id}", f"provider {provider_id}")
        url = f"{self.api_base_url}/providers/{provider_id}"
        if data.get("providerId") != provider_id or not isinstance(data.get("locationIds", []), list):
            raise ListingBrokenError(
                f"{url}: expected a provider record with providerId {provider_id} and locationIds"
            )
        name = data.get("name") or provider_id
        facts = {
            "provider_id": provider_id,
            "provider_name": name,
            "location_id": None,
            "location_name": None,
        }
        yield from self._report_refs(data, url, facts, subject=name)
        for location_id in data.get("locationIds") or []:
            if location_id in seen_locations:
                continue
            seen_locations.add(location_id)
            yield from self._location_refs_api(location_id, provider_name=name)

    def _location_refs_api(self, location_id: str, provider_name: str | None) -> Iterator[DocumentRef]:
        data = self._api_get(f"/locations/{location_id}", f"location {location_id}")
        url = f"{self.api_base_url}/locations/{location_id}"
        if data.get("locationId") != location_id:
            raise ListingBrokenError(f"{url}: expected a location record with locationId {location_id}")
        name = data.get("name") or location_id
        facts = {
            "location_id": location_id,
            "location_name": name,
            "provider_id": data.get("providerId"),
            "provider_name": provider_name,
            "service_types": [
                item.get("description") or item.get("name")
                for item in data.get("gacServiceTypes") or []
                if isinstance(item, dict) and (item.get("description") or item.get("name"))
            ],
            "local_authority": data.get("localAuthority"),
        }
        yield from self._report_refs(data, url, facts, subject=name)

    def _report_refs(
        self, data: dict[str, Any], url: str, facts: dict[str, Any], subject: str
    ) -> Iterator[DocumentRef]:
        reports = data.get("reports") or []
        if not isinstance(reports, list):
            raise ListingBrokenError(f"{url}: expected 'reports' to be a list of reports")
        ratings_by_report = api_ratings_by_report(data)
        parsed = 0
        for item in reports:
            link_id = item.get("linkId") if isinstance(item, dict) else None
            if not link_id:
                continue
            parsed += 1
            published = parse_date(item.get("reportDate"))
            meta = {
                **facts,
                "report_date": published.isoformat() if published else None,
                "report_type": item.get("reportType"),
                "first_visit_date": item.get("firstVisitDate"),
                "ratings": ratings_by_report.get(link_id, {}),
            }
            if item.get("inspectionLocations"):
                meta["inspection_location_ids"] = [
                    loc.get("locationId") for loc in item["inspectionLocations"] if isinstance(loc, dict)
                ]
            yield DocumentRef(
                key=link_id,
                url=f"{self.api_base_url}/reports/{link_id}",
                title=f"{subject}: CQC inspection report ({_long_date(published)})",
                published=published,
                kind="inspection report",
                meta=meta,
            )
        if reports and not parsed:
            raise ListingBrokenError(f"{url}: {len(reports)} reports listed but none has a linkId")

    # -- the public location pages (no key) ---------------------------------------------

    def _location_refs_public(self, location_id: str) -> Iterator[DocumentRef]:
        page_url = f"{self.base_url}/location/{location_id}"
        reports_url = f"{page_url}/reports"
        summary = parse_location_page(self._site_get(page_url).text)
        listing = self._site_get(reports_url)
        header = parse_location_page(listing.text)
        entries = parse_reports_page(listing.text, reports_url)
        if not entries:
            raise ListingBrokenError(
                f"{reports_url}: expected dated inspections under 'All Inspections' with links to "
                "/reports/<report id>, found none (the page layout may have changed)"
            )
        name = summary.get("name") or header.get("name") or location_id
        facts = {
            "location_id": location_id,
            "location_name": name,
            "provider_id": summary.get("provider_id") or header.get("provider_id"),
            "provider_name": summary.get("provider_name") or header.get("provider_name"),
            "service_types": summary.get("service_types") or header.get("service_types") or [],
        }
        current = summary.get("ratings") or header.get("ratings") or {}
        # The page states today's ratings, which are the ratings as of the newest report;
        # older reports' ratings come from the reports themselves (read_meta).
        newest = max((e for e in entries if e["date"]), key=lambda e: e["date"], default=entries[0])
        for entry in entries:
            published = entry["date"]
            yield DocumentRef(
                key=entry["key"],
                url=entry["url"],
                title=f"{name}: CQC inspection report ({_long_date(published)})",
                published=published,
                kind="inspection report",
                meta={
                    **facts,
                    "report_date": published.isoformat() if published else None,
                    "inspection_type": entry["description"],
                    "ratings": dict(current) if entry is newest else {},
                },
            )

    def _site_get(self, url: str) -> Response:
        return self.http.get(url, allowed_hosts=self.allowed_hosts())

    # -- the local authority assessment -------------------------------------------------

    def _assessment_refs(self) -> Iterator[DocumentRef]:
        if self.settings.assessment_url:
            url = urljoin(self.base_url + "/", self.settings.assessment_url)
        else:
            url = self._find_assessment(self.settings.local_authority or "")
        html = self._site_get(url).text
        page = parse_assessment_page(html, url)
        if not (page["ratings"] or page["quality_statements"] or page["theme_pages"]):
            raise ListingBrokenError(
                f"{url}: expected a local authority assessment (an overall rating, quality statement "
                "scores or links to theme pages), found none"
            )
        path = urlsplit(url).path
        authority = self.settings.local_authority or page["local_authority"]
        yield DocumentRef(
            key=path,
            url=url,
            title=page["title"] or f"{authority}: local authority assessment",
            published=page["published"],
            kind="local authority assessment",
            meta={
                "local_authority": authority,
                "report_date": page["published"].isoformat() if page["published"] else None,
                "ratings": page["ratings"],
                "quality_statements": page["quality_statements"],
            },
        )
        for theme in page["theme_pages"]:
            yield DocumentRef(
                key=urlsplit(theme["url"]).path,
                url=theme["url"],
                title=f"{authority}: {theme['title']}",
                published=page["published"],
                kind="local authority assessment quality statement",
                meta={"local_authority": authority, "assessment": path, "theme": theme["theme"]},
            )

    def _find_assessment(self, authority: str) -> str:
        """The newest assessment page for a council, from CQC's list of assessment reports."""
        index_url = f"{self.base_url}{ASSESSMENT_INDEX_PATH}"
        slug = authority_slug(authority)
        soup = BeautifulSoup(self._site_get(index_url).text, "lxml")
        pattern = re.compile(
            rf"{re.escape(ASSESSMENT_INDEX_PATH)}/{re.escape(slug)}-(\d{{2}})(\d{{2}})(-[\w-]+)?/?$"
        )
        overviews: list[tuple[int, int, str]] = []
        for link in soup.find_all("a", href=True):
            absolute = urljoin(index_url, str(link["href"]))
            match = pattern.search(urlsplit(absolute).path)
            # theme pages ("-theme1-needs") belong to an assessment; the overview has no theme suffix
            if match and "theme" not in (match.group(3) or ""):
                overviews.append((int(match.group(2)), int(match.group(1)), absolute))
        if not overviews:
            raise ListingBrokenError(
                f"{index_url}: expected a link to {ASSESSMENT_INDEX_PATH}/{slug}-MMYY for local authority "
                f"{authority!r}, found none; set assessment_url to the assessment's page"
            )
        # newest by (year, month) of the MMYY in the path
        return max(overviews)[2]

    # -- reading documents --------------------------------------------------------------

    @classmethod
    def read_meta(cls, pages: list[str], path: Path | None = None) -> dict[str, Any]:
        """Ratings (and, for assessments, quality statement scores) a CQC document states."""
        text = "\n".join(pages)
        meta: dict[str, Any] = {"ratings": read_ratings(text)}
        scores = read_quality_statement_scores(text)
        if scores:
            meta["quality_statements"] = scores
        return meta


# -- parsing helpers (pure functions, tested directly) -----------------------------------


def normalise_rating(value: Any) -> str | None:
    """'Requires improvement' -> 'requires improvement'; None for anything but the four ratings."""
    if not isinstance(value, str):
        return None
    rating = " ".join(value.split()).lower()
    return rating if rating in RATINGS else None


def _key_question(name: Any) -> str | None:
    if not isinstance(name, str):
        return None
    key = " ".join(name.split()).lower().replace("well led", "well-led")
    return key if key in KEY_QUESTIONS else None


def _ratings_from(overall: Any, questions: Any, link_id: str | None = None) -> dict[str, str]:
    """Ratings out of an API `overall` value and its keyQuestionRatings, matched on name.

    With link_id, only key-question ratings from that report count: in currentRatings a key
    question may still carry an older report's rating."""
    ratings: dict[str, str] = {}
    if (rating := normalise_rating(overall)) is not None:
        ratings["overall"] = rating
    for item in questions if isinstance(questions, list) else []:
        if not isinstance(item, dict):
            continue
        if link_id and item.get("reportLinkId") not in (None, link_id):
            continue
        key, rating = _key_question(item.get("name")), normalise_rating(item.get("rating"))
        if key and rating:
            ratings[key] = rating
    return ratings


def api_ratings_by_report(record: dict[str, Any]) -> dict[str, dict[str, str]]:
    """{report linkId: ratings} from a location or provider record's current and historic ratings."""
    result: dict[str, dict[str, str]] = {}
    for item in record.get("historicRatings") or []:
        if isinstance(item, dict) and item.get("reportLinkId"):
            overall = item.get("overall") or {}
            result[item["reportLinkId"]] = _ratings_from(
                overall.get("rating"), overall.get("keyQuestionRatings")
            )
    overall = (record.get("currentRatings") or {}).get("overall") or {}
    link_id = overall.get("reportLinkId")
    if link_id:
        result[link_id] = _ratings_from(overall.get("rating"), overall.get("keyQuestionRatings"), link_id)
    return result


_OVERALL_PATTERNS = (
    re.compile(
        rf"\boverall rating for (?:this|the) (?:service|location|provider|trust|practice)\s*:?\s*{_RATING}\b",
        re.I,
    ),
    re.compile(rf"\boverall rating\s*:?\s*{_RATING}\b", re.I),
    re.compile(rf"\boverall\s*:\s*{_RATING}\b", re.I),
    # press releases: "CQC ... has rated London Borough of Harrow as requires improvement"
    re.compile(rf"\bhas rated [^.]{{1,120}}? as {_RATING}\b", re.I),
)
_QUESTION_PATTERNS = (
    re.compile(
        rf"\b(?:is the service|are services|is the trust|is the practice)\s+{_KEY_QUESTION}\s*\?\s*:?\s*{_RATING}\b",
        re.I,
    ),
    # a line holding only "Safe: Good" / "Well-led Requires improvement", as rating tables read
    re.compile(rf"^\s*{_KEY_QUESTION}\s*:?\s*{_RATING}\b[^\w]*$", re.I | re.M),
)


def read_ratings(text: str) -> dict[str, str]:
    """Overall and key-question ratings a CQC report or page states; the first statement wins."""
    ratings: dict[str, str] = {}
    flat = flatten(text)
    for pattern in _OVERALL_PATTERNS:
        if match := pattern.search(flat):
            ratings["overall"] = normalise_rating(match.group(1)) or ""
            break
    for pattern, haystack in zip(_QUESTION_PATTERNS, (flat, text), strict=True):
        for match in pattern.finditer(haystack):
            key, rating = _key_question(match.group(1)), normalise_rating(match.group(2))
            if key and rating and key not in ratings:
                ratings[key] = rating
    return {k: v for k, v in ratings.items() if v}


def quality_statement_name(text: str) -> str:
    """The canonical lower-case name of a quality statement, however a page words it."""
    lowered = " ".join(text.replace("’", "'").split()).lower().strip(" -:")
    for name, words in QUALITY_STATEMENTS:
        if any(word in lowered for word in words):
            return name
    return lowered


def read_quality_statement_scores(text: str) -> dict[str, int]:
    """Quality statement scores (1-4) from an assessment theme page or CQC press release."""
    scores: dict[str, int] = {}
    lines = [line.strip() for line in text.splitlines()]
    previous = ""
    for line in lines:
        if not line:
            continue
        # theme page: the statement's title, then "Score: 2" (or "Score 2") on its own line
        score = re.fullmatch(r"score\s*:?\s*([1-4])", line, re.I)
        if score and previous:
            scores.setdefault(quality_statement_name(previous), int(score.group(1)))
        # press release: "- safeguarding - 2"
        bullet = re.fullmatch(r"[-•*]\s*(.+?)\s+-\s+([1-4])", line)
        if bullet:
            name = quality_statement_name(bullet.group(1))
            if name in dict(QUALITY_STATEMENTS):
                scores.setdefault(name, int(bullet.group(2)))
        previous = line
    return scores


def authority_slug(name: str) -> str:
    """'London Borough of Harrow' or 'Harrow Council' -> 'harrow', as CQC's assessment paths name it."""
    lowered = name.lower().strip()
    lowered = re.sub(r"^(?:the\s+)?(?:royal\s+)?(?:london\s+)?borough\s+of\s+", "", lowered)
    lowered = re.sub(r"\b(?:city\s+)?(?:county\s+)?(?:borough\s+)?council$", "", lowered).strip()
    return re.sub(r"[^a-z0-9]+", "-", lowered).strip("-")


def _long_date(value: date | None) -> str:
    return f"{value.day} {value:%B %Y}" if value else "date not given"


def _text_lines(soup: BeautifulSoup | Tag) -> list[str]:
    return [" ".join(line.split()) for line in soup.get_text("\n").splitlines() if line.strip()]


def parse_location_page(html: str) -> dict[str, Any]:
    """Name, type, provider and current ratings from a public location page's header.

    The markup is unknown (no raw capture), so this reads the visible text: the first
    heading is the name, "Overall: Good", "Provided and run by:" then the provider."""
    soup = BeautifulSoup(html, "lxml")
    for tag in soup(["script", "style", "noscript", "nav", "header", "footer"]):
        tag.decompose()
    root = soup.find("main") or soup.body or soup
    result: dict[str, Any] = {}
    heading = root.find("h1")
    if heading:
        result["name"] = " ".join(heading.get_text(" ").split())
    lines = _text_lines(root)
    for index, line in enumerate(lines):
        if line.lower().startswith("provided and run by"):
            rest = line.split(":", 1)[1].strip() if ":" in line else ""
            result["provider_name"] = rest or (lines[index + 1] if index + 1 < len(lines) else None)
            break
    provider_link = root.find("a", href=re.compile(r"/provider/[\w-]+"))
    if provider_link:
        result["provider_id"] = str(provider_link["href"]).rstrip("/").rsplit("/", 1)[-1]
    if heading:
        # the service type is the short line(s) just above the name ("Care home")
        before = [
            " ".join(str(s).split())
            for s in heading.find_all_previous(string=True, limit=6)
            if str(s).strip() and root in s.parents
        ]
        types = [t.lstrip("•- ") for t in before[:2] if len(t) < 60 and "you are here" not in t.lower()]
        result["service_types"] = list(
            dict.fromkeys(t[:1].upper() + t[1:].lower() for t in reversed(types) if t)
        )
    result["ratings"] = read_ratings("\n".join(lines))
    return result


def parse_reports_page(html: str, page_url: str) -> list[dict[str, Any]]:
    """The inspections on a location's reports tab that link to a report: key, url, date, what.

    Entries are read in document order: a line holding only a date ("6 November 2023")
    starts an entry, a "During ..." line says what it was, and a link to /reports/<uuid>
    is its report. Monthly data reviews have no report and are not documents."""
    soup = BeautifulSoup(html, "lxml")
    root = soup.find("main") or soup.body or soup
    entries: list[dict[str, Any]] = []
    keys: set[str] = set()
    current_date: date | None = None
    description: str | None = None
    for node in root.descendants:
        if isinstance(node, Tag):
            if node.name != "a" or not node.get("href"):
                continue
            url = urljoin(page_url, str(node["href"]))
            match = _REPORT_LINK.search(urlsplit(url).path + "/")
            if match and match.group(1).lower() not in keys:
                keys.add(match.group(1).lower())
                entries.append(
                    {
                        "key": match.group(1).lower(),
                        "url": url,
                        "date": current_date,
                        "description": description,
                    }
                )
            continue
        if isinstance(node, Comment):
            continue
        text = " ".join(str(node).split())
        if not text:
            continue
        if _LONG_DATE.match(text):
            current_date, description = parse_date(text), None
        elif text.lower().startswith("during ") and description is None:
            description = text
    return entries


def parse_assessment_page(html: str, page_url: str) -> dict[str, Any]:
    """Title, authority, published date, ratings, scores and theme links of an assessment page."""
    soup = BeautifulSoup(html, "lxml")
    for tag in soup(["script", "style", "noscript", "nav", "header", "footer"]):
        tag.decompose()
    root = soup.find("main") or soup.body or soup
    heading = root.find("h1")
    title = " ".join(heading.get_text(" ").split()) if heading else ""
    lines = _text_lines(root)
    text = "\n".join(lines)
    published = None
    if match := re.search(
        r"\b(?:published|date of publication|last updated)\s*:?\s*(\d{1,2} [A-Za-z]+ \d{4})", text, re.I
    ):
        published = parse_date(match.group(1))
    themes = []
    seen: set[str] = set()
    for link in root.find_all("a", href=True):
        url = urljoin(page_url, str(link["href"]))
        match = re.search(r"-theme(\d)-[\w-]+/?$", urlsplit(url).path)
        if match and url != page_url and url not in seen:
            seen.add(url)
            label = " ".join(link.get_text(" ").split())
            themes.append({"url": url, "theme": int(match.group(1)), "title": label or urlsplit(url).path})
    return {
        "title": title,
        "local_authority": title.split(":")[0].strip() if title else "",
        "published": published,
        "ratings": read_ratings(text),
        "quality_statements": read_quality_statement_scores(text),
        "theme_pages": themes,
    }
