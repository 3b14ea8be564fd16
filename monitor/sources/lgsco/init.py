"""What `monitor init` writes for the Local Government and Social Care Ombudsman: the council's
decisions, its "Your council's performance" page and the national picture, for every council.

It needs the Ombudsman's spelling of the council (`ombudsman_name`): seen in a decision for a
few councils, otherwise the official name (an inference the comment says). `--probe` checks
the council's performance page answers and names the council (init_road.py).
"""

from __future__ import annotations

from monitor.sources.init_blocks import InitContext, SourceBlock
from monitor.sources.lgsco.performance_source import performance_slug


def _authority(ctx: InitContext) -> str:
    return str(ctx.council.identifier("ombudsman_name") or ctx.council.official_name)


def _spelling_note(ctx: InitContext) -> str:
    if ctx.council.identifier("ombudsman_name_seen"):
        return f"The spelling was seen in its decisions: {ctx.council.evidence.get('ombudsman_name', 'docs/REGISTRY.md')}."
    return (
        "The spelling is the council's official name, which is how the Ombudsman usually writes it, but it "
        "was not seen: if the source reports \"0 results\", search the Ombudsman's decisions for the council "
        "and copy its name from a decision's heading."
    )


def decisions(ctx: InitContext) -> list[SourceBlock]:
    """The Ombudsman's decisions about the council, every category, louder for care and SEND."""
    c = ctx.council
    severity: dict[str, str] = {}
    if c.social_care:
        severity.update(
            {
                "Children's care services": "urgent",
                "Adult care services": "urgent",
                "Education > Special educational needs": "urgent",
            }
        )
    if c.housing:
        severity["Housing"] = "normal"
    keys = {
        "name": ctx.name("ombudsman", "{council}"),
        "kind": "lgsco",
        "council": c.code,
        "schedule": "25 7 * * *",
        "authority": _authority(ctx),
        "max_pages": 3,
        "severity": "normal",
    }
    if base := ctx.base_url("lgsco"):
        keys["base_url"] = base
    if severity:
        keys["category_severity"] = severity
    return [
        SourceBlock(
            keys,
            f"Ombudsman decisions about {c.name} in every category, newest first (10 a page). The authority "
            f"must be spelled as the Ombudsman writes it in its decisions. {_spelling_note(ctx)} "
            "`category_severity` says how loud each category is; a public report is always urgent and a "
            "category not named takes `severity`. Do not add `categories:` unless you mean to stop watching "
            "the others.",
        )
    ]


def performance(ctx: InitContext) -> list[SourceBlock]:
    """The council's annual review letter and statistics page."""
    c = ctx.council
    authority = _authority(ctx)
    keys = {
        "name": ctx.name("ombudsman", "{council}", "performance"),
        "kind": "lgsco_performance",
        "council": c.code,
        "schedule": "35 7 * * 1",
        "authority": authority,
    }
    if base := ctx.base_url("lgsco"):
        keys["base_url"] = base
    active = True
    seen = "The page's address and layout are inferred, not seen: if it reports broken, run `monitor capture` on it."
    if ctx.probe:
        from monitor.sources.lgsco.init_road import check_performance_page

        found = check_performance_page(ctx, performance_slug(authority), authority)
        if found is False:
            active = False
            seen = "`monitor init --probe` did not find the page: check the address on the Ombudsman's site, then uncomment."
        elif found:
            seen = "`monitor init --probe` found the page naming the council."
    return [
        SourceBlock(
            keys,
            f"The Ombudsman's \"Your council's performance\" page for {c.name}: the annual review letter and the "
            f"year's complaint statistics (published each May) and the service improvements the council agreed. {seen}",
            active=active,
        )
    ]


def national_context(ctx: InitContext) -> list[SourceBlock]:
    """The council's upheld rate beside similar councils' and its neighbours'."""
    c = ctx.council
    keys = {
        "name": ctx.context_name("ombudsman"),
        "kind": "lgsco_peers",
        "council": c.code,
        "schedule": "45 7 * * 1",
        "context_for": ctx.name("ombudsman", "{council}"),
    }
    if base := ctx.base_url("lgsco"):
        keys["base_url"] = base
    peers = (
        f"its {len(c.statistical_neighbours)} statistical neighbours"
        if c.statistical_neighbours
        else f"councils of its kind in {c.region}"
    )
    return [
        SourceBlock(
            keys,
            f"Where {c.name}'s Ombudsman record stands: the share of complaints the Ombudsman upheld after "
            f"investigating them, beside similar councils' and {peers}', from the Ombudsman's yearly statistics; "
            "an upheld decision is told with it. The statistics file's place is known from third-party notes "
            "(check-config warns).",
        )
    ]
