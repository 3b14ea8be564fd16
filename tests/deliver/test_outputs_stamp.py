"""A pass that changes nothing leaves the feed and the digest as they were; one that finds
something, or a missing output, writes them again."""

from __future__ import annotations

from datetime import UTC, datetime

from council_site import config, listing
from harness import Monitor
from pdfs import make_pdf


def _outputs(monitor: Monitor) -> dict[str, int]:
    day = datetime.now(UTC).date().isoformat()
    files = [monitor.data_dir / "feed.xml", monitor.data_dir / "digests" / f"{day}.md", monitor.data_dir / "digests" / f"{day}.html"]
    return {f.name: f.stat().st_mtime_ns for f in files}


def test_outputs_are_rebuilt_only_when_something_changed(server, tmp_path):
    server.add("/reports", listing("a"))
    server.add("/files/a.pdf", make_pdf(["Report A.", "All is good."]), content_type="application/pdf")
    monitor = Monitor(tmp_path, config(server.url))
    assert monitor.run("run")[0] == 0
    first = _outputs(monitor)
    assert monitor.run("run")[0] == 0
    assert _outputs(monitor) == first  # nothing new: nothing rewritten
    server.add("/reports", listing("a", "b"))
    server.add("/files/b.pdf", make_pdf(["Report B.", "Services are inadequate."]), content_type="application/pdf")
    assert monitor.run("run")[0] == 0
    second = _outputs(monitor)
    assert all(second[name] != first[name] for name in first)
    assert "inadequate" in (monitor.data_dir / "feed.xml").read_text(encoding="utf-8")
    (monitor.data_dir / "feed.xml").unlink()
    assert monitor.run("run")[0] == 0
    assert (monitor.data_dir / "feed.xml").is_file()
