"""Fixtures of the fault-injection suite: tests/ helpers on the path, soak switch."""

from __future__ import annotations

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # tests/: harness, pdfs, publisher_server
sys.path.insert(0, str(HERE))  # tests/faults/: integrity, hostile

#: `make soak` sets MONITOR_SOAK=1 for the long variants (more kill points, more rounds)
SOAK = os.environ.get("MONITOR_SOAK") == "1"
