"""`monitor init --probe`: what only the live sites know, asked of a local server playing the
council's ModernGov site, the CQC's list of assessments and the Ombudsman's council page.

Liverpool is probed: the registry holds neither its committee ids nor its assessment's
address. A committee-system address that does not answer as one fails loudly and writes
nothing; a refusal, or a list without the council, is said plainly and the file is written."""

from __future__ import annotations

from pathlib import Path

import pytest
from harness import Monitor

from monitor.config import load_config

FIXTURES = Path(__file__).resolve().parents[1] / "sources"
COMMITTEES = "/mgWebService.asmx/GetCommittees"
ASSESSMENTS = "/care-services/local-authority-assessment-reports"
PERFORMANCE = "/your-councils-performance/liverpool-city-council"


def serve_liverpool(server, committees: bytes | None = None) -> None:
    server.add(
        COMMITTEES,
        committees or (FIXTURES / "moderngov" / "fixtures" / "GetCommittees_liverpool.xml").read_bytes(),
        content_type="text/xml; charset=utf-8",
    )
    server.add(ASSESSMENTS, (FIXTURES / "cqc" / "fixtures" / "assessment_index_liverpool.html").read_text(encoding="utf-8"))
    server.add(PERFORMANCE, "<html><body><h1>Liverpool City Council</h1><p>Annual review letter 2024-25</p></body></html>")


def probe(tmp_path: Path, server, council: str = "Liverpool") -> tuple[int, str, str, Path]:
    out = tmp_path / "sources.yaml"
    code, stdout, stderr = Monitor(tmp_path).run(
        "init", "--council", council, "--probe", "--out", str(out),
        "--base-url", f"moderngov={server.url}", "--base-url", f"cqc={server.url}", "--base-url", f"lgsco={server.url}",
    )
    return code, stdout, stderr, out


def by_kind(path: Path) -> dict[str, list]:
    out: dict[str, list] = {}
    for source in load_config(path).sources:
        out.setdefault(source.kind, []).append(source)
    return out


def test_committee_ids_and_the_assessment_address_are_discovered(tmp_path, server):
    serve_liverpool(server)
    code, stdout, stderr, out = probe(tmp_path, server)
    assert code == 0, stdout + stderr
    kinds = by_kind(out)
    (committees,) = kinds["moderngov"]
    assert committees.common.base_url == server.url
    # full council, cabinet, scrutiny (two), children's (corporate parenting), health, audit;
    # not planning or licensing, not an expired panel, not a staff appointments committee
    assert committees.settings.committees == [102, 101, 104, 111, 106, 105, 103]
    (assessment,) = kinds["cqc"]
    assert assessment.settings.assessment_url == f"{ASSESSMENTS}/liverpool-0325"
    assert [s.name for s in kinds["lgsco_performance"]] == ["ombudsman-liverpool-performance"]
    text = out.read_text(encoding="utf-8")
    assert "full council: City Council (102)" in text and "audit: Audit Committee (103)" in text
    assert "ModernGov: 7 of Liverpool's 11 committees picked by title." in stdout
    assert f"CQC: Liverpool's assessment is at {ASSESSMENTS}/liverpool-0325." in stdout
    assert "Ombudsman: Liverpool City Council's performance page is at" in stdout
    assert [h.path for h in server.hits if h.path == COMMITTEES] == [COMMITTEES]
    monitor = Monitor(tmp_path)
    monitor.config_path = out
    status, checked, err = monitor.run("check-config")
    assert status == 0, checked + err


@pytest.mark.parametrize(
    ("answer", "why"),
    [
        ({"status": 404}, "HTTP 404"),
        ({"body": "<html><body><p>This domain is for sale<br></body></html>", "content_type": "text/html"}, "not XML"),
        ({"body": "<html><body><p>Moved</p></body></html>", "content_type": "text/html"}, "not a <committees> list"),
    ],
)
def test_a_stale_committee_system_address_fails_loudly_and_writes_nothing(tmp_path, server, answer, why):
    serve_liverpool(server)
    server.add(COMMITTEES, answer.get("body", "gone"), status=answer.get("status", 200), content_type=answer.get("content_type", "text/plain"))
    code, stdout, stderr, out = probe(tmp_path, server)
    assert code == 1
    assert f"ModernGov: {server.url} does not answer as Liverpool's committee system" in stderr
    assert why in stderr and "Committee-system addresses drift" in stderr
    assert not out.exists()


def test_a_refusal_or_a_list_without_the_council_is_said_plainly(tmp_path, server):
    serve_liverpool(server)
    server.add(COMMITTEES, "Forbidden", status=403, content_type="text/plain")
    server.add(ASSESSMENTS, "<html><body><main><ul></ul></main></body></html>")
    server.add(PERFORMANCE, "not here", status=404, content_type="text/plain")
    code, stdout, stderr, out = probe(tmp_path, server)
    assert code == 0, stdout + stderr
    assert "refused the request" in stdout and "its committees could not be listed" in stdout
    assert "shows no assessment of Liverpool" in stdout
    assert "no page at" in stdout
    kinds = by_kind(out)
    assert "moderngov" not in kinds and "lgsco_performance" not in kinds  # written commented out
    assert kinds["cqc"][0].settings.assessment_url is None
    text = out.read_text(encoding="utf-8")
    assert "#   kind: moderngov" in text and "#   kind: lgsco_performance" in text


def test_a_real_getcommittees_answer(tmp_path, server, shared_fixtures):
    """Manchester's real (trimmed) answer: only its current audit committee is followed; the
    expired appointments panel and the art galleries committee are not."""
    real = shared_fixtures / "moderngov" / "webservice" / "lgsf_manchester_GetCommittees_committees.xml"
    serve_liverpool(server, committees=real.read_bytes())
    code, stdout, stderr, out = probe(tmp_path, server, council="Manchester")
    assert code == 0, stdout + stderr
    (committees,) = by_kind(out)["moderngov"]
    assert committees.settings.committees == [144]
    assert "no current committee of Manchester is titled like full council, cabinet, scrutiny" in stdout
