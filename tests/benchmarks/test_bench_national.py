"""The national benchmark end to end at a tiny size: 3 simulated councils x 3 PDFs, every
scenario run by the real `monitor` command against real loopback servers."""

from __future__ import annotations

import copy

from benchmarks import bench_national


def test_every_scenario_at_a_tiny_size(tmp_path):
    delay = 0.5
    results = bench_national.main([
        "--quick", "--sizes", "3", "--docs", "3", "--delay", str(delay), "--polite-limit", "120",
        "--work", str(tmp_path / "work"), "--corpus", str(tmp_path / "corpus"),
    ])
    r = results["sizes"]["3"]
    assert (r["councils"], r["per_council"], r["documents"]) == (3, 3, 9)

    cold = r["cold"]["requests"]
    assert cold["document_200"] == 9 and cold["listing"] == 3
    assert r["cold"]["seconds"] > 0 and r["cold"]["peak_rss_mb"] > 0

    polite = r["polite"]
    assert not polite["stopped"] and polite["served"] == polite["expected"] == cold["total"]
    # each host was asked at most once per delay: the pass cannot beat its busiest host
    assert polite["bound_seconds"] == cold["busiest_host"] * delay
    assert polite["seconds"] >= (cold["busiest_host"] - 1) * delay

    warm = r["warm"]["requests"]
    assert warm["total"] == warm["listing"] == warm["answered_304"] == 3
    assert warm["document"] == 0
    assert r["warm"]["ms_per_source"] == r["warm"]["seconds"] * 1000 / 3

    # "10 new documents" scaled to the size: one new document in each of the 3 councils
    assert r["new_documents"] == 3
    assert r["new"]["requests"]["document_200"] == 3
    built = r["new"]["site"]
    # the pass brought the site up to date: the new documents' pages, not the whole site
    assert built is not None and built["mode"] == "incremental"
    assert 3 <= built["pages_written"] < built["pages"]

    site = tmp_path / "work" / "3" / "data" / "site"
    assert (site / "index.html").is_file()
    assert r["site"]["seconds"] > 0 and r["site"]["site_mb"] > 0
    assert r["store"]["db_mb"] > 0 and r["store"]["blobs_mb"] > 0

    searches = {q["query"]: q for q in r["search"]["queries"]}
    assert len(searches) == len(bench_national.QUICK_SEARCHES)
    code = bench_national.council_codes(1)[0]
    assert searches['"social care"']["hits"] > 0
    assert searches[f'"quality assurance" AND casework --council {code}']["hits"] > 0
    assert r["search"]["median_seconds"] > 0

    text = bench_national.report(results)
    assert "**3 councils**" in text and "Growth" not in text
    assert (tmp_path / "work" / "bench_national.json").is_file()


def test_growth_table_compares_the_smallest_and_largest_size():
    small = _fake(10, warm=2.0)
    large = _fake(40, warm=2.6)
    text = bench_national.report({"sizes": {"10": small, "40": large}})
    assert "**Growth** from 10 to 40 councils (4x" in text
    assert "| warm: wall | 2.00 | 2.60 | 1.3x |" in text
    assert "added 20.0 ms to the warm pass" in text
    assert "| new documents: site update | n/a | n/a | n/a |" in text


def test_every_council_has_its_own_loopback_address():
    addresses = [bench_national.address(i) for i in range(600)]
    assert len(set(addresses)) == 600
    assert all(a.startswith("127.0.") and a != "127.0.0.1" for a in addresses)


def _fake(councils: int, warm: float) -> dict:
    requests = {"total": councils, "answered_304": councils, "listing": councils, "document": 0,
                "document_200": 0, "robots": 0, "busiest_host": 22}
    run = {"seconds": 1.0, "peak_rss_mb": 100.0, "requests": requests}
    return copy.deepcopy({
        "councils": councils, "per_council": 20, "documents": councils * 20, "pages": councils * 250, "delay": 5.0,
        "new_documents": 10, "cold": run,
        "polite": {"seconds": 200.0, "stopped": True, "ran_seconds": 30.0, "served": 100, "expected": 1000,
                   "bound_seconds": 110.0, "peak_rss_mb": 90.0},
        "warm": {**run, "seconds": warm, "ms_per_source": warm * 1000 / councils},
        "new": {**run, "site": None}, "site": {"seconds": 2.0, "peak_rss_mb": 80.0, "site_mb": 5.0},
        "store": {"db_mb": 10.0, "blobs_mb": 5.0, "total_mb": 15.0},
        "search": {"queries": [{"query": "x", "seconds": 1.5, "hits": 3}], "median_seconds": 1.5},
    })
