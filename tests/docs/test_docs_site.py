"""The documentation site builds with `mkdocs build --strict`: a broken link, a link to a file
outside docs/, or an anchor that is not there fails the build, and so this test."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("mkdocs", reason="mkdocs is in the test extras: pip install -e '.[test]'")

ROOT = Path(__file__).resolve().parents[2]


def build(project: Path, site: Path) -> subprocess.CompletedProcess[str]:
    """`mkdocs build --strict` of `project` into `site`, as CI runs it."""
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file", str(project / "mkdocs.yml"), "--site-dir", str(site)],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_site_builds_strictly_without_a_warning(tmp_path):
    done = build(ROOT, tmp_path / "site")
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "WARNING" not in output, output
    # every page of the nav was written, the guide and the reference among them
    for page in ("index.html", "guide/source-problems.html", "reference/commands.html", "reference/deployment.html"):
        assert (tmp_path / "site" / page).is_file(), page


def test_a_broken_link_fails_the_build(tmp_path):
    project = tmp_path / "project"
    shutil.copytree(ROOT / "docs", project / "docs")  # the deployment page's link is copied as its text
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    page = project / "docs" / "guide" / "sources.md"
    page.write_text(
        page.read_text(encoding="utf-8")
        + "\n[the code](../../monitor/config.py) and [a missing part](../reference/commands.md#no-such-part)\n",
        encoding="utf-8",
    )
    done = build(project, tmp_path / "site")
    output = done.stdout + done.stderr
    assert done.returncode != 0, output
    assert "'../../monitor/config.py'" in output and "#no-such-part" in output, output
