"""Cross-check of an `ofsted` source against Ofsted's official statistics of council outcomes.

Ofsted publishes once a year the official statistics "Local authority inspection outcomes
as at 31 March <year>" on GOV.UK (e.g. /government/statistics/local-authority-inspection-
outcomes-as-at-31-march-2024): main findings, methodology and the underlying data, which
lists every council with its most recent ILACS inspection and (sheet
`ILACS_inspection_history` of the 2026 edition) every ILACS inspection since 2018 with its
date, type and overall effectiveness. This source finds the newest edition through the
GOV.UK Search and Content APIs, downloads the data file and turns each watched council's
newest inspection into CrossCheckFacts: the checked `ofsted` source must hold a report dated
on or after that inspection, with the same grades (monitor/pipeline/crosscheck.py compares them).

What is confirmed about the file and what is inferred is in docs/publishers/ofsted.md; a
file that names none of the watched councils, or whose layout is not understood, is
ListingBrokenError, never "all agree".
"""

from __future__ import annotations

import logging
import re
from datetime import date
from typing import Any, ClassVar
from urllib.parse import urljoin

from pydantic import Field, model_validator

from monitor.dates import parse_date
from monitor.errors import ListingBrokenError
from monitor.sources.base import CrossCheckFact, SourceSettings, host_of
from monitor.sources.datafile import DataFileSource, data_file
from monitor.sources.ofsted.listing import council_name_key
from monitor.sources.ofsted.outcomes_tables import (
    GRADED,
    Sheet,
    TableError,
    date_of,
    grade_of,
    read_table_file,
)

log = logging.getLogger(__name__)

SEARCH_PATH = "/api/search.json"
CONTENT_PATH = "/api/content"
ASSETS_HOST = "assets.publishing.service.gov.uk"
#: what the data file is, by preference: CSV if ever published, else the ODS of 2024-2026
_FORMATS = (
    ("csv", ("text/csv", "application/csv"), ".csv"),
    ("ods", ("application/vnd.oasis.opendocument.spreadsheet",), ".ods"),
)


class OfstedOutcomesSettings(SourceSettings):
    """sources.yaml keys of an `ofsted_outcomes` source."""

    #: the name of the `ofsted` source whose documents this checks
    checks: str
    #: the councils' URNs as the checked source's documents carry them (meta "urn")
    urns: list[int] = Field(default_factory=list)
    #: the councils' names as the statistics write them ("Harrow"); paired with `urns` in order
    local_authorities: list[str] = Field(default_factory=list)
    #: the Search API query that finds the release; the newest hit whose title contains it wins
    search_query: str = "Local authority inspection outcomes"
    #: a release's GOV.UK path, instead of searching (e.g. "/government/statistics/...-2026")
    content_path: str | None = None

    @model_validator(mode="after")
    def _subjects(self) -> OfstedOutcomesSettings:
        if not self.urns and not self.local_authorities:
            raise ValueError("give urns, local_authorities, or both (paired in order)")
        if self.urns and self.local_authorities and len(self.urns) != len(self.local_authorities):
            raise ValueError("urns and local_authorities are paired in order: give as many of each")
        if self.content_path is not None and not self.content_path.startswith("/"):
            raise ValueError("content_path is a GOV.UK path starting with '/'")
        return self


class OfstedOutcomesSource(DataFileSource):
    """Facts from the newest "Local authority inspection outcomes" statistics."""

    kind: ClassVar[str] = "ofsted_outcomes"
    Settings: ClassVar[type[SourceSettings]] = OfstedOutcomesSettings
    default_base_url: ClassVar[str | None] = "https://www.gov.uk"

    settings: OfstedOutcomesSettings

    def subjects(self) -> list[tuple[str | None, str | None]]:
        """(URN, name) of each watched council; either may be None."""
        urns = [str(u) for u in self.settings.urns]
        names = list(self.settings.local_authorities)
        if urns and names:
            return list(zip(urns, names, strict=True))
        return [(u, None) for u in urns] or [(None, n) for n in names]

    def cross_check_facts(self) -> list[CrossCheckFact]:
        """The watched councils' newest inspections in the newest edition, as facts."""
        sheets, title, file_url = self.release_sheets("ofsted-outcomes-")
        try:
            return self._facts(sheets, title, file_url)
        except TableError as exc:
            raise ListingBrokenError(f"{file_url}: {exc}", url=file_url) from exc

    def release_sheets(self, prefix: str) -> tuple[list[Sheet], str, str]:
        """The sheets of the newest release's data file, the release's title and the file's URL.

        The file is read from a temporary folder named with `prefix`, gone on return.
        Raises ListingBrokenError when the release, its data file or the file's layout is not
        what is expected.
        """
        path = self.settings.content_path or self.find_release()
        content_url = f"{self.base_url}{CONTENT_PATH}{path}"
        content = self.http.get(content_url, allowed_hosts=self.allowed_hosts()).json()
        if not isinstance(content, dict):
            raise ListingBrokenError(f"{content_url}: expected a Content API item", url=content_url)
        title = str(content.get("title") or path)
        kind, file_url = self._data_file(content, content_url)
        with data_file(self, file_url, prefix=prefix, unreadable=(TableError,)) as (response, _):
            if response.path is None:
                raise ListingBrokenError(f"{file_url}: the data file was not downloaded", url=file_url)
            return read_table_file(response.path, kind), title, file_url

    def find_release(self) -> str:
        """The content path of the newest release whose title contains `search_query`."""
        params = {
            "q": self.settings.search_query,
            "filter_organisations": "ofsted",
            "order": "-public_timestamp",
            "count": 20,
            "fields": ["title", "link", "public_timestamp", "content_store_document_type"],
        }
        url = f"{self.base_url}{SEARCH_PATH}"
        response = self.http.get(url, params=params, allowed_hosts=self.allowed_hosts())
        data = response.json()
        results = data.get("results") if isinstance(data, dict) else None
        if not isinstance(results, list):
            raise ListingBrokenError(
                f"{response.url}: expected a Search API answer with 'results'", url=response.url
            )
        wanted = self.settings.search_query.casefold()
        hits = [
            hit
            for hit in results
            if isinstance(hit, dict)
            and wanted in str(hit.get("title", "")).casefold()
            and str(hit.get("link", "")).startswith("/")
        ]
        if not hits:
            raise ListingBrokenError(
                f"{response.url}: no result titled like {self.settings.search_query!r} among {len(results)} "
                "(set content_path to the release's GOV.UK path)",
                url=response.url,
            )
        newest = max(hits, key=lambda hit: str(hit.get("public_timestamp") or ""))
        return str(newest["link"])

    def _data_file(self, content: dict[str, Any], content_url: str) -> tuple[str, str]:
        details = content.get("details")
        attachments = details.get("attachments") if isinstance(details, dict) else None
        if not isinstance(attachments, list):
            raise ListingBrokenError(f"{content_url}: expected details.attachments, a list", url=content_url)
        items = [a for a in attachments if isinstance(a, dict) and a.get("url")]
        for kind, types, suffix in _FORMATS:
            matching = [
                a
                for a in items
                if str(a.get("content_type", "")).split(";")[0].strip().lower() in types
                or str(a.get("filename") or a.get("url")).lower().endswith(suffix)
            ]
            if matching:
                # the underlying data, not a chart's data, when the release carries several
                matching.sort(
                    key=lambda a: "underlying" not in str(a.get("title", "") + a.get("url", "")).lower()
                )
                return kind, urljoin(content_url, str(matching[0]["url"]))
        seen = "; ".join(f"{a.get('title')!r} ({a.get('content_type')})" for a in items) or "none"
        raise ListingBrokenError(
            f"{content_url}: no CSV or ODS data file among the attachments ({seen})", url=content_url
        )

    def _facts(self, sheets: list[Sheet], title: str, file_url: str) -> list[CrossCheckFact]:
        has_urn = any("urn" in s.columns for s in sheets)
        facts: list[CrossCheckFact] = []
        missing: list[str] = []
        for urn, name in self.subjects():
            if urn is None and not has_urn:
                raise ListingBrokenError(
                    f"{file_url}: the file has no URN column, so {name!r} cannot be matched to the checked "
                    "source's documents: give urns paired with local_authorities",
                    url=file_url,
                )
            if name is None and not has_urn:
                raise ListingBrokenError(
                    f"{file_url}: the file has no URN column, so URN {urn} cannot be found in it: give "
                    "local_authorities (the names the statistics use) paired with urns",
                    url=file_url,
                )
            found = self._newest_row(sheets, urn if has_urn else None, name)
            if found is None:
                missing.append(f"URN {urn}" if name is None else repr(name))
                continue
            sheet, row = found
            facts.extend(self._row_facts(sheet, row, urn or sheet.value(row, "urn"), title, file_url))
        if missing:
            raise ListingBrokenError(
                f"{file_url}: {title} names none of the rows expected for {', '.join(missing)} "
                f"(sheets read: {', '.join(s.name for s in sheets)})",
                url=file_url,
            )
        return facts

    @staticmethod
    def _newest_row(sheets: list[Sheet], urn: str | None, name: str | None) -> tuple[Sheet, list[str]] | None:
        best: tuple[tuple[date, int], Sheet, list[str]] | None = None
        key = council_name_key(name) if name else None
        for sheet in sheets:
            for row in sheet.rows:
                if urn is not None and "urn" in sheet.columns:
                    if re.sub(r"\.0$", "", sheet.value(row, "urn")) != urn:
                        continue
                elif key is None or council_name_key(sheet.value(row, "name")) != key:
                    continue
                when = _row_date(sheet, row) or date.min
                graded = sum(1 for f in GRADED if sheet.value(row, f))
                if best is None or (when, graded) > best[0]:
                    best = ((when, graded), sheet, row)
        return (best[1], best[2]) if best else None

    def _row_facts(
        self, sheet: Sheet, row: list[str], urn: str, title: str, file_url: str
    ) -> list[CrossCheckFact]:
        name = sheet.value(row, "name") or f"URN {urn}"
        published, end, start = (date_of(sheet.value(row, k)) for k in ("published", "end", "start"))
        not_before = published or end or start
        if not_before is None:
            raise ListingBrokenError(
                f"{file_url}: the row of {name} in {sheet.name} has no date", url=file_url
            )
        which = "published" if published else ("inspection ended" if end else "inspected")
        kind = sheet.value(row, "type")
        where = f"{title} ({sheet.name}): {name}, {kind + ' ' if kind else ''}{which} {not_before:%d %B %Y}"
        grades: list[tuple[str, str]] = []
        for field in GRADED:
            value = sheet.value(row, field)
            try:
                grade = grade_of(value)
            except TableError as exc:
                raise ListingBrokenError(
                    f"{file_url}: {name}, {sheet.headings[sheet.columns[field]]}: {exc}", url=file_url
                ) from exc
            if grade:
                grades.append((field, grade))
        match = {"urn": urn}
        if not grades:
            # the April 2026 framework gives no overall: the date alone is still checked
            return [CrossCheckFact(match=match, label=f"{where}, no grade given", not_before=not_before)]
        return [
            CrossCheckFact(
                match=match,
                label=f"{where}, {field.replace('_', ' ')} {grade}",
                field=field,
                value=grade,
                not_before=not_before,
            )
            for field, grade in grades
        ]

    def warnings(self) -> list[str]:
        """What check-config should say: the hosts the data needs, and what is inferred."""
        notes = [
            "the data file's column names are only partly confirmed (docs/publishers/ofsted.md); a file "
            "this source cannot read is reported broken"
        ]
        allowed = self.allowed_hosts()
        if allowed and ASSETS_HOST not in allowed:
            notes.append(f"allowed_hosts lacks {ASSETS_HOST}: GOV.UK serves the data file from there")
        if allowed and host_of(self.base_url) not in allowed:
            notes.append(f"allowed_hosts lacks {host_of(self.base_url)}, where the APIs are")
        return notes


def _row_date(sheet: Sheet, row: list[str]) -> date | None:
    for key in ("published", "end", "start"):
        when = parse_date(sheet.value(row, key)) if sheet.value(row, key) else None
        if when:
            return when
    return None
