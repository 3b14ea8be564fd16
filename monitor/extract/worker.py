"""Entry point of the guarded extraction child: `python -m monitor.extract.worker`.

The loop lives in monitor.extract.pool.worker_main (memory cap from MONITOR_EXTRACT_MEMORY_MB;
test hook MONITOR_EXTRACT_TEST_STALL_ON described there).
"""

from monitor.extract.pool import worker_main

if __name__ == "__main__":
    worker_main()
