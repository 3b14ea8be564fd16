"""The README is what a coordinator reads first: short, the two commands a newcomer types,
links that lead somewhere, and no internal names in the parts a coordinator reads."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from monitor.events import EVENT_TYPES

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
GUIDE = sorted((ROOT / "docs" / "guide").glob("*.md"))
_LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")
_FENCE = re.compile(r"^```.*?^```", re.S | re.M)
_COMMENT = re.compile(r"<!--.*?-->", re.S)
# field names of verdicts a person must never read as words (they read "Care leavers")
_FIELD_NAMES = ("impact_of_leaders", "help_and_protection", "care_leavers", "in_care_and_care_leavers", "verdict_sources")


def test_the_readme_is_read_in_five_minutes():
    assert len(README.splitlines()) < 150


def test_the_quick_start_is_the_two_make_commands():
    quick = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    (block,) = re.findall(r"```sh\n(.*?)```", quick, re.S)
    commands = [line.split("#", 1)[0].strip() for line in block.splitlines()]
    assert commands == ["make run", "make test"]


def test_the_readme_says_why_each_library():
    section = README.split("## Libraries, and why", 1)[1]
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    dependencies = re.search(r"^dependencies = \[(.*?)^\]", pyproject, re.S | re.M).group(1)
    for name in re.findall(r'"([A-Za-z0-9_.-]+)', dependencies):
        assert f"**{name.lower()}**" in section.lower(), name


def test_the_readmes_links_lead_to_files():
    for target in _LINK.findall(README):
        if "://" not in target:
            assert (ROOT / target).exists(), target


@pytest.mark.parametrize("path", [ROOT / "README.md", *GUIDE], ids=lambda p: p.name)
def test_coordinator_pages_use_no_internal_names(path):
    """Prose only: the samples of real output (filled from the code) and the yaml a reader
    copies are not prose, and code spans name commands and files the reader types."""
    prose = _COMMENT.sub("", _FENCE.sub("", path.read_text(encoding="utf-8")))
    prose = re.sub(r"`[^`]*`", "", prose)
    # "changed", "removed" and "response" are English words too: only the coined names are checked
    for name in (*(t for t in EVENT_TYPES if "_" in t), *_FIELD_NAMES):
        assert not re.search(rf"\b{re.escape(name)}\b", prose), f"{path.name}: {name}"
