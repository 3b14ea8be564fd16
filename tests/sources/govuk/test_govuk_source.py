"""The govuk source against a real local server playing the GOV.UK Search and Content APIs."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from urllib.parse import parse_qs

import pytest

from monitor.errors import BlockedError, FetchError, ListingBrokenError
from monitor.sources import source_class
from monitor.sources.base import SourceContext
from monitor.sources.govuk.source import GovukSource

FIXTURES = Path(__file__).parent / "fixtures"
SEARCH = "/api/search.json"
PUB = "/government/publications/"
HARROW = PUB + "improvement-notice-issued-to-london-borough-of-harrow-june-2025"
HALTON = PUB + "revised-direction-issued-to-halton-borough-council-february-2025"
HAVERING = PUB + "improvement-notice-issued-to-london-borough-of-havering-march-2024"
CHESHIRE = PUB + "improvement-notice-issued-to-cheshire-east-council-july-2024"
DFE = "Department for Education"
HARROW_PDF = (
    "https://assets.publishing.service.gov.uk/media/6854f1a2e8c4b1a3f0d2c9e7/"
    "Improvement_notice_London_Borough_of_Harrow.pdf"
)
HARROW_PDF_KEY = HARROW + "#/media/6854f1a2e8c4b1a3f0d2c9e7/Improvement_notice_London_Borough_of_Harrow.pdf"
HARROW_HTML_PATH = HARROW + "/improvement-notice-london-borough-of-harrow"
HAVERING_PDF_PATH = "/government/uploads/system/uploads/attachment_data/file/1201234/Havering_improvement_notice.pdf"
NOTICES = {
    "query": "improvement notice",
    "organisation": "department-for-education",
    "document_type": "decision",
    "title_pattern": "^Improvement notice issued to",
}


def make_source(server, http, **keys) -> GovukSource:
    settings = GovukSource.Settings(**keys)
    return GovukSource(settings, SourceContext(name="dfe-notices", base_url=server.url, http=http))


def serve(server, search: dict[str, str] | None = None, content: dict[str, str] | None = None) -> None:
    """Search answers chosen by `start`; Content API items by path."""
    search = search if search is not None else {"0": "search_start0.json", "3": "search_start3.json"}
    content = (
        content
        if content is not None
        else {HARROW: "content_harrow.json", HAVERING: "content_havering.json", CHESHIRE: "content_cheshire_east.json"}
    )

    def search_handler(request):
        start = parse_qs(request.path.partition("?")[2]).get("start", ["0"])[0]
        name = search.get(start)
        if name is None:
            return 404, {"Content-Type": "application/json"}, b'{"error": "no such page"}'
        return 200, {"Content-Type": "application/json; charset=utf-8"}, (FIXTURES / name).read_bytes()

    server.add(SEARCH, handler=search_handler)
    for path, name in content.items():
        server.add("/api/content" + path, (FIXTURES / name).read_bytes(), content_type="application/json")


def org_meta(path: str, description_council: str, timestamp: str | None) -> dict:
    return {
        "content_path": path,
        "document_type": "decision",
        "organisations": [DFE],
        "public_timestamp": timestamp,
        "description": f"Improvement notice issued to {description_council} about its children's social care services.",
    }


def test_registered_under_its_kind():
    assert source_class("govuk") is GovukSource
    assert GovukSource.default_base_url == "https://www.gov.uk"


def test_settings_validate():
    settings = GovukSource.Settings(organisation="department-for-education")
    assert (settings.query, settings.document_type, settings.title_pattern) == ("", None, None)
    assert settings.max_results == 100 and settings.attachments is True
    with pytest.raises(ValueError, match="title_pattern is not a valid regular expression"):
        GovukSource.Settings(organisation="department-for-education", title_pattern="Improvement (notice")
    with pytest.raises(ValueError, match="at least one of query, organisation or document_type"):
        GovukSource.Settings(query="  ")
    with pytest.raises(ValueError):
        GovukSource.Settings(query="x", filter="y")
    with pytest.raises(ValueError):
        GovukSource.Settings(query="x", max_results=0)


def test_lists_notices_and_their_pdfs_once_newest_first(server, http):
    serve(server)
    refs = list(make_source(server, http, **NOTICES).list_documents())

    harrow_meta = {
        **org_meta(HARROW, "London Borough of Harrow", "2025-06-20T09:30:00+01:00"),
        "content_id": "3f0c2a51-9d7e-4b8a-a6f2-1c5e0b7d9a14",
        "public_updated_at": "2025-06-20T09:30:00.000+01:00",
    }
    havering_meta = {
        **org_meta(HAVERING, "London Borough of Havering", "2024-03-28T14:15:02+00:00"),
        "content_id": "a8e2f0c4-5b61-4d3e-9f0a-7c2d1e4b6f30",
        "public_updated_at": "2024-04-02T11:00:00.000+01:00",
    }
    cheshire_meta = {
        **org_meta(CHESHIRE, "Cheshire East Council", None),
        "content_id": "c41d7e93-2a0b-4f65-8e1c-d93b0a6f2e57",
        "public_updated_at": "2024-07-11T10:00:00.000+01:00",
    }
    harrow_title = "Improvement notice issued to London Borough of Harrow: June 2025"
    havering_title = "Improvement notice issued to London Borough of Havering: March 2024"
    expected = [
        (HARROW, server.url + HARROW, harrow_title, date(2025, 6, 20), "decision", harrow_meta,
         "2025-06-20T09:30:00.000+01:00"),
        # keyed by the attachment URL's path, not its id (the id changes with every edition)
        (
            HARROW_PDF_KEY, HARROW_PDF, "Improvement notice: London Borough of Harrow", date(2025, 6, 20),
            "attachment",
            {
                **harrow_meta,
                "publication_title": harrow_title,
                "attachment_id": "8765432",
                "attachment_type": "file",
                "attachment_title": "Improvement notice: London Borough of Harrow",
                "filename": "Improvement_notice_London_Borough_of_Harrow.pdf",
                "content_type": "application/pdf",
                "file_size": 212480,
                "number_of_pages": 7,
            },
            HARROW_PDF + "|212480",
        ),
        # an HTML attachment is a document too: its page on www.gov.uk, re-read with each edition
        (
            HARROW + "#" + HARROW_HTML_PATH, server.url + HARROW_HTML_PATH,
            "Improvement notice: London Borough of Harrow (accessible version)", date(2025, 6, 20), "attachment",
            {
                **harrow_meta,
                "publication_title": harrow_title,
                "attachment_id": "8765433",
                "attachment_type": "html",
                "attachment_title": "Improvement notice: London Borough of Harrow (accessible version)",
                "filename": None,
                "content_type": "text/html",
                "file_size": None,
                "number_of_pages": None,
            },
            server.url + HARROW_HTML_PATH + "|2025-06-20T09:30:00.000+01:00",
        ),
        (HAVERING, server.url + HAVERING, havering_title, date(2024, 3, 28), "decision", havering_meta,
         "2024-04-02T11:00:00.000+01:00"),
        (
            HAVERING + "#" + HAVERING_PDF_PATH,
            "https://assets.publishing.service.gov.uk" + HAVERING_PDF_PATH,
            "Improvement notice: London Borough of Havering",
            date(2024, 3, 28),
            "attachment",
            {
                **havering_meta,
                "publication_title": havering_title,
                "attachment_id": None,
                "attachment_type": "file",
                "attachment_title": "Improvement notice: London Borough of Havering",
                "filename": "Havering_improvement_notice.pdf",
                "content_type": "application/pdf",
                "file_size": 188416,
                "number_of_pages": 6,
            },
            "https://assets.publishing.service.gov.uk" + HAVERING_PDF_PATH + "|188416",
        ),
        # no public_timestamp in search: the date comes from the Content API's public_updated_at
        (CHESHIRE, server.url + CHESHIRE, "Improvement notice issued to Cheshire East Council: July 2024",
         date(2024, 7, 11), "decision", cheshire_meta, "2024-07-11T10:00:00.000+01:00"),
    ]
    assert [r.key for r in refs] == [row[0] for row in expected]
    for ref, (key, url, title, published, kind, meta, fingerprint) in zip(refs, expected, strict=True):
        assert ref.key == key
        assert ref.url == url
        assert ref.title == title
        assert ref.published == published
        assert ref.kind == kind
        assert ref.meta == meta
        assert ref.fingerprint == fingerprint

    # Halton's direction fails the title pattern: its content item is never asked for
    assert server.hits_for("/api/content" + HALTON) == []
    # Havering was listed on both search pages but fetched once
    assert len(server.hits_for("/api/content" + HAVERING)) == 1
    searches = server.hits_for(SEARCH)
    assert [parse_qs(h.query)["start"] for h in searches] == [["0"], ["3"]]
    assert [parse_qs(h.query)["count"] for h in searches] == [["100"], ["97"]]
    for hit in searches:
        query = parse_qs(hit.query)
        assert query["q"] == ["improvement notice"]
        assert query["filter_organisations"] == ["department-for-education"]
        assert query["filter_content_store_document_type"] == ["decision"]
        assert query["order"] == ["-public_timestamp"]
        assert query["fields"] == [
            "title", "link", "description", "public_timestamp", "format", "content_store_document_type",
            "organisations",
        ]


def test_without_attachments_lists_search_hits_only(server, http):
    serve(server, content={})
    refs = list(make_source(server, http, organisation="department-for-education", attachments=False).list_documents())

    expected = [
        (HARROW, "Improvement notice issued to London Borough of Harrow: June 2025", date(2025, 6, 20),
         org_meta(HARROW, "London Borough of Harrow", "2025-06-20T09:30:00+01:00")),
        (HALTON, "Revised direction issued to Halton Borough Council: February 2025", date(2025, 2, 14),
         {**org_meta(HALTON, "", "2025-02-14T10:00:00+00:00"),
          "description": "Revised statutory direction issued to Halton Borough Council about its children's "
          "social care services."}),
        (HAVERING, "Improvement notice issued to London Borough of Havering: March 2024", date(2024, 3, 28),
         org_meta(HAVERING, "London Borough of Havering", "2024-03-28T14:15:02+00:00")),
        # a hit without a date stays listed, with no date
        (CHESHIRE, "Improvement notice issued to Cheshire East Council: July 2024", None,
         org_meta(CHESHIRE, "Cheshire East Council", None)),
    ]
    assert [r.key for r in refs] == [row[0] for row in expected]
    for ref, (key, title, published, meta) in zip(refs, expected, strict=True):
        assert ref.url == server.url + key
        assert ref.title == title
        assert ref.published == published
        assert ref.kind == "decision"
        assert ref.meta == meta
        assert ref.fingerprint == meta["public_timestamp"]
    assert not [h for h in server.hits if h.path.startswith("/api/content")]
    query = parse_qs(server.hits_for(SEARCH)[0].query)
    assert "q" not in query and "filter_content_store_document_type" not in query


def test_missing_content_item_lists_the_page_alone(server, http):
    # Halton passes (no title pattern) but its content item is gone (404)
    serve(server)
    refs = list(make_source(server, http, organisation="department-for-education").list_documents())
    halton = [r for r in refs if r.meta["content_path"] == HALTON]
    assert len(halton) == 1
    assert halton[0].key == HALTON
    assert halton[0].published == date(2025, 2, 14)
    assert "content_id" not in halton[0].meta
    assert len(refs) == 7


def test_max_results_bounds_the_search(server, http):
    serve(server)
    refs = list(make_source(server, http, **{**NOTICES, "max_results": 2}).list_documents())
    assert [r.key for r in refs] == [HARROW, HARROW_PDF_KEY, HARROW + "#" + HARROW_HTML_PATH]
    searches = server.hits_for(SEARCH)
    assert len(searches) == 1
    assert parse_qs(searches[0].query)["count"] == ["2"]


def test_changed_search_answer_is_broken(server, http):
    serve(server, search={"0": "search_changed.json"})
    with pytest.raises(ListingBrokenError) as info:
        list(make_source(server, http, **NOTICES).list_documents())
    assert f"{server.url}{SEARCH}?order=-public_timestamp" in str(info.value)
    assert "'results' list" in str(info.value) and "documents" in str(info.value)


def test_results_without_links_are_broken(server, http):
    data = json.loads((FIXTURES / "search_start0.json").read_text())
    for hit in data["results"]:
        hit["url"] = "https://www.gov.uk" + hit.pop("link")
    server.add(SEARCH, json.dumps(data), content_type="application/json")
    with pytest.raises(ListingBrokenError, match="3 results but none has a 'link' path"):
        list(make_source(server, http, **NOTICES).list_documents())


def test_content_item_without_details_is_broken(server, http):
    data = json.loads((FIXTURES / "content_harrow.json").read_text())
    data.pop("details")
    serve(server, content={})
    server.add("/api/content" + HARROW, json.dumps(data), content_type="application/json")
    with pytest.raises(ListingBrokenError) as info:
        list(make_source(server, http, **NOTICES).list_documents())
    assert f"{server.url}/api/content{HARROW}" in str(info.value)
    assert "'details'" in str(info.value)


def test_search_server_error_is_a_fetch_error_after_retries(server, http):
    server.add(SEARCH, '{"error": "boom"}', status=500, content_type="application/json")
    with pytest.raises(FetchError) as info:
        list(make_source(server, http, **NOTICES).list_documents())
    assert not isinstance(info.value, BlockedError)
    assert info.value.status == 500
    assert len(server.hits_for(SEARCH)) == http.settings.retries + 1


def test_content_server_error_is_not_swallowed(server, http):
    serve(server, content={})
    server.add("/api/content" + HARROW, "boom", status=503, content_type="text/plain")
    with pytest.raises(FetchError) as info:
        list(make_source(server, http, **NOTICES).list_documents())
    assert info.value.status == 503


def test_forbidden_is_blocked(server, http):
    server.add(SEARCH, "Forbidden", status=403, content_type="text/plain")
    with pytest.raises(BlockedError) as info:
        list(make_source(server, http, **NOTICES).list_documents())
    assert info.value.status == 403


def test_contract_real_search_answer_parses(shared_fixtures, server, http):
    """GOV.UK's own example answer (q=taxes, count=1) read through the source."""
    example = shared_fixtures / "govuk" / "publisher_repo_examples"
    server.add(SEARCH, (example / "search_api_response__q-taxes_count-1__from_search-api_docs.json").read_bytes(),
               content_type="application/json")
    refs = list(make_source(server, http, query="taxes", max_results=1, attachments=False).list_documents())
    assert len(refs) == 1
    ref = refs[0]
    assert ref.key == "/vehicle-tax"
    assert ref.url == server.url + "/vehicle-tax"
    assert ref.title == "Tax your vehicle"
    assert ref.published == date(2014, 12, 9)
    assert ref.kind == "transaction"
    assert ref.meta == {
        "content_path": "/vehicle-tax",
        "document_type": "transaction",
        "organisations": ["Driver and Vehicle Licensing Agency"],
        "public_timestamp": "2014-12-09T16:21:03+00:00",
        "description": "Renew or tax your vehicle for the first time, apply online, by phone or at the Post Office",
    }


def test_contract_real_content_item_attachments(shared_fixtures, server, http):
    """GOV.UK's own example publication with one PDF attachment, read through the source."""
    example = shared_fixtures / "govuk" / "publisher_repo_examples"
    path = "/government/publications/number-of-ex-regular-service-personnel-in-fr20"
    search = {
        "results": [{"link": path, "title": "Number of ex-regular service personnel in FR20",
                     "public_timestamp": "2014-05-29T10:48:35.000+01:00", "format": "publication"}],
        "total": 1,
    }
    server.add(SEARCH, json.dumps(search), content_type="application/json")
    server.add("/api/content" + path,
               (example / "content_api_example__publication_frontend_publication-with-featured-attachments.json")
               .read_bytes(), content_type="application/json")
    refs = list(make_source(server, http, query="FR20").list_documents())
    assert [r.key for r in refs] == [
        path, path + "#/government/uploads/system/uploads/attachment_data/file/315163/PUBLIC_1392629965.pdf"
    ]
    page, pdf = refs
    assert page.kind == "foi_release"
    assert page.title == "Number of ex-regular service personnel in FR20"
    assert page.published == date(2014, 5, 29)
    assert page.meta["organisations"] == ["Ministry of Defence"]
    assert page.meta["content_id"] == "5f5e1bb5-7631-11e4-a3cb-005056011aef"
    assert pdf.url == (
        "https://assets.publishing.service.gov.uk/government/uploads/system/uploads/attachment_data/file/315163/"
        "PUBLIC_1392629965.pdf"
    )
    assert pdf.title == "Number of ex-regular service personnel now part of FR20"
    assert pdf.kind == "attachment"
    assert pdf.published == date(2014, 5, 29)
    assert (pdf.meta["filename"], pdf.meta["content_type"], pdf.meta["file_size"], pdf.meta["number_of_pages"]) == (
        "PUBLIC_1392629965.pdf", "application/pdf", 1932905, 2
    )
