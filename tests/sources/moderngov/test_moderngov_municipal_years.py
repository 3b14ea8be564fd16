"""The HTML road's meetings list across the municipal year's May boundary (review finding 4,
REPORT.md H3 / mismatch 5): what `Year=0` covers is unknown, so when its page does not reach
back to the window's first day and the window starts in an earlier municipal year, that year
is asked for; an answer that does not reach further back marks the pass incomplete. A real
local server plays the council's ModernGov; the pages use the link form and the "This page
lists the meetings for X." line confirmed on real sites."""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest

from monitor.errors import FetchError
from monitor.sources.base import SourceContext
from monitor.sources.moderngov.source import ModernGovSource, municipal_year

# window with the default 90 days back: 04/03/2026 .. 01/08/2026, so it starts in 2025/26
JUNE = date(2026, 6, 2)
LIST = "/ieListMeetings.aspx"


def meetings_page(*meetings: tuple[int, str]) -> str:
    links = "".join(
        f'<li><a href="ieListDocuments.aspx?CId=249&amp;MId={mid}&amp;Ver=4">{text} 6.30 pm</a></li>' for mid, text in meetings
    )
    return (f"<html><body><div id='modgov'><p>This page lists the meetings for Cabinet.</p><ul>{links}</ul>"
            "</div></body></html>")


THIS_YEAR = meetings_page((66300, "Thursday, 18th June, 2026"), (66280, "Tuesday, 19th May, 2026"))
LAST_YEAR = meetings_page((66160, "Thursday, 16th April, 2026"), (66140, "Monday, 16th March, 2026"),
                          (66120, "Thursday, 19th February, 2026"))


def serve(server, years: dict[str, str | int]) -> None:
    """Year value -> page, or an HTTP status to answer with."""

    def handler(request):
        year = parse_qs(urlsplit(request.path).query).get("Year", [""])[0]
        answer = years.get(year, 404)
        if isinstance(answer, int):
            return answer, {"Content-Type": "text/plain"}, b"no such year"
        return 200, {"Content-Type": "text/html; charset=utf-8"}, answer.encode()

    server.add(LIST, handler=handler)


def make_source(server, http, today: date = JUNE, **keys) -> ModernGovSource:
    settings = ModernGovSource.Settings(**{"committees": [249], "use_webservice": False, **keys})
    return ModernGovSource(settings, SourceContext(name="harrow-committees", base_url=server.url, http=http,
                                                   extra={"today": today}))


def years_asked(server) -> list[str]:
    return [parse_qs(hit.query)["Year"][0] for hit in server.hits_for(LIST)]


def test_municipal_year_starts_in_may():
    assert [municipal_year(date(2026, m, 1)) for m in (1, 4, 5, 12)] == [2025, 2025, 2026, 2026]


def test_a_window_across_may_asks_for_the_earlier_municipal_year(server, http):
    """Before: only Year=0 was read, and March and April 2026 were silently missing."""
    serve(server, {"0": THIS_YEAR, "2025": LAST_YEAR})
    source = make_source(server, http)
    got = source.html_meetings(249)
    assert [(m.meeting_id, m.date, m.committee, m.status) for m in got] == [
        (66140, date(2026, 3, 16), "Cabinet", None),
        (66160, date(2026, 4, 16), "Cabinet", None),
        (66280, date(2026, 5, 19), "Cabinet", None),
        (66300, date(2026, 6, 18), "Cabinet", None),
    ]
    assert years_asked(server) == ["0", "2025"]
    assert source.listing_incomplete is False and source.incomplete_reasons == []


def test_a_year0_page_reaching_back_past_the_window_needs_no_other_year(server, http):
    serve(server, {"0": meetings_page((66300, "Thursday, 18th June, 2026"), (66120, "Thursday, 19th February, 2026"))})
    source = make_source(server, http)
    assert [m.meeting_id for m in source.html_meetings(249)] == [66300]
    assert years_asked(server) == ["0"]
    assert source.listing_incomplete is False


def test_a_window_inside_one_municipal_year_asks_only_year0(server, http):
    serve(server, {"0": LAST_YEAR})
    source = make_source(server, http, today=date(2026, 4, 20))  # window 20/01/2026 .. 19/06/2026
    assert [m.meeting_id for m in source.html_meetings(249)] == [66120, 66140, 66160]
    assert years_asked(server) == ["0"]
    assert source.listing_incomplete is False


@pytest.mark.parametrize(
    "answer,reason",
    [
        (THIS_YEAR, "lists no meeting older than the Year=0 page's first \\(2026-05-19\\)"),
        (meetings_page(), "no meetings read for municipal year 2025/26"),
        (404, "no meetings read for municipal year 2025/26"),
    ],
    ids=["year-ignored", "empty", "not-found"],
)
def test_an_earlier_year_that_cannot_be_read_marks_the_pass_incomplete(server, http, answer, reason):
    """The window cannot be covered: said, with the URL and the gap, never a quiet short listing."""
    serve(server, {"0": THIS_YEAR, "2025": answer})
    source = make_source(server, http)
    assert [m.meeting_id for m in source.html_meetings(249)] == [66280, 66300]
    assert source.listing_incomplete is True
    (text,) = source.incomplete_reasons
    assert f"{server.url}{LIST}?CId=249&Year=2025" in text
    assert "meetings from 2026-03-04 to 2026-05-19 may be missed" in text
    assert re.search(reason, text)


def test_a_server_error_on_the_earlier_year_is_a_fetch_error(server, http):
    serve(server, {"0": THIS_YEAR, "2025": 500})
    with pytest.raises(FetchError):
        make_source(server, http).html_meetings(249)
