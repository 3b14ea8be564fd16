"""`monitor init`: a complete sources.yaml for any council, through the real command.

Harrow's is today's defaults (sources.yaml), source by source; a county, a metropolitan
borough, a unitary created in 2023 and a district each get the publishers that apply to them,
in a file check-config accepts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from harness import Monitor

from monitor.config import load_config
from monitor.sources import profile_of

ROOT = Path(__file__).resolve().parents[2]
#: the peer-context kinds new with the registry: `init` writes them, today's sources.yaml does not
NEW_CONTEXT_KINDS = {"cqc_peers", "lgsco_peers"}


def init(monitor: Monitor, *args: str) -> tuple[int, str, str]:
    return monitor.run("init", *args)


def written(tmp_path: Path, *args: str) -> tuple[Path, str]:
    monitor = Monitor(tmp_path)
    out = tmp_path / "generated.yaml"
    code, stdout, stderr = init(monitor, *args, "--out", str(out))
    assert code == 0, stdout + stderr
    return out, stdout


def test_harrow_is_todays_defaults(tmp_path):
    out, stdout = written(tmp_path, "--council", "Harrow")
    today = {s.name: s for s in load_config(ROOT / "sources.yaml").sources}
    generated = {s.name: s for s in load_config(out).sources}
    assert set(today) <= set(generated), f"missing: {set(today) - set(generated)}"
    extra = set(generated) - set(today)
    assert {generated[n].kind for n in extra} == NEW_CONTEXT_KINDS, extra
    for name, source in today.items():
        ours = generated[name]
        assert ours.kind == source.kind, name
        assert ours.settings.model_dump() == source.settings.model_dump(), name
        assert ours.common.model_dump(exclude={"council", "description"}) == source.common.model_dump(
            exclude={"council", "description"}), name
    assert {s.common.council for s in generated.values()} == {"HRW"}
    # the same order as today's file, each new peer context after its publisher's sources
    order = [n for n in generated if n in today]
    assert order == list(today)
    assert "Wrote" in stdout and "London Borough of Harrow" in stdout
    # the commented-out cross-check is there for a person to complete
    text = out.read_text(encoding="utf-8")
    assert "  # - name: cqc-harrow-ratings-check" in text


@pytest.mark.parametrize("spelling", ["London Borough of Harrow", "HRW", "E09000015", "310"])
def test_every_spelling_writes_the_same_file(tmp_path, spelling):
    reference, _ = written(tmp_path / "a", "--council", "Harrow")
    out, _ = written(tmp_path / "b", "--council", spelling)
    assert out.read_text(encoding="utf-8") == reference.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("text", "closest", "ambiguous"),
    [("Harow", "London Borough of Harrow (HRW)", False), ("Kingston", "Royal Borough of Kingston upon Thames (KTT)", True)],
)
def test_an_unknown_or_ambiguous_council_exits_2_with_the_closest_names(tmp_path, text, closest, ambiguous):
    monitor = Monitor(tmp_path)
    out = tmp_path / "sources.yaml"
    code, stdout, stderr = init(monitor, "--council", text, "--out", str(out))
    assert code == 2
    assert closest in stderr
    assert ("could be more than one council" in stderr) == ambiguous
    assert not out.exists()


def test_never_overwrites_without_force(tmp_path):
    monitor = Monitor(tmp_path)
    out = tmp_path / "mine.yaml"
    out.write_text("# my own config\n", encoding="utf-8")
    code, _, stderr = init(monitor, "--council", "Harrow", "--out", str(out))
    assert code == 2 and "already exists" in stderr and "--force" in stderr
    assert out.read_text(encoding="utf-8") == "# my own config\n"
    code, _, stderr = init(monitor, "--council", "Harrow", "--out", str(out), "--force")
    assert code == 0, stderr
    assert "ofsted-harrow-childrens-services" in out.read_text(encoding="utf-8")


def test_usage_needs_a_council_or_all(tmp_path):
    monitor = Monitor(tmp_path)
    assert init(monitor, "--out", str(tmp_path / "x.yaml"))[0] == 2
    assert init(monitor, "--council", "Harrow", "--all-councils", "--out", str(tmp_path / "x.yaml"))[0] == 2


def _kinds(path: Path) -> dict[str, int]:
    counts: dict[str, int] = {}
    for source in load_config(path).sources:
        counts[source.kind] = counts.get(source.kind, 0) + 1
    return counts


SOCIAL_CARE_KINDS = {"ofsted", "ofsted_outcomes", "ofsted_peers", "cqc", "cqc_peers"}
HOUSING_KINDS = {"housing_ombudsman"}


@pytest.mark.parametrize(
    ("council", "code", "social_care", "housing"),
    [
        ("Kent", "KEN", True, False),  # a county: social care, no council homes
        ("Liverpool", "LIV", True, True),  # a metropolitan borough
        ("Westmorland and Furness", "WAF", True, True),  # a unitary created in 2023
        ("South Holland", "SHO", False, True),  # a district: housing, no social care
    ],
)
def test_councils_of_every_kind_get_the_publishers_that_apply(tmp_path, council, code, social_care, housing):
    out, _ = written(tmp_path, "--council", council)
    monitor = Monitor(tmp_path)
    monitor.config_path = out
    status, stdout, stderr = monitor.run("check-config")
    assert status == 0, stdout + stderr
    assert "OK" in stdout
    kinds = _kinds(out)
    assert {"lgsco", "lgsco_performance", "lgsco_peers"} <= set(kinds)
    assert (SOCIAL_CARE_KINDS <= set(kinds)) == social_care
    assert not social_care or not (SOCIAL_CARE_KINDS - set(kinds))
    assert (not social_care) == (not SOCIAL_CARE_KINDS & set(kinds))
    assert (HOUSING_KINDS <= set(kinds)) == housing
    sources = load_config(out).sources
    assert {s.common.council for s in sources} == {code}
    # every govuk source applies: improvement notices only with children's services, the
    # social housing regulator only for a housing authority
    govuk = [s.settings.organisation for s in sources if s.kind == "govuk"]
    assert ("department-for-education" in govuk) == social_care
    assert ("regulator-of-social-housing" in govuk) == housing
    # committee papers: the ids are not in the registry, so the source waits, commented out, for them
    text = out.read_text(encoding="utf-8")
    assert "#   kind: moderngov" in text and "--probe" in text


def test_a_district_names_its_ombudsman_peers_by_region(tmp_path):
    out, _ = written(tmp_path, "--council", "South Holland")
    text = re.sub(r"\s*\n\s*# ", " ", out.read_text(encoding="utf-8"))
    assert "councils of its kind in East Midlands" in text
    assert "ofsted" not in {s.kind for s in load_config(out).sources}


def test_several_councils_in_one_file(tmp_path):
    out, stdout = written(tmp_path, "--council", "Harrow", "Kent", "--council", "HRW")
    sources = load_config(out).sources
    by_council: dict[str, list[str]] = {}
    for source in sources:
        by_council.setdefault(source.common.council or "", []).append(source.name)
    assert set(by_council) == {"HRW", "KEN"}
    assert "ofsted-harrow-national-context" in by_council["HRW"] and "ofsted-kent-national-context" in by_council["KEN"]
    contexts = [s for s in sources if profile_of(s.kind).context_for]
    assert all(s.settings.context_for in by_council[s.common.council] for s in contexts)
    assert "2 councils" in stdout
    assert "== Kent County Council (KEN; E10000016; DfE 886; county, South East) ==" in out.read_text(encoding="utf-8")


def test_all_councils(tmp_path):
    out, stdout = written(tmp_path, "--all-councils")
    sources = load_config(out).sources
    assert len({s.common.council for s in sources}) == 317
    assert sum(1 for s in sources if s.kind == "ofsted") == 153
    assert "317 councils" in stdout
