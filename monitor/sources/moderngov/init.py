"""What `monitor init` writes for the council's committee papers: a moderngov source at the
council's ModernGov address (`committee_system`, `committee_url`: Democracy Club's scraper
metadata), following the committees a watchdog group follows: full council, cabinet,
scrutiny, children's services, health and audit.

The committee ids are in the registry only where they were seen (`committees`); `--probe`
reads them from the site's committee list and picks them by title (init_road.py). Without
either, the source is written commented out with its address, for a person to add the ids.
A council on another committee system (CMIS, its own pages) gets a commented `page` source.
"""

from __future__ import annotations

from monitor.sources.init_blocks import InitContext, SourceBlock
from monitor.sources.moderngov.committees import followed


def committees(ctx: InitContext) -> list[SourceBlock]:
    """The council's committee papers, as far as the registry and a probe can say."""
    c = ctx.council
    system = c.identifier("committee_system")
    url = c.identifier("committee_url")
    if not url:
        ctx.note(f"Committee papers: the registry has no committee-system address for {c.name}; add a page source for them by hand.")
        return []
    if system != "ModernGov":
        return [_other_system(ctx, str(system or "an unknown system"), str(url))]
    base = ctx.base_url("moderngov", str(url)) or str(url)
    keys = {
        "name": ctx.name("{council}", "committees"),
        "kind": "moderngov",
        "council": c.code,
        "schedule": "30 7 * * *",
        "base_url": base,
        "committees": [],
        "days_back": 90,
        "days_ahead": 60,
    }
    seen = c.identifier("committees")
    if seen:
        keys["committees"] = [int(item["id"]) for item in seen]
        listed = ", ".join(f"{item['title']} ({item['id']})" for item in seen)
        return [
            SourceBlock(
                keys,
                f"{c.name}'s committee papers on ModernGov: {listed}. Each id was seen with its papers: "
                f"{c.evidence.get('committees', 'docs/REGISTRY.md')}. Committee ids are the \"CId=\" number "
                "in the committee's page address on the council's ModernGov site.",
            )
        ]
    if ctx.probe:
        from monitor.sources.moderngov.init_road import committee_list

        found = committee_list(ctx, base)
        if found is not None:
            picked = followed(found)
            missing = [what for what in ("full council", "cabinet", "scrutiny", "audit") if what not in {w for w, _ in picked}]
            if missing:
                ctx.note(f"ModernGov: no current committee of {c.name} is titled like {', '.join(missing)}; check the list at {base}.")
            if picked:
                keys["committees"] = [committee.id for _, committee in picked]
                listed = "; ".join(f"{what}: {committee.title} ({committee.id})" for what, committee in picked)
                ctx.note(f"ModernGov: {len(picked)} of {c.name}'s {len(found)} committees picked by title.")
                return [
                    SourceBlock(
                        keys,
                        f"{c.name}'s committee papers on ModernGov, the committees picked by their titles from "
                        f"the site's committee list by `monitor init --probe`: {listed}. Add or remove ids (the "
                        "\"CId=\" number in a committee page's address) as you like.",
                    )
                ]
    return [
        SourceBlock(
            keys,
            f"{c.name}'s committee papers on ModernGov at {base} (Democracy Club's record of the council's "
            "site). Its committee ids are not known yet: put the ones you follow in `committees:` (the \"CId=\" "
            "number in a committee page's address; full council, cabinet, scrutiny, children's services, "
            f"health and audit are the usual ones), or run `monitor init --council {c.code} --probe --force` to "
            "have them found; then uncomment.",
            active=False,
        )
    ]


def _other_system(ctx: InitContext, system: str, url: str) -> SourceBlock:
    """A council whose papers are not on ModernGov: a page source to start from, commented out."""
    c = ctx.council
    return SourceBlock(
        {
            "name": ctx.name("{council}", "committees"),
            "kind": "page",
            "council": c.code,
            "schedule": "30 7 * * *",
            "url": url,
            "include": r"\.pdf$",
        },
        f"{c.name}'s committee papers are not on ModernGov ({system}, at {url}, as Democracy Club records "
        "it), and no kind reads that system yet. This page source, once you point `url` at the page listing "
        "a committee's meetings or papers, follows its PDF links; uncomment it then.",
        active=False,
    )
