"""What the rest of the monitor knows of the generic `page` kind: any web page listing
documents, most often the council's own (its answers); a notice on it is read like GOV.UK's."""

from __future__ import annotations

from monitor.profile import Profile

PROFILES = (
    Profile(
        kind="page",
        adapter="monitor.sources.page.source:PageSource",
        label="Web page",
        package="page",
        order=40,
        role="answer",
        headline="monitor.sources.govuk.headline:headline",
        registry_keys=("website", "news_page"),
        setup="monitor.sources.page.init:council_news",
    ),
)
