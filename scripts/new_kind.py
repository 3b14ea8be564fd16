"""Write the skeleton of a new publisher: its folder, a failing placeholder test, a docs page.

    python scripts/new_kind.py NAME --label "Human label" [--root DIR]

Follow docs/ADDING_A_PUBLISHER.md from there. Nothing is overwritten: a NAME that exists
anywhere it would write is refused (exit 2).
"""

from __future__ import annotations

import argparse
import keyword
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SOURCE = '''"""{label} ({host}): what one source of `kind: {name}` watches, and its listing road.

The only module of this folder that makes requests; parsing is in listing.py and reader.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import Field

from monitor.sources.base import DocumentRef, Source, SourceSettings
from monitor.sources.{name}.listing import parse_listing
from monitor.sources.{name}.reader import read_document


class {cls}Settings(SourceSettings):
    """Keys of `kind: {name}`."""

    url: str = Field(pattern=r"^https?://")


class {cls}Source(Source):
    """Documents listed on one page of {label}."""

    kind = "{name}"
    Settings = {cls}Settings

    def list_documents(self) -> Iterator[DocumentRef]:
        response = self.http.get(self.settings.url, allowed_hosts=self.allowed_hosts())  # type: ignore[attr-defined]
        yield from parse_listing(response.text, response.url)

    @classmethod
    def read_meta(cls, pages: list[str], path: Path | None = None) -> dict[str, Any]:
        return read_document(pages)
'''

LISTING = '''"""{label}'s listing answer -> DocumentRefs. Pure parsing: no requests here.

No silent miss: an answer whose structure is not what this reader expects raises
ListingBrokenError, never returns an empty list.
"""

from __future__ import annotations

from monitor.errors import ListingBrokenError
from monitor.sources.base import DocumentRef


def parse_listing(text: str, url: str) -> list[DocumentRef]:
    """Every document the listing at `url` shows."""
    raise ListingBrokenError(f"{{url}}: the {name} listing reader is not written yet")
'''

READER = '''"""A {label} document's pages -> meta: its verdict, with where it was read. Pure parsing.

A verdict is read from the publisher's own table or statement and carries its source in
meta["verdict_sources"] ({{"page", "text"}}); prose never lends a grade.
"""

from __future__ import annotations

from typing import Any


def read_document(pages: list[str]) -> dict[str, Any]:
    """The facts of one document; {{}} when it states none."""
    return {{}}
'''

PROFILE = '''"""What the rest of the monitor knows of {label} (`kind: {name}`)."""

from __future__ import annotations

from monitor.profile import Profile

PROFILES = (
    Profile(
        kind="{name}",
        adapter="monitor.sources.{name}.source:{cls}Source",
        label="{label}",
        package="{name}",
        role="finding",
    ),
)
'''

TEST = '''"""The {name} kind against its fixtures: every field of every document asserted."""

from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


def test_the_listing_is_read():
    pytest.fail("write this test first: serve fixtures/listing.html and assert key, url, title, date and kind of each document")
'''

FIXTURE_README = '''# {label} fixtures

Written by us, faithful to the structure of the real pages. For each file: the real page it
follows (its address and the day it was seen), and what was changed.
'''

DOCS = '''# {label} (`kind: {name}`)

Modules: `monitor/sources/{name}/` (`source.py` the listing road, `listing.py` the listing
reader, `reader.py` the document reader, `profile.py` what the rest of the monitor knows of
it); tests `tests/sources/{name}/`.

## What is watched

Which pages, which documents, the key of each (the publisher's stable id, never a position
on a page).

## What is read from each document

The verdict and where it is stated, and what a document the reader does not understand raises.

## Confirmed and inferred

Each fact about the publisher's pages, with the evidence that confirms it, or "inferred".

## Example

```yaml
  - name: example-{slug}
    kind: {name}
    url: {host_url}
```
'''


def main(argv: list[str] | None = None) -> int:
    """Write the skeleton; 0 when written, 2 when refused."""
    parser = argparse.ArgumentParser(description="Write the skeleton of a new publisher kind.")
    parser.add_argument("name", help="the kind's name: lower case, words joined by _ (e.g. social_housing_regulator)")
    parser.add_argument("--label", required=True, help='the publisher as a person reads it, e.g. "Regulator of Social Housing"')
    parser.add_argument("--url", default="https://www.example.org.uk/", help="the publisher's listing address, for the docs example")
    parser.add_argument("--root", type=Path, default=ROOT, help="the repository to write into (default: this one)")
    args = parser.parse_args(argv)
    name = args.name
    if not re.fullmatch(r"[a-z][a-z0-9_]*", name) or keyword.iskeyword(name):
        print(f"{name!r} is not a kind name: lower case letters, digits and _", file=sys.stderr)
        return 2
    root = args.root.resolve()
    folder = root / "monitor" / "sources" / name
    tests = root / "tests" / "sources" / name
    docs = root / "docs" / "publishers" / f"{name}.md"
    for path in (folder, tests, docs):
        if path.exists():
            print(f"{path} exists: nothing written", file=sys.stderr)
            return 2
    values = {
        "name": name,
        "label": args.label,
        "cls": "".join(part.capitalize() for part in name.split("_")),
        "host": re.sub(r"^https?://([^/]+).*$", r"\1", args.url),
        "host_url": args.url,
        "slug": name.replace("_", "-"),
    }
    files = {
        folder / "__init__.py": "",
        folder / "source.py": SOURCE,
        folder / "listing.py": LISTING,
        folder / "reader.py": READER,
        folder / "profile.py": PROFILE,
        tests / f"test_{name}_source.py": TEST,
        tests / "fixtures" / "README.md": FIXTURE_README,
        docs: DOCS,
    }
    for path, template in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(template.format(**values), encoding="utf-8")
        print(f"wrote {path.relative_to(root)}")
    print("next: docs/ADDING_A_PUBLISHER.md, step 2")
    return 0


if __name__ == "__main__":
    sys.exit(main())
