"""Benchmarks for report-monitor: `make bench` (python -m benchmarks.run_all) prints the tables
that docs/BENCHMARKS.md records. Generated corpora and scratch data live in benchmarks/out/."""
