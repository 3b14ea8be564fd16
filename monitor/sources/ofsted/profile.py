"""What the rest of the monitor knows of Ofsted's kinds: labels, the four-point grades, the
words a council paper uses for each kind of Ofsted finding, headlines, charts, peer context."""

from __future__ import annotations

from monitor.profile import Profile

#: the ILACS grades (and the single inspection framework's), best first
GRADE_SCALE = (("outstanding",), ("good",), ("requires improvement",), ("inadequate",))

#: area SEND outcomes, best first: the 2023 framework's three, the 2016 framework's written
#: statement of action, a revisit's conclusion on progress (monitor/sources/ofsted/area_send.py).
#: The frameworks share the levels, so "written statement of action required" (2019) then
#: "inconsistent experiences and outcomes" (2024) reads as better (docs/publishers/ofsted.md).
AREA_SEND_SCALE = (
    ("positive experiences and outcomes", "no written statement of action required",
     "sufficient progress in all significant weaknesses"),
    ("inconsistent experiences and outcomes", "sufficient progress in some significant weaknesses"),
    ("widespread and/or systemic failings", "written statement of action required", "insufficient progress"),
)

#: the judgements as the report's grade table names them, shortened for a line of an email
FIELD_LABELS = {
    "overall": "Overall effectiveness",
    "impact_of_leaders": "Impact of leaders",
    "help_and_protection": "Help and protection",
    "in_care": "Children in care",
    "care_leavers": "Care leavers",
    "in_care_and_care_leavers": "Children in care and care leavers",
    "area_send_outcome": "Area SEND outcome",
}

#: topic -> what only a council paper's mention of that kind of Ofsted finding says
TOPICS = {
    "ofsted-ilacs": (
        r"\bILACS\b|inspection of (?:the )?local authority children'?s services|"
        r"\b(?:ofsted|recent|latest|last)\b[^.]{0,60}\binspection of (?:harrow'?s? |the council'?s? |our )?children'?s (?:social care )?services|"
        r"\bofsted\b[^.]{0,80}\bchildren'?s (?:social care )?services\b[^.]{0,60}\b(?:inspect\w*|judge?ment|judged|graded|rated)|"
        r"\bofsted\b[^.]{0,20}\b(?:inspected|judged|graded|rated)\b[^.]{0,40}\bchildren'?s (?:social care )?services\b|"
        r"\b(?:inspect\w*|judge?ment|judged|graded|rated)\b[^.]{0,60}\bchildren'?s (?:social care )?services\b[^.]{0,60}\bofsted\b"
    ),
    "ofsted-monitoring": r"\bmonitoring visits?\b",
    "ofsted-focused": r"\bfocused visits?\b",
    "ofsted-send": r"\b(?:area )?SEND (?:area )?inspection|local area (?:SEND )?inspection|\bSEND\b[^.]{0,40}\bOfsted and (?:the )?CQC\b",
    "ofsted-jtai": r"\bJTAI\b|joint targeted area inspection",
}
#: a document's kind (as the listing names it) -> its topic
TOPIC_BY_KIND = {
    "inspection": "ofsted-ilacs",
    "monitoring visit": "ofsted-monitoring",
    "focused visit": "ofsted-focused",
    "area send": "ofsted-send",
    "jtai": "ofsted-jtai",
}


def topic_of(doc_kind: str, title: str, meta: dict) -> str | None:
    """The topic of an Ofsted publication, by the kind of report it is."""
    return TOPIC_BY_KIND.get((doc_kind or "").casefold())


PROFILES = (
    Profile(
        kind="ofsted",
        adapter="monitor.sources.ofsted.source:OfstedSource",
        label="Ofsted",
        package="ofsted",
        order=0,
        role="finding",
        verdicts="judgements",
        scale=GRADE_SCALE,
        field_scales={"area_send_outcome": AREA_SEND_SCALE},

        field_labels=FIELD_LABELS,
        topics=TOPICS,
        topic_rule="monitor.sources.ofsted.profile:topic_of",
        headline="monitor.sources.ofsted.headline:headline",
        graded_headline=True,
        overview="grades",
        overview_key="urn",
        charts=("overall_grades",),
        peer_sentence="monitor.sources.ofsted.peers_source:context_sentence",
        peer_fields=("overall",),
        registry_keys=("ofsted_urn",),
        setup="monitor.sources.ofsted.init:childrens_services",
    ),
    Profile(
        kind="ofsted_outcomes",
        adapter="monitor.sources.ofsted.outcomes_source:OfstedOutcomesSource",
        label="Ofsted",
        package="ofsted",
        order=1,
        verdicts="judgements",
        scale=GRADE_SCALE,
        field_labels=FIELD_LABELS,
        setup="monitor.sources.ofsted.init:outcomes",
    ),
    Profile(
        kind="ofsted_peers",
        adapter="monitor.sources.ofsted.peers_source:OfstedPeersSource",
        label="Ofsted",
        package="ofsted",
        order=2,
        context_for="ofsted",
        setup="monitor.sources.ofsted.init:national_context",
    ),
)
