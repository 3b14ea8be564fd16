"""Every real CQC and Ombudsman document in ../shared/fixtures is read exactly as its
expectations say (benchmarks/expectations/others.csv, read by eye). The Ofsted documents are
asserted field by field in tests/sources/ofsted/test_ofsted_reading.py."""

from __future__ import annotations

from benchmarks.eval_reading_others import cases_by_publisher


def test_every_shared_document_reads_as_expected(shared_fixtures):
    cases = list(cases_by_publisher(shared_fixtures))
    assert {publisher for publisher, _ in cases} >= {"cqc", "lgsco"}
    assert len(cases) >= 100
    misses = [
        f"{publisher} {document} {field}: expected {expected!r}, got {got!r}"
        for publisher, (document, field, expected, got) in cases
        if expected.casefold() != got.casefold()
    ]
    assert misses == []
