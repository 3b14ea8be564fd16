"""`monitor councils`: the council registry, or the councils whose names contain a text."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from monitor.cli.common import EXIT_OK, print_json, table

#: councils shown in full (identifiers at each publisher) when a search finds at most this many
DETAILS_UP_TO = 3


def identifiers_by_publisher(council) -> dict[str, dict[str, Any]]:  # type: ignore[no-untyped-def]
    """{publisher label: {identifier: value}}: what each publisher's profile says it uses of
    the registry, for the identifiers the registry has."""
    from monitor.sources import PROFILES

    out: dict[str, dict[str, Any]] = {}
    for profile in sorted(PROFILES.values(), key=lambda p: (p.order, p.kind)):
        for key in profile.registry_keys:
            if key in council.identifiers:
                out.setdefault(profile.label, {})[key] = council.identifiers[key]
    return out


def council_json(council) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """The public shape of a council (`monitor councils --json`)."""
    return {
        "name": council.name,
        "official_name": council.official_name,
        "codes": council.codes,
        "type": council.type,
        "region": council.region,
        "social_care": council.social_care,
        "housing": council.housing,
        "statistical_neighbours": list(council.statistical_neighbours),
        "identifiers": identifiers_by_publisher(council),
    }


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(f"{v['title']} ({v['id']})" if isinstance(v, dict) else str(v) for v in value)
    if isinstance(value, dict):
        return str(value.get("url") or value)
    return str(value)


def details(council) -> list[str]:  # type: ignore[no-untyped-def]
    """A council in plain lines: codes, powers, neighbours, and what each publisher knows it by."""
    from monitor.registry import about
    from monitor.sources import PROFILES

    fields = about().get("fields", {})
    lines = [council.describe()]
    lines.append(
        f"  children's and adult social care: {'yes' if council.social_care else 'no'}; "
        f"housing: {'yes' if council.housing else 'no'}"
    )
    if council.statistical_neighbours:
        lines.append("  statistical neighbours: " + ", ".join(n.name for n in council.neighbours()))
    shown: set[str] = set()
    for profile in sorted(PROFILES.values(), key=lambda p: (p.order, p.kind)):
        keys = [k for k in profile.registry_keys if k not in shown]
        if not keys:
            continue
        shown.update(keys)
        parts = [
            f"{fields.get(k, k)}: {_value(council.identifiers[k]) if k in council.identifiers else 'not known'}"
            for k in keys
        ]
        lines.append(f"  {profile.label}: " + "; ".join(parts))
    return lines


def cmd_councils(args: argparse.Namespace) -> int:
    """List the registry (or the councils matching --search), as a table or JSON."""
    from monitor.registry import about, closest, councils, search

    found = search(args.search) if args.search else list(councils())
    if args.json:
        print_json([council_json(c) for c in found])
        return EXIT_OK
    if not found:
        print(f"No council's name or code contains {args.search!r}.")
        near = closest(args.search)
        if near:
            print("The closest: " + "; ".join(f"{c.official_name} ({c.code})" for c in near))
        return EXIT_OK
    rows = [
        [c.code, c.gss, c.dfe or "", c.official_name, c.type, c.region, "yes" if c.social_care else "no"]
        for c in found
    ]
    print(table(rows, ["code", "GSS", "DfE", "council", "type", "region", "social care"]))
    if args.search and len(found) <= DETAILS_UP_TO:
        for council in found:
            print()
            print("\n".join(details(council)))
    counts = about()["counts"]
    print(
        f"\n{len(found)} of {counts['councils']} councils in England ({counts['social_care']} with children's and "
        "adult social care). Sources and licences: docs/REGISTRY.md."
    )
    return EXIT_OK


def register(add: Callable[..., argparse.ArgumentParser]) -> None:
    """Add `councils` to the parser."""
    p = add("councils", cmd_councils, "List the councils of England the monitor knows, with their codes and identifiers.")
    p.add_argument("--search", metavar="TEXT", help="only councils whose name, code or region contains TEXT")
    p.add_argument("--json", action="store_true", help="each council with its codes and its identifiers at each publisher")
