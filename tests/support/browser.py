"""Headless Chromium for the site tests: the rendered DOM after scripts ran (--dump-dom) and
screenshots, from file:// or http:// URLs, plus a loopback HTTP server for a built site.

Chromium comes from Debian's packages (`.ci/run` installs it); `chromium_or_skip()` skips a
test, with the reason, only when no Chromium is on PATH."""

from __future__ import annotations

import functools
import shutil
import subprocess
import tempfile
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
#: virtual time the page gets for its scripts before the DOM is dumped (ms)
BUDGET_MS = "5000"


def chromium_path() -> str | None:
    """The first Chromium on PATH, or None."""
    return next((path for name in NAMES if (path := shutil.which(name))), None)


def chromium_or_skip() -> str:
    """The Chromium binary, or skip the test saying why."""
    path = chromium_path()
    if path is None:
        pytest.skip("Chromium is not installed (apt-get install chromium; .ci/run does it)")
    return path


def _run(args: list[str], timeout: float = 60) -> subprocess.CompletedProcess[str]:
    binary = chromium_or_skip()
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
        cmd = [
            binary,
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-extensions",
            "--hide-scrollbars",
            f"--user-data-dir={profile}",
            f"--virtual-time-budget={BUDGET_MS}",
            *args,
        ]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)


def dump_dom(url: str) -> str:
    """The page's DOM as serialised after load and its scripts. (Chromium serialises the DOM
    with script: with scripts off, --dump-dom and --screenshot give nothing, so the no-script
    reading is checked on the served HTML itself.)"""
    done = _run(["--dump-dom", url])
    if done.returncode != 0 or "<html" not in done.stdout:
        raise AssertionError(f"chromium could not load {url}: exit {done.returncode}\n{done.stderr[-2000:]}")
    return done.stdout


def screenshot(url: str, path: Path, width: int = 1200, height: int = 1600) -> Path:
    """A PNG of the page at the given window size."""
    path.parent.mkdir(parents=True, exist_ok=True)
    done = _run([f"--window-size={width},{height}", f"--screenshot={path}", url])
    if done.returncode != 0 or not path.is_file() or path.stat().st_size == 0:
        raise AssertionError(f"chromium made no screenshot of {url}: exit {done.returncode}\n{done.stderr[-2000:]}")
    return path


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the stdlib's name
        pass


class StaticServer:
    """http.server serving one folder on 127.0.0.1, as a web host would publish the site."""

    def __init__(self, folder: Path):
        handler = functools.partial(_Quiet, directory=str(folder))
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> StaticServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
