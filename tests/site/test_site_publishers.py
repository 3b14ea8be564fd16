"""What the site says of each publisher comes from the kind's profile: the Housing Ombudsman
is named as such, its decisions are listed, and a kind no folder declares still reads well."""

from __future__ import annotations

from datetime import date, datetime

from monitor.site import pages
from monitor.site.data import SiteDocument


def _doc(kind: str, title: str, meta: dict) -> SiteDocument:
    return SiteDocument(
        id=1, source="harrow-housing", source_kind=kind, key="202344547", url="https://example.org/d", title=title,
        kind="decision", published=date(2025, 5, 2), first_seen=datetime(2025, 5, 3, 7, 0), status="ok", meta=meta,
        slug="harrow-housing-202344547",
    )


def test_the_housing_ombudsman_is_named_by_its_profile():
    doc = _doc("housing_ombudsman", "London Borough of Harrow (202344547)", {"decision": "Severe maladministration"})
    row = pages.summary_row(doc)
    assert row["publisher"] == "Housing Ombudsman"
    assert row["grade"] == "Severe maladministration"


def test_a_kind_no_folder_declares_gets_a_readable_label():
    assert pages.summary_row(_doc("retired_kind", "Old", {}))["publisher"] == "Retired kind"
