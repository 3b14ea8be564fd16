"""docs/ADDING_A_PUBLISHER.md followed as written, for a throwaway kind, in a copy of the
repository: the skeleton registers the kind, its placeholder test fails, and once the
listing reader and its test are written the kind's tests, the completeness check and the
docs' examples pass."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

LISTING_HTML = """<html><body><main><h1>Decisions</h1>
<ul class="decisions">
<li><a href="/decisions/2025-014.pdf">Decision 2025-014: Example Council</a> <time datetime="2025-05-02">2 May 2025</time></li>
<li><a href="/decisions/2025-021.pdf">Decision 2025-021: Example Council</a> <time datetime="2025-06-19">19 June 2025</time></li>
</ul></main></body></html>"""

PARSER = '''"""The throwaway body's listing answer -> DocumentRefs. Pure parsing: no requests here."""

from __future__ import annotations

from datetime import date
from urllib.parse import urljoin

from bs4 import BeautifulSoup

from monitor.errors import ListingBrokenError
from monitor.sources.base import DocumentRef


def parse_listing(text: str, url: str) -> list[DocumentRef]:
    """Every decision the listing at `url` shows."""
    items = BeautifulSoup(text, "html.parser").select("ul.decisions li")
    if not items:
        raise ListingBrokenError(f"{url}: no ul.decisions list")
    refs = []
    for item in items:
        link, when = item.find("a"), item.find("time")
        key = link["href"].rsplit("/", 1)[-1].removesuffix(".pdf")
        refs.append(DocumentRef(key=key, url=urljoin(url, link["href"]), title=link.get_text(strip=True),
                                published=date.fromisoformat(when["datetime"]), kind="decision"))
    return refs
'''

TEST = '''"""The throwaway_body kind against its fixture, every field asserted."""

from datetime import date
from pathlib import Path

from monitor.sources.base import SourceContext
from monitor.sources.throwaway_body.source import ThrowawayBodySource

FIXTURES = Path(__file__).parent / "fixtures"


def test_the_listing_is_read(server, http):
    server.add("/decisions", (FIXTURES / "listing.html").read_text())
    source = ThrowawayBodySource(ThrowawayBodySource.Settings(url=server.url + "/decisions"),
                                 SourceContext(name="throwaway", base_url=None, http=http))
    refs = list(source.list_documents())
    assert [(r.key, r.url, r.title, r.published, r.kind) for r in refs] == [
        ("2025-014", server.url + "/decisions/2025-014.pdf", "Decision 2025-014: Example Council", date(2025, 5, 2), "decision"),
        ("2025-021", server.url + "/decisions/2025-021.pdf", "Decision 2025-021: Example Council", date(2025, 6, 19), "decision"),
    ]
'''


def _copy(tmp: Path) -> Path:
    repo = tmp / "repo"
    for part in ("monitor", "docs", "scripts", "deploy"):
        shutil.copytree(ROOT / part, repo / part, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "README.md", repo / "README.md")
    shutil.copy(ROOT / "pyproject.toml", repo / "pyproject.toml")
    shutil.copy(ROOT / "mkdocs.yml", repo / "mkdocs.yml")
    (repo / "tests" / "sources").mkdir(parents=True)
    shutil.copytree(ROOT / "tests" / "support", repo / "tests" / "support", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "tests" / "docs", repo / "tests" / "docs", ignore=shutil.ignore_patterns("__pycache__", "test_adding_a_publisher.py"))
    shutil.copy(ROOT / "tests" / "conftest.py", repo / "tests" / "conftest.py")
    shutil.copy(ROOT / "tests" / "sources" / "test_kinds_complete.py", repo / "tests" / "sources" / "test_kinds_complete.py")
    # the other publishers' tests are not copied: only their folders, which the completeness
    # check reads, are stood in for
    for package in (ROOT / "tests" / "sources").iterdir():
        if package.is_dir() and package.name != "__pycache__":
            (repo / "tests" / "sources" / package.name / "fixtures").mkdir(parents=True)
            (repo / "tests" / "sources" / package.name / "fixtures" / "README.md").write_text("stand-in")
            (repo / "tests" / "sources" / package.name / f"test_{package.name}_standin.py").write_text("")
    return repo


def _run(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(repo)}
    return subprocess.run([sys.executable, *args], cwd=repo, env=env, capture_output=True, text=True, timeout=300)


def test_the_steps_add_a_kind(tmp_path):
    repo = _copy(tmp_path)
    # step 1: the skeleton
    made = _run(repo, "scripts/new_kind.py", "throwaway_body", "--label", "Throwaway Body", "--root", str(repo))
    assert made.returncode == 0, made.stderr
    assert "wrote monitor/sources/throwaway_body/profile.py" in made.stdout
    again = _run(repo, "scripts/new_kind.py", "throwaway_body", "--label", "Throwaway Body", "--root", str(repo))
    assert again.returncode == 2 and "nothing written" in again.stderr
    registered = _run(repo, "-c", "from monitor.sources import profile_of; print(profile_of('throwaway_body').label)")
    assert registered.stdout.strip() == "Throwaway Body", registered.stderr
    placeholder = _run(repo, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/sources/throwaway_body")
    assert placeholder.returncode == 1 and "write this test first" in placeholder.stdout
    # steps 2 and 3: a fixture, the test, the listing reader
    folder = repo / "tests" / "sources" / "throwaway_body"
    (folder / "fixtures" / "listing.html").write_text(LISTING_HTML)
    (folder / "test_throwaway_body_source.py").write_text(TEST)
    (repo / "monitor" / "sources" / "throwaway_body" / "listing.py").write_text(PARSER)
    # step 7: its tests, the completeness check and the docs' examples (its page's too)
    done = _run(repo, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/sources", "tests/docs")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "throwaway_body" in (repo / "docs" / "publishers" / "throwaway_body.md").read_text()
