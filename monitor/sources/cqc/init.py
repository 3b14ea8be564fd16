"""What `monitor init` writes for the CQC: the council's local authority assessment of adult
social care (councils with social care only), the ratings-file cross-check (commented out:
it needs care services a person picks) and the national picture.

It needs the council's name; the assessment's own address (`cqc_assessment_path`) is in the
registry only where it was seen. `--probe` looks for it on the CQC's list of assessments
(init_road.py); without it the source finds the assessment on that list at each pass.
"""

from __future__ import annotations

from monitor.sources.init_blocks import InitContext, SourceBlock


def _assessment_name(ctx: InitContext) -> str:
    return ctx.name("cqc", "{council}", "adult-social-care")


def assessment(ctx: InitContext) -> list[SourceBlock]:
    """The council's adult social care assessment, pinned to its address when known."""
    c = ctx.council
    if not c.social_care:
        return []
    path = c.identifier("cqc_assessment_path")
    found = ""
    if path:
        found = f"Its address was seen: {c.evidence.get('cqc_assessment_path', 'docs/REGISTRY.md')}."
    elif ctx.probe:
        from monitor.sources.cqc.init_road import find_assessment

        path = find_assessment(ctx)
        if path:
            found = "Its address was found on the CQC's list of assessments by `monitor init --probe`."
    keys = {
        "name": _assessment_name(ctx),
        "kind": "cqc",
        "council": c.code,
        "schedule": "20 7 * * *",
        "severity": "urgent",
        "local_authority": c.name,
    }
    if base := ctx.base_url("cqc"):
        keys["base_url"] = base
    if path:
        keys["assessment_url"] = path
    else:
        found = (
            "Its address is not known yet: the source looks for it on the CQC's list of assessments at each "
            f"pass, and reports broken if the list shows none (run `monitor init --council {c.code} --probe --force`, or set "
            "assessment_url to the page's address on www.cqc.org.uk)."
        )
    return [
        SourceBlock(
            keys,
            f"The CQC's assessment of {c.name}'s adult social care (the Care Act duties), with its overall "
            f"rating and nine quality statement scores. {found} Add `locations:` (CQC location ids such as "
            "1-125856395) for care homes you want to follow; with the environment variable "
            "MONITOR_CQC_API_KEY set, the CQC's API is used.",
        )
    ]


def ratings_check(ctx: InitContext) -> list[SourceBlock]:
    """The monthly Latest ratings file as a cross-check, written commented out."""
    c = ctx.council
    if not c.social_care:
        return []
    return [
        SourceBlock(
            {
                "name": ctx.name("cqc", "{council}", "ratings-check"),
                "kind": "cqc_ratings",
                "council": c.code,
                "schedule": "40 7 8 * *",
                "checks": _assessment_name(ctx),
                "locations": ["1-125856395"],
            },
            "A second road to the same ratings: the CQC's monthly \"Latest ratings\" file. Once you list "
            "locations above, uncomment this with the same ids (the one shown is an example); a location "
            "whose newest rating in the file is missing from, or differs from, the source above raises an "
            "urgent alert. Monthly: the CQC publishes the file at the start of each month.",
            active=False,
        )
    ]


def national_context(ctx: InitContext) -> list[SourceBlock]:
    """Every council's assessment rating, and the council's statistical neighbours'."""
    c = ctx.council
    if not c.social_care:
        return []
    keys = {
        "name": ctx.context_name("cqc"),
        "kind": "cqc_peers",
        "council": c.code,
        "schedule": "40 7 * * 1",
        "context_for": _assessment_name(ctx),
    }
    if base := ctx.base_url("cqc"):
        keys["base_url"] = base
    return [
        SourceBlock(
            keys,
            f"Where {c.name}'s adult social care rating stands: every council's rating from the CQC's data, "
            f"nationally and among {c.name}'s {len(c.statistical_neighbours)} statistical neighbours; a change "
            f"of {c.name}'s rating is told with it. The file's place on the CQC's site is inferred "
            "(check-config warns).",
        )
    ]
