"""The lgsco listing against the shapes of issue 13's evidence (REPORT.md, probe_listing_variants.out):
each probe that gave no document, a wrong field or a silent zero now gives the right documents or
ListingBrokenError. A real local server plays www.lgo.org.uk; the pages are built here, with the
confirmed parts real (the "has N results" line, root-relative /decisions/<cat>/<sub>/<YY-NNN-NNN>
links) and the card text as third-party tests model it (the card markup is unverified)."""

from __future__ import annotations

from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest

from monitor.errors import ListingBrokenError
from monitor.sources.base import SourceContext
from monitor.sources.lgsco.source import LgscoSource

SEARCH = "/Decisions/SearchResults"
HARROW = "London Borough of Harrow"
PATH = "/decisions/children-s-care-services/looked-after-children/{ref}"


def card(ref: str, details: str = "Statement Upheld Looked after children 28-Jul-2025", *, link_text: str | None = None,
         href: str | None = None, authority: str = HARROW, summary: str = "Miss Y complains. The Council will pay £500.") -> str:
    """One result card as the Cumbria tracker's tests model it."""
    href = href or PATH.format(ref=ref.replace(" ", "-"))
    text = link_text if link_text is not None else f"{authority} ({ref})"
    return f'<div class="search-result"><h3><a href="{href}">{text}</a></h3><div>{details}</div><p>Summary: {summary}</p></div>'


def page(count: str | None, cards: list[str]) -> str:
    line = f"<p>Your search has {count}</p>" if count is not None else ""
    return f"<html><body><main><h1>Decision search</h1>{line}<div>{''.join(cards)}</div></main></body></html>"


def refs_for(n: int, start: int = 0) -> list[str]:
    return [f"24 {100 + i:03d} {500 + i:03d}" for i in range(start, start + n)]


def make_source(server, http, **keys) -> LgscoSource:
    settings = LgscoSource.Settings(**{"authority": HARROW, **keys})
    return LgscoSource(settings, SourceContext(name="harrow-lgsco", base_url=server.url, http=http))


def serve(server, pages: dict[str, str]) -> None:
    def handler(request):
        number = parse_qs(urlsplit(request.path).query).get("page", ["1"])[0]
        if number not in pages:
            return 404, {"Content-Type": "text/plain"}, b"no such page"
        return 200, {"Content-Type": "text/html; charset=utf-8"}, pages[number].encode()

    server.add(SEARCH, handler=handler)


def listed(server, http, pages: dict[str, str], **keys):
    serve(server, pages)
    return list(make_source(server, http, **keys).list_documents())


def broken(server, http, pages: dict[str, str], match: str, **keys) -> ListingBrokenError:
    serve(server, pages)
    with pytest.raises(ListingBrokenError, match=match) as info:
        list(make_source(server, http, **keys).list_documents())
    assert info.value.url and info.value.url.startswith(f"{server.url}{SEARCH}?")
    return info.value


# -- probes A-H of probe_listing_variants.out -------------------------------------------------


def _one(server, http, html: str):
    (ref,) = listed(server, http, {"1": html})
    return ref


def test_probe_a_modelled_card(server, http):
    ref = _one(server, http, page("1 results", [card("24 012 792")]))
    assert (ref.key, ref.title, ref.published, ref.kind) == ("24 012 792", f"{HARROW} (24 012 792): Upheld", date(2025, 7, 28), "decision")
    assert ref.url == f"{server.url}{PATH.format(ref='24-012-792')}"
    assert ref.meta["authority"] == HARROW and ref.meta["subcategory"] == "Looked after children"
    assert ref.meta["remedy"] == "The Council will pay £500."


def test_probe_b_date_written_as_on_decision_pages(server, http):
    """Before: the date was lost and the subcategory read "Looked after children 28 Jul 2025"."""
    ref = _one(server, http, page("1 results", [card("24 012 792", "Statement Upheld Looked after children 28 Jul 2025")]))
    assert ref.published == date(2025, 7, 28)
    assert ref.meta["decision_date"] == "2025-07-28"
    assert ref.meta["subcategory"] == "Looked after children"
    assert ref.meta["decision"] == "Upheld"
    assert ref.fingerprint == "Upheld|2025-07-28"


def test_probe_c_labelled_card(server, http):
    """Before: ListingBrokenError although every field was there, labelled as on decision pages."""
    details = "Category : Children's care services &gt; Looked after children Decision : Upheld Decision date : 28 Jul 2025"
    ref = _one(server, http, page("1 results", [card("24 012 792", details)]))
    assert (ref.meta["decision"], ref.published, ref.meta["subcategory"]) == ("Upheld", date(2025, 7, 28), "Looked after children")
    assert ref.title == f"{HARROW} (24 012 792): Upheld"


def test_probe_d_link_text_is_the_bare_reference(server, http):
    """Before: the authority was not read when the link showed only the reference."""
    html = page("1 results", [
        f'<div class="search-result"><p>{HARROW} (<a href="{PATH.format(ref="24-012-792")}">24 012 792</a>)</p>'
        "<div>Statement Not upheld Looked after children 28-Jul-2025</div><p>Summary: We found no fault.</p></div>"
    ])
    ref = _one(server, http, html)
    assert ref.meta["authority"] == HARROW
    assert (ref.meta["decision"], ref.published, ref.meta["subcategory"]) == ("Not upheld", date(2025, 7, 28), "Looked after children")
    assert ref.meta["summary"] == "We found no fault." and ref.meta["remedy"] is None


def test_probe_e_f_displaypref_absolute_link_and_singular_count(server, http):
    first = _one(server, http, page("1 result", [card("24 012 792", href=PATH.format(ref="24-012-792") + "?displaypref=1")]))
    assert first.url.endswith("/24-012-792?displaypref=1") and first.key == "24 012 792"
    absolute = f"https://www.lgo.org.uk{PATH.format(ref='24-012-792')}"
    second = _one(server, http, page("1 result", [card("24 012 792", "Statement Not upheld Looked after children 28-Jul-2025", href=absolute)]))
    assert second.url == absolute and second.meta["decision"] == "Not upheld"


@pytest.mark.parametrize("count", ["13 results", None], ids=["g-count-no-links", "h-empty-shell"])
def test_probe_g_h_shells_are_broken(server, http, count):
    broken(server, http, {"1": page(count, [])}, "expected links to decisions")


def test_zero_results_is_broken_on_a_first_pass_and_allowed_only_by_setting(server, http):
    broken(server, http, {"1": page("0 results", [])}, "has 0 results")
    assert listed(server, http, {"1": page("0 results", [])}, allow_empty=True) == []


# -- paging by the announced count --------------------------------------------------------------


def test_pages_are_read_until_the_count_is_reached(server, http):
    refs = refs_for(23)
    pages = {str(n + 1): page("23 results", [card(r) for r in refs[n * 10 : n * 10 + 10]]) for n in range(3)}
    assert [r.key for r in listed(server, http, pages)] == refs
    assert [parse_qs(h.query)["page"] for h in server.hits_for(SEARCH)] == [["1"], ["2"], ["3"]]


def test_a_short_page_before_the_count_is_broken_not_the_end(server, http):
    """Before: a page with fewer than ten results ended the listing silently (a smaller page
    size on the site, or a card that could not be read, lost everything after it)."""
    refs = refs_for(12)
    broken(server, http, {"1": page("12 results", [card(r) for r in refs[:5]])}, "page 1 lists 5 decision links")


def test_a_page_with_nothing_new_before_the_count_is_broken(server, http):
    refs = refs_for(13)
    pages = {"1": page("13 results", [card(r) for r in refs[:10]]), "2": page("13 results", [card(r) for r in refs[7:10]])}
    broken(server, http, pages, "0 not on earlier pages")


def test_more_decisions_than_the_count_is_broken(server, http):
    broken(server, http, {"1": page("3 results", [card(r) for r in refs_for(4)])}, "read 4 different decisions but the search says it has 3")


def test_max_pages_is_a_window_not_a_disagreement(server, http):
    refs = refs_for(30)
    pages = {str(n + 1): page("57 results", [card(r) for r in refs[n * 10 : n * 10 + 10]]) for n in range(3)}
    assert [r.key for r in listed(server, http, pages, max_pages=2)] == refs[:20]
    assert len(server.hits_for(SEARCH)) == 2


def test_no_count_line_is_broken(server, http):
    broken(server, http, {"1": page(None, [card("24 012 792")])}, "no 'Your search has N results' line")


# -- cards that cannot be read -----------------------------------------------------------------


def test_a_decision_link_whose_reference_cannot_be_read_is_broken_not_skipped(server, http):
    cards = [card("24 012 792"), card("24 013 88O", href="/decisions/housing/homelessness/24-013-88O")]
    broken(server, http, {"1": page("2 results", cards)}, "reference cannot be read.*24-013-88O")


def test_a_reference_shown_without_a_readable_link_is_broken(server, http):
    cards = [card("24 012 792"), card("24 013 880", href="/Decisions/View?id=24013880")]
    broken(server, http, {"1": page("2 results", cards)}, "shows decisions 24 013 880 without a readable link")


def test_a_card_with_neither_outcome_nor_date_is_broken(server, http):
    cards = [card("24 012 792"), card("24 013 880", "Statement")]
    broken(server, http, {"1": page("2 results", cards)}, "result card of 24 013 880 shows neither an outcome nor a date")


def test_results_about_other_authorities_mean_the_authority_filter_was_not_applied(server, http):
    others = ["Cumberland Council", "Wirral Metropolitan Borough Council", "London Borough of Croydon"]
    cards = [card(r, authority=others[i % 3]) for i, r in enumerate(refs_for(10))]
    broken(server, http, {"1": page("57,512 results", cards)}, "most results name other authorities")


def test_a_joint_decision_naming_another_body_is_kept(server, http):
    refs = refs_for(3)
    cards = [card(refs[0]), card(refs[1], authority="Harrow Clinical Commissioning Group"), card(refs[2])]
    assert [r.meta["authority"] for r in listed(server, http, {"1": page("3 results", cards)})] == [
        HARROW, "Harrow Clinical Commissioning Group", HARROW]


def test_public_reports_only_means_the_outcome_filter_was_not_applied(server, http):
    cards = [card(r, "Report Upheld Looked after children 02-Feb-2017") for r in refs_for(10)]
    broken(server, http, {"1": page("10 results", cards)}, "all 10 results read are public reports")


# -- review finding 2: other date forms on a card ----------------------------------------------


@pytest.mark.parametrize(
    "details,decision,when",
    [
        ("Statement Upheld Looked after children 28 September 2025", "Upheld", date(2025, 9, 28)),
        ("Statement Not upheld Looked after children 3 Sept 2025", "Not upheld", date(2025, 9, 3)),
        ("Statement Upheld Looked after children 03-September-2025", "Upheld", date(2025, 9, 3)),
        ("Decision : Not upheld Decision date : 3 Sept 2025", "Not upheld", date(2025, 9, 3)),
    ],
    ids=["full-month", "sept", "dashed-full-month", "labelled-sept"],
)
def test_a_card_dated_with_a_full_month_name_or_sept_keeps_its_date(server, http, details, decision, when):
    """Before: published None and the subcategory "Looked after children 28 September 2025"."""
    ref = _one(server, http, page("1 results", [card("24 013 880", details)]))
    assert (ref.key, ref.published, ref.meta["decision_date"]) == ("24 013 880", when, when.isoformat())
    assert (ref.meta["decision"], ref.meta["subcategory"]) == (decision, "Looked after children")
    assert ref.title == f"{HARROW} (24 013 880): {decision}"
    assert ref.fingerprint == f"{decision}|{when.isoformat()}"


@pytest.mark.parametrize(
    "details",
    [
        "Statement Upheld Looked after children 28/09/2025",
        "Statement Upheld Looked after children September 28, 2025",
        "Statement Upheld Looked after children 28 Septembre 2025",
        "Decision : Upheld Decision date : 2025-09-28",
    ],
    ids=["numeric", "month-first", "unknown-month", "labelled-iso"],
)
def test_a_card_with_date_text_that_is_not_read_is_broken_not_undated(server, http, details):
    """The card still shows an outcome, so it used to pass undated, its date glued onto the subcategory."""
    error = broken(server, http, {"1": page("1 results", [card("24 013 880", details)])},
                   "result card of 24 013 880 holds date-like text")
    assert "not read as a date" in str(error)


def test_dates_after_the_cards_own_date_are_the_summarys_not_a_misread(server, http):
    details = "Statement Upheld Looked after children 28 Sept 2025 The Council delayed from 03/01/2024 to March 2025."
    ref = _one(server, http, page("1 results", [card("24 013 880", details)]))
    assert (ref.published, ref.meta["decision"]) == (date(2025, 9, 28), "Upheld")
