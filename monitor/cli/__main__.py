"""`python -m monitor.cli ...`: the same command as the `monitor` script (tests and
benchmarks start it this way in a child process)."""

import sys

from monitor.cli import main

sys.exit(main())
