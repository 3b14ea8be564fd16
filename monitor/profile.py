"""What the rest of the monitor knows of a source kind: its publisher profile.

Each publisher's folder under monitor/sources/ declares the profiles of its kinds in its
`profile.py`; the registry (`monitor.sources`) finds them. Detection, responses, delivery and
the site read a kind only through its profile, so none of them names a kind, and adding a
publisher touches its own folder only (docs/ADDING_A_PUBLISHER.md).

Profiles hold no code of the publisher's: the readers they point to ("module:function") are
imported on first use, so reading every profile at start-up costs only this module.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Literal

Role = Literal["finding", "answer", "none"]
#: what the site's overview shows of a kind's documents
Overview = Literal["grades", "decisions", "none"]


@dataclass(frozen=True)
class Profile:
    """One source kind, as everything outside its folder sees it."""

    #: the kind's name in sources.yaml (`kind: ofsted`)
    kind: str
    #: the adapter class, "module:Class"
    adapter: str
    #: the publisher as a heading or label reads it: "Ofsted", "Housing Ombudsman"
    label: str
    #: the publisher inside a sentence: "Ofsted", "the CQC" (defaults to the label)
    in_sentence: str = ""
    #: the publisher folder that holds the kind (its docs page is docs/publishers/<package>.md)
    package: str = ""
    #: where the publisher sorts in the digest and the site: inspectorates first
    order: int = 90
    #: what the kind's documents are to the council, unless a source's `role:` says otherwise
    role: Role = "none"
    #: where a document's verdict sits in its meta: a {field: grade} mapping ("judgements",
    #: "ratings"), or "decision" for one outcome; None when the kind states no verdict
    verdicts: str | None = None
    #: the verdict's values from best to worst; each level holds the values that rank alike,
    #: each value matched at the start of what the publisher wrote ("upheld" also matches
    #: "Upheld: fault and injustice")
    scale: tuple[tuple[str, ...], ...] = ()
    #: fields with a scale of their own (an area SEND outcome is not a four-point grade)
    field_scales: dict[str, tuple[tuple[str, ...], ...]] = field(default_factory=dict)
    #: verdict fields as a person reads them ("in_care" -> "Children in care"); a field not
    #: named here reads as its words ("well-led" -> "Well-led")
    field_labels: dict[str, str] = field(default_factory=dict)
    #: meta keys naming what a verdict belongs to, first found wins: only like is compared
    #: with like (one provider, one location, one complaint)
    provider_keys: tuple[str, ...] = ("urn", "location_id", "provider_id", "local_authority", "authority", "provider")
    #: a council paper cites this kind's findings by their case reference
    cited_by_reference: bool = False
    #: topic -> a regular expression only a council paper's mention of that kind of finding matches
    topics: dict[str, str] = field(default_factory=dict)
    #: "module:function" (doc_kind, title, meta) -> the topic of one of its documents, or None
    topic_rule: str | None = None
    #: a finding of this kind expects an answer only when its verdict is this bad or worse
    #: (a level of `scale`, 0 = best); None: every finding with a topic expects one
    answer_expected_from: int | None = None
    #: "module:function" (doc_kind, title, pages) -> [{"text", "page"}]: the document's own
    #: headline sentences, found by its structure
    headline: str | None = None
    #: a document whose verdict is stated needs no headline sentences: its grades are its headline
    graded_headline: bool = False
    #: what the site's overview shows: the newest grades per inspected body, recent decisions
    overview: Overview = "none"
    #: for "grades": the meta key that tells inspected bodies apart ("urn", "location_id")
    overview_key: str = ""
    #: charts the site draws from this kind's documents (names in monitor/site/charts.py)
    charts: tuple[str, ...] = ()
    #: "module:function" (peer_context event details) -> the sentence an alert carries
    peer_sentence: str | None = None
    #: the verdict fields a peer context sentence is about
    peer_fields: tuple[str, ...] = ()
    #: this kind gives peer context about another kind's documents (named here)
    context_for: str | None = None
    #: the council registry's identifiers this kind uses ("ofsted_urn", "committee_url"):
    #: what `monitor councils` shows under the publisher's label
    registry_keys: tuple[str, ...] = ()
    #: "module:function" (an InitContext, monitor/sources/init_blocks.py) -> the sources.yaml
    #: blocks `monitor init` writes for one council ([] when the kind does not apply to it);
    #: what only the live site knows is discovered there with --probe
    setup: str | None = None

    @property
    def sentence_name(self) -> str:
        """The publisher as a sentence names it."""
        return self.in_sentence or self.label

    def scale_for(self, field_name: str | None = None) -> tuple[tuple[str, ...], ...]:
        """The scale a field's values are ranked on, best first."""
        return self.field_scales.get(field_name or "", self.scale)

    def level(self, value: str | None, field_name: str | None = None) -> int | None:
        """The value's level on its field's scale (0 = best), or None when it is not on it."""
        return level_on(self.scale_for(field_name), value)

    def call(self, attribute: str, *args: Any) -> Any:
        """Call the reader an attribute points to ("module:function"); None when it has none."""
        target = getattr(self, attribute)
        return resolve(target)(*args) if target else None


def clean(value: str) -> str:
    """A verdict as compared: dashes plain, spaces single, case folded."""
    return " ".join(value.replace("\u2013", "-").replace("\u2014", "-").split()).casefold()


def level_on(scale: tuple[tuple[str, ...], ...], value: str | None) -> int | None:
    """The level (0 = best) whose value `value` starts with, longest value first; or None."""
    if not value or not scale:
        return None
    text = clean(value)
    best: tuple[int, int] | None = None
    for index, values in enumerate(scale):
        for candidate in values:
            if re.match(re.escape(candidate) + r"\b", text) and (best is None or len(candidate) > best[1]):
                best = (index, len(candidate))
    return best[0] if best else None


@cache
def resolve(target: str) -> Callable[..., Any]:
    """"module:function" -> the function, imported on first use."""
    module, _, name = target.partition(":")
    return getattr(importlib.import_module(module), name)


def fallback(kind: str) -> Profile:
    """The profile of a kind the registry does not know (a stored source since removed)."""
    words = (kind or "source").replace("_", " ").strip()
    return Profile(kind=kind, adapter="", label=words[:1].upper() + words[1:])
