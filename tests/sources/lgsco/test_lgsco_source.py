"""The lgsco source against a real local server playing www.lgo.org.uk, and read_meta against
the real decision texts in ../shared/fixtures/lgsco."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from monitor.errors import BlockedError, FetchError, ListingBrokenError
from monitor.extract.pool import extract_here
from monitor.extract.textnorm import normalise_page
from monitor.sources import source_class
from monitor.sources.base import SourceContext
from monitor.sources.lgsco.source import LgscoSource

FIXTURES = Path(__file__).parent / "fixtures"
SEARCH = "/Decisions/SearchResults"
HARROW = "London Borough of Harrow"


def make_source(server, http, **keys) -> LgscoSource:
    settings = LgscoSource.Settings(**{"authority": HARROW, **keys})
    return LgscoSource(settings, SourceContext(name="harrow-lgsco", base_url=server.url, http=http))


def serve_pages(server, pages: dict[str, str]) -> None:
    """Answer the search path with a fixture chosen by the `page` parameter (404 otherwise)."""

    def handler(request):
        page = parse_qs(urlsplit(request.path).query).get("page", ["1"])[0]
        name = pages.get(page)
        if name is None:
            return 404, {"Content-Type": "text/plain"}, b"no such page"
        return 200, {"Content-Type": "text/html; charset=utf-8"}, (FIXTURES / name).read_bytes()

    server.add(SEARCH, handler=handler)


# (key, url path, kind, decision, category, subcategory, date, summary, remedy)
EXPECTED = [
    (
        "24 012 792", "children-s-care-services/looked-after-children/24-012-792", "decision", "Upheld",
        "Children's care services", "Looked after children", date(2025, 7, 28),
        "Miss Y complains the Council did not properly investigate the injuries her child obtained whilst in "
        "Council arranged foster care. We find procedural fault. The Council will pay £500 in recognition of "
        "that distress and remind staff of the protocols.",
        "The Council will pay £500 in recognition of that distress and remind staff of the protocols.",
    ),
    (
        "24 022 000", "children-s-care-services/other/24-022-000", "public report", "Upheld",
        "Children's care services", "Other", date(2025, 7, 7),
        "Mr X complained the Council had not taken action to ensure that he and his wife have the respite care "
        "for their child that the family is entitled to. We therefore have concerns about the Council's "
        "governance arrangements.",
        None,
    ),
    (
        "25 001 412", "housing/homelessness/25-001-412", "decision", "Not upheld", "Housing", "Homelessness",
        date(2025, 6, 12),
        "Ms D complained about the Council's decision on her homeless application. We found no fault in how "
        "the Council reached its decision.",
        None,
    ),
    (
        "24 019 330", "education/special-educational-needs/24-019-330", "decision", "Upheld", "Education",
        "Special educational needs", date(2025, 5, 20),
        "Mrs B complained the Council delayed issuing her son's Education, Health and Care Plan. The Council "
        "was at fault. The Council has agreed to apologise and pay Mrs B £750.",
        "The Council has agreed to apologise and pay Mrs B £750.",
    ),
    (
        "25 000 118", "benefits-and-tax/council-tax/25-000-118", "decision", "Closed after initial enquiries",
        "Benefits and tax", "Council tax", date(2025, 5, 2),
        "We will not investigate Mr K's complaint about council tax arrears because he could appeal to the "
        "Valuation Tribunal.",
        None,
    ),
    (
        "24 015 902", "adult-care-services/assessment-and-care-plan/24-015-902", "decision", "Upheld",
        "Adult care services", "Assessment and care plan", date(2025, 3, 14),
        "Mr C complained the Council took too long to assess his mother's care needs. The Council should "
        "review its waiting list and pay Mr C £300.",
        "The Council should review its waiting list and pay Mr C £300.",
    ),
    (
        "24 008 754", "children-s-care-services/disabled-children/24-008-754", "decision", "Upheld",
        "Children's care services", "Disabled children", date(2024, 12, 17),
        "Mr X complained the Council has not taken action to ensure the family has the respite care it is "
        "entitled to. The Council should take action to remedy the injustice caused to Mr X.",
        "The Council should take action to remedy the injustice caused to Mr X.",
    ),
    (
        "24 011 365", "children-s-care-services/child-protection/24-011-365", "decision",
        "Closed after initial enquiries", "Children's care services", "Child protection", date(2024, 12, 4),
        "We will not investigate this complaint about the Council's handling of Miss X's complaints. The "
        "matters formed part of court action.",
        None,
    ),
    (
        "24 006 077", "transport-and-highways/parking-and-other-penalties/24-006-077", "decision", "Not upheld",
        "Transport and highways", "Parking and other penalties", None,
        "Mr P complained about a penalty charge notice. We found no fault.",
        None,
    ),
    (
        "23 017 669", "children-s-care-services/looked-after-children/23-017-669", "decision",
        "Closed after initial enquiries", "Children's care services", "Looked after children", date(2024, 3, 7),
        "We will not investigate Miss X's complaint. There is no sign of fault in the Council's decision not "
        "to consider her complaint during court proceedings.",
        None,
    ),
    (
        "23 009 871", "housing/allocations/23-009-871", "decision", "Upheld", "Housing", "Allocations",
        date(2024, 1, 19),
        "Mrs H complained the Council wrongly removed her from the housing register. The Council has agreed "
        "to restore her priority date.",
        "The Council has agreed to restore her priority date.",
    ),
    (
        "22 016 751", "children-s-care-services/child-protection/22-016-751", "decision", "Upheld",
        "Children's care services", "Child protection", date(2023, 12, 8),
        "Mrs X complained that the Council used false and inaccurate information during child protection "
        "inquiries. In recognition of the injustice caused, the Council has agreed to amend the documents, "
        "apologise to Mrs X and make a payment to her.",
        "In recognition of the injustice caused, the Council has agreed to amend the documents, apologise to "
        "Mrs X and make a payment to her.",
    ),
    (
        "22 012 300", "planning-and-development/planning-applications/22-012-300", "decision", "Not upheld",
        "Planning and development", "Planning applications", date(2023, 6, 30),
        "Mr and Mrs L complained about the Council's decision to grant planning permission for an extension "
        "next door. There was no fault in the way the Council made its decision.",
        None,
    ),
]


def test_registered_under_its_kind():
    assert source_class("lgsco") is LgscoSource
    assert LgscoSource.default_base_url == "https://www.lgo.org.uk"


def test_settings_validate():
    settings = LgscoSource.Settings(authority="  London  Borough of Harrow ")
    assert settings.authority == HARROW
    assert settings.categories == [] and settings.max_pages == 5 and settings.allow_empty is False
    with pytest.raises(ValueError):
        LgscoSource.Settings(authority=HARROW, unknown=1)
    with pytest.raises(ValueError):
        LgscoSource.Settings(authority=HARROW, max_pages=0)
    with pytest.raises(ValueError):
        LgscoSource.Settings()


def _urgent_by_default(category: str, kind: str) -> bool:
    """The default category_severity: children's and adult care, and every public report."""
    return category in ("Children's care services", "Adult care services") or kind == "public report"


def test_lists_every_decision_once_newest_first_across_pages(server, http):
    serve_pages(server, {"1": "search_harrow_page1.html", "2": "search_harrow_page2.html"})
    refs = list(make_source(server, http).list_documents())

    assert [r.key for r in refs] == [row[0] for row in EXPECTED]
    for ref, (key, path, kind, decision, category, subcategory, when, summary, remedy) in zip(
        refs, EXPECTED, strict=True
    ):
        category_slug, subcategory_slug, _ = path.split("/")
        assert ref.key == key
        assert ref.url == f"{server.url}/decisions/{path}"
        assert ref.title == f"{HARROW} ({key}): {decision}"
        assert ref.published == when
        assert ref.kind == kind
        assert ref.fingerprint == f"{decision}|{when.isoformat() if when else None}"
        assert ref.meta == {
            "authority": HARROW,
            "reference": key,
            "category": category,
            "category_slug": category_slug,
            "subcategory": subcategory,
            "subcategory_slug": subcategory_slug,
            "decision": decision,
            "decision_date": when.isoformat() if when else None,
            "statement_type": "Report" if kind == "public report" else "Statement",
            "summary": summary,
            "remedy": remedy,
        } | ({"severity": "urgent"} if _urgent_by_default(category, kind) else {})

    # two pages asked for, with the search parameters the site's form redirects to
    hits = server.hits_for(SEARCH)
    assert len(hits) == 2
    for number, hit in enumerate(hits, start=1):
        query = parse_qs(hit.query, keep_blank_values=True)
        assert query["aname"] == [HARROW]
        # literal plus signs, as the site's own URLs carry them: %2B on the wire
        assert query["dc"] == ["c+nu+u+"]
        assert "dc=c%2Bnu%2Bu%2B" in hit.query.split("&")
        assert query["fd"] == ["0001-01-01"]
        today = date.today()
        assert query["td"] == [f"{today.year}-{today.month}-{today.day}"]
        assert query["page"] == [str(number)]
        assert query["sortOrder"] == ["descending"]
        assert hit.headers["Referer"] == f"{server.url}/decisions"


def test_stops_at_max_pages(server, http):
    serve_pages(server, {"1": "search_harrow_page1.html", "2": "search_harrow_page2.html"})
    refs = list(make_source(server, http, max_pages=1).list_documents())
    assert [r.key for r in refs] == [row[0] for row in EXPECTED[:10]]
    assert len(server.hits_for(SEARCH)) == 1


def test_categories_filter_by_name_or_slug(server, http):
    serve_pages(server, {"1": "search_harrow_page1.html", "2": "search_harrow_page2.html"})
    by_name = list(make_source(server, http, categories=["Children's care services", "housing"]).list_documents())
    wanted = [row[0] for row in EXPECTED if row[4] in ("Children's care services", "Housing")]
    assert [r.key for r in by_name] == wanted
    assert len(wanted) == 8


def test_no_results_is_broken_unless_allowed(server, http):
    """A council always has decisions: "has 0 results" means the search (aname, dc) or the site
    changed. Before issue 13 this was accepted silently as an empty listing."""
    serve_pages(server, {"1": "search_no_results.html"})
    with pytest.raises(ListingBrokenError, match="has 0 results for 'London Borough of Harrow'") as info:
        list(make_source(server, http).list_documents())
    assert info.value.url.startswith(f"{server.url}{SEARCH}?aname=London+Borough+of+Harrow")
    assert list(make_source(server, http, allow_empty=True).list_documents()) == []


@pytest.mark.parametrize("fixture", ["search_changed_layout.html", "search_shell.html"])
def test_layout_change_or_empty_shell_is_broken_not_empty(server, http, fixture):
    serve_pages(server, {"1": fixture})
    with pytest.raises(ListingBrokenError) as info:
        list(make_source(server, http).list_documents())
    assert f"{server.url}{SEARCH}?aname=London+Borough+of+Harrow" in str(info.value)
    assert "decision" in str(info.value)


def test_results_count_without_links_is_broken(server, http):
    html = (FIXTURES / "search_no_results.html").read_text().replace("has 0 results", "has 13 results")
    server.add(SEARCH, html)
    with pytest.raises(ListingBrokenError, match="it says it has 13 results"):
        list(make_source(server, http).list_documents())


def test_server_error_is_a_fetch_error_after_retries(server, http):
    server.add(SEARCH, "oops", status=500, content_type="text/plain")
    with pytest.raises(FetchError) as info:
        list(make_source(server, http).list_documents())
    assert not isinstance(info.value, BlockedError)
    assert info.value.status == 500
    assert len(server.hits_for(SEARCH)) == http.settings.retries + 1


def test_forbidden_is_blocked(server, http):
    server.add(SEARCH, "no robots here", status=403, content_type="text/plain")
    with pytest.raises(BlockedError) as info:
        list(make_source(server, http).list_documents())
    assert info.value.status == 403


def test_read_meta_from_an_html_decision_page():
    extracted = extract_here(FIXTURES / "decision_22-016-751.html", "text/html", "lgsco")
    assert extracted.error is None
    assert extracted.meta == {
        "authority": HARROW,
        "reference": "22 016 751",
        "category": "Children's care services",
        "subcategory": "Child protection",
        "decision": "Upheld",
        "decision_date": "2023-12-08",
        "summary": "Mrs X complained that the Council used false and inaccurate information during child "
        "protection inquiries to create a negative assessment of her and her family. We found the Council was "
        "at fault in that it included inaccurate and irrelevant information in various documents causing "
        "Mrs X distress. In recognition of the injustice caused, the Council has agreed to amend the "
        "documents, apologise to Mrs X and make a payment to her.",
        "remedy": "In recognition of the injustice caused, the Council has agreed to amend the documents, "
        "apologise to Mrs X and make a payment to her.",
        "verdict_sources": {"decision": {"page": 1, "text": "Decision : Upheld"}},
    }


def test_read_meta_of_unrelated_text_is_empty():
    assert LgscoSource.read_meta(["Councils' performance", "Councils starting with the letter Z"]) == {}


# -- contract: the real decision texts ----------------------------------------------------

# file -> (authority, reference, category, subcategory, decision, decision_date, remedy or None)
REAL = {
    "22-001-239_hampshire_adult-care_direct-payments_upheld.txt": (
        "Hampshire County Council", "22 001 239", "Adult care services", "Direct payments", "Upheld",
        "2023-01-20", "The Council has agreed to apologise and make a payment to them to reflect the injustice caused.",
    ),
    "22-016-751_harrow_child-protection_upheld.txt": (
        HARROW, "22 016 751", "Children's care services", "Child protection", "Upheld", "2023-12-08",
        "In recognition of the injustice caused, the Council has agreed to amend the documents, apologise to "
        "Mrs X and make a payment to her.",
    ),
    "23-017-669_harrow_looked-after-children_closed-after-initial-enquiries.txt": (
        HARROW, "23 017 669", "Children's care services", "Looked after children",
        "Closed after initial enquiries", "2024-03-07", None,
    ),
    "24-008-754_harrow_disabled-children_upheld_ALT-EXTRACTION.txt": (
        HARROW, "24 008 754", "Children's care services", "Disabled children", "Upheld", "2024-12-17",
        "The Council should take action to remedy the injustice caused to Mr X by the fault and to avoid it "
        "happening again in future.",
    ),
    "24-011-365_harrow_child-protection_closed-after-initial-enquiries.txt": (
        HARROW, "24 011 365", "Children's care services", "Child protection", "Closed after initial enquiries",
        "2024-12-04", None,
    ),
    "24-012-792_harrow_looked-after-children_upheld.txt": (
        HARROW, "24 012 792", "Children's care services", "Looked after children", "Upheld", "2025-07-28",
        "The Council will pay £500 in recognition of that distress and remind staff of the protocols when "
        "considering allegations made against those working with children.",
    ),
    "24-022-000_harrow_other_upheld_PUBLIC-REPORT-format.txt": (
        HARROW, "24 022 000", "Children's care services", "Other", "Upheld", "2025-07-07",
        "Apologise in writing to Mr X to acknowledge the injustice caused to him and his family by the "
        "Council's failings as identified in this report. The apology should be in line with our guidance, "
        "Making an effective apology. Pay Mr X a symbolic payment of £400",
    ),
}


def _real_meta(shared_fixtures: Path, name: str) -> dict:
    text = (shared_fixtures / "lgsco" / "page_text_excerpts" / name).read_text(encoding="utf-8")
    return LgscoSource.read_meta([normalise_page(text)])


@pytest.mark.parametrize("name", sorted(REAL))
def test_contract_read_meta_on_real_decision_texts(shared_fixtures, name):
    authority, reference, category, subcategory, decision, decided, remedy = REAL[name]
    meta = _real_meta(shared_fixtures, name)
    assert meta["authority"] == authority
    assert meta["reference"] == reference
    assert meta["category"] == category
    assert meta["subcategory"] == subcategory
    assert meta["decision"] == decision
    assert meta["decision_date"] == decided
    assert meta["summary"].startswith(("Mrs X", "Miss X", "Mr X", "Miss Y", "We will not investigate"))
    if remedy is None:
        assert "remedy" not in meta
    else:
        assert meta["remedy"].startswith(remedy)


def test_contract_public_report_finding_and_recommendations(shared_fixtures):
    meta = _real_meta(shared_fixtures, "24-022-000_harrow_other_upheld_PUBLIC-REPORT-format.txt")
    assert meta["finding"] == "Fault found causing injustice and recommendations made."
    assert meta["recommendations"].startswith("The Council must consider the report and confirm within three months")
    assert "The total payment to be made to Mr X is £700." in meta["recommendations"]
    assert meta["summary"].startswith("Mr X complained the Council had not taken action")
    assert meta["summary"].endswith("administer the statutory children's complaints procedure.")


def test_contract_every_real_decision_text_is_covered(shared_fixtures):
    names = {p.name for p in (shared_fixtures / "lgsco" / "page_text_excerpts").glob("*.txt")}
    decisions = {n for n in names if not n.startswith("councils-performance")}
    assert decisions == set(REAL)
    index = next(n for n in names if n.startswith("councils-performance"))
    assert _real_meta(shared_fixtures, index) == {}


def test_category_severity_lays_over_the_defaults_by_name_slug_or_subcategory(server, http):
    serve_pages(server, {"1": "search_harrow_page1.html", "2": "search_harrow_page2.html"})
    source = make_source(
        server,
        http,
        category_severity={
            "housing > homelessness": "urgent",
            "Housing": "normal",
            "children-s-care-services": "normal",
            "Benefits and tax": "info",
        },
        public_report_severity=None,
    )
    severities = {ref.key: ref.meta.get("severity") for ref in source.list_documents()}
    assert severities == {
        "24 012 792": "normal",  # a configured slug lowers a default
        "24 022 000": "normal",  # a public report, with public_report_severity off
        "25 001 412": "urgent",  # Housing > Homelessness: the subcategory wins over its category
        "24 019 330": None,  # Education: in no entry, so the source's severity applies
        "25 000 118": "info",
        "24 015 902": "urgent",  # Adult care services: the default stays
        "24 008 754": "normal",
        "24 011 365": "normal",
        "24 006 077": None,
        "23 017 669": "normal",
        "23 009 871": "normal",  # Housing > Allocations: the category's entry
        "22 016 751": "normal",
        "22 012 300": None,
    }


def test_a_public_report_is_raised_to_public_report_severity():
    from monitor.sources.lgsco.severity import merged, severity_for

    table = merged({"Planning and development": "info"})
    meta = {"category": "Planning and development", "subcategory": "Enforcement"}
    assert severity_for(meta, "public report", table, "urgent") == "urgent"
    assert severity_for(meta, "decision", table, "urgent") == "info"
    assert severity_for(meta, "public report", table, None) == "info"
    assert severity_for({"category": "Highways"}, "decision", table, "urgent") is None


def test_category_severity_values_are_checked():
    with pytest.raises(ValueError):
        LgscoSource.Settings(authority=HARROW, category_severity={"Housing": "loud"})


def test_narrowed_categories_are_said_in_check_config(server, http):
    assert len(make_source(server, http).warnings()) == 1
    notes = make_source(server, http, categories=["Children's care services"]).warnings()
    assert any("only decisions in Children's care services are watched" in note for note in notes)
