"""Take the input extracts the registry is built from out of the public datasets' repositories.

Run once, by a person, when a dataset is updated:

    python -m monitor.registry.extract \\
        --mysociety <git dir of mysociety/uk_local_authority_names_and_codes> \\
        --lgsf <git dir of DemocracyClub/LGSF> \\
        --d2i <git dir of data-to-insight/ofsted-ilacs-scrape-tool>

Each argument is a git directory (a clone's `.git`, or a bare mirror); files are read with
`git show HEAD:<path>`, so the commit read is the one recorded. Only data is taken, and only
the columns the registry uses, into monitor/registry/inputs/ with `sources.json` naming each
repository, path, commit and licence. `python -m monitor.registry.build` then makes the
registry from those extracts, offline.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import subprocess
import sys
from pathlib import Path

INPUTS = Path(__file__).parent / "inputs"

MYSOCIETY_CSV = "data/packages/uk_la_future/uk_local_authorities_future.csv"
MYSOCIETY_NAMES = "data/packages/uk_la_future/lookup_name_to_registry.csv"
D2I_LOOKUP = "import_data/la_lookup/Provider_data_lookup.csv"

#: mySociety's authority types that are councils (not combined or strategic authorities)
COUNCIL_TYPES = {"NMD", "UA", "MD", "LBO", "CTY", "CC"}


def _git(git_dir: Path, *args: str) -> str:
    result = subprocess.run(["git", f"--git-dir={git_dir}", *args], capture_output=True, check=True)
    return result.stdout.decode("utf-8-sig")


def _commit(git_dir: Path) -> tuple[str, str]:
    """(commit id, commit date) of HEAD."""
    line = _git(git_dir, "log", "-1", "--format=%H %cs").strip()
    commit, _, day = line.partition(" ")
    return commit, day


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def _write_csv(name: str, header: list[str], rows: list[list[str]]) -> None:
    with (INPUTS / name).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def extract_mysociety(git_dir: Path) -> tuple[set[str], dict]:
    """The spine: current English councils, and every name variant mySociety knows for them."""
    rows = [
        r
        for r in _rows(_git(git_dir, "show", f"HEAD:{MYSOCIETY_CSV}"))
        if r["nation"] == "England" and r["current-authority"] == "True" and r["local-authority-type"] in COUNCIL_TYPES
    ]
    rows.sort(key=lambda r: r["local-authority-code"])
    header = ["local-authority-code", "official-name", "nice-name", "gss-code", "region", "local-authority-type",
              "powers", "old-ons-la-code"]
    _write_csv("mysociety_councils.csv", header, [[r[h] for h in header] for r in rows])
    codes = {r["local-authority-code"] for r in rows}
    names = [r for r in _rows(_git(git_dir, "show", f"HEAD:{MYSOCIETY_NAMES}")) if r["local-authority-code"] in codes]
    names.sort(key=lambda r: (r["local-authority-code"], r["la-name"]))
    _write_csv("mysociety_name_variants.csv", ["la-name", "local-authority-code"],
               [[r["la-name"], r["local-authority-code"]] for r in names])
    commit, day = _commit(git_dir)
    source = {
        "name": "UK local authority names and codes",
        "publisher": "mySociety",
        "repository": "https://github.com/mysociety/uk_local_authority_names_and_codes",
        "commit": commit,
        "commit_date": day,
        "paths": [MYSOCIETY_CSV, MYSOCIETY_NAMES],
        "licence": "CC-BY-4.0 (data; https://creativecommons.org/licenses/by/4.0/)",
        "extracts": ["mysociety_councils.csv", "mysociety_name_variants.csv"],
        "used_for": "the councils themselves: three-letter code, GSS code, official and short names, name "
        "variants, type, region, which councils have social care (upper tier or unitary) "
        "and housing (lower tier or unitary) powers",
    }
    return codes, source


def extract_d2i(git_dir: Path) -> dict:
    """Ofsted URNs, DfE LA codes and statistical neighbours of the councils with children's services."""
    rows = _rows(_git(git_dir, "show", f"HEAD:{D2I_LOOKUP}"))
    header = ["urn", "la_code", "la_code_new", "stat_neighbours", "local_authority_ons_name", "also_known_as", "domain"]
    out = sorted(([r[h].strip() for h in header] for r in rows), key=lambda r: (r[2], r[1], r[0]))
    _write_csv("d2i_provider_lookup.csv", header, out)
    commit, day = _commit(git_dir)
    return {
        "name": "Provider data lookup (Ofsted ILACS scrape tool)",
        "publisher": "Data to Insight",
        "repository": "https://github.com/data-to-insight/ofsted-ilacs-scrape-tool",
        "commit": commit,
        "commit_date": day,
        "paths": [D2I_LOOKUP],
        "licence": "MIT (the repository's LICENSE)",
        "extracts": ["d2i_provider_lookup.csv"],
        "used_for": "Ofsted URNs of councils' children's services, DfE local authority codes and the DfE's "
        "statistical neighbours (ten per council), council web domains",
    }


def extract_lgsf(git_dir: Path, codes: set[str]) -> dict:
    """Each council's committee-system address and the system it runs (ModernGov, CMIS, ...)."""
    paths = [p for p in _git(git_dir, "ls-tree", "-r", "--name-only", "HEAD", "scrapers/").split() if p.endswith("/metadata.json")]
    rows = []
    for path in sorted(paths):
        data = json.loads(_git(git_dir, "show", f"HEAD:{path}"))
        election = data.get("everyelectiion_data") or data.get("everyelection_data") or {}
        code = election.get("official_identifier") or path.split("/")[1].split("-")[0]
        if code not in codes:
            continue
        service = (data.get("services") or {}).get("councillors") or {}
        rows.append([code, path.split("/")[1], service.get("cms_type") or "", (service.get("base_url") or "").strip()])
    _write_csv("lgsf_committee_systems.csv", ["code", "scraper", "cms_type", "base_url"], rows)
    commit, day = _commit(git_dir)
    return {
        "name": "Local Government Scraper Framework, scrapers/*/metadata.json",
        "publisher": "Democracy Club",
        "repository": "https://github.com/DemocracyClub/LGSF",
        "commit": commit,
        "commit_date": day,
        "paths": ["scrapers/*/metadata.json"],
        "licence": "MIT (the repository's LICENSE)",
        "extracts": ["lgsf_committee_systems.csv"],
        "used_for": "the address of each council's committee system and which system it is (ModernGov, CMIS "
        "or another), as Democracy Club's councillor scrapers record it",
    }


def main(argv: list[str] | None = None) -> int:
    """Write the extracts and sources.json; 0 on success."""
    parser = argparse.ArgumentParser(prog="python -m monitor.registry.extract", description=__doc__.split("\n\n")[0])
    parser.add_argument("--mysociety", type=Path, required=True, help="git dir of mysociety/uk_local_authority_names_and_codes")
    parser.add_argument("--lgsf", type=Path, required=True, help="git dir of DemocracyClub/LGSF")
    parser.add_argument("--d2i", type=Path, required=True, help="git dir of data-to-insight/ofsted-ilacs-scrape-tool")
    args = parser.parse_args(argv)
    INPUTS.mkdir(exist_ok=True)
    codes, mysociety = extract_mysociety(args.mysociety)
    sources = [mysociety, extract_d2i(args.d2i), extract_lgsf(args.lgsf, codes)]
    research = json.loads((INPUTS / "sources.json").read_text(encoding="utf-8")) if (INPUTS / "sources.json").exists() else []
    # the project's own research is written by hand, not extracted: keep its entry
    sources += [s for s in research if s.get("publisher") == "report-monitor"]
    (INPUTS / "sources.json").write_text(json.dumps(sources, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {len(codes)} councils' extracts to {INPUTS}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
