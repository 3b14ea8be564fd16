"""The Regulator of Social Housing's notices and judgements about Harrow, through the govuk source.

The RSH files each registered provider's notices and judgements as attachments of one GOV.UK
publication per provider: Harrow's 2023 notice is at
/government/publications/london-borough-of-harrow/regulatory-notice-london-borough-of-harrow-20-april-2023
(../shared/fixtures/harrow/GROUND_TRUTH.md #9), Harlow's 2024 judgement likewise under
/government/publications/harlow-district-council/. The local server plays the Search API and
the Content API in the shapes the govuk tests already use (tests/sources/govuk/fixtures/).
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from urllib.parse import parse_qs

import pytest
import yaml

from monitor.errors import ListingBrokenError
from monitor.sources.base import SourceContext
from monitor.sources.govuk.listing import dated_title
from monitor.sources.govuk.source import GovukSource

REPO_CONFIG = Path(__file__).resolve().parents[3] / "sources.yaml"
SEARCH = "/api/search.json"
HARROW = "/government/publications/london-borough-of-harrow"
NOTICE_2023 = HARROW + "/regulatory-notice-london-borough-of-harrow-20-april-2023"
JUDGEMENT_2026 = HARROW + "/london-borough-of-harrow-00aq-regulatory-judgement-11-march-2026"
RSH = {"slug": "regulator-of-social-housing", "title": "Regulator of Social Housing", "acronym": "RSH"}


def rsh_settings() -> dict:
    """The repository's sources.yaml entry for the RSH, minus the pipeline's keys."""
    entries = yaml.safe_load(REPO_CONFIG.read_text(encoding="utf-8"))["sources"]
    entry = next(e for e in entries if e["name"] == "govuk-harrow-social-housing-regulator")
    assert entry["kind"] == "govuk"
    return {k: v for k, v in entry.items() if k not in ("name", "kind", "schedule", "severity", "council")}


def make_source(server, http, **keys) -> GovukSource:
    return GovukSource(GovukSource.Settings(**keys), SourceContext(name="rsh", base_url=server.url, http=http))


def hit(path: str, title: str, timestamp: str) -> dict:
    return {"link": path, "title": title, "content_store_document_type": "decision", "format": "publication",
            "organisations": [RSH], "public_timestamp": timestamp, "description": f"Regulatory judgements for {title}."}


def html_attachment(aid: str, path: str, title: str) -> dict:
    return {"attachment_type": "html", "id": aid, "locale": "en", "title": title, "url": path}


def serve(server, hits: list[dict], attachments: list[dict], updated: str) -> None:
    server.add(SEARCH, json.dumps({"results": hits, "total": len(hits), "start": 0}), content_type="application/json")
    content = {
        "base_path": HARROW, "content_id": "5e1c7a10", "document_type": "decision", "title": "London Borough of Harrow",
        "public_updated_at": updated, "links": {"organisations": [RSH]},
        "details": {"body": "<p>Regulatory judgements and notices for London Borough of Harrow.</p>",
                    "attachments": attachments, "featured_attachments": [a["id"] for a in attachments]},
    }
    server.add("/api/content" + HARROW, json.dumps(content), content_type="application/json")


OTHERS = [
    # other Harrow landlords the RSH regulates: the title pattern leaves them out
    hit("/government/publications/harrow-churches-housing-association", "Harrow Churches Housing Association",
        "2024-06-12T09:30:00+01:00"),
    hit("/government/publications/london-borough-of-hillingdon", "London Borough of Hillingdon",
        "2023-11-29T09:30:00+00:00"),
]


def test_harrow_notices_are_attachments_of_its_provider_publication_each_dated_by_its_title(server, http):
    serve(
        server,
        [hit(HARROW, "London Borough of Harrow", "2026-03-11T09:30:00+00:00"), *OTHERS],
        [
            html_attachment("7612001", JUDGEMENT_2026, "London Borough of Harrow (00AQ) - Regulatory Judgement: 11 March 2026"),
            html_attachment("6941002", NOTICE_2023, "Regulatory Notice: London Borough of Harrow (20 April 2023)"),
        ],
        "2026-03-11T09:30:00.000+00:00",
    )
    refs = list(make_source(server, http, **rsh_settings()).list_documents())

    assert [r.key for r in refs] == [HARROW, f"{HARROW}#{JUDGEMENT_2026}", f"{HARROW}#{NOTICE_2023}"]
    page, judgement, notice = refs
    assert (page.url, page.title, page.published, page.kind) == (
        server.url + HARROW, "London Borough of Harrow", date(2026, 3, 11), "decision")
    assert page.meta["organisations"] == ["Regulator of Social Housing"]
    assert page.meta["document_type"] == "decision"
    for ref, path, title, published, aid in (
        (judgement, JUDGEMENT_2026, "London Borough of Harrow (00AQ) - Regulatory Judgement: 11 March 2026",
         date(2026, 3, 11), "7612001"),
        # the publication's date is its newest edition's; the 2023 notice keeps its own
        (notice, NOTICE_2023, "Regulatory Notice: London Borough of Harrow (20 April 2023)", date(2023, 4, 20), "6941002"),
    ):
        assert (ref.url, ref.title, ref.published, ref.kind) == (server.url + path, title, published, "attachment")
        assert ref.meta["attachment_type"] == "html"
        assert ref.meta["attachment_id"] == aid
        assert ref.meta["publication_title"] == "London Borough of Harrow"
        assert ref.meta["content_path"] == HARROW
        assert ref.fingerprint == f"{server.url}{path}|2026-03-11T09:30:00.000+00:00"

    query = parse_qs(server.hits_for(SEARCH)[0].query)
    assert query["q"] == ["Harrow"]
    assert query["filter_organisations"] == ["regulator-of-social-housing"]
    assert query["filter_content_store_document_type"] == ["decision"]


def test_a_search_that_no_longer_finds_harrow_is_broken_not_nothing_new(server, http):
    serve(server, OTHERS, [], "2026-03-11T09:30:00.000+00:00")
    with pytest.raises(ListingBrokenError, match="expected at least 1 result"):
        list(make_source(server, http, **rsh_settings()).list_documents())


def test_check_config_says_what_is_inferred(server, http):
    notes = make_source(server, http, **rsh_settings()).warnings()
    assert any("one publication per provider" in note for note in notes)
    # the organisation and type are seen together on real pages: no "not seen together" note
    assert not any("not seen together" in note for note in notes)
    odd = make_source(server, http, query="Harrow", organisation="regulator-of-social-housing", document_type="notice")
    assert any("not seen together" in note for note in odd.warnings())


@pytest.mark.parametrize(
    ("title", "page", "expected"),
    [
        ("Regulatory Notice: London Borough of Harrow (20 April 2023)", date(2026, 3, 11), date(2023, 4, 20)),
        ("Harlow District Council (22UJ) - Regulatory Judgement: 25 September 2024", date(2024, 9, 25), date(2024, 9, 25)),
        ("Improvement notice", date(2025, 6, 20), date(2025, 6, 20)),
        # a date later than the page's is not the attachment's publication date
        ("Action plan to 31 March 2027", date(2026, 3, 11), date(2026, 3, 11)),
        ("Regulatory Notice (20 April 2023)", None, date(2023, 4, 20)),
    ],
)
def test_attachment_dates_come_from_their_titles(title, page, expected):
    assert dated_title(title, page) == expected


def test_contract_the_real_notice_address_is_an_attachment_of_the_watched_publication(shared_fixtures):
    truth = (shared_fixtures / "harrow" / "GROUND_TRUTH.md").read_text(encoding="utf-8")
    addresses = set(re.findall(r"https://www\.gov\.uk(/government/publications/[a-z0-9-]+/regulatory-notice-[a-z0-9-]+)", truth))
    assert addresses == {NOTICE_2023}
    assert NOTICE_2023.rsplit("/", 1)[0] == HARROW
    assert "reg. no. 00AQ" in truth  # Harrow's registration number, in the judgement title modelled above
    assert re.search(rsh_settings()["title_pattern"], "London Borough of Harrow")
    assert dated_title("Regulatory Notice: London Borough of Harrow (20 April 2023)", date(2026, 1, 1)) == date(2023, 4, 20)
