"""`council:` on sources, and `monitor status --council` / `monitor responses --council`:
two councils in one installation, each source naming its own."""

from __future__ import annotations

from harness import Monitor
from pdfs import make_pdf
from scenario_sites import config_yaml


def listing(pdf: str) -> str:
    return f'<html><body><main><a href="/files/{pdf}.pdf">Report {pdf}</a></main></body></html>'


def two_councils(server, tmp_path) -> Monitor:
    for council in ("harrow", "kent"):
        server.add(f"/{council}", listing(council))
        server.add(f"/files/{council}.pdf", make_pdf([f"Inspection of {council}"]), content_type="application/pdf")
    sources = "".join(
        f"""  - name: {name}-findings
    kind: page
    role: finding
    council: {council}
    url: {server.url}/{name}
"""
        for name, council in (("harrow", "London Borough of Harrow"), ("kent", "KEN"))
    )
    monitor = Monitor(tmp_path, config_yaml(sources))
    code, out, err = monitor.run("run")
    assert code == 0, out + err
    return monitor


def test_status_and_responses_for_one_council(server, tmp_path):
    monitor = two_councils(server, tmp_path)
    everything = monitor.json("status")
    assert {(s["source"], s["council"]) for s in everything} == {("harrow-findings", "HRW"), ("kent-findings", "KEN")}
    assert [s["source"] for s in monitor.json("status", "--council", "Harrow")] == ["harrow-findings"]
    assert [s["source"] for s in monitor.json("status", "--council", "E10000016")] == ["kent-findings"]
    code, out, _ = monitor.run("status", "--council", "Kent")
    assert code == 0 and "kent-findings" in out and "harrow-findings" not in out

    assert {r["finding"]["source"] for r in monitor.json("responses")} == {"harrow-findings", "kent-findings"}
    assert [r["finding"]["source"] for r in monitor.json("responses", "--council", "HRW")] == ["harrow-findings"]
    assert [r["finding"]["source"] for r in monitor.json("responses", "--council", "Kent County Council")] == ["kent-findings"]


def test_an_unknown_council_is_a_usage_error(server, tmp_path):
    monitor = two_councils(server, tmp_path)
    code, _, err = monitor.run("status", "--council", "Harow")
    assert code == 2 and "London Borough of Harrow (HRW)" in err
    code, _, err = monitor.run("responses", "--council", "Nowhere-on-Sea")
    assert code == 2 and "no council called 'Nowhere-on-Sea'" in err


def test_a_council_the_registry_does_not_know_is_a_configuration_error(tmp_path):
    monitor = Monitor(tmp_path, config_yaml("""  - name: somewhere
    kind: page
    council: Harow
    url: https://www.example.gov.uk/
"""))
    code, _, err = monitor.run("check-config")
    assert code == 2
    assert "sources[0].council: no council called 'Harow' in the registry; the closest: London Borough of Harrow (HRW)" in err
