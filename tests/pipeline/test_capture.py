"""`monitor capture` against the local publisher servers, and its bundle read back unchanged.

For every publisher kind the scenario site of day 1 is captured through the real command;
the bundle is then served by a second server (tests/support/bundles.py) and captured again through
the same adapter: it must read exactly the same documents from the replayed answers. This
is what the contract tests do with a bundle a user sends from the live site.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from bundles import replay
from harness import Monitor
from publisher_server import PublisherServer
from scenario_sites import SITES, config_yaml

from monitor.evidence import read_bundle


def _source_name(source_yaml: str) -> str:
    return yaml.safe_load(source_yaml)[0]["name"]


def _listed(manifest: dict, *origins: str) -> list[dict]:
    """The manifest's refs with the servers' origins taken out of their URLs (answers that
    carry absolute URLs, like ModernGov's XML, still name the live server when replayed)."""
    text = json.dumps(manifest["listing"]["refs"])
    for origin in origins:
        text = text.replace(origin, "ORIGIN")
    return json.loads(text)


@pytest.mark.parametrize("kind", sorted(SITES))
def test_capture_then_replay_reads_the_same_documents(kind, tmp_path):
    with PublisherServer() as server:
        site = SITES[kind](server)
        site.day1()
        (tmp_path / "live").mkdir()
        monitor = Monitor(tmp_path / "live", config_yaml(site.source_yaml))
        name = _source_name(site.source_yaml)
        out = tmp_path / "bundle"
        code, stdout, stderr = monitor.run("capture", name, "--out", str(out), "--documents", "2", env=site.env)
        assert code == 0, stdout + stderr
        assert f"into {out}" in stdout
        bundle = read_bundle(out)
        manifest = bundle.manifest
        assert manifest["source"] == name and manifest["kind"] == kind
        assert manifest["listing"]["error"] is None
        refs = manifest["listing"]["refs"]
        assert {r["key"] for r in refs} == set(site.baseline), "the capture lists what a pass lists"
        assert bundle.answers, "the listing's answers are in the bundle"
        for answer in bundle.answers:
            body = (out / answer["file"]).read_bytes()
            assert len(body) == answer["size"]
            assert answer["url"].startswith(server.url)
        downloaded = [d for d in manifest["documents"] if "file" in d]
        assert len(downloaded) == min(2, len(refs))
        for doc in downloaded:
            assert (out / doc["file"]).stat().st_size == doc["size"] > 0
        provenance = (out / "PROVENANCE.md").read_text()
        assert all(a["file"] in provenance for a in bundle.answers)
        original = _listed(manifest, server.url)
        live_urls = {a["url"] for a in bundle.answers}

    # the live server is gone: only the bundle can answer now
    with PublisherServer() as replayed:
        replayed.robots_txt = "User-agent: *\nAllow: /\n"
        replay(out, replayed)
        (tmp_path / "replay").mkdir()
        again = Monitor(tmp_path / "replay", config_yaml(site.source_yaml.replace(server.url, replayed.url)))
        out2 = tmp_path / "bundle2"
        code, stdout, stderr = again.run("capture", name, "--out", str(out2), "--documents", "0", env=site.env)
        assert code == 0, stdout + stderr
        manifest2 = read_bundle(out2).manifest
        assert _listed(manifest2, replayed.url, server.url) == original
        assert {a["url"].replace(replayed.url, server.url) for a in manifest2["answers"]} <= live_urls


def test_capture_keeps_no_secrets(tmp_path):
    with PublisherServer() as server:
        server.add("/list?k=harrow&subscription-key=SECRET123", '<a href="/r.pdf">report</a>', headers={"Set-Cookie": "session=SECRET456"})
        server.add("/r.pdf", b"%PDF-1.4 test", content_type="application/pdf")
        monitor = Monitor(
            tmp_path,
            config_yaml(
                f"""  - name: pages
    kind: page
    url: {server.url}/list?k=harrow&subscription-key=SECRET123
"""
            ),
        )
        out = tmp_path / "bundle"
        code, stdout, stderr = monitor.run("capture", "pages", "--out", str(out), env={"MONITOR_SMTP_PASSWORD": "SECRET789"})
        assert code == 0, stdout + stderr
    everything = b"".join(p.read_bytes() for p in out.rglob("*") if p.is_file())
    for secret in (b"SECRET123", b"SECRET456", b"SECRET789"):
        assert secret not in everything
    assert b"subscription-key=REDACTED" in everything
    assert b"k=harrow" in everything


def test_capture_of_a_broken_listing_keeps_the_answer_and_fails(tmp_path):
    with PublisherServer() as server:
        server.add("/feed.xml", "<html><body>We are moving</body></html>")
        monitor = Monitor(tmp_path, config_yaml(f"  - name: news\n    kind: feed\n    url: {server.url}/feed.xml\n"))
        out = tmp_path / "bundle"
        code, stdout, stderr = monitor.run("capture", "news", "--out", str(out))
    assert code == 1
    assert "broken" in stdout
    bundle = read_bundle(out)
    assert bundle.manifest["listing"]["error"].startswith("broken:")
    assert bundle.body(f"{server.url}/feed.xml") == b"<html><body>We are moving</body></html>"


def test_capture_names_an_unknown_source(tmp_path):
    monitor = Monitor(tmp_path, config_yaml("  - name: news\n    kind: feed\n    url: http://127.0.0.1:9/feed.xml\n"))
    code, stdout, stderr = monitor.run("capture", "nosuch")
    assert code == 2
    assert "no source named 'nosuch'" in stderr and "news" in stderr


def test_contract_real_captures_read_the_same(shared_fixtures: Path):
    """Bundles users sent from the live sites (../shared/fixtures/<publisher>/captures/<bundle>/)
    must still read as they did when captured."""
    bundles = sorted(shared_fixtures.glob("*/captures/*/manifest.json"))
    if not bundles:
        pytest.skip("no live capture has been added to ../shared/fixtures yet")
    for manifest_path in bundles:
        bundle = read_bundle(manifest_path.parent)
        assert bundle.manifest["listing"].get("refs") is not None, manifest_path


def test_error_texts_and_headers_in_a_bundle_are_redacted(tmp_path):
    from monitor.evidence import Exchange, redact_text, redact_url, write_bundle

    assert redact_url("https://user:pw@h.example/x?token=A&page=2") == "https://REDACTED@h.example/x?token=REDACTED&page=2"
    assert redact_url("https://h.example/mgConvert2PDF.aspx?ID=248101") == "https://h.example/mgConvert2PDF.aspx?ID=248101"
    assert redact_text("broken: https://h/feed?authtoken=S1 and https://h/x?sessionid=S2") == (
        "broken: https://h/feed?authtoken=REDACTED and https://h/x?sessionid=REDACTED"
    )
    exchange = Exchange("https://h/a", 302, {"Location": "https://h/b?api_key=SECRET789"}, b"", "2026-01-01T00:00:00Z", "0" * 64, 0)
    out = write_bundle(
        tmp_path / "b",
        source="s",
        kind="page",
        reason="listing looks broken: https://h/feed?token=SECRET123",
        exchanges=[exchange],
        listing={"refs": [], "error": "broken: https://h/x?api_key=SECRET456"},
    )
    everything = b"".join(p.read_bytes() for p in out.rglob("*") if p.is_file())
    for secret in (b"SECRET123", b"SECRET456", b"SECRET789"):
        assert secret not in everything
