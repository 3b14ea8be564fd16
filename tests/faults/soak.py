"""The soak switch: `make soak` sets MONITOR_SOAK=1 for the long variants (more kill points,
the 30-second database-lock wait)."""

from __future__ import annotations

import os

SOAK = os.environ.get("MONITOR_SOAK") == "1"
