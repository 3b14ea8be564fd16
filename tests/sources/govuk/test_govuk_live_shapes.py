"""The govuk source against what is known of the live GOV.UK APIs in 2026.

Each test is a probe of ../shared/fixtures/govuk/evidence-2026/REPORT.md turned into a check:
attachment keys that survive a new edition (C2), the real notice and direction titles (S6),
paging back to a date instead of stopping at 100 results (S3), HTML attachments (C5), and every
answer that is not fully understood raising ListingBrokenError with its URL.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from urllib.parse import parse_qs

import pytest
import yaml
from harness import Monitor
from pdfs import make_pdf
from scenario_sites import config_yaml

from monitor.errors import ListingBrokenError
from monitor.sources.base import SourceContext
from monitor.sources.govuk.source import COUNCIL_NOTICE_TITLES, NOTICE_TITLES, GovukSource

SEARCH = "/api/search.json"
PUB = "/government/publications/"
HARROW = PUB + "improvement-notice-issued-to-london-borough-of-harrow-june-2025"
REPO_CONFIG = Path(__file__).resolve().parents[3] / "sources.yaml"
EVIDENCE = Path("govuk") / "evidence-2026"


def make_source(server, http, **keys) -> GovukSource:
    return GovukSource(GovukSource.Settings(**keys), SourceContext(name="dfe", base_url=server.url, http=http))


def harrow_settings() -> dict:
    """The repository's sources.yaml entry for the Harrow notices, minus the pipeline's keys."""
    entries = yaml.safe_load(REPO_CONFIG.read_text(encoding="utf-8"))["sources"]
    entry = next(e for e in entries if e["name"] == "govuk-harrow-improvement-notices")
    return {k: v for k, v in entry.items() if k not in ("name", "kind", "schedule", "severity", "allowed_hosts", "council")}


def hit(slug: str, title: str, timestamp: str | None) -> dict:
    result = {"link": PUB + slug, "title": title, "content_store_document_type": "decision", "format": "publication",
              "organisations": [{"slug": "department-for-education", "title": "Department for Education"}]}
    if timestamp:
        result["public_timestamp"] = timestamp
    return result


def many_results(count: int, harrow_at: int) -> list[dict]:
    """`count` DfE results newest first, one a week back from Nov 2026; the Harrow notice at
    position `harrow_at` (dated 20 Jun 2025 whatever the position, as the real one is)."""
    results = []
    for i in range(count):
        day = date.fromordinal(date(2026, 11, 30).toordinal() - 3 * i)
        if i == harrow_at:
            results.append(hit(HARROW.rsplit("/", 1)[1], "Improvement notice issued to London Borough of Harrow: "
                               "June 2025", "2025-06-20T09:30:00+01:00"))
        else:
            results.append(hit(f"notice-to-improve-trust-{i}", f"Notice to improve: Academy Trust {i}",
                               f"{day.isoformat()}T10:00:00+00:00"))
    return results


def serve_search(server, results: list[dict], *, total: int | None = None, drop_from: int | None = None) -> None:
    """A Search API honouring start and count over `results`; `drop_from` makes pages from
    that offset come back empty although `total` says there are more."""

    def handler(request):
        query = parse_qs(request.path.partition("?")[2])
        start, count = int(query["start"][0]), int(query["count"][0])
        page = [] if drop_from is not None and start >= drop_from else results[start : start + count]
        body = {"results": page, "start": start, "total": len(results) if total is None else total}
        return 200, {"Content-Type": "application/json"}, json.dumps(body).encode()

    server.add(SEARCH, handler=handler)


def starts(server) -> list[str]:
    return [parse_qs(h.query)["start"][0] for h in server.hits_for(SEARCH)]


# -- S6: titles -------------------------------------------------------------------------------------

REAL_TITLES = [
    # page_text/govuk_improvement-notice-issued-to-halton-borough-council.EXCERPT.txt: no ": Month YYYY"
    "Improvement notice issued to Halton Borough Council",
    # page_text/govuk_revised-direction-issued-to-halton-borough-council-february-2025.EXCERPT.txt
    "Revised direction issued to Halton Borough Council: February 2025",
    # the collection's change notes (page_text/govuk_collection_...EXCERPT.txt)
    "Improvement notice issued to Plymouth City Council: May 2023",
    "Improvement notice issued to Halton Borough Council: March 2024",
    "Direction issued to Tameside Metropolitan Borough Council: March 2024",
    "Improvement notice issued to Tameside Metropolitan Borough Council: July 2022",
    "Improvement notice issued to London Borough of Havering: March 2024",
    "Directions issued to Bournemouth, Christchurch and Poole Council",
    "Improvement notice issued to Hertfordshire County Council: January 2024",
    "Improvement notice issued to Swindon Borough Council: November 2023",
    "Improvement notice issued to South Gloucestershire Council: March 2022",
    "Improvement notice issued to Council of the Isles of Scilly: November 2023",
    "Improvement notice issued to Oxfordshire County Council: November 2023",
    "Improvement notice issued to Oldham Metropolitan Borough Council: November 2023",
    # govwire's slug decision-improvement-notice-issued-to-cheshire-east-council-july-2024
    "Improvement notice issued to Cheshire East Council: July 2024",
]
#: wordings Harrow's own notice or a later step might take (its real title was not found)
HARROW_TITLES = [
    "Improvement notice issued to London Borough of Harrow: June 2025",
    "Improvement notice issued to London Borough of Harrow",
    "Improvement notice issued to Harrow Council: May 2025",
    "Revised improvement notice issued to London Borough of Harrow: March 2026",
    "Direction issued to London Borough of Harrow: 2026",
    "Statutory direction issued to London Borough of Harrow: January 2026",
    "Revised direction issued to the London Borough of Harrow: February 2027",
    "Children's services commissioner's report: London Borough of Harrow",
    "Harrow Council: improvement notice",
]


# the general pattern is anchored at the title's start; only the council pattern takes the last two wordings
@pytest.mark.parametrize("title", REAL_TITLES + HARROW_TITLES[:-2])
def test_every_known_notice_and_direction_title_matches_the_general_pattern(title):
    assert re.search(NOTICE_TITLES, title)


@pytest.mark.parametrize("title", ["Notice to improve: Academy Trust 4", "Children's social care: national framework"])
def test_the_general_pattern_leaves_other_dfe_decisions_out(title):
    assert not re.search(NOTICE_TITLES, title)


@pytest.mark.parametrize("title", HARROW_TITLES)
def test_harrow_sources_yaml_pattern_matches_every_wording(title):
    pattern = harrow_settings()["title_pattern"]
    assert pattern == COUNCIL_NOTICE_TITLES.format(council="harrow")
    assert re.search(pattern, title)


@pytest.mark.parametrize("title", [*REAL_TITLES, "Notice to improve: Harrow Academy Trust"])
def test_harrow_pattern_leaves_other_councils_and_academy_notices_out(title):
    assert not re.search(harrow_settings()["title_pattern"], title)


def test_contract_titles_in_the_stored_gov_uk_pages(shared_fixtures):
    folder = shared_fixtures / EVIDENCE / "page_text"
    quoted = re.findall(r"['‘]((?:Improvement notice|Direction|Revised direction)[^'’]+)['’]",
                        (folder / "govuk_collection_improvement-notices-and-directions_via_education.gov.uk_redirect"
                         ".EXCERPT.txt").read_text(encoding="utf-8"))
    headings = [
        (folder / name).read_text(encoding="utf-8").split("\n\n")[1].strip()
        for name in ("govuk_improvement-notice-issued-to-halton-borough-council.EXCERPT.txt",
                     "govuk_revised-direction-issued-to-halton-borough-council-february-2025.EXCERPT.txt")
    ]
    titles = quoted + headings
    assert len(titles) >= 12
    assert all(re.search(NOTICE_TITLES, t) for t in titles), [t for t in titles if not re.search(NOTICE_TITLES, t)]
    assert not any(re.search(harrow_settings()["title_pattern"], t) for t in titles)


# -- S3: paging back to `since` ----------------------------------------------------------------------


def test_harrow_entry_in_sources_yaml_is_valid_and_reaches_back_to_2025():
    settings = GovukSource.Settings(**harrow_settings())
    assert settings.since is not None and settings.since <= date(2025, 6, 1)
    assert settings.expect_matches == 1
    assert settings.max_results >= 500


def test_capped_first_run_misses_an_older_notice_but_since_finds_it(server, http):
    results = many_results(250, harrow_at=180)
    serve_search(server, results)
    # the old behaviour (REPORT.md S3): the newest 100 only, and the notice is not among them
    newest = list(make_source(server, http, organisation="department-for-education", attachments=False,
                              title_pattern=NOTICE_TITLES).list_documents())
    assert newest == []
    assert starts(server) == ["0"]

    server.hits.clear()
    refs = list(make_source(server, http, organisation="department-for-education", attachments=False,
                            title_pattern=NOTICE_TITLES, since="2025-01-01", max_results=1000).list_documents())
    assert [(r.key, r.title, r.published) for r in refs] == [
        (HARROW, "Improvement notice issued to London Borough of Harrow: June 2025", date(2025, 6, 20))
    ]
    # results 200..249 reach back past 1 Jan 2025 (one every 3 days from 30 Nov 2026): paging stops there
    assert starts(server) == ["0", "100", "200"]


def test_paging_stops_once_results_are_older_than_since(server, http):
    serve_search(server, many_results(1000, harrow_at=50))
    list(make_source(server, http, organisation="department-for-education", attachments=False,
                     since="2026-01-01", max_results=1000).list_documents())
    # 1 Jan 2026 is 333 days before 30 Nov 2026: result 111 is the first older one
    assert starts(server) == ["0", "100"]


def test_since_not_reached_within_max_results_is_broken(server, http):
    serve_search(server, many_results(250, harrow_at=180))
    with pytest.raises(ListingBrokenError) as info:
        list(make_source(server, http, organisation="department-for-education", attachments=False,
                         since="2020-01-01", max_results=150).list_documents())
    assert "max_results=150 of 250" in str(info.value) and "since=2020-01-01" in str(info.value)
    assert info.value.url.startswith(f"{server.url}{SEARCH}?order=-public_timestamp&count=50&start=100")


def test_total_that_disagrees_with_the_results_is_broken(server, http):
    serve_search(server, many_results(250, harrow_at=180), drop_from=100)
    with pytest.raises(ListingBrokenError, match="total=250 but lists no results from start=100") as info:
        list(make_source(server, http, organisation="department-for-education", since="2020-01-01",
                         max_results=1000, attachments=False).list_documents())
    assert "start=100" in info.value.url


def test_answer_without_a_total_is_broken(server, http):
    server.add(SEARCH, json.dumps({"results": many_results(3, harrow_at=1)}), content_type="application/json")
    with pytest.raises(ListingBrokenError, match="expected a 'total' count") as info:
        list(make_source(server, http, query="Harrow", attachments=False).list_documents())
    assert info.value.url.startswith(server.url + SEARCH)


def test_expected_notice_not_found_is_broken_not_nothing_new(server, http):
    serve_search(server, [r for r in many_results(40, harrow_at=-1)])
    with pytest.raises(ListingBrokenError, match=r"expected at least 1 result\(s\) whose title matches") as info:
        list(make_source(server, http, **{**harrow_settings(), "attachments": False}).list_documents())
    assert "found 0 among 40 read" in str(info.value)
    assert info.value.url.startswith(server.url + SEARCH + "?order=-public_timestamp&count=100&start=0")


def test_harrow_configuration_sends_the_documented_search(server, http):
    serve_search(server, many_results(30, harrow_at=10))
    refs = list(make_source(server, http, **{**harrow_settings(), "attachments": False}).list_documents())
    assert [r.key for r in refs] == [HARROW]
    query = parse_qs(server.hits_for(SEARCH)[0].query)
    assert query["q"] == ["Harrow"]
    assert query["filter_organisations"] == ["department-for-education"]
    assert query["filter_content_store_document_type"] == ["decision"]
    assert query["order"] == ["-public_timestamp"] and query["start"] == ["0"] and query["count"] == ["100"]


# -- C2 and C5: attachments ----------------------------------------------------------------------------


def content_item(attachments: list[dict], updated: str, featured: list[str] | None = None) -> dict:
    return {
        "base_path": HARROW, "content_id": "3f0c2a51", "document_type": "decision",
        "title": "Improvement notice issued to London Borough of Harrow: June 2025", "public_updated_at": updated,
        "links": {}, "details": {"body": "<p>Notice.</p>", "attachments": attachments,
                                 "featured_attachments": featured or [a["id"] for a in attachments]},
    }


def serve_one(server, content: dict) -> None:
    serve_search(server, [hit(HARROW.rsplit("/", 1)[1], content["title"], "2025-06-20T09:30:00+01:00")])
    server.add("/api/content" + HARROW, json.dumps(content), content_type="application/json")


def test_contract_real_attachment_payload_keeps_its_key_across_editions(server, http, shared_fixtures):
    real = json.loads((shared_fixtures / EVIDENCE / "json" / "whitehall_file_attachment_payload_HMRC_2025.json")
                      .read_text(encoding="utf-8"))
    # the real payload is an .odt: not a document the monitor reads, so the page alone is listed
    serve_one(server, content_item([real], "2025-06-20T09:30:00.000+01:00"))
    assert [r.key for r in make_source(server, http, query="Harrow").list_documents()] == [HARROW]

    as_pdf = {**real, "content_type": "application/pdf", "filename": real["filename"].replace(".odt", ".pdf"),
              "url": real["url"].replace(".odt", ".pdf")}
    serve_one(server, content_item([as_pdf], "2025-06-20T09:30:00.000+01:00"))
    first = list(make_source(server, http, query="Harrow").list_documents())
    # Whitehall's deep_clone on a new edition: same file and URL, a new id
    serve_one(server, content_item([{**as_pdf, "id": "8499999"}], "2025-09-11T12:00:00.000+01:00"))
    second = list(make_source(server, http, query="Harrow").list_documents())

    key = HARROW + "#/media/67bf19a4750837d7604dbb96/Amendments_5_to_8_to_Clause_37-Claim_for_relief_on_foreign_income.pdf"
    assert [r.key for r in first] == [r.key for r in second] == [HARROW, key]
    assert first[1].url == second[1].url == as_pdf["url"]
    assert first[1].fingerprint == second[1].fingerprint == as_pdf["url"] + "|11349"
    assert (first[1].meta["attachment_id"], second[1].meta["attachment_id"]) == ("8485786", "8499999")
    assert first[1].title == "Amendments 5 to 8 to Clause 37: Claim for relief on foreign income"
    # the page itself does carry the new edition's date
    assert (first[0].fingerprint, second[0].fingerprint) == ("2025-06-20T09:30:00.000+01:00", "2025-09-11T12:00:00.000+01:00")


@pytest.mark.parametrize(
    ("attachment", "message"),
    [
        ({"id": "1", "attachment_type": "file", "title": "No URL"}, "to have a 'url'"),
        ({"id": "1", "attachment_type": "video", "url": "/x"}, "attachment_type 'video'"),
    ],
)
def test_attachment_it_cannot_read_is_broken(server, http, attachment, message):
    serve_one(server, content_item([attachment], "2025-06-20T09:30:00.000+01:00"))
    with pytest.raises(ListingBrokenError, match=message) as info:
        list(make_source(server, http, query="Harrow").list_documents())
    assert info.value.url == f"{server.url}/api/content{HARROW}"


def test_featured_attachment_missing_from_the_list_is_broken(server, http):
    pdf = {"id": "1", "attachment_type": "file", "url": "/media/a/n.pdf", "content_type": "application/pdf"}
    serve_one(server, content_item([pdf], "2025-06-20T09:30:00.000+01:00", featured=["1", "2"]))
    with pytest.raises(ListingBrokenError, match="featured_attachments names 2"):
        list(make_source(server, http, query="Harrow").list_documents())


def test_external_attachments_and_old_documents_only_items_list_the_page(server, http):
    external = {"id": "3", "attachment_type": "external", "url": "https://www.harrow.gov.uk/plan", "title": "Plan"}
    serve_one(server, content_item([external], "2025-06-20T09:30:00.000+01:00"))
    assert [r.key for r in make_source(server, http, query="Harrow").list_documents()] == [HARROW]
    # REPORT.md C3: details.documents (HTML) and no attachments: the page alone
    old = content_item([], "2015-01-01T00:00:00.000+00:00")
    old["details"] = {"body": "<p>x</p>", "documents": ["<section class='attachment embedded'>...</section>"]}
    serve_one(server, old)
    assert [r.key for r in make_source(server, http, query="Harrow").list_documents()] == [HARROW]


# -- C2 through the real pipeline: a new edition with the same files is nothing new -----------------


def test_new_edition_with_the_same_files_sends_nothing_new(server, tmp_path):
    pdf_path, html_path = "/media/6854f1a2e8c4b1a3f0d2c9e7/Improvement_notice_Harrow.pdf", HARROW + "/notice-text"
    server.add(pdf_path, make_pdf(["Improvement notice issued to London Borough of Harrow.", "Steps to take."]),
               content_type="application/pdf")
    server.add(html_path, "<html><body><h1>Improvement notice</h1><p>The council must improve.</p></body></html>")
    server.add(HARROW, "<html><body><h1>Improvement notice issued to London Borough of Harrow</h1></body></html>")

    def edition(pdf_id: str, html_id: str, updated: str) -> None:
        serve_one(server, content_item([
            {"id": pdf_id, "attachment_type": "file", "title": "Improvement notice", "url": server.url + pdf_path,
             "content_type": "application/pdf", "filename": "Improvement_notice_Harrow.pdf", "file_size": 2048},
            {"id": html_id, "attachment_type": "html", "title": "Improvement notice (HTML)", "url": html_path},
        ], updated))

    monitor = Monitor(tmp_path, config_yaml(f"""  - name: dfe-harrow
    kind: govuk
    base_url: {server.url}
    query: Harrow
    title_pattern: "{COUNCIL_NOTICE_TITLES.format(council='harrow').replace(chr(92), chr(92) * 2)}"
"""))
    edition("8765432", "8765433", "2025-06-20T09:30:00.000+01:00")
    code, out, err = monitor.run("run")
    assert code == 0, out + err
    day1 = monitor.events()
    assert sorted(e["document_key"] for e in day1 if e["type"] == "new_document") == sorted(
        [HARROW, HARROW + "#" + pdf_path, HARROW + "#" + html_path]
    )

    # a new edition ("Added a link to the direction"): every attachment gets a new id, same files
    edition("8799990", "8799991", "2025-09-11T12:00:00.000+01:00")
    code, out, err = monitor.run("run")
    assert code == 0, out + err
    assert monitor.events() == day1
    assert sorted(d["key"] for d in monitor.documents()) == sorted(
        [HARROW, HARROW + "#" + pdf_path, HARROW + "#" + html_path]
    )
