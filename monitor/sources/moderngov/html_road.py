"""The HTML road of a ModernGov source: `ieListMeetings.aspx` per committee and municipal
year, `ieListDocuments.aspx` per meeting (parsed by moderngov_html.py).

`HtmlRoad` is the part of ModernGovSource (moderngov.py) that fetches those pages; the
source supplies the window, the committee labels and how a gap is recorded.
"""

from __future__ import annotations

from datetime import date

from monitor.errors import BlockedError, FetchError, ListingBrokenError
from monitor.sources.base import Source
from monitor.sources.moderngov.html_listing import MeetingPage, parse_meeting_page, parse_meetings_page
from monitor.sources.moderngov.model import Meeting


def municipal_year(day: date) -> int:
    """The calendar year a council's municipal year starts in: it runs from May to April."""
    return day.year if day.month >= 5 else day.year - 1


class HtmlRoad(Source):
    """Fetching and reading a ModernGov site's HTML pages (mixed into ModernGovSource)."""

    def today(self) -> date:
        """The day the window is measured from (ModernGovSource)."""
        raise NotImplementedError

    def window(self) -> tuple[date, date]:
        """First and last meeting dates watched, inclusive (ModernGovSource)."""
        raise NotImplementedError

    def committee_label(self, committee_id: int, published: str | None) -> str:
        """The label of a committee (ModernGovSource)."""
        raise NotImplementedError

    def _incomplete(self, reason: str) -> None:
        raise NotImplementedError

    def html_meetings(self, committee_id: int) -> list[Meeting]:
        """The committee's meetings inside the window, from ieListMeetings.aspx.

        What `Year=0` covers is unknown (REPORT.md H3: every scraper sends it, none says what it
        lists). If it lists only the current municipal year (May to April), a window reaching
        back across 1 May would miss the weeks before it; so when the Year=0 page shows no
        meeting on or before the window's first day and the window starts in an earlier
        municipal year, those years are asked for as `Year=<first calendar year of it>`.
        An answer that does not reach further back than Year=0 did marks the pass incomplete.
        """
        url = f"{self.base_url}/ieListMeetings.aspx"
        title, meetings = self._meetings_page(url, committee_id, 0)
        first, last = self.window()
        earliest = min(m.date for m in meetings)
        current = municipal_year(self.today())
        if earliest > first and municipal_year(first) < current:
            known = {m.meeting_id for m in meetings}
            for year in range(municipal_year(first), current):
                meetings += self._earlier_year(url, committee_id, year, earliest, first, known)
        label = self.committee_label(committee_id, title)
        chosen = {
            m.meeting_id: Meeting(committee_id, label, m.meeting_id, m.date, m.status)
            for m in meetings
            if first <= m.date <= last
        }
        # the page lists newest first; oldest first matches the web service and keeps runs stable
        return sorted(chosen.values(), key=lambda m: (m.date, m.meeting_id))

    def _meetings_page(self, url: str, committee_id: int, year: int) -> tuple[str | None, list[Meeting]]:
        response = self.http.get(url, params={"CId": committee_id, "Year": year}, allowed_hosts=self.allowed_hosts())
        return self.parse_listing(response, parse_meetings_page, f"{url}?CId={committee_id}&Year={year}", committee_id)

    def _earlier_year(
        self, url: str, committee_id: int, year: int, earliest: date, first: date, known: set[int]
    ) -> list[Meeting]:
        """The meetings of an earlier municipal year; [] and the pass marked incomplete when
        the answer is empty or lists nothing older than the Year=0 page did."""
        shown = f"{url}?CId={committee_id}&Year={year}"
        gap = f"meetings from {first.isoformat()} to {earliest.isoformat()} may be missed"
        try:
            _, meetings = self._meetings_page(url, committee_id, year)
        except BlockedError:
            raise
        except (ListingBrokenError, FetchError) as exc:
            if isinstance(exc, FetchError) and exc.status not in (400, 404):
                raise  # the network or the server, not an answer about the Year parameter
            self._incomplete(f"{shown}: no meetings read for municipal year {year}/{(year + 1) % 100:02d} ({exc}); {gap}")
            return []
        if not any(m.date < earliest and m.meeting_id not in known for m in meetings):
            self._incomplete(
                f"{shown}: lists no meeting older than the Year=0 page's first ({earliest.isoformat()}), so the Year "
                f"parameter is not read as a municipal year; {gap}"
            )
            return []
        return meetings

    def _meeting_page_url(self, meeting: Meeting) -> str:
        return f"{self.base_url}/ieListDocuments.aspx?CId={meeting.committee_id}&MId={meeting.meeting_id}&Ver=4"

    def html_meeting_docs(self, meeting: Meeting, *, items: bool) -> MeetingPage:
        """A meeting's ieListDocuments.aspx page: its status, agenda-item documents and packs.

        items=False reads the page for its packs only (web-service mode): a missing item table
        or packs list is not an error there, the caller decides. Links that look like documents
        in a form no key is known for mark the listing incomplete.
        """
        url = f"{self.base_url}/ieListDocuments.aspx"
        params = {"CId": meeting.committee_id, "MId": meeting.meeting_id, "Ver": 4}
        response = self.http.get(url, params=params, allowed_hosts=self.allowed_hosts())
        shown = self._meeting_page_url(meeting)
        page = self.parse_listing(
            response, parse_meeting_page, shown, self.base_url, require_items=items, require_packs=False
        )
        if page.unread:
            self._incomplete(
                f"{shown}: {len(page.unread)} link(s) that look like documents in a form this adapter does not "
                f"read, e.g. {page.unread[0]!r}"
            )
        return page
