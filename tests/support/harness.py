"""Drive the real `monitor` command in-process against a temporary data directory."""

from __future__ import annotations

import contextlib
import io
import json
import os
from pathlib import Path
from typing import Any

from monitor.cli import main


class Monitor:
    """A sources.yaml, a data dir and the `monitor` command, as a user has them."""

    def __init__(self, tmp_path: Path, config_text: str = "", database_url: str | None = None):
        self.root = tmp_path
        self.database_url = database_url
        self.data_dir = tmp_path / "data"
        self.config_path = tmp_path / "sources.yaml"
        if config_text:
            self.write_config(config_text)

    def write_config(self, text: str) -> None:
        self.config_path.write_text(text, encoding="utf-8")

    def run(self, *args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
        """Run `monitor ARGS --config <ours>`; (exit status, stdout, stderr)."""
        out, err = io.StringIO(), io.StringIO()
        saved = dict(os.environ)
        os.environ["MONITOR_DATA_DIR"] = str(self.data_dir)
        os.environ.pop("MONITOR_DATABASE_URL", None)
        if self.database_url:
            os.environ["MONITOR_DATABASE_URL"] = self.database_url
        os.environ.update(env or {})
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                code = main([*args, "--config", str(self.config_path)])
        finally:
            os.environ.clear()
            os.environ.update(saved)
        return code, out.getvalue(), err.getvalue()

    def json(self, *args: str, env: dict[str, str] | None = None) -> Any:
        code, out, err = self.run(*args, "--json", env=env)
        assert code == 0, err
        return json.loads(out)

    def events(self) -> list[dict[str, Any]]:
        return self.json("events")

    def documents(self) -> list[dict[str, Any]]:
        return self.json("documents")


def load_config_in(config_path: Path, data_dir: Path) -> Any:
    """sources.yaml loaded as if MONITOR_DATA_DIR were `data_dir` (the environment restored)."""
    from monitor.config import load_config

    saved = os.environ.get("MONITOR_DATA_DIR")
    os.environ["MONITOR_DATA_DIR"] = str(data_dir)
    try:
        return load_config(config_path)
    finally:
        if saved is None:
            os.environ.pop("MONITOR_DATA_DIR", None)
        else:
            os.environ["MONITOR_DATA_DIR"] = saved
