"""A Housing Ombudsman determination's own headline sentences: its findings of
maladministration (or none) and the orders."""

from __future__ import annotations

import re

from monitor.detect.headline_quotes import (
    dedupe,
    headings,
    sentences,
)
from monitor.detect.headline_text import Block, blocks_of

_HOS_FINDING = re.compile(r"\b(?:there was (?:severe |no )?maladministration|there was (?:a )?service failure|"
                          r"reasonable redress|outside the Ombudsman's jurisdiction)\b", re.I)
_HOS_ORDER = re.compile(r"\b(?:the landlord (?:is ordered to|must|should)|pay the resident|apologise to the resident)\b", re.I)


def _housing_ombudsman(blocks: list[Block]) -> list[dict[str, object]]:
    found = sentences([b for b in blocks if b.kind != "heading"], 3, _HOS_FINDING)
    if not found:
        return []
    orders = sentences([b for b in blocks if b.kind != "heading"], 2, _HOS_ORDER)
    return dedupe(found + orders)


_HEADINGS = headings("Determination", "Determination (decision)", "Orders", "Orders and recommendations",
                     "Recommendations", "Background", "Assessment and findings")


def headline(doc_kind: str, title: str, pages: list[str]) -> list[dict[str, object]]:
    """Up to four {"text", "page"} quotes, findings first; [] when no finding is stated."""
    return _housing_ombudsman(blocks_of(pages, _HEADINGS))
