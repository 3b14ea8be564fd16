"""What `monitor init` writes for the council's own news: a `page` source on its news list.
Only where the list's address and markup were seen (`news_page`, Harrow's) is it written
active; otherwise a commented-out start at the council's website (`website`), for a person to
point at the news list and give its markup."""

from __future__ import annotations

from monitor.sources.init_blocks import InitContext, SourceBlock


def council_news(ctx: InitContext) -> list[SourceBlock]:
    """The council's press releases and statements: often its framing of a finding."""
    c = ctx.council
    name = ctx.name("{council}", "council-news")
    seen = c.identifier("news_page")
    if seen:
        return [
            SourceBlock(
                {"name": name, "kind": "page", "council": c.code, "schedule": "45 7 * * *", **seen},
                f"{c.name}'s own news: press releases and statements, often its framing of a finding. "
                + (f"Seen: {c.evidence['news_page']}." if c.evidence.get("news_page") else ""),
            )
        ]
    website = c.identifier("website")
    url = f"https://www.{website}/news" if website else "https://www.example.gov.uk/news"
    return [
        SourceBlock(
            {
                "name": name,
                "kind": "page",
                "council": c.code,
                "schedule": "45 7 * * *",
                "url": url,
                "links": "main a[href]",
                "min_links": 1,
            },
            f"{c.name}'s own news: press releases and statements, often its framing of a finding. The "
            f"address is a guess from the council's website{f' ({website})' if website else ''}: open it, "
            "correct `url`, narrow `links` to the news items (a CSS selector) and add `include:` (a pattern of "
            "their addresses), then uncomment. A council news feed (RSS or Atom) is simpler: `kind: feed` "
            "with `url:`.",
            active=False,
        )
    ]
