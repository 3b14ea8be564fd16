"""Where a council's adult social care rating stands: every council's CQC local authority
assessment rating, nationally and among the council's statistical neighbours (pure parsing;
the file is fetched by peers_source.py).

The data file follows the shape of CQC's own bulk files (evidence-2026/downloads/
bulk_files_structure.md: a few title lines such as "This data was produced on 19 August
2026", then one header row, dates as dd/mm/yyyy, ratings in CQC's words), with one row per
assessed council: its name, its ONS (GSS) code where given, and its overall rating. That such
a file is published, and its column headings, are inferred (docs/publishers/cqc.md); a file
without the columns is broken, never an empty picture.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from monitor.registry import Council
from monitor.registry.names import normalise
from monitor.sources.cqc.vocabulary import NOT_A_RATING, normalise_rating
from monitor.sources.peer_tables import Table, TableError, council_of_row

RATINGS = ("outstanding", "good", "requires improvement", "inadequate")
COLUMNS = {
    "name": r"local authority( name)?|council( name)?|authority( name)?",
    "gss": r"(ons|gss|la)( area)? code|local authority code",
    "rating": r"overall( rating)?|latest overall rating|rating",
    "published": r"publication date|date published|published",
}
REQUIRED = ("name", "rating")
_PRODUCED = re.compile(r"produced on (\d{1,2} \w+ \d{4})", re.I)


def release_of(table: Table, fallback: str) -> str:
    """"CQC local authority assessments, data produced on 4 August 2026", from the file's title lines."""
    for line in table.preamble:
        if match := _PRODUCED.search(line):
            return f"CQC local authority assessments, data produced on {match.group(1)}"
    return f"CQC local authority assessments, {fallback}"


def summarise(table: Table, council: Council, release: str, url: str) -> dict[str, Any]:
    """The picture: how many councils hold each rating, the council's own, its neighbours'.

    Every row counts nationally; the registry is needed only to find the council and its
    neighbours, so a row it cannot place is counted and listed under "unmatched"."""
    ratings: dict[str, str | None] = {}
    unmatched: list[str] = []
    for number, row in enumerate(table.rows, start=table.header_row + 2):
        value = " ".join(row["rating"].split())
        rating = normalise_rating(value)
        if rating is None and value and value.casefold() not in NOT_A_RATING:
            raise TableError(f"row {number}: {row['name']!r} has the rating {value!r}, which is none of CQC's four")
        found = council_of_row(row["name"], row.get("gss", ""))
        if found is None:
            unmatched.append(row["name"])
        ratings[found.code if found else f"?{normalise(row['name'])}"] = rating
    rated = {code: r for code, r in ratings.items() if r}
    if not rated:
        raise TableError("no council in the file has an overall rating")
    counts = Counter(rated.values())
    neighbours = [
        {"council": n.name, "code": n.code, "grade": ratings.get(n.code)} for n in council.neighbours()
    ]
    return {
        "publisher": "cqc",
        # only the council's own assessment is put in this context, not a care home's rating
        "about": {"kind": "local authority assessment"},
        "release": release,
        "url": url,
        "field": "overall",
        "council": council.name,
        "code": council.code,
        "grade": ratings.get(council.code),
        "councils": len(ratings),
        "graded": len(rated),
        "counts": {r: counts.get(r, 0) for r in RATINGS},
        "neighbours": neighbours,
        "unmatched": sorted(unmatched),
    }


def _listing(counts: Counter[str]) -> str:
    parts = [f"{counts[r]} {r}" for r in RATINGS if counts.get(r)]
    return ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "") + parts[-1] if parts else "none rated"


def context_sentence(context: dict[str, Any]) -> str:
    """"Nationally, 41 of 150 councils assessed by the CQC are rated requires improvement; of
    Harrow's 10 statistical neighbours, 8 have been rated: 5 good and 3 requires improvement
    (CQC local authority assessments, data produced on 4 August 2026).\""""
    council = context.get("council") or "the council"
    grade = context.get("grade")
    counts = context.get("counts") or {}
    total = context.get("graded") or 0
    release = context.get("release") or "the CQC's ratings"
    if grade:
        text = f"Nationally, {counts.get(grade, 0)} of {total} councils assessed by the CQC are rated {grade}"
    else:
        text = f"{council} has no CQC rating yet; nationally, of {total} councils rated, {_listing(Counter(counts))}"
    neighbours = context.get("neighbours") or []
    rated = Counter(n["grade"] for n in neighbours if n.get("grade"))
    if neighbours:
        if rated:
            text += (
                f"; of {council}'s {len(neighbours)} statistical neighbours, {sum(rated.values())} "
                f"{'has' if sum(rated.values()) == 1 else 'have'} been rated: {_listing(rated)}"
            )
        else:
            text += f"; none of {council}'s {len(neighbours)} statistical neighbours has been rated yet"
    return f"{text} ({release})."
