"""`monitor init --probe` for ModernGov: the council's committee list from its web service,
and the committees a group follows picked by title. A committee-system address that does not
answer as a ModernGov site is stale (addresses drift): that fails loudly (ProbeFailed), so
that no sources.yaml is written with it; a refusal (403) is only noted."""

from __future__ import annotations

from monitor.errors import BlockedError, FetchError
from monitor.sources.init_blocks import InitContext, ProbeFailed
from monitor.sources.moderngov.committees import Committee, NotACommitteeList, parse_committees

SERVICE = "/mgWebService.asmx/GetCommittees"


def committee_list(ctx: InitContext, base_url: str) -> list[Committee] | None:
    """The site's committees; None (with a note) when the site refused; ProbeFailed when the
    address does not answer as a ModernGov site."""
    assert ctx.http is not None
    url = base_url.rstrip("/") + SERVICE
    stale = (
        f"ModernGov: {base_url} does not answer as {ctx.council.name}'s committee system ({{why}}). "
        "Committee-system addresses drift: find the council's current one (the part of a committee page's "
        "address before /mgCommitteeDetails.aspx) and correct it in the registry or in the written file "
        "(run without --probe to write the file with the committees left for you to fill in)."
    )
    problem = ""
    # LGSF calls the operation with no parameter, another client with lDummy=0; both are tried
    for params in (None, {"lDummy": 0}):
        try:
            answer = ctx.http.get(url, params=params, conditional=False, cache_body=False)
        except BlockedError as exc:
            ctx.note(f"ModernGov: {url} refused the request ({exc}); its committees could not be listed.")
            return None
        except FetchError as exc:
            raise ProbeFailed(stale.format(why=f"{url}: {exc}")) from None
        try:
            return parse_committees(answer.content)
        except NotACommitteeList as exc:
            problem = f"{url}: {exc}"
    raise ProbeFailed(stale.format(why=problem))
