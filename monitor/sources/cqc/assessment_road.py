"""The local authority assessment of adult social care on www.cqc.org.uk, for the cqc kind.

Known (../shared/fixtures/cqc, evidence-2026/la/): the theme pages' paths and text, the
list's path, slugs such as harrow-0824 and Hertfordshire-0524 (case varies), that a
third-party watcher reads the overall rating from `<assessment>/summary`, and CQC's
thresholds from an overall percentage to a rating. Unknown: whether the list page carries
the report links at all (the stored copy shows none), and the overview page's layout. So
`assessment_url` names the page directly, the summary page is read when the overview
states no overall rating, and an assessment without one is broken, never quietly unrated.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup

from monitor.errors import FetchError, ListingBrokenError
from monitor.sources.base import DocumentRef
from monitor.sources.cqc.public_pages import parse_assessment_page
from monitor.sources.cqc.vocabulary import authority_slug, percentage_of_scores, rating_for_percentage

if TYPE_CHECKING:
    from monitor.http.client import Response
    from monitor.sources.cqc.settings import CqcReading

ASSESSMENT_INDEX_PATH = "/care-services/local-authority-assessment-reports"
_THEME_PAGE = re.compile(r"-theme\d-[\w-]+/?$")


class AssessmentReader:
    """Lists a council's assessment (one document) and its theme pages (one each)."""

    def __init__(self, source: CqcReading):
        self.source = source

    def _get(self, url: str) -> Response:
        return self.source.http.get(url, allowed_hosts=self.source.allowed_hosts())

    def refs(self) -> Iterator[DocumentRef]:
        """The assessment's documents; ListingBrokenError when it states no overall rating.

        With `assessment_url` and `local_authority` both set, CQC's list is still searched:
        a reassessment comes under a new slug (harrow-MMYY), which the pinned page never
        names. A newer assessment found there is listed too; a list carrying no links for
        the council marks the listing incomplete (the stored copy of the list shows none)."""
        settings = self.source.settings
        if not settings.assessment_url:
            yield from self._read(self.find(settings.local_authority or ""))
            return
        pinned = urljoin(self.source.base_url + "/", settings.assessment_url)
        yield from self._read(pinned)
        if settings.local_authority:
            newer = self._newer_than(pinned, settings.local_authority)
            if newer is not None:
                yield from self._read(newer)

    def _newer_than(self, pinned: str, authority: str) -> str | None:
        """The council's newest listed assessment when it is newer than the pinned page."""
        index_url = f"{self.source.base_url}{ASSESSMENT_INDEX_PATH}"
        try:
            overviews, links = self._overviews(authority)
        except FetchError as exc:
            if exc.status != 404:
                raise  # a passing failure: the source is "failing" this pass, and says so
            self._incomplete(
                f"{index_url}: the list of local authority assessments answered HTTP 404; a new "
                f"assessment of {authority} would not be seen until assessment_url is changed"
            )
            return None
        if not overviews:
            what = "carries no links" if not links else f"links {links} assessments but none of {authority}"
            self._incomplete(
                f"{index_url}: the list of local authority assessments {what}; a new assessment of "
                f"{authority} would not be seen until assessment_url is changed"
            )
            return None
        newest = max(overviews)
        pinned_when = _month_of(urlsplit(pinned).path)
        if pinned_when is not None and newest[:2] <= pinned_when:
            return None
        if urlsplit(newest[2]).path.rstrip("/") == urlsplit(pinned).path.rstrip("/"):
            return None
        return newest[2]

    def _incomplete(self, reason: str) -> None:
        self.source.listing_incomplete = True
        self.source.incomplete_reasons.append(reason)

    def _read(self, url: str) -> Iterator[DocumentRef]:
        settings = self.source.settings
        page = self.source.parse_listing(self._get(url), parse_assessment_page, url)
        is_theme_page = bool(_THEME_PAGE.search(urlsplit(url).path))
        summary_url = url.rstrip("/") + "/summary"
        if "overall" not in page["ratings"] and not is_theme_page:
            self._merge_summary(page, summary_url)
        if not (page["ratings"] or page["quality_statements"] or page["theme_pages"]):
            raise ListingBrokenError(
                f"{url}: expected a local authority assessment (an overall rating, quality statement "
                "scores or links to theme pages), found none",
                url=url,
            )
        if not is_theme_page:
            self._check_consistent(page, url, summary_url)
        path = urlsplit(url).path
        authority = settings.local_authority or page["local_authority"]
        meta: dict[str, Any] = {
            "local_authority": authority,
            "report_date": page["published"].isoformat() if page["published"] else None,
            "quality_statements": page["quality_statements"],
        }
        if page["ratings"]:
            meta["ratings"] = page["ratings"]
        # each rating and score with the page and the words it was read from
        sources = {
            name: page["sources"][name]
            for name in [*page["ratings"], *page["quality_statements"]]
            if name in page["sources"]
        }
        if sources:
            meta["verdict_sources"] = sources
        if page["overall_percentage"] is not None:
            meta["overall_percentage"] = page["overall_percentage"]
        yield DocumentRef(
            key=path,
            url=url,
            title=page["title"] or f"{authority}: local authority assessment",
            published=page["published"],
            kind="local authority assessment",
            meta=meta,
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

    def _merge_summary(self, page: dict[str, Any], summary_url: str) -> None:
        try:
            summary = self.source.parse_listing(self._get(summary_url), parse_assessment_page, summary_url)
        except FetchError as exc:
            if exc.status == 404:
                return  # no summary page: the check below says what is missing
            raise
        for field in ("ratings", "quality_statements"):
            for name, value in summary[field].items():
                if name not in page[field]:
                    page[field][name] = value
                    if name in summary["sources"]:
                        page["sources"][name] = summary["sources"][name]
        if page["overall_percentage"] is None:
            page["overall_percentage"] = summary["overall_percentage"]
        page["published"] = page["published"] or summary["published"]
        page["title"] = page["title"] or summary["title"]
        known = {theme["url"] for theme in page["theme_pages"]}
        page["theme_pages"] += [t for t in summary["theme_pages"] if t["url"] not in known]

    @staticmethod
    def _check_consistent(page: dict[str, Any], url: str, summary_url: str) -> None:
        overall = page["ratings"].get("overall")
        if overall is None:
            raise ListingBrokenError(
                f"{url}: expected the assessment's overall rating on the page or on {summary_url}, found none "
                "(the assessment page layout may have changed)",
                url=url,
            )
        # CQC derives the rating from the percentage: a disagreement means we misread one
        percentage = page["overall_percentage"]
        if percentage is not None and rating_for_percentage(percentage) != overall:
            raise ListingBrokenError(
                f"{url}: read overall rating {overall!r} but an overall score of {percentage}%, "
                f"which CQC's thresholds make {rating_for_percentage(percentage)!r}",
                url=url,
            )
        from_scores = percentage_of_scores(page["quality_statements"])
        if from_scores is not None and rating_for_percentage(from_scores) != overall:
            raise ListingBrokenError(
                f"{url}: read overall rating {overall!r} but nine quality statement scores making "
                f"{from_scores:.0f}%, which CQC's thresholds make {rating_for_percentage(from_scores)!r}",
                url=url,
            )

    def _overviews(self, authority: str) -> tuple[list[tuple[int, int, str]], int]:
        """([(year, month, url)] of the council's assessments, how many assessment links in all)."""
        index_url = f"{self.source.base_url}{ASSESSMENT_INDEX_PATH}"
        return self.source.parse_listing(self._get(index_url), read_overviews, index_url, authority)

    def find(self, authority: str) -> str:
        """The newest assessment page for a council, from CQC's list of assessment reports."""
        index_url = f"{self.source.base_url}{ASSESSMENT_INDEX_PATH}"
        overviews, _ = self._overviews(authority)
        if not overviews:
            raise ListingBrokenError(
                f"{index_url}: expected a link to {ASSESSMENT_INDEX_PATH}/{authority_slug(authority)}-MMYY "
                f"for local authority {authority!r}, found none; set assessment_url to the assessment's page",
                url=index_url,
            )
        # newest by (year, month) of the MMYY in the path
        return max(overviews)[2]


def read_overviews(html: str, index_url: str, authority: str) -> tuple[list[tuple[int, int, str]], int]:
    """CQC's list of assessments read for one council: ([(year, month, url)] of its
    assessments, how many assessment links the list has in all)."""
    slug = authority_slug(authority)
    soup = BeautifulSoup(html, "lxml")
    # slugs are not always lower case ("Hertfordshire-0524")
    pattern = re.compile(
        rf"{re.escape(ASSESSMENT_INDEX_PATH)}/{re.escape(slug)}-(\d{{2}})(\d{{2}})(-[\w-]+)?/?$", re.I
    )
    overviews: list[tuple[int, int, str]] = []
    links = 0
    for link in soup.find_all("a", href=True):
        absolute = urljoin(index_url, str(link["href"]))
        path = urlsplit(absolute).path
        if path.rstrip("/").startswith(ASSESSMENT_INDEX_PATH + "/"):
            links += 1
        match = pattern.search(path)
        # theme pages ("-theme1-needs") belong to an assessment; the overview has no theme suffix
        if match and "theme" not in (match.group(3) or "").lower():
            overviews.append((int(match.group(2)), int(match.group(1)), absolute.rstrip("/")))
    return overviews, links


def _month_of(path: str) -> tuple[int, int] | None:
    """(year, month) of the MMYY in an assessment's slug ("harrow-0824" -> (24, 8))."""
    match = re.search(r"-(\d{2})(\d{2})(?:-theme\d-[\w-]+)?/?$", path)
    return (int(match.group(2)), int(match.group(1))) if match else None
