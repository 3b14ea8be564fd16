"""CQC's monthly "Latest ratings" spreadsheet as a cross-check of a cqc source (kind `cqc_ratings`).

The file is CQC's own: one row per location x service/population group x domain, with
the latest rating, its publication date and the report's URL
(evidence-2026/downloads/bulk_files_structure.md). It carries ratings where the API's
currentRatings is null and reports[] empty (evidence-2026/api/third_party_live_observations_QUOTES.md
Q1), so it catches what the cqc source misses. Each row about a watched location whose
Service / Population Group is "Overall" is a CrossCheckFact: the cqc source must hold a
document about that location dated on or after the row's Publication Date, and its newest
one must give the same rating for that domain.

The dated file is found on the landing page https://www.cqc.org.uk/about-us/transparency/using-cqc-data,
downloaded to a temporary file (about 26 MB) and read row by row (cqc_ods.py).
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import unquote, urljoin, urlsplit

from bs4 import BeautifulSoup
from pydantic import field_validator, model_validator

from monitor.dates import parse_date
from monitor.errors import ListingBrokenError
from monitor.extract.spreadsheet import OdsError, iter_sheet_rows
from monitor.sources.base import CrossCheckFact, SourceSettings
from monitor.sources.cqc.vocabulary import long_date, normalise_rating, rating_field
from monitor.sources.datafile import DataFileSource, data_file
from monitor.sources.fields import unique_ids

LANDING_PATH = "/about-us/transparency/using-cqc-data"
SHEET = "Locations"
_FILE_LINK = re.compile(r"Latest_ratings\.ods$", re.I)
_FILE_DATE = re.compile(r"(\d{1,2})_([A-Za-z]+)_(\d{4})_Latest_ratings", re.I)
_FOLDER_MONTH = re.compile(r"/(\d{4})-(\d{2})/")
#: header names (lower case) -> our column names; older files say "Key Question" for Domain
COLUMNS = {
    "location id": "id",
    "location name": "name",
    "location local authority": "local_authority",
    "service / population group": "group",
    "domain": "domain",
    "key question": "domain",
    "latest rating": "rating",
    "publication date": "published",
    "report type": "report_type",
    "inherited rating (y/n)": "inherited",
    "url": "url",
}
REQUIRED = ("id", "group", "domain", "rating", "published")
#: a header is looked for among this many first rows of the sheet
HEADER_WITHIN = 20


class CqcRatingsSettings(SourceSettings):
    """The cqc_ratings kind's own keys in sources.yaml."""

    #: the name of the cqc source whose documents these facts check
    checks: str
    #: CQC location ids to check (the same ids the cqc source watches)
    locations: list[str] = []
    #: also every location whose "Location Local Authority" is this (e.g. "Harrow")
    local_authority: str | None = None
    #: the page that links the dated file, when not CQC's "Using CQC data" page
    landing_url: str | None = None

    @field_validator("locations")
    @classmethod
    def _clean_ids(cls, value: list[str]) -> list[str]:
        return unique_ids(value, "each id must be a CQC location id such as 1-125856395")

    @model_validator(mode="after")
    def _something_to_check(self) -> CqcRatingsSettings:
        if not (self.locations or self.local_authority):
            raise ValueError("a cqc_ratings source needs locations (CQC location ids) or local_authority")
        return self


def newest_ratings_file(html: str, page_url: str) -> tuple[str, date | None] | None:
    """(url, date) of the newest "..._Latest_ratings.ods" the landing page links, or None."""
    found: list[tuple[date, str, date | None]] = []
    for link in BeautifulSoup(html, "lxml").find_all("a", href=True):
        url = urljoin(page_url, str(link["href"]).strip())
        path = unquote(urlsplit(url).path)
        if not _FILE_LINK.search(path):
            continue
        when = None
        if match := _FILE_DATE.search(path):
            when = parse_date(f"{match.group(1)} {match.group(2)} {match.group(3)}")
        if when is None and (folder := _FOLDER_MONTH.search(path)):
            when = date(int(folder.group(1)), int(folder.group(2)), 1)
        found.append((when or date.min, url, when))
    if not found:
        return None
    _, url, when = max(found)
    return url, when


class CqcRatingsSource(DataFileSource):
    """Facts from CQC's Latest ratings file that a cqc source's documents must bear out."""

    kind: ClassVar[str] = "cqc_ratings"
    Settings: ClassVar[type[SourceSettings]] = CqcRatingsSettings
    default_base_url: ClassVar[str | None] = "https://www.cqc.org.uk"

    settings: CqcRatingsSettings

    def warnings(self) -> list[str]:
        """What check-config should say about this source."""
        notes = []
        if self.settings.local_authority:
            notes.append(
                "local_authority makes every location of that council a fact: the checked source must "
                "watch them all (e.g. through providers), or each one it does not watch is a mismatch"
            )
        return notes

    def cross_check_facts(self) -> list[CrossCheckFact]:
        """One fact per watched location and domain of its "Overall" rows in the newest file."""
        landing = urljoin(self.base_url + "/", self.settings.landing_url or LANDING_PATH)
        page = self.http.get(landing, allowed_hosts=self.allowed_hosts())
        newest = newest_ratings_file(page.text, landing)
        if newest is None:
            raise ListingBrokenError(
                f"{landing}: expected a link to CQC's monthly '<date>_Latest_ratings.ods' file, found none",
                url=landing,
            )
        file_url, file_date = newest
        with data_file(self, file_url, prefix="cqc-ratings-", unreadable=(OdsError,), conditional=False) as (
            response,
            folder,
        ):
            path = response.path
            if path is None:
                path = folder / "ratings.ods"
                path.write_bytes(response.content)
            return self._facts(path, file_url, file_date)

    def _facts(self, path: Path, file_url: str, file_date: date | None) -> list[CrossCheckFact]:
        watched = set(self.settings.locations)
        authority = (self.settings.local_authority or "").casefold().strip()
        file_name = unquote(urlsplit(file_url).path.rsplit("/", 1)[-1])
        where = f"CQC's Latest ratings file of {long_date(file_date)} ({file_name})"
        columns: dict[str, int] | None = None
        facts: dict[tuple[Any, ...], CrossCheckFact] = {}
        seen: set[str] = set()
        data_rows = 0
        for number, values in iter_sheet_rows(path, SHEET):
            if columns is None:
                columns = _header(values)
                if columns is None and number >= HEADER_WITHIN:
                    break
                continue
            data_rows += 1
            row = {name: values[index] if index < len(values) else "" for name, index in columns.items()}
            location = row["id"].strip()
            ours = location in watched or (
                bool(authority) and row.get("local_authority", "").casefold().strip() == authority
            )
            if not ours:
                continue
            seen.add(location)
            fact = self._fact(row, number, where, file_url)
            if fact is not None:
                facts.setdefault((location, fact.field, fact.value, fact.not_before, fact.url), fact)
        if columns is None:
            raise ListingBrokenError(
                f"{file_url}: expected a header row naming {', '.join(_names(REQUIRED))} in the first "
                f"{HEADER_WITHIN} rows of the {SHEET!r} sheet, found none",
                url=file_url,
            )
        if not data_rows:
            raise ListingBrokenError(
                f"{file_url}: the {SHEET!r} sheet has a header but no rows", url=file_url
            )
        if not seen:
            wanted = ", ".join(sorted(watched)) or "none listed"
            extra = f" nor any in local authority {self.settings.local_authority!r}" if authority else ""
            raise ListingBrokenError(
                f"{file_url}: none of the watched locations ({wanted}){extra} is in the {SHEET!r} sheet "
                f"of {data_rows} rows; a file that names none of them cannot confirm anything",
                url=file_url,
            )
        return list(facts.values())

    def _fact(self, row: dict[str, str], number: int, where: str, file_url: str) -> CrossCheckFact | None:
        if " ".join(row["group"].split()).casefold() != "overall":
            return None
        domain = " ".join(row["domain"].split())
        field = rating_field(domain)
        if field is None:
            return None  # a domain the cqc source has no field for (e.g. "Use of resources")
        published = parse_date(row["published"]) if row["published"].strip() else None
        if row["published"].strip() and published is None:
            raise ListingBrokenError(
                f"{file_url}: row {number} of the {SHEET!r} sheet has a Publication Date "
                f"{row['published']!r} that is not a date",
                url=file_url,
            )
        latest = " ".join(row["rating"].split())
        rated = normalise_rating(latest) is not None
        name = row.get("name", "").strip() or row["id"]
        label = (
            f"{where}, {SHEET} row {number}: {name} ({row['id'].strip()}), {domain}: {latest or 'no rating'}"
            + (f", published {long_date(published)}" if published else "")
            + (" (inherited)" if row.get("inherited", "").strip().upper() == "Y" else "")
        )
        # "Not Rated" / "Not applicable" are no grade to compare, but the date still is
        return CrossCheckFact(
            match={"location_id": row["id"].strip()},
            label=label,
            field=field if rated else None,
            value=latest if rated else None,
            not_before=published,
            url=row.get("url", "").strip() or None,
        )


def _header(values: list[str]) -> dict[str, int] | None:
    columns: dict[str, int] = {}
    for index, value in enumerate(values):
        name = COLUMNS.get(" ".join(value.split()).casefold())
        if name and name not in columns:
            columns[name] = index
    return columns if all(name in columns for name in REQUIRED) else None


def _names(columns: tuple[str, ...]) -> list[str]:
    reverse: dict[str, str] = {}
    for header, name in COLUMNS.items():
        reverse.setdefault(name, header)
    return [repr(reverse[name].title()) for name in columns]
