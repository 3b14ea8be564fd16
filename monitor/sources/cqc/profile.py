"""What the rest of the monitor knows of the CQC's kinds: labels, ratings, the words a council
paper uses for a CQC assessment, charts."""

from __future__ import annotations

from monitor.profile import Profile

RATING_SCALE = (("outstanding",), ("good",), ("requires improvement",), ("inadequate",))
TOPICS = {
    "cqc-assessment": (
        r"\b(?:CQC|Care Quality Commission)\b[^.]{0,80}\b(?:assess\w*|rated|rating)\b|"
        r"\b(?:assess\w*|rated|rating)\b[^.]{0,60}\b(?:CQC|Care Quality Commission)\b"
    ),
}


def topic_of(doc_kind: str, title: str, meta: dict) -> str | None:
    """Every CQC publication a source watches is an assessment a council may answer."""
    return "cqc-assessment"


PROFILES = (
    Profile(
        kind="cqc",
        adapter="monitor.sources.cqc.source:CqcSource",
        label="CQC",
        in_sentence="the CQC",
        package="cqc",
        order=10,
        role="finding",
        verdicts="ratings",
        scale=RATING_SCALE,
        topics=TOPICS,
        topic_rule="monitor.sources.cqc.profile:topic_of",
        graded_headline=True,
        overview="grades",
        overview_key="location_id",
        charts=("quality_statements",),
        peer_sentence="monitor.sources.cqc.peers:context_sentence",
        peer_fields=("overall",),
        registry_keys=("cqc_assessment_path",),
        setup="monitor.sources.cqc.init:assessment",
    ),
    Profile(
        kind="cqc_ratings",
        adapter="monitor.sources.cqc.ratings_source:CqcRatingsSource",
        label="CQC",
        in_sentence="the CQC",
        package="cqc",
        order=11,
        verdicts="ratings",
        scale=RATING_SCALE,
        charts=("quality_statements",),
        setup="monitor.sources.cqc.init:ratings_check",
    ),
    Profile(
        kind="cqc_peers",
        adapter="monitor.sources.cqc.peers_source:CqcPeersSource",
        label="CQC",
        in_sentence="the CQC",
        package="cqc",
        order=12,
        context_for="cqc",
        setup="monitor.sources.cqc.init:national_context",
    ),
)
