"""How urgent an Ombudsman decision is, by the category the Ombudsman files it under.

A council has dozens of decisions a year across every category (housing, planning, council
tax, parking...). The watchdog group wants children's and adult care at once and the rest in
the digest, but another group may care most about housing: so the severity is a per-category
setting (`category_severity`), keyed by the Ombudsman's category name or its URL slug, or by
"Category > Subcategory" for one subcategory ("Housing > Homelessness": urgent). A public
report (the Ombudsman's most serious finding, s31 of the 1974 Act) can be raised above its
category with `public_report_severity`. A category in none of these gets no severity of its
own, so the source's `severity` applies.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Literal

Severity = Literal["urgent", "normal", "info"]
_RANK = {"info": 0, "normal": 1, "urgent": 2}

#: the defaults: the categories that hold the council's care of children and adults
DEFAULT_CATEGORY_SEVERITY: dict[str, Severity] = {
    "Children's care services": "urgent",
    "Adult care services": "urgent",
}


def slug(text: str) -> str:
    """The Ombudsman site's slug of a name: lower case, runs of anything else as one hyphen."""
    return re.sub(r"[^a-z0-9]+", "-", text.casefold().replace("’", "'")).strip("-")


def _key(name: str) -> str:
    """A category_severity key reduced for matching: "Housing > Homelessness" -> "housing>homelessness"."""
    category, sep, subcategory = name.partition(">")
    return slug(category) + (">" + slug(subcategory) if sep else "")


def merged(configured: Mapping[str, Severity] | None) -> dict[str, Severity]:
    """The defaults overlaid with the configured mapping (a configured category wins, so
    "Children's care services: normal" lowers a default)."""
    result = {_key(k): v for k, v in DEFAULT_CATEGORY_SEVERITY.items()}
    for name, severity in (configured or {}).items():
        result[_key(name)] = severity
    return result


def severity_for(
    meta: Mapping[str, Any], kind: str, table: Mapping[str, Severity], public_report: Severity | None
) -> Severity | None:
    """The severity of one decision: its subcategory's entry, else its category's, raised to
    `public_report` for a public report; None when nothing applies (the source's own severity)."""
    categories = {slug(str(meta.get(k) or "")) for k in ("category", "category_slug")} - {""}
    subcategories = {slug(str(meta.get(k) or "")) for k in ("subcategory", "subcategory_slug")} - {""}
    found: Severity | None = None
    for category in categories:
        for subcategory in subcategories:
            found = found or table.get(f"{category}>{subcategory}")
    for category in categories:
        found = found or table.get(category)
    if kind == "public report" and public_report is not None:
        if found is None or _RANK[public_report] > _RANK[found]:
            found = public_report
    return found
