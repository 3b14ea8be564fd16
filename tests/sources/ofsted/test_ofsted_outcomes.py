"""The ofsted_outcomes cross-check: the GOV.UK statistics "Local authority inspection outcomes"
found through the Search and Content APIs, its data file (ODS or CSV) read into facts.

The real local server plays www.gov.uk and assets.publishing.service.gov.uk; the ODS is a
real OpenDocument file built here with the sheets and heading row of the 2026 edition
(tests/sources/ofsted/fixtures/outcomes_PROVENANCE.md).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from pydantic import ValidationError

from monitor.errors import ListingBrokenError
from monitor.sources import source_class
from monitor.sources.base import CrossCheckFact, SourceContext
from monitor.sources.ofsted.outcomes_source import OfstedOutcomesSource

FIXTURES = Path(__file__).parent / "fixtures"
from statistics_release import (  # noqa: E402
    AS_AT,
    HISTORY,
    ODS_PATH,
    ODS_TYPE,
    RELEASE,
    TITLE,
    attachment,
    govuk,
    make_ods,
)


def make_source(server, http, **keys) -> OfstedOutcomesSource:
    settings = OfstedOutcomesSource.Settings(checks="ofsted-harrow-childrens-services", **keys)
    return OfstedOutcomesSource(
        settings, SourceContext(name="ofsted-outcomes", base_url=server.url, http=http)
    )


def harrow_facts(label_prefix: str) -> list[CrossCheckFact]:
    grades = [
        ("overall", "inadequate"),
        ("impact_of_leaders", "requires improvement"),
        ("help_and_protection", "good"),
        ("in_care", "good"),
        ("care_leavers", "inadequate"),
    ]
    return [
        CrossCheckFact(
            match={"urn": "80499"},
            label=f"{label_prefix}, {field.replace('_', ' ')} {grade}",
            field=field,
            value=grade,
            not_before=date(2025, 3, 4),
        )
        for field, grade in grades
    ]


# -- settings ---------------------------------------------------------------------------


def test_registered_as_a_cross_check():
    assert source_class("ofsted_outcomes") is OfstedOutcomesSource
    assert OfstedOutcomesSource.cross_check is True
    assert OfstedOutcomesSource.complete_listing is False
    assert OfstedOutcomesSource.default_base_url == "https://www.gov.uk"


@pytest.mark.parametrize(
    "keys",
    [
        {},
        {"urns": [80499], "local_authorities": ["Harrow", "Barnet"]},
        {"urns": [80499], "content_path": "government/statistics/x"},
        {"urns": [80499], "colour": "red"},
    ],
)
def test_settings_reject(keys):
    with pytest.raises(ValidationError):
        OfstedOutcomesSource.Settings(checks="ofsted-harrow", **keys)


# -- the 2026 edition (ODS) -------------------------------------------------------------


def test_ods_edition_gives_harrows_newest_inspection(server, http):
    server.add(
        ODS_PATH,
        make_ods({"Inspections_as_at_31_March": AS_AT, "ILACS_inspection_history": HISTORY}),
        content_type=ODS_TYPE,
    )
    govuk(
        server,
        [
            attachment(server, "/media/1/main-findings.pdf", "application/pdf", "Main findings"),
            attachment(server, ODS_PATH, ODS_TYPE),
        ],
    )
    source = make_source(server, http, urns=[80499], local_authorities=["Harrow"])

    assert list(source.list_documents()) == []
    facts = source.cross_check_facts()

    # the newest row is the "as at" sheet's (published 4 March 2025, five grades), not the
    # history's 20 January 2025 row of the same inspection
    assert facts == harrow_facts(
        f"{TITLE} (Inspections_as_at_31_March): Harrow, Short published 04 March 2025"
    )
    search = parse_qs(server.hits_for("/api/search.json")[0].query)
    assert search == {
        "q": ["Local authority inspection outcomes"],
        "filter_organisations": ["ofsted"],
        "order": ["-public_timestamp"],
        "count": ["20"],
        "fields": ["title", "link", "public_timestamp", "content_store_document_type"],
    }
    assert [h.path for h in server.hits if h.path != "/robots.txt"] == [
        "/api/search.json",
        f"/api/content{RELEASE}",
        ODS_PATH,
    ]


def test_history_sheet_alone_gives_the_overall_from_the_inspection_date(server, http):
    server.add(ODS_PATH, make_ods({"ILACS_inspection_history": HISTORY}), content_type=ODS_TYPE)
    govuk(server, [attachment(server, ODS_PATH, ODS_TYPE)])
    facts = make_source(
        server, http, urns=[80499], local_authorities=["London Borough of Harrow"], content_path=RELEASE
    ).cross_check_facts()
    assert facts == [
        CrossCheckFact(
            match={"urn": "80499"},
            label=f"{TITLE} (ILACS_inspection_history): Harrow, Short inspected 20 January 2025, overall inadequate",
            field="overall",
            value="inadequate",
            not_before=date(2025, 1, 20),
        )
    ]
    assert server.hits_for("/api/search.json") == []  # content_path given: no search


# -- a CSV edition, post-reform rows ----------------------------------------------------


def test_csv_preferred_and_post_reform_rows(server, http):
    csv_path = "/media/7/local_authority_inspection_outcomes_underlying_data.csv"
    server.add(csv_path, (FIXTURES / "outcomes_post_reform.csv").read_bytes(), content_type="text/csv")
    server.add(ODS_PATH, b"not read", content_type=ODS_TYPE)
    govuk(server, [attachment(server, ODS_PATH, ODS_TYPE), attachment(server, csv_path, "text/csv")])
    # with a URN column in the file, names are not needed
    source = make_source(server, http, urns=[80573, 80489, 80487])

    facts = source.cross_check_facts()

    trafford = f"{TITLE} (csv): Trafford, Standard published 03 August 2026"
    brent = f"{TITLE} (csv): Brent, Short published 17 June 2026"
    barnet = f"{TITLE} (csv): Barnet, Short published 23 July 2024"

    def fact(urn, label, field, value, day):
        return CrossCheckFact(
            match={"urn": urn},
            label=f"{label}, {field.replace('_', ' ')} {value}",
            field=field,
            value=value,
            not_before=day,
        )

    assert facts == [
        # "Not applicable" overall under the April 2026 framework: no overall fact
        fact("80573", trafford, "impact_of_leaders", "inadequate", date(2026, 8, 3)),
        fact("80573", trafford, "help_and_protection", "inadequate", date(2026, 8, 3)),
        fact("80573", trafford, "in_care", "good", date(2026, 8, 3)),
        fact("80573", trafford, "care_leavers", "requires improvement", date(2026, 8, 3)),
        # no grade at all: the date is still checked
        CrossCheckFact(
            match={"urn": "80489"}, label=f"{brent}, no grade given", not_before=date(2026, 6, 17)
        ),
        # numeric codes of Ofsted's older files
        fact("80487", barnet, "overall", "good", date(2024, 7, 23)),
        fact("80487", barnet, "impact_of_leaders", "good", date(2024, 7, 23)),
        fact("80487", barnet, "help_and_protection", "good", date(2024, 7, 23)),
        fact("80487", barnet, "in_care", "outstanding", date(2024, 7, 23)),
        fact("80487", barnet, "care_leavers", "good", date(2024, 7, 23)),
    ]
    assert server.hits_for(ODS_PATH) == []


def test_facts_match_the_ofsted_refs_urn(server, http):
    # the checked source's refs carry meta["urn"] as text; the facts match on the same text
    from test_ofsted_source import fixture
    from test_ofsted_source import make_source as ofsted_source

    server.add("/provider/44/80499", fixture("provider_80499.html", server.url))
    refs = list(ofsted_source(server, http, providers=[{"urn": 80499}]).list_documents())
    server.add(ODS_PATH, make_ods({"Inspections_as_at_31_March": AS_AT}), content_type=ODS_TYPE)
    govuk(server, [attachment(server, ODS_PATH, ODS_TYPE)])
    facts = make_source(server, http, urns=[80499], local_authorities=["Harrow"]).cross_check_facts()
    assert {str(f.match["urn"]) for f in facts} == {r.meta["urn"] for r in refs} == {"80499"}


# -- broken, never "all agree" ----------------------------------------------------------


def test_file_naming_none_of_the_watched_councils_is_broken(server, http):
    server.add(ODS_PATH, make_ods({"Inspections_as_at_31_March": AS_AT}), content_type=ODS_TYPE)
    govuk(server, [attachment(server, ODS_PATH, ODS_TYPE)])
    source = make_source(server, http, urns=[80426], local_authorities=["Barnsley"])
    with pytest.raises(ListingBrokenError) as caught:
        source.cross_check_facts()
    assert caught.value.url == f"{server.url}{ODS_PATH}"
    assert str(caught.value) == (
        f"{server.url}{ODS_PATH}: {TITLE} names none of the rows expected for 'Barnsley' "
        "(sheets read: Inspections_as_at_31_March)"
    )


@pytest.mark.parametrize(
    ("sheets", "keys", "message"),
    [
        (
            {
                "Inspections_as_at_31_March": [
                    r if i != 3 else [*r[:6], "Satisfactory", *r[7:]] for i, r in enumerate(AS_AT)
                ]
            },
            {"urns": [80487], "local_authorities": ["Barnet"]},
            "Barnet, Overall effectiveness: unknown grade 'Satisfactory'",
        ),
        (
            {"Inspections_as_at_31_March": AS_AT},
            {"urns": [80499]},
            "the file has no URN column, so URN 80499 cannot be found in it",
        ),
        (
            {"Inspections_as_at_31_March": AS_AT},
            {"local_authorities": ["Harrow"]},
            "the file has no URN column, so 'Harrow' cannot be matched",
        ),
        (
            {"Sheet1": [["Region", "Count"], ["London", "33"]]},
            {"urns": [80499], "local_authorities": ["Harrow"]},
            "no sheet has a heading row naming a local authority (sheets: Sheet1)",
        ),
    ],
)
def test_data_not_understood_is_broken(server, http, sheets, keys, message):
    server.add(ODS_PATH, make_ods(sheets), content_type=ODS_TYPE)
    govuk(server, [attachment(server, ODS_PATH, ODS_TYPE)])
    with pytest.raises(ListingBrokenError) as caught:
        make_source(server, http, **keys).cross_check_facts()
    assert caught.value.url == f"{server.url}{ODS_PATH}"
    assert message in str(caught.value)


def test_release_without_a_data_file_is_broken(server, http):
    govuk(server, [attachment(server, "/media/1/main-findings.pdf", "application/pdf", "Main findings")])
    with pytest.raises(ListingBrokenError) as caught:
        make_source(server, http, urns=[80499], local_authorities=["Harrow"]).cross_check_facts()
    assert caught.value.url == f"{server.url}/api/content{RELEASE}"
    assert "no CSV or ODS data file among the attachments ('Main findings' (application/pdf))" in str(
        caught.value
    )


def test_search_finding_no_release_is_broken(server, http):
    govuk(
        server, [], search_results=[{"title": "Ofsted annual report", "link": "/government/publications/x"}]
    )
    with pytest.raises(ListingBrokenError) as caught:
        make_source(server, http, urns=[80499], local_authorities=["Harrow"]).cross_check_facts()
    assert caught.value.url.startswith(f"{server.url}/api/search.json?")
    assert "no result titled like 'Local authority inspection outcomes' among 1" in str(caught.value)


def test_warnings_name_the_assets_host(http):
    context = SourceContext(name="x", base_url=None, http=http, allowed_hosts=frozenset({"www.gov.uk"}))
    source = OfstedOutcomesSource(OfstedOutcomesSource.Settings(checks="o", urns=[80499]), context)
    notes = source.warnings()
    assert len(notes) == 2
    assert "column names are only partly confirmed" in notes[0]
    assert "assets.publishing.service.gov.uk" in notes[1]


def test_facts_through_the_pipelines_cross_check(server, http):
    # the lead's monitor/crosscheck.find_mismatches on documents as the ofsted source stores
    # them (listing meta merged with the report's meta): agreement gives nothing, a grade the
    # statistics disagree with, or a report the source never listed, gives a mismatch
    from types import SimpleNamespace

    from monitor.pipeline.crosscheck import find_mismatches

    server.add(ODS_PATH, make_ods({"Inspections_as_at_31_March": AS_AT}), content_type=ODS_TYPE)
    govuk(server, [attachment(server, ODS_PATH, ODS_TYPE)])
    facts = make_source(server, http, urns=[80499], local_authorities=["Harrow"]).cross_check_facts()
    judgements = {f.field: f.value for f in facts}

    def doc(published, **grades):
        meta = {"urn": "80499", "published": published.isoformat(), "judgements": {**judgements, **grades}}
        return SimpleNamespace(status="ok", meta=meta, published=published, key="k", url="u", title="t")

    assert (
        find_mismatches(facts, [doc(date(2020, 3, 16), overall="good"), doc(date(2025, 3, 4))], "ofsted")
        == []
    )
    wrong = find_mismatches(facts, [doc(date(2025, 3, 4), care_leavers="good")], "ofsted")
    assert [(m.fact.field, m.problem) for m in wrong] == [
        ("care_leavers", "care_leavers: good where the cross-check says inadequate")
    ]
    missed = find_mismatches(facts, [doc(date(2020, 3, 16))], "ofsted")
    assert {m.problem for m in missed} == {"no document dated on or after 2025-03-04"}
