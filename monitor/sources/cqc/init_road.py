"""`monitor init --probe` for the CQC: the council's newest assessment on the CQC's list of
local authority assessments, read by the same road the cqc source takes (assessment_road.py)."""

from __future__ import annotations

from urllib.parse import urlsplit

from monitor.errors import BlockedError, FetchError, ListingBrokenError
from monitor.sources.base import SourceContext
from monitor.sources.cqc.assessment_road import ASSESSMENT_INDEX_PATH, AssessmentReader
from monitor.sources.cqc.source import CqcSource
from monitor.sources.init_blocks import InitContext


def find_assessment(ctx: InitContext) -> str | None:
    """The path of the council's newest assessment, or None (with a note saying why)."""
    council = ctx.council
    assert ctx.http is not None
    source = CqcSource(
        CqcSource.Settings(local_authority=council.name),
        SourceContext(name="init-probe", base_url=ctx.base_url("cqc"), http=ctx.http),
    )
    where = f"{source.base_url}{ASSESSMENT_INDEX_PATH}"
    try:
        url = AssessmentReader(source).find(council.name)
    except ListingBrokenError:
        ctx.note(
            f"CQC: {where} shows no assessment of {council.name}; the source will look for it at each "
            "pass (set assessment_url when you know the page)."
        )
        return None
    except (BlockedError, FetchError) as exc:
        ctx.note(f"CQC: could not read the list of assessments ({exc}); the source will look for it at each pass.")
        return None
    path = urlsplit(url).path
    ctx.note(f"CQC: {council.name}'s assessment is at {path}.")
    return path
