"""Where a council's Ombudsman record stands: the share of complaints the Ombudsman upheld
after investigating them, for the council, for similar councils and for its statistical
neighbours, from the Ombudsman's yearly statistics of complaints decided (pure parsing; the
file is fetched by peers_source.py).

The file follows the Ombudsman's "Complaints and enquiries decided" CSV of its annual review
of local government complaints (`/assets/attach/<n>/2-Complaints-Decided-25-26.csv`, linked
from the annual review reports page; ../shared/fixtures/lgsco/evidence-2026/REPORT.md 1c):
title rows above the header, then one row per organisation with a count of decisions for
each outcome. The upheld rate is upheld / (upheld + not upheld), the complaints investigated
in detail, as the Ombudsman's annual letters state it ("NN% of complaints we investigated
were upheld"); "similar councils" are councils of the same type, as the Ombudsman's averages
are (County Councils, District Councils, Metropolitan Boroughs, Unitary Councils and London
Boroughs: Manual for Councils, Part 11). The column headings beyond "Upheld" and "Not
upheld" are inferred; a file without those two and an organisation column is broken.
"""

from __future__ import annotations

import re
from typing import Any

from monitor.registry import Council
from monitor.sources.peer_tables import Table, TableError, council_of_row, percent

COLUMNS = {
    "name": r"organisation( name)?|authority( name)?|council( name)?|local authority",
    "type": r"organisation type|authority type|type",
    "upheld": r"upheld",
    "not_upheld": r"not upheld",
}
REQUIRED = ("name", "upheld", "not_upheld")
#: the registry's council types -> the Ombudsman's group of similar councils
SIMILAR = {
    "county": "county councils",
    "district": "district councils",
    "metropolitan borough": "metropolitan boroughs",
    "unitary": "unitary councils",
    "London borough": "London boroughs",
    "City of London": "London boroughs",
}
_YEAR = re.compile(r"\b(20\d\d)\s*[-/\u2013]\s*(?:20)?(\d\d)\b")


def year_of(table: Table, file_name: str) -> str | None:
    """"2024-25", from the title rows or the file's name."""
    for text in [*table.preamble, file_name.replace("_", " ")]:
        if match := _YEAR.search(text):
            return f"{match.group(1)}-{match.group(2)}"
    return None


def _count(value: str, number: int, column: str) -> int:
    text = value.replace(",", "").strip()
    if not text or text in ("-", "0"):
        return 0
    if not text.isdigit():
        raise TableError(f"row {number}: {column} is {value!r}, not a count")
    return int(text)


def _group(rows: list[tuple[Council, str, int, int]]) -> dict[str, Any]:
    upheld = sum(r[2] for r in rows)
    investigated = sum(r[2] + r[3] for r in rows)
    return {"councils": len(rows), "upheld": upheld, "investigated": investigated, "rate": percent(upheld, investigated)}


def summarise(table: Table, council: Council, release: str, year: str | None, url: str) -> dict[str, Any]:
    """The picture: the council's upheld rate, similar councils' and its neighbours'."""
    figures: dict[str, tuple[Council, str, int, int]] = {}
    for number, row in enumerate(table.rows, start=table.header_row + 2):
        found = council_of_row(row["name"])
        if found is None:
            continue  # a body other than a council (a care provider, a fire authority)
        upheld = _count(row["upheld"], number, "Upheld")
        not_upheld = _count(row["not_upheld"], number, "Not upheld")
        kind = " ".join(row.get("type", "").split()).casefold() or SIMILAR[found.type]
        figures[found.code] = (found, kind, upheld, not_upheld)
    if not figures:
        raise TableError("no council of the registry is named in the file")
    own = figures.get(council.code)
    if own is None:
        raise TableError(f"the file does not name {council.official_name} (it names {len(figures)} councils)")
    _, kind, upheld, not_upheld = own
    similar = [f for f in figures.values() if f[1] == kind]
    neighbours = council.neighbours()
    if neighbours:
        peers = [figures[n.code] for n in neighbours if n.code in figures]
        peers_label = f"{council.name}'s {len(neighbours)} statistical neighbours"
        of = len(neighbours)
    else:
        # districts have no statistical neighbours: councils of the same type in the region
        peers = [f for f in similar if f[0].region == council.region and f[0].code != council.code]
        peers_label = f"{SIMILAR[council.type]} in {council.region}"
        of = len(peers)
    return {
        "publisher": "lgsco",
        "release": release,
        "url": url,
        "field": "decision",
        "year": year,
        "council": council.name,
        "code": council.code,
        "upheld": upheld,
        "investigated": upheld + not_upheld,
        "rate": percent(upheld, upheld + not_upheld),
        "councils": len(figures),
        "similar": {"label": SIMILAR[council.type], **_group(similar)},
        "peers": {"label": peers_label, "of": of, **_group(peers)},
    }


def _rate(value: Any) -> str:
    return f"{value:.0f}%" if isinstance(value, int | float) else "no figure"


def context_sentence(context: dict[str, Any]) -> str:
    """"In 2024-25 the Ombudsman upheld 77% of the 22 complaints about Harrow it investigated;
    across London boroughs it upheld 71%, and across Harrow's 10 statistical neighbours 68%
    (the Ombudsman's statistics of complaints decided, 2024-25).\""""
    council = context.get("council") or "the council"
    year = f"In {context['year']} the" if context.get("year") else "The"
    investigated = context.get("investigated") or 0
    if investigated:
        text = (
            f"{year} Ombudsman upheld {_rate(context.get('rate'))} of the {investigated} "
            f"complaint{'s' if investigated != 1 else ''} about {council} it investigated"
        )
    else:
        text = f"{year} Ombudsman investigated no complaint about {council} in detail"
    similar = context.get("similar") or {}
    peers = context.get("peers") or {}
    if similar.get("investigated"):
        text += f"; across {similar.get('label')} it upheld {_rate(similar.get('rate'))}"
    if peers.get("investigated"):
        some = peers.get("councils") != peers.get("of")
        label = f"{peers.get('councils')} of {peers.get('label')} with figures" if some else peers.get("label")
        text += f", and across {label} {_rate(peers.get('rate'))}"
    return f"{text} ({context.get('release') or 'the Ombudsman statistics'})."
