"""`build_site`: the store as a static site of plain HTML, CSS and inline SVG under one folder,
readable from file:// and publishable as it is (every stored copy it links is copied in)."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from monitor.deliver.labels import publisher_label
from monitor.registry import source_councils
from monitor.responses import role_of
from monitor.site import pages
from monitor.site.data import SiteData, load
from monitor.site.words import day

HERE = Path(__file__).parent
SITE_NAME = "report-monitor"
#: text of one document kept in the client-side search index; beyond it the page is cut, so a
#: published index stays a size a browser loads (docs/SITE.md)
MAX_INDEX_CHARS = 60_000


@dataclass
class SiteBuild:
    """What a build wrote."""

    out: Path
    documents: int
    pages: int
    files: int
    seconds: float


def environment() -> Environment:
    """Jinja with autoescape on for every template: publishers' strings are never markup."""
    return Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=True, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def write_text(path: Path, text: str) -> None:
    """Replace `path` in one rename so a web server never serves half a page. No fsync: the
    site is rebuilt from the store after every pass, so a page lost in a crash comes back."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def copy_blobs(data: SiteData, blob_path: Callable[[str], Path], out: Path) -> dict[str, str]:
    """Copy (hard-link where possible) every version's stored bytes under out/files/.
    Returns sha256 -> path relative to the site. A blob already there is left alone: blobs
    are content-addressed, so the same name is the same bytes."""
    copies: dict[str, str] = {}
    for doc in data.documents:
        for v in doc.versions:
            if v.sha256 in copies:
                continue
            source = blob_path(v.sha256)
            if not source.is_file():
                # pruned or not yet written: the page says the copy is not in the site
                continue
            rel = pages.stored_name(v.sha256, v.content_type)
            target = out / rel
            if not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                try:
                    os.link(source, target)
                except OSError:
                    shutil.copyfile(source, target)
            copies[v.sha256] = rel
    return copies


def search_index(data: SiteData) -> dict[str, Any]:
    """Titles and page texts for the client-side search; a page seen in a newer version is not
    repeated for an older one, so an old version's chunks are what it alone said."""
    documents = []
    for doc in data.documents:
        seen: set[str] = set()
        chunks: list[list[Any]] = []
        budget = MAX_INDEX_CHARS
        for v in reversed(doc.versions):
            for number, page in enumerate(v.pages, start=1):
                text = " ".join(page.split())
                if not text or text in seen or budget <= 0:
                    continue
                seen.add(text)
                chunks.append([v.number, number, text[:budget]])
                budget -= len(text)
        if not chunks:
            chunks.append([doc.versions[-1].number if doc.versions else 1, 1, ""])
        documents.append(
            {
                "title": doc.title,
                "url": pages.doc_link(doc),
                "publisher": publisher_label(doc.source_kind),
                "date": doc.when.isoformat(),
                "when": day(doc.when),
                "chunks": chunks,
            }
        )
    return {"documents": documents}


def _document_pages(env: Environment, data: SiteData, out: Path, ctx: pages.Context, common: dict[str, Any]) -> set[str]:
    template = env.get_template("document.html.j2")
    written = set()
    for doc in data.documents:
        name = f"{doc.slug}.html"
        write_text(out / "documents" / name, template.render(d=pages.document_view(doc, ctx), root="../", **common))
        written.add(name)
    return written


def _finding_pages(env: Environment, out: Path, ctx: pages.Context, common: dict[str, Any]) -> set[str]:
    """findings/<slug>.html: one page per finding, with the council's answers."""
    template = env.get_template("finding.html.j2")
    written = set()
    for status in ctx.statuses.values():
        name = f"{status.doc.slug}.html"
        write_text(out / "findings" / name, template.render(f=pages.finding_view(status, ctx), root="../", **common))
        written.add(name)
    write_text(out / "findings.html", env.get_template("findings.html.j2").render(rows=pages.findings_index(ctx), root="", **common))
    return written


def _timeline_pages(env: Environment, data: SiteData, out: Path, ctx: pages.Context, common: dict[str, Any]) -> set[str]:
    """timeline.html and a page per filter under timeline/ (publisher, publisher and kind,
    year), so the timeline filters without JavaScript; timeline.js only enhances it."""
    template = env.get_template("timeline.html.j2")
    filters = pages.timeline_filters(data)
    nav = {"publishers": filters["publishers"], "years": filters["years"]}
    write_text(out / "timeline.html", template.render(root="", years=pages.timeline(data.documents, ctx), nav=nav, current=None, **common))
    written = set()
    chosen = [*filters["years"]]
    for publisher in filters["publishers"]:
        chosen.append({**publisher, "title": f"Published by {publisher['name']}"})
        if len(publisher["kinds"]) > 1:  # one kind alone is its publisher's page
            chosen += publisher["kinds"]
    for choice in chosen:
        name = choice["path"].split("/", 1)[1]
        html = template.render(root="../", years=pages.timeline(choice["docs"], ctx), nav=nav, current=choice, **common)
        write_text(out / "timeline" / name, html)
        written.add(name)
    return written


def _remove_stale(folder: Path, keep: set[str]) -> None:
    """Pages of documents no longer in the store (pruned) go too: the site is the store."""
    if folder.is_dir():
        for path in folder.glob("*.html"):
            if path.name not in keep:
                path.unlink()


def build_from_data(data: SiteData, out: Path, blob_path: Callable[[str], Path], built_at: datetime | None = None) -> SiteBuild:
    """Write the site for already-loaded data (the benchmark calls this directly)."""
    started = time.perf_counter()
    built_at = built_at or datetime.now(UTC)
    out.mkdir(parents=True, exist_ok=True)
    env = environment()
    common = {"site_name": SITE_NAME, "built_at": f"{day(built_at)}, {built_at:%H:%M} UTC"}
    copies = copy_blobs(data, blob_path, out)
    ctx = pages.context(data, built_at, copies)
    write_text(out / "index.html", env.get_template("index.html.j2").render(root="", **pages.overview(data, ctx), **common))
    write_text(out / "search.html", env.get_template("search.html.j2").render(root="", **common))
    # "</" cannot end the script early: JSON escapes "/" after "<" here
    index_json = json.dumps(search_index(data), ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    write_text(out / "search-index.js", f"window.MONITOR_SEARCH = {index_json};\n")
    for name in ("site.css", "search.js", "timeline.js"):
        write_text(out / name, resources.files("monitor.site").joinpath("static", name).read_text(encoding="utf-8"))
    written = _document_pages(env, data, out, ctx, common)
    _remove_stale(out / "documents", written)
    found = _finding_pages(env, out, ctx, common)
    _remove_stale(out / "findings", found)
    filtered = _timeline_pages(env, data, out, ctx, common)
    _remove_stale(out / "timeline", filtered)
    councils = _council_pages(env, data, out, ctx, common)
    _remove_stale(out / "councils", councils)
    pages_written = len(written) + len(found) + len(filtered) + len(councils) + 5
    return SiteBuild(out, len(data.documents), pages_written, len(copies), time.perf_counter() - started)


def _council_pages(env: Environment, data: SiteData, out: Path, ctx: pages.Context, common: dict[str, Any]) -> set[str]:
    """councils/<council>.html: each council's record on a page of its own."""
    template = env.get_template("council.html.j2")
    written = set()
    for view in pages.overview(data, ctx)["councils"]:
        name = view["link"].split("/", 1)[1]
        write_text(out / "councils" / name, template.render(c=view, root="../", **common))
        written.add(name)
    return written


def default_out(config: Any) -> Path:
    """data/site/ under the configured data directory."""
    return Path(config.data_dir) / "site"


def build_site(config: Any, store: Any, out: Path | None = None) -> SiteBuild:
    """Build the static site of `store` into `out` (default `<data_dir>/site/`)."""
    out = Path(out) if out is not None else default_out(config)
    with store.session() as session:
        data = load(session)
    # a source's `role:` in the configuration overrides its kind's (monitor/responses.py)
    data.roles = {s.name: role_of(config, s.name, s.kind) for s in data.sources}
    data.councils = source_councils(config.sources)
    return build_from_data(data, out, store.blobs.path_for)

