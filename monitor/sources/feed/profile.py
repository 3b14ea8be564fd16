"""What the rest of the monitor knows of the generic `feed` kind: an RSS or Atom feed, most
often the council's own news (its answers); a notice in it is read like GOV.UK's."""

from __future__ import annotations

from monitor.profile import Profile

PROFILES = (
    Profile(
        kind="feed",
        adapter="monitor.sources.feed.source:FeedSource",
        label="Feed",
        package="feed",
        order=41,
        role="answer",
        headline="monitor.sources.govuk.headline:headline",
    ),
)
