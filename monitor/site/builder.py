"""`build_site`: the store as a static site of plain HTML, CSS and inline SVG under one folder,
readable from file:// and publishable as it is (every stored copy it links is copied in).

A build rewrites only what changed since the last one (monitor/site/state.py): the pages of
documents whose inputs changed, the index parts they fall in, and the lists (overview,
council pages, timeline, findings) whose words changed. The texts of documents are read from
the store only for the pages being written, a few hundred at a time, so a build's memory
follows the number of documents, not their length. `--full` (or a missing or stale state)
writes everything; the result is the same, byte for byte."""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from monitor.registry import source_councils
from monitor.responses import role_lookup
from monitor.site import charts, pages
from monitor.site.data import SiteData, SiteDocument, forget_texts, load, load_texts
from monitor.site.files import write_text
from monitor.site.rows import RowCache
from monitor.site.search_parts import PartWriter, part_digits, part_name
from monitor.site.state import SiteState, code_fingerprint, quick_digest, state_path
from monitor.site.words import day

HERE = Path(__file__).parent
SITE_NAME = "report-monitor"
#: documents whose texts are read from the store at once
BATCH = 200
__all__ = ["SiteBuild", "build_from_data", "build_site", "write_text"]

@dataclass
class SiteBuild:
    """What a build wrote."""

    out: Path
    documents: int
    pages: int
    files: int
    seconds: float
    #: "full" or "incremental"
    mode: str = "full"
    #: pages and index parts written (a page whose inputs had not changed is left alone)
    written: int = 0


def environment() -> Environment:
    """Jinja with autoescape on for every template: publishers' strings are never markup."""
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=True, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.globals["doc_rows"] = RowCache()
    return env


def copy_blobs(data: SiteData, blob_path: Callable[[str], Path], out: Path, present: set[str] | None = None) -> dict[str, str]:
    """Copy (hard-link where possible) every version's stored bytes under out/files/.
    Returns sha256 -> path relative to the site. A blob already there is left alone: blobs
    are content-addressed, so the same name is the same bytes. `present`: copies the last
    build wrote (not looked at again on disk)."""
    present = present or set()
    copies: dict[str, str] = {}
    for doc in data.documents:
        for v in doc.versions:
            if v.sha256 in copies:
                continue
            rel = pages.stored_name(v.sha256, v.content_type)
            if rel in present:
                copies[v.sha256] = rel
                continue
            target = out / rel
            if not target.exists():
                source = blob_path(v.sha256)
                if not source.is_file():
                    # pruned or not yet written: the page says the copy is not in the site
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                try:
                    os.link(source, target)
                except OSError:
                    shutil.copyfile(source, target)
            copies[v.sha256] = rel
    return copies


def _remove_stale_copies(out: Path, keep: set[str], before: list[str] | None) -> None:
    """Stored copies no document links any more (a document taken out of the store) go too:
    those the last build listed, or on a full build whatever is under files/."""
    if before is None:
        folder = out / "files"
        before = [str(p.relative_to(out)) for p in folder.rglob("*") if p.is_file()] if folder.is_dir() else []
    for rel in before:
        if rel not in keep:
            (out / rel).unlink(missing_ok=True)


class _Writer:
    """Writes pages, leaving alone those whose digest is the one the last build recorded."""

    def __init__(self, out: Path, previous: SiteState | None, state: SiteState):
        self.out = out
        self.previous = previous.pages if previous else {}
        self.state = state
        self.written = 0

    def due(self, rel: str, digest: str) -> bool:
        """Record `rel`'s digest; True when the page must be written."""
        self.state.pages[rel] = digest
        return self.previous.get(rel) != digest or not os.path.exists(f"{self.out}/{rel}")

    def page(self, rel: str, render: Callable[[], str], digest: str | None = None) -> None:
        """A page whose digest is given (of what it is drawn from), else that of its own text:
        drawn only when the digest changed."""
        if digest is not None:
            if self.due(rel, digest):
                self.put(rel, charts.number_ids(render()))
            return
        html = charts.number_ids(render())
        if self.due(rel, hashlib.sha256(html.encode()).hexdigest()[:32]):
            self.put(rel, html)

    def put(self, rel: str, html: str) -> None:
        """Write a page whose inputs changed."""
        write_text(self.out / rel, html)
        self.written += 1

    def remove_stale(self, folder: str, whole: bool) -> None:
        """Pages of documents no longer in the store (pruned) go too: the site is the store."""
        if whole:
            path = self.out / folder
            gone = [f"{folder}/{p.name}" for p in path.glob("*.html")] if path.is_dir() else []
        else:
            gone = [rel for rel in self.previous if rel.startswith(folder + "/")]
        for rel in gone:
            if rel not in self.state.pages:
                (self.out / rel).unlink(missing_ok=True)


def _document_pages(env: Environment, data: SiteData, ctx: pages.Context, writer: _Writer, parts: PartWriter,
                    texts: Callable[[list[SiteDocument]], None] | None) -> None:
    """documents/<slug>.html for each document whose inputs changed, and its index line; the
    texts are read for those documents only, a batch at a time, and let go once written."""
    template = env.get_template("document.html.j2")
    code = writer.state.code
    due = [doc for doc in data.documents if writer.due(pages.doc_link(doc), quick_digest(code, pages.document_inputs(doc, ctx))) or parts.whole]
    for start in range(0, len(due), BATCH):
        batch = due[start : start + BATCH]
        if texts:
            texts(batch)
        for doc in batch:
            writer.put(pages.doc_link(doc), charts.number_ids(template.render(d=pages.document_view(doc, ctx), root="../", site_name=SITE_NAME)))
            parts.add(doc)
        if texts:
            forget_texts(batch)


def _finding_pages(env: Environment, ctx: pages.Context, writer: _Writer) -> None:
    """findings/<slug>.html: one page per finding, with the council's answers."""
    template = env.get_template("finding.html.j2")
    for status in ctx.statuses.values():
        writer.page(f"findings/{status.doc.slug}.html", lambda s=status: template.render(f=pages.finding_view(s, ctx), root="../", site_name=SITE_NAME))
    writer.page("findings.html", lambda: env.get_template("findings.html.j2").render(rows=pages.findings_index(ctx), root="", site_name=SITE_NAME))


def _timeline_pages(env: Environment, data: SiteData, ctx: pages.Context, writer: _Writer) -> None:
    """timeline.html and a page per filter under timeline/ (publisher, publisher and kind,
    year), so the timeline filters without JavaScript; timeline.js only enhances it."""
    template = env.get_template("timeline.html.j2")
    filters = pages.timeline_filters(data)
    nav = {"publishers": filters["publishers"], "years": filters["years"]}
    common = {"nav": nav, "site_name": SITE_NAME}
    # what the filter links say (the documents behind them are in each page's rows)
    links = [[p["path"], p["count"], [[k["path"], k["count"]] for k in p["kinds"]]] for p in nav["publishers"]] + [[y["path"], y["count"]] for y in nav["years"]]
    signature = _RowSignatures(ctx)
    chosen: list[dict[str, Any]] = [{"path": "timeline.html", "docs": data.documents}, *filters["years"]]
    for publisher in filters["publishers"]:
        chosen.append({**publisher, "title": f"Published by {publisher['name']}"})
        if len(publisher["kinds"]) > 1:  # one kind alone is its publisher's page
            chosen += publisher["kinds"]
    for choice in chosen:
        main = choice["path"] == "timeline.html"
        current = None if main else {k: v for k, v in choice.items() if k not in ("docs", "kinds")}
        # a page is its rows in order (their years among them) under its filter links: the
        # digest is of those, each row's words worked out once for every page it is on
        digest = quick_digest(writer.state.code, [links, current, signature(choice["docs"])])
        writer.page(choice["path"], lambda c=current, d=choice["docs"], r=("" if main else "../"): template.render(
            root=r, years=pages.timeline(d, ctx), current=c, **common), digest=digest)


class _RowSignatures:
    """The words of each document's row (`pages.summary_row`), joined for a list of documents."""

    def __init__(self, ctx: pages.Context):
        self.ctx = ctx
        self.words: dict[int, str] = {}

    def __call__(self, docs: list[SiteDocument]) -> str:
        words = self.words
        for doc in docs:
            if doc.id not in words:
                words[doc.id] = repr(pages.summary_row(doc, self.ctx))
        return "\n".join(words[doc.id] for doc in docs)


def _council_pages(env: Environment, overview: dict[str, Any], writer: _Writer) -> None:
    """councils/<council>.html: each council's record on a page of its own."""
    template = env.get_template("council.html.j2")
    for view in overview["councils"]:
        writer.page(view["link"], lambda v=view: template.render(c=v, root="../", site_name=SITE_NAME))


def _render(data: SiteData, out: Path, blob_path: Callable[[str], Path], built_at: datetime,
            texts: Callable[[list[SiteDocument]], None] | None, previous: SiteState | None) -> tuple[SiteBuild, SiteState]:
    started = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    digits = part_digits(len(data.documents))
    if previous is not None and previous.part_digits != digits:
        previous = None  # the index is cut into another number of parts: everything anew
    state = SiteState(str(out.resolve()), code_fingerprint(), part_digits=digits)
    writer = _Writer(out, previous, state)
    env = environment()
    copies = copy_blobs(data, blob_path, out, set(previous.files) if previous else set())
    ctx = pages.context(data, built_at, copies)
    parts = PartWriter(out, digits, data.documents, previous.parts if previous else None)
    _document_pages(env, data, ctx, writer, parts, texts)
    if previous is not None:
        parts.removed(part_name(rel[len('documents/') : -len('.html')], digits) for rel in previous.pages if rel.startswith("documents/") and rel not in state.pages)
    no_texts = texts or (lambda _docs: None)
    state.parts = parts.finish(no_texts, forget_texts if texts else (lambda _docs: None))
    writer.written += len(parts.touched) if previous is not None else len(state.parts)
    overview = pages.overview(data, ctx)
    # the build's time is on the overview alone, so a page that did not change is not rewritten
    writer.page("index.html", lambda: env.get_template("index.html.j2").render(
        root="", built_at=f"{day(built_at)}, {built_at:%H:%M} UTC", site_name=SITE_NAME, **overview))
    writer.page("search.html", lambda: env.get_template("search.html.j2").render(root="", parts=sorted(state.parts), site_name=SITE_NAME))
    for name in ("site.css", "search.js", "timeline.js"):
        writer.page(name, lambda n=name: resources.files("monitor.site").joinpath("static", n).read_text(encoding="utf-8"))
    _finding_pages(env, ctx, writer)
    _timeline_pages(env, data, ctx, writer)
    _council_pages(env, overview, writer)
    whole = previous is None
    for folder in ("documents", "findings", "timeline", "councils"):
        writer.remove_stale(folder, whole)
    state.files = sorted(set(copies.values()))
    _remove_stale_copies(out, set(state.files), None if whole else previous.files)
    seconds = time.perf_counter() - started
    mode = "full" if whole else "incremental"
    state.last_build = {"mode": mode, "seconds": round(seconds, 3), "pages_written": writer.written,
                        "documents": len(data.documents), "pages": len(state.pages), "at": built_at.isoformat()}
    return SiteBuild(out, len(data.documents), len(state.pages), len(copies), seconds, mode, writer.written), state


def build_from_data(data: SiteData, out: Path, blob_path: Callable[[str], Path], built_at: datetime | None = None) -> SiteBuild:
    """Write the whole site for already-loaded data, texts included (tests and benchmarks)."""
    build, state = _render(data, out, blob_path, built_at or datetime.now(UTC), None, None)
    state.write(state_path(out))
    return build


def default_out(config: Any) -> Path:
    """data/site/ under the configured data directory."""
    return Path(config.data_dir) / "site"


def build_site(config: Any, store: Any, out: Path | None = None, *, full: bool = False, built_at: datetime | None = None) -> SiteBuild:
    """Bring the static site of `store` in `out` (default `<data_dir>/site/`) up to date:
    only what changed since the last build is written, unless `full` (or there is no usable
    record of the last build)."""
    started = time.perf_counter()
    out = Path(out) if out is not None else default_out(config)
    where = state_path(out)
    previous = None if full else SiteState.read(where, out, code_fingerprint())
    # a build cut short must not leave a state that vouches for pages it did not write
    where.unlink(missing_ok=True)
    with store.session() as session:
        data = load(session, texts=False)
        # a source's `role:` in the configuration overrides its kind's (monitor/responses.py)
        role = role_lookup(config)
        data.roles = {s.name: role(s.name, s.kind) for s in data.sources}
        data.councils = source_councils(config.sources)
        build, state = _render(data, out, store.blobs.path_for, built_at or datetime.now(UTC), lambda docs: load_texts(session, docs), previous)
    # the whole build, reading the store included, is what a pass waits for
    build.seconds = time.perf_counter() - started
    state.last_build["seconds"] = round(build.seconds, 3)
    state.write(where)
    return build

