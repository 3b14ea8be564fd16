"""A council's reports page for the pipeline tests: a listing of PDFs and the sources.yaml that
watches it (a `page` source named council-reports)."""

from __future__ import annotations

LISTING = """<html><body><main><h1>Reports</h1><ul>
{items}
</ul><a class="next" href="/reports?page=2">Next</a></main></body></html>"""


def listing(*names: str) -> str:
    items = "\n".join(f'<li><a href="/files/{n}.pdf?utm_source=x#top">Report {n}</a></li>' for n in names)
    return LISTING.format(items=items)


def config(server_url: str, **extra: str) -> str:
    more = "".join(f"    {k}: {v}\n" for k, v in extra.items())
    return f"""
settings:
  per_host_delay: 0
  retries: 1
  retry_backoff: 0.01
  timeout: 5
sources:
  - name: council-reports
    kind: page
    url: {server_url}/reports
    links: "li a[href]"
    include: '\\.pdf'
    recheck_days: 0
{more}"""
