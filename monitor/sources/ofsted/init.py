"""What `monitor init` writes for Ofsted: the council's children's services page, the yearly
statistics as a cross-check, and the national picture. It needs the registry's Ofsted URN
(`ofsted_urn`, Data to Insight's lookup of the 153 councils with children's services);
nothing is left to discover."""

from __future__ import annotations

from monitor.sources.init_blocks import InitContext, SourceBlock

STATISTICS_HOSTS = ["www.gov.uk", "assets.publishing.service.gov.uk"]
#: reports.ofsted.gov.uk's category of councils' children's services (inferred from other
#: councils' page addresses; check-config says so)
CATEGORY = 44


def _urn(ctx: InitContext) -> int | None:
    urn = ctx.council.identifier("ofsted_urn")
    return int(urn) if ctx.council.social_care and urn else None


def childrens_services(ctx: InitContext) -> list[SourceBlock]:
    """The council's provider page: inspections, visits, JTAI and area SEND reports."""
    urn = _urn(ctx)
    if urn is None:
        return []
    c = ctx.council
    comment = (
        f"Every Ofsted publication about {c.name}'s children's services, each with its kind: ILACS "
        "inspections, focused visits, monitoring visits, JTAI letters and area SEND inspections, all "
        f"listed on the council's one provider page. URN {urn} is from Data to Insight's lookup of the "
        "153 councils' pages (docs/REGISTRY.md); the category 44 in the page address is inferred from "
        "other councils (check-config warns)."
    )
    return [
        SourceBlock(
            {
                "name": ctx.name("ofsted", "{council}", "childrens-services"),
                "kind": "ofsted",
                "council": c.code,
                "schedule": "15 7 * * *",
                "severity": "urgent",
                "providers": [{"urn": urn, "category": CATEGORY, "name": f"{c.name} children's services"}],
            },
            comment + " A new Ofsted report is emailed at once.",
        )
    ]


def outcomes(ctx: InitContext) -> list[SourceBlock]:
    """Ofsted's yearly statistics, checked against the provider page."""
    urn = _urn(ctx)
    if urn is None:
        return []
    c = ctx.council
    return [
        SourceBlock(
            {
                "name": ctx.name("ofsted", "{council}", "outcomes-statistics"),
                "kind": "ofsted_outcomes",
                "council": c.code,
                "schedule": "30 7 * * 1",
                "checks": ctx.name("ofsted", "{council}", "childrens-services"),
                "allowed_hosts": STATISTICS_HOSTS,
                "urns": [urn],
                "local_authorities": [c.name],
            },
            "A second road to the same facts: Ofsted's yearly official statistics \"Local authority inspection "
            f"outcomes as at 31 March <year>\" on GOV.UK. If they name a {c.name} inspection the source above "
            "does not hold, or different grades, an urgent alert says so. Weekly: the statistics come once a year.",
        )
    ]


def national_context(ctx: InitContext) -> list[SourceBlock]:
    """Where the council's grade stands among all councils and in its region."""
    if _urn(ctx) is None:
        return []
    c = ctx.council
    return [
        SourceBlock(
            {
                "name": ctx.context_name("ofsted"),
                "kind": "ofsted_peers",
                "council": c.code,
                "schedule": "35 7 * * 1",
                "context_for": ctx.name("ofsted", "{council}", "childrens-services"),
                "allowed_hosts": STATISTICS_HOSTS,
            },
            f"Where {c.name}'s grade stands: the same statistics give every council's newest overall grade; "
            f"alerts about {c.name}'s overall grade and the site's overview then say \"one of N councils graded "
            f"..., in {c.region} one of M\".",
        )
    ]
