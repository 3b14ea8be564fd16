"""Checks of a built page in the Debian Chromium the site tests use (tests/support/browser.py):
whether it scrolls sideways at a phone's width, and what axe-core (the npm registry's
accessibility engine) finds wrong with it.

Headless Chromium will not make its window narrower than 500 px, so the page is loaded in an
iframe of the width asked for, inside a wrapper page served from the same loopback origin as
the page (so the wrapper may read it); a script added to a copy of the page measures
`document.documentElement.scrollWidth` against `innerWidth` and runs axe, and the wrapper
copies the answer into its own DOM, which --dump-dom prints.

axe-core is installed with npm into a cache folder once (`npm install axe-core@AXE_VERSION`);
a test skips only when Chromium or npm is absent (.ci/run installs both from Debian's
packages)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import pytest
from browser import StaticServer, chromium_or_skip
from lxml import html as lhtml

AXE_VERSION = "4.14.1"
#: virtual time the wrapper gets: axe runs some hundreds of rules on the page
BUDGET_MS = "20000"

AXE_TAG = '<script src="{root}axe.min.js"></script>'
PROBE = """<script>
window.addEventListener("load", function () {
  var html = document.documentElement;
  var out = {scrollWidth: html.scrollWidth, innerWidth: window.innerWidth, wide: []};
  // what sticks out, so a failure says where
  Array.prototype.forEach.call(document.querySelectorAll("body *"), function (el) {
    var box = el.getBoundingClientRect();
    if (box.right > window.innerWidth + 1 && out.wide.length < 5) out.wide.push(el.tagName + "." + el.className + " " + Math.round(box.right));
  });
  var run = window.axe ? window.axe.run(document, {resultTypes: ["violations"]}) : Promise.resolve(null);
  run.then(function (result) {
    out.violations = result && result.violations.map(function (v) {
      return {id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map(function (n) { return n.target.join(" "); })};
    });
    html.setAttribute("data-checked", JSON.stringify(out));
  }, function (error) { html.setAttribute("data-checked", JSON.stringify({error: String(error)})); });
});
</script>
"""

WRAPPER = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>check</title></head>
<body style="margin:0">
<iframe id="page" title="page" src="{src}" style="width:{width}px;height:900px;border:0"></iframe>
<pre id="result"></pre>
<script>
var timer = setInterval(function () {{
  var frame = document.getElementById("page");
  var doc = frame.contentDocument;
  var answer = doc && doc.documentElement.getAttribute("data-checked");
  if (answer) {{ document.getElementById("result").textContent = answer; clearInterval(timer); }}
}}, 50);
</script>
</body></html>
"""


def cache_dir() -> Path:
    """Where axe-core is installed for the tests (XDG_CACHE_HOME or ~/.cache)."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "report-monitor" / f"axe-core-{AXE_VERSION}"


def axe_or_skip() -> Path:
    """axe.min.js from the npm registry, installed into the cache on first use; skip when npm
    is absent, fail when it cannot install."""
    target = cache_dir() / "node_modules" / "axe-core" / "axe.min.js"
    if target.is_file():
        return target
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip("npm is not installed (apt-get install npm; .ci/run does it), so axe-core cannot be fetched")
    cache_dir().mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [npm, "install", "--no-audit", "--no-fund", "--silent", "--prefix", str(cache_dir()), f"axe-core@{AXE_VERSION}"],
        capture_output=True, text=True, timeout=300, check=False,
    )
    assert done.returncode == 0 and target.is_file(), f"npm could not install axe-core: {done.stdout[-2000:]}{done.stderr[-2000:]}"
    return target


def _dump(url: str) -> str:
    binary = chromium_or_skip()
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
        cmd = [binary, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
               "--hide-scrollbars", f"--user-data-dir={profile}", f"--virtual-time-budget={BUDGET_MS}",
               "--window-size=1200,1000", "--dump-dom", url]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0 and "<html" in done.stdout, f"chromium could not load {url}: {done.stderr[-2000:]}"
    return done.stdout


class Checker:
    """A copy of a built site, served on loopback, whose pages can be checked one by one."""

    def __init__(self, site: Path, work: Path, axe: Path | None = None):
        self.root = work / "site"
        self.axe = axe is not None
        shutil.copytree(site, self.root)
        if axe is not None:
            shutil.copyfile(axe, self.root / "axe.min.js")

    def check(self, rel: str, width: int) -> dict[str, Any]:
        """{scrollWidth, innerWidth, wide, violations} of the page at `rel` in a frame `width` px
        wide; violations is None when the checker has no axe."""
        page = self.root / rel.split("?")[0]
        depth = rel.count("/")
        probe = (AXE_TAG if self.axe else "").replace("{root}", "../" * depth) + PROBE
        raw = page.read_text(encoding="utf-8")
        if "data-checked" not in raw:
            page.write_text(raw.replace("</body>", probe + "</body>"), encoding="utf-8")
        wrapper = self.root / f"_check-{width}.html"
        wrapper.write_text(WRAPPER.format(src=rel, width=width), encoding="utf-8")
        with StaticServer(self.root) as server:
            dom = lhtml.fromstring(_dump(f"{server.url}/{wrapper.name}"))
        text = dom.get_element_by_id("result").text_content()
        assert text, f"the check of {rel} did not finish in the browser"
        answer = json.loads(text)
        assert "error" not in answer, answer
        return answer
