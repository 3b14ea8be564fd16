"""What `monitor init` writes for GOV.UK: the DfE's improvement notices and directions about
the council (councils with children's services), and the Regulator of Social Housing's
notices and judgements about it as a landlord (housing authorities).

It needs the council's names; a notice known to exist (`improvement_notice_year`,
`rsh_notice_date`, seen for Harrow) makes the source expect it, so a search that stops finding
it is reported broken rather than passing as "nothing new". Nothing is left to discover.
"""

from __future__ import annotations

import re
from datetime import date

from monitor.sources.init_blocks import InitContext, SourceBlock, landlord_names

#: read back to here when no notice is known (a first pass records what is already there)
DEFAULT_SINCE = date(2024, 1, 1)


def _words(name: str) -> str:
    """A name as a regular expression: its words, any white space between them, lower case."""
    return r"\s+".join(re.escape(word) for word in name.casefold().split())


def improvement_notices(ctx: InitContext) -> list[SourceBlock]:
    """DfE improvement notices, their reviews, statutory directions, commissioners' reports."""
    c = ctx.council
    if not c.social_care:
        return []
    year = c.identifier("improvement_notice_year")
    keys = {
        "name": ctx.name("govuk", "{council}", "improvement-notices"),
        "kind": "govuk",
        "council": c.code,
        "schedule": "35 7 * * *",
        "severity": "urgent",
        "query": c.name,
        "organisation": "department-for-education",
        "document_type": "decision",
        "title_pattern": rf"(?i)^(?=.*\b{_words(c.name)}\b).*\b(?:improvement\s+notice|direction|commissioner)s?\b",
        "since": date(int(year), 1, 1) if year else DEFAULT_SINCE,
        "max_results": 1000,
    }
    if year:
        keys["expect_matches"] = 1
        known = (
            f"A notice of {year} is known: {c.evidence.get('improvement_notice_year', 'docs/REGISTRY.md')}. "
            "`expect_matches: 1` makes a pass that does not find it fail as broken, never pass as \"nothing new\"."
        )
    else:
        known = "No notice about the council is known to the registry."
    return [
        SourceBlock(
            keys,
            f"DfE improvement notices, their reviews and statutory directions about {c.name} on GOV.UK (Search "
            f"API + Content API). The title must name {c.name} and say \"improvement notice\", \"direction\" or "
            "\"commissioner\"; each attachment (a review letter, the letter lifting a notice) is a document of "
            f"its own. {known}",
        )
    ]


def social_housing_regulator(ctx: InitContext) -> list[SourceBlock]:
    """The Regulator of Social Housing's notices and judgements naming the council."""
    c = ctx.council
    if not c.housing:
        return []
    names = landlord_names(c)
    notice = c.identifier("rsh_notice_date")
    keys = {
        "name": ctx.name("govuk", "{council}", "social-housing-regulator"),
        "kind": "govuk",
        "council": c.code,
        "schedule": "40 7 * * *",
        "severity": "urgent",
        "query": c.name,
        "organisation": "regulator-of-social-housing",
        "document_type": "decision",
        "title_pattern": "(?i)" + "|".join(rf"\b{_words(name)}\b" for name in names),
        "since": date(int(str(notice)[:4]), 1, 1) if notice else date(2023, 1, 1),
        "max_results": 500,
    }
    code = c.identifier("rsh_code")
    registered = f" (registration {code})" if code else " (its registration code is not known to the registry)"
    if notice:
        keys["expect_matches"] = 1
        known = f"A notice of {notice} is known, and expected."
    else:
        known = f"No notice is known; if {c.name} owns no council homes, the regulator has nothing to say about it."
    return [
        SourceBlock(
            keys,
            f"The Regulator of Social Housing's regulatory notices and judgements about {c.name} as a social "
            f"landlord{registered}. The regulator keeps one publication per provider and adds each notice or "
            f"judgement to it, each a document here. The title must name the council as the landlord "
            f"({' or '.join(names)}), so housing associations of the same place are left out. {known}",
        )
    ]


def sources(ctx: InitContext) -> list[SourceBlock]:
    """Both GOV.UK sources that apply to the council, notices first."""
    return improvement_notices(ctx) + social_housing_regulator(ctx)
