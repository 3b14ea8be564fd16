"""What the rest of the monitor knows of ModernGov: the council's own committee papers, its answers."""

from __future__ import annotations

from monitor.profile import Profile

PROFILES = (
    Profile(
        kind="moderngov",
        adapter="monitor.sources.moderngov.source:ModernGovSource",
        label="Council committees",
        package="moderngov",
        order=30,
        role="answer",
        registry_keys=("committee_system", "committee_url", "committees"),
        setup="monitor.sources.moderngov.init:committees",
    ),
)
