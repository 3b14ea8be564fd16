"""What the rest of the monitor knows of the Local Government and Social Care Ombudsman's
kinds: labels, outcomes from best to worst for the council, case references, charts."""

from __future__ import annotations

from monitor.profile import Profile

#: outcomes, best for the council first: a complaint upheld (fault found) is worse than one
#: not upheld or closed after initial enquiries, and a formal public report is the worst
DECISION_SCALE = (
    ("not upheld", "closed after initial enquiries"),
    ("upheld: maladministration, no injustice", "upheld: maladministration no injustice"),
    ("upheld",),
    ("report issued",),
)
TOPICS = {
    "ombudsman-report": r"\bOmbudsman'?s?\b[^.]{0,60}\b(?:public )?report\b|\bpublic report\b[^.]{0,60}\bOmbudsman\b",
}


def topic_of(doc_kind: str, title: str, meta: dict) -> str | None:
    """A public report is answered by topic; a decision only by its case number."""
    decision = str(meta.get("decision") or "").casefold()
    return "ombudsman-report" if "report" in (doc_kind or "").casefold() or decision.startswith("report") else None


PROFILES = (
    Profile(
        kind="lgsco",
        adapter="monitor.sources.lgsco.source:LgscoSource",
        label="Ombudsman",
        in_sentence="the Ombudsman",
        package="lgsco",
        order=20,
        role="finding",
        verdicts="decision",
        scale=DECISION_SCALE,
        provider_keys=("reference",),
        cited_by_reference=True,
        topics=TOPICS,
        topic_rule="monitor.sources.lgsco.profile:topic_of",
        answer_expected_from=2,
        headline="monitor.sources.lgsco.headline:headline",
        overview="decisions",
        charts=("decisions_by_year", "decisions_by_category"),
        peer_sentence="monitor.sources.lgsco.peers:context_sentence",
        peer_fields=("decision",),
        registry_keys=("ombudsman_name", "ombudsman_name_seen"),
        setup="monitor.sources.lgsco.init:decisions",
    ),
    Profile(
        kind="lgsco_performance",
        adapter="monitor.sources.lgsco.performance_source:LgscoPerformanceSource",
        label="Ombudsman",
        in_sentence="the Ombudsman",
        package="lgsco",
        order=21,
        role="finding",
        setup="monitor.sources.lgsco.init:performance",
    ),
    Profile(
        kind="lgsco_peers",
        adapter="monitor.sources.lgsco.peers_source:LgscoPeersSource",
        label="Ombudsman",
        in_sentence="the Ombudsman",
        package="lgsco",
        order=22,
        context_for="lgsco",
        setup="monitor.sources.lgsco.init:national_context",
    ),
)
