"""`monitor councils`: the registry as a person or a script reads it."""

from __future__ import annotations

import json

from harness import Monitor


def test_json_entries_have_names_codes_type_region_and_identifiers_per_publisher(tmp_path):
    monitor = Monitor(tmp_path)
    code, out, err = monitor.run("councils", "--json", "--search", "Harrow")
    assert code == 0, err
    (harrow,) = json.loads(out)
    assert harrow["name"] == "Harrow"
    assert harrow["codes"] == {"gss": "E09000015", "dfe": "310", "code": "HRW"}
    assert (harrow["type"], harrow["region"]) == ("London borough", "London")
    identifiers = harrow["identifiers"]
    assert identifiers["Ofsted"] == {"ofsted_urn": 80499}
    assert identifiers["CQC"] == {"cqc_assessment_path": "/care-services/local-authority-assessment-reports/harrow-0824"}
    assert identifiers["Ombudsman"] == {"ombudsman_name": "London Borough of Harrow", "ombudsman_name_seen": True}
    assert identifiers["Housing Ombudsman"] == {"landlord_names": ["London Borough of Harrow", "Harrow Council"]}
    assert identifiers["Council committees"]["committee_url"] == "https://moderngov.harrow.gov.uk"
    assert identifiers["GOV.UK"]["rsh_code"] == "00AQ"


def test_every_council_without_a_search(tmp_path):
    monitor = Monitor(tmp_path)
    everything = monitor.json("councils")
    assert len(everything) == 317
    assert sum(1 for c in everything if c["social_care"]) == 153
    code, out, _ = monitor.run("councils")
    assert code == 0
    assert "317 of 317 councils in England (153 with children's and adult social care)" in out


def test_a_search_shows_each_council_in_plain_words(tmp_path):
    monitor = Monitor(tmp_path)
    code, out, _ = monitor.run("councils", "--search", "South Holland")
    assert code == 0
    assert "South Holland District Council (SHO; E07000140; district, East Midlands)" in out
    assert "children's and adult social care: no; housing: yes" in out
    # what the registry does not know is said plainly
    assert "Regulator of Social Housing registration: not known" in out
    assert "that name seen in a decision: yes" in out
    assert "ombudsman_name" not in out  # no internal names in what a person reads


def test_a_search_that_finds_nothing_offers_the_closest(tmp_path):
    monitor = Monitor(tmp_path)
    code, out, _ = monitor.run("councils", "--search", "Harow")
    assert code == 0
    assert "No council's name or code contains 'Harow'." in out
    assert "London Borough of Harrow (HRW)" in out
