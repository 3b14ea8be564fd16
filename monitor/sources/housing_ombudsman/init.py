"""What `monitor init` writes for the Housing Ombudsman: its decisions about the council as a
social landlord, for housing authorities (districts and unitaries; a county owns no council
homes). It needs the landlord's names as the Ombudsman writes them (`landlord_names`, seen for
a few councils; otherwise the official name and "<name> Council")."""

from __future__ import annotations

from monitor.sources.init_blocks import InitContext, SourceBlock, landlord_names


def decisions(ctx: InitContext) -> list[SourceBlock]:
    """The Housing Ombudsman's decisions naming the council as landlord."""
    c = ctx.council
    if not c.housing:
        return []
    keys = {
        "name": ctx.name("housing-ombudsman", "{council}"),
        "kind": "housing_ombudsman",
        "council": c.code,
        "schedule": "45 7 * * *",
        "landlords": landlord_names(c),
        "max_pages": 3,
    }
    if c.identifier("landlord_names"):
        why = f"The landlord's names were seen: {c.evidence.get('landlord_names', 'docs/REGISTRY.md')}."
    else:
        # the registry's sources do not say which councils still own council homes
        keys["allow_empty"] = True
        why = (
            f"The names are the council's official name and \"{c.name} Council\" (not seen in a decision). "
            f"Whether {c.name} still owns council homes is not in the registry: a council that transferred its "
            "homes has no decisions, so an empty search is allowed here; if it is a landlord, remove "
            "`allow_empty` so that an empty answer is reported."
        )
    return [
        SourceBlock(
            keys,
            f"The Housing Ombudsman's decisions about {c.name} as a social landlord (a body apart from the "
            f"Ombudsman above). {why} The keyword search that narrows the listing is inferred: a listing of "
            "mostly other landlords is reported broken.",
        )
    ]
