"""The pool of guarded extraction children: callers on several threads are read side by
side, each child still capped and timed, a stalled or dead one replaced, and nothing started
until a document needs reading."""

from __future__ import annotations

import threading
from pathlib import Path

from reportlab.pdfgen import canvas

from monitor.extract.pool import STALL_ENV, Extractor, pool_size


def make_pdf(path: Path, words: str) -> Path:
    pdf = canvas.Canvas(str(path))
    pdf.drawString(72, 720, words)
    pdf.showPage()
    pdf.save()
    return path


def test_pool_size_follows_cpus_and_memory(monkeypatch):
    monkeypatch.delenv("MONITOR_EXTRACT_CHILDREN", raising=False)
    assert 1 <= pool_size(1024) <= 4
    assert pool_size(10**9) == 1  # a cap larger than half the machine: one child
    monkeypatch.setenv("MONITOR_EXTRACT_CHILDREN", "3")
    assert pool_size(1024) == 3


def test_no_child_until_a_document_needs_reading():
    with Extractor(timeout=30, children=2) as ex:
        assert ex._proc is None and ex._all == []


def test_threads_are_served_by_separate_children(tmp_path, monkeypatch):
    # the first document stalls its child, so a second caller can only finish on another one
    monkeypatch.setenv(STALL_ENV, "stall.pdf")
    stall = make_pdf(tmp_path / "stall.pdf", "never read")
    good = make_pdf(tmp_path / "good.pdf", "Overall effectiveness: Good")
    with Extractor(timeout=3, children=2) as ex:
        results: dict[str, object] = {}
        slow = threading.Thread(target=lambda: results.update(stall=ex.extract(stall)))
        slow.start()
        # wait until the stalled document holds its child
        for _ in range(200):
            if ex._all and not ex._idle:
                break
            threading.Event().wait(0.01)
        fast = ex.extract(good)
        assert "Overall effectiveness: Good" in fast.text and fast.error is None
        assert slow.is_alive()  # read while the other child was still busy
        slow.join(10)
        assert results["stall"].error == "extraction timed out after 3s"  # type: ignore[attr-defined]
        assert len(ex._all) == 2
        # the timed-out child was killed and is replaced on its next document
        again = [ex.extract(good) for _ in range(3)]
        assert all(r.error is None for r in again)


def test_one_caller_keeps_to_one_child(tmp_path):
    good = make_pdf(tmp_path / "good.pdf", "Requires improvement")
    with Extractor(timeout=30, children=4) as ex:
        for _ in range(3):
            assert ex.extract(good).error is None
        assert len(ex._all) == 1
