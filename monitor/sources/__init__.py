"""The registry of source kinds: kind name -> adapter class, imported on first use.

Adding a publisher is one module under monitor/sources/ and one line here.
"""

from __future__ import annotations

import importlib

from monitor.sources.base import DocumentRef, Source, SourceSettings

REGISTRY: dict[str, str] = {
    "page": "monitor.sources.page:PageSource",
    "feed": "monitor.sources.feed:FeedSource",
    "ofsted": "monitor.sources.ofsted.source:OfstedSource",
    "ofsted_outcomes": "monitor.sources.ofsted.outcomes_source:OfstedOutcomesSource",
    "ofsted_peers": "monitor.sources.ofsted.peers_source:OfstedPeersSource",
    "cqc": "monitor.sources.cqc.source:CqcSource",
    "cqc_ratings": "monitor.sources.cqc.ratings_source:CqcRatingsSource",
    "lgsco": "monitor.sources.lgsco.source:LgscoSource",
    "lgsco_performance": "monitor.sources.lgsco.performance_source:LgscoPerformanceSource",
    "housing_ombudsman": "monitor.sources.housing_ombudsman.source:HousingOmbudsmanSource",
    "moderngov": "monitor.sources.moderngov.source:ModernGovSource",
    "govuk": "monitor.sources.govuk.source:GovukSource",
}


def source_class(kind: str) -> type[Source]:
    """The adapter class for a kind name; KeyError names the known kinds."""
    try:
        target = REGISTRY[kind]
    except KeyError:
        raise KeyError(f"unknown kind {kind!r}; known kinds: {', '.join(sorted(REGISTRY))}") from None
    module_name, _, class_name = target.partition(":")
    return getattr(importlib.import_module(module_name), class_name)


__all__ = ["REGISTRY", "DocumentRef", "Source", "SourceSettings", "source_class"]
