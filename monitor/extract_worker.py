"""Entry point of the guarded extraction child: `python -m monitor.extract_worker`."""

from monitor.extract import worker_main

if __name__ == "__main__":
    worker_main()
