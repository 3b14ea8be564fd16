"""`monitor init --probe` for the Ombudsman: does the council's "Your council's performance"
page answer at the slug made from its name, and name the council?"""

from __future__ import annotations

from monitor.errors import BlockedError, FetchError
from monitor.sources.init_blocks import InitContext
from monitor.sources.lgsco.performance_source import PERFORMANCE_PATH, LgscoPerformanceSource


def check_performance_page(ctx: InitContext, slug: str, authority: str) -> bool | None:
    """True: the page is there and names the council; False: it is not there (404) or names
    another; None: it could not be checked (refused, unreachable). Each with a note."""
    assert ctx.http is not None
    base = (ctx.base_url("lgsco") or LgscoPerformanceSource.default_base_url or "").rstrip("/")
    url = base + PERFORMANCE_PATH.format(council=slug)
    try:
        page = ctx.http.get(url)
    except BlockedError as exc:
        ctx.note(f"Ombudsman: {url} refused the request ({exc}); the page could not be checked.")
        return None
    except FetchError as exc:
        if exc.status == 404:
            ctx.note(f"Ombudsman: no page at {url} (HTTP 404); the performance source is written commented out.")
            return False
        ctx.note(f"Ombudsman: {url} could not be read ({exc}); the page could not be checked.")
        return None
    if authority.casefold() not in page.text.casefold():
        ctx.note(f"Ombudsman: {url} does not name {authority}; the performance source is written commented out.")
        return False
    ctx.note(f"Ombudsman: {authority}'s performance page is at {url}.")
    return True
