"""Database and disk faults in a real pass: SQLite held by another process's write
transaction, and a full disk under the blob store (a real 1 MiB tmpfs when `mount` works)."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from pathlib import Path

import pytest
from harness import Monitor
from integrity import check_store, leftover_temp_files
from passes import SETTINGS, documents, page_source, query
from pdfs import make_pdf
from soak import SOAK

ROOT = Path(__file__).resolve().parents[2]
HOLD = """
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN IMMEDIATE")  # the write lock, as a second monitor or a sqlite3 shell would hold it
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
db.execute("ROLLBACK")
"""


def hold_write_lock(db: Path, seconds: float) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(db), str(seconds)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout and proc.stdout.readline().strip() == "locked"
    return proc


def run_cli(tmp_path: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    full = dict(os.environ, MONITOR_DATA_DIR=str(tmp_path / "data"))
    full.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "monitor.cli", "run", "--config", str(tmp_path / "sources.yaml")],
        cwd=ROOT,
        env=full,
        capture_output=True,
        text=True,
        timeout=180,
    )


@pytest.fixture
def site(server):
    server.add("/reports", '<html><body><ul><li><a href="/f/one.pdf">One</a></li></ul></body></html>')
    server.add("/f/one.pdf", make_pdf(["Report one."]), content_type="application/pdf")
    server.add("/f/two.pdf", make_pdf(["Report two."]), content_type="application/pdf")
    return server


def test_a_briefly_locked_database_makes_the_pass_wait_then_finish(site, tmp_path):
    (tmp_path / "sources.yaml").write_text(SETTINGS + "sources:\n" + page_source("reports", f"{site.url}/reports"))
    first = run_cli(tmp_path)
    assert first.returncode == 0, first.stderr
    site.add(
        "/reports",
        '<html><body><ul><li><a href="/f/one.pdf">One</a></li><li><a href="/f/two.pdf">Two</a></li></ul></body></html>',
    )
    holder = hold_write_lock(tmp_path / "data" / "monitor.db", 3.0)
    started = time.monotonic()
    second = run_cli(tmp_path)
    waited = time.monotonic() - started
    holder.wait(timeout=30)
    assert second.returncode == 0, second.stderr
    assert waited >= 2.0, "the pass cannot have written while the lock was held"
    docs = documents(tmp_path / "data", "reports")
    assert docs[f"{site.url}/f/two.pdf"] == ("ok", None, 1, "Report two.")
    assert check_store(tmp_path / "data") == []


@pytest.mark.skipif(not SOAK, reason="waits out SQLite's 30 s busy timeout (hard-coded in store/db.py): make soak")
def test_a_database_locked_past_the_busy_timeout_is_a_clear_error(site, tmp_path):
    (tmp_path / "sources.yaml").write_text(SETTINGS + "sources:\n" + page_source("reports", f"{site.url}/reports"))
    assert run_cli(tmp_path).returncode == 0
    holder = hold_write_lock(tmp_path / "data" / "monitor.db", 45.0)
    try:
        done = run_cli(tmp_path)
    finally:
        holder.kill()
    assert done.returncode == 1
    assert "Traceback" not in done.stderr, done.stderr[-800:]
    assert "database is locked" in done.stderr and "another process" in done.stderr


@pytest.fixture
def tiny_disk(tmp_path):
    """A real 1 MiB tmpfs (we run as root in CI); skipped where mounting is not allowed."""
    mount = tmp_path / "small-disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_disk_full_during_a_blob_write_keeps_no_half_blob(server, tiny_disk, tmp_path):
    rng = random.Random(3)
    server.add("/f/small-1.pdf", make_pdf(["Small report one."]), content_type="application/pdf")
    server.add("/f/big.pdf", b"%PDF-1.4\n" + rng.randbytes(1536 * 1024), content_type="application/pdf")
    server.add("/f/small-2.pdf", make_pdf(["Small report two."]), content_type="application/pdf")
    server.add(
        "/reports",
        "<html><body><ul>"
        + "".join(f'<li><a href="/f/{n}.pdf">{n}</a></li>' for n in ("small-1", "big", "small-2"))
        + "</ul></body></html>",
    )
    # blobs on the tiny disk, the database beside it on the big one
    monitor = Monitor(tmp_path, SETTINGS + "sources:\n" + page_source("reports", f"{server.url}/reports"),
                      database_url=f"sqlite:///{tmp_path / 'db' / 'monitor.db'}")
    monitor.data_dir = tiny_disk
    code, out, err = monitor.run("run")
    assert code == 0, out + err
    db_dir = tmp_path / "db"
    rows = dict(query(db_dir, "SELECT key, status || ' | ' || coalesce(error, '') FROM document"))
    assert rows[f"{server.url}/f/small-1.pdf"] == "ok | "
    assert rows[f"{server.url}/f/small-2.pdf"] == "ok | "
    big = rows[f"{server.url}/f/big.pdf"]
    assert big.startswith("error | download failed:") and "No space left on device" in big, big
    assert query(db_dir, "SELECT count(*) FROM version") == [(2,)]
    # the integrity check reads blobs under <data dir>/blobs and the database in the data dir
    (tiny_disk / "monitor.db").symlink_to(db_dir / "monitor.db")
    assert check_store(tiny_disk) == []
    assert leftover_temp_files(tiny_disk) == [], "the partial download must be removed"


def test_a_full_disk_is_a_clear_error_and_recovery_is_complete(server, tiny_disk, tmp_path):
    server.add("/f/one.pdf", make_pdf(["Report one."]), content_type="application/pdf")
    server.add("/reports", '<html><body><ul><li><a href="/f/one.pdf">One</a></li></ul></body></html>')
    (tmp_path / "sources.yaml").write_text(SETTINGS + "sources:\n" + page_source("reports", f"{server.url}/reports"))
    env = {"MONITOR_DATA_DIR": str(tiny_disk), "MONITOR_DATABASE_URL": f"sqlite:///{tmp_path / 'db' / 'monitor.db'}"}
    assert run_cli(tmp_path, env).returncode == 0
    server.add("/f/two.pdf", make_pdf(["Report two."]), content_type="application/pdf")
    server.add(
        "/reports",
        '<html><body><ul><li><a href="/f/one.pdf">One</a></li><li><a href="/f/two.pdf">Two</a></li></ul></body></html>',
    )
    filler = tiny_disk / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:  # fill the disk to the last block
        while os.write(fd, b"\0" * 4096):
            pass
    except OSError:
        pass
    finally:
        os.close(fd)
    full = run_cli(tmp_path, env)
    filler.unlink()
    recovered = run_cli(tmp_path, env)
    assert recovered.returncode == 0, recovered.stderr
    db_dir = tmp_path / "db"
    assert dict(query(db_dir, "SELECT key, status FROM document")) == {
        f"{server.url}/f/one.pdf": "ok",
        f"{server.url}/f/two.pdf": "ok",
    }
    (tiny_disk / "monitor.db").symlink_to(db_dir / "monitor.db")
    assert check_store(tiny_disk) == []
    # what a full disk should look like to the volunteer running it
    assert full.returncode == 1
    assert "Traceback" not in full.stderr, full.stderr[-600:]
    assert "No space left on device" in full.stderr
