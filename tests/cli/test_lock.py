"""The single-instance lock, held and contested by real processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from harness import Monitor

from monitor.lock import AlreadyRunning, InstanceLock

ROOT = Path(__file__).resolve().parents[2]

HOLDER = """
import sys, time
from pathlib import Path
from monitor.lock import InstanceLock
lock = InstanceLock(Path(sys.argv[1]))
lock.acquire()
print("held", flush=True)
time.sleep(120)
"""


def config(url: str) -> str:
    return f"""
settings:
  per_host_delay: 0
  retries: 0
  timeout: 5
sources:
  - name: council-reports
    kind: page
    url: {url}/reports
    links: "li a[href]"
"""


@pytest.fixture
def holder(tmp_path):
    """A separate process holding the lock on tmp_path/data, like a slow `monitor run`."""
    data_dir = tmp_path / "data"
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(data_dir)], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
    yield proc
    if proc.poll() is None:
        proc.kill()
        proc.wait(5)


def run_cli(monitor: Monitor, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MONITOR_DATA_DIR": str(monitor.data_dir)}
    env.pop("MONITOR_DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "monitor.cli", *args, "--config", str(monitor.config_path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_second_run_exits_with_a_clear_message_and_does_nothing(server, tmp_path, holder):
    server.add("/reports", "<ul><li><a href='/a.pdf'>A</a></li></ul>")
    monitor = Monitor(tmp_path, config(server.url))
    done = run_cli(monitor, "run")
    assert done.returncode == 75  # EX_TEMPFAIL: busy, not failed
    assert f"another monitor (pid {holder.pid}) is already working on" in done.stderr
    assert "exits without doing anything" in done.stderr
    assert server.hits_for("/reports") == []  # it really did nothing
    assert (monitor.data_dir / "monitor.lock").read_text() == str(holder.pid)


def test_the_daemon_refuses_to_start_beside_a_holder(server, tmp_path, holder):
    monitor = Monitor(tmp_path, config(server.url))
    done = run_cli(monitor, "daemon", "--jitter", "0")
    assert done.returncode == 75
    assert f"another monitor (pid {holder.pid})" in done.stderr
    assert server.hits_for("/reports") == []


def test_a_lock_left_by_a_killed_process_is_recovered(server, tmp_path, holder):
    server.add("/reports", "<ul><li><a href='/a.pdf'>A</a></li></ul>")
    monitor = Monitor(tmp_path, config(server.url))
    holder.send_signal(signal.SIGKILL)
    holder.wait(5)
    lock_file = monitor.data_dir / "monitor.lock"
    assert lock_file.read_text() == str(holder.pid)  # the stale file is still there
    done = run_cli(monitor, "run")
    assert done.returncode == 0, done.stderr
    assert "another monitor" not in done.stderr
    assert len(server.hits_for("/reports")) == 1
    assert lock_file.read_text() == ""  # released on exit; no stale pid left behind


def test_in_process_lock_is_exclusive_and_reentrant_after_release(tmp_path):
    first = InstanceLock(tmp_path)
    first.acquire()
    with pytest.raises(AlreadyRunning, match=f"pid {os.getpid()}"):
        InstanceLock(tmp_path).acquire()
    first.release()
    with InstanceLock(tmp_path):
        pass
