"""What a warm pass (nothing changed at the publishers) asks of the database: a quiet source
reads its listing's HTTP cache row and its documents, writes their bookkeeping and its
outcome, and nothing else. The real local server, real PDFs, a real SQLite file.
"""

from __future__ import annotations

from council_site import config, listing  # noqa: E402
from harness import load_config_in
from pdfs import make_pdf
from sqlalchemy import event

from monitor.pipeline.one_pass import Pipeline
from monitor.store import Store


def test_a_quiet_source_costs_few_database_round_trips(server, tmp_path):
    """A warm pass over sources that changed nothing asks the database only for what it
    needs, counted as connections taken from the pool (a session or a plain connection each)."""
    for name in ("one", "two", "three"):
        server.add(f"/{name}", listing(f"{name}-a", f"{name}-b"))
        for doc in ("a", "b"):
            server.add(f"/files/{name}-{doc}.pdf", make_pdf([f"Report {name} {doc}."]), content_type="application/pdf")
    sources = "".join(
        f"""  - name: {name}
    kind: page
    url: {server.url}/{name}
    links: "li a[href]"
    include: '\\.pdf'
"""
        for name in ("one", "two", "three")
    )
    (tmp_path / "sources.yaml").write_text(config(server.url).split("sources:")[0] + "sources:\n" + sources)
    cfg = load_config_in(tmp_path / "sources.yaml", tmp_path / "data")
    store = Store(cfg.database_url, cfg.data_dir)
    try:
        Pipeline(cfg, store).run(deliver=False)
        checkouts: list[int] = []
        event.listen(store.engine, "checkout", lambda *args: checkouts.append(1))
        result = Pipeline(cfg, store).run(deliver=False)
    finally:
        store.close()
    assert [(o.status, o.unchanged) for o in result.outcomes] == [("ok", 2)] * 3
    # per source: its listing's row, its documents, their bookkeeping, its outcome; robots.txt's
    # row once for the one host; the sources' rows and the linking of council answers once
    assert len(checkouts) == 3 * 4 + 1 + 2
