"""The lgsco_performance source (annual review letter, statistics, service improvements) against a
real local server, and through `monitor run` with a real SQLite store. The page is MODELLED
(tests/sources/lgsco/fixtures/performance_harrow_2025.html says from what): no capture exists, so each
piece the parser does not find must be ListingBrokenError."""

from __future__ import annotations

from pathlib import Path

import pytest
from harness import Monitor
from pdfs import make_pdf
from scenario_sites import config_yaml

from monitor.errors import ListingBrokenError
from monitor.registry import find
from monitor.sources import source_class
from monitor.sources.base import SourceContext
from monitor.sources.lgsco.performance_source import LgscoPerformanceSource

FIXTURES = Path(__file__).parent / "fixtures"
PAGE = "/your-councils-performance/london-borough-of-harrow"
LETTER = "/assets/attach/7001/Harrow-annual-letter-2024-25.pdf"
HARROW = "London Borough of Harrow"


def page_html() -> str:
    return (FIXTURES / "performance_harrow_2025.html").read_text(encoding="utf-8")


def make_source(server, http, **keys) -> LgscoPerformanceSource:
    settings = LgscoPerformanceSource.Settings(**{"slug": "london-borough-of-harrow", "authority": HARROW, **keys})
    return LgscoPerformanceSource(settings, SourceContext(name="harrow-ombudsman-performance", base_url=server.url, http=http))


def test_registered_and_settings_validate():
    assert source_class("lgsco_performance") is LgscoPerformanceSource
    assert LgscoPerformanceSource.complete_listing is False
    with pytest.raises(ValueError):
        LgscoPerformanceSource.Settings(slug="London Borough of Harrow", authority=HARROW)
    with pytest.raises(ValueError, match="needs `council:`"):
        LgscoPerformanceSource.Settings(slug="london-borough-of-harrow").fill_from_council(None)
    # the registry's council gives both: the Ombudsman's spelling, and the slug made from it
    settings = LgscoPerformanceSource.Settings()
    settings.fill_from_council(find("HRW"))
    assert (settings.slug, settings.authority) == ("london-borough-of-harrow", HARROW)


def test_lists_letter_statistics_and_service_improvements(server, http):
    server.add(PAGE, page_html())
    letter, stats, improvements = list(make_source(server, http).list_documents())

    assert letter.key == "annual-review-2025"
    assert letter.url == f"{server.url}{LETTER}"
    assert letter.title == f"{HARROW}: Ombudsman annual review letter 2024-25"
    assert letter.kind == "annual review letter" and letter.published is None
    assert letter.meta == {"authority": HARROW, "year": "2024-25"}

    assert stats.key == "statistics-2024-25"
    assert stats.url == f"{server.url}{PAGE}"
    assert stats.title == f"{HARROW}: Ombudsman complaint statistics 2024-25"
    assert stats.kind == "complaint statistics"
    assert stats.meta == {"authority": HARROW, "upheld_rate": 79, "similar_average": 80, "compliance_rate": 100,
                          "satisfactory_remedy_rate": 8, "year": "2024-25"}
    assert stats.fingerprint == "compliance_rate=100|satisfactory_remedy_rate=8|similar_average=80|upheld_rate=79"

    assert improvements.key == "service-improvements-2025-0"
    assert improvements.url == f"{server.url}{PAGE}/serviceimprovements?category=0&year=2025"
    assert improvements.title == f"{HARROW}: Service improvements agreed 2024-25"
    assert improvements.kind == "service improvements"
    assert improvements.meta == {"authority": HARROW, "category": "0", "year": "2025"}
    assert len(server.hits_for(PAGE)) == 1


@pytest.mark.parametrize(
    "edit,match",
    [
        (lambda h: h.replace(HARROW, "Harrow"), "does not name 'London Borough of Harrow'"),
        (lambda h: h.replace("Annual review letter 2024-25 (PDF)", "Download").replace("annual-letter", "doc"),
         "expected a link to the council's annual review letter"),
        (lambda h: h.replace("of complaints we investigated were upheld", "upheld"), "expected the year's upheld rate"),
        (lambda h: h.replace("/serviceimprovements?", "/improvements?"), "expected a link to the council's service improvements"),
        (lambda h: f"<html><body><div id='map'></div><script>load('{HARROW}')</script></body></html>", "does not name"),
    ],
    ids=["authority", "letter", "upheld-rate", "service-improvements", "map-shell"],
)
def test_a_structure_not_found_is_broken(server, http, edit, match):
    server.add(PAGE, edit(page_html()))
    with pytest.raises(ListingBrokenError, match=match) as info:
        list(make_source(server, http).list_documents())
    assert info.value.url == f"{server.url}{PAGE}"


def test_service_improvements_can_be_left_out(server, http):
    server.add(PAGE, page_html().replace("/serviceimprovements?", "/improvements?"))
    keys = [r.key for r in make_source(server, http, service_improvements=False).list_documents()]
    assert keys == ["annual-review-2025", "statistics-2024-25"]


def test_read_meta_on_a_letters_text():
    text = "In 2025-26 we upheld complaints. 81% of complaints we investigated were upheld. This compares to an average of 79% in similar organisations."
    assert LgscoPerformanceSource.read_meta([text]) == {"upheld_rate": 81, "similar_average": 79, "year": "2025-26"}
    assert LgscoPerformanceSource.read_meta(["Councils' performance"]) == {}


def test_scenario_a_new_year_through_monitor_run(server, tmp_path):
    """Day 1 the page shows 2024-25 (a quiet baseline); in May the 2025-26 letter and figures
    appear: new documents for the letter and the statistics, with the upheld rate in meta."""
    server.add(PAGE, page_html())
    server.add(LETTER, make_pdf(["Annual review letter 2024-25", "79% of complaints we investigated were upheld."]),
               content_type="application/pdf")
    server.add(f"{PAGE}/serviceimprovements", "<html><body><p>The council agreed to train staff.</p></body></html>")
    monitor = Monitor(tmp_path, config_yaml(f"""  - name: harrow-ombudsman-performance
    kind: lgsco_performance
    base_url: {server.url}
    council: london-borough-of-harrow
    authority: {HARROW}
"""))
    code, out, err = monitor.run("run")
    assert code == 0, out + err
    day1 = monitor.events()
    assert sorted(e["document_key"] for e in day1 if e["type"] == "new_document") == [
        "annual-review-2025", "service-improvements-2025-0", "statistics-2024-25"]
    assert all(e["details"].get("baseline") for e in day1 if e["type"] == "new_document")

    new_letter = "/assets/attach/7302/Harrow-annual-letter-2025-26.pdf"
    server.add(PAGE, page_html().replace(LETTER, new_letter).replace("2024-25", "2025-26").replace("79%", "83%"))
    server.add(new_letter, make_pdf(["Annual review letter 2025-26", "83% of complaints we investigated were upheld."]),
               content_type="application/pdf")
    code, out, err = monitor.run("run")
    assert code == 0, out + err
    fresh = [e for e in monitor.events() if e["type"] == "new_document" and not e["details"].get("baseline")]
    assert sorted(e["document_key"] for e in fresh) == ["annual-review-2026", "statistics-2025-26"]
    docs = {d["key"]: d for d in monitor.documents()}
    assert docs["statistics-2025-26"]["meta"]["upheld_rate"] == 83
    assert docs["statistics-2025-26"]["meta"]["similar_average"] == 80
    assert docs["annual-review-2026"]["meta"]["year"] == "2025-26"
    assert docs["annual-review-2026"]["url"] == f"{server.url}{new_letter}"
    assert docs["annual-review-2026"]["meta"]["upheld_rate"] == 83
    assert not [e for e in monitor.events() if e["type"] in ("removed", "source_broken")]


# -- review finding 3: the statistics' year ----------------------------------------------------


def test_an_older_letter_linked_before_the_statistics_does_not_change_their_year(server, http):
    """Before: the key took the first "20xx-yy" on the page, here the older letter's 2023-24."""
    older = '<p><a href="/assets/attach/6001/Harrow-annual-letter-2023-24.pdf">Annual review letter 2023-24 (PDF)</a></p>'
    server.add(PAGE, page_html().replace("<h1>London Borough of Harrow</h1>", f"<h1>London Borough of Harrow</h1>{older}"))
    refs = {r.key: r for r in make_source(server, http).list_documents()}
    assert set(refs) == {"annual-review-2024", "annual-review-2025", "statistics-2024-25", "service-improvements-2025-0"}
    stats = refs["statistics-2024-25"]
    assert stats.title == f"{HARROW}: Ombudsman complaint statistics 2024-25"
    assert stats.meta["year"] == "2024-25" and stats.meta["upheld_rate"] == 79


def test_the_year_in_the_upheld_rate_sentence_wins_over_the_heading(server, http):
    html = page_html().replace("<p>79% of complaints", "<p>In 2025-26, 79% of complaints")
    server.add(PAGE, html)
    keys = [r.key for r in make_source(server, http).list_documents()]
    assert "statistics-2025-26" in keys


def test_statistics_without_a_year_of_their_own_are_broken(server, http):
    """Before: the key fell back to a year elsewhere on the page (the letter link) or "latest"."""
    server.add(PAGE, page_html().replace("<h2>Complaint statistics 2024-25</h2>", "<h2>Complaint statistics</h2>"))
    with pytest.raises(ListingBrokenError, match="expected the year of the upheld rate") as info:
        list(make_source(server, http).list_documents())
    assert info.value.url == f"{server.url}{PAGE}"
