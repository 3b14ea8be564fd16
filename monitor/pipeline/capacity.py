"""How many hosts a pass works on at once, and how many of them may use the processor at once.

A pass over many publishers is bounded by politeness: each host is asked at most once per
`per_host_delay`, so a host with 20 documents takes 20 delays however fast the machine. Hosts
are independent, so the pass is as short as its busiest host only when every host has its own
lane. A lane costs little while it waits (a sleeping thread, one socket), so the number of lanes
is set by what the machine can hold open, not by its cores; the work between the waits
(parsing, hashing, writing the store) is what the cores limit, so lanes take turns at it.
"""

from __future__ import annotations

import os
import resource
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Literal

#: never more lanes than this, whatever the machine: past it the turns, not the lanes, limit
MAX_LANES = 256
#: a lane may hold a socket, a download's temporary file, a database connection and robots.txt
FILES_PER_LANE = 4
#: generous for one lane's buffers: a download is streamed to disk, a parse is a few MB at most
MB_PER_LANE = 8


def cores() -> int:
    """Processors this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def _available_mb() -> int | None:
    """MemAvailable from /proc/meminfo (Linux), or None where it cannot be read."""
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) // 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def machine_lanes() -> int:
    """The most hosts this machine can work on at once: by open files and by free memory."""
    soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    limits = [MAX_LANES]
    if soft != resource.RLIM_INFINITY:
        # keep room for the store, the logs and the extraction workers' pipes
        limits.append((soft - 64) // FILES_PER_LANE)
    memory = _available_mb()
    if memory is not None:
        limits.append(memory // MB_PER_LANE)
    return max(4, min(limits))


def host_lanes(setting: int | Literal["auto"], hosts: int) -> int:
    """Lanes for a pass over `hosts` different hosts: `parallel_hosts` from sources.yaml, or what
    the machine allows when it is `auto`; never more than there are hosts."""
    wanted = machine_lanes() if setting == "auto" else int(setting)
    return max(1, min(wanted, max(1, hosts)))


def cpu_turns() -> int:
    """How many lanes do their own work at once: two per core, so one lane's short waits (a
    disk write, the database) leave the core to another without the interpreter thrashing."""
    return 2 * cores()


class Turns:
    """At most `n` threads hold a turn at once; a thread waiting on the network or on an
    extraction worker gives its turn back for the wait (`waiting()`) and queues for it after."""

    def __init__(self, n: int):
        self.size = max(1, n)
        self._slots = threading.BoundedSemaphore(self.size)
        self._local = threading.local()

    @contextmanager
    def turn(self) -> Iterator[None]:
        """Hold a turn for the block (re-entrant: a thread that holds one keeps it)."""
        if getattr(self._local, "held", False):
            yield
            return
        self._slots.acquire()
        self._local.held = True
        try:
            yield
        finally:
            if self._local.held:
                self._local.held = False
                self._slots.release()

    @contextmanager
    def waiting(self) -> Iterator[None]:
        """Give the turn back while the block waits; a thread without a turn just waits."""
        held = getattr(self._local, "held", False)
        if held:
            self._local.held = False
            self._slots.release()
        try:
            yield
        finally:
            if held:
                self._slots.acquire()
                self._local.held = True
