"""The fault-injection suite imports the helpers in tests/ and tests/faults/ by name."""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "support"))  # tests/support/: harness, pdfs, publisher_server
sys.path.insert(0, str(HERE))  # tests/faults/: integrity, hostile
