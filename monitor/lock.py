"""One monitor at a time per data directory: `run` and `daemon` share this lock.

An flock on <data dir>/monitor.lock: the kernel drops it when the holder dies, so a lock
left by a killed process is recovered without anyone deleting files.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from monitor.errors import ConfigError, MonitorError


class AlreadyRunning(MonitorError):
    """Another monitor process holds the data directory."""


class InstanceLock:
    """Hold with `with InstanceLock(data_dir):`; raises AlreadyRunning if taken."""

    def __init__(self, data_dir: Path):
        self.path = data_dir / "monitor.lock"
        self._fd: int | None = None

    def acquire(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise ConfigError(
                f"{self.path.parent}: cannot use it as the data directory ({exc.strerror}); "
                "set MONITOR_DATA_DIR to a writable folder"
            ) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 64).decode(errors="replace").strip() or "unknown"
            os.close(fd)
            raise AlreadyRunning(
                f"another monitor (pid {holder}) is already working on {self.path.parent}; "
                "this run exits without doing anything (a cron pass overlapping a slow one is harmless)"
            ) from None
        try:
            os.ftruncate(fd, 0)
            os.write(fd, str(os.getpid()).encode())
        except OSError as exc:
            os.close(fd)
            raise MonitorError(f"{self.path}: cannot write ({exc.strerror}); free some space and run again") from None
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            # emptied before unlocking, so a pid left in the file always names a live holder
            os.ftruncate(self._fd, 0)
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> InstanceLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
