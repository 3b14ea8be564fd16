"""The floor of a warm pass: start Python, import requests, make the same conditional GETs
a warm `monitor run` makes (one per listing, If-None-Match from the last answer), exit.

    python -m benchmarks.floor URLS_AND_ETAGS.json

The file holds [[url, etag], ...]. Nothing is parsed, stored or decided: whatever a warm
pass costs above this is the monitor's own.
"""

from __future__ import annotations

import json
import sys


def main(argv: list[str] | None = None) -> int:
    """Make the GETs; exit 0 when every answer was 304."""
    import requests

    jobs = json.loads(open((argv or sys.argv[1:])[0], encoding="utf-8").read())
    session = requests.Session()
    session.headers["User-Agent"] = "floor-benchmark"  # counted as "other" by the simulated server
    statuses = [session.get(url, headers={"If-None-Match": etag}, timeout=30).status_code for url, etag in jobs]
    return 0 if all(status == 304 for status in statuses) else 1


if __name__ == "__main__":
    sys.exit(main())
