"""Every registered kind is complete, checked one to one as city-scrapers checks its spiders:
a profile with a label, a publisher folder with the fixed file names, a docs page, a test
folder with fixtures and tests. And no module outside monitor/sources/ names a kind."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from monitor.profile import Profile
from monitor.sources import PROFILES, REGISTRY, profile_of, source_class

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "monitor"
KINDS = sorted(PROFILES)
PACKAGES = sorted({p.package for p in PROFILES.values()})


def test_every_registered_kind_has_a_profile_and_an_adapter():
    assert set(REGISTRY) == set(PROFILES)
    assert {"ofsted", "cqc", "lgsco", "housing_ombudsman", "moderngov", "govuk", "page", "feed"} <= set(KINDS)
    for kind in KINDS:
        profile = PROFILES[kind]
        assert isinstance(profile, Profile) and profile.kind == kind
        assert profile.label and profile.label[0].isupper() and "_" not in profile.label, kind
        assert profile.package, kind
        assert source_class(kind).kind == kind


@pytest.mark.parametrize("package", PACKAGES)
def test_every_publisher_folder_is_complete(package):
    folder = PACKAGE / "sources" / package
    assert (folder / "__init__.py").is_file()
    assert (folder / "source.py").is_file(), f"{folder}: the listing road lives in source.py"
    assert (folder / "profile.py").is_file()
    assert (ROOT / "docs" / "publishers" / f"{package}.md").is_file(), f"docs/publishers/{package}.md is missing"
    tests = ROOT / "tests" / "sources" / package
    assert (tests / "fixtures").is_dir() and any((tests / "fixtures").iterdir()), f"{tests}/fixtures is missing or empty"
    assert list(tests.glob("test_*.py")), f"{tests} has no tests"


@pytest.mark.parametrize("package", PACKAGES)
def test_parsing_modules_never_touch_the_network(package):
    """Requests happen only in source.py and modules named for a road (`*_road.py`, `*_source.py`)."""
    folder = PACKAGE / "sources" / package
    for path in folder.glob("*.py"):
        if path.name == "source.py" or path.stem.endswith(("_road", "_source")):
            continue
        text = path.read_text(encoding="utf-8")
        for word in ("self.http", "context.http", ".get_listing(", "http.get(", "import requests"):
            assert word not in text, f"{path.relative_to(ROOT)} makes requests ({word}); name it for its road"


def test_unknown_kinds_get_a_readable_label():
    assert profile_of("housing_ombudsman").label == "Housing Ombudsman"
    assert profile_of("some_old_kind").label == "Some old kind"


def _string_constants(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
    ]


def test_no_module_outside_sources_names_a_kind():
    """What a kind means lives in its folder: the rest of the house asks its profile. (The
    generic kinds are named like the words "page" and "feed", which every module may use.)"""
    publisher_kinds = set(REGISTRY) - {"page", "feed"}
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE)
        if relative.parts[0] == "sources" or "migrations" in relative.parts:
            continue
        for line, value in _string_constants(path):
            if value in publisher_kinds:
                offenders.append(f"monitor/{relative}:{line} names the kind {value!r}")
    assert offenders == []
