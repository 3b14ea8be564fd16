"""What the rest of the monitor knows of the Housing Ombudsman: its label, its findings from
best to worst for the landlord, case references, headlines."""

from __future__ import annotations

from monitor.profile import Profile

#: findings, best for the landlord (the council) first; a decision's worst one is its decision
FINDING_SCALE = (
    ("no maladministration", "outside jurisdiction", "outside of jurisdiction", "reasonable redress"),
    ("service failure",),
    ("maladministration",),
    ("severe maladministration",),
)

PROFILES = (
    Profile(
        kind="housing_ombudsman",
        adapter="monitor.sources.housing_ombudsman.source:HousingOmbudsmanSource",
        label="Housing Ombudsman",
        in_sentence="the Housing Ombudsman",
        package="housing_ombudsman",
        order=25,
        role="finding",
        verdicts="decision",
        scale=FINDING_SCALE,
        provider_keys=("reference",),
        cited_by_reference=True,
        answer_expected_from=2,
        headline="monitor.sources.housing_ombudsman.headline:headline",
        registry_keys=("landlord_names",),
        setup="monitor.sources.housing_ombudsman.init:decisions",
    ),
)
