"""Build monitor/registry/councils.json from the input extracts in monitor/registry/inputs/.

    python -m monitor.registry.build           # write councils.json
    python -m monitor.registry.build --check   # exit 1 if councils.json is not what the inputs give

Offline and deterministic: the same extracts give the same file byte for byte (a test checks
it). The extracts are taken from the public datasets by `python -m monitor.registry.extract`;
inputs/sources.json names each one's repository, commit and licence, and they are copied
into the data file's header. mySociety's list of councils is the spine; the other datasets
are joined to it on the codes they share (GSS code, DfE LA code, three-letter code), and a
row that joins nothing is an error, never dropped in silence.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path
from typing import Any

from monitor.registry.names import normalise, slug

HERE = Path(__file__).parent
INPUTS = HERE / "inputs"
OUTPUT = HERE / "councils.json"

#: mySociety's type codes, as a person says them
TYPES = {
    "CTY": "county",
    "NMD": "district",
    "MD": "metropolitan borough",
    "UA": "unitary",
    "LBO": "London borough",
    "CC": "City of London",
}
#: rows of the Data to Insight lookup for councils that no longer exist (replaced by the
#: unitaries of 2019-2023; their children's services' URNs are history, not a current council)
RETIRED_DFE = {"836": "Poole", "909": "Cumbria", "928": "Northamptonshire"}

#: each identifier in plain words, for `monitor councils`
FIELDS = {
    "ofsted_urn": "children's services URN",
    "website": "website",
    "committee_system": "committee system",
    "committee_url": "committee system's address",
    "committees": "committees seen",
    "ombudsman_name": "the council as the Ombudsman names it",
    "ombudsman_name_seen": "that name seen in a decision",
    "landlord_names": "the council as the Housing Ombudsman names it",
    "rsh_code": "Regulator of Social Housing registration",
    "rsh_notice_date": "a regulatory notice seen, dated",
    "improvement_notice_year": "a DfE improvement notice seen, of",
    "cqc_assessment_path": "adult social care assessment's address",
    "news_page": "news page",
}

NOTES = [
    "Every council in England: mySociety's current English local authorities, less the Greater London "
    "Authority and the combined authorities (which are not councils).",
    "social_care: the council runs children's and adult social care (county, unitary, metropolitan "
    "borough, London borough, City of London); housing: it is a housing authority (district or unitary).",
    "dfe, identifiers.ofsted_urn and statistical_neighbours exist only for the councils with children's "
    "services; statistical neighbours are the DfE's ten, as Data to Insight's lookup lists them, in its order.",
    "identifiers.committee_system and committee_url: the system Democracy Club's scrapers read each "
    "council's councillors from; for ModernGov that address also serves its committee papers.",
    "identifiers.ombudsman_name: how the Ombudsman names the council in its decisions. It is the official "
    "name unless a decision was seen (ombudsman_name_seen: true, evidence in 'evidence'); the official "
    "name is an inference for the others.",
    "identifiers.rsh_code: the Regulator of Social Housing's registration, only where it was seen; these "
    "datasets do not say which councils are registered providers (own council homes), so for the others "
    "it is absent, not unknown-but-guessed.",
    "Other identifiers (committee ids, CQC assessment addresses, landlord names, news pages) were seen by "
    "this project's research and carry their evidence; `monitor init --probe` discovers the rest.",
]


def _csv(name: str) -> list[dict[str, str]]:
    with (INPUTS / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _variants(*names: str) -> list[str]:
    """Distinct normalised spellings, sorted."""
    return sorted({normalise(n) for n in names if n and normalise(n)})


def build() -> dict[str, Any]:
    """The registry as a JSON-able dict (councils sorted by code)."""
    spine = _csv("mysociety_councils.csv")
    by_gss = {row["gss-code"]: row["local-authority-code"] for row in spine}
    variants: dict[str, list[str]] = {}
    for row in _csv("mysociety_name_variants.csv"):
        variants.setdefault(row["local-authority-code"], []).append(row["la-name"])

    children: dict[str, dict[str, str]] = {}
    for row in _csv("d2i_provider_lookup.csv"):
        if row["la_code"] in RETIRED_DFE and not row["la_code_new"]:
            continue
        code = by_gss.get(row["la_code_new"])
        if code is None:
            raise ValueError(f"d2i_provider_lookup.csv: {row['local_authority_ons_name']!r} ({row['la_code_new']}) is not a current council")
        children[code] = row
    by_dfe = {row["la_code"]: code for code, row in children.items()}

    systems = {row["code"]: row for row in _csv("lgsf_committee_systems.csv")}
    research = json.loads((INPUTS / "research.json").read_text(encoding="utf-8"))["councils"]
    unknown = sorted(set(research) - {row["local-authority-code"] for row in spine})
    if unknown:
        raise ValueError(f"research.json names councils that are not in the spine: {unknown}")

    councils = []
    slugs: dict[str, str] = {}
    for row in sorted(spine, key=lambda r: r["local-authority-code"]):
        code = row["local-authority-code"]
        kind = row["local-authority-type"]
        social_care = row["powers"] in ("unitary", "upper tier")
        child = children.get(code)
        if social_care != (child is not None):
            raise ValueError(f"{code}: social care powers ({row['powers']}) disagree with the Ofsted lookup")
        dfe = child["la_code"] if child else None
        if dfe and row["old-ons-la-code"] and row["old-ons-la-code"] != dfe:
            raise ValueError(f"{code}: DfE code {dfe} in the Ofsted lookup, {row['old-ons-la-code']} in mySociety's")
        names = [row["official-name"], row["nice-name"], *variants.get(code, [])]
        if child:
            names.append(child["local_authority_ons_name"])
            names += [n.strip() for n in child["also_known_as"].strip("[]").split(",") if n.strip()]
        identifiers: dict[str, Any] = {}
        evidence: dict[str, str] = {}
        if child:
            identifiers["ofsted_urn"] = int(child["urn"])
            if child["domain"]:
                identifiers["website"] = child["domain"].lower()
        system = systems.get(code)
        if system and system["cms_type"]:
            identifiers["committee_system"] = system["cms_type"]
            if system["base_url"]:
                identifiers["committee_url"] = system["base_url"].rstrip("/")
        seen = research.get(code, {})
        identifiers["ombudsman_name"] = row["official-name"]
        identifiers["ombudsman_name_seen"] = False
        for key, fact in sorted(seen.items()):
            identifiers[key] = fact["value"]
            evidence[key] = fact["evidence"]
            if key == "ombudsman_name":
                identifiers["ombudsman_name_seen"] = True
                names.append(fact["value"])
        neighbours = []
        if child:
            for dfe_code in (c.strip() for c in child["stat_neighbours"].split(",")):
                if dfe_code and dfe_code not in by_dfe:
                    raise ValueError(f"{code}: statistical neighbour {dfe_code} is not a current council")
                if dfe_code:
                    neighbours.append(by_dfe[dfe_code])
        council_slug = slug(row["nice-name"])
        if council_slug in slugs:
            raise ValueError(f"{code} and {slugs[council_slug]} share the slug {council_slug!r}")
        slugs[council_slug] = code
        entry: dict[str, Any] = {
            "code": code,
            "gss": row["gss-code"],
            "dfe": dfe,
            "name": row["nice-name"],
            "official_name": row["official-name"],
            "slug": council_slug,
            "type": TYPES[kind],
            "region": row["region"],
            "social_care": social_care,
            "housing": row["powers"] in ("unitary", "lower tier"),
            "statistical_neighbours": neighbours,
            "identifiers": identifiers,
            "variants": _variants(*names),
        }
        if evidence:
            entry["evidence"] = evidence
        councils.append(entry)

    sources = json.loads((INPUTS / "sources.json").read_text(encoding="utf-8"))
    return {
        "registry": "Every English council and its identifiers at each publisher, for report-monitor",
        "built_by": "python -m monitor.registry.build, from the extracts in monitor/registry/inputs/",
        "sources": sources,
        "licences": sorted({s["licence"] for s in sources}),
        "attribution": "Contains data from mySociety's UK local authority names and codes (CC-BY-4.0), Data to "
        "Insight's Provider data lookup (MIT) and Democracy Club's LGSF scraper metadata (MIT).",
        "notes": NOTES,
        "fields": FIELDS,
        "counts": {
            "councils": len(councils),
            "social_care": sum(c["social_care"] for c in councils),
            "housing": sum(c["housing"] for c in councils),
        },
        "councils": councils,
    }


def render(registry: dict[str, Any]) -> str:
    """The file's text: one council per line block, stable key order, a final newline."""
    return json.dumps(registry, indent=1, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write (or with --check, compare) councils.json; 0 when it is what the inputs give."""
    parser = argparse.ArgumentParser(prog="python -m monitor.registry.build", description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only compare with the committed file")
    parser.add_argument("--out", type=Path, default=OUTPUT, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    text = render(build())
    if args.check:
        same = args.out.is_file() and args.out.read_text(encoding="utf-8") == text
        print(f"{args.out}: {'up to date' if same else 'differs from what the inputs give: run python -m monitor.registry.build'}")
        return 0 if same else 1
    args.out.write_text(text, encoding="utf-8")
    data = json.loads(text)
    print(f"wrote {args.out}: {data['counts']['councils']} councils, {data['counts']['social_care']} with social care")
    return 0


if __name__ == "__main__":
    sys.exit(main())
