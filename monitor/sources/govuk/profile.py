"""What the rest of the monitor knows of GOV.UK publications: improvement notices, directions,
the Regulator of Social Housing's notices and judgements, and their headlines."""

from __future__ import annotations

from monitor.profile import Profile

TOPICS = {
    "improvement-notice": r"\bimprovement notice\b",
    "direction": r"\b(?:statutory|secretary of state'?s?) direction\b|\bdirection (?:was )?issued\b",
    "rsh": r"\bRegulator of Social Housing\b|\bregulatory (?:notice|judge?ment)\b|\bRSH\b",
}


def topic_of(doc_kind: str, title: str, meta: dict) -> str | None:
    """A notice, a direction or a regulator's finding, by its title."""
    name = (title or "").casefold()
    if "improvement notice" in name:
        return "improvement-notice"
    if "direction" in name:
        return "direction"
    if "regulat" in name or "social housing" in name:
        return "rsh"
    return None


PROFILES = (
    Profile(
        kind="govuk",
        adapter="monitor.sources.govuk.source:GovukSource",
        label="GOV.UK",
        package="govuk",
        order=35,
        role="finding",
        topics=TOPICS,
        topic_rule="monitor.sources.govuk.profile:topic_of",
        headline="monitor.sources.govuk.headline:headline",
        registry_keys=("improvement_notice_year", "rsh_code", "rsh_notice_date"),
        setup="monitor.sources.govuk.init:sources",
    ),
)
