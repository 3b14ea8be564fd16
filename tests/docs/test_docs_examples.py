"""Docs as tests: every sources.yaml example in README.md and docs/ is a configuration the
monitor accepts, as urlwatch runs its documentation's examples."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from monitor.config import parse_config

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
_BLOCK = re.compile(r"^```yaml\n(.*?)^```", re.S | re.M)


def examples() -> list[tuple[str, str]]:
    """(where, yaml text) of every yaml block that configures sources or settings."""
    out = []
    for path in DOCS:
        text = path.read_text(encoding="utf-8")
        for match in _BLOCK.finditer(text):
            block = match.group(1)
            line = text[: match.start()].count("\n") + 2
            where = f"{path.relative_to(ROOT)}:{line}"
            if re.match(r"\s*- name:", block):
                out.append((where, "sources:\n" + block))
            elif re.search(r"^(sources|settings):", block, re.M):
                out.append((where, block))
    return out


EXAMPLES = examples()


def test_the_docs_hold_examples():
    assert len(EXAMPLES) >= 8


@pytest.mark.parametrize(("where", "text"), EXAMPLES, ids=[w for w, _ in EXAMPLES])
def test_every_example_is_accepted(where, text, tmp_path):
    data = yaml.safe_load(text)
    if "sources" not in data:
        data["sources"] = [{"name": "example", "kind": "page", "url": "https://www.example.gov.uk/"}]
    path = tmp_path / "sources.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    config = parse_config(path.read_text(encoding="utf-8"), path)
    assert config.sources, where
