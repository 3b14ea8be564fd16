"""A cross-check source kind for the tests: facts from a small CSV on the local server.

Real cross-check kinds (cqc_ratings, ofsted_outcomes) read publishers' bulk files; this one
reads `urn,field,value,not_before,url` rows so a test can say exactly what the second road
claims. Registered by the tests with monkeypatch.setitem(REGISTRY, ...).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date
from typing import ClassVar

from monitor.errors import ListingBrokenError
from monitor.sources.base import CrossCheckFact, DocumentRef, Source, SourceSettings


class FactsSettings(SourceSettings):
    checks: str
    url: str


class FactsSource(Source):
    kind: ClassVar[str] = "test_facts"
    Settings = FactsSettings
    complete_listing = False
    cross_check = True

    def list_documents(self) -> Iterator[DocumentRef]:
        return iter(())

    def cross_check_facts(self) -> list[CrossCheckFact]:
        url = self.settings.url  # type: ignore[attr-defined]
        rows = list(csv.DictReader(io.StringIO(self.http.get(url).text)))
        if not rows or "urn" not in rows[0]:
            raise ListingBrokenError(f"{url}: expected rows of urn,field,value,not_before,url", url=url)
        return [
            CrossCheckFact(
                match={"urn": row["urn"]},
                field=row["field"] or None,
                value=row["value"] or None,
                not_before=date.fromisoformat(row["not_before"]) if row["not_before"] else None,
                url=row["url"] or None,
                label=f"test statistics: URN {row['urn']} {row['field']} {row['value']} from {row['not_before']}",
            )
            for row in rows
        ]
