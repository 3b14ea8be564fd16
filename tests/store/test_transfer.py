"""Export -> fresh database -> import loses nothing; imports refuse to clobber or to take damaged files."""

from __future__ import annotations

import hashlib
import json
import socket

import pytest
from aiosmtpd.controller import Controller
from harness import Monitor
from pdfs import make_pdf


class Capture:
    def __init__(self) -> None:
        self.messages: list[bytes] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.messages.append(envelope.content)
        return "250 OK"


def listing(*names: str) -> str:
    items = "\n".join(f'<li><a href="/files/{n}.pdf">Report {n}</a></li>' for n in names)
    return f"<html><body><ul>{items}</ul></body></html>"


def config(url: str, port: int) -> str:
    return f"""
settings:
  per_host_delay: 0
  retries: 0
  timeout: 5
  email:
    host: 127.0.0.1
    port: {port}
    security: none
    sender: monitor@example.org
    recipients: [watchdog@example.org]
sources:
  - name: council-reports
    kind: page
    url: {url}/reports
    links: "li a[href]"
    include: '\\.pdf'
    severity: urgent
    recheck_days: 0
"""


@pytest.fixture
def populated(server, tmp_path):
    """A store with documents, two versions of one, events, a sent delivery and run history."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    capture = Capture()
    controller = Controller(capture, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        server.add("/reports", listing("a", "b"))
        server.add("/files/a.pdf", make_pdf(["Report A: good."]), content_type="application/pdf")
        server.add("/files/b.pdf", make_pdf(["Report B: requires improvement."]), content_type="application/pdf")
        monitor = monitor_in(tmp_path / "old", config(server.url, port))
        assert monitor.run("run")[0] == 0
        server.add("/reports", listing("a", "b", "c"))
        server.add("/files/c.pdf", make_pdf(["Report C: inadequate."]), content_type="application/pdf")
        server.add("/files/b.pdf", make_pdf(["Report B: now good."]), content_type="application/pdf")
        assert monitor.run("run")[0] == 0
    finally:
        controller.stop()
    assert len(capture.messages) == 1
    return monitor


def monitor_in(folder, text: str) -> Monitor:
    folder.mkdir(parents=True, exist_ok=True)
    return Monitor(folder, text)


def table_files(folder) -> dict[str, str]:
    return {p.name: p.read_text() for p in sorted(folder.glob("*.jsonl"))}


def blob_hashes(data_dir) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in (data_dir / "blobs").rglob("*")
        if p.is_file() and "tmp" not in p.relative_to(data_dir).parts
    }


def test_round_trip_loses_nothing(populated, tmp_path):
    old = populated
    export_dir = tmp_path / "export"
    code, out, err = old.run("export", str(export_dir))
    assert code == 0, err
    manifest = json.loads((export_dir / "manifest.json").read_text())
    counts = manifest["tables"]
    assert counts["document"] == 3 and counts["version"] == 4
    assert counts["delivery"] == 1 and counts["delivery_event"] >= 1 and counts["run"] == 2
    assert counts["event"] >= 4 and counts["source"] == 1
    assert "document: 3" in out

    new = monitor_in(tmp_path / "new", old.config_path.read_text())
    code, out, err = new.run("import", str(export_dir))
    assert code == 0, err
    assert "version: 4" in out

    # the new store, exported again, is row for row what the old one was
    again = tmp_path / "again"
    assert new.run("export", str(again))[0] == 0
    assert table_files(again) == table_files(export_dir)
    assert json.loads((again / "manifest.json").read_text())["tables"] == counts
    old_blobs, new_blobs = blob_hashes(old.data_dir), blob_hashes(new.data_dir)
    versions = {v["sha256"] for line in (export_dir / "version.jsonl").read_text().splitlines() for v in [json.loads(line)]}
    assert versions <= set(new_blobs)
    assert all(name == digest for name, digest in new_blobs.items())
    assert {k: old_blobs[k] for k in versions} == {k: new_blobs[k] for k in versions}
    # and the commands read it as they read the old one
    assert new.documents() == old.documents()
    assert new.events() == old.events()
    assert new.json("history", f"{old.documents()[1]['key']}") == [
        {**h, "blob_path": h["blob_path"].replace(str(old.data_dir), str(new.data_dir))}
        for h in old.json("history", f"{old.documents()[1]['key']}")
    ]


def test_import_refuses_a_database_that_is_not_empty_unless_forced(populated, tmp_path):
    export_dir = tmp_path / "export"
    assert populated.run("export", str(export_dir))[0] == 0
    code, _out, err = populated.run("import", str(export_dir))
    assert code == 1
    assert "the database is not empty" in err and "--force" in err
    before = populated.documents()
    code, _out, err = populated.run("import", str(export_dir), "--force")
    assert code == 0, err
    assert populated.documents() == before


def test_import_refuses_a_damaged_blob_and_writes_no_rows(populated, tmp_path):
    export_dir = tmp_path / "export"
    assert populated.run("export", str(export_dir))[0] == 0
    victim = next(p for p in (export_dir / "blobs").rglob("*") if p.is_file())
    victim.write_bytes(b"tampered")
    new = monitor_in(tmp_path / "new", populated.config_path.read_text())
    code, _out, err = new.run("import", str(export_dir))
    assert code == 1
    assert "do not match its name" in err and victim.name in err
    assert new.documents() == []


def test_export_refuses_a_folder_with_files_in_it(populated, tmp_path):
    folder = tmp_path / "busy"
    folder.mkdir()
    (folder / "keep.txt").write_text("mine")
    code, _out, err = populated.run("export", str(folder))
    assert code == 1
    assert "is not empty" in err
    assert [p.name for p in folder.iterdir()] == ["keep.txt"]
