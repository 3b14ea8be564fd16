"""The council registry: rebuilt offline from its committed extracts it is the committed file
byte for byte; the file names its sources and licences; every council has what the rest of
the monitor relies on."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from monitor.registry import about, by_code, councils
from monitor.registry.build import OUTPUT, build, render

ROOT = Path(__file__).resolve().parents[2]


def test_the_build_gives_the_committed_file_byte_for_byte(tmp_path):
    assert render(build()) == OUTPUT.read_text(encoding="utf-8")
    # and the command itself, as a person runs it, offline, into another file
    out = tmp_path / "councils.json"
    done = subprocess.run(
        [sys.executable, "-m", "monitor.registry.build", "--out", str(out)], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert out.read_bytes() == OUTPUT.read_bytes()
    check = subprocess.run([sys.executable, "-m", "monitor.registry.build", "--check"], cwd=ROOT, capture_output=True, text=True)
    assert check.returncode == 0 and "up to date" in check.stdout


def test_the_check_fails_on_a_file_that_differs(tmp_path):
    stale = tmp_path / "councils.json"
    stale.write_text(OUTPUT.read_text(encoding="utf-8").replace('"Harrow"', '"Harow"', 1), encoding="utf-8")
    check = subprocess.run(
        [sys.executable, "-m", "monitor.registry.build", "--check", "--out", str(stale)], cwd=ROOT, capture_output=True, text=True
    )
    assert check.returncode == 1 and "differs" in check.stdout


def test_the_file_names_its_sources_and_licences():
    header = about()
    repositories = {s["repository"]: s for s in header["sources"]}
    mysociety = repositories["https://github.com/mysociety/uk_local_authority_names_and_codes"]
    assert mysociety["licence"].startswith("CC-BY-4.0")
    assert repositories["https://github.com/data-to-insight/ofsted-ilacs-scrape-tool"]["licence"].startswith("MIT")
    assert repositories["https://github.com/DemocracyClub/LGSF"]["licence"].startswith("MIT")
    for source in header["sources"]:
        if source["publisher"] != "report-monitor":
            assert len(source["commit"]) == 40, source
        for extract in source["extracts"]:
            assert (ROOT / "monitor" / "registry" / "inputs" / extract).is_file(), extract
    assert "CC-BY-4.0" in header["attribution"] and "mySociety" in header["attribution"]
    readme = (ROOT / "monitor" / "registry" / "inputs" / "README.md").read_text(encoding="utf-8")
    for source in header["sources"]:
        if source["publisher"] != "report-monitor":
            assert source["repository"] in readme and source["commit"] in readme, source["name"]


def test_every_english_council_and_the_153_with_social_care():
    every = councils()
    assert about()["counts"] == {"councils": 317, "social_care": 153, "housing": 296}
    assert len(every) == 317 and len({c.code for c in every}) == 317 and len({c.slug for c in every}) == 317
    assert {c.type for c in every} == {"county", "district", "metropolitan borough", "unitary", "London borough", "City of London"}
    for council in every:
        assert council.gss.startswith("E") and len(council.gss) == 9, council
        assert council.region and council.official_name and council.name
        assert council.identifier("ombudsman_name")
        if council.social_care:
            assert council.dfe and council.dfe.isdigit(), council
            assert isinstance(council.identifier("ofsted_urn"), int), council
            assert len(council.statistical_neighbours) == 10, council
            assert all(by_code(n).social_care for n in council.statistical_neighbours)
        else:
            assert council.type == "district" and council.dfe is None and not council.statistical_neighbours
            assert council.identifier("ofsted_urn") is None


def test_harrow_as_the_registry_holds_it():
    harrow = by_code("HRW")
    assert harrow.codes == {"gss": "E09000015", "dfe": "310", "code": "HRW"}
    assert (harrow.name, harrow.official_name, harrow.type, harrow.region) == (
        "Harrow", "London Borough of Harrow", "London borough", "London")
    assert harrow.identifier("ofsted_urn") == 80499
    assert harrow.identifier("committee_system") == "ModernGov"
    assert harrow.identifier("committee_url") == "https://moderngov.harrow.gov.uk"
    assert harrow.identifier("rsh_code") == "00AQ"
    assert [n.name for n in harrow.neighbours()][:3] == ["Redbridge", "Hillingdon", "Barnet"]
    # a spelling seen in a decision wins over the official name, and says so
    wirral = by_code("WRL")
    assert wirral.official_name == "Wirral Borough Council"
    assert wirral.identifier("ombudsman_name") == "Wirral Metropolitan Borough Council"
    assert wirral.identifier("ombudsman_name_seen") is True and "22 010 680" in wirral.evidence["ombudsman_name"]
    assert by_code("KEN").identifier("ombudsman_name_seen") is False
    # the RSH code is absent where it was not seen, never guessed
    assert "rsh_code" not in by_code("KEN").identifiers


def test_the_data_file_is_valid_json_with_a_final_newline():
    text = OUTPUT.read_text(encoding="utf-8")
    assert text.endswith("}\n")
    assert json.loads(text)["registry"].startswith("Every English council")
